"""SM006 for `define` toggles (issue 9): the build must define the macro when the module is on.

One generated CMake project holds a module per way of defining a macro, each with its own
option `USE_<M>` and its own macro. The oracle is the real `cmake`: the project is configured
with one module's option ON (the others OFF), then with every option OFF, and the macro is
looked up in `compile_commands.json` (and in the configured header). What `scoped check` says
of each module must match what cmake did."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import check_json, make_repo, run_cli

needs_cmake = pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("cc") is None or shutil.which("c++") is None,
    reason="needs cmake and a C/C++ compiler (.ci/run installs cmake)",
)

# module -> (its macro, the CMake that defines it). Every block is placed after the core target
# exists; `add_definitions` and friends apply to targets created before them as well.
GOOD = {
    "adddef": ("ADDDEF_ON", "if(USE_ADDDEF)\n  add_definitions(-DADDDEF_ON)\nendif()"),
    "compiledefs": (
        "COMPILEDEFS_ON",
        "if(USE_COMPILEDEFS)\n  add_compile_definitions(COMPILEDEFS_ON)\nendif()",
    ),
    "targetdefs": (
        "TARGETDEFS_ON",
        "if(USE_TARGETDEFS)\n  target_compile_definitions(core PRIVATE TARGETDEFS_ON)\nendif()",
    ),
    "cflags": (
        "CFLAGS_ON",
        'if(USE_CFLAGS)\n  set(CMAKE_C_FLAGS "${CMAKE_C_FLAGS} -DCFLAGS_ON")\nendif()',
    ),
    "cxxflags": (
        "CXXFLAGS_ON",
        'if(USE_CXXFLAGS)\n  string(APPEND CMAKE_CXX_FLAGS " -DCXXFLAGS_ON")\nendif()',
    ),
    "srcprops": (
        "SRCPROPS_ON",
        "if(USE_SRCPROPS)\n"
        "  set_source_files_properties(src/core.c PROPERTIES COMPILE_DEFINITIONS SRCPROPS_ON)\n"
        "endif()",
    ),
    "listdefs": (
        "LISTDEFS_ON",
        "if(USE_LISTDEFS)\n  list(APPEND CORE_DEFS LISTDEFS_ON)\nendif()\n"
        "target_compile_definitions(core PRIVATE ${CORE_DEFS})",
    ),
    "helperfn": (
        "HELPERFN_ON",
        "function(enable_feature name)\n  add_compile_definitions(${name}_ON)\nendfunction()\n"
        "if(USE_HELPERFN)\n  enable_feature(HELPERFN)\nendif()",
    ),
    # `#cmakedefine CONFIGURED_ON` in a header template given to configure_file()
    "configured": (
        "CONFIGURED_ON",
        "if(USE_CONFIGURED)\n  set(CONFIGURED_ON ON)\nendif()",
    ),
    # `#cmakedefine01 USE_CONFIGURED01`: always defined, to 1 or 0 (`#if` follows the option)
    "configured01": ("USE_CONFIGURED01", ""),
}
BAD = {
    "nothing": ("NOTHING_ON", ""),
    "other": ("OTHER_ON", "if(USE_Y)\n  add_definitions(-DOTHER_ON)\nendif()"),
    "always": ("ALWAYS_ON", "add_definitions(-DALWAYS_ON)"),
}
UNSURE = {
    # defined with a value whatever the option: `#if VALUED_ON` follows it, `#ifdef` does not
    "valued": ("VALUED_ON", "add_compile_definitions(VALUED_ON=$<BOOL:${USE_VALUED}>)"),
    # USE_Z is an option of its own, but USE_TIED sets it: the model leaves options free
    "tied": (
        "TIED_ON",
        "if(USE_TIED)\n  set(USE_Z ON)\nendif()\nif(USE_Z)\n  add_definitions(-DTIED_ON)\nendif()",
    ),
}
ALL = {**GOOD, **BAD, **UNSURE}


def _option(module: str) -> str:
    return f"USE_{module.upper()}"


def _registry(stage: str = "s0") -> str:
    out = ["schema = 1\n"]
    for m, (macro, _block) in ALL.items():
        cmake = macro if macro.startswith("USE_") else _option(m)
        out.append(
            f'[modules.{m}]\nstage = "{stage}"\npaths = ["src/{m}/"]\n'
            f'toggles = [{{ cmake = "{cmake}", define = "{macro}" }}]\n'
        )
    out.append('[modules.y]\nstage = "s0"\npaths = ["src/y/"]\ntoggles = [{ cmake = "USE_Y" }]\n')
    return "\n".join(out)


def _cmake() -> str:
    lines = ["cmake_minimum_required(VERSION 3.13)", "project(t C CXX)"]
    lines += [f'option({_option(m)} "Build {m}" OFF)' for m in [*ALL, "y", "z"]]
    lines.append("add_library(core STATIC src/core.c src/core_cxx.cc)")
    for m in [*ALL, "y"]:
        lines.append(f"if({_option(m)})\n  target_sources(core PRIVATE src/{m}/{m}.c)\nendif()")
    lines += [block for _macro, block in ALL.values() if block]
    # last: `#cmakedefine` reads the variables as they are when configure_file() runs
    lines.append('configure_file(config.h.in "${CMAKE_BINARY_DIR}/config.h")')
    return "\n".join(lines) + "\n"


def _files(stage: str = "s0") -> dict[str, str]:
    files = {
        "scoped.toml": _registry(stage),
        "CMakeLists.txt": _cmake(),
        "config.h.in": "#cmakedefine CONFIGURED_ON\n#cmakedefine01 USE_CONFIGURED01\n",
        "src/core.c": "int core(void) { return 0; }\n",
        "src/core_cxx.cc": "int core_cxx() { return 0; }\n",
    }
    for m in [*ALL, "y"]:
        files[f"src/{m}/{m}.c"] = f"int {m}(void) {{ return 0; }}\n"
    return files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = make_repo(tmp_path_factory.mktemp("define") / "p", _files())
    _code, report = check_json(root, "--no-cache", "--no-history")
    return root, report


def _said(report: dict, module: str) -> str:
    """What `scoped check` says of the module's define: error, warning, note or silent."""
    macro = ALL[module][0]
    levels = {
        f["severity"]
        for f in report["findings"]
        if f["rule"] == "SM006" and f["module"] == module and f["evidence"] == macro
    }
    assert len(levels) <= 1, levels
    if levels:
        return levels.pop()
    mine = f"define '{macro}' of module '{module}'"
    return "note" if any(mine in n["message"] for n in report["notes"]) else "silent"


