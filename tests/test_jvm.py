"""JVM projects end to end (issue 12): a Spark-like Maven build with GraphX as a scoped module,
an sbt build, and the real tools as oracles (`javac -verbose` for Java names, Maven's reactor
for modules, profiles and sibling dependencies; both skip visibly when missing)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from build_helpers import boundary
from helpers import check_json, env_module, run_cli, write_tree

from scoped_modules.readers.facts import F_WILDCARD, K_BUILD_DEPENDENCY, K_JVM_IMPORT, K_JVM_NAME
from scoped_modules.readers.jvm import read_java
from scoped_modules.readers.maven import read_maven
from scoped_modules.resolve.jvm import JvmNames, build_model

PARENT = "<parent><groupId>org.apache.spark</groupId><artifactId>spark-parent_${scala.binary.version}</artifactId><version>3.5.0</version></parent>"


def _pom(artifact: str, deps: list[str], extra: str = "") -> str:
    body = "".join(
        f"""
        <dependency>
          <groupId>org.apache.spark</groupId>
          <artifactId>{d}_${{scala.binary.version}}</artifactId>
        </dependency>"""
        for d in deps
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  {PARENT}
  <artifactId>{artifact}_${{scala.binary.version}}</artifactId>
  <dependencies>{body}
  </dependencies>{extra}
</project>
"""


