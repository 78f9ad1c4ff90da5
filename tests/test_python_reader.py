"""The Python reader: references, flags, guards, robustness, and `ast` as the oracle."""

from __future__ import annotations

import ast
import textwrap
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from python_oracle import full_facts

from scoped_modules.readers.facts import (
    F_CIMPORT,
    F_FROM,
    F_FUNC,
    F_OPTIONAL,
    F_TYPE_CHECKING,
    K_PY_ATTR,
    K_PY_DYNAMIC,
    K_PY_IMPORT,
)
from scoped_modules.readers.guards import implies_on, mentions
from scoped_modules.readers.python import blank_comments_py, read_python

USE_X = frozenset({"USE_X"})


def read(src: str) -> list[tuple[str, str, int, str, Any, int]]:
    facts = full_facts(textwrap.dedent(src))
    assert facts[0] == "py"
    return facts[1]


def specs(src: str, kind: str = K_PY_IMPORT) -> list[tuple[str, int]]:
    return [(r[1], r[2]) for r in read(src) if r[0] == kind]


def one(src: str, spec: str) -> tuple[str, str, int, str, Any, int]:
    hits = [r for r in read(src) if r[1] == spec]
    assert len(hits) == 1, (spec, read(src))
    return hits[0]


# --- import forms ----------------------------------------------------------------------------


def test_plain_and_aliased_imports() -> None:
    src = """\
    import a.b
    import a.b as c, d
    import  e . f
    """
    assert specs(src) == [("a.b", 1), ("a.b", 2), ("d", 2), ("e.f", 3)]
    assert all(r[5] == 0 for r in read(src))


def test_from_imports() -> None:
    refs = read("from a.b import c, d as e\nfrom a import *\n")
    assert [(r[1], r[2], r[5]) for r in refs] == [
        ("a.b.c", 1, F_FROM),
        ("a.b.d", 1, F_FROM),
        ("a", 2, F_FROM),
    ]


def test_relative_imports() -> None:
    src = """\
    from . import x
    from .. import y, z
    from ..a import b
    from .a.b import c
    from . import *
    from .import w
    from ...p.q import r
    """
    assert specs(src) == [
        (".x", 1),
        ("..y", 2),
        ("..z", 2),
        ("..a.b", 3),
        (".a.b.c", 4),
        (".", 5),
        (".w", 6),
        ("...p.q.r", 7),
    ]


def test_parenthesised_and_continued_imports() -> None:
    src = """\
    from a.b import (
        c,  # the c
        d as dd,
    )
    from x \\
        import y
    import p, \\
        q
    from m import (n,
                   o)
    """
    refs = read(src)
    assert [(r[1], r[2]) for r in refs] == [
        ("a.b.c", 1),
        ("a.b.d", 1),
        ("x.y", 5),
        ("p", 7),
        ("q", 7),
        ("m.n", 9),
        ("m.o", 9),
    ]
    assert refs[0][3] == "from a.b import ( c, d as dd, )"
    assert refs[2][3] == "from x import y"


def test_semicolons_and_one_line_bodies() -> None:
    src = """\
    import a; import b
    x = 1; from c import d
    if X: import e
    try: import f
    except ImportError: f = None
    """
    assert specs(src) == [("a", 1), ("b", 1), ("c.d", 2), ("e", 3), ("f", 4)]
    assert one(src, "f")[5] & F_OPTIONAL


def test_imports_in_functions_and_classes() -> None:
    src = """\
    import top

    class K:
        import in_class

        def method(self):
            import in_method
            return in_method

    async def coro():
        from a import b
    """
    assert one(src, "top")[5] == 0
    assert one(src, "in_class")[5] == 0
    assert one(src, "in_method")[5] & F_FUNC
    assert one(src, "a.b")[5] & F_FUNC