# ---------------------------------------------------------------------------------------------
# The cmake oracle


class Configured:
    """One build directory, configured again for each set of options (the compiler checks are
    cached, so each configure is quick)."""

    def __init__(self, root: Path, build: Path) -> None:
        self.root, self.build = root, build
        self.options = [_option(m) for m in [*ALL, "y", "z"]]

    def macro(self, on: set[str], macro: str) -> str | None:
        """The value `macro` gets in core's compilation with the options ``on`` ON (the rest
        OFF): from `-D` in compile_commands.json or from the configured header; None when it
        is not defined."""
        flags = [f"-D{o}={'ON' if o in on else 'OFF'}" for o in self.options]
        run = subprocess.run(
            ["cmake", "-S", str(self.root), "-B", str(self.build), *flags]
            + ["-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        commands = json.loads((self.build / "compile_commands.json").read_text())
        flag = re.compile(rf"(?:^|\s)-D{macro}(?:=(\S*))?(?=\s|$)")
        for entry in commands:
            if entry["file"].endswith(("src/core.c", "src/core_cxx.cc")):
                found = flag.search(entry["command"])
                if found:
                    return found.group(1) if found.group(1) is not None else "1"
        header = (self.build / "config.h").read_text()
        found = re.search(rf"^#define {macro}(?: (\S+))?$", header, re.M)
        return None if found is None else found.group(1) or "1"


@pytest.fixture(scope="module")
def oracle(project: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> Configured:
    return Configured(project[0], tmp_path_factory.mktemp("build"))


def _true(value: str | None) -> bool:
    """The macro as `#if` reads it."""
    return value is not None and value != "0"


# ---------------------------------------------------------------------------------------------
# Each way of defining, under `if(USE_X)`: silent, and cmake defines it exactly when X is on


@needs_cmake
@pytest.mark.parametrize("module", sorted(GOOD))
def test_a_macro_defined_under_the_toggle_is_silent(
    module: str, project: tuple[Path, dict], oracle: Configured
) -> None:
    _root, report = project
    macro = GOOD[module][0]
    option = macro if macro.startswith("USE_") else _option(module)
    assert _said(report, module) == "silent"
    assert _true(oracle.macro({option}, macro)), "cmake does not define it with the toggle on"
    assert not _true(oracle.macro(set(), macro)), "cmake defines it with the toggle off"


@needs_cmake
def test_a_macro_defined_by_nothing_is_sm006(
    project: tuple[Path, dict], oracle: Configured
) -> None:
    _root, report = project
    assert _said(report, "nothing") == "error"
    assert oracle.macro({"USE_NOTHING"}, "NOTHING_ON") is None
    finding = next(f for f in report["findings"] if f["evidence"] == "NOTHING_ON")
    assert finding["path"] == "scoped.toml" and "defined by nothing" in finding["message"]


@needs_cmake
def test_a_macro_defined_only_for_another_modules_option_is_sm006(
    project: tuple[Path, dict], oracle: Configured
) -> None:
    _root, report = project
    assert _said(report, "other") == "error"
    assert oracle.macro({"USE_OTHER"}, "OTHER_ON") is None  # the module on: not defined
    assert oracle.macro({"USE_Y"}, "OTHER_ON") is not None  # another module's option: defined
    finding = next(f for f in report["findings"] if f["evidence"] == "OTHER_ON")
    assert "only under USE_Y" in finding["message"]


@needs_cmake
def test_a_macro_defined_with_the_toggle_off_is_a_warning_at_the_definition(
    project: tuple[Path, dict], oracle: Configured
) -> None:
    root, report = project
    assert _said(report, "always") == "warning"
    assert oracle.macro(set(), "ALWAYS_ON") == "1"  # every option off: still defined
    finding = next(f for f in report["findings"] if f["evidence"] == "ALWAYS_ON")
    line = (root / finding["path"]).read_text().splitlines()[finding["line"] - 1]
    assert line == "add_definitions(-DALWAYS_ON)"


@needs_cmake
def test_a_definition_with_a_value_is_a_note(
    project: tuple[Path, dict], oracle: Configured
) -> None:
    """`VALUED_ON=$<BOOL:...>` is defined whatever the option, to 0 or 1: `#ifdef` cannot
    follow the toggle, `#if` can. Neither an error nor a warning."""
    _root, report = project
    assert _said(report, "valued") == "note"
    assert oracle.macro(set(), "VALUED_ON") == "0"
    assert oracle.macro({"USE_VALUED"}, "VALUED_ON") == "1"


@needs_cmake
def test_an_option_that_another_option_sets_is_not_judged(
    project: tuple[Path, dict], oracle: Configured
) -> None:
    """TIED_ON is written under `if(USE_Z)`, and `USE_TIED` sets USE_Z: cmake defines the
    macro when the module is on, so "defined only under USE_Z" would be a false alarm."""
    _root, report = project
    assert _said(report, "tied") == "note"
    assert _true(oracle.macro({"USE_TIED"}, "TIED_ON"))


def test_every_module_is_judged_as_designed(project: tuple[Path, dict]) -> None:
    """The same verdicts without cmake (the oracle tests above skip without it)."""
    _root, report = project
    said = {m: _said(report, m) for m in ALL}
    assert {m for m, s in said.items() if s == "silent"} == set(GOOD)
    assert {m for m, s in said.items() if s == "error"} == {"nothing", "other"}
    assert {m for m, s in said.items() if s == "warning"} == {"always"}
    assert {m for m, s in said.items() if s == "note"} == set(UNSURE)


def test_the_toggle_state_says_which_part_fails(project: tuple[Path, dict]) -> None:
    root, _report = project
    code, out, err = run_cli(root, "status", "--format", "json", "--no-cache")
    assert code == 0, err
    rows = {r["name"]: r["toggle"] for r in json.loads(out)["modules"]}
    assert rows["adddef"]["state"] == "wired"
    assert rows["nothing"]["state"] == "undeclared"
    assert "'NOTHING_ON' is defined by nothing the build runs" in rows["nothing"]["detail"]
    assert rows["other"]["state"] == "undeclared"
    assert "only under USE_Y" in rows["other"]["detail"]
    assert rows["always"]["state"] == "partial"
    assert "'ALWAYS_ON' is defined with 'USE_ALWAYS' off" in rows["always"]["detail"]
    assert rows["valued"]["state"] == "wired" and "judged only in part" in rows["valued"]["detail"]


# ---------------------------------------------------------------------------------------------
# Smaller projects: where the macro comes from outside the CMake build


def _small(
    tmp_path: Path, cmake: str | None, toggle: str, extra: dict[str, str] | None = None
) -> dict:
    files = {
        "scoped.toml": f'schema = 1\n\n[modules.x]\nstage = "s0"\npaths = ["src/x/"]\n'
        f"toggles = [{toggle}]\n",
        "src/core.c": "#ifdef X_ON\nint x_on;\n#endif\nint core(void) { return 0; }\n",
        "src/x/x.c": "int x(void) { return 0; }\n",
        **(extra or {}),
    }
    if cmake is not None:
        files["CMakeLists.txt"] = (
            'cmake_minimum_required(VERSION 3.13)\nproject(t C)\noption(USE_X "x" OFF)\n'
            "add_library(core STATIC src/core.c)\n"
            "if(USE_X)\n  target_sources(core PRIVATE src/x/x.c)\nendif()\n" + cmake
        )
    root = make_repo(tmp_path / "r", files)
    _code, report = check_json(root, "--no-cache", "--no-history")
    return report


def _sm006(report: dict, macro: str = "X_ON") -> list[dict]:
    """The SM006 findings about the define (not those about the `cmake` name)."""
    return [f for f in report["findings"] if f["rule"] == "SM006" and f["evidence"] == macro]


def _define_notes(report: dict) -> list[str]:
    return [n["message"] for n in report["notes"] if "define 'X_ON'" in n["message"]]


TOGGLE = '{ cmake = "USE_X", define = "X_ON" }'


def test_a_define_in_a_config_header_counts(tmp_path: Path) -> None:
    """`#define X_ON` in a header: the macro is defined by code (the real preprocessor agrees)."""
    header = "#ifndef X_ON\n#define X_ON 1\n#endif\n"
    report = _small(tmp_path, "", TOGGLE, {"include/x_config.h": header})
    assert _sm006(report) == [] and _define_notes(report) == []
    if shutil.which("cpp"):
        run = subprocess.run(
            ["cpp", "-dM", str(tmp_path / "r/include/x_config.h")],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "#define X_ON 1" in run.stdout.splitlines()


@pytest.mark.parametrize(
    "where, text",
    [
        ("setup.py", 'Extension("x", ["x.c"], define_macros=[("X_ON", None)])\n'),
        ("Makefile", "CFLAGS += -DX_ON\n"),
        (".github/workflows/ci.yml", "run: cmake -B b -DCMAKE_C_FLAGS=-DX_ON\n"),
        ("docs/build.md", "Build with `CFLAGS=-DX_ON` to enable x.\n"),
    ],
)
def test_a_macro_written_where_scoped_does_not_read_a_build_is_a_note(
    tmp_path: Path, where: str, text: str
) -> None:
    report = _small(tmp_path, "", TOGGLE, {where: text})
    assert _sm006(report) == []
    (note,) = _define_notes(report)
    assert f"written in {where}:1" in note


def test_a_project_without_cmake_is_a_note(tmp_path: Path) -> None:
    report = _small(tmp_path, None, TOGGLE, {"meson.build": "project('t', 'c')\n"})
    assert _sm006(report) == []
    (note,) = _define_notes(report)
    assert "no CMake build model" in note


def test_a_define_named_as_its_option_and_set_only_as_the_option_is_still_judged(
    tmp_path: Path,
) -> None:
    """As faiss's FAISS_ENABLE_GPU: the option and the macro share a name. `-DX=ON` in a CI
    script and in the docs set the option, not the macro: nothing defines the macro."""
    report = _small(
        tmp_path,
        "",
        '{ cmake = "USE_X", define = "USE_X" }',
        {
            "ci/build.sh": "cmake -B build -DUSE_X=ON\n",
            "pyproject.toml": '[tool.scikit-build.cmake.define]\nUSE_X = "ON"\n',
            "INSTALL.md": "Pass `-DUSE_X` (ON or OFF).\n",
        },
    )
    (finding,) = _sm006(report, "USE_X")
    assert finding["severity"] == "error" and "defined by nothing" in finding["message"]


def test_a_definition_in_a_cmake_file_reached_by_nothing_is_a_note(tmp_path: Path) -> None:
    report = _small(tmp_path, "", TOGGLE, {"cmake/Orphan.cmake": "add_definitions(-DX_ON)\n"})
    assert _sm006(report) == []
    (note,) = _define_notes(report)
    assert "reaches by no include()" in note


@pytest.mark.parametrize(
    "cmake, expected",
    [
        ("if(SOME_FLAG)\n  add_definitions(-DX_ON)\nendif()\n", []),
        ("add_definitions(-DX_ON)\n", ["warning"]),
    ],
)
def test_a_define_only_toggle(tmp_path: Path, cmake: str, expected: list[str]) -> None:
    """Without a `cmake` name the condition the build defines the macro under is the switch;
    only a macro the build always defines cannot be switched off."""
    report = _small(tmp_path, cmake, '{ define = "X_ON" }')
    assert [f["severity"] for f in _sm006(report)] == expected


def test_not_checked_at_s2(tmp_path: Path) -> None:
    files = _files("s2")
    root = make_repo(tmp_path / "p", files)
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert [f for f in report["findings"] if f["rule"] == "SM006"] == []


def test_an_intended_definition_can_be_suppressed_where_it_is(tmp_path: Path) -> None:
    cmake = "add_definitions(-DX_ON)  # scoped: ignore[SM006] the ABI needs it in every build\n"
    report = _small(tmp_path, cmake, TOGGLE)
    (finding,) = _sm006(report)
    assert finding["severity"] == "note" and finding["path"] == "CMakeLists.txt"


def test_a_definition_made_by_a_helper_is_placed_at_its_call(tmp_path: Path) -> None:
    """As SM007 places a helper's building at the call, the warning names the line to change."""
    cmake = (
        "function(feature name)\n  add_compile_definitions(${name})\nendfunction()\nfeature(X_ON)\n"
    )
    report = _small(tmp_path, cmake, TOGGLE)
    (finding,) = _sm006(report)
    assert finding["severity"] == "warning" and finding["path"] == "CMakeLists.txt"
    line = (tmp_path / "r/CMakeLists.txt").read_text().splitlines()[finding["line"] - 1]
    assert line == "feature(X_ON)"
