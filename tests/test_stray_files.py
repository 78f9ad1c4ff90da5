"""SM004 stray-file on the layouts real repositories have (SPEC §4; the rule's page in
rules/paths.py): Maven trees where every interpreter has a `src/main/java/`, a Python binding
module called `python`, a module `examples` beside unrelated example directories (all silent),
and module code that did land outside its namespace (reported, once per directory)."""

from __future__ import annotations

from pathlib import Path

from helpers import check_json, findings, make_repo

JAVA = "package org.demo;\nclass A {}\n"


def _registry(*modules: tuple[str, str]) -> str:
    tables = "\n".join(
        f'[modules.{name}]\nstage = "s0"\npaths = ["{path}"]\n' for name, path in modules
    )
    return f'schema = 1\n\n[project]\nname = "demo"\ngovernance = false\n\n{tables}'


def _strays(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, str]]:
    _code, report = check_json(make_repo(tmp_path / "repo", files))
    return sorted((f["module"], f["path"], f["message"]) for f in findings(report, "SM004"))


def test_modules_named_by_common_directory_words_do_not_match_unrelated_directories(
    tmp_path: Path,
) -> None:
    # zeppelin: interpreters `java/`, `jdbc/`, ... each with a Maven `src/main/java/`; a module
    # `examples` (zeppelin-examples/) beside a Grafana `examples/dashboard.json` and a client
    # package `.../client/examples/`; faiss: `faiss/python/` bindings and a `tutorial/python/`
    files = {
        "scoped.toml": _registry(
            ("java", "java/"),
            ("examples", "zeppelin-examples/"),
            ("python", "faiss/python/"),
            ("integration", "zeppelin-integration/"),
        ),
        "java/src/main/java/org/demo/JavaInterpreter.java": JAVA,
        "jdbc/src/main/java/org/demo/JdbcInterpreter.java": JAVA,
        "jdbc/src/test/java/org/demo/JdbcTest.java": JAVA,
        "server/src/main/java/org/demo/Server.java": JAVA,
        "zeppelin-examples/clock/src/main/java/org/demo/Clock.java": JAVA,
        "examples/dashboard.json": "{}\n",
        "client/src/main/java/org/demo/client/examples/Run.java": JAVA,
        "jupyter/src/test/resources/examples.ipynb": "{}\n",
        "faiss/python/__init__.py": "",
        "tutorial/python/1-Flat.py": "import faiss\n",
        "zeppelin-integration/src/test/java/org/demo/integration/IT.java": JAVA,
        "server/src/test/java/org/demo/integration/TestHelper.java": JAVA,
    }
    assert _strays(tmp_path, files) == []


def test_common_name_next_to_the_module_directory_and_distinctive_names_anywhere(
    tmp_path: Path,
) -> None:
    files = {
        "scoped.toml": _registry(
            ("examples", "zeppelin/examples/"),
            ("lapack-lite", "numpy/linalg/lapack_lite/"),
            ("hexagon", "python/tvm/contrib/hexagon/"),
        ),
        "zeppelin/examples/clock.py": "",
        # beside the module's directory, and in the same place of another tree
        "zeppelin/examples.md": "# Examples\n",
        "plugins/zeppelin/examples/flow.py": "",
        "plugins/zeppelin/examples/echo.py": "",
        "docs/examples/index.md": "# unrelated\n",  # another parent: not the module's
        "numpy/linalg/lapack_lite/python_xerbla.c": "int xerbla;\n",
        "numpy/linalg/lapack_lite.pyi": "def dgelsd(): ...\n",
        "python/tvm/contrib/hexagon/__init__.py": "",
        "python/tvm/s_tir/tensor_intrin/hexagon.py": "",
        "python/tvm/s_tir/tensor_intrin/hexagon.pyi": "",
        "tests/python/hexagon/test_a.py": "",
        "tests/python/hexagon/deep/test_b.py": "",
    }
    assert _strays(tmp_path, files) == [
        (
            "examples",
            "plugins/zeppelin/examples",
            "directory 'plugins/zeppelin/examples/' (2 file(s)) is named like module 'examples' "
            "but lies outside its paths",
        ),
        (
            "examples",
            "zeppelin/examples.md",
            "file 'examples.md' is named like module 'examples' but lies outside its paths",
        ),
        (
            "hexagon",
            "python/tvm/s_tir/tensor_intrin/hexagon.py",
            "files 'hexagon.py' and hexagon.pyi are named like module 'hexagon' but lie "
            "outside its paths",
        ),
        (
            "hexagon",
            "tests/python/hexagon",
            "directory 'tests/python/hexagon/' (2 file(s)) is named like module 'hexagon' but "
            "lies outside its paths",
        ),
        (
            "lapack-lite",
            "numpy/linalg/lapack_lite.pyi",
            "file 'lapack_lite.pyi' is named like module 'lapack-lite' but lies outside its paths",
        ),
    ]
