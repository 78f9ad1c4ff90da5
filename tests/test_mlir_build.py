"""LLVM and MLIR building commands in the CMake build model (issue 12): ``add_mlir_library``
and its kin compile the sources their ``cmake_parse_arguments`` levels leave unparsed, and
``mlir_tablegen``/``add_mlir_dialect``/``add_mlir_interface`` read a ``.td`` file, which is
then built; a module ``.td`` built with the toggle off is SM007.

The oracle is real ``cmake``: an out-of-tree MLIR project gets these commands from
``find_package(MLIR)``, so the fixture puts stand-ins for them in an ``MLIRConfig.cmake``
outside the project (where the model never looks). The stand-ins parse their arguments with
the keyword lists of LLVM's ``AddMLIR.cmake``, ``AddLLVM.cmake`` and
``LLVMProcessSources.cmake``, compile what is left with ``add_library`` (so
``compile_commands.json`` lists the sources) and write the absolute ``.td`` path that
``tablegen()`` computes to a file (instead of running ``mlir-tblgen``)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from build_helpers import boundary, compiled, holds, model_of
from helpers import check_json, write_tree

from scoped_modules.readers.tablegen import read_tablegen
from scoped_modules.resolve.build_model import F_BUILD, F_TABLEGEN

MLIR_CONFIG = """
    function(llvm_process_sources OUT_VAR)
      cmake_parse_arguments(ARG "PARTIAL_SOURCES_INTENDED" ""
        "ADDITIONAL_HEADERS;ADDITIONAL_HEADER_DIRS" ${ARGN})
      set(${OUT_VAR} ${ARG_UNPARSED_ARGUMENTS} PARENT_SCOPE)
    endfunction()
    function(llvm_add_library name)
      cmake_parse_arguments(ARG
        "MODULE;SHARED;STATIC;OBJECT;DISABLE_LLVM_LINK_LLVM_DYLIB;SONAME;NO_INSTALL_RPATH;COMPONENT_LIB"
        "OUTPUT_NAME;PLUGIN_TOOL;ENTITLEMENTS;BUNDLE_PATH"
        "ADDITIONAL_HEADERS;DEPENDS;LINK_COMPONENTS;LINK_LIBS;OBJLIBS"
        ${ARGN})
      llvm_process_sources(ALL_FILES ${ARG_UNPARSED_ARGUMENTS})
      add_library(${name} STATIC ${ALL_FILES})
    endfunction()
    function(add_mlir_library name)
      cmake_parse_arguments(ARG
        "SHARED;INSTALL_WITH_TOOLCHAIN;EXCLUDE_FROM_LIBMLIR;DISABLE_INSTALL;ENABLE_AGGREGATION;OBJECT;STANDALONE"
        ""
        "ADDITIONAL_HEADERS;DEPENDS;LINK_COMPONENTS;LINK_LIBS;FUTURE_KEYWORD"
        ${ARGN})  # FUTURE_KEYWORD: of a newer release, unknown to the model
      llvm_add_library(${name} ${ARG_UNPARSED_ARGUMENTS} DEPENDS ${ARG_DEPENDS})
    endfunction()
    function(add_mlir_dialect_library name)
      add_mlir_library(${ARGV} DEPENDS mlir-headers)
    endfunction()
    function(add_mlir_conversion_library name)
      add_mlir_library(${ARGV} DEPENDS mlir-headers)
    endfunction()
    function(tablegen project ofn)
      cmake_parse_arguments(ARG "" "" "DEPENDS;EXTRA_INCLUDES" ${ARGN})
      if(IS_ABSOLUTE ${LLVM_TARGET_DEFINITIONS})
        set(absolute ${LLVM_TARGET_DEFINITIONS})
      else()
        set(absolute ${CMAKE_CURRENT_SOURCE_DIR}/${LLVM_TARGET_DEFINITIONS})
      endif()
      file(APPEND ${CMAKE_BINARY_DIR}/tablegen-inputs.txt "${absolute}\\n")
    endfunction()
    function(mlir_tablegen ofn)
      tablegen(MLIR ${ARGV})
    endfunction()
    function(add_public_tablegen_target target)
      add_custom_target(${target})
    endfunction()
    function(add_mlir_dialect dialect dialect_namespace)
      set(LLVM_TARGET_DEFINITIONS ${dialect}.td)
      mlir_tablegen(${dialect}.h.inc -gen-op-decls)
      add_public_tablegen_target(MLIR${dialect}IncGen)
    endfunction()
    function(add_mlir_interface interface)
      set(LLVM_TARGET_DEFINITIONS ${interface}.td)
      mlir_tablegen(${interface}.h.inc -gen-op-interface-decls)
      add_public_tablegen_target(MLIR${interface}IncGen)
    endfunction()
