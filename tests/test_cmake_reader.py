"""CMake reader: tokenizer, path literals, variables, guards (SPEC §3.2, §3.3)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoped_modules.readers.cmake import blank_comments_cmake, read_cmake
from scoped_modules.readers.facts import (
    F_GLOB,
    F_GLOB_RECURSE,
    K_CMAKE_INCLUDE,
    K_CMAKE_PATH,
    K_CMAKE_SUBDIR,
)
from scoped_modules.readers.guards import implies_on, implies_on_search, mentions

X = frozenset({"USE_X"})


def refs(text: str) -> list[tuple[str, str, int, object, int]]:
    lang, found, _notes, _extra = read_cmake(text)
    assert lang == "cmake"
    return [(r[0], r[1], r[2], r[4], r[5]) for r in found]


def specs(text: str, kind: str = K_CMAKE_PATH) -> list[str]:
    return [r[1] for r in refs(text) if r[0] == kind]


def guard_of(text: str, spec: str) -> object:
    found = [r for r in refs(text) if r[1] == spec]
    assert found, spec
    return found[0][3]


# --- tokenizer ---------------------------------------------------------------------------------


def test_multiline_command_quoted_and_bracket_arguments():
    text = (
        "add_library(foo STATIC\n"
        "  src/a.cc   # a comment with src/commented.cc\n"
        '  "src/with space.cc"\n'
        '  "src/esc\\"aped.cc"\n'
        "  [=[src/bracket.cc]=]\n"
        "  [[src/b2.cc]]\n"
        "  #[[ bracket comment\n"
        "     src/in_bracket_comment.cc ]]\n"
        "  src/z.cc)\n"
    )
    got = [(r[1], r[2]) for r in refs(text)]
    assert got == [
        ("src/a.cc", 2),
        ("src/with space.cc", 3),
        ('src/esc"aped.cc', 4),
        ("src/bracket.cc", 5),
        ("src/b2.cc", 6),
        ("src/z.cc", 9),
    ]
    # evidence of a short multi-line command is the whole command on one line
    _lang, found, _notes, _extra = read_cmake("add_library(foo\n  a.cc)\n")
    assert found[0][3] == "add_library(foo a.cc)"


def test_long_command_evidence_is_the_argument_line():
    text = "set(SRCS\n" + "".join(f"  src/file_{i}.cc\n" for i in range(40)) + ")\n"
    _lang, found, _notes, _extra = read_cmake(text)
    last = found[-1]
    assert last[1] == "src/file_39.cc" and last[2] == 41
    assert last[3] == "set(... src/file_39.cc"
    assert all(len(r[3]) <= 200 for r in found)


def test_comments_and_case_insensitive_commands():
    text = (
        "# add_subdirectory(commented)\n"
        "#[==[\n"
        "include(cmake/in_comment.cmake)\n"
        "]==]\n"
        "ADD_SUBDIRECTORY(real)\n"
        "Include(cmake/Real.cmake)\n"
        'message(STATUS "# not a comment")  # include(cmake/trailing.cmake)\n'
    )
    assert specs(text, K_CMAKE_SUBDIR) == ["real"]
    assert specs(text, K_CMAKE_INCLUDE) == ["cmake/Real.cmake"]


def test_nested_parentheses_in_arguments():
    text = (
        "if((USE_X AND USE_CUDA) OR (USE_X AND USE_ROCM))\n"
        "  target_sources(t PRIVATE src/x.cc)\n"
        "endif()\n"
        'string(REGEX REPLACE "(a)(b)" "\\\\1" OUT "${IN}")\n'
        "add_custom_command(OUTPUT out COMMAND tool (x) src/tool_input.txt)\n"
    )
    assert implies_on(guard_of(text, "src/x.cc"), X)
    assert "src/tool_input.txt" in specs(text)


def test_unbalanced_parentheses_yield_what_was_read_and_a_note():
    text = "add_subdirectory(ok)\nadd_library(foo src/a.cc\n  src/b.cc\n"
    lang, found, notes, _extra = read_cmake(text)
    assert [r[1] for r in found] == ["ok", "src/a.cc", "src/b.cc"]
    assert notes and "unbalanced" in notes[0][1] and notes[0][0] == 2


def test_text_outside_commands_is_a_note():
    _lang, found, notes, _extra = read_cmake("this is not cmake\nadd_subdirectory(d)\n")
    assert [r[1] for r in found] == ["d"]
    assert notes


# --- path literals -----------------------------------------------------------------------------


def test_keywords_and_unresolved_variables_are_skipped():
    text = (
        "add_library(tvm_objs OBJECT src/a.cc ${UNKNOWN}/b.cc $ENV{HOME}/c.cc)\n"
        "target_link_libraries(tvm PUBLIC ${LIBS})\n"
        "install(TARGETS tvm DESTINATION lib)\n"
        "set_source_files_properties(src/p.cc PROPERTIES COMPILE_FLAGS -O0)\n"
        'option(USE_X "src" OFF)\n'
    )
    got = specs(text)
    assert "src/a.cc" in got and "src/p.cc" in got
    for bad in (
        "OBJECT",
        "PUBLIC",
        "TARGETS",
        "DESTINATION",
        "PROPERTIES",
        "-O0",
        "tvm_objs",
        "src",
    ):
        assert bad not in got
    assert not any("$" in s and "CMAKE" not in s for s in got)


def test_set_variables_are_substituted_and_lists_expand():
    text = (
        "set(SRC a.cc b.cc)\n"
        'set(ONE "one.cc")\n'
        "set(DIR ${CMAKE_CURRENT_SOURCE_DIR}/src)\n"
        "set(NESTED ${DIR}/n.cc)\n"
        'set(CACHED c.cc CACHE STRING "doc")\n'
        "list(APPEND SRC d.cc)\n"
        "add_library(x ${SRC} ${ONE} ${NESTED} ${CACHED} ${CMAKE_CURRENT_LIST_DIR}/l.cc"
        " ${PROJECT_SOURCE_DIR}/p.cc ${CMAKE_SOURCE_DIR}/s.cc)\n"
    )
    lines7 = [r[1] for r in refs(text) if r[2] == 7]
    assert lines7 == [
        "a.cc",
        "b.cc",
        "d.cc",
        "one.cc",
        "${CMAKE_CURRENT_SOURCE_DIR}/src/n.cc",
        "c.cc",
        "${CMAKE_CURRENT_LIST_DIR}/l.cc",
        "${PROJECT_SOURCE_DIR}/p.cc",
        "${CMAKE_SOURCE_DIR}/s.cc",
    ]


def test_variables_set_by_other_commands_are_not_literal():
    text = (
        "set(SRC a.cc)\n"
        "file(GLOB SRC src/*.cc)\n"
        "add_library(x ${SRC})\n"
        "set(Y ${UNKNOWN})\n"
        "add_library(y ${Y}/z.cc)\n"
    )
    assert [r[1] for r in refs(text) if r[2] in (3, 5)] == []


def test_add_subdirectory_and_include():
    text = (
        "add_subdirectory(src/runtime)\n"
        "add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/apps bin EXCLUDE_FROM_ALL)\n"
        "include(CheckCXXCompilerFlag)\n"
        "include(Foo.cmake)\n"
        "include(cmake/modules/Bar OPTIONAL)\n"
        "include(${CMAKE_CURRENT_LIST_DIR}/utils/Utils.cmake)\n"
    )
    assert specs(text, K_CMAKE_SUBDIR) == ["src/runtime", "${CMAKE_CURRENT_SOURCE_DIR}/apps"]
    assert specs(text, K_CMAKE_INCLUDE) == [
        "Foo.cmake",
        "cmake/modules/Bar",
        "${CMAKE_CURRENT_LIST_DIR}/utils/Utils.cmake",
    ]
    assert specs(text) == []  # `bin`, `OPTIONAL`: not paths


def test_glob_flags():
    text = (
        "file(GLOB A_SRCS CONFIGURE_DEPENDS src/a/*.cc)\n"
        'file(GLOB_RECURSE B_SRCS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} "src/b/*.cc")\n'
        'tvm_file_glob(GLOB_RECURSE C_SRCS "src/c/*.cc" src/c/*.h)\n'
        "my_glob(GLOB D_SRCS src/d/*.cc)\n"
        "add_library(e src/e/*.cc)\n"
    )
    got = {r[1]: r[4] for r in refs(text)}
    assert got == {
        "src/a/*.cc": F_GLOB,
        "src/b/*.cc": F_GLOB_RECURSE,
        "src/c/*.cc": F_GLOB_RECURSE,
        "src/c/*.h": F_GLOB_RECURSE,
        "src/d/*.cc": F_GLOB,
        "src/e/*.cc": 0,
    }


def test_generator_expression_build_interface_is_unwrapped():
    text = (
        "target_include_directories(t PUBLIC"
        " $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)\n"
    )
    assert specs(text) == ["${CMAKE_CURRENT_SOURCE_DIR}/include"]


# --- guards ------------------------------------------------------------------------------------


def cond_guard(cond: str) -> object:
    return guard_of(f"if({cond})\n  add_library(x src/x.cc)\nendif()\n", "src/x.cc")


def test_spec_examples_of_wiring():
    assert implies_on(cond_guard("USE_X AND USE_CUDA"), X)
    assert not implies_on(cond_guard("NOT USE_X"), X)
    assert not implies_on(cond_guard("USE_X OR Y"), X)
    text = "if(USE_X)\n  add_library(a src/a.cc)\nelse()\n  add_library(b src/b.cc)\nendif()\n"
    assert implies_on(guard_of(text, "src/a.cc"), X)
    assert not implies_on(guard_of(text, "src/b.cc"), X)
    assert mentions(guard_of(text, "src/b.cc"), X)


def test_atom_forms():
    for cond in (
        "USE_X",
        "${USE_X}",
        '"${USE_X}"',
        'USE_X STREQUAL "ON"',
        "${USE_X} STREQUAL ON",
        '"ON" STREQUAL USE_X',
        'NOT USE_X STREQUAL "OFF"',
        "NOT ${USE_X} STREQUAL OFF",
        "(USE_X)",
        "NOT NOT USE_X",
        "NOT (NOT USE_X)",
    ):
        assert implies_on(cond_guard(cond), X), cond
    for cond in (
        'USE_X STREQUAL "OFF"',
        "DEFINED USE_X",
        'USE_X MATCHES "ON"',
        "USE_X EQUAL 1",
        '"USE_X"',
        'NOT USE_X OR USE_X STREQUAL "/path"',
    ):
        assert not implies_on(cond_guard(cond), X), cond
    # beyond SPEC's `STREQUAL "ON"`: any other non-false value, or a path that exists, means on
    for cond in ("EXISTS ${USE_X}", 'USE_X STREQUAL "path"'):
        assert implies_on(cond_guard(cond), X), cond


def test_comparisons_bind_tighter_than_not():
    # NOT (USE_X STREQUAL "OFF"), not (NOT USE_X) STREQUAL "OFF"
    g = cond_guard('NOT USE_X STREQUAL "OFF"')
    assert g == ("v", ("USE_X",))


def test_and_or_evaluate_left_to_right_like_cmake():
    # CMake gives AND and OR equal precedence, evaluated left to right (see the oracle test)
    g = cond_guard("A OR B AND C")
    assert g == ("and", ("or", ("v", ("A",)), ("v", ("B",))), ("v", ("C",)))
    assert implies_on(cond_guard("Y OR Z AND USE_X"), X)
    assert not implies_on(cond_guard("USE_X AND Y OR Z"), X)
    assert implies_on(cond_guard("(Y OR Z) AND USE_X"), X)


def test_elseif_and_else_negate_every_earlier_condition():
    text = (
        "if(USE_A)\n  add_library(a src/a.cc)\n"
        "elseif(USE_X)\n  add_library(x src/x.cc)\n"
        "elseif(USE_B)\n  add_library(b src/b.cc)\n"
        "else()\n  add_library(o src/o.cc)\nendif()\n"
    )
    x = guard_of(text, "src/x.cc")
    assert implies_on(x, X) and not implies_on(x, frozenset({"USE_A"}))
    b = guard_of(text, "src/b.cc")
    assert implies_on(b, frozenset({"USE_B"})) and not implies_on(b, X) and mentions(b, X)
    o = guard_of(text, "src/o.cc")
    assert not any(implies_on(o, frozenset({n})) for n in ("USE_A", "USE_X", "USE_B"))


def test_nested_ifs_are_anded_and_constants_fold():
    text = (
        "if(USE_CUDA)\n  if(USE_X)\n    add_library(x src/x.cc)\n  endif()\n"
        "  add_library(c src/c.cc)\nendif()\n"
        "if(FALSE)\n  add_subdirectory(dead)\n  add_library(d src/dead.cc)\nendif()\n"
        "if(0)\nelse()\n  add_library(e src/else_of_zero.cc)\nendif()\n"
        "if(ON)\n  add_library(on src/on.cc)\nendif()\n"
    )
    g = guard_of(text, "src/x.cc")
    assert implies_on(g, X) and implies_on(g, frozenset({"USE_CUDA"}))
    assert not implies_on(guard_of(text, "src/c.cc"), X)
    got = specs(text) + specs(text, K_CMAKE_SUBDIR)
    assert "src/dead.cc" not in got and "dead" not in got
    assert guard_of(text, "src/else_of_zero.cc") is None
    assert guard_of(text, "src/on.cc") is None


def test_guard_of_subdirectory_and_include():
    text = "if(USE_X)\n  include(cmake/modules/X.cmake)\n  add_subdirectory(src/x)\nendif()\n"
    assert implies_on(guard_of(text, "cmake/modules/X.cmake"), X)
    assert implies_on(guard_of(text, "src/x"), X)


def test_unknown_atoms_are_distinct():
    g = cond_guard("A MATCHES x AND NOT B MATCHES y")
    assert g[1] is not g[2][1]


def test_unbalanced_if_gives_notes():
    _lang, _found, notes, _extra = read_cmake("endif()\nelse()\nif(A)\n")
    text = " ".join(m for _l, m in notes)
    assert "endif() without if()" in text and "else() without if()" in text
    assert "not closed" in text


# --- calls -------------------------------------------------------------------------------------


def test_calls_record_commands_with_an_identifier_first():
    text = (
        'option(USE_A "doc" OFF)\n'
        "if(USE_CUDA)\n"
        '  tvm_option(USE_X "Build X" OFF)\n'
        "else()\n"
        "  set(USE_Y ON)\n"
        "endif()\n"
        'message("${X}")\n'
        'if(FALSE)\n  option(USE_DEAD "dead" OFF)\nendif()\n'
    )
    calls = read_cmake(text)[3]["calls"]
    by_first = {(c[0], c[1]): c for c in calls}
    assert by_first[("option", "USE_A")][2:] == (1, None)
    assert by_first[("tvm_option", "USE_X")][2] == 3
    assert implies_on(by_first[("tvm_option", "USE_X")][3], frozenset({"USE_CUDA"}))
    y = by_first[("set", "USE_Y")][3]
    assert mentions(y, frozenset({"USE_CUDA"})) and not implies_on(y, frozenset({"USE_CUDA"}))
    assert ("else", "USE_CUDA") not in by_first
    assert ("option", "USE_DEAD") not in by_first
    assert not any(c[0] == "message" for c in calls)


# --- blanking and robustness -------------------------------------------------------------------


def test_blank_comments_cmake():
    text = 'set(A "x # not a comment" [[# not either]]) # comment\n#[[ multi\nline ]] b()\n'
    out = blank_comments_cmake(text)
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert '"x # not a comment"' in out and "[[# not either]]" in out
    assert "comment\n" not in out and "multi" not in out and "line ]]" not in out
    assert out.rstrip().endswith("b()")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('if()[]=#"\\$ {}\nabSET;GLOB_RECURSE/.*')), max_size=300)
)
def test_reader_never_raises(text: str) -> None:
    lang, found, notes, extra = read_cmake(text)
    assert lang == "cmake" and isinstance(extra["calls"], list)
    for r in found:
        assert r[1] and r[2] >= 1
    assert len(blank_comments_cmake(text)) == len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_reader_never_raises_on_any_text(text: str) -> None:
    read_cmake(text)
    assert len(blank_comments_cmake(text)) == len(text)


# --- cmake as an oracle for condition evaluation -----------------------------------------------

CONDITIONS = [
    "A OR B AND C",
    "A AND B OR C",
    "NOT A AND B",
    "NOT A OR B AND NOT C",
    "A AND (B OR C)",
    "(A OR B) AND NOT (C)",
    'A STREQUAL "ON" OR B',
    'NOT A STREQUAL "OFF" AND C',
    "${A} AND ${B} OR ${C}",
]


def _eval(g: object, env: dict[str, bool]) -> bool:
    if g is True or g is None:
        return True
    if g is False:
        return False
    assert isinstance(g, tuple)
    tag = g[0]
    if tag == "v":
        return env[g[1][0]]
    if tag == "not":
        return not _eval(g[1], env)
    if tag == "and":
        return all(_eval(c, env) for c in g[1:])
    if tag == "or":
        return any(_eval(c, env) for c in g[1:])
    raise AssertionError(g)


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_conditions_agree_with_cmake(tmp_path: Path) -> None:
    lines = ["cmake_minimum_required(VERSION 3.20)"]
    expected = []
    for i, cond in enumerate(CONDITIONS):
        g = cond_guard(cond)
        for values in itertools.product((False, True), repeat=3):
            env = dict(zip("ABC", values, strict=True))
            sets = " ".join(f"set({k} {'ON' if v else 'OFF'})" for k, v in env.items())
            lines.append(sets.replace(") ", ")\n"))
            lines.append(
                f'if({cond})\n  message("{i} {values} 1")\nelse()\n  message("{i} {values} 0")\nendif()'
            )
            expected.append(f"{i} {values} {int(_eval(g, env))}")
    script = tmp_path / "conds.cmake"
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        ["cmake", "-P", str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stderr.splitlines() == expected


def test_strequal_non_off_value_and_is_directory_mean_on() -> None:
    from scoped_modules.readers.cmake import read_cmake
    from scoped_modules.readers.guards import implies_on

    facts = read_cmake(
        "if(IS_DIRECTORY ${USE_DNNL})\n  a(x.cc)\n"
        'elseif((USE_DNNL STREQUAL "ON") OR (USE_DNNL STREQUAL "JSON"))\n  b(y.cc)\n'
        'elseif(USE_DNNL STREQUAL "OFF")\n  c(z.cc)\nendif()\n'
    )
    wiring = {r[1]: implies_on(r[4], frozenset({"USE_DNNL"})) for r in facts[1]}
    assert wiring == {"x.cc": True, "y.cc": True, "z.cc": False}


def test_glob_variables_and_their_readers_are_recorded() -> None:
    from scoped_modules.readers.cmake import read_cmake

    facts = read_cmake(
        'tvm_file_glob(GLOB_RECURSE GROUP_SOURCE\n  "src/*.cc")\n'
        'assign_source_group("Source" ${GROUP_SOURCE})\n'
    )
    assert facts[3]["glob_vars"] == {1: "GROUP_SOURCE", 2: "GROUP_SOURCE"}
    assert facts[3]["var_uses"] == {"GROUP_SOURCE": ["assign_source_group"]}


# --- issue 14: long elseif chains, the guard of an elseif test --------------------------------


def _distinct_nodes(guards: list[object]) -> int:
    """Tuples reachable from ``guards``, each counted once (shared nodes are stored once)."""
    seen: set[int] = set()
    todo = [g for g in guards if isinstance(g, tuple)]
    size = 0
    while todo:
        g = todo.pop()
        if id(g) in seen:
            continue
        seen.add(id(g))
        size += len(g)
        todo.extend(c for c in g[1:] if isinstance(c, tuple) and c and isinstance(c[0], str))
    return size


def _chain(n: int) -> str:
    return (
        "if(C0)\n  add_library(l0 src/f0.cc)\n"
        + "".join(f"elseif(C{i})\n  add_library(l{i} src/f{i}.cc)\n" for i in range(1, n))
        + "endif()\n"
    )


def test_elseif_chain_guards_grow_linearly() -> None:
    # each branch carries the negation of every earlier test; stored flat, n branches hold
    # n^2/2 atoms (2,000 branches took seconds); shared, they hold O(n log n)
    small, large = (_distinct_nodes([r[4] for r in read_cmake(_chain(n))[1]]) for n in (100, 2000))
    assert large < 40 * small
    text = _chain(2000)
    last = [r for r in read_cmake(text)[1] if r[1] == "src/f1999.cc"][0][4]
    assert implies_on_search(last, frozenset({"C1999"}))
    assert not implies_on_search(last, frozenset({"C5"})) and mentions(last, frozenset({"C5"}))


def test_an_elseif_test_sits_under_the_negation_of_the_earlier_tests() -> None:
    from scoped_modules.readers.guards import guard_at

    text = (
        "if(NOT USE_X)\n"  # 1
        "  message(off)\n"  # 2
        'elseif(X_MODE STREQUAL "fast")\n'  # 3: runs only when USE_X is on
        "  add_library(f src/fast.cc)\n"  # 4
        "endif()\n"
    )
    _lang, _refs, _notes, extra = read_cmake(text)
    assert implies_on(guard_at(extra["segments"], 3), X)
    assert not implies_on(guard_at(extra["segments"], 2), X)
    elseif = [c for c in extra["calls"] if c[0] == "elseif"][0]
    assert implies_on(elseif[3], X)


def test_return_guards_the_rest_of_the_file_and_of_a_function_body() -> None:
    text = (
        "function(f)\n"  # 1
        "  if(NOT USE_Y)\n    return()\n  endif()\n"  # 2-4
        "  add_library(in_f src/in_f.cc)\n"  # 5
        "endfunction()\n"  # 6
        "add_library(before src/before.cc)\n"  # 7
        "if(NOT USE_X)\n  return()\nendif()\n"  # 8-10
        "add_library(after src/after.cc)\n"  # 11
    )
    assert implies_on(guard_of(text, "src/in_f.cc"), frozenset({"USE_Y"}))
    assert guard_of(text, "src/before.cc") is None
    after = guard_of(text, "src/after.cc")
    assert implies_on(after, X) and not mentions(after, frozenset({"USE_Y"}))
    text_dead = "return()\nadd_library(dead src/dead.cc)\n"
    assert specs(text_dead) == []


def test_a_reader_bug_raises_instead_of_yielding_no_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    # a hostile file yields notes; a bug in the reader must surface (in tests at least)
    import scoped_modules.readers.cmake as reader

    def broken(*_args: object) -> None:
        raise RuntimeError("reader bug")

    monkeypatch.setattr(reader, "_expand", broken)
    with pytest.raises(RuntimeError, match="reader bug"):
        read_cmake("add_library(x src/x.cc)\n")
    monkeypatch.setattr(reader, "_reduce", broken)
    with pytest.raises(RuntimeError, match="reader bug"):
        reader.parse_condition([("A", False, 1)])


def test_facts_hold_the_command_stream() -> None:
    text = 'set(A "x y" [[b]])\nif(A)\n  add_library(t\n    src/a.cc)\nendif()\n'
    cmds = read_cmake(text)[3]["cmds"]
    assert [(c[0], c[1], [a[:2] for a in c[2]], c[3]) for c in cmds] == [
        ("set", 1, [("A", False), ("x y", True), ("b", True)], 'set(A "x y" [[b]])'),
        ("if", 2, [("A", False)], "if(A)"),
        ("add_library", 3, [("t", False), ("src/a.cc", False)], "add_library(t src/a.cc)"),
        ("endif", 5, [], "endif()"),
    ]


def test_absurdly_deep_conditions_are_unknown_not_a_crash() -> None:
    cond = "A0"
    for i in range(1, 3000):
        cond = f"({cond} {'AND' if i % 2 else 'OR'} A{i})"
    flat = " ".join(f"A{i} {'AND' if i % 2 else 'OR'}" for i in range(3000)) + " USE_X"
    text = (
        f"if({cond})\n  add_library(x a.cc)\nendif()\nif({flat})\n  add_library(y b.cc)\nendif()\n"
    )
    for spec in ("a.cc", "b.cc"):
        g = guard_of(text, spec)
        assert not implies_on(g, X) and not implies_on_search(g, X)
