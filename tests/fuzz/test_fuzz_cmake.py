"""Fuzz targets for the CMake reader (issue 13, "The campaign"): `make fuzz`.

Arbitrary and CMake-shaped text must never raise (the reader reports a crash as a "CMake
reader failed" note: that fails here too), hang, or give malformed facts; comment blanking
keeps every position. Bounds and counts: tests/fuzzing.py.
"""

from __future__ import annotations

import pytest
from fuzzing import check_facts, run_examples, texts
from hypothesis import strategies as st

from scoped_modules.readers.cmake import blank_comments_cmake, read_cmake
from scoped_modules.readers.facts import (
    F_GLOB,
    F_GLOB_RECURSE,
    K_CMAKE_INCLUDE,
    K_CMAKE_PATH,
    K_CMAKE_SUBDIR,
)

pytestmark = pytest.mark.fuzz

KINDS = (K_CMAKE_PATH, K_CMAKE_SUBDIR, K_CMAKE_INCLUDE)


def well_formed(text: str) -> None:
    """The reader's facts on ``text`` are well formed; blanking keeps every position."""
    facts = read_cmake(text)
    guards = check_facts(facts, text, "cmake", KINDS)
    last_line = text.count("\n") + 1
    assert all(r[5] & ~(F_GLOB | F_GLOB_RECURSE) == 0 for r in facts[1])
    for name, arg, line, guard in facts[3]["calls"]:
        assert name == name.lower() and isinstance(arg, str) and 1 <= line <= last_line
        guards.number(guard)
    blanked = blank_comments_cmake(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")


_PIECES = [
    "if(",
    "elseif(",
    "else(",
    "endif(",
    "(",
    ")",
    "set(",
    "add_subdirectory(",
    "include(",
    "file(GLOB ",
    "GLOB_RECURSE ",
    "target_sources(",
    "option(",
    "foreach(",
    "endforeach(",
    "function(",
    "endfunction(",
    "macro(",
    "endmacro(",
    "return(",
    "NOT ",
    "AND ",
    "OR ",
    "STREQUAL ",
    "DEFINED ",
    '"ON"',
    '"OFF"',
    "USE_X ",
    "${USE_X}",
    "${",
    "}",
    "$ENV{",
    "@V@",
    "src/x.cc ",
    "src/*.cc ",
    "${CMAKE_CURRENT_SOURCE_DIR}/",
    "${CMAKE_CURRENT_LIST_DIR}/",
    "${PROJECT_SOURCE_DIR}/",
    "..",
    "/",
    "*",
    "#",
    "#[[",
    "]]",
    "#[=[",
    "]=]",
    "[[",
    "[=[",
    '"',
    "\\",
    "\\n",
    '\\"',
    "\n",
    "\r\n",
    " ",
    "\t",
    ";",
    "\ufeff",
    "\x00",
    "é",
]


def test_fuzz_cmake_reader_on_text(capsys) -> None:
    run_examples("CMake reader, text", texts(_PIECES), well_formed, capsys)


def _large(shape: tuple[int, int]) -> str:
    kind, k = shape
    if kind == 0:  # nested if()
        return "if(USE_X)\n" * k + "add_subdirectory(x)\n" + "endif()\n" * k
    if kind == 1:  # an elseif() chain (kept short: a long one is issue 14, item 1)
        k = min(k, 300)
        return (
            "if(C0)\nadd_subdirectory(d0)\n"
            + "".join(f"elseif(C{i})\nadd_subdirectory(d{i})\n" for i in range(1, k))
            + "endif()\n"
        )
    if kind == 2:  # a deeply nested condition
        return "if(" + "(" * k + "USE_X" + ")" * k + ")\nadd_subdirectory(x)\nendif()\n"
    if kind == 3:  # a long AND/OR chain
        return "if(" + " AND NOT ".join(f"C{i}" for i in range(k)) + ")\ninclude(x)\nendif()\n"
    if kind == 4:  # variables set from variables
        return "".join(f"set(V{i} ${{V{i - 1}}}/a)\n" for i in range(1, k)) + "include(${V1})\n"
    return "set(X " + "(" * k + ")" * k + ")\n"  # nested parentheses in arguments


def test_fuzz_cmake_reader_on_large_structures(capsys) -> None:
    strategy = st.tuples(st.integers(0, 5), st.integers(0, 3000)).map(_large)
    run_examples("CMake reader, large structures", strategy, well_formed, capsys, share=0.1)
