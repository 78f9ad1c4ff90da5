"""C/C++ reader (SPEC §3, §3.3) and include resolution."""

from __future__ import annotations

import marshal
import random

import pytest
from cpp_oracle import (
    SKIP_REASON,
    blank_sources,
    holds,
    includes_by_env,
    markers,
    mismatch,
    preprocessed_markers,
    preprocessor,
    sources,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from scoped_modules.readers import cpp
from scoped_modules.readers.cpp import blank_comments_cpp, parse_condition, read_cpp
from scoped_modules.readers.facts import F_ANGLE, K_CPP_INCLUDE
from scoped_modules.readers.guards import guard_at, implies_on, mentions
from scoped_modules.resolve.includes import IncludeResolver, normalize

X = frozenset({"USE_X", "TVM_USE_X"})
needs_cpp = pytest.mark.skipif(preprocessor() is None, reason=SKIP_REASON)
ORACLE_EXAMPLES = 60  # each runs the preprocessor once; `make fuzz` runs many more


def includes(text: str) -> list[tuple[str, int, object, int]]:
    lang, refs, _notes, _extra = read_cpp(text)
    assert lang == "cpp"
    assert all(r[0] == K_CPP_INCLUDE for r in refs)
    return [(r[1], r[2], r[4], r[5]) for r in refs]


def specs(text: str) -> list[str]:
    return [r[0] for r in includes(text)]


def guard_of(text: str, spec: str) -> object:
    (found,) = [r for r in includes(text) if r[0] == spec]
    return found[2]


# --- include forms ---------------------------------------------------------------------------


def test_quoted_and_angle_includes_with_spacing():
    text = (
        '#include "a.h"\n'
        "#include <b/c.h>\n"
        '#  include "spaced.h"\n'
        '# include "one_space.h"\n'
        '\t#\tinclude\t"tabs.h"\n'
        '   #include "indented.h"  // trailing comment\n'
        "#include_next <next.h>\n"
        '#import "objc.h"\n'
    )
    got = includes(text)
    assert [(s, line, f) for s, line, _g, f in got] == [
        ("a.h", 1, 0),
        ("b/c.h", 2, F_ANGLE),
        ("spaced.h", 3, 0),
        ("one_space.h", 4, 0),
        ("tabs.h", 5, 0),
        ("indented.h", 6, 0),
        ("next.h", 7, F_ANGLE),
        ("objc.h", 8, 0),
    ]
    assert all(g is None for _s, _l, g, _f in got)
    _lang, refs, _notes, _extra = read_cpp('#  include   "a.h"   // why\n')
    assert refs[0][3] == '# include "a.h" // why'


def test_include_with_comment_before_the_name():
    assert specs('#include /* odd */ "a.h"\n') == ["a.h"]


def test_computed_include_is_a_note_not_a_reference():
    _lang, refs, notes, _extra = read_cpp("#include MY_HEADER\n")
    assert refs == []
    assert notes and "computed" in notes[0][1]


def test_includes_in_comments_are_ignored():
    text = (
        "/*\n"
        ' * #include "in_block.h"\n'
        '#include "at_line_start_in_block.h"\n'
        " */\n"
        '// #include "line_comment.h"\n'
        "/* one line */ int x;\n"
        '#include "real.h"\n'
        "/** doc\n"
        "#include <in_doc.h>\n"
        "*/\n"
    )
    assert specs(text) == ["real.h"]


def test_comment_markers_inside_strings_do_not_open_comments():
    text = (
        'const char* a = "/*";\n'
        '#include "after_string.h"\n'
        "char c = '/'; // see /* here\n"
        '#include "after_line_comment.h"\n'
        'const char* b = "*/ /* still a string";\n'
        '#include "third.h"\n'
    )
    assert specs(text) == ["after_string.h", "after_line_comment.h", "third.h"]


def test_includes_in_string_literals_and_raw_strings_are_ignored():
    text = (
        'const char* s = "#include \\"str.h\\"";\n'
        'const char* r = R"code(\n'
        '#include "raw.h"\n'
        "#if USE_X\n"
        ')code";\n'
        '#include "real.h"\n'
        'auto u = u8R"(\n'
        "#include <raw2.h>\n"
        ')";\n'
    )
    assert specs(text) == ["real.h"]
    assert guard_of(text, "real.h") is None


def test_if_zero_blocks_are_dead_and_else_is_taken():
    text = (
        "#if 0\n"
        '#include "dead.h"\n'
        "#ifdef USE_X\n"
        '#include "dead_nested.h"\n'
        "#endif\n"
        "#else\n"
        '#include "alive.h"\n'
        "#endif\n"
        "#if 1\n"
        '#include "one.h"\n'
        "#else\n"
        '#include "dead_else.h"\n'
        "#endif\n"
        "#if 0 // disabled\n"
        '#include "dead2.h"\n'
        "#elif defined(USE_X)\n"
        '#include "elif.h"\n'
        "#endif\n"
    )
    assert specs(text) == ["alive.h", "one.h", "elif.h"]
    assert guard_of(text, "alive.h") is None
    assert guard_of(text, "one.h") is None
    assert guard_of(text, "elif.h") == ("v", ("USE_X",))


def test_line_continuations_in_directives():
    text = '#if defined(USE_X) && \\\n    defined(USE_CUDA)\n#include "both.h"\n#endif\n'
    g = guard_of(text, "both.h")
    assert implies_on(g, X)
    assert implies_on(g, frozenset({"USE_CUDA"}))
    assert includes(text)[0][1] == 3


def test_crlf_line_endings():
    text = '#ifdef USE_X\r\n#include "x.h"\r\n#endif\r\n#include "y.h"\r\n'
    assert specs(text) == ["x.h", "y.h"]
    assert implies_on(guard_of(text, "x.h"), X)
    assert guard_of(text, "y.h") is None


# --- guards ------------------------------------------------------------------------------------


def test_name_tests_are_on_atoms():
    for head in (
        "#ifdef USE_X",
        "#if defined(USE_X)",
        "#if defined USE_X",
        "#if USE_X",
        "#if (USE_X)",
        "#if defined ( USE_X )",
        "#if !!USE_X",
    ):
        text = f'{head}\n#include "x.h"\n#endif\n'
        g = guard_of(text, "x.h")
        assert implies_on(g, X), head


def test_negations_are_not_wiring():
    for head in ("#ifndef USE_X", "#if !defined(USE_X)", "#if !USE_X", "#if !(USE_X)"):
        text = f'{head}\n#include "x.h"\n#endif\n'
        g = guard_of(text, "x.h")
        assert not implies_on(g, X), head
        assert mentions(g, X)


def test_and_or_and_parentheses():
    def g(cond: str) -> object:
        return guard_of(f'#if {cond}\n#include "x.h"\n#endif\n', "x.h")

    assert implies_on(g("defined(USE_X) && defined(USE_CUDA)"), X)
    assert not implies_on(g("defined(USE_X) || defined(OTHER)"), X)
    assert implies_on(g("defined(USE_X) && (defined(A) || defined(B))"), X)
    assert implies_on(g("(defined(A) || defined(B)) && USE_X"), X)
    assert not implies_on(g("!(defined(USE_X) && defined(A))"), X)
    assert implies_on(g("!(!defined(USE_X) || defined(A))"), X)
    assert g("defined(A) || defined(B) && defined(C)") == (
        "or",
        ("v", ("A",)),
        ("and", ("v", ("B",)), ("v", ("C",))),
    )


def test_elif_and_else_negate_every_earlier_condition():
    text = (
        "#ifdef USE_X\n"
        '#include "x.h"\n'
        "#elif defined(USE_Y)\n"
        '#include "y.h"\n'
        "#elifdef USE_Z\n"
        '#include "z.h"\n'
        "#else\n"
        '#include "other.h"\n'
        "#endif\n"
    )
    assert implies_on(guard_of(text, "x.h"), X)
    y = guard_of(text, "y.h")
    assert implies_on(y, frozenset({"USE_Y"}))
    assert not implies_on(y, X) and mentions(y, X)
    z = guard_of(text, "z.h")
    assert implies_on(z, frozenset({"USE_Z"}))
    assert not implies_on(z, frozenset({"USE_Y"}))
    other = guard_of(text, "other.h")
    for name in ("USE_X", "USE_Y", "USE_Z"):
        assert not implies_on(other, frozenset({name}))
        assert mentions(other, frozenset({name}))
    # else of a negated test is the positive one
    text2 = '#ifndef USE_X\n#include "a.h"\n#else\n#include "b.h"\n#endif\n'
    assert implies_on(guard_of(text2, "b.h"), X)
    assert not implies_on(guard_of(text2, "a.h"), X)


def test_unknown_conditions():
    for cond in (
        "USE_X > 1",
        "USE_X == 1",
        "2",
        "FOO(USE_X)",
        "__has_include(<x.h>)",
        "USE_X ? 1 : 0",
        "defined(",
        "USE_X +",
        "defined(USE_X) && #if defined USE_Y || USE_X",  # invalid: GCC skips the group
        '"USE_X" || USE_X',
    ):
        g = parse_condition(cond)
        assert not implies_on(g, X), cond
    assert parse_condition("0") is False
    assert parse_condition("1") is True
    assert parse_condition("0x0") is False
    assert parse_condition("1L") is True
    # an unknown part ANDed with the toggle still implies it
    g = parse_condition("defined(USE_X) && CUDA_VERSION >= 11000")
    assert implies_on(g, X)
    # an unknown part ORed with it does not
    assert not implies_on(parse_condition("defined(USE_X) || CUDA_VERSION >= 11000"), X)


def test_unknown_atoms_are_distinct_variables():
    # `#if A > 1` ... `#elif B > 1`: the second unknown is not the negation of the first.
    text = '#if A > 1\n#elif B > 1\n#ifdef USE_X\n#include "x.h"\n#endif\n#endif\n'
    g = guard_of(text, "x.h")
    assert implies_on(g, X)
    assert g[1] is not g[2][1]


def test_nested_guards_are_anded():
    text = '#ifdef USE_CUDA\n#ifdef USE_X\n#include "x.h"\n#endif\n#include "cuda.h"\n#endif\n'
    g = guard_of(text, "x.h")
    assert implies_on(g, X) and implies_on(g, frozenset({"USE_CUDA"}))
    assert not implies_on(guard_of(text, "cuda.h"), X)


# --- body guard --------------------------------------------------------------------------------

LICENSE = '/*\n * Licensed under the Apache License.\n * #include "no.h"\n */\n'


def body_guard(text: str) -> object:
    return read_cpp(text)[3]["body_guard"]


def test_body_guard_whole_file_under_toggle():
    text = (
        LICENSE + "#ifdef TVM_USE_X\n#include <x.h>\nint f() { return 1; }\n#endif  // TVM_USE_X\n"
    )
    assert implies_on(body_guard(text), X)


def test_include_guard_is_no_condition():
    header = (
        LICENSE
        + "#ifndef TVM_X_H_\n#define TVM_X_H_\n\n"
        + "#ifdef TVM_USE_X\n"
        + "/*! \\brief doc */\n"
        + "#define HELPER 1\n"
        + "int f();\n"
        + "#endif\n\n"
        + "#endif  // TVM_X_H_\n"
    )
    g = body_guard(header)
    assert implies_on(g, X)
    assert not mentions(g, frozenset({"TVM_X_H_"}))
    plain = "#ifndef TVM_X_H_\n#define TVM_X_H_\nint f();\n#endif\n"
    assert body_guard(plain) is None
    alt = "#if !defined(TVM_X_H_)\n#define TVM_X_H_\nint f();\n#endif\n"
    assert body_guard(alt) is None
    # an include guard does not guard its includes either
    assert guard_of(plain.replace("int f();", '#include "a.h"'), "a.h") is None


def test_body_guard_none_when_some_code_is_unguarded():
    text = "#ifdef TVM_USE_X\nint f();\n#endif\nint g();\n"
    assert body_guard(text) is None
    text2 = "int g();\n#ifdef TVM_USE_X\nint f();\n#endif\n"
    assert body_guard(text2) is None


def test_body_guard_ignores_comments_blank_lines_and_other_directives():
    text = (
        "// comment\n\n#pragma once\n#define A 1\n#define B \\\n  2\n"
        "#ifdef TVM_USE_X\nint f();\n#endif\n/* trailing\n comment */\n"
    )
    assert implies_on(body_guard(text), X)


def test_body_guard_with_else_branch_is_not_the_toggle():
    text = "#ifdef TVM_USE_X\nint f();\n#else\nint g();\n#endif\n"
    assert not implies_on(body_guard(text), X)
    dead_else = "#ifdef TVM_USE_X\nint f();\n#else\n#endif\n#if 0\nint dead();\n#endif\n"
    assert implies_on(body_guard(dead_else), X)


def test_file_without_code_has_no_body_guard():
    assert body_guard(LICENSE) is None
    assert body_guard("") is None


# --- notes and robustness ----------------------------------------------------------------------


def test_unbalanced_directives_give_notes():
    _lang, _refs, notes, _extra = read_cpp("#endif\n#else\n#ifdef A\n")
    messages = " ".join(m for _line, m in notes)
    assert "#endif without #if" in messages
    assert "#else without #if" in messages
    assert "unterminated" in messages


def test_unterminated_block_comment_hides_the_rest():
    assert specs('#include "a.h"\n/* never closed\n#include "b.h"\n') == ["a.h"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#ifdenlusc<>\"/*\\\n \t()!&|0R1xX_'")), max_size=300))
def test_reader_never_raises(text: str) -> None:
    lang, refs, notes, extra = read_cpp(text)
    assert lang == "cpp" and "body_guard" in extra
    for r in refs:
        assert r[1] and r[2] >= 1
    blanked = blank_comments_cpp(text)
    assert len(blanked) == len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_reader_never_raises_on_any_text(text: str) -> None:
    read_cpp(text)
    assert len(blank_comments_cpp(text)) == len(text)


# --- blanking comments -------------------------------------------------------------------------


def test_blank_comments_keeps_strings_and_newlines():
    text = 'a = "//not" + \'/\'; // comment\n/* block\n  more */ b = R"(/* raw */)";\n'
    out = blank_comments_cpp(text)
    assert len(out) == len(text)
    assert out.count("\n") == text.count("\n")
    assert '"//not"' in out and "'/'" in out and 'R"(/* raw */)"' in out
    assert "comment" not in out and "block" not in out and "more" not in out
    assert out.splitlines()[0].rstrip() == "a = \"//not\" + '/';"


# --- include resolution -----------------------------------------------------------------------


def test_include_resolver_order_and_normalisation():
    files = {
        "src/a/x.h",
        "src/a/impl.cc",
        "src/b.h",
        "include/tvm/x.h",
        "include/x.h",
        "third/x.h",
        "src/a/sub/y.h",
    }
    r = IncludeResolver(files, ["include", "third/"])
    # quoted: the including file's directory first
    assert r.resolve("x.h", "src/a/impl.cc", angle=False) == "src/a/x.h"
    # then the include roots, in order
    assert r.resolve("tvm/x.h", "src/a/impl.cc", angle=False) == "include/tvm/x.h"
    # angle: roots only
    assert r.resolve("x.h", "src/a/impl.cc", angle=True) == "include/x.h"
    assert r.resolve("../b.h", "src/a/impl.cc", angle=False) == "src/b.h"
    assert r.resolve("./sub/../x.h", "src/a/impl.cc", angle=False) == "src/a/x.h"
    assert r.resolve("sub/y.h", "src/a/impl.cc", angle=False) == "src/a/sub/y.h"
    assert r.resolve("sub/y.h", "src/a/impl.cc", angle=True) is None
    assert r.resolve("vector", "src/a/impl.cc", angle=True) is None
    assert r.resolve("../../../etc/passwd", "src/a/impl.cc", angle=False) is None
    assert r.resolve("/usr/include/x.h", "src/a/impl.cc", angle=False) is None
    # cached answers stay right
    assert r.resolve("x.h", "src/a/impl.cc", angle=False) == "src/a/x.h"
    assert r.resolve("x.h", "top.cc", angle=False) == "include/x.h"


def test_normalize():
    assert normalize("a/./b/../c") == "a/c"
    assert normalize("a//b/") == "a/b"
    assert normalize("../a") is None
    assert normalize("/abs") is None
    assert normalize("a\\b.h") == "a/b.h"
    assert normalize(".hidden/x") == ".hidden/x"


# --- what the preprocessor sees: lexical corners, checked against the real preprocessor ---------

# (why, source, the includes the preprocessor opens): each expectation is checked against the
# real preprocessor below, and the reader against the expectation.
LEXICAL_CASES = [
    (
        "a digit separator, then a quote in a character literal",  # issue 6, defect 3
        "int a = 1'0; char c = '/*';\n#include \"visible.h\"\n",
        ["visible.h"],
    ),
    (
        "a line comment continued by a backslash",  # issue 13, defect 4
        '// see \\\n#include "../uma/api.h"\n',
        [],
    ),
    (
        "a digit separator, then an apostrophe in a block comment",  # issue 13, defect 5
        "int a = 1'000; /* it's a comment\n#include \"../uma/api.h\"\n*/\n",
        [],
    ),
    ("a line splice with spaces after the backslash", '// see \\   \n#include "a.h"\n', []),
    ("a macro continued onto the next line", '#define M \\\n#include "a.h"\n', []),
    (
        "comments before a directive",
        '/* c */ #include "a.h"\n/* x\n y */ #include "b.h"\nint q; /* x\n y */ #include "c.h"\n',
        ["a.h", "b.h"],
    ),
    (
        "a comment opened in a condition continues it",
        '#if 1 /* x\n */ && 0\n#include "a.h"\n#endif\n',
        [],
    ),
    (
        "an unterminated character literal ends with its line",
        'c = \'a /* x\n#include "a.h"\n',
        ["a.h"],
    ),
    ("an include name after a line splice", '#include \\\n"a.h"\n', ["a.h"]),
    ("a directive name split by a line splice", '#inc\\\nlude "a.h"\n', ["a.h"]),
    ("a comment between # and the name", '# /* c */ include "a.h"\n', ["a.h"]),
    ("a raw string in a directive ends with the line", '#define M R"(\n#include "a.h"\n', ["a.h"]),
    ("a raw string spans lines", 'auto r = R"(\n#include "a.h"\n)";\n#include "b.h"\n', ["b.h"]),
    (
        "thousands of lines each closing and reopening a comment in a string",
        "/* a\n" + '*/ " /* \n' * 3000 + '#include "a.h"\n',
        ["a.h"],
    ),
    (
        "an include guard defined twice",
        '#ifndef G_H\n#define G_H\n#endif\n#ifndef G_H\n#define G_H\n#include "a.h"\n#endif\n',
        [],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in LEXICAL_CASES], ids=[c[0] for c in LEXICAL_CASES]
)
def test_lexical_corners(source: str, expected: list[str]) -> None:
    assert specs(source) == expected
    assert [r[1] for r in read_cpp(source, exact=True)[1]] == expected


@needs_cpp
@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in LEXICAL_CASES], ids=[c[0] for c in LEXICAL_CASES]
)
def test_lexical_corners_are_what_the_preprocessor_does(source: str, expected: list[str]) -> None:
    headers = sorted({"visible.h", "../uma/api.h", "a.h", "b.h", "c.h"})
    assert includes_by_env(source, headers=headers)[frozenset()] == expected


