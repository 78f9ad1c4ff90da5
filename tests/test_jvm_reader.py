"""JVM readers (issue 12): Java, Scala (and sbt definitions), Kotlin, Maven POMs.

Each import form of the three languages, names in code, declarations, and what comments and
strings hide. The Java forms are checked against `javac` itself in test_jvm.py."""

from __future__ import annotations

import textwrap

from scoped_modules.readers.facts import (
    F_BUILDS,
    F_RELATIVE,
    F_WILDCARD,
    K_BUILD_DEPENDENCY,
    K_BUILD_MODULE,
    K_JVM_IMPORT,
    K_JVM_NAME,
    language_of,
)
from scoped_modules.readers.jvm import (
    blank_comments_java,
    blank_comments_nested,
    read_java,
    read_kotlin,
    read_scala,
)
from scoped_modules.readers.maven import blank_comments_maven, read_maven

REL, WILD = F_RELATIVE, F_WILDCARD


def _d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


JAVA = _d(
    """
    package org.example.app;

    import java.util.List;
    import org.example.lib.Single;
    import static org.example.lib.Util.helper;
    import static org.example.lib.Consts.*;
    import org.example.lib.sub.*;
    import org.example.lib.Outer.Inner;
    /* import org.example.lib.Commented; /* not nested in Java */
    public class App {
      String s = "org.example.lib.InString import x.y.Z;";
      char c = '"';
      // org.example.lib.InComment
      org.example.lib.Qualified q = new org.example.lib.Qualified();
      Local local; SamePkg p; List<Single> l;
      static class Nested { Nested n; }
    }
    @interface Marker {}
    """
)


def test_java_imports_names_and_declarations() -> None:
    lang, refs, notes, extra = read_java(JAVA)
    assert lang == "java" and notes == []
    imports = [(spec, line, flags) for k, spec, line, _e, _g, flags in refs if k == K_JVM_IMPORT]
    assert imports == [
        ("java.util.List", 3, 0),
        ("org.example.lib.Single", 4, 0),
        ("org.example.lib.Util.helper", 5, 0),
        ("org.example.lib.Consts", 6, WILD),
        ("org.example.lib.sub", 7, WILD),
        ("org.example.lib.Outer.Inner", 8, 0),
    ]
    names = [(spec, line) for k, spec, line, _e, _g, _f in refs if k == K_JVM_NAME]
    assert names == [("org.example.lib.Qualified", 14)]
    assert extra["package"] == "org.example.app" and extra["scopes"] == ["org.example.app"]
    assert extra["types"] == ["App", "Marker"]  # Nested is not top-level
    # simple names: not the file's own types, not imported ones
    assert set(extra["names"]) == {"String", "Local", "SamePkg"}
    assert extra["names"]["Local"] == 15
    assert language_of("a/B.java") == "java"
    blanked = blank_comments_java(JAVA)
    assert "Commented" not in blanked and "InComment" not in blanked and "InString" in blanked
    assert blanked.count("\n") == JAVA.count("\n")


SCALA = _d(
    '''
    package org.apache.spark
    package mllib.feature

    import graphx.{Edge, Graph => G, _}
    import org.apache.spark.sql._, scala.collection.mutable
    import _root_.graphx.Top
    import org.x.{Hidden => _, *}
    import org.y.Z as W
    import org.z.given
    import `back`.`quoted`.Name

    /* outer /* nested */ import org.no.Nested */
    object Word {
      import org.inner.Scoped
      val x = """import org.no.InString
      org.no.Multiline"""
      def f(e: G): org.apache.spark.graphx.lib.PageRank.type = null
    }
    case class Other(s: Scoped)
    package object feature
    '''
)


def test_scala_import_forms_relative_flags_and_scopes() -> None:
    lang, refs, notes, extra = read_scala(SCALA)
    assert lang == "scala" and notes == []
    imports = [(spec, line, flags) for k, spec, line, _e, _g, flags in refs if k == K_JVM_IMPORT]
    assert imports == [
        ("graphx.Edge", 4, REL),
        ("graphx.Graph", 4, REL),
        ("graphx", 4, WILD | REL),
        ("org.apache.spark.sql", 5, WILD | REL),
        ("scala.collection.mutable", 5, REL),
        ("graphx.Top", 6, 0),  # _root_: absolute
        ("org.x", 7, WILD | REL),  # `Hidden => _` hides, `*` imports the rest
        ("org.y.Z", 8, REL),
        ("org.z", 9, WILD | REL),
        ("back.quoted.Name", 10, REL),
        ("org.inner.Scoped", 14, REL),  # imports inside a body count too
    ]
    names = [(spec, line) for k, spec, line, _e, _g, _f in refs if k == K_JVM_NAME]
    assert names == [("org.apache.spark.graphx.lib.PageRank", 17)]
    assert extra["package"] == "org.apache.spark.mllib.feature"
    assert extra["scopes"] == ["org.apache.spark", "org.apache.spark.mllib.feature"]
    assert extra["types"] == ["Other", "Word"] and extra["pkg_objects"] == ["feature"]
    assert "G" not in extra["names"] and "Scoped" not in extra["names"]  # alias, import
    assert language_of("build.sbt") == language_of("x/Y.scala") == "scala"
    blanked = blank_comments_nested(SCALA)
    assert "org.no.Nested" not in blanked and "org.no.InString" in blanked


KOTLIN = _d(
    """
    package org.example.k

    import org.example.lib.Single as S
    import org.example.lib.sub.*
    import org.example.lib.topLevelFun

    fun main() { val local = 1 }
    val top = 1
    enum class Color { RED }
    data class K(val s: S) { fun inner() {} }
    """
)


