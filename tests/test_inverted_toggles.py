"""Inverted toggles: a build option that turns the module OFF when true (NumPy's Meson option
`disable-highway`, a CMake `NO_X`), declared `toggles = [{ meson = "disable-x", inverted = true }]`.

A build under `if not get_option('disable-x')` is then wiring, not SM007; one under
`if get_option('disable-x')` builds the module with it switched off. Oracles: `meson setup` /
`meson introspect` with the option true must compile no module source where scoped says the
module is wired, and `scoped toggles prove --cmake` runs the real `cmake` with `-DNO_X=ON`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from build_helpers import boundary
from helpers import check_json, make_repo, run_cli

needs_meson = pytest.mark.skipif(
    shutil.which("meson") is None or shutil.which("cc") is None,
    reason="needs meson and a C compiler (.ci/run installs them)",
)
needs_cmake = pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("cc") is None,
    reason="needs cmake and a C compiler (.ci/run installs cmake)",
)

REGISTRY = """\
schema = 1

[project]
name = "demo"
governance = false

[modules.fast]
stage = "s0"
paths = ["src/fast/"]
toggles = [{toggle}]
"""
MESON_TOGGLE = '{ meson = "disable-fast", inverted = true }'


def _meson_repo(tmp_path: Path, condition: str, toggle: str = MESON_TOGGLE) -> Path:
    return make_repo(
        tmp_path / "repo",
        {
            "scoped.toml": REGISTRY.format(toggle=toggle),
            "meson_options.txt": "option('disable-fast', type: 'boolean', value: false)\n",
            "meson.build": (
                "project('demo', 'c')\n"
                "use_fast = not get_option('disable-fast')\n"
                f"if {condition}\n"
                "  subdir('src/fast')\n"
                "endif\n"
                "executable('demo', 'src/main.c')\n"
            ),
            "src/main.c": "int main(void) { return 0; }\n",
            "src/fast/meson.build": "library('fast', 'fast.c')\n",
            "src/fast/fast.c": "int fast(void) { return 1; }\n",
        },
    )


def _compiled(root: Path, build: Path, disable: str) -> set[str]:
    """The sources `meson introspect` lists with `disable-fast` at ``disable``."""
    subprocess.run(
        ["meson", "setup", str(build), f"-Ddisable-fast={disable}"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    intro = subprocess.run(
        ["meson", "introspect", str(build), "--targets"], capture_output=True, check=True
    )
    return {
        Path(s).resolve().relative_to(root.resolve()).as_posix()
        for t in json.loads(intro.stdout)
        for group in t["target_sources"]
        for s in group.get("sources", [])
    }


def test_a_build_under_the_negated_option_is_wiring(tmp_path: Path) -> None:
    root = _meson_repo(tmp_path, "use_fast")
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    (row,) = report["modules"]
    assert row["inbound"] == 0 and row["wiring"] == 1


def test_without_inverted_the_same_build_is_read_as_built_with_the_toggle_off(
    tmp_path: Path,
) -> None:
    # what the key is for: the option read the usual way round gives a false SM003 and SM007
    root = _meson_repo(tmp_path, "use_fast", toggle='{ meson = "disable-fast" }')
    _code, report = check_json(root, "--no-history")
    assert [f[0] for f in boundary(report)] == ["SM003", "SM007"]


def test_a_build_under_the_option_itself_is_built_with_the_module_off(tmp_path: Path) -> None:
    root = _meson_repo(tmp_path, "get_option('disable-fast')")
    _code, report = check_json(root, "--no-history")
    assert [f[0] for f in boundary(report)] == ["SM003", "SM007"]


@needs_meson
def test_meson_agrees_on_which_declaration_is_wired(tmp_path: Path) -> None:
    for i, condition in enumerate(("use_fast", "get_option('disable-fast')")):
        root = _meson_repo(tmp_path / str(i), condition)
        _code, report = check_json(root, "--no-history")
        wired = not boundary(report)
        off = _compiled(root, tmp_path / f"b{i}-off", "true")
        on = _compiled(root, tmp_path / f"b{i}-on", "false")
        # wired: the module is compiled when on and never when its switch says off
        assert wired == ("src/fast/fast.c" not in off and "src/fast/fast.c" in on), condition


CMAKE = """\
cmake_minimum_required(VERSION 3.10)
project(t C)
option(NO_FAST "Build without fast" OFF)
if(NOT NO_FAST)
  add_library(fast src/fast/fast.c)
endif()
add_library(core src/core.c)
"""


@needs_cmake
def test_cmake_proof_switches_an_inverted_toggle_on(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            "scoped.toml": REGISTRY.format(toggle='{ cmake = "NO_FAST", inverted = true }'),
            "CMakeLists.txt": CMAKE,
            "src/core.c": "int core(void) { return 0; }\n",
            "src/fast/fast.c": "int fast(void) { return 1; }\n",
        },
    )
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    code, out, err = run_cli(root, "toggles", "prove", "fast", "--cmake")
    assert code == 0, out + err
    assert "-DNO_FAST=ON" in out and "no source of module 'fast' is compiled" in out


@pytest.mark.parametrize(
    ("toggle", "message"),
    [
        ('{ define = "NO_FAST", inverted = true }', "'inverted' applies to cmake and meson"),
        ('{ meson = "disable-fast", inverted = "yes" }', "must be true or false"),
    ],
)
def test_registry_rejects_what_inverted_cannot_mean(
    tmp_path: Path, toggle: str, message: str
) -> None:
    root = _meson_repo(tmp_path, "use_fast", toggle=toggle)
    code, _out, err = run_cli(root, "check", "--no-history")
    assert code == 2 and message in err and "scoped.toml:" in err
