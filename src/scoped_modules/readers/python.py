"""Python reader: imports, dynamic imports and attribute chains of one file, with their guards.

No full parse (a whole-file ``ast.parse`` costs ~30x the per-file budget). Instead:

- candidates come from fast literal-prefix searches of the whole text: the word ``import``
  (every import statement contains it), ``import_module(``/``__import__(`` and ``NAME.`` for the
  top-level names bound by the file's plain ``import x.y`` statements;
- triple-quoted strings are located lazily by a walk over the ``'''``/``\"\"\"`` occurrences
  only (comments and one-line strings cannot span lines, so a short per-line check decides
  whether an occurrence opens a string); a candidate inside one, or inside a comment or string
  of its own line, is dropped;
- block structure comes from indentation: the enclosing header of a line is the nearest earlier
  code line with a smaller indent, found by one regex search over the reversed text; headers
  (``if/elif/else``, ``try``, ``def``) are read with a small tokenizer, and only an ``if``
  test that is not a plain name is handed to ``ast`` (cached by its text).

Known approximations: a continuation line inside brackets at a smaller indent than its
statement, or a line inside a backslash-continued one-line string, can be mistaken for
structure; syntax errors are noted only where the reader looks (import statements, headers,
unterminated strings) plus the common Python 2 forms.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from operator import itemgetter
from typing import Any

from .facts import (
    F_CIMPORT,
    F_FROM,
    F_FUNC,
    F_OPTIONAL,
    F_TYPE_CHECKING,
    K_PY_ATTR,
    K_PY_DYNAMIC,
    K_PY_IMPORT,
    FileFacts,
    RawRef,
    evidence_text,
)
from .guards import conj, disj, neg

Guard = Any

# --- token patterns -------------------------------------------------------------------------

# String literals: triple-quoted first, then one-line ones (a backslash continues them).
# An unterminated triple-quoted string runs to the end of the text, a one-line one to the end
# of its line.
_STRINGS = (
    r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(?:"""|\Z)'
    r"|'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\n]++|\\[\s\S])*+"?'
    r"|'(?:[^'\\\n]++|\\[\s\S])*+'?"
)
_LINETOK = re.compile(_STRINGS + r"|#[^\n]*")
_TOK = re.compile(_STRINGS + r"|#[^\n]*|\\\n|[()\[\]{}:;\n]")
_BLANK_TOK = re.compile(
    r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(?:"""|\Z)'
    r"|'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\r\n]++|\\[\s\S])*+"?'
    r"|'(?:[^'\\\r\n]++|\\[\s\S])*+'?"
    r"|#[^\r\n]*"
)
_SPECIAL = re.compile(r"[(\[{'\"#\\;]")
_DQ_FULL = re.compile(r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(""")?')
_SQ_FULL = re.compile(r"'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+(''')?")
_FIRST = itemgetter(0)
_QUOTE_HASH = re.compile(r"['\"#\\;]")
_CONT = re.compile(r"\\\n")

_ID = r"[^\W\d]\w*"
_IDR = r"[^\W\d]\w*"
_ASID = rf"{_IDR}(?:[ \t]+as[ \t]+{_IDR})?"
_DOTID = rf"{_IDR}(?:\.{_IDR})*(?:[ \t]+as[ \t]+{_IDR})?"
_LINE_END = r"[ \t]*+(?:#[^\n]*)?(?=\n|\Z)"
_FAST_IMPORT = re.compile(rf"(c?import)[ \t]+({_DOTID}(?:[ \t]*,[ \t]*{_DOTID})*)" + _LINE_END)
_ASID_ML = rf"{_IDR}(?:\s+as\s+{_IDR})?"
_FAST_FROM = re.compile(
    rf"from[ \t]+(\.+(?:{_IDR}(?:\.{_IDR})*)?|{_IDR}(?:\.{_IDR})*)[ \t]+(c?import)(?!\w)[ \t]*"
    rf"(?:(\*|{_ASID}(?:[ \t]*,[ \t]*{_ASID})*)"
    rf"|\(\s*({_ASID_ML}(?:\s*,\s*{_ASID_ML})*)\s*,?\s*\))" + _LINE_END
)
_PRE_FROM = re.compile(
    r"(?:^|[:;])[ \t\f]*(from)(?!\w)[ \t\f]*(?:\.[ \t\f]*)*"
    rf"(?:{_ID}(?:[ \t\f]*\.[ \t\f]*{_ID})*)?[ \t\f]*$"
)
_FROM_STMT = re.compile(
    rf"from(?!\w)\s*((?:\.\s*)*)({_ID}(?:\s*\.\s*{_ID})*)?\s*(c?import)(?!\w)\s*(.*)", re.S
)
_IMPORT_STMT = re.compile(r"(c?import)(?!\w)\s*(.*)", re.S)
_DOTTED_AS = re.compile(rf"({_ID}(?:\s*\.\s*{_ID})*)(\s+as\s+{_ID})?")
_NAME_AS = re.compile(rf"({_ID})(?:\s+as\s+{_ID})?")
_WS = re.compile(r"\s+")
_INDENT = re.compile(r"[ \t\f]*")
_COMMENT = re.compile(r"#[^\n]*")

_DYN = re.compile(
    r"(import_module|__import__)[ \t]*\(\s*(?:[rRuU])?(?:\"([^\"\\\n]*)\"|'([^'\\\n]*)')\s*([,)])"
)
_DYN_PKG = re.compile(
    r"\s*(?:package\s*=\s*)?(?:[rRuU]?(?:\"([^\"\\\n]*)\"|'([^'\\\n]*)')|(__package__))\s*[,)]"
)
_MODNAME = re.compile(rf"(\.*)((?:{_ID}(?:\.{_ID})*)?)")
_CHAIN = re.compile(rf"(?:\.{_ID})+")

# Block headers that contribute to a reference's context, at a line start.
_KW = re.compile(r"[ \t\f]*(if|elif|else|try|def|async[ \t\f]+def)(?!\w)")
# Clauses that can precede an `else`/`elif` at the same indent.
_CLAUSE = re.compile(r"[ \t\f]*(if|elif|else|for|while|try|except|finally|with|async)(?!\w)")
_EXCEPT = re.compile(r"except(?!\w)")
_EXCEPT_NAMES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_TC = re.compile(r"(?:\w+\s*\.\s*)*TYPE_CHECKING")
_SIMPLE_TEST = re.compile(rf"(not\s+)?({_ID}(?:\s*\.\s*{_ID})*)")
_WORD = re.compile(r"[A-Za-z_]\w*")

_PY2_PRINT = re.compile(r"print[ \t]+(?:[\"']|[^\W\d])")
_PY2_EXCEPT = re.compile(rf"[ \t]+[\w.]+[ \t]*,[ \t]*{_ID}[ \t]*$")
_PY3_AFTER_PRINT = frozenset({"in", "is", "and", "or", "not", "if", "else", "for"})

_OFF_VALUES = frozenset({"off", "0", "", "false"})
_NOT_NAMES = frozenset({"on", "off", "true", "false", "yes", "no"})

_DEDENT: dict[int, re.Pattern[str]] = {}
_FORWARD: dict[int, re.Pattern[str]] = {}
_TEST_CACHE: dict[str, tuple[Guard, bool, bool]] = {}


def _unknown() -> tuple:
    """A fresh unknown atom (each unknown condition is its own free variable, by identity)."""
    return tuple(["u"])


def _dedent(ind: int) -> re.Pattern[str]:
    """In the reversed text, from the newline that ends it: a code line (not blank, not a
    comment) indented at most ``ind``. The match ends where the line starts.

    The line is consumed possessively and its indent checked by fixed-width look-behinds,
    so that a line costs one pass rather than a backtrack per character."""
    rx = _DEDENT.get(ind)
    if rx is None:
        if ind <= 48:
            tails = "|".join(
                r"(?<=[^ \t\f\n#]" + (r"[ \t\f]{" + str(w) + "})" if w else ")")
                for w in range(ind + 1)
            )
            src = r"\n[^\n]*+(?:" + tails + r")(?=\n|\Z)"
        else:
            src = r"\n[^\n]*[^ \t\f\n#][ \t\f]{0," + str(ind) + r"}(?=\n|\Z)"
        rx = _DEDENT[ind] = re.compile(src)
    return rx


def _forward(ind: int) -> re.Pattern[str]:
    """The newline before a code line indented at most ``ind``."""
    rx = _FORWARD.get(ind)
    if rx is None:
        rx = _FORWARD[ind] = re.compile(r"\n([ \t\f]{0,%s})(?=[^ \t\f\n#])".replace("%s", str(ind)))
    return rx


# --- guards of `if` tests ----------------------------------------------------------------


def _is_off(value: Any) -> bool | None:
    """True for an off value, False for an on value, None when it is not a plain constant."""
    if value is None or value is False:
        return True
    if value is True:
        return False
    if isinstance(value, str):
        return value.strip().lower() in _OFF_VALUES
    if isinstance(value, int | float):
        return value == 0
    return None


def _words(node: ast.AST) -> tuple[str, ...]:
    """Identifiers and name-like string literals an expression mentions, in source order."""
    found: list[tuple[int, int, str]] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            word = sub.id
        elif isinstance(sub, ast.Attribute):
            word = sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            word = sub.value
            if not _WORD.fullmatch(word) or word.lower() in _NOT_NAMES:
                continue
        else:
            continue
        found.append(
            (getattr(sub, "end_lineno", 0) or 0, getattr(sub, "end_col_offset", 0) or 0, word)
        )
    found.sort()
    return tuple(dict.fromkeys(w for _, _, w in found))


def _constants(node: ast.AST) -> list[Any] | None:
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
        values = []
        for elt in node.elts:
            if not isinstance(elt, ast.Constant):
                return None
            values.append(elt.value)
        return values
    return None


def _compare(node: ast.Compare) -> Guard:
    if len(node.ops) != 1:
        return _unknown()
    op = node.ops[0]
    left, right = node.left, node.comparators[0]
    consts = _constants(right)
    expr: ast.AST = left
    if consts is None:
        if isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot) and isinstance(
            left, ast.Constant
        ):
            consts, expr = [left.value], right
        else:
            return _unknown()
    if _constants(expr) is not None:
        return _unknown()
    words = _words(expr)
    if not words:
        return _unknown()
    offs = [_is_off(v) for v in consts]
    if any(o is None for o in offs):
        return _unknown()
    if isinstance(op, ast.Eq | ast.NotEq):
        if len(consts) != 1 or not isinstance(right if expr is left else left, ast.Constant):
            return _unknown()
        on = not offs[0]
        if isinstance(op, ast.NotEq):
            on = not on
    elif isinstance(op, ast.Is | ast.IsNot):
        value = consts[0]
        if len(consts) != 1 or not (value is None or value is True or value is False):
            return _unknown()
        on = value is True
        if isinstance(op, ast.IsNot):
            on = not on
    elif isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Tuple | ast.List | ast.Set):
        if all(not o for o in offs):
            on = True
        elif all(offs):
            on = False
        else:
            return _unknown()
        if isinstance(op, ast.NotIn):
            on = not on
    else:
        return _unknown()
    leaf = ("v", words)
    return leaf if on else ("not", leaf)