@needs_cpp
@settings(max_examples=ORACLE_EXAMPLES, deadline=None)
@given(sources())
def test_includes_match_the_preprocessor(source: str) -> None:
    """Generated sources: the headers the preprocessor opens under every assignment of the
    macros are the reader's includes whose guard holds, in order, on the right lines."""
    assert mismatch(source) is None


@settings(max_examples=300, deadline=None)
@given(sources())
def test_fast_path_and_exact_scanner_agree(source: str) -> None:
    assert read_cpp(source) == read_cpp(source, exact=True)


def test_a_reader_bug_is_an_error_not_an_empty_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader catches nothing: a bug inside it fails the caller (scan.read_one turns it
    into a note in production)."""

    def broken(expr: str) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cpp, "parse_condition", broken)
    with pytest.raises(ZeroDivisionError):
        read_cpp('#if USE_X\n#include "x.h"\n#endif\n')
    monkeypatch.setattr(cpp, "_blank", broken)
    with pytest.raises(ZeroDivisionError):
        blank_comments_cpp("int x; // c\n")


def test_hostile_conditions_are_unknown_not_errors() -> None:
    deep = "(" * 5000 + "USE_X" + ")" * 5000
    assert not implies_on(parse_condition(deep), X)
    assert not implies_on(parse_condition("!" * 5000 + "USE_X"), X)
    assert parse_condition("0" * 5000) is False  # no int() of 5,000 digits
    assert parse_condition("0x" + "0" * 4999 + "1") is True
    text = "#if " + deep + '\n#include "x.h"\n#endif\n'
    assert specs(text) == ["x.h"]


@needs_cpp
@settings(max_examples=ORACLE_EXAMPLES, deadline=None)
@given(blank_sources())
def test_blank_comments_keeps_what_the_preprocessor_keeps(source: str) -> None:
    """Markers in code and literals survive both the preprocessor and the blanking; markers in
    comments survive neither (a pattern in a comment is no reference)."""
    blanked = blank_comments_cpp(source)
    assert len(blanked) == len(source) and blanked.count("\n") == source.count("\n")
    assert markers(blanked) == preprocessed_markers(source)


# --- #elif chains (issue 14, items 1 and 2) ------------------------------------------------------


def test_elif_line_carries_the_negation_of_every_earlier_condition() -> None:
    text = (
        "#ifdef USE_Y\n"  # 1
        "int y;\n"  # 2
        "#elif USE_X_VERSION > 2\n"  # 3: read only when USE_Y is off
        "int x;\n"  # 4
        "#elif defined(USE_Z) || \\\n"  # 5
        "      defined(USE_W)\n"  # 6: the same directive
        "#endif\n"
    )
    segments = read_cpp(text)[3]["segments"]
    y = frozenset({"USE_Y"})
    for line in (3, 5, 6):
        g = guard_at(segments, line)
        assert not implies_on(g, y) and mentions(g, y), line
    assert implies_on(guard_at(segments, 2), y)
    g4 = guard_at(segments, 4)
    assert not implies_on(g4, y) and mentions(g4, y)
    # the second test is read only when the first two failed
    g5 = guard_at(segments, 5)
    assert g5 == ("and", ("not", ("v", ("USE_Y",))), ("not", g4[1]))


def chain(k: int) -> str:
    lines = ["#if defined(C0)", '#include "h0.h"']
    for i in range(1, k):
        lines += [f"#elif defined(C{i})", f'#include "h{i}.h"']
    return "\n".join([*lines, "#else", '#include "other.h"', "#endif"]) + "\n"


def depth(g: object) -> int:
    return 1 + max((depth(c) for c in g[1:]), default=0) if isinstance(g, tuple) else 0


def test_long_elif_chain_guards_are_shared_and_shallow() -> None:
    """Branch k carries the negations of k earlier conditions in O(log k) shared parts (so a
    chain reads in about linear time, nested no deeper than log k)."""
    k = 2000
    refs = read_cpp(chain(k))[1]
    assert [r[1] for r in refs] == [f"h{i}.h" for i in range(k)] + ["other.h"]
    last = refs[-1][4]
    assert depth(last) <= 14 and len(last) <= 14
    marshal.dumps(refs)  # the facts cache: nesting stays far below marshal's limit
    rng = random.Random(7)
    for _ in range(50):  # exactly the first branch whose macro is defined is taken
        env = frozenset(f"C{i}" for i in rng.sample(range(k), rng.randint(0, 3)))
        memo: dict = {}
        taken = [r[1] for r in refs if holds(r[4], env, memo)]
        first = min((int(m[1:]) for m in env), default=None)
        assert taken == (["other.h"] if first is None else [f"h{first}.h"])


@needs_cpp
def test_elif_chain_matches_the_preprocessor() -> None:
    source = chain(40).replace("C3)", "C1)").replace("C7)", "C0)")  # repeated tests too
    macros = ("C0", "C1", "C5")
    expected = includes_by_env(source, macros, headers=[f"h{i}.h" for i in range(40)] + ["other.h"])
    refs = read_cpp(source)[1]
    for env, names in expected.items():
        assert [r[1] for r in refs if holds(r[4], env)] == names


def test_pattern_on_an_elif_line_is_judged_under_the_negated_earlier_tests(repo) -> None:
    """SPEC §3.3 end to end: the test of an `#elif` is read only when every earlier test
    failed, so a `references` match on it carries their negation (here: the toggle is on)."""
    from helpers import base_files, check_json, findings

    # (a pattern that does not match its own registry line)
    files = base_files(module_extra='references = ["UMA_ABI_VERSION\\\\s*>"]')
    files["src/core.cc"] = (
        "#ifndef PKG_USE_UMA\n"
        "int off;\n"
        "#elif UMA_ABI_VERSION > 2\n"  # read only when PKG_USE_UMA is defined: wiring
        "int on;\n"
        "#endif\n"
        "#if UMA_ABI_VERSION > 3\n"  # unguarded: a pattern reference
        "#endif\n"
    )
    _code, report = check_json(repo(files))
    assert [(f["path"], f["line"]) for f in findings(report, "SM003")] == [("src/core.cc", 6)]