def test_optional_imports() -> None:
    src = """\
    try:
        import a
    except ImportError:
        a = None
    try:
        import b
    except (KeyError, ModuleNotFoundError) as exc:
        pass
    try:
        import c
    except KeyError:
        pass
    try:
        import d
    except:
        pass
    try:
        import e
    except ValueError:
        pass
    except Exception:
        pass
    try:
        pass
    except ImportError:
        import f
    else:
        import g
    """
    flags = {r[1]: r[5] for r in read(src)}
    assert flags["a"] & F_OPTIONAL and flags["b"] & F_OPTIONAL and flags["d"] & F_OPTIONAL
    assert flags["e"] & F_OPTIONAL
    assert not flags["c"] & F_OPTIONAL
    assert not flags["f"] & F_OPTIONAL and not flags["g"] & F_OPTIONAL


def test_type_checking() -> None:
    src = """\
    from typing import TYPE_CHECKING
    import typing
    if TYPE_CHECKING:
        from a import b
    else:
        import c
    if typing.TYPE_CHECKING:
        import d
    """
    assert one(src, "a.b")[5] == F_FROM | F_TYPE_CHECKING
    assert one(src, "a.b")[4] is None
    assert one(src, "c")[5] == 0 and one(src, "c")[4] is None
    assert one(src, "d")[5] == F_TYPE_CHECKING


def test_cython() -> None:
    src = """\
    cimport numpy as cnp
    cimport a.b
    from libc.stdlib cimport malloc, free
    from c.d cimport *
    cdef extern from "foo.h":
        pass
    """
    refs = read(src)
    assert [(r[1], r[5]) for r in refs] == [
        ("numpy", F_CIMPORT),
        ("a.b", F_CIMPORT),
        ("libc.stdlib.malloc", F_CIMPORT | F_FROM),
        ("libc.stdlib.free", F_CIMPORT | F_FROM),
        ("c.d", F_CIMPORT | F_FROM),
    ]


def test_dynamic_imports() -> None:
    src = """\
    import importlib
    m = importlib.import_module("a.b")
    n = import_module(".c", package="pkg.sub")
    o = import_module("..d", "pkg.sub")
    p = __import__('e.f')
    q = importlib.import_module(name)
    r = importlib.import_module(f"g.{x}")
    s = importlib.import_module(".h")
    t = importlib.import_module(".i", package=__package__)
    u = import_module("...j", package="pkg")
    def import_module(name): pass
    """
    assert specs(src, K_PY_DYNAMIC) == [
        ("a.b", 2),
        ("pkg.sub.c", 3),
        ("pkg.d", 4),
        ("e.f", 5),
        (".i", 9),
    ]


def test_attribute_chains() -> None:
    src = """\
    import tvm.relax
    import numpy as np
    from tvm import tir
    f = tvm.relax.Function(x)
    g = np.zeros(3)        # np is an alias of numpy (SPEC §3, issue 7 case 9)
    h = tir.PrimFunc        # tir is bound by a from-import to tvm.tir
    s = "tvm.relax.Function"  # a string
    # tvm.relax.Function in a comment
    obj.tvm.relax = 1
    y = tvm.relax.op.add(tvm.relax.Var("x"), z)
    """
    assert specs(src, K_PY_ATTR) == [
        ("tvm.relax.Function", 4),
        ("numpy.zeros", 5),
        ("tvm.tir.PrimFunc", 6),
        ("tvm.relax.op.add", 10),
        ("tvm.relax.Var", 10),
    ]


def test_attribute_dedup_and_not_in_import_statements() -> None:
    src = "import os.path\nos.path.join(os.path.join(a, b), c)\nimport os.path as p\n"
    assert specs(src, K_PY_ATTR) == [("os.path.join", 2)]


# --- what is not a reference -----------------------------------------------------------------


