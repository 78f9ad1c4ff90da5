"""`scoped toggles prove`: the real `cmake` configure with the toggle OFF against the static
prediction (SM007), and the real interpreter with an `env` toggle at its off value."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import check_json, make_repo, run_cli

from scoped_modules.report.toggles import DISAGREE

needs_cmake = pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("cc") is None,
    reason="needs cmake and a C compiler (.ci/run installs cmake)",
)

REGISTRY = """\
schema = 1

[modules.x]
stage = "s0"
paths = ["src/x/"]
toggles = [{ cmake = "USE_X" }]

[modules.y]
stage = "s0"
paths = ["src/y/"]
toggles = [{ cmake = "USE_Y", define = "Y_ENABLED" }]
"""

HEAD = """\
cmake_minimum_required(VERSION 3.10)
project(t C)
option(USE_X "Build x" OFF)
option(USE_Y "Build y" OFF)
"""


def _project(tmp_path: Path, body: str, name: str = "p") -> Path:
    return make_repo(
        tmp_path / name,
        {
            "scoped.toml": REGISTRY,
            "CMakeLists.txt": HEAD + body,
            "src/core.c": "int core(void) { return 0; }\n",
            "src/x/a.c": "int a(void) { return 0; }\n",
            "src/x/extra.c": "int extra(void) { return 0; }\n",
            "src/x/stub/keep.c": "int keep(void) { return 0; }\n",
            "src/y/y.c": "#ifdef Y_ENABLED\nint y(void) { return 0; }\n#endif\n",
        },
    )


def _prove(root: Path, module: str, *extra: str) -> tuple[int, str, str, list[str], list[str]]:
    code, out, err = run_cli(root, "toggles", "prove", module, "--cmake", *extra)
    real = _section(out, "compiled by the real build")
    model = _section(out, "predicted by the static model")
    return code, out, err, real, model


def _section(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    items = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        if line.strip() != "none":
            items.append(line.split()[0])
    return items


def _sm007_targets(root: Path, module: str) -> list[str]:
    _code, report = check_json(root, "--no-cache")
    return sorted(
        {f["target"] for f in report["findings"] if f["rule"] == "SM007" and f["module"] == module}
    )


@needs_cmake
def test_a_wired_toggle_builds_nothing(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "if(USE_X)\n  file(GLOB X_SRCS src/x/*.c)\nendif()\nadd_library(t src/core.c ${X_SRCS})\n",
    )
    code, out, _err, real, model = _prove(root, "x")
    assert real == [] and model == [] and code == 0
    assert "agree" in out and "no source of module 'x' is compiled" in out


@needs_cmake
def test_sources_globbed_in_else_to_keep_some_objects(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        """\
if(USE_X)
  file(GLOB X_SRCS src/x/*.c)
else()
  # keep some objects when disabled
  file(GLOB X_SRCS src/x/stub/*.c)
endif()
add_library(t src/core.c ${X_SRCS})
""",
    )
    code, out, _err, real, model = _prove(root, "x")
    assert real == ["src/x/stub/keep.c"]
    assert model == real == _sm007_targets(root, "x")
    assert code == 1 and "agree" in out


@needs_cmake
def test_an_unguarded_source_and_a_define_guarded_one(tmp_path: Path) -> None:
    root = _project(tmp_path, "add_library(t src/core.c src/x/a.c src/y/y.c)\n")
    code, _out, _err, real, model = _prove(root, "x")
    assert real == model == ["src/x/a.c"] == _sm007_targets(root, "x") and code == 1
    # built, but its whole body sits under Y_ENABLED: nothing of y is compiled
    code, out, _err, real, model = _prove(root, "y")
    assert real == ["src/y/y.c"] and model == [] and code == 0
    assert "compiles to nothing" in out and "agree" in out
    assert _sm007_targets(root, "y") == []


@needs_cmake
def test_extra_definitions_are_passed_on_and_disagreement_is_shown(tmp_path: Path) -> None:
    """`if(EXTRA)` is no toggle of x: the static model counts extra.c as built; the real build
    compiles it only when EXTRA is on."""
    root = _project(
        tmp_path,
        "add_library(t src/core.c)\nif(EXTRA)\n  add_library(e src/x/extra.c)\nendif()\n",
    )
    code, out, _err, real, model = _prove(root, "x")
    assert real == [] and code == 0
    if model != real:  # visible, with where the two can part
        assert "disagree" in out and "only in the static model: src/x/extra.c" in out
        assert " ".join(DISAGREE.split()[:8]) in " ".join(out.split())
    code, out, _err, real, model = _prove(root, "x", "-DEXTRA=ON")
    assert "-DEXTRA=ON" in out
    assert real == ["src/x/extra.c"] and model == real and code == 1


@needs_cmake
def test_a_failing_configure_is_no_verdict(tmp_path: Path) -> None:
    root = _project(tmp_path, 'message(FATAL_ERROR "needs LLVM 17")\n')
    code, out, err = run_cli(root, "toggles", "prove", "x", "--cmake")
    assert code == 2
    assert "no verdict: the configure failed" in out and "verdict:" not in out.replace(
        "no verdict", ""
    )
    assert "needs LLVM 17" in err  # the log tail


def test_a_missing_cmake_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, "add_library(t src/core.c)\n")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, _out, err = run_cli(root, "toggles", "prove", "x", "--cmake")
    assert code == 2 and "cmake not found" in err


def test_usage(tmp_path: Path) -> None:
    root = _project(tmp_path, "add_library(t src/core.c)\n")
    assert run_cli(root, "toggles", "prove", "x")[0] == 2
    assert run_cli(root, "toggles", "prove", "x", "-DA=1", "--python", "pass")[0] == 2
    code, _out, err = run_cli(root, "toggles", "prove", "x", "--python", "pass")
    assert code == 2 and "no env toggle" in err
    code, _out, err = run_cli(root, "toggles", "prove", "nope", "--cmake")
    assert code == 2 and "unknown module" in err


# --- Python -----------------------------------------------------------------------------------

PY_REGISTRY = """\
schema = 1

[modules.fancy]
stage = "s0"
paths = ["pkg/fancy/"]
toggles = [{ env = "PKG_FANCY" }]

[modules.loose]
stage = "s0"
paths = ["pkg/loose/"]
toggles = [{ env = "PKG_LOOSE", off = "no" }]
"""


def _package(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "py",
        {
            "scoped.toml": PY_REGISTRY,
            "pkg/__init__.py": """\
            import os
            if os.environ.get("PKG_FANCY", "1") != "0":
                from . import fancy
            from .loose import helpers  # not guarded by PKG_LOOSE
            """,
            "pkg/fancy/__init__.py": "X = 1\n",
            "pkg/loose/__init__.py": "",
            "pkg/loose/helpers.py": "Y = 2\n",
        },
    )


def _loaded_by_python(root: Path, env: dict[str, str], prefix: str) -> list[str]:
    """The oracle: the interpreter's own sys.modules after `import pkg`."""
    run = subprocess.run(
        [sys.executable, "-c", "import json, sys, pkg; print(json.dumps(sorted(sys.modules)))"],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return [m for m in json.loads(run.stdout) if m == prefix or m.startswith(prefix + ".")]


def test_python_proof_of_a_wired_env_toggle(tmp_path: Path) -> None:
    root = _package(tmp_path)
    code, out, _err = run_cli(root, "toggles", "prove", "fancy", "--python", "import pkg")
    assert "run with PKG_FANCY=0" in out
    assert _loaded_by_python(root, {"PKG_FANCY": "0"}, "pkg.fancy") == []
    assert code == 0 and "no package of module 'fancy' is loaded" in out


def test_python_proof_lists_what_is_still_loaded(tmp_path: Path) -> None:
    root = _package(tmp_path)
    code, out, _err = run_cli(root, "toggles", "prove", "loose", "--python", "import pkg")
    assert "run with PKG_LOOSE=no" in out
    listed = sorted(line.split()[0] for line in out.splitlines() if line.startswith("  pkg."))
    assert listed == _loaded_by_python(root, {"PKG_LOOSE": "no"}, "pkg.loose")
    assert listed == ["pkg.loose", "pkg.loose.helpers"] and code == 1


def test_python_proof_of_a_failing_or_hanging_statement(tmp_path: Path) -> None:
    root = _package(tmp_path)
    code, out, err = run_cli(root, "toggles", "prove", "fancy", "--python", "import pkg.nope")
    assert code == 2 and "no verdict: the statement failed" in out
    assert "ModuleNotFoundError" in err
    code, out, _err = run_cli(
        root, "toggles", "prove", "fancy", "--timeout", "1", "--python", "while True: pass"
    )
    assert code == 2 and "did not finish in 1s" in out
