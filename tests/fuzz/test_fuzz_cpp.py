"""Fuzz targets for the C/C++ reader (issue 13, "The campaign"): `make fuzz`.

Arbitrary and C-shaped text must never raise, hang or give malformed facts, the fast path
must agree with the exact scanner, and generated sources must agree with the real
preprocessor (``cpp``): which headers it opens under every assignment of the macros, and which
comments it removes. Bounds and counts: tests/fuzzing.py.
"""

from __future__ import annotations

import pytest
from cpp_oracle import (
    SKIP_REASON,
    blank_sources,
    markers,
    mismatch,
    preprocessed_markers,
    preprocessor,
    sources,
)
from fuzzing import Guards, check_facts, run_examples, texts
from hypothesis import strategies as st

from scoped_modules.readers.cpp import blank_comments_cpp, read_cpp
from scoped_modules.readers.facts import F_ANGLE, K_CPP_INCLUDE

pytestmark = pytest.mark.fuzz
needs_cpp = pytest.mark.skipif(preprocessor() is None, reason=SKIP_REASON)


def _shape(facts: tuple, guards: Guards) -> tuple:
    """The facts with every guard replaced by its number: numbers follow the order of first
    appearance, so two results built alike number alike (each unknown atom included)."""
    lang, refs, notes, extra = facts
    return (
        lang,
        [(*r[:4], guards.number(r[4]), r[5]) for r in refs],
        notes,
        guards.number(extra["body_guard"]),
        [(line, guards.number(g)) for line, g in extra["segments"]],
    )


def well_formed(text: str) -> None:
    """The reader's facts on ``text`` are well formed, and the same both ways."""
    facts = read_cpp(text)
    check_facts(facts, text, "cpp", (K_CPP_INCLUDE,))
    assert all(r[1] == r[1].strip() and r[5] in (0, F_ANGLE) for r in facts[1])
    assert _shape(facts, Guards()) == _shape(read_cpp(text, exact=True), Guards())
    blanked = blank_comments_cpp(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert blank_comments_cpp(blanked) == blanked


_PIECES = [
    "#",
    "include",
    "if",
    "ifdef",
    "elif",
    "else",
    "endif",
    "define",
    "defined(",
    "USE_X",
    "(",
    ")",
    "!",
    "&&",
    "||",
    "0",
    "1",
    '"a.h"',
    "<b.h>",
    '"',
    "'",
    "/*",
    "*/",
    "//",
    "/",
    "*",
    "\\",
    "\\\n",
    "\n",
    "\r\n",
    " ",
    "\t",
    'R"(',
    'R"x(',
    ')"',
    ')x"',
    "u8",
    "1'0",
    "'a'",
    "x",
    "%:",
    "??/",
    "\x00",
    "\ufeff",
    "é",
]


def test_fuzz_cpp_reader_on_text(capsys) -> None:
    run_examples("C/C++ reader, text", texts(_PIECES), well_formed, capsys)


def _large(shape: tuple[int, int]) -> str:
    kind, k = shape
    if kind == 0:  # nested conditionals
        return "#ifdef A\n" * k + '#include "x.h"\n' + "#endif\n" * k
    if kind == 1:  # an #elif chain
        return (
            "#if C0\n" + "".join(f'#elif C{i}\n#include "h{i}.h"\n' for i in range(k)) + "#endif\n"
        )
    if kind == 2:  # a deeply nested condition
        return "#if " + "(" * k + "A" + ")" * k + '\n#include "x.h"\n#endif\n'
    if kind == 3:  # comments reopened in strings, line after line
        return "/* a\n" + '*/ " /* \n' * k + '#include "x.h"\n'
    if kind == 4:  # one line: comment markers in strings, directives after code
        return '"//" x #include "a.h" /* */ ' * k + "\n"
    return "//" + " \\\n" * k + '#include "x.h"\n'  # one comment continued over k lines


def test_fuzz_cpp_reader_on_large_structures(capsys) -> None:
    strategy = st.tuples(st.integers(0, 5), st.integers(0, 5000)).map(_large)
    run_examples("C/C++ reader, large structures", strategy, well_formed, capsys, share=0.1)


@needs_cpp
def test_fuzz_cpp_reader_against_the_preprocessor(capsys) -> None:
    def agrees(source: str) -> None:
        assert mismatch(source) is None

    run_examples("C/C++ reader against cpp", sources(max_fragments=40), agrees, capsys)


@needs_cpp
def test_fuzz_cpp_comment_blanking_against_the_preprocessor(capsys) -> None:
    def agrees(source: str) -> None:
        assert markers(blank_comments_cpp(source)) == preprocessed_markers(source)

    run_examples(
        "C/C++ comment blanking against cpp", blank_sources(max_fragments=30), agrees, capsys
    )
