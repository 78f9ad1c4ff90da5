"""The CMake build model end to end (issue 7, cases 1-8): generated CMake projects whose
exact SM003/SM007 findings and CMake notes ``scoped check --format json`` must report.

Each project also holds a control: something the model must still report, so that a model
that silenced everything would fail here too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import check_json, make_repo, run_cli

REGISTRY = """
schema = 1

[project]
include_roots = ["include"]

[[people.person]]
handle = "pat"
roles = [{{ role = "pmc", since = 2020-01-01 }}]
{modules}
"""

MODULE = """
[modules.{name}]
stage = "proposed"
paths = {paths}
toggles = [{{ cmake = "{cmake}" }}]
owners = ["pat"]
champion = "pat"
"""

HEAD = "cmake_minimum_required(VERSION 3.18)\nproject(proj CXX)\n"


def registry(*modules: tuple[str, list[str], str]) -> str:
    text = "".join(
        MODULE.format(name=n, paths="[" + ", ".join(f'"{p}"' for p in paths) + "]", cmake=c)
        for n, paths, c in modules
    )
    return REGISTRY.format(modules=text)


def run(tmp_path: Path, files: dict[str, str]) -> tuple[list[tuple], list[tuple]]:
    """(SM003/SM007 findings, notes) as comparable tuples."""
    if not any(p.startswith("include/") for p in files):
        files = {**files, "include/README.md": "the include root\n"}  # roots must exist
    root = make_repo(tmp_path / "repo", files)
    _code, report = check_json(root)
    found = sorted(
        (f["rule"], f["module"], f["path"], f["line"], f["target"], f["message"])
        for f in report["findings"]
        if f["rule"] in ("SM003", "SM007")
    )
    notes = sorted(
        ((n["path"], n["line"], n["message"]) for n in report["notes"]),
        key=lambda n: (n[0] or "", n[1] or 0, n[2]),
    )
    return found, notes


def sm007(module: str, path: str, line: int, targets: list[str]) -> tuple:
    if len(targets) == 1:
        msg = f"module '{module}' source '{targets[0]}' is built even with the toggle off"
    else:
        shown = ", ".join(f"'{t}'" for t in targets[:3])
        more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
        msg = (
            f"module '{module}': {len(targets)} sources are built even with the toggle off: "
            f"{shown}{more}"
        )
    return ("SM007", module, path, line, targets[0], msg)


def sm003(module: str, path: str, line: int, target: str) -> tuple:
    return (
        "SM003",
        module,
        path,
        line,
        target,
        f"core file includes module '{module}'; deleting the module would break it",
    )


NO_BUILD = "no CMake target compiles this source: its references are judged by its own #if guards"


# --- case 1: a guarded list flows into an unguarded target ------------------------------------


def test_case1_guarded_list_unguarded_target(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(("ann", ["src/ann/"], "USE_ANN")),
        "CMakeLists.txt": HEAD
        + 'option(USE_ANN "ann" OFF)\n'  # 3
        + "set(SRCS src/core.cpp)\n"  # 4
        + "if(USE_ANN)\n"  # 5
        + "  list(APPEND SRCS src/ann/a.cpp src/ann/b.cpp)\n"  # 6
        + "endif()\n"  # 7
        + "add_library(core ${SRCS})\n"  # 8
        + "add_executable(tool src/ann/tool.cpp)\n",  # 9: the control, unguarded
        "src/core.cpp": "int core;\n",
        "src/ann/a.cpp": "int a;\n",
        "src/ann/b.cpp": "int b;\n",
        "src/ann/tool.cpp": "int main() {}\n",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("ann", "CMakeLists.txt", 9, ["src/ann/tool.cpp"])]
    assert notes == []


# --- case 2: the build condition of a translation unit -----------------------------------------


def test_case2_build_condition_of_translation_units(tmp_path: Path) -> None:
    inc = "#include <proj/gpu/api.h>\n"
    files = {
        "scoped.toml": registry(("gpu", ["include/proj/gpu/", "src/gpu/"], "USE_GPU")),
        "CMakeLists.txt": HEAD
        + 'option(USE_GPU "gpu" OFF)\n'
        + "add_library(core src/core.cpp)\n"
        + "if(USE_GPU)\n"
        + "  add_subdirectory(c_api/gpu)\n"
        + "endif()\n"
        + "set(TEST_SRCS tests/test_core.cpp)\n"
        + "if(USE_GPU)\n"
        + "  list(APPEND TEST_SRCS tests/test_gpu.cpp)\n"
        + "  add_executable(gpu_demo demos/gpu_demo.cpp)\n"
        + "endif()\n"
        + "add_executable(tests ${TEST_SRCS})\n"
        + "add_executable(tutorial tutorial/gpu.cpp)\n",
        "c_api/gpu/CMakeLists.txt": "add_library(c_gpu x.cpp)\n",
        "c_api/gpu/x.cpp": inc,
        "tests/test_core.cpp": "int t;\n",
        "tests/test_gpu.cpp": inc,
        "demos/gpu_demo.cpp": inc,
        # controls: built unconditionally, built by nothing, a header (its own #ifs only)
        "tutorial/gpu.cpp": inc,
        "tools/orphan.cpp": inc,
        "include/proj/core_gpu.h": inc,
        "src/core.cpp": '#include "proj/core_gpu.h"\n',
        "include/proj/gpu/api.h": "#pragma once\n",
        "src/gpu/kernels.cpp": "int k;\n",
    }
    found, notes = run(tmp_path, files)
    assert found == [
        sm003("gpu", "include/proj/core_gpu.h", 1, "include/proj/gpu/api.h"),
        sm003("gpu", "tools/orphan.cpp", 1, "include/proj/gpu/api.h"),
        sm003("gpu", "tutorial/gpu.cpp", 1, "include/proj/gpu/api.h"),
    ]
    assert notes == [("tools/orphan.cpp", None, NO_BUILD)]


# --- case 3: helper functions and macros -------------------------------------------------------


def test_case3_functions_and_macros_are_expanded(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(
            ("gpu", ["src/lib-gpu/"], "LIB_GPU"),
            ("dsp", ["src/lib-dsp/"], "LIB_DSP"),
            ("npu", ["src/lib-npu/"], "LIB_NPU"),
        ),
        "CMakeLists.txt": HEAD
        + 'option(LIB_GPU "" OFF)\noption(LIB_DSP "" OFF)\noption(LIB_NPU "" OFF)\n'
        + "macro(proj_add_library target)\n"
        + "  add_library(${target} ${ARGN})\n"
        + "endmacro()\n"
        + "function(collect out)\n"
        + '  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})\n'
        + "  set(${out} ${ARG_SOURCES} PARENT_SCOPE)\n"
        + "endfunction()\n"
        + "add_subdirectory(src)\n",
        "src/CMakeLists.txt": "function(add_backend name)\n"
        + '  string(TOUPPER "LIB_${name}" id)\n'
        + "  if(${id})\n"
        + '    string(TOLOWER "lib-${name}" dir)\n'
        + "    add_subdirectory(${dir})\n"
        + "  endif()\n"
        + "endfunction()\n"
        + "foreach(b GPU DSP)\n"
        + "  add_backend(${b})\n"
        + "endforeach()\n"
        # the control: the npu backend is built with no test of its toggle
        + 'set(kind "npu")\n'
        + "set(npu_dir lib-${kind})\n"
        + "proj_add_library(npu ${${kind}_dir}/npu.cpp)\n",  # line 13
        "src/lib-gpu/CMakeLists.txt": "collect(GPU_SRCS SOURCES a.cu b.cu)\n"
        + "proj_add_library(lib-gpu ${GPU_SRCS})\n",
        "src/lib-gpu/a.cu": "",
        "src/lib-gpu/b.cu": "",
        "src/lib-dsp/CMakeLists.txt": 'string(REPLACE "x" "p" name "dsx")\n'
        + "string(APPEND name .cpp)\n"
        + "string(CONCAT src ${name})\n"
        + "proj_add_library(lib-dsp ${src})\n",
        "src/lib-dsp/dsp.cpp": "",
        "src/lib-npu/npu.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("npu", "src/CMakeLists.txt", 13, ["src/lib-npu/npu.cpp"])]
    assert notes == []


# --- case 4: early return ----------------------------------------------------------------------


def test_case4_early_return_guards_the_rest(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(("dsp", ["src/dsp/", "include/proj/dsp/"], "USE_DSP")),
        "CMakeLists.txt": HEAD
        + 'option(USE_DSP "" OFF)\n'
        + "include(cmake/DSP.cmake)\n"
        + "function(add_dsp_tests)\n"
        + "  if(NOT USE_DSP)\n"
        + "    return()\n"
        + "  endif()\n"
        + "  add_executable(dsp_test tests/dsp_test.cpp)\n"
        + "endfunction()\n"
        + "add_dsp_tests()\n"
        + "add_executable(dsp_tool src/dsp/tool.cpp)\n",  # 12: the control
        "cmake/DSP.cmake": "if(NOT USE_DSP)\n  return()\nendif()\n"
        + "add_library(dsp ${CMAKE_CURRENT_LIST_DIR}/../src/dsp/dsp.cpp)\n",
        "src/dsp/dsp.cpp": "",
        "src/dsp/tool.cpp": "",
        "tests/dsp_test.cpp": "#include <proj/dsp/api.h>\n",
        "include/proj/dsp/api.h": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("dsp", "CMakeLists.txt", 12, ["src/dsp/tool.cpp"])]
    assert notes == []


# --- case 5: commands that build versus commands that name -------------------------------------


def test_case5_only_building_commands_make_sm007(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD
        + 'option(USE_NPU "" OFF)\n'
        + "add_library(core src/core.cpp)\n"
        + "install(FILES src/npu/npu.cpp DESTINATION share/npu)\n"
        + 'source_group("npu" FILES src/npu/npu.cpp)\n'
        + "set_source_files_properties(src/npu/npu.cpp PROPERTIES COMPILE_FLAGS -O2)\n"
        + "target_include_directories(core PRIVATE src/npu)\n"
        + 'message(STATUS "npu sources: src/npu/npu.cpp")\n'
        + "set(NPU_SRCS src/npu/npu.cpp src/npu/extra.cpp)\n"
        + "list(REMOVE_ITEM NPU_SRCS src/npu/npu.cpp)\n"
        + "add_custom_target(npu_files SOURCES src/npu/npu.cpp)\n"
        + "if(USE_NPU)\n  add_library(npu ${NPU_SRCS})\nendif()\n"
        + "target_sources(core PRIVATE src/npu/glue.cpp)\n",  # 16: the control
        "src/core.cpp": "",
        "src/npu/npu.cpp": "",
        "src/npu/extra.cpp": "",
        "src/npu/glue.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("npu", "CMakeLists.txt", 16, ["src/npu/glue.cpp"])]
    assert notes == []


# --- case 6: a CMake file reached by nothing ---------------------------------------------------


def test_case6_unreached_cmake_file_is_a_note(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD
        + 'option(USE_NPU "" OFF)\n'
        + "foreach(d ${EXTRA_DIRS})\n  add_subdirectory(${d})\nendforeach()\n",
        # reached by no call the model can evaluate, but add_subdirectory(${d}) may reach it
        # (CMake builds it only when EXTRA_DIRS lists it): a note, not SM007
        "src/npu/CMakeLists.txt": "add_library(npu npu.cpp)\n",
        "src/npu/npu.cpp": "",
        # a project of its own: a root, not a blind spot
        "apps/demo/CMakeLists.txt": HEAD + "add_executable(demo main.cpp)\n",
        "apps/demo/main.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == []
    assert notes == [
        (
            "CMakeLists.txt",
            4,
            "foreach() over a list the model does not know: its body is read once, with an "
            "unknown value",
        ),
        (
            "CMakeLists.txt",
            5,
            "add_subdirectory() of a path the model does not know: add_subdirectory(${d})",
        ),
        (
            "src/npu/CMakeLists.txt",
            None,
            "CMake file reached by no add_subdirectory()/include() the model could evaluate; "
            "add_subdirectory(${d}) at CMakeLists.txt:5 may reach it: read under what the "
            "conditions of those calls share, and an unknown condition",
        ),
        (
            "src/npu/CMakeLists.txt",
            1,
            "module 'npu': 1 file(s) built without the toggle by 1 command(s) in CMake files "
            "reached only through add_subdirectory(${d}) at CMakeLists.txt:5, which the model "
            "could not evaluate: not judged (SM007): 'src/npu/npu.cpp'",
        ),
    ]


# --- case 7: one finding per cause; deps groups what one line names ----------------------------


def test_case7_one_finding_per_building_command(tmp_path: Path) -> None:
    kernels = {f"src/gpu/k{i:02d}.cu": "" for i in range(12)}
    files = {
        "scoped.toml": registry(("gpu", ["src/gpu/"], "USE_GPU")),
        "CMakeLists.txt": HEAD
        + 'option(USE_GPU "" OFF)\n'
        + "file(GLOB GPU_SRCS src/gpu/*.cu)\n"  # 4
        + "add_library(gpu_all ${GPU_SRCS})\n"  # 5
        + "file(GLOB_RECURSE IDE_SRCS src/*.cu)\n"  # 6
        + 'source_group("all" FILES ${IDE_SRCS})\n',
        **kernels,
    }
    found, notes = run(tmp_path, files)
    names = sorted(kernels)
    assert found == [sm007("gpu", "CMakeLists.txt", 5, names)]
    assert "12 sources" in found[0][5] and "and 9 more" in found[0][5]
    assert notes == [
        (
            "CMakeLists.txt",
            6,
            "12 source(s) of module 'gpu' globbed only for source_group() (IDE grouping), not "
            "built: 'src/gpu/k00.cu', 'src/gpu/k01.cu', 'src/gpu/k02.cu' and 9 more",
        )
    ]
    code, out, _err = run_cli(tmp_path / "repo", "deps", "gpu")
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.startswith("    ")]
    # one line per command line: the glob, the building command, the IDE glob, source_group
    assert len(lines) == 4, out
    assert all("12 files: src/gpu/k00.cu, src/gpu/k01.cu, ... (10 more)" in ln for ln in lines)


# --- case 8: defines the build derives from a toggle -------------------------------------------


def test_case8_defines_derived_from_the_toggle(tmp_path: Path) -> None:
    npu = "#include <proj/npu/api.h>\n"
    files = {
        "scoped.toml": registry(("npu", ["include/proj/npu/", "tests/test_npu.cpp"], "USE_NPU")),
        "CMakeLists.txt": HEAD
        + 'option(USE_NPU "" OFF)\n'
        + "if(USE_NPU)\n"
        + "  add_definitions(-DPROJ_USE_NPU)\n"
        + "  set(PROJ_HAVE_NPU ON)\n"
        + "  add_compile_definitions(PROJ_ALSO_NPU)\n"
        + "endif()\n"
        + "add_compile_definitions(PROJ_ALWAYS)\n"
        + "if(USE_NPU)\n  add_compile_definitions(PROJ_ALWAYS)\nendif()\n"
        + "configure_file(config.h.in config.h)\n"
        + "add_library(core src/a.cpp src/b.cpp src/c.cpp src/d.cpp)\n"
        + "file(GLOB TESTS tests/*.cpp)\n"
        + "add_executable(all_tests ${TESTS})\n",
        "config.h.in": "#cmakedefine PROJ_HAVE_NPU\n",
        "src/a.cpp": "#ifdef PROJ_USE_NPU\n" + npu + "#endif\n",
        "src/b.cpp": "#if defined(PROJ_HAVE_NPU) && defined(PROJ_ALSO_NPU)\n" + npu + "#endif\n",
        # controls: defined unconditionally too; defined by a header the code includes
        "src/c.cpp": "#ifdef PROJ_ALWAYS\n" + npu + "#endif\n",
        "src/d.cpp": '#include "proj/cfg.h"\n#ifdef PROJ_USE_NPU2\n' + npu + "#endif\n",
        "include/proj/cfg.h": "#define PROJ_USE_NPU2 1\n",
        "include/proj/npu/api.h": "",
        "tests/test_core.cpp": "",
        "tests/test_npu.cpp": "#ifdef PROJ_USE_NPU\n" + npu + "int t;\n#endif\n",
    }
    found, notes = run(tmp_path, files)
    assert found == [
        sm003("npu", "src/c.cpp", 2, "include/proj/npu/api.h"),
        sm003("npu", "src/d.cpp", 3, "include/proj/npu/api.h"),
    ]
    assert notes == [
        (
            "CMakeLists.txt",
            16,
            "builds 1 source(s) of module 'npu' unguarded, but the whole body of each sits "
            "under the module's toggle: 'tests/test_npu.cpp'",
        )
    ]


# --- issue 14 item 2: an elseif test's own references ------------------------------------------


def test_elseif_test_reference_carries_the_negation_of_earlier_tests(tmp_path: Path) -> None:
    reg = registry(("uma", ["src/uma/"], "USE_UMA")).replace(
        'champion = "pat"\n', 'champion = "pat"\nreferences = ["UMA_MO[D]E"]\n', 1
    )
    files = {
        "scoped.toml": reg,
        "CMakeLists.txt": HEAD
        + 'option(USE_UMA "" OFF)\n'
        + "if(NOT USE_UMA)\n"
        + '  message(STATUS "no uma")\n'
        + 'elseif(UMA_MODE STREQUAL "fast")\n'  # runs only with USE_UMA on: wiring
        + '  message(STATUS "fast uma")\n'
        + "endif()\n"
        + 'message(STATUS "UMA_MODE=${UMA_MODE}")\n',  # 9: the control, unguarded
        "src/uma/uma.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [
        (
            "SM003",
            "uma",
            "CMakeLists.txt",
            9,
            None,
            "core file refers to module 'uma'; deleting the module would break it",
        )
    ]


# --- what the model cannot see stays as the lexical reading had it -----------------------------


def test_a_list_read_only_by_an_unreached_file_stays_buildable(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD + 'option(USE_NPU "" OFF)\nset(NPU_SRCS src/npu/npu.cpp)\n',
        # reached by nothing: its ${NPU_SRCS} is unknown there, so the set() above may build
        "cmake/Extra.cmake": "add_library(extra ${NPU_SRCS})\n",
        "src/npu/npu.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("npu", "CMakeLists.txt", 4, ["src/npu/npu.cpp"])]
    assert [n[0] for n in notes] == ["cmake/Extra.cmake"]


def test_when_the_model_gives_up_cmake_files_are_read_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scoped_modules.resolve import build_model

    monkeypatch.setattr(build_model, "MAX_STEPS", 2)
    files = {
        "scoped.toml": registry(("ann", ["src/ann/"], "USE_ANN")),
        "CMakeLists.txt": HEAD
        + 'option(USE_ANN "" OFF)\n'
        + "if(USE_ANN)\n  add_library(ann src/ann/a.cpp)\nendif()\n"
        + "add_library(core src/ann/b.cpp)\n",
        "src/ann/a.cpp": "",
        "src/ann/b.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("ann", "CMakeLists.txt", 7, ["src/ann/b.cpp"])]
    assert notes == [
        (
            None,
            None,
            "the CMake model stopped after 2 commands: CMake references are read file by file",
        )
    ]


# --- CMake files reached only by an add_subdirectory()/include() the model cannot evaluate -----
# onnx-mlir: `foreach(t ${ONNX_MLIR_ACCELERATORS}) add_subdirectory(${t})` reaches an
# accelerator only when the user lists it; its CMake files are reached by nothing the model
# evaluates. They are read under what the conditions of those calls share AND an unknown
# condition, and what they build is a note (whether CMake processes them is unknown), not SM007.

ACCEL_ROOT = (
    HEAD
    + 'set(PROJ_ACCELERATORS "" CACHE STRING "accelerators to build, e.g. npu")\n'  # 3
    + "set(ACCEL_LIST ${PROJ_ACCELERATORS})\n"  # 4
    + "add_library(core src/core.cpp)\n"  # 5
    + "add_subdirectory(src/accel)\n"  # 6
)
ACCEL_FILES = {
    "src/core.cpp": "int core;\n",
    "src/accel/CMakeLists.txt": "foreach(t ${ACCEL_LIST})\n  add_subdirectory(${t})\nendforeach()\n",
    "src/accel/npu/CMakeLists.txt": "add_library(npu npu.cpp kernels/conv.cpp)\n"
    + "add_subdirectory(tools)\n",
    "src/accel/npu/npu.cpp": "int npu;\n",
    "src/accel/npu/kernels/conv.cpp": "int conv;\n",
    "src/accel/npu/tools/CMakeLists.txt": "add_executable(npu_tool tool.cpp)\n",
    "src/accel/npu/tools/tool.cpp": "int main() { return 0; }\n",
}
NPU_SOURCES = [
    "src/accel/npu/kernels/conv.cpp",
    "src/accel/npu/npu.cpp",
    "src/accel/npu/tools/tool.cpp",
]
BLIND_FILE_NOTE = (
    "CMake file reached by no add_subdirectory()/include() the model could evaluate; "
    "{call} at {at} may reach it: read under what the conditions of those calls share, and "
    "an unknown condition"
)


def _blind_sm007_note(module: str, n: int, commands: int, where: str, targets: list[str]) -> str:
    shown = ", ".join(f"'{t}'" for t in targets[:3])
    more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
    return (
        f"module '{module}': {n} file(s) built without the toggle by {commands} command(s) "
        f"{where}: not judged (SM007): {shown}{more}"
    )


def _configure(src: Path, build: Path, *defs: str) -> set[str]:
    """The sources a real ``cmake`` configure of ``src`` compiles (compile_commands.json)."""
    shutil.rmtree(build, ignore_errors=True)
    subprocess.run(
        ["cmake", "-S", str(src), "-B", str(build), "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", *defs],
        check=True,
        capture_output=True,
        timeout=180,
    )
    entries = json.loads((build / "compile_commands.json").read_text())
    return {Path(e["file"]).resolve().relative_to(src.resolve()).as_posix() for e in entries}


def _sm007_sources(found: list[tuple]) -> set[str]:
    """Every source SM007 names (each finding lists up to three)."""
    return {t for f in found if f[0] == "SM007" for t in re.findall(r"'([^']+\.cpp)'", f[5])}


needs_cmake = pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("c++") is None,
    reason="cmake or a C++ compiler not installed (CI installs them)",
)


def _accel_project(tmp_path: Path, root: str) -> tuple[list[tuple], list[tuple], set[str]]:
    """(findings, notes, the module sources a real configure with the list empty compiles) of
    the accelerator project, the module's toggle one that has nothing to do with the list
    (whatever the user picks)."""
    files = {
        "scoped.toml": registry(("npu", ["src/accel/npu/"], "USE_NPU")),
        "CMakeLists.txt": root,
        **ACCEL_FILES,
    }
    found, notes = run(tmp_path, files)
    off = _configure(tmp_path / "repo", tmp_path / "off", "-DPROJ_ACCELERATORS=")
    return found, notes, {s for s in off if s.startswith("src/accel/npu/")}


@needs_cmake
def test_a_module_reached_only_by_foreach_add_subdirectory_is_a_note_as_cmake_agrees(
    tmp_path: Path,
) -> None:
    found, notes, off = _accel_project(tmp_path, ACCEL_ROOT)
    # the oracle: with the list empty CMake builds none of the module (no SM007 is right);
    # listed, it builds exactly what the note says the module's files would build
    on = _configure(tmp_path / "repo", tmp_path / "on", "-DPROJ_ACCELERATORS=npu")
    assert off == _sm007_sources(found) == set()
    assert sorted(s for s in on if s.startswith("src/accel/npu/")) == NPU_SOURCES
    assert found == []
    where = (
        "in CMake files reached only through add_subdirectory(${t}) at "
        "src/accel/CMakeLists.txt:2, which the model could not evaluate"
    )
    assert notes == [
        (
            "src/accel/CMakeLists.txt",
            1,
            "foreach() over a list the model does not know: its body is read once, with an "
            "unknown value",
        ),
        (
            "src/accel/CMakeLists.txt",
            2,
            "add_subdirectory() of a path the model does not know: add_subdirectory(${t})",
        ),
        (
            "src/accel/npu/CMakeLists.txt",
            None,
            BLIND_FILE_NOTE.format(call="add_subdirectory(${t})", at="src/accel/CMakeLists.txt:2"),
        ),
        (
            "src/accel/npu/CMakeLists.txt",
            1,
            _blind_sm007_note("npu", 3, 2, where, NPU_SOURCES),
        ),
    ]


@needs_cmake
def test_control_a_module_also_reached_by_a_literal_add_subdirectory_stays_sm007(
    tmp_path: Path,
) -> None:
    # line 7: the module also reached by a literal add_subdirectory, outside any guard
    found, notes, off = _accel_project(tmp_path, ACCEL_ROOT + "add_subdirectory(src/accel/npu)\n")
    assert off == _sm007_sources(found)
    assert found == [
        sm007("npu", "src/accel/npu/CMakeLists.txt", 1, NPU_SOURCES[:2]),
        sm007("npu", "src/accel/npu/tools/CMakeLists.txt", 1, NPU_SOURCES[2:]),
    ]
    assert not any("not judged" in n[2] or "model could evaluate" in n[2] for n in notes)


def test_the_condition_of_the_unevaluated_calls_carries_over(tmp_path: Path) -> None:
    # as onnx-mlir: the foreach sits under if(the list): with that list as the toggle, what
    # the module's files build is wiring, neither SM007 nor a note
    files = {
        "scoped.toml": registry(("npu", ["src/accel/npu/"], "PROJ_ACCELERATORS")),
        "CMakeLists.txt": ACCEL_ROOT,
        **ACCEL_FILES,
        "src/accel/CMakeLists.txt": "if(PROJ_ACCELERATORS)\n"
        + "  foreach(t ${ACCEL_LIST})\n    add_subdirectory(${t})\n  endforeach()\n"
        + "endif()\n",
    }
    found, notes = run(tmp_path, files)
    assert found == []
    assert [n[0] for n in notes if "not judged" in n[2]] == []
    assert (
        "src/accel/npu/CMakeLists.txt",
        None,
        BLIND_FILE_NOTE.format(call="add_subdirectory(${t})", at="src/accel/CMakeLists.txt:3"),
    ) in notes


def test_every_call_evaluated_a_stray_file_stays_sm007(tmp_path: Path) -> None:
    # nothing unevaluated could reach it: the lexical reading, as before
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD + "add_library(core src/core.cpp)\n",
        "src/core.cpp": "",
        "src/npu/CMakeLists.txt": "add_library(npu npu.cpp)\n",
        "src/npu/npu.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("npu", "src/npu/CMakeLists.txt", 1, ["src/npu/npu.cpp"])]
    assert notes == [
        (
            "src/npu/CMakeLists.txt",
            None,
            "CMake file reached by no add_subdirectory()/include() from the root "
            "CMakeLists.txt: read on its own, unconditionally",
        )
    ]


def test_an_include_reaches_only_files_named_as_its_argument_ends(tmp_path: Path) -> None:
    # include(${X}.cmake) may reach a .cmake file, never a CMakeLists.txt: that one is a stray
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD + "include(cmake/${PROJ_TARGET}.cmake)\n",  # 3
        "cmake/Npu.cmake": "add_library(npu_rt src/npu/rt.cpp)\n",
        "src/npu/rt.cpp": "",
        "src/npu/CMakeLists.txt": "add_library(npu npu.cpp)\n",
        "src/npu/npu.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == [sm007("npu", "src/npu/CMakeLists.txt", 1, ["src/npu/npu.cpp"])]
    where = (
        "in CMake files reached only through include(cmake/${PROJ_TARGET}.cmake) at "
        "CMakeLists.txt:3, which the model could not evaluate"
    )
    assert ("cmake/Npu.cmake", 1, _blind_sm007_note("npu", 1, 1, where, ["src/npu/rt.cpp"])) in (
        notes
    )


def test_a_list_read_only_by_a_blind_file_is_a_note(tmp_path: Path) -> None:
    # the set() is in a reached file, but only a file that nothing evaluated reaches builds it
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD
        + "set(NPU_SRCS src/npu/npu.cpp)\n"  # 3
        + "foreach(d ${EXTRA_DIRS})\n  add_subdirectory(${d})\nendforeach()\n",
        "src/extra/CMakeLists.txt": "add_library(extra ${NPU_SRCS})\n",
        "src/npu/npu.cpp": "",
    }
    found, notes = run(tmp_path, files)
    assert found == []
    where = (
        "in a list that only CMake files reached by an add_subdirectory()/include() the "
        "model could not evaluate read"
    )
    assert (
        "CMakeLists.txt",
        3,
        _blind_sm007_note("npu", 1, 1, where, ["src/npu/npu.cpp"]),
    ) in notes


def test_a_pattern_in_a_blind_cmake_file_is_a_note_not_sm003(tmp_path: Path) -> None:
    reg = registry(("npu", ["src/npu/"], "USE_NPU")).replace(
        'champion = "pat"\n', 'champion = "pat"\nreferences = ["npu_runtime"]\n', 1
    )
    files = {
        "scoped.toml": reg,
        "CMakeLists.txt": HEAD
        + "add_library(core src/core.cpp)\n"  # 3
        + "target_link_libraries(core npu_runtime)\n"  # 4: the control, reached
        + "foreach(d ${EXTRA_DIRS})\n  add_subdirectory(${d})\nendforeach()\n",  # 5-7
        "src/core.cpp": "",
        "src/extra/CMakeLists.txt": "add_library(extra x.cpp)\n"
        + "target_link_libraries(extra npu_runtime)\n",
        "src/extra/x.cpp": "",
        "src/npu/rt.cpp": "",
    }
    found, notes = run(tmp_path, files)
    pattern = "core file refers to module 'npu'; deleting the module would break it"
    assert found == [("SM003", "npu", "CMakeLists.txt", 4, None, pattern)]
    assert (
        "src/extra/CMakeLists.txt",
        2,
        "core file refers to module 'npu' without the toggle, in CMake files reached only "
        "through add_subdirectory(${d}) at CMakeLists.txt:6, which the model could not "
        "evaluate: not judged (SM003)",
    ) in notes


def test_a_define_in_a_blind_file_is_a_note_not_sm006(tmp_path: Path) -> None:
    reg = registry(("npu", ["src/npu/"], "USE_NPU")).replace(
        'cmake = "USE_NPU" }', 'cmake = "USE_NPU", define = "PROJ_HAS_NPU" }'
    )
    files = {
        "scoped.toml": reg,
        "CMakeLists.txt": HEAD
        + 'option(USE_NPU "" OFF)\n'
        + "foreach(d ${EXTRA_DIRS})\n  add_subdirectory(${d})\nendforeach()\n",  # 4-6
        "src/npu/CMakeLists.txt": "add_compile_definitions(PROJ_HAS_NPU)\n",
    }
    root = make_repo(tmp_path / "repo", {**files, "include/README.md": "the include root\n"})
    _code, report = check_json(root)
    assert [f for f in report["findings"] if f["rule"] == "SM006"] == []
    assert {
        "path": "src/npu/CMakeLists.txt",
        "line": 1,
        "message": "define 'PROJ_HAS_NPU' of module 'npu' is defined in CMake files reached "
        "only through add_subdirectory(${d}) at CMakeLists.txt:5, which the model could not "
        "evaluate (src/npu/CMakeLists.txt:1); whether that matches the toggle is not judged",
    } in report["notes"]


def test_the_toggle_state_says_what_was_not_judged(tmp_path: Path) -> None:
    files = {
        "scoped.toml": registry(("npu", ["src/npu/"], "USE_NPU")),
        "CMakeLists.txt": HEAD
        + 'option(USE_NPU "" OFF)\n'
        + 'cmake_language(EVAL CODE "add_subdirectory(${NPU_DIR})")\n',  # 4
        "src/npu/CMakeLists.txt": "add_library(npu npu.cpp rt.cpp)\n",
        "src/npu/npu.cpp": "",
        "src/npu/rt.cpp": "",
        "include/README.md": "the include root\n",
    }
    root = make_repo(tmp_path / "repo", files)
    _code, report = check_json(root)
    assert [f for f in report["findings"] if f["rule"] == "SM007"] == []
    assert any(
        n["path"] == "src/npu/CMakeLists.txt"
        and 'add_subdirectory(${NPU_DIR})") at CMakeLists.txt:4 may reach it' in n["message"]
        for n in report["notes"]
    )
    code, out, _err = run_cli(root, "status", "--format", "json", "--no-cache")
    assert code == 0
    (row,) = json.loads(out)["modules"]
    assert row["toggle"] == {
        "names": ["USE_NPU"],
        "state": None,  # not `wired`: what builds the module was not judged
        "detail": "2 files built by CMake files reached only through an "
        "add_subdirectory()/include() the model could not evaluate (not judged)",
    }


# --- the same test of the same value is one fact (issue 8) -------------------------------------
# An if() test the model cannot decide gives an unknown; the same test of the same unchanged
# value gives the same one. Where the value may have changed in between (a set(), a loop
# variable, an unquoted ${X} that CMake reads as the name of a variable that changed), the
# tests stay two unknowns. Real cmake is the oracle of each: which sources a configure
# compiles with the module's toggle off, over the values the model does not know.


def _arch_project(tmp_path: Path, body: str) -> tuple[list[tuple], list[tuple], Path]:
    files = {
        "scoped.toml": registry(("ann", ["src/ann/"], "USE_ANN")),
        "CMakeLists.txt": HEAD
        + 'option(USE_ANN "ann" OFF)\n'  # 3
        + "add_executable(tool src/ann/tool.cpp)\n"  # 4: the control, unguarded
        + body,
        "src/ann/a.cpp": "int a;\n",
        "src/ann/tool.cpp": "int main() {}\n",
    }
    found, notes = run(tmp_path, files)
    return found, notes, tmp_path / "repo"


def _built_off(repo: Path, tmp_path: Path, *defs: str) -> set[str]:
    """The module sources a configure with the toggle off compiles, over the settings given."""
    out: set[str] = set()
    for k, d in enumerate(defs):
        built = _configure(repo, tmp_path / f"b{k}", "-DUSE_ANN=OFF", *d.split())
        out |= {s for s in built if s.startswith("src/ann/")}
    return out


TOOL = sm007("ann", "CMakeLists.txt", 4, ["src/ann/tool.cpp"])
ARCHES = ("-DMY_ARCH=arm64", "-DMY_ARCH=x86_64", "")


@needs_cmake
def test_one_test_of_one_value_twice_is_one_fact_as_cmake_agrees(tmp_path: Path) -> None:
    # `MY_ARCH MATCHES "^arm"` twice of the same value the model does not know: with the
    # toggle off, either the first test returns or the second skips the library. As two
    # unknowns the model found a way to both (a false SM007 on line 9).
    found, notes, repo = _arch_project(
        tmp_path,
        'if(NOT MY_ARCH MATCHES "^arm" AND NOT USE_ANN)\n'  # 5
        "  return()\n"  # 6
        "endif()\n"  # 7
        'if(NOT MY_ARCH MATCHES "^arm")\n'  # 8
        "  add_library(ann src/ann/a.cpp)\n"  # 9
        "endif()\n",
    )
    assert _built_off(repo, tmp_path, *ARCHES) == {"src/ann/tool.cpp"}
    on = _configure(repo, tmp_path / "on", "-DUSE_ANN=ON", "-DMY_ARCH=x86_64")
    assert "src/ann/a.cpp" in on  # the library is built at all
    assert found == [TOOL]
    assert notes == []


@needs_cmake
def test_a_value_set_again_between_two_tests_is_two_facts_as_cmake_agrees(
    tmp_path: Path,
) -> None:
    # the same text, `ARCH MATCHES "^arm"`, of two values: arm64 passes the first test and,
    # upper-cased, fails the second, so the library is built with the toggle off
    found, notes, repo = _arch_project(
        tmp_path,
        'string(TOLOWER "${MY_ARCH}" ARCH)\n'  # 5
        'if(NOT ARCH MATCHES "^arm" AND NOT USE_ANN)\n'  # 6
        "  return()\n"
        "endif()\n"
        'string(TOUPPER "${MY_ARCH}" ARCH)\n'  # 9
        'if(NOT ARCH MATCHES "^arm")\n'  # 10
        "  add_library(ann src/ann/a.cpp)\n"  # 11
        "endif()\n",
    )
    assert _built_off(repo, tmp_path, *ARCHES) == {"src/ann/tool.cpp", "src/ann/a.cpp"}
    assert found == [TOOL, sm007("ann", "CMakeLists.txt", 11, ["src/ann/a.cpp"])]
    assert notes == []


@needs_cmake
def test_a_loop_variable_read_once_for_many_items_is_not_one_fact_as_cmake_agrees(
    tmp_path: Path,
) -> None:
    # a list the model does not know: the body is read once for every item, and one item's
    # test is not another's (arm64 sets SEEN_ARM, then x86_64 builds the library)
    found, notes, repo = _arch_project(
        tmp_path,
        "set(SEEN_ARM OFF)\n"  # 5
        "foreach(a ${MY_ARCHS})\n"  # 6
        '  if(a MATCHES "^arm")\n'  # 7
        "    set(SEEN_ARM ON)\n"
        "  endif()\n"
        '  if(SEEN_ARM AND NOT a MATCHES "^arm")\n'  # 10
        "    add_library(ann_${a} src/ann/a.cpp)\n"  # 11
        "  endif()\n"
        "endforeach()\n",
    )
    built = _built_off(repo, tmp_path, "-DMY_ARCHS=arm64;x86_64")
    assert built == {"src/ann/tool.cpp", "src/ann/a.cpp"}
    assert found == [TOOL, sm007("ann", "CMakeLists.txt", 11, ["src/ann/a.cpp"])]
    assert [n[:2] for n in notes] == [("CMakeLists.txt", 6)]  # the foreach read once


@needs_cmake
def test_an_unquoted_value_read_as_a_name_is_not_one_fact_as_cmake_agrees(
    tmp_path: Path,
) -> None:
    # `${MY_ARCH}` unquoted: CMake reads its value as the name of a variable when one is
    # defined (MY_ARCH=PICKED reads PICKED), and PICKED changes between the tests. Quoted,
    # "${MY_ARCH}" is the value itself, one fact (the control below).
    body = (
        "set(PICKED arm64)\n"  # 5
        'if(NOT {x} MATCHES "^arm" AND NOT USE_ANN)\n'  # 6
        "  return()\n"
        "endif()\n"
        "set(PICKED x86_64)\n"  # 9
        'if(NOT {x} MATCHES "^arm")\n'  # 10
        "  add_library(ann src/ann/a.cpp)\n"  # 11
        "endif()\n"
    )
    found, notes, repo = _arch_project(tmp_path, body.format(x="${MY_ARCH}"))
    built = _built_off(repo, tmp_path, "-DMY_ARCH=PICKED", *ARCHES)
    assert built == {"src/ann/tool.cpp", "src/ann/a.cpp"}
    assert found == [TOOL, sm007("ann", "CMakeLists.txt", 11, ["src/ann/a.cpp"])]
    assert notes == []
    quoted = tmp_path / "quoted"
    found, notes, repo = _arch_project(quoted, body.format(x='"${MY_ARCH}"'))
    built = _built_off(repo, quoted, "-DMY_ARCH=PICKED", *ARCHES)
    assert built == {"src/ann/tool.cpp"}
    assert found == [TOOL]


@needs_cmake
def test_a_free_value_the_build_writes_between_two_tests_is_two_facts_as_cmake_agrees(
    tmp_path: Path,
) -> None:
    # the model leaves a cache entry free (the user sets it), yet the build may change it:
    # from arm64 to x86_64 here, between the tests
    found, notes, repo = _arch_project(
        tmp_path,
        'if(NOT MY_ARCH MATCHES "^arm" AND NOT USE_ANN)\n'  # 5
        "  return()\n"
        "endif()\n"
        'set(MY_ARCH "x86_64" CACHE STRING "" FORCE)\n'  # 8
        'if(NOT MY_ARCH MATCHES "^arm")\n'  # 9
        "  add_library(ann src/ann/a.cpp)\n"  # 10
        "endif()\n",
    )
    assert _built_off(repo, tmp_path, *ARCHES) == {"src/ann/tool.cpp", "src/ann/a.cpp"}
    assert found == [TOOL, sm007("ann", "CMakeLists.txt", 10, ["src/ann/a.cpp"])]
    assert notes == []
