"""Fuzz targets for the C/C++ reader (issue 13, "The campaign"): `make fuzz`.

Arbitrary and C-shaped text must never raise, hang or give malformed facts, the fast path
must agree with the exact scanner, and generated sources must agree with the real
preprocessor (``cpp``): which headers it opens under every assignment of the macros, and which
comments it removes. ``SCOPED_FUZZ_EXAMPLES`` sets the examples per target (default 500);
each target prints how many it ran (tests/fuzzing.py).
"""

from __future__ import annotations

import marshal

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
from fuzzing import Guards, run_examples
from hypothesis import strategies as st

from scoped_modules.readers.cpp import blank_comments_cpp, read_cpp
from scoped_modules.readers.facts import K_CPP_INCLUDE

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
    """The reader's facts on ``text`` are well formed, marshal-able, and the same both ways."""
    facts = read_cpp(text)
    lang, refs, notes, extra = facts
    last_line = text.count("\n") + 1
    assert lang == "cpp"
    for kind, spec, line, evidence, _guard, flags in refs:
        assert kind == K_CPP_INCLUDE and spec and spec == spec.strip()
        assert 1 <= line <= last_line and isinstance(evidence, str) and len(evidence) <= 200
        assert flags in (0, 16)
    assert all(0 <= line <= last_line and msg for line, msg in notes)
    lines = [seg[0] for seg in extra["segments"]]
    assert lines == sorted(lines)
    marshal.loads(marshal.dumps(facts))  # the facts cache
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


def test_fuzz_cpp_reader_on_c_shaped_text(capsys) -> None:
    strategy = st.lists(st.sampled_from(_PIECES), max_size=120).map("".join)
    run_examples("C/C++ reader, C-shaped text", strategy, well_formed, capsys)


def test_fuzz_cpp_reader_on_any_text(capsys) -> None:
    run_examples("C/C++ reader, any text", st.text(max_size=400), well_formed, capsys)


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
    return "//" + " \\\n" * k + '#include "x.h"\n'  # one comment continued over k lines


def test_fuzz_cpp_reader_on_large_structures(capsys) -> None:
    strategy = st.tuples(st.integers(0, 4), st.integers(0, 5000)).map(_large)
    run_examples("C/C++ reader, large structures", strategy, well_formed, capsys)


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