"""

# Sources and .td files built depending on two toggles, through keyword sections at each
# parsing level, LLVM_TARGET_DEFINITIONS set in a function, in a directory, under if().
PROJECT = {
    "CMakeLists.txt": """
        cmake_minimum_required(VERSION 3.18)
        project(mlirtt CXX)
        option(A "" OFF)
        option(B "" OFF)
        find_package(MLIR REQUIRED CONFIG)
        add_subdirectory(include)
        add_subdirectory(lib)
        """,
    "include/CMakeLists.txt": """
        add_subdirectory(Core)
        if(A)
          add_subdirectory(Foo)
        endif()
        set(LLVM_TARGET_DEFINITIONS Passes.td)
        mlir_tablegen(Passes.h.inc -gen-pass-decls)
        if(B)
          set(LLVM_TARGET_DEFINITIONS BarPasses.td)
        endif()
        mlir_tablegen(Bar.h.inc -gen-pass-decls EXTRA_INCLUDES ${CMAKE_CURRENT_SOURCE_DIR}/Core)
        add_public_tablegen_target(PassesIncGen)
        """,
    "include/Core/CMakeLists.txt": "add_mlir_dialect(CoreOps core)\n",
    "include/Foo/CMakeLists.txt": """
        function(_add_foo)
          set(LLVM_TARGET_DEFINITIONS FooOps.td)
          mlir_tablegen(FooOps.h.inc -gen-op-decls)
          add_public_tablegen_target(FooOpsIncGen)
        endfunction()
        _add_foo()
        add_mlir_interface(FooInterfaces)
        """,
    "lib/CMakeLists.txt": """
        set(extra)
        if(B)
          list(APPEND extra b_extra.cpp)
        endif()
        add_mlir_dialect_library(Core
          core.cpp
          ${extra}
          ADDITIONAL_HEADER_DIRS ${PROJECT_SOURCE_DIR}/include/Core
          ADDITIONAL_HEADERS header_only.cpp
          DEPENDS
          MLIRCoreOpsIncGen
          not_a_source.cpp
          LINK_LIBS PUBLIC
          also_not_a_source.cpp
        )
        add_mlir_library(Tool OBJECT tool.cpp OUTPUT_NAME tool_out PARTIAL_SOURCES_INTENDED tool2.cpp
          LINK_COMPONENTS Support)
        if(A)
          add_mlir_conversion_library(FooConv foo_conv.cpp LINK_LIBS PUBLIC Core)
        endif()
        """,
}
SOURCES = [
    "lib/core.cpp",
    "lib/b_extra.cpp",
    "lib/header_only.cpp",
    "lib/not_a_source.cpp",
    "lib/also_not_a_source.cpp",
    "lib/tool.cpp",
    "lib/tool2.cpp",
    "lib/foo_conv.cpp",
]
TDS = [
    "include/Passes.td",
    "include/BarPasses.td",
    "include/Core/CoreOps.td",
    "include/Foo/FooOps.td",
    "include/Foo/FooInterfaces.td",
]


@pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("c++") is None,
    reason="cmake or a C++ compiler not installed",
)
@pytest.mark.parametrize("in_tree", [False, True], ids=["find_package", "in-tree"])
def test_sources_and_td_files_match_real_configure_runs(tmp_path: Path, in_tree: bool) -> None:
    """Out of tree the model knows the commands; in tree (as in llvm-project) it expands the
    project's own definitions, and LLVM's ``tablegen()`` marks the file it reads."""
    project = dict(PROJECT)
    stubs = tmp_path / "mlir-install"
    if in_tree:
        project["CMakeLists.txt"] = project["CMakeLists.txt"].replace(
            "find_package(MLIR REQUIRED CONFIG)", "include(cmake/MLIRConfig.cmake)"
        )
        project["cmake/MLIRConfig.cmake"] = MLIR_CONFIG
    src = tmp_path / "src_root"
    write_tree(src, project)
    for f in SOURCES:
        (src / f).write_text("int f();\n")
    for f in TDS:
        (src / f).write_text("class C;\n")
    write_tree(stubs, {"MLIRConfig.cmake": MLIR_CONFIG})
    model = model_of({**project, **dict.fromkeys(SOURCES + TDS, "")})
    assert model.notes == []
    build = tmp_path / "build"
    seen: set[str] = set()
    for a, b in itertools.product((False, True), repeat=2):
        shutil.rmtree(build, ignore_errors=True)
        subprocess.run(
            [
                "cmake",
                "-S",
                str(src),
                "-B",
                str(build),
                f"-DA={'ON' if a else 'OFF'}",
                f"-DB={'ON' if b else 'OFF'}",
                f"-DMLIR_DIR={stubs}",
                "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
            ],
            check=True,
            capture_output=True,
        )
        real = compiled(build)
        inputs = (build / "tablegen-inputs.txt").read_text().split()
        real |= {str(Path(p).resolve().relative_to(src.resolve())) for p in inputs}
        seen |= real
        env = {"A": a, "B": b}
        predicted = {p for p in SOURCES + TDS if p in model.build_cond}
        predicted = {p for p in predicted if holds(model.build_cond[p], env)}
        assert predicted == real, (env, predicted ^ real)
    # every keyword section was exercised: what it holds is never compiled
    assert seen == set(SOURCES + TDS) - {
        "lib/header_only.cpp",
        "lib/not_a_source.cpp",
        "lib/also_not_a_source.cpp",
    }


def test_td_reference_is_placed_at_the_call_of_a_helper_function() -> None:
    model = model_of({**PROJECT, **dict.fromkeys(SOURCES + TDS, "")})
    refs = [
        (path, raw[2], targets)
        for path, items in model.refs.items()
        for raw, _guard, targets in items
        if raw[5] & F_TABLEGEN
    ]
    assert all(
        raw[5] & F_BUILD
        for items in model.refs.values()
        for raw, _g, _t in items
        if raw[5] & F_TABLEGEN
    )
    assert ("include/Foo/CMakeLists.txt", 6, ("include/Foo/FooOps.td",)) in refs  # _add_foo()
    assert ("include/Foo/CMakeLists.txt", 7, ("include/Foo/FooInterfaces.td",)) in refs
    assert ("include/Core/CMakeLists.txt", 1, ("include/Core/CoreOps.td",)) in refs


def test_an_unknown_keyword_section_is_not_compiled_and_noted() -> None:
    files = {
        "CMakeLists.txt": """
            project(p CXX)
            add_mlir_library(L a.cpp PRECOMPILE_SOMETHING b.cpp DEPENDS x LINK_LIBS y)
            add_mlir_library(M ${UNSET_VARIABLE} c.cpp)
            add_mlir_library(N d.cpp ADDITIONAL_HEADER_DIRS ${UNSET_DIR} DEPENDS x)
            """,
        **dict.fromkeys(["a.cpp", "b.cpp", "c.cpp", "d.cpp"], ""),
    }
    model = model_of(files)
    assert set(model.build_cond) == {"a.cpp", "d.cpp"}
    assert [(p, line) for p, line, _m in model.notes] == [
        ("CMakeLists.txt", 2),  # a keyword of a newer LLVM: its section is not read
        ("CMakeLists.txt", 3),  # an unknown value that may be a keyword before c.cpp
    ]  # an unknown value inside a section changes nothing: no note for N
    assert "PRECOMPILE_SOMETHING" in model.notes[0][2]


def test_td_body_guard() -> None:
    guarded = "#ifndef X_TD\n#define X_TD\n#ifdef FOO_ON\ndef A;\n// c\n#endif\n#endif\n"
    assert read_tablegen(guarded)[3]["body_guard"] == ("v", ("FOO_ON",))
    assert "body_guard" not in read_tablegen("#ifdef FOO_ON\ndef A;\n#endif\ndef B;\n")[3]
    assert "body_guard" not in read_tablegen("def A;\n")[3]


REGISTRY = """
schema = 1