def spark_like(graphx_in_profile: bool = True, mllib_uses_graphx: bool = True) -> dict[str, str]:
    """Core, `graphx/` (the scoped module), `mllib/` depending on it by POM and by import, and
    `examples/` importing it (as in Apache Spark)."""
    modules = ["core", "mllib", "examples"] + ([] if graphx_in_profile else ["graphx"])
    listed = "".join(f"\n    <module>{m}</module>" for m in modules)
    profile = (
        "\n  <profiles>\n    <profile>\n      <id>graphx</id>\n      <modules>\n"
        "        <module>graphx</module>\n      </modules>\n    </profile>\n  </profiles>"
        if graphx_in_profile
        else "\n  <profiles>\n    <profile>\n      <id>graphx</id>\n    </profile>\n  </profiles>"
    )
    managed = "".join(
        f"""
      <dependency>
        <groupId>org.apache.spark</groupId>
        <artifactId>spark-{m}_${{scala.binary.version}}</artifactId>
        <version>${{project.version}}</version>
      </dependency>"""
        for m in ("core", "graphx", "mllib")
    )
    files = {
        "pom.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.apache.spark</groupId>
  <artifactId>spark-parent_${{scala.binary.version}}</artifactId>
  <version>3.5.0</version>
  <packaging>pom</packaging>
  <properties>
    <scala.binary.version>2.13</scala.binary.version>
  </properties>
  <modules>{listed}
  </modules>
  <dependencyManagement>
    <dependencies>{managed}
    </dependencies>
  </dependencyManagement>{profile}
</project>
""",
        "core/pom.xml": _pom("spark-core", []),
        "graphx/pom.xml": _pom("spark-graphx", ["spark-core"]),
        "mllib/pom.xml": _pom(
            "spark-mllib", ["spark-core", *(["spark-graphx"] if mllib_uses_graphx else [])]
        ),
        "examples/pom.xml": _pom("spark-examples", ["spark-core", "spark-mllib"]),
        "core/src/main/scala/org/apache/spark/SparkContext.scala": """
            package org.apache.spark

            // org.apache.spark.graphx.Graph is named in a comment only
            class SparkContext {
              val className = "org.apache.spark.graphx.Graph"
            }
        """,
        "core/src/main/java/org/apache/spark/api/java/JavaSparkContext.java": """
            package org.apache.spark.api.java;

            public class JavaSparkContext {}
        """,
        "graphx/src/main/scala/org/apache/spark/graphx/Graph.scala": """
            package org.apache.spark.graphx

            import org.apache.spark.SparkContext

            abstract class Graph[VD, ED] { def sc: SparkContext }
            object Graph
        """,
        "graphx/src/main/scala/org/apache/spark/graphx/Edge.scala": """
            package org.apache.spark.graphx

            case class Edge[ED](srcId: Long, dstId: Long, attr: ED)
        """,
        "graphx/src/main/scala/org/apache/spark/graphx/lib/PageRank.scala": """
            package org.apache.spark.graphx.lib

            import org.apache.spark.graphx._

            object PageRank { def run(g: Graph[Double, Double]): Unit = () }
        """,
        "graphx/src/main/java/org/apache/spark/graphx/api/java/JavaGraph.java": """
            package org.apache.spark.graphx.api.java;

            import org.apache.spark.api.java.JavaSparkContext;

            public class JavaGraph { JavaSparkContext sc; }
        """,
        "mllib/src/main/scala/org/apache/spark/mllib/linalg/Vectors.scala": """
            package org.apache.spark.mllib.linalg

            object Vectors
        """,
        "examples/src/main/scala/org/apache/spark/examples/SparkPi.scala": """
            package org.apache.spark.examples

            import org.apache.spark.SparkContext
            import org.apache.spark.mllib.linalg.Vectors

            object SparkPi
        """,
        "docs/snippets/GraphSnippet.java": "import org.apache.spark.graphx.Graph;\n",
        "scoped.toml": """
            schema = 1

            [modules.graphx]
            stage = "s0"
            paths = ["graphx/"]
            toggles = [{ maven_profile = "graphx" }]
        """,
    }
    if mllib_uses_graphx:
        files[
            "mllib/src/main/scala/org/apache/spark/mllib/clustering/PowerIterationClustering.scala"
        ] = """
            package org.apache.spark.mllib.clustering

            import org.apache.spark.SparkContext
            import org.apache.spark.graphx._

            class PowerIterationClustering(sc: SparkContext)
        """
        files["mllib/src/main/scala/org/apache/spark/mllib/feature/Word2Vec.scala"] = """
            package org.apache.spark
            package mllib.feature

            import graphx.{Edge, Graph => G}

            class Word2Vec { def ranks: org.apache.spark.graphx.lib.PageRank.type = null }
        """
        files[
            "examples/src/main/scala/org/apache/spark/examples/graphx/PageRankExample.scala"
        ] = """
            package org.apache.spark.examples.graphx

            import org.apache.spark.graphx.lib.PageRank

            object PageRankExample
        """
        files["examples/src/main/java/org/apache/spark/examples/JavaGraphExample.java"] = """
            package org.apache.spark.examples;

            import org.apache.spark.graphx.api.java.JavaGraph;

            public class JavaGraphExample { JavaGraph g; }
        """
    return files


def test_spark_like_repository_gets_exactly_the_expected_findings(repo) -> None:
    _code, report = check_json(repo(spark_like()), "--no-history")
    g = "graphx/src/main/scala/org/apache/spark/graphx"
    mllib = "mllib/src/main/scala/org/apache/spark/mllib"
    assert boundary(report) == [
        # examples imports GraphX (Scala, Java)
        (
            "SM003",
            "examples/src/main/java/org/apache/spark/examples/JavaGraphExample.java",
            3,
            "jvm-import",
            "graphx/src/main/java/org/apache/spark/graphx/api/java/JavaGraph.java",
        ),
        (
            "SM003",
            "examples/src/main/scala/org/apache/spark/examples/graphx/PageRankExample.scala",
            3,
            "jvm-import",
            f"{g}/lib/PageRank.scala",
        ),
        # mllib depends on GraphX in its POM ...
        ("SM003", "mllib/pom.xml", 13, "build-dependency", "graphx/pom.xml"),
        # ... and imports it: a wildcard import of GraphX's package (all of it in the module)
        (
            "SM003",
            f"{mllib}/clustering/PowerIterationClustering.scala",
            4,
            "jvm-import",
            f"{g}/Edge.scala",
        ),
        # a Scala import relative to the chained package clause `package org.apache.spark`
        ("SM003", f"{mllib}/feature/Word2Vec.scala", 4, "jvm-import", f"{g}/Edge.scala"),
        ("SM003", f"{mllib}/feature/Word2Vec.scala", 4, "jvm-import", f"{g}/Graph.scala"),
        # a fully qualified name in code
        ("SM003", f"{mllib}/feature/Word2Vec.scala", 6, "jvm-name", f"{g}/lib/PageRank.scala"),
    ]
    (row,) = report["modules"]
    assert row["inbound"] == 7 and row["wiring"] == 1  # the root POM's profile lists graphx
    messages = [n["message"] for n in report["notes"]]
    assert any("under 'docs/'" in m and "outside every source root" in m for m in messages)
    code, out, _err = run_cli(repo_root(report), "deps", "graphx")
    assert "pom.xml" in out and "(wiring: graphx)" in out


def repo_root(report: dict) -> Path:
    return Path(report["root"])


def test_correctly_wired_graphx_is_silent(repo) -> None:
    _code, report = check_json(repo(spark_like(mllib_uses_graphx=False)), "--no-history")
    assert boundary(report) == []
    assert report["modules"][0]["wiring"] == 1


def test_graphx_built_outside_its_profile_is_sm007(repo) -> None:
    _code, report = check_json(
        repo(spark_like(graphx_in_profile=False, mllib_uses_graphx=False)), "--no-history"
    )
    assert boundary(report) == [("SM007", "pom.xml", 15, "build-module", "graphx/pom.xml")]
    finding = next(f for f in report["findings"] if f["rule"] == "SM007")
    assert "<profile><id>graphx</id>" in finding["hint"]


def test_undefined_profile_is_sm006(repo) -> None:
    files = spark_like(mllib_uses_graphx=False)
    files["scoped.toml"] = files["scoped.toml"].replace(
        'maven_profile = "graphx"', 'maven_profile = "graph"'
    )
    _code, report = check_json(repo(files), "--no-history")
    assert [(r, p) for r, p, *_ in boundary(report)] == [
        ("SM006", "scoped.toml"),
        ("SM007", "pom.xml"),
    ]


# ------------------------------------------------------------------------------------------
# Maven as the oracle of the POM model


def _reactor(root: Path, *args: str) -> set[str]:
    """The POMs Maven's reactor builds (offline, `validate`: no plugin, no download)."""
    out = subprocess.run(
        ["mvn", "-o", "-B", "validate", *args], cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout[-2000:]
    names = re.findall(r"^\[INFO\] (spark-[\w.-]+?)(?:_2\.13)?\s+\[", out.stdout, re.M)
    return {f"{n.removeprefix('spark-')}/pom.xml".replace("parent/", "") for n in names}


@pytest.mark.skipif(shutil.which("mvn") is None, reason="maven not installed")
def test_pom_model_matches_the_maven_reactor(tmp_path: Path) -> None:
    files = spark_like()
    write_tree(tmp_path, {p: t for p, t in files.items() if p.endswith("pom.xml")})
    maven = {
        p: read_maven(textwrap.dedent(t).lstrip("\n"))
        for p, t in files.items()
        if p.endswith("pom.xml")
    }
    dirs = {os.path.dirname(p) for p in files} - {""}
    model = build_model(maven, {}, frozenset(files), dirs)

    def built(profiles: set[str]) -> set[str]:
        out = {"pom.xml"}
        changed = True
        while changed:
            changed = False
            for path, raw, guard, target, _d in model.refs:
                on = guard is None or (guard[0] == "v" and bool(profiles & set(guard[1])))
                if raw[0] == "build-module" and path in out and on and target not in out:
                    out.add(target)
                    changed = True
        return out

    assert _reactor(tmp_path) == built(set())
    assert _reactor(tmp_path, "-P", "graphx") == built({"graphx"})
    # sibling dependencies: `-pl mllib -am` builds mllib and what it depends on (parent too)
    deps = {"mllib/pom.xml"}
    todo = ["mllib/pom.xml"]
    while todo:
        cur = todo.pop()
        for path, raw, _g, target, _d in model.refs:
            if path == cur and raw[0] == K_BUILD_DEPENDENCY and target not in deps:
                deps.add(target)
                todo.append(target)
    assert _reactor(tmp_path, "-P", "graphx", "-pl", "mllib", "-am") == deps


# ------------------------------------------------------------------------------------------
# javac as the oracle of Java name resolution

JAVA_TREE = {
    "lib/src/main/java/org/example/lib/Single.java": "package org.example.lib;\npublic class Single {}\n",
    "lib/src/main/java/org/example/lib/Util.java": "package org.example.lib;\npublic class Util { public static void helper() {} }\n",
    "lib/src/main/java/org/example/lib/Consts.java": "package org.example.lib;\npublic class Consts { public static final int K = 1; }\n",
    "lib/src/main/java/org/example/lib/Outer.java": "package org.example.lib;\npublic class Outer { public static class Inner {} }\n",
    "lib/src/main/java/org/example/lib/Qualified.java": "package org.example.lib;\npublic class Qualified {}\n",
    "lib/src/main/java/org/example/lib/InString.java": "package org.example.lib;\npublic class InString {}\n",
    "lib/src/main/java/org/example/lib/InComment.java": "package org.example.lib;\npublic class InComment {}\n",
    "lib/src/main/java/org/example/lib/Commented.java": "package org.example.lib;\npublic class Commented {}\n",
    "lib/src/main/java/org/example/lib/sub/Wild.java": "package org.example.lib.sub;\npublic class Wild {}\n",
    "lib/src/main/java/org/example/lib/sub/Unused.java": "package org.example.lib.sub;\npublic class Unused {}\n",
    "app/src/main/java/org/example/app/SamePkg.java": "package org.example.app;\nclass SamePkg {}\n",
    "app/src/main/java/org/example/app/Local.java": "package org.example.app;\nclass Local {}\n",
    "app/src/main/java/org/example/app/App.java": """package org.example.app;

import org.example.lib.Single;
import static org.example.lib.Util.helper;
import static org.example.lib.Consts.*;
import org.example.lib.sub.*;
import org.example.lib.Outer.Inner;
/* import org.example.lib.Commented; */
public class App {
  String s = "org.example.lib.InString";
  // org.example.lib.InComment
  org.example.lib.Qualified q = new org.example.lib.Qualified();
  Local local; SamePkg p; Single single; Inner inner; Wild w;
  int k = K;
  void f() { helper(); }
}
""",
}


@pytest.mark.skipif(shutil.which("javac") is None, reason="javac not installed")
def test_java_names_match_javac(tmp_path: Path) -> None:
    write_tree(tmp_path, JAVA_TREE)
    roots = ["lib/src/main/java", "app/src/main/java"]
    app = "app/src/main/java/org/example/app/App.java"
    out = subprocess.run(
        [
            "javac",
            "-verbose",
            "-implicit:none",
            "-proc:none",
            "-d",
            str(tmp_path / "out"),
            "-sourcepath",
            os.pathsep.join(roots),
            app,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    parsed = set()
    for m in re.finditer(r"\[parsing started \w+\[(?:([^:\]]+):)?([^\]]+)\]\]", out.stderr):
        root, rel = m.group(1), m.group(2)
        full = Path(rel) if root is None else tmp_path / root / rel
        parsed.add(full.relative_to(tmp_path).as_posix() if full.is_absolute() else full.as_posix())
    parsed.discard(app)
    facts = {p: read_java(t) for p, t in JAVA_TREE.items()}
    names = JvmNames(facts)
    lang, refs, _n, extra = facts[app]
    mine: set[str] = set()
    wild_packages: list[str] = []
    for _kind, spec, _line, _e, _g, flags in refs:
        hit = names.resolve(spec, flags, extra["scopes"], [])
        if isinstance(hit, tuple):
            if flags & F_WILDCARD and hit[0] in names.pkg_files:
                wild_packages.append(hit[0])  # javac reads only the used types of a package
            else:
                mine.update(hit[1])
    for name in extra["names"]:
        mine.update(names.simple(name, [*extra["scopes"], *wild_packages]) or [])
    assert mine == parsed
    assert {K_JVM_IMPORT, K_JVM_NAME} == {r[0] for r in refs}


# ------------------------------------------------------------------------------------------
# sbt

SBT_BUILD = {
    "build.sbt": """
        lazy val root = (project in file(".")).aggregate(core, graphx, mllib)
        lazy val core = project
        lazy val graphx = project.dependsOn(core)
        lazy val mllib = project.dependsOn(core, graphx % "compile->compile;test->test")
        lazy val graphxExtras = project.in(file("graphx/extras")).dependsOn(graphx)
    """,
    "core/src/main/scala/org/acme/Core.scala": "package org.acme\n\nclass Core\n",
    "graphx/src/main/scala/org/acme/graphx/Graph.scala": "package org.acme.graphx\n\nclass Graph\n",
    "graphx/extras/src/main/scala/org/acme/graphx/extras/X.scala": "package org.acme.graphx.extras\n\nimport org.acme.graphx.Graph\n\nclass X\n",
    "mllib/src/main/scala/org/acme/ml/Model.scala": "package org.acme.ml\n\nimport org.acme.Core\n\nclass Model\n",
    "project/build.properties": "sbt.version=1.9.7\n",
    **env_module("graphx", "graphx/", "SPARK_GRAPHX"),
}


def test_sbt_dependson_is_sm003_and_aggregate_is_sm007(repo) -> None:
    _code, report = check_json(repo(SBT_BUILD), "--no-history")
    assert boundary(report) == [
        (
            "SM003",
            "build.sbt",
            4,
            "build-dependency",
            "graphx/extras/src/main/scala/org/acme/graphx/extras/X.scala",
        ),
        (
            "SM007",
            "build.sbt",
            1,
            "build-module",
            "graphx/extras/src/main/scala/org/acme/graphx/extras/X.scala",
        ),
    ]


def test_init_names_the_maven_profiles_sbt_projects_and_source_roots(tmp_path: Path) -> None:
    files = {**spark_like(), **{p: t for p, t in SBT_BUILD.items() if p != "scoped.toml"}}
    del files["scoped.toml"]
    root = tmp_path / "r"
    write_tree(root, files)
    code, _out, err = run_cli(root, "init")
    assert code == 0, err
    text = (root / "scoped.toml").read_text()
    assert "#   graphx  (pom.xml)" in text and 'maven_profile = "ID"' in text
    assert "#   graphxExtras  (build.sbt)" in text
    assert "#   graphx/src/main/java" in text and "#   core/src/main/scala" in text
    assert "docs/snippets" not in text
    code, _out, err = run_cli(root, "check", "--no-history")
    assert code in (0, 1), err  # the registry it wrote loads


def _shim_pom(version: str) -> str:
    return f"""<project>
  <modelVersion>4.0.0</modelVersion>
  {PARENT}
  <artifactId>spark-shims_${{scala.binary.version}}</artifactId>
  <properties><scala.binary.version>{version}</scala.binary.version></properties>
</project>
"""


def test_an_artifact_built_by_core_and_by_the_module_is_no_dependency_on_it(repo) -> None:
    """Two POMs with the same artifactId as written (a shim per Scala version): the one whose
    own properties give the artifact the dependent asks for is the dependency; when core builds
    it too, the module can go."""
    files = spark_like(mllib_uses_graphx=False)
    files["core/shims-2.13/pom.xml"] = _shim_pom("2.13")
    files["graphx/shims-2.12/pom.xml"] = _shim_pom("2.12")
    files["mllib/pom.xml"] = _pom("spark-mllib", ["spark-core", "spark-shims"])
    root = repo(files)
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []  # the root's scala.binary.version is 2.13: core's shim
    files["core/shims-2.13/pom.xml"] = _shim_pom("2.12")  # now both are 2.12, core and module
    write_tree(root, files)
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    files["core/shims-2.13/pom.xml"] = _shim_pom("2.11")  # only the module builds 2.13? no:
    files["graphx/shims-2.12/pom.xml"] = _shim_pom("2.13")  # the module builds the one asked
    write_tree(root, files)
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == [
        ("SM003", "mllib/pom.xml", 13, "build-dependency", "graphx/shims-2.12/pom.xml")
    ]


def test_model_picks_the_pom_whose_own_properties_match_whatever_the_order() -> None:
    files = spark_like(mllib_uses_graphx=False)
    files["mllib/pom.xml"] = _pom("spark-mllib", ["spark-core", "spark-shims"])
    poms = {p: t for p, t in files.items() if p.endswith("pom.xml")}
    poms["core/shims/pom.xml"] = _shim_pom("2.12")
    poms["graphx/shims/pom.xml"] = _shim_pom("2.13")  # the root asks for 2.13
    dirs = {d for p in poms for d in [os.path.dirname(p)] if d}
    for order in (sorted(poms), sorted(poms, reverse=True)):
        maven = {p: read_maven(textwrap.dedent(poms[p])) for p in order}
        model = build_model(maven, {}, frozenset(poms), dirs)
        targets = {
            t
            for path, raw, _g, t, _d in model.refs
            if path == "mllib/pom.xml" and "shims" in raw[1]
        }
        assert targets == {"graphx/shims/pom.xml"}


def test_sbt_module_nothing_depends_on_is_silent(repo) -> None:
    files = dict(SBT_BUILD)
    files["build.sbt"] = """
        lazy val root = (project in file(".")).aggregate(core, mllib)
        lazy val core = project
        lazy val graphx = project.dependsOn(core)
        lazy val mllib = project.dependsOn(core)
        lazy val graphxExtras = project.in(file("graphx/extras")).dependsOn(graphx)
    """
    _code, report = check_json(repo(files), "--no-history")
    assert boundary(report) == []
    assert not [n for n in report["notes"] if "sbt" in n["message"]]


CATS_LIKE = {
    "project/build.properties": "sbt.version=1.9.7\n",
    "build.sbt": """
        lazy val kernel = crossProject(JSPlatform, JVMPlatform)
          .crossType(CrossType.Pure)
          .in(file("kernel"))
        lazy val free = crossProject(JSPlatform, JVMPlatform)
          .dependsOn(kernel)
          .settings(compile.in(Compile) := compile.in(Compile).dependsOn(compile.in(kernel, Compile)).value)
        lazy val laws = crossProject(JSPlatform, JVMPlatform)
          .in(file("algebra-laws"))
          .dependsOn(kernel % Test)
        lazy val bench = project.dependsOn(kernel.jvm)
    """,
    "kernel/src/main/scala/cats/kernel/Eq.scala": "package cats.kernel\n\ntrait Eq[A]\n",
    "free/src/main/scala/cats/free/Free.scala": "package cats.free\n\nimport cats.kernel.Eq\n\nclass Free\n",
    "free/src/main/scala/cats/free/package.scala": "package cats\n\npackage object free { type Trampoline = Int }\n",
    "free/src/main/scala/algebra/laws/package.scala": "package algebra\n\npackage object laws\n",
    "algebra-laws/shared/src/main/scala/algebra/laws/OrderLaws.scala": """
        package algebra.laws

        import cats.kernel.*
        import org.external.Thing
        import cats.~>
        import cats.data.Chain.==:

        trait OrderLaws
    """,
    "bench/src/main/scala/cats/bench/FreeBench.scala": "package cats.bench\n\nimport cats.free.Trampoline\n\nclass FreeBench\n",
    # a build of its own (scalafix rules tested against published versions of the library)
    "scalafix/project/build.properties": "sbt.version=1.9.7\n",
    "scalafix/build.sbt": "lazy val input = project\n",
    "scalafix/input/src/main/scala/fix/Rule.scala": "package fix\n\nimport cats.free.Free\n\nclass Rule\n",
    **env_module("free", "free/", "CATS_FREE"),
}


def test_cats_like_sbt_build(repo) -> None:
    """Found on typelevel/cats: crossProject projects and their source layouts, `.jvm`
    projections and `% Test` in dependsOn, a task's dependsOn inside `.settings(...)` (not the
    project's), operator imports, a Scala relative candidate that must not fall back into the
    file's own package (`algebra.laws` + `org.external.Thing` is no member `laws` of `algebra`),
    and a nested build that compiles against published artifacts (no reference)."""
    _code, report = check_json(repo(CATS_LIKE), "--no-history")
    assert boundary(report) == [
        (
            "SM003",
            "bench/src/main/scala/cats/bench/FreeBench.scala",
            3,
            "jvm-import",
            "free/src/main/scala/cats/free/package.scala",
        ),
    ]
    assert report["notes"] == []


def test_relative_candidate_does_not_fall_back_into_the_scope() -> None:
    from scoped_modules.readers.facts import F_RELATIVE
    from scoped_modules.readers.jvm import read_scala

    facts = {
        "m/algebra/laws/package.scala": read_scala("package algebra\n\npackage object laws\n"),
        "k/cats/kernel/Eq.scala": read_scala("package cats.kernel\n\ntrait Eq\n"),
    }
    names = JvmNames(facts)
    scopes = ["algebra.laws"]
    assert names.resolve("org.external.Thing", F_RELATIVE, scopes, []) is None
    hit = names.resolve("cats.kernel", F_RELATIVE | F_WILDCARD, scopes, [])
    assert hit == ("cats.kernel", ["k/cats/kernel/Eq.scala"])
    hit = names.resolve("laws.x", F_RELATIVE, ["algebra"], [])  # a member of the package object
    assert hit == ("algebra.laws", ["m/algebra/laws/package.scala"])