def test_not_references() -> None:
    src = '''\
    """Module docstring.

    import not_this
    from not_this import either
    """
    # import commented
    x = "import in_string"
    y = 'from a import b'
    z = f"import {fstring}"
    exec("import exec_string")
    w = """
    import in_triple
    """
    def f():
        r\'\'\'
        import in_raw_docstring
        \'\'\'
    s = "importlib.import_module('in.string')"
    s2 = "a \\
    import continued_string"
    import real  # import comment
    '''
    assert specs(src) == [("real", 21)]
    assert specs(src, K_PY_DYNAMIC) == []


def test_names_that_only_contain_import() -> None:
    src = "import_thing = 1\nreimport(x)\nfrom importlib import reload\nx.import_ = 2\n"
    assert specs(src) == [("importlib.reload", 3)]


# --- guards ------------------------------------------------------------------------------------


GUARDED = """\
import os
if not RUNTIME_ONLY and libinfo().get("USE_X", "OFF") == "ON":
    import wired_a
if os.environ.get("USE_X") == "1":
    import wired_b
if USE_X:
    import wired_c
elif OTHER:
    import not_wired_elif
else:
    import not_wired_else
if USE_X and USE_CUDA:
    import wired_and
if USE_X or Y:
    import not_wired_or
if not USE_X:
    import not_wired_not
if os.getenv("USE_X", "OFF") != "OFF":
    import wired_ne_off
if os.getenv("USE_X") == "OFF":
    import not_wired_eq_off
if get("USE_X") is None:
    import not_wired_none
else:
    import wired_else_of_none
if USE_X is True:
    import wired_is_true
if config["USE_X"] == "":
    import not_wired_empty
if x > 1:
    import not_wired_unknown
if USE_X:
    def f():
        if y:
            import wired_nested
if USE_X in ("1", "ON"):
    import wired_in
"""


@pytest.mark.parametrize(
    "spec,wired",
    [
        ("wired_a", True),
        ("wired_b", True),
        ("wired_c", True),
        ("not_wired_elif", False),
        ("not_wired_else", False),
        ("wired_and", True),
        ("not_wired_or", False),
        ("not_wired_not", False),
        ("wired_ne_off", True),
        ("not_wired_eq_off", False),
        ("not_wired_none", False),
        ("wired_else_of_none", True),
        ("wired_is_true", True),
        ("not_wired_empty", False),
        ("not_wired_unknown", False),
        ("wired_nested", True),
        ("wired_in", True),
        ("os", False),
    ],
)
def test_guards(spec: str, wired: bool) -> None:
    ref = one(GUARDED, spec)
    assert implies_on(ref[4], USE_X) is wired


def test_guard_shapes() -> None:
    g = one(GUARDED, "wired_a")[4]
    assert g == ("and", ("not", ("v", ("RUNTIME_ONLY",))), ("v", ("libinfo", "get", "USE_X")))
    assert one(GUARDED, "os")[4] is None
    assert mentions(one(GUARDED, "not_wired_else")[4], USE_X)
    assert mentions(one(GUARDED, "not_wired_not")[4], USE_X)
    # off values and "ON" are never names
    words = one(GUARDED, "wired_ne_off")[4][1]
    assert "OFF" not in words and "USE_X" in words


def test_else_negates_every_earlier_test() -> None:
    src = """\
    if A:
        pass
    elif B:
        pass
    elif USE_X:
        import third
    else:
        import last
    """
    assert implies_on(one(src, "third")[4], USE_X)
    assert not implies_on(one(src, "last")[4], USE_X)
    assert implies_on(one(src, "last")[4], frozenset({"A"})) is False
    g = one(src, "last")[4]
    assert g[0] == "and" and len(g) == 4 and all(p[0] == "not" for p in g[1:])


def test_multi_line_condition_and_comments() -> None:
    src = """\
    if (USE_X  # the switch
            and tvm.flag):
        import wired
    if USE_X:  # comment: import nothing
        pass
    else:
        import other
    """
    assert implies_on(one(src, "wired")[4], USE_X)
    assert not implies_on(one(src, "other")[4], USE_X)