def _convert(node: ast.AST) -> Guard:
    if isinstance(node, ast.BoolOp):
        parts = [_convert(v) for v in node.values]
        return conj(*parts) if isinstance(node.op, ast.And) else disj(*parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return neg(_convert(node.operand))
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.Constant):
        return _unknown()
    words = _words(node)
    return ("v", words) if words else _unknown()


def _fresh(g: Guard) -> Guard:
    """A copy whose unknown atoms are new objects (cached guards are shared between headers)."""
    if g[0] == "u":
        return _unknown()
    if g[0] == "v":
        return g
    return (g[0], *(_fresh(c) for c in g[1:]))


def test_guard(src: str) -> tuple[Guard, bool, bool]:
    """The guard of an ``if`` test's source text: (guard, is TYPE_CHECKING, parse failed)."""
    hit = _TEST_CACHE.get(src)
    if hit is None:
        bad = False
        if _TC.fullmatch(src):
            hit = (None, True, False)
        else:
            m = _SIMPLE_TEST.fullmatch(src)
            if m and m.group(2) not in ("True", "False", "None"):
                leaf = ("v", tuple(dict.fromkeys(_WS.sub("", m.group(2)).split("."))))
                guard: Guard = ("not", leaf) if m.group(1) else leaf
            else:
                try:
                    # parenthesised: an `if x := f():` test is valid only that way in eval mode
                    guard = _convert(ast.parse("(" + src + "\n)", mode="eval").body)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    guard, bad = _unknown(), True
            hit = (guard, False, bad)
        if len(_TEST_CACHE) > 50000:
            _TEST_CACHE.clear()
        _TEST_CACHE[src] = hit
    guard, tc, bad = hit
    return (_fresh(guard) if guard is not None else None), tc, bad