def test_kotlin_imports_are_absolute_and_top_level_members_are_declarations() -> None:
    lang, refs, _notes, extra = read_kotlin(KOTLIN)
    assert lang == "kotlin"
    assert [(r[1], r[5]) for r in refs] == [
        ("org.example.lib.Single", 0),
        ("org.example.lib.sub", WILD),
        ("org.example.lib.topLevelFun", 0),
    ]
    assert extra["types"] == ["Color", "K"] and extra["members"] == ["main", "top"]
    assert language_of("src/main/kotlin/K.kt") == "kotlin"


SBT = _d(
    """
    lazy val root = (project in file(".")).aggregate(core, graphx, mllib)
    lazy val core = project
    lazy val graphx = project.in(file("graphx")).dependsOn(core)
      .settings(name := "graphx")
    lazy val mllib = Project("mllib", file("ml/lib"))
      .dependsOn(core, graphx % "test->test")
    lazy val weird = project.dependsOn(Seq(core): _*)
    // lazy val gone = project.dependsOn(graphx)
    """
)


def test_sbt_projects_dependson_and_aggregate() -> None:
    _lang, refs, notes, extra = read_scala(SBT)
    assert extra["sbt"] == {
        "root": (".", 1),
        "core": ("core", 2),
        "graphx": ("graphx", 3),
        "mllib": ("ml/lib", 5),
        "weird": ("weird", 7),
    }
    got = [(k, spec, line, flags) for k, spec, line, _e, _g, flags in refs]
    assert got == [
        (K_BUILD_MODULE, "root>core", 1, F_BUILDS),
        (K_BUILD_MODULE, "root>graphx", 1, F_BUILDS),
        (K_BUILD_MODULE, "root>mllib", 1, F_BUILDS),
        (K_BUILD_DEPENDENCY, "graphx>core", 3, 0),
        (K_BUILD_DEPENDENCY, "mllib>core", 6, 0),
        (K_BUILD_DEPENDENCY, "mllib>graphx", 6, 0),
    ]
    assert [line for line, _m in notes] == [7]  # arguments not understood: read nothing


POM = _d(
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <project xmlns="http://maven.apache.org/POM/4.0.0">
      <modelVersion>4.0.0</modelVersion>
      <parent>
        <groupId>org.apache.spark</groupId>
        <artifactId>spark-parent_${scala.binary.version}</artifactId>
        <version>3.5.0</version>
        <relativePath>../pom.xml</relativePath>
      </parent>
      <artifactId>spark-mllib_${scala.binary.version}</artifactId>
      <properties><sbt.project.name>mllib</sbt.project.name></properties>
      <modules>
        <module>sub</module>
        <!-- <module>commented</module> -->
      </modules>
      <dependencyManagement>
        <dependencies>
          <dependency><groupId>x</groupId><artifactId>managed-only</artifactId></dependency>
        </dependencies>
      </dependencyManagement>
      <dependencies>
        <dependency>
          <groupId>org.apache.spark</groupId>
          <artifactId>spark-graphx_${scala.binary.version}</artifactId>
          <exclusions><exclusion><artifactId>excluded</artifactId></exclusion></exclusions>
        </dependency>
      </dependencies>
      <build>
        <plugins>
          <plugin>
            <artifactId>build-helper-maven-plugin</artifactId>
            <dependencies><dependency><artifactId>plugin-dep</artifactId></dependency></dependencies>
            <executions><execution><configuration>
              <sources><source>src/main/scala-${scala.binary.version}</source></sources>
            </configuration></execution></executions>
          </plugin>
        </plugins>
      </build>
      <profiles>
        <profile>
          <modules><module>extra</module></modules>
          <id>full-build</id>
          <dependencies>
            <dependency><groupId>org.apache.spark</groupId><artifactId>opt</artifactId></dependency>
          </dependencies>
        </profile>
      </profiles>
    </project>
    """
)


def test_pom_modules_dependencies_profiles_and_sources() -> None:
    lang, refs, notes, extra = read_maven(POM)
    assert lang == "maven" and notes == []
    got = [(k, spec, line, guard, flags) for k, spec, line, _e, guard, flags in refs]
    assert got == [
        (K_BUILD_MODULE, "sub", 13, None, F_BUILDS),
        (
            K_BUILD_DEPENDENCY,
            "dep:org.apache.spark:spark-graphx_${scala.binary.version}",
            24,
            None,
            0,
        ),
        (K_BUILD_MODULE, "extra", 41, ("v", ("full-build",)), F_BUILDS),
        (K_BUILD_DEPENDENCY, "dep:org.apache.spark:opt", 44, ("v", ("full-build",)), 0),
        (
            K_BUILD_DEPENDENCY,
            "parent:org.apache.spark:spark-parent_${scala.binary.version}:../pom.xml",
            4,
            None,
            0,
        ),
    ]
    assert extra["coords"] == (None, "spark-mllib_${scala.binary.version}", "jar")
    assert extra["profiles"] == [("full-build", 42)]
    assert extra["source_dirs"] == ["src/main/scala-${scala.binary.version}"]
    assert extra["properties"] == {"sbt.project.name": "mllib"}
    assert "commented" not in blank_comments_maven(POM)
    assert language_of("mllib/pom.xml") == "maven"


def test_broken_pom_is_read_up_to_the_error_with_a_note() -> None:
    text = "<project>\n<modules>\n<module>a</module>\n<module>b</modules>\n</project>\n"
    _lang, refs, notes, _extra = read_maven(text)
    assert [r[1] for r in refs] == ["a"]
    assert len(notes) == 1 and notes[0][0] == 4 and "not well-formed" in notes[0][1]