def test_guards_of_attributes_and_continuation_lines() -> None:
    src = """\
    import tvm.relax
    if USE_X:
        f(a,
          tvm.relax.A)
    g(b,
      tvm.relax.B)
    if (USE_X and
            tvm.relax.C):
        pass
    """
    refs = {r[1]: r for r in read(src)}
    assert implies_on(refs["tvm.relax.A"][4], USE_X)
    assert refs["tvm.relax.B"][4] is None
    assert refs["tvm.relax.C"][4] is None


def test_walrus_condition() -> None:
    src = """\
    if use := os.environ.get("USE_X"):
        import wired
    """
    ref = one(src, "wired")
    assert implies_on(ref[4], USE_X)
    assert full_facts(textwrap.dedent(src))[2] == []


def test_early_return_is_not_recognised() -> None:
    src = """\
    def f():
        if not USE_X:
            return
        import mod
    """
    assert one(src, "mod")[4] is None


def test_unknown_atoms_are_distinct() -> None:
    src = """\
    if foo() and USE_X:
        pass
    else:
        if foo():
            import m
    """
    assert not implies_on(one(src, "m")[4], USE_X)


# --- robustness ------------------------------------------------------------------------------


def test_syntax_errors_and_python2() -> None:
    facts = read_python("import a\nprint 'hello'\nfrom b import c\n")
    assert [r[1] for r in facts[1]] == ["a", "b.c"]
    assert any("syntax error" in m and "Python 2" in m for _, m in facts[2])
    facts = read_python("import a\ndef f(:\n    import b\nx = '''unterminated\nimport c\n")
    assert [r[1] for r in facts[1]] == ["a", "b"]
    assert any("syntax error" in m for _, m in facts[2])
    facts = read_python("try:\n    import a\nexcept ImportError, e:\n    pass\n")
    assert any("Python 2 except" in m for _, m in facts[2])
    facts = read_python("from a import (b,\n")
    assert any("syntax error" in m for _, m in facts[2])
    facts = read_python("import 3x\n")
    assert facts[1] == [] and facts[2]


def test_crlf_and_cr_line_endings() -> None:
    assert [(r[1], r[2]) for r in read_python("import a\r\nif X:\r\n    import b\r\n")[1]] == [
        ("a", 1),
        ("b", 3),
    ]
    assert [(r[1], r[2]) for r in read_python("import a\rimport b\r")[1]] == [("a", 1), ("b", 2)]


def test_blank_comments() -> None:
    src = "x = \"# not a comment\"  # a comment\n# whole line\ny = 1\n'''\n# doc\n'''\n"
    out = blank_comments_py(src)
    assert len(out) == len(src) and out.count("\n") == src.count("\n")
    assert out.startswith('x = "# not a comment"  ') and out.count("comment") == 1
    assert "whole line" not in out
    assert "# doc" in out
    crlf = "a = 1  # c\r\nb = 2\r\n"
    assert blank_comments_py(crlf) == "a = 1     \r\nb = 2\r\n"


PY_PIECES = [
    "import a.b\n",
    "from . import (x,\n y)\n",
    "if X:\n",
    "    import z\n",
    "else:\n",
    "try:\n",
    "except ImportError:\n",
    '"""doc\n',
    "'''\n",
    "# comment\n",
    "x = 'str\\\n",
    "def f(a,\n",
    "):\n",
    "\\\n",
    "    ",
    "\t",
    "import_module('",
    '__import__("q")\n',
    "a.b.c(",
    "elif Y:\n",
    "from",
    "import",
    ";",
    ":",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "#",
    "'",
    '"',
    "\\",
    "\n",
    "cimport ",
    "if TYPE_CHECKING:\n",
    "print 'x'\n",
    "\r\n",
    "\r",
    "x = lambda: 1\n",
    "if a[1:2]:\n",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PY_PIECES) | st.text(max_size=8), max_size=40))