# --- the reader ----------------------------------------------------------------------------


class _Reader:
    __slots__ = (
        "text",
        "n",
        "notes",
        "found",
        "starts",
        "ends",
        "span_pos",
        "_rev",
        "stmts",
        "block",
        "colons",
        "contrib",
        "tests",
        "line_ev",
        "noted",
        "encl",
        "next_dq",
        "next_sq",
        "asked",
        "line_ctx",
        "dq_match",
        "sq_match",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.notes: list[tuple[int, str]] = []
        # (position, kind, spec, evidence, guard, flags)
        self.found: list[tuple[int, str, str, str, Guard, int]] = []
        self.starts: list[int] = []  # triple-quoted strings, in order
        self.ends: list[int] = []
        self.span_pos = 0  # the span walk has classified everything before this position
        self.next_dq = -1  # next '"""' / "'''" at or after some earlier position
        self.next_sq = -1
        self.dq_match: re.Match[str] | None = None
        self.sq_match: re.Match[str] | None = None
        self._rev: str | None = None
        self.stmts: list[tuple[int, int]] = []  # import statements (start, end)
        self.block: dict[int, tuple[Guard, int]] = {}
        self.encl: dict[int, tuple[int, int] | None] = {}
        self.asked: dict[int, list[int]] = {}  # indent -> line starts asked about, in order
        self.line_ctx: dict[int, tuple[Guard, int, int, bool]] = {}
        self.colons: dict[int, int] = {}
        self.contrib: dict[int, tuple[Guard, int]] = {}
        self.tests: dict[int, tuple[Guard, bool]] = {}
        self.line_ev: dict[int, str] = {}
        self.noted: set[str] = set()

    # -- notes, lines
    def line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def note(self, pos: int, msg: str, once: str | None = None) -> None:
        if once is not None:
            if once in self.noted:
                return
            self.noted.add(once)
        self.notes.append((self.line_of(pos), "syntax error; " + msg))

    # -- strings and comments
    def ensure_spans(self, upto: int) -> None:
        """Find every triple-quoted string that starts at or before ``upto``."""
        pos = self.span_pos
        if pos > upto:
            return
        text = self.text
        starts, ends = self.starts, self.ends
        big = self.n + 1
        nd, ns = self.next_dq, self.next_sq
        dm, sm = self.dq_match, self.sq_match
        rfind = text.rfind
        dq_search = _DQ_FULL.search
        while pos <= upto:
            if nd < pos:
                dm = dq_search(text, pos)
                nd = big if dm is None else dm.start()
            if ns < pos:
                sm = _SQ_FULL.search(text, pos)
                ns = big if sm is None else sm.start()
            if nd < ns:
                q, m = nd, dm
            elif ns < big:
                q, m = ns, sm
            else:
                pos = big
                break
            s0 = rfind("\n", pos, q) + 1
            if s0 == 0:
                s0 = pos
            elif s0 >= 2 and text[s0 - 2] == "\\":
                while s0 >= 2 and text[s0 - 2] == "\\" and s0 > pos:
                    s0 = text.rfind("\n", pos, s0 - 1) + 1  # a backslash-continued line
                    if s0 == 0:
                        s0 = pos
            if s0 < q:
                seg = text[s0:q]
                if "#" in seg or '"' in seg or "'" in seg:
                    over = self._token_over(s0, q)
                    if over >= 0:
                        pos = over
                        continue
            if m.group(1) is None:  # type: ignore[union-attr]
                self.note(q, "unterminated triple-quoted string", "tq")
            end = m.end()  # type: ignore[union-attr]
            starts.append(q)
            ends.append(end)
            pos = end
        self.span_pos = pos
        self.next_dq, self.next_sq = nd, ns
        self.dq_match, self.sq_match = dm, sm

    def _token_over(self, s0: int, q: int) -> int:
        """End of the comment or one-line string covering ``q`` (tokens from ``s0``), or -1."""
        for t in _LINETOK.finditer(self.text, s0):
            if t.start() >= q:
                return -1
            if t.end() > q:
                return t.end()
        return -1

    def span_at(self, pos: int) -> int:
        """Index of the triple-quoted string containing ``pos``, or -1."""
        self.ensure_spans(pos)
        k = bisect_right(self.starts, pos) - 1
        if k >= 0 and pos < self.ends[k]:
            return k
        return -1

    def in_code(self, pos: int) -> bool:
        """True when ``pos`` is outside strings and comments."""
        self.ensure_spans(pos)
        starts = self.starts
        k = bisect_right(starts, pos) - 1
        text = self.text
        ls = text.rfind("\n", 0, pos) + 1
        while ls >= 2 and text[ls - 2] == "\\":
            ls = text.rfind("\n", 0, ls - 1) + 1  # a backslash-continued line
        s0 = ls
        if k >= 0:
            end = self.ends[k]
            if pos < end:
                return False
            if end > ls:
                s0 = end
        seg = text[s0:pos]
        if "#" not in seg and '"' not in seg and "'" not in seg:
            return True
        return self._token_over(s0, pos) < 0

    # -- logical lines
    def logical(self, s: int, semi: bool) -> tuple[int, int]:
        """(end, colon) of the logical line starting at ``s``: the end before the newline (or
        ``;`` when ``semi``) at bracket depth 0, the first ``:`` at depth 0 or -1."""
        text = self.text
        eol = text.find("\n", s)
        if eol < 0:
            eol = self.n
        if _SPECIAL.search(text, s, eol) is None:
            c = text.find(":", s, eol)
            while c >= 0 and text.startswith("=", c + 1):
                c = text.find(":", c + 2, eol)
            return eol, c
        depth = 0
        colon = -1
        for m in _TOK.finditer(text, s):
            ch = text[m.start()]
            if ch == "\n":
                if depth <= 0:
                    return m.start(), colon
            elif ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == ":":
                if depth <= 0 and colon < 0 and not text.startswith("=", m.end()):
                    colon = m.start()
            elif ch == ";" and semi and depth <= 0:
                return m.start(), colon
        if depth > 0:
            self.note(s, "unclosed bracket", "br")
        return self.n, colon

    def colon_of(self, h: int) -> int:
        """Position of the colon that ends the header at ``h`` (-1: none)."""
        c = self.colons.get(h)
        if c is None:
            text = self.text
            eol = text.find("\n", h)
            line = text[h:eol] if eol >= 0 else text[h:]
            body = line.rstrip()
            if (
                body.endswith(":")
                and _QUOTE_HASH.search(body) is None
                and body.count("(") == body.count(")")
                and body.count("[") == body.count("]")
                and body.count("{") == body.count("}")
            ):
                c = h + len(body) - 1  # a one-line header: its colon ends it
            else:
                c = self.logical(h, False)[1]
            self.colons[h] = c
        return c

    # -- block structure
    @property
    def rev(self) -> str:
        if self._rev is None:
            self._rev = self.text[::-1]
        return self._rev

    def prev_le(self, ls: int, ind: int) -> tuple[int, int] | None:
        """The nearest code line before line ``ls`` indented at most ``ind``: (start, indent)."""
        if ls <= 0:
            return None
        rev = self.rev
        n = self.n
        rx = _dedent(ind)
        r = n - ls
        starts, ends = self.starts, self.ends
        while True:
            m = rx.search(rev, r)
            if m is None:
                return None
            h = n - m.end()
            width = _INDENT.match(self.text, h).end() - h  # type: ignore[union-attr]
            x = h + width
            k = bisect_right(starts, x) - 1
            if k >= 0 and starts[k] < x < ends[k]:
                nl = self.text.find("\n", starts[k])  # the line the string starts on
                r = n - 1 - nl
                continue
            return h, width

    def enclosing(self, ls: int, ind: int) -> tuple[int, int] | None:
        """The nearest code line before line ``ls`` (indented ``ind``) indented less.

        One backward search, bounded by the nearest earlier line already asked about at the same
        indent: when nothing in between is indented less, its answer is the answer. So each
        stretch of text is searched about once per indent level."""
        if ind <= 0 or ls <= 0:
            return None
        memo = self.encl
        if ls in memo:
            return memo[ls]
        asked = self.asked.get(ind)
        if asked is None:
            asked = self.asked[ind] = []
        k = bisect_right(asked, ls)
        lo = asked[k - 1] if k else 0
        rev = self.rev
        n = self.n
        rx = _dedent(ind - 1)
        r = n - ls
        starts, ends = self.starts, self.ends
        res: tuple[int, int] | None = None
        while True:
            m = rx.search(rev, r, n - lo)
            if m is None:
                if k:
                    res = memo[lo]
                break
            h = n - m.end()
            width = _INDENT.match(self.text, h).end() - h  # type: ignore[union-attr]
            x = h + width
            j = bisect_right(starts, x) - 1
            if j >= 0 and starts[j] < x < ends[j]:
                nl = self.text.find("\n", starts[j])  # the line the string starts on
                r = n - 1 - nl
                continue
            res = (h, width)
            break
        memo[ls] = res
        asked.insert(k, ls)
        return res

    def context(self, pos: int) -> tuple[Guard, int]:
        """(guard, flags) of a reference at ``pos``."""
        text = self.text
        ls = text.rfind("\n", 0, pos) + 1
        hit = self.line_ctx.get(ls)
        if hit is None:
            ind = _INDENT.match(text, ls).end() - ls  # type: ignore[union-attr]
            g, f = self.block_of(ls, ind) if ind else (None, 0)
            hit = self.line_ctx[ls] = (g, f, ind, _KW.match(text, ls) is not None)
        if hit[3]:
            return self.own(ls, hit[2], pos, hit[0], hit[1])
        return hit[0], hit[1]

    def block_of(self, ls: int, ind: int) -> tuple[Guard, int]:
        """Context of the block that contains the line at ``ls`` (its own header excluded)."""
        memo = self.block
        hit = memo.get(ls)
        if hit is not None:
            return hit
        chain: list[tuple[int, int, int]] = []
        cur, cur_ind = ls, ind
        while True:
            hit = memo.get(cur)
            if hit is not None:
                base = hit
                break
            up = self.enclosing(cur, cur_ind)
            if up is None:
                base = memo[cur] = (None, 0)
                break
            chain.append((cur, up[0], up[1]))
            cur, cur_ind = up
        for child, h, j in reversed(chain):
            base = self.own(h, j, child, base[0], base[1])
            memo[child] = base
        return base

    def own(self, h: int, j: int, pos: int, g: Guard, f: int) -> tuple[Guard, int]:
        """Add what the header at ``h`` (if it is one) contributes to a position ``pos`` after it."""
        m = _KW.match(self.text, h)
        if m is None:
            return g, f
        c = self.colon_of(h)
        if c < 0 or c >= pos:
            return g, f
        got = self.contrib.get(h)
        if got is None:
            got = self.contrib[h] = self._contribution(h, j, m.group(1), m.end(), c)
        if got[0] is None:
            return g, f | got[1]
        return conj(g, got[0]), f | got[1]

    def _contribution(self, h: int, j: int, kw: str, kw_end: int, colon: int) -> tuple[Guard, int]:
        if kw == "def" or kw.startswith("async"):
            return None, F_FUNC
        if kw == "try":
            return None, (F_OPTIONAL if self._optional(h, j) else 0)
        if kw == "if":
            g, tc = self.test(h, kw_end, colon)
            return (None, F_TYPE_CHECKING) if tc else (g, 0)
        earlier = self._chain(h, j)
        if kw == "else":
            if not earlier:
                return None, 0
            return conj(*(neg(t) for t in earlier if t is not None)), 0
        g, tc = self.test(h, kw_end, colon)
        negs = [neg(t) for t in earlier or () if t is not None]
        if tc:
            return conj(*negs), F_TYPE_CHECKING
        return conj(*negs, g), 0

    def test(self, h: int, kw_end: int, colon: int) -> tuple[Guard, bool]:
        got = self.tests.get(h)
        if got is None:
            src = self.text[kw_end:colon]
            if "#" in src or "\\" in src or "\n" in src:
                src = blank_comments_py(src).replace("\\\n", " ")
            src = " ".join(src.split())
            g, tc, bad = test_guard(src)
            if bad:
                self.note(h, "condition not readable", "cond")
            got = self.tests[h] = (g, tc)
        return got

    def _chain(self, h: int, j: int) -> list[Guard] | None:
        """The tests of the clauses before the ``elif``/``else`` at ``h`` (None: not an if-chain)."""
        text = self.text
        tests: list[Guard] = []
        cur = h
        while True:
            up = self.prev_le(cur, j)
            if up is None or up[1] < j:
                return None
            line = up[0]
            m = _CLAUSE.match(text, line)
            if m is None:
                cur = line  # a continuation line at the same indent
                continue
            kw = m.group(1)
            if kw not in ("if", "elif"):
                return None
            c = self.colon_of(line)
            if c < 0:
                return None
            g, tc = self.test(line, m.end(), c)
            tests.append(None if tc else g)
            if kw == "if":
                return tests
            cur = line

    def _optional(self, h: int, j: int) -> bool:
        """Whether the ``try`` at ``h`` has a handler catching ImportError (or broader)."""
        text = self.text
        pos = self.logical(h, False)[0]
        rx = _forward(j)
        while True:
            m = rx.search(text, pos)
            if m is None:
                return False
            y = m.end()
            k = self.span_at(y)
            if k >= 0 and self.starts[k] < y:
                pos = self.ends[k]
                continue
            if len(m.group(1)) < j:
                return False
            if _EXCEPT.match(text, y) is None:
                if text[y] in ")]}":
                    pos = y
                    continue
                return False
            end, c = self.logical(y, False)
            clause = text[y + 6 : c if c >= 0 else end]
            if _PY2_EXCEPT.match(clause):
                self.note(y, "Python 2 except clause", "py2")
            clause = clause.strip().lstrip("*").strip()
            if not clause or _EXCEPT_NAMES.intersection(_WORD.findall(clause)):
                return True
            pos = end

    # -- evidence
    def line_text(self, pos: int) -> str:
        text = self.text
        ls = text.rfind("\n", 0, pos) + 1
        ev = self.line_ev.get(ls)
        if ev is None:
            eol = text.find("\n", pos)
            ev = self.line_ev[ls] = evidence_text(text[ls : eol if eol >= 0 else self.n])
        return ev

    # -- the passes
    def run(self) -> None:
        dyn: list[int] = []
        tops = self.imports(dyn)
        if dyn:
            self.dynamic(dyn)
        if tops:
            self.attributes(tops)
        if "print " in self.text:
            self.python2()

    def imports(self, dyn: list[int]) -> list[str]:
        """Import statements; returns the top-level names bound by plain ``import a.b``.

        Every import statement contains the word ``import``: its occurrences are the candidates.
        The one-line forms at a line start are read by an anchored regex, the rest (continued,
        parenthesised, after ``:`` or ``;``) through the tokenizer. Occurrences that begin
        ``import_module`` or ``__import__`` are collected in ``dyn``."""
        text = self.text
        tops: dict[str, None] = {}
        stmts = self.stmts
        found = self.found
        starts, ends = self.starts, self.ends
        find = text.find
        rfind = text.rfind
        fast_import = _FAST_IMPORT.match
        fast_from = _FAST_FROM.match
        skip = 0
        p = find("import")
        while p >= 0:
            nxt = p + 6
            if p < skip:
                p = find("import", skip)
                continue
            after = text[nxt : nxt + 1]
            if after != " " and (after.isalnum() or after == "_" or after == "."):
                if after == "_":
                    if text.startswith("_module", nxt):
                        dyn.append(p)
                    elif p >= 2 and text.startswith("__import__", p - 2):
                        dyn.append(p - 2)
                p = find("import", nxt)
                continue
            prev = text[p - 1 : p]
            kw = p
            if prev == "c":
                if p >= 2 and (text[p - 2].isalnum() or text[p - 2] == "_"):
                    p = find("import", nxt)
                    continue
                kw = p - 1
            elif prev != " " and prev != "\n" and (prev.isalnum() or prev == "_"):
                p = find("import", nxt)
                continue
            ls = rfind("\n", 0, kw) + 1
            if ls < 2 or text[ls - 2] != "\\":
                m = None
                is_from = False
                if ls == kw:
                    m = fast_import(text, kw)
                else:
                    lead = text[ls:kw].lstrip()
                    if not lead:
                        m = fast_import(text, kw)
                    elif lead.startswith("from"):
                        m = fast_from(text, kw - len(lead))
                        if m is not None and m.start(2) != kw:
                            m = None
                        is_from = True
                if m is not None:
                    start = m.start()
                    skip = m.end()
                    if self.span_pos <= start:
                        self.ensure_spans(start)
                    k = bisect_right(starts, start) - 1
                    if k < 0 or start >= ends[k]:
                        # the statement (was ``fast_statement``), inlined
                        if is_from:
                            module, kwd, names, names2 = m.group(1, 2, 3, 4)
                            flags = F_FROM
                            if names is None:
                                names = names2
                                end = find(")", m.end(4)) + 1
                            else:
                                end = m.end(3)
                            if names == "*":
                                specs = [module]
                            else:
                                head = module + "." if module[-1] != "." else module
                                specs = [head + x.split()[0] for x in names.split(",")]
                        else:
                            kwd, names = m.group(1, 2)
                            flags = 0
                            end = m.end(2)
                            specs = []
                            for x in names.split(","):
                                words = x.split()
                                spec = words[0]
                                specs.append(spec)
                                if len(words) == 1:
                                    tops[spec.split(".", 1)[0]] = None
                        if kwd == "cimport":
                            flags |= F_CIMPORT
                        stmts.append((start, end))
                        g = None
                        if start != ls:
                            g, f = self.context(start)
                            flags |= f
                        ev = text[start:end]
                        if "  " in ev or "\t" in ev or "\n" in ev:
                            ev = evidence_text(ev)
                        for spec in specs:
                            found.append((start, K_PY_IMPORT, spec, ev, g, flags))
                    p = find("import", skip)
                    continue
            got = self._classify(kw)
            if got is not None:
                start, at_line = got
                if (self.span_at(start) < 0) if at_line else self.in_code(start):
                    end = self.logical(start, True)[0]
                    skip = end
                    self.statement(start, end, tops)
            p = find("import", nxt)
        stmts.sort()
        return list(tops)

    def _classify(self, kw: int) -> tuple[int, bool] | None:
        """Where the statement of an ``import`` keyword at ``kw`` starts, and whether it starts its
        line; None when the keyword is not in statement position."""
        text = self.text
        ls = text.rfind("\n", 0, kw) + 1
        while ls >= 2 and text[ls - 2] == "\\":
            ls = text.rfind("\n", 0, ls - 2) + 1
        prefix = text[ls:kw]
        if "\\\n" in prefix:
            prefix = prefix.replace("\\\n", "  ")
        if not prefix or prefix.isspace():
            return kw, True
        if prefix.rstrip()[-1] in ":;":
            return kw, False
        if "from" not in prefix:
            return None
        pm = _PRE_FROM.search(prefix)
        if pm is None:
            return None
        return ls + pm.start(1), not prefix[: pm.start(1)].strip()

    def statement(self, start: int, end: int, tops: dict[str, None]) -> None:
        raw = self.text[start:end]
        clean = raw
        if "#" in clean:
            clean = _COMMENT.sub(" ", clean)
        if "\\" in clean:
            clean = clean.replace("\\\n", " ")
        clean = clean.strip()
        base_flags = 0
        items: list[tuple[str, int]] = []  # (spec, flags)
        if clean.startswith("from"):
            m = _FROM_STMT.fullmatch(clean)
            if m is None:
                self.note(start, "unreadable import statement", None)
                return
            dots = _WS.sub("", m.group(1))
            module = _WS.sub("", m.group(2) or "")
            if m.group(3) == "cimport":
                base_flags |= F_CIMPORT
            base_flags |= F_FROM
            names = m.group(4).strip()
            head = dots + module
            if not head:
                self.note(start, "unreadable import statement", None)
                return
            paren = names.startswith("(")
            if paren:
                if not names.endswith(")"):
                    self.note(start, "unreadable import statement", None)
                    return
                names = names[1:-1].strip()
            if names == "*" and not paren:
                items.append((head, base_flags))
            else:
                parts = [x.strip() for x in names.split(",")]
                if paren and len(parts) > 1 and not parts[-1]:
                    parts.pop()
                sep = "." if module else ""
                for part in parts:
                    nm = _NAME_AS.fullmatch(part)
                    if nm is None:
                        self.note(start, "unreadable import statement", None)
                        return
                    items.append((head + sep + nm.group(1), base_flags))
        else:
            m = _IMPORT_STMT.fullmatch(clean)
            if m is None:
                self.note(start, "unreadable import statement", None)
                return
            if m.group(1) == "cimport":
                base_flags |= F_CIMPORT
            for part in m.group(2).split(","):
                part = part.strip()
                nm = _DOTTED_AS.fullmatch(part)
                if nm is None:
                    self.note(start, "unreadable import statement", None)
                    return
                spec = _WS.sub("", nm.group(1))
                items.append((spec, base_flags))
                if nm.group(2) is None:
                    tops[spec.split(".", 1)[0]] = None
        self.stmts.append((start, end))
        g, f = self.context(start)
        ev = evidence_text(clean)
        found = self.found
        for spec, flags in items:
            found.append((start, K_PY_IMPORT, spec, ev, g, flags | f))

    def dynamic(self, cands: list[int]) -> None:
        text = self.text
        for p in cands:
            m = _DYN.match(text, p)
            if m is None:
                continue
            if p and (text[p - 1].isalnum() or text[p - 1] == "_"):
                continue
            if text[max(0, p - 12) : p].rstrip().endswith("def"):
                continue
            name = m.group(2) if m.group(2) is not None else m.group(3)
            nm = _MODNAME.fullmatch(name)
            if nm is None or not name:
                continue
            dots, rest = nm.group(1), nm.group(2)
            spec = name
            if dots:
                if m.group(1) != "import_module" or m.group(4) != ",":
                    continue
                pk = _DYN_PKG.match(text, m.end())
                if pk is None:
                    continue
                if pk.group(3):
                    spec = name  # relative to the importing file's package
                else:
                    package = pk.group(1) if pk.group(1) is not None else pk.group(2)
                    pm = _MODNAME.fullmatch(package or "")
                    if not package or pm is None or pm.group(1):
                        continue
                    bits = package.rsplit(".", len(dots) - 1)
                    if len(bits) < len(dots):
                        continue  # beyond the top-level package
                    spec = bits[0] + ("." + rest if rest else "")
            if not self.in_code(p):
                continue
            g, f = self.context(p)
            self.found.append((p, K_PY_DYNAMIC, spec, self.line_text(p), g, f))

    def attributes(self, tops: list[str]) -> None:
        """Dotted chains ``NAME.x...`` in code, for the names bound by plain imports."""
        text = self.text
        stmts = self.stmts
        st_starts = [s for s, _ in stmts]
        found = self.found
        chain = _CHAIN.match
        find = text.find
        for name in tops:
            key = name + "."
            q0 = len(name)
            p = find(key)
            while p >= 0:
                q = p + q0
                if p:
                    prev = text[p - 1]
                    if prev.isalnum() or prev == "_" or prev == ".":
                        p = find(key, q)
                        continue
                m = chain(text, q)
                if m is None:
                    p = find(key, q + 1)
                    continue
                k = bisect_right(st_starts, p) - 1
                if (k < 0 or p >= stmts[k][1]) and self.in_code(p):
                    g, f = self.context(p)
                    found.append((p, K_PY_ATTR, name + m.group(), self.line_text(p), g, f))
                p = find(key, m.end())

    def python2(self) -> None:
        """Note a Python 2 ``print`` statement (the cheap, common sign of Python 2)."""
        text = self.text
        p = text.find("print ")
        while p >= 0:
            if p == 0 or not (text[p - 1].isalnum() or text[p - 1] in "_."):
                ls = text.rfind("\n", 0, p) + 1
                m = _PY2_PRINT.match(text, p)
                if m is not None and not text[ls:p].strip():
                    after = _WORD.match(text, m.end() - 1)
                    if (after is None or after.group() not in _PY3_AFTER_PRINT) and self.in_code(p):
                        self.note(p, "Python 2 print statement", "py2")
                        return
            p = text.find("print ", p + 6)

    def refs(self) -> list[RawRef]:
        text = self.text
        out: list[RawRef] = []
        seen: set[tuple[str, int]] = set()
        line, last = 1, 0
        found = self.found
        found.sort(key=_FIRST)
        for pos, kind, spec, ev, g, flags in found:
            line += text.count("\n", last, pos)
            last = pos
            key = (spec, line)
            if key in seen:
                continue
            seen.add(key)
            out.append((kind, spec, line, ev, g, flags))
        return out


def read_python(text: str) -> FileFacts:
    """Raw references of one Python (or Cython) file. Never raises."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = _Reader(text)
    try:
        reader.run()
    except Exception as exc:  # a reader bug must not lose the file: keep what was read
        reader.notes.append((0, f"syntax error; reading stopped early ({type(exc).__name__})"))
    try:
        refs = reader.refs()
    except Exception:
        refs = []
    return ("py", refs, reader.notes, {})


def blank_comments_py(text: str) -> str:
    """The text with every ``#`` comment replaced by spaces; strings and line structure kept."""
    if "#" not in text:
        return text
    out: list[str] = []
    last = 0
    for m in _BLANK_TOK.finditer(text):
        s = m.start()
        if text[s] == "#":
            out.append(text[last:s])
            out.append(" " * (m.end() - s))
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def guards_at_lines(text: str, lines: list[int]) -> dict[int, Guard]:
    """The ``if``/``elif``/``else`` guard of each given line (1-based), as for a reference there.

    Used for module ``references`` pattern hits, which the import reader does not see. Never
    raises: a line whose context cannot be read gets no guard.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = _Reader(text)
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    out: dict[int, Guard] = {}
    for line in lines:
        if not 1 <= line <= len(starts):
            continue
        ls = starts[line - 1]
        at = ls + (len(text[ls:].split("\n", 1)[0]) - len(text[ls:].split("\n", 1)[0].lstrip()))
        try:
            out[line] = reader.context(at)[0]
        except Exception:
            out[line] = None
    return out
