"""Python reader defects found by differential testing (issues 13, 14 and 7): one test each.

Each reproducer is the minimal form from the issue (module `uma`, toggle names `USE_UMA`);
where a newer interpreter is installed, PEP 701 cases are also checked against its `ast`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from python_oracle import full_facts

from scoped_modules.readers.facts import (
    F_FROM,
    F_FUNC,
    F_OPTIONAL,
    F_TYPE_CHECKING,
    K_PY_ATTR,
    K_PY_DYNAMIC,
    K_PY_IMPORT,
)
from scoped_modules.readers.guards import implies_on
from scoped_modules.readers.python import blank_comments_py, guards_at_lines, read_python

UMA = frozenset({"USE_UMA"})
Ref = tuple[str, str, int, str, Any, int]


def refs(src: str) -> list[Ref]:
    return full_facts(textwrap.dedent(src))[1]


def only(src: str, spec: str, kind: str | None = None) -> Ref:
    hits = [r for r in refs(src) if r[1] == spec and (kind is None or r[0] == kind)]
    assert len(hits) == 1, (spec, refs(src))
    return hits[0]


def specs(src: str, kind: str) -> list[tuple[str, int]]:
    return [(r[1], r[2]) for r in refs(src) if r[0] == kind]


# --- issue 13, defect 1: a parenthesised `if` header keeps its guard --------------------------


def test_parenthesised_if_header_guards_its_body() -> None:
    multi = "if (\n    USE_UMA\n):\n    import uma.core\n"
    one_line = "if USE_UMA:\n    import uma.core\n"
    for src in (multi, one_line):
        ref = only(src, "uma.core")
        assert ref[2] == 4 if src is multi else ref[2] == 2
        assert implies_on(ref[4], UMA), src


def test_parenthesised_elif_and_else_headers() -> None:
    src = """\
    if (
        OTHER
    ):
        pass
    elif (
        USE_UMA
        and READY
    ):
        import uma.core
    else:
        import uma.other
    """
    assert implies_on(only(src, "uma.core")[4], UMA)
    assert not implies_on(only(src, "uma.other")[4], UMA)


# --- issue 13, defect 2: a UTF-8 byte order mark ---------------------------------------------


def test_bom_does_not_hide_the_first_line() -> None:
    facts = read_python("\ufeffimport uma.core\nif USE_UMA:\n    import uma.api\n")
    assert [(r[1], r[2]) for r in facts[1]] == [("uma.core", 1), ("uma.api", 3)]
    assert implies_on(facts[1][1][4], UMA)
    assert guards_at_lines("\ufeffif USE_UMA:\n    x = 1\n", [2])[2] == ("v", ("USE_UMA",))


# --- issue 13, defect 3: PEP 701 f-strings ---------------------------------------------------


PEP701_DECOY = 's = f"{"; import uma; "}"\n'
PEP701_TRIPLE = 'x = f"{"\'\'\'"}"\nimport uma.core\n'


def test_pep701_decoy_import_inside_an_fstring() -> None:
    assert refs(PEP701_DECOY) == []


def test_pep701_triple_quote_inside_a_field_does_not_hide_the_file() -> None:
    assert specs(PEP701_TRIPLE, K_PY_IMPORT) == [("uma.core", 2)]


def test_pep701_nested_fields_are_code_and_literals_are_not() -> None:
    src = """\
    import uma.core
    a = f"{f"{uma.core.x}"} uma.core.literal {{uma.core.escaped}}"
    b = f'{uma.core.y!r:>{uma.core.width}} {"uma.core.string"}'
    c = f"{x:uma.core.spec}"
    d = f'''
    {uma.core.multi
     .line}'''
    """
    assert specs(src, K_PY_ATTR) == [
        ("uma.core.x", 2),
        ("uma.core.y", 3),
        ("uma.core.width", 3),
        ("uma.core.multi.line", 6),
    ]


def _newer_python() -> str | None:
    """An interpreter with PEP 701 (3.12+), to use its `ast` as the oracle, if installed."""
    if sys.version_info >= (3, 12):
        return sys.executable
    found = [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"))]
    found += [w for n in ("python3.14", "python3.13", "python3.12") if (w := shutil.which(n))]
    for exe in reversed(found):
        probe = [exe, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]
        if subprocess.run(probe, capture_output=True).returncode == 0:
            return exe
    return None


def _oracle_in(python: str, sources: list[str]) -> list[list]:
    """`tests/python_oracle.py` run by another interpreter on each source."""
    tests = Path(__file__).parent
    src_dir = tests.parent / "src"
    code = (
        "import json, sys\n"
        "from python_oracle import expected_refs\n"
        "print(json.dumps([expected_refs(s) for s in json.load(sys.stdin)]))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), str(src_dir)])}
    out = subprocess.run(
        [python, "-c", code],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout)


def test_pep701_cases_agree_with_a_newer_ast() -> None:
    python = _newer_python()
    if python is None:
        pytest.skip("no Python 3.12+ installed to serve as the PEP 701 oracle")
    from python_oracle import reader_refs

    sources = [
        PEP701_DECOY,
        PEP701_TRIPLE,
        textwrap.dedent(
            """\
            import uma.core, os
            a = f"{f"{uma.core.x}"} uma.core.literal {{uma.core.escaped}}"
            b = f'{uma.core.y!r:>{uma.core.width}} {"uma.core.string"}'
            c = f"{os.sep.join([f'{uma.core.z}', "import uma.fake"])}"
            d = f"{
                uma.core.w  # a comment in a field
            }"
            """
        ),
    ]
    for src, expected in zip(sources, _oracle_in(python, sources), strict=True):
        got = reader_refs(full_facts(src)[1])
        assert json.loads(json.dumps(got)) == expected, src


# --- issue 13, defect 14: attribute chains and contexts ---------------------------------------


def test_import_in_a_function_with_a_multi_line_signature() -> None:
    src = """\
    def f(
      a,
    ):
        import a
    try:
        def g(
            x,
        ) -> int:
            import b
    except ImportError:
        pass
    if (
        TYPE_CHECKING
    ):
        import c
    """
    assert only(src, "a")[5] == F_FUNC
    assert only(src, "b")[5] == F_FUNC | F_OPTIONAL
    assert only(src, "c")[5] == F_TYPE_CHECKING


def test_references_on_continuation_lines_at_a_smaller_indent() -> None:
    src = """\
    import re, sys, pydoc, uma.core
    def outer():
        def inner():
            return sys.argv
        pat = [
    re.escape(w) for w in words
        ]
        return '''
    ''' % pydoc.html.escape(x)
    if USE_UMA:
        x = foo(a,
    b=uma.core.x)
    """
    assert only(src, "sys.argv")[5] == F_FUNC
    assert only(src, "re.escape")[5] == F_FUNC
    assert only(src, "pydoc.html.escape")[5] == F_FUNC
    ref = only(src, "uma.core.x")
    assert ref[5] == 0 and implies_on(ref[4], UMA)


def test_backslashes_continue_lines_only_in_code() -> None:
    src = "x = 1  # C:\\\nimport y\nif X:\n    from a \\\n        import b\nz = 2; \\\nimport c\n"
    assert [(r[1], r[2]) for r in refs(src)] == [("y", 2), ("a.b", 4), ("c", 7)]


# --- issue 14, item 2: an `elif` test carries the negation of the earlier tests ---------------


def test_elif_test_references_carry_the_negated_earlier_tests() -> None:
    src = """\
    import uma.core
    if not USE_UMA:
        pass
    elif uma.core.ready():
        pass
    elif OTHER and uma.core.late():
        pass
    """
    assert implies_on(only(src, "uma.core.ready")[4], UMA)
    assert implies_on(only(src, "uma.core.late")[4], UMA)
    # the `if` test itself carries no negation of itself
    src2 = "import uma.core\nif uma.core.on():\n    pass\n"
    assert only(src2, "uma.core.on")[4] is None


def test_else_negations_are_in_source_order() -> None:
    src = """\
    if A:
        pass
    elif B:
        pass
    else:
        import m
    """
    assert only(src, "m")[4] == ("and", ("not", ("v", ("A",))), ("not", ("v", ("B",))))


# --- issue 14, item 1: long chains stay linear -------------------------------------------------


def _flat(g: Any) -> list:
    """The parts of a conjunction, nested conjunctions flattened."""
    if g is None:
        return []
    if g[0] != "and":
        return [g]
    return [x for c in g[1:] for x in _flat(c)]


def _top_items(g: Any) -> int:
    return len(g) - 1 if g is not None and g[0] == "and" else 1


def test_long_elif_chain_shares_structure_and_keeps_meaning() -> None:
    n = 2000
    src = "if X0:\n    import a0\n" + "".join(f"elif X{i}:\n    import a{i}\n" for i in range(1, n))
    got = read_python(src)[1]
    assert [r[1] for r in got] == [f"a{i}" for i in range(n)]
    # every branch's guard means: no earlier test holds, and its own does
    for i in (0, 1, 15, 16, 17, 255, 256, 1999):
        expect = [("not", ("v", (f"X{k}",))) for k in range(i)] + [("v", (f"X{i}",))]
        assert _flat(got[i][4]) == expect, i
    # ... but each guard holds a bounded number of top-level parts: the rest is shared
    assert max(_top_items(r[4]) for r in got) < 60


def test_many_statements_on_one_line() -> None:
    src = "import a;" * 16000 + "\nfrom b import c;" * 3 + "\n"
    got = read_python(src)[1]
    assert [(r[1], r[2]) for r in got] == [("a", 1), ("b.c", 2), ("b.c", 3), ("b.c", 4)]


# --- issue 14, item 7: reader corners ---------------------------------------------------------


def test_identifiers_are_nfkc_normalised() -> None:
    src = "import \ufb01le\nimport uma.\ufb01le as \u217bx\n\u217bx.run()\n\ufb01le.x\n"
    assert specs(src, K_PY_IMPORT) == [("file", 1), ("uma.file", 2)]
    assert specs(src, K_PY_ATTR) == [("uma.file.run", 3), ("file.x", 4)]


def test_identifier_characters_that_regex_word_misses() -> None:
    # U+00B7 (Other_ID_Continue) and a combining accent are identifier characters to Python
    src = "with '': import A\u00b7\nimport e\u0301x as y\ny.z\nimport\u00b7x = 1\n"
    assert specs(src, K_PY_IMPORT) == [("A\u00b7", 1), ("\u00e9x", 2)]
    assert specs(src, K_PY_ATTR) == [("\u00e9x.z", 3)]
    assert full_facts(src)[2] == []


def test_dynamic_import_with_implicit_concatenation() -> None:
    src = """\
    import importlib
    m = importlib.import_module("uma" ".core")
    n = importlib.import_module(
        "uma"  # the package
        '.api'
    )
    o = __import__(r"uma" "\\x2eraw")
    p = importlib.import_module("uma" f".{x}")
    q = importlib.import_module(b"uma")
    """
    assert specs(src, K_PY_DYNAMIC) == [("uma.core", 2), ("uma.api", 3), ("uma.raw", 7)]


def test_chains_inside_fstring_fields_and_odd_spacing() -> None:
    src = """\
    import re, uma.core
    s = f"{uma.core.name} and {re.ASCII}"
    flags = re. ASCII | re .IGNORECASE
    v = uma.\\
        core.value
    w = (uma
         .core  # a comment
         .other)
    x = y. re.not_a_chain
    """
    assert specs(src, K_PY_ATTR) == [
        ("uma.core.name", 2),
        ("re.ASCII", 2),
        ("re.ASCII", 3),
        ("re.IGNORECASE", 3),
        ("uma.core.value", 4),
        ("uma.core.other", 6),
    ]


# --- issue 7, case 9: references through aliases ---------------------------------------------


def test_chains_through_aliases_and_from_imports() -> None:
    src = """\
    import proj as pj
    from proj import core
    from proj.core import backend as be, helpers
    from . import sibling
    from .. import *
    x = pj.masked.array([1])
    y = core.backend.vendor.accel.Offload()
    z = be.vendor.x + helpers.h(sibling.s.t)
    def f(pj):
        return pj.local.rebinding.is_ignored
    """
    assert specs(src, K_PY_ATTR) == [
        ("proj.masked.array", 6),
        ("proj.core.backend.vendor.accel.Offload", 7),
        ("proj.core.backend.vendor.x", 8),
        ("proj.core.helpers.h", 8),
        (".sibling.s.t", 8),
        ("proj.local.rebinding.is_ignored", 10),
    ]
    assert only(src, "proj.core", K_PY_IMPORT)[5] == F_FROM


def test_chains_through_guarded_optional_or_typing_bindings_inherit_them() -> None:
    src = """\
    if USE_UMA:
        from proj import uma
    try:
        import proj.opt as opt
    except ImportError:
        opt = None
    if TYPE_CHECKING:
        import proj.types as pt
    import proj.both as both
    if USE_UMA:
        import proj.both as both

    def f():
        if uma is not None:
            uma.run()
        opt.go()
        pt.T
        both.x
    """
    # a chain reaches the module only where the import binding its name ran
    ref = only(src, "proj.uma.run")
    assert implies_on(ref[4], UMA) and ref[5] == F_FUNC
    assert only(src, "proj.opt.go")[5] == F_FUNC | F_OPTIONAL
    assert only(src, "proj.types.T")[5] == F_FUNC | F_TYPE_CHECKING
    assert only(src, "proj.both.x")[4] is None and only(src, "proj.both.x")[5] == F_FUNC


def test_a_name_bound_to_two_modules_gives_both() -> None:
    src = """\
    try:
        import cPickle as pickle
    except ImportError:
        import pickle
    pickle.dumps(x)
    """
    assert specs(src, K_PY_ATTR) == [("cPickle.dumps", 5), ("pickle.dumps", 5)]


# --- comments and strings stay right -----------------------------------------------------------


def test_blank_comments_knows_pep701_and_crlf() -> None:
    src = 'a = f"{"#"}"  # real\r\nb = 1 # two\rc\n'
    out = blank_comments_py(src)
    assert len(out) == len(src)
    assert out == 'a = f"{"#"}"        \r\nb = 1      \rc\n'
    assert blank_comments_py("\ufeff# x\ny") == "\ufeff   \ny"