[project]
include_roots = ["include"]

[modules.foo]
stage = "s0"
paths = ["include/Foo/", "lib/Foo/"]
toggles = [{ cmake = "USE_FOO" }]
"""

DIALECT = {
    "scoped.toml": REGISTRY,
    "include/Core/CoreOps.td": 'include "Core/CoreBase.td"\ndef CoreOp;\n',
    "include/Core/CoreBase.td": "class CoreBase;\n",
    "include/Passes.td": 'include "Foo/FooOps.td"\ndef P;\n',
    # the build passes -DFOO_ENABLED to TableGen only with USE_FOO: wiring
    "include/Flags.td": '#ifdef FOO_ENABLED\ninclude "Foo/FooPasses.td"\n#endif\ndef F;\n',
    "include/Foo/FooOps.td": "#ifndef FOO_OPS\n#define FOO_OPS\ndef FooOp;\n#endif\n",
    "include/Foo/FooPasses.td": "def FooPass;\n",
    "include/Foo/FooExtra.td": "#ifdef FOO_ENABLED\ndef FooExtra;\n#endif\n",
    "lib/Core/core.cpp": "int core() { return 0; }\n",
    "lib/Foo/foo.cpp": "int foo() { return 1; }\n",
    "lib/Foo/extra.cpp": "int extra() { return 2; }\n",
    "lib/Foo/CMakeLists.txt": "add_mlir_dialect_library(Foo foo.cpp DEPENDS MLIRFooOpsIncGen)\n",
    "include/Foo/CMakeLists.txt": "add_mlir_dialect(FooOps foo)\n",
}


def _project(guarded: bool) -> dict[str, str]:
    def under_toggle(text: str) -> str:
        body = textwrap.indent(textwrap.dedent(text).strip("\n"), "  ")
        return (
            f"if(USE_FOO)\n{body}\nendif()\n" if guarded else f"{textwrap.dedent(text).strip()}\n"
        )

    return {
        **DIALECT,
        "CMakeLists.txt": (
            "cmake_minimum_required(VERSION 3.18)\nproject(d CXX)\n"
            'option(USE_FOO "the foo dialect" OFF)\nfind_package(MLIR REQUIRED CONFIG)\n'
            "set(TBLGEN_FLAGS)\n"
            "if(USE_FOO)\n  list(APPEND TBLGEN_FLAGS -DFOO_ENABLED)\nendif()\n"
            "add_subdirectory(include)\nadd_subdirectory(lib)\n"
        ),
        "include/CMakeLists.txt": (
            "add_subdirectory(Core)\n"
            + under_toggle(
                """
                add_subdirectory(Foo)
                set(LLVM_TARGET_DEFINITIONS Foo/FooPasses.td)
                mlir_tablegen(FooPasses.h.inc -gen-pass-decls)
                set(LLVM_TARGET_DEFINITIONS Passes.td)
                mlir_tablegen(Passes.h.inc -gen-pass-decls)
                """
            )
            + "set(LLVM_TARGET_DEFINITIONS Foo/FooExtra.td)\n"
            + "mlir_tablegen(FooExtra.h.inc ${TBLGEN_FLAGS})\n"
            + "set(LLVM_TARGET_DEFINITIONS Flags.td)\n"
            + "mlir_tablegen(Flags.h.inc ${TBLGEN_FLAGS})\n"
        ),
        "include/Core/CMakeLists.txt": "add_mlir_dialect(CoreOps core)\n",
        "lib/CMakeLists.txt": (
            "add_mlir_library(Core Core/core.cpp FUTURE_KEYWORD Foo/extra.cpp)\n"
            + under_toggle("add_subdirectory(Foo)")
        ),
    }


def test_module_td_built_outside_its_toggle_is_sm007(repo) -> None:
    files = _project(guarded=False)
    _code, report = check_json(repo(files), "--no-history")
    assert boundary(report) == [
        ("SM003", "include/Passes.td", 1, "tablegen-include", "include/Foo/FooOps.td"),
        ("SM007", "include/CMakeLists.txt", 4, "cmake-path", "include/Foo/FooPasses.td"),
        ("SM007", "include/Foo/CMakeLists.txt", 1, "cmake-path", "include/Foo/FooOps.td"),
        ("SM007", "lib/Foo/CMakeLists.txt", 1, "cmake-path", "lib/Foo/foo.cpp"),
    ]
    messages = {f["target"]: f["message"] for f in report["findings"] if f["rule"] == "SM007"}
    assert (
        "TableGen file 'include/Foo/FooOps.td' is built even with the toggle off"
        in (messages["include/Foo/FooOps.td"])
    )
    _assert_quiet_notes(report, files)


def test_guarded_dialect_is_silent(repo) -> None:
    files = _project(guarded=True)
    _code, report = check_json(repo(files), "--no-history")
    assert boundary(report) == []  # Passes.td is built only with USE_FOO: its include is wiring
    _assert_quiet_notes(report, files)


def _assert_quiet_notes(report: dict, files: dict[str, str]) -> None:
    """The two notes both projects get: a module .td whose whole body sits under the define
    the build passes to TableGen only with the toggle on, and an unknown keyword section."""
    notes = {(n["path"], n["line"]): n["message"] for n in report["notes"]}
    text = files["include/CMakeLists.txt"].splitlines()
    at = 1 + text.index("mlir_tablegen(FooExtra.h.inc ${TBLGEN_FLAGS})")
    assert notes[("include/CMakeLists.txt", at)] == (
        "reads 1 TableGen file(s) of module 'foo' unguarded, but the whole body of each sits "
        "under the module's toggle: 'include/Foo/FooExtra.td'"
    )
    assert "keyword FUTURE_KEYWORD is not one the model knows" in notes[("lib/CMakeLists.txt", 1)]
    assert len(notes) == 2


@pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("c++") is None,
    reason="cmake or a C++ compiler not installed",
)
def test_toggle_proof_compares_sources_not_td_files(repo, tmp_path: Path) -> None:
    from helpers import run_cli
    from test_toggles_prove import _section

    root = repo(_project(guarded=False))
    stubs = tmp_path / "mlir-install"
    write_tree(stubs, {"MLIRConfig.cmake": MLIR_CONFIG})
    code, out, _err = run_cli(root, "toggles", "prove", "foo", "--cmake", f"-DMLIR_DIR={stubs}")
    assert _section(out, "compiled by the real build") == ["lib/Foo/foo.cpp"]
    assert _section(out, "predicted by the static model") == ["lib/Foo/foo.cpp"]
    assert code == 1 and "agree" in out  # 1: module sources are compiled with the toggle off


def test_a_td_input_the_model_does_not_know_is_noted() -> None:
    files = {
        "CMakeLists.txt": """
            project(p CXX)
            mlir_tablegen(A.h.inc -gen-op-decls)
            if(X)
              set(LLVM_TARGET_DEFINITIONS C.td)
            endif()
            if(X)
              mlir_tablegen(C.h.inc -gen-op-decls)
            endif()
            set(LLVM_TARGET_DEFINITIONS ${SOMEWHERE}/B.td)
            mlir_tablegen(B.h.inc -gen-op-decls)
            """,
        "C.td": "",
    }
    model = model_of(files)
    assert [(line, msg.split(" reads ")[1]) for _p, line, msg in model.notes] == [
        (2, "LLVM_TARGET_DEFINITIONS, which the model does not know here"),
        (10, "a file whose path the model does not know here"),
    ]  # where C.td is read, LLVM_TARGET_DEFINITIONS is known: no note for line 7
    assert holds(model.build_cond["C.td"], {"X": True})
    assert not holds(model.build_cond["C.td"], {"X": False})