def test_fuzz_never_raises(pieces: list[str]) -> None:
    text = "".join(pieces)
    facts = full_facts(text)
    assert facts[0] == "py"
    assert not any("stopped early" in m for _, m in facts[2]), facts[2]
    for _kind, spec, line, ev, _g, flags in facts[1]:
        assert 1 <= line <= text.count("\n") + text.count("\r") + 1
        assert isinstance(spec, str) and isinstance(ev, str) and isinstance(flags, int)
    out = blank_comments_py(text)
    assert len(out) == len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_arbitrary_text(text: str) -> None:
    facts = full_facts(text)
    assert not any("stopped early" in m for _, m in facts[2]), facts[2]


# --- ast as the oracle -----------------------------------------------------------------------

_ident = st.sampled_from(["a", "b", "pkg", "x1", "_p", "mod", "été", "tvm", "relax"])
_dotted = st.lists(_ident, min_size=1, max_size=3).map(".".join)


@st.composite
def _import_stmt(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["import", "from", "rel"]))
    if kind == "import":
        items = draw(st.lists(_dotted, min_size=1, max_size=3))
        parts = [i + (" as al" if draw(st.booleans()) else "") for i in items]
        sep = draw(st.sampled_from([", ", ",", " , ", ", \\\n    "]))
        return "import " + sep.join(parts)
    if kind == "from":
        head = draw(_dotted)
    else:
        head = "." * draw(st.integers(1, 3)) + draw(st.sampled_from(["", "a", "a.b"]))
    if draw(st.integers(0, 5)) == 0:
        return f"from {head} import *"
    names = draw(st.lists(_ident, min_size=1, max_size=3))
    parts = [n + (" as al" if draw(st.booleans()) else "") for n in names]
    style = draw(st.integers(0, 3))
    if style == 0:
        return f"from {head} import " + ", ".join(parts)
    if style == 1:
        return f"from {head} import (" + ", ".join(parts) + ")"
    if style == 2:
        return f"from {head} import (\n    " + ",  # c\n    ".join(parts) + ",\n)"
    return f"from {head} \\\n    import " + ", ".join(parts)


@st.composite
def _program(draw: st.DrawFn) -> str:
    out: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        stmt = draw(_import_stmt())
        wrap = draw(st.integers(0, 9))
        if wrap == 0:
            out.append("if X:\n    " + stmt.replace("\n", "\n    "))
        elif wrap == 1:
            out.append("def f():\n    " + stmt.replace("\n", "\n    ") + "\n    return 1")
        elif wrap == 2:
            out.append(
                "try:\n    " + stmt.replace("\n", "\n    ") + "\nexcept ImportError:\n    pass"
            )
        elif wrap == 3 and "\n" not in stmt:
            out.append("x = 1; " + stmt)
        elif wrap == 4 and "\n" not in stmt:
            out.append("if Y: " + stmt)
        elif wrap == 5:
            out.append('"""\n' + stmt + '\n"""')  # a decoy inside a docstring
        elif wrap == 6:
            out.append("# " + stmt.replace("\n", "\n# "))  # a decoy in comments
        elif wrap == 7:
            out.append("s = '" + stmt.replace("\n", " ").replace("\\", "") + "'")
        else:
            out.append(stmt)
    return "\n".join(out) + "\n"


def _ast_specs(src: str) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            head = "." * node.level + (node.module or "")
            for a in node.names:
                spec = head if a.name == "*" else head + ("." if node.module else "") + a.name
                found.add((node.lineno, spec))
    return found


@settings(max_examples=300, deadline=None)
@given(_program())
def test_ast_oracle(src: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = _ast_specs(src)
        except SyntaxError:
            assume(False)
            return
    got = {(r[2], r[1]) for r in read_python(src)[1] if r[0] == K_PY_IMPORT}
    assert got == expected, src
