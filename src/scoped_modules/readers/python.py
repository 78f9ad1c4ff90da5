"""Python reader: imports, dynamic imports and attribute chains of one file, with their guards.

No full parse (a whole-file ``ast.parse`` costs several times the per-file budget). Instead:

- **candidates** come from fast literal searches of the whole text: the word ``import`` (every
  import statement contains it), ``import_module(``/``__import__(``, and ``NAME.`` for the names
  that the file's import statements bind (``import a.b`` binds ``a``; ``import a.b as c`` binds
  ``c`` to ``a.b``; ``from a import b as c`` binds ``c`` to ``a.b``);
- **structure** comes from one forward pass, made lazily up to the furthest candidate: a regex
  consumes runs of *simple* lines (complete on their own: brackets balanced, strings closed, no
  continuation) in one call; each other line is matched as one *logical* line by a second regex
  with bounded nesting, or by a small tokenizer (PEP 701 f-strings, deep nesting, broken code).
  Only the logical lines that span several physical lines are recorded, so a physical line start
  is a continuation exactly when it falls inside one of them;
- a candidate is **in code** unless it lies in a string or comment of its logical line (the line
  is lexed once, f-string replacement fields count as code);
- **block structure** comes from indentation: the enclosing header of a logical line is the
  nearest earlier logical line with a smaller indent, found by one regex search over the
  reversed text (skipping continuations) and memoised per indent; headers (``if/elif/else``,
  ``try``, ``def``) are read with the tokenizer, and only an ``if`` test that is not a plain
  name is handed to ``ast`` (cached by its text). An ``elif``/``else`` carries the negation of
  every earlier test of its chain, built once per clause and shared in chunks, so long chains
  stay linear;
- an attribute chain through a bound name also carries the guards of the imports that bind it
  (it reaches the module only where one of them ran) and the optional/TYPE_CHECKING flags they
  all share. Names are NFKC-normalised as Python does (PEP 3131).

Attribute chains are read in two steps (issue 8): a real repository has tens of thousands, of
which a handful reach a module. ``read_python`` (the facts, cached by blob) lists only the
dotted names the chains may have: each candidate's chain text is matched in C (``map`` over the
candidates), without the in-code check, block context and evidence, so the list is a superset
(it leaves out only texts that the structure the imports needed already shows in strings or
comments). The index asks ``python_refs`` for the chains of a file only when one of those names
can reach a module, and then reads in full only the candidates whose chain may have such a name.

Known approximations: indentation is compared by characters (a tab counts one); syntax errors
are noted only where the reader looks (import statements, headers, unterminated strings and
brackets; the chains' lines only where ``python_refs`` reads them) plus the common Python 2
forms; after an unclosed bracket the reader resumes at the next line.
"""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container
from itertools import repeat
from operator import add, itemgetter, methodcaller
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
from .speedups import compiled

Guard = Any

# --- lexical patterns ---------------------------------------------------------------------------

_PREFIXES = frozenset({"", "r", "u", "b", "f", "br", "rb", "fr", "rf"})
_PREFIX_CHARS = frozenset("rRbBuUfF")
_MAX_NEST = 40  # f-strings nested deeper are read as plain strings

# A plain string from its opening quote; unterminated, a triple-quoted one runs to the end of the
# text and a one-line one to the end of its line (a backslash continues it).
_PLAIN = {
    "'''": re.compile(r"'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+(''')?"),
    '"""': re.compile(r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(""")?'),
    "'": re.compile(r"'(?:[^'\\\n]++|\\[\s\S])*+(')?"),
    '"': re.compile(r'"(?:[^"\\\n]++|\\[\s\S])*+(")?'),
}
# Inside an f-string: the next character that matters in a literal part or a format spec, and
# in a replacement field's expression.
_F_LIT = {
    "'''": re.compile(r"['{}\\]"),
    '"""': re.compile(r'["{}\\]'),
    "'": re.compile(r"['{}\\\n]"),
    '"': re.compile(r'["{}\\\n]'),
}
_F_EXPR = re.compile(r"['\"#()\[\]{}:!\\\n]")
_QUOTE_OR_HASH = re.compile(r"['\"#]")
_STRUCT_TOK = re.compile(r"['\"#()\[\]{}\n\\]")
_HEAD_TOK = re.compile(r"['\"#()\[\]{}\\:;]")

# Fast structure: a run of simple lines, and one logical line with bounded nesting. Each may fail
# on something it does not know (the tokenizer then decides); neither ever mis-reads.
_NOT_F = r"(?<![fF])(?<![fF][rR])"
_IS_F = r"(?:(?<=[fF])(?<!\w[fF])|(?<=[fF][rR])(?<!\w[fF][rR])|(?<=[rR][fF])(?<!\w[rR][fF]))"
_FIELD = r"\{(?:[^'\"\\\n{}#]++|'[^'\\\n{}]*+'|\"[^\"\\\n{}]*+\")*+\}"
_F_ONE = (
    r"'(?!'')(?:[^'\\\n{}]++|\\[^\n{}N]|\{\{|\}\}|" + _FIELD + r")*+'"
    r'|"(?!"")(?:[^"\\\n{}]++|\\[^\n{}N]|\{\{|\}\}|' + _FIELD + r')*+"'
)
_STR_LINE = (
    _NOT_F + r"(?:'''(?:[^'\\\n]++|\\[^\n]|'(?!''))*+'''"
    r'|"""(?:[^"\\\n]++|\\[^\n]|"(?!""))*+"""'
    r"|'(?!'')(?:[^'\\\n]++|\\[^\n])*+'"
    r'|"(?!"")(?:[^"\\\n]++|\\[^\n])*+")'
    r"|" + _IS_F + "(?:" + _F_ONE + ")"
)
_STR_ANY = (
    _NOT_F + r"(?:'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+'''"
    r'|"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""'
    r"|'(?!'')(?:[^'\\\n]++|\\[\s\S])*+'"
    r'|"(?!"")(?:[^"\\\n]++|\\[\s\S])*+")'
    r"|" + _IS_F + r"(?:'''(?:[^'\\{}]++|\\[^{}N]|'(?!'')|\{\{|\}\}|" + _FIELD + r")*+'''"
    r'|"""(?:[^"\\{}]++|\\[^{}N]|"(?!"")|\{\{|\}\}|' + _FIELD + r')*+"""|' + _F_ONE + ")"
)
_RUN = r"[^\n'\"#()\[\]{}\\]++"


def _nested(atom: str, depth: int) -> str:
    inner = atom
    for _ in range(depth):
        inner = atom + r"|[(\[{](?:" + inner + r")*+[)\]}]"
    return inner


_SIMPLE_LINES = re.compile(
    r"(?:(?:" + _nested(_RUN + "|(?=['\"])(?:" + _STR_LINE + ")", 3) + r")*+(?:#[^\n]*+)?\n)*+"
)
_LOGICAL = re.compile(
    r"(?:"
    + _RUN
    + "|(?=['\"])(?:"
    + _STR_ANY
    + r")|\\\n|[(\[{](?:"
    + _nested(r"[^'\"#()\[\]{}\\]++|(?=['\"])(?:" + _STR_ANY + r")|#[^\n]*+|\\\n", 7)
    + r")*+[)\]}])*+(?:#[^\n]*+)?(?=\n|\Z)"
)

# --- statements -----------------------------------------------------------------------------

# Identifiers. In code (outside strings and comments) valid Python has non-ASCII characters only
# in identifiers, so every one counts as an identifier character: `\w` misses some that Python
# accepts (combining marks, U+00B7 and the other Other_ID_Continue characters).
_ID_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]"  # [A-Za-z_] and every non-ASCII character
_ID_CHAR = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"  # [0-9A-Za-z_] and every non-ASCII one
_ID = _ID_START + _ID_CHAR + "*"
_ID_REV = _ID_CHAR + "*" + _ID_START
_END = f"(?!{_ID_CHAR})"  # the end of a keyword
_ASID = rf"{_ID}(?:[ \t]+as[ \t]+{_ID})?"
_DOTID = rf"{_ID}(?:\.{_ID})*(?:[ \t]+as[ \t]+{_ID})?"
_LINE_END = r"[ \t]*+(?:#[^\n]*)?(?=\n|\Z)"
_FAST_IMPORT = re.compile(rf"(c?import)[ \t]+({_DOTID}(?:[ \t]*,[ \t]*{_DOTID})*)" + _LINE_END)
_ASID_ML = rf"{_ID}(?:\s+as\s+{_ID})?"
_FAST_FROM = re.compile(
    rf"from[ \t]+(\.+(?:{_ID}(?:\.{_ID})*)?|{_ID}(?:\.{_ID})*)[ \t]+(c?import){_END}[ \t]*"
    rf"(?:(\*|{_ASID}(?:[ \t]*,[ \t]*{_ASID})*)"
    rf"|\(\s*({_ASID_ML}(?:\s*,\s*{_ASID_ML})*)\s*,?\s*\))" + _LINE_END
)
# `from <dotted> ` before an `import` keyword, matched backwards in the reversed text
_SP_REV = r"(?:[ \t\f]|\n\\)"
_REV_FROM = re.compile(
    rf"{_SP_REV}*+(?:{_ID_REV}(?:{_SP_REV}*+\.{_SP_REV}*+{_ID_REV})*)?"
    rf"(?:{_SP_REV}*+\.)*+{_SP_REV}*+morf{_END}"
)
_FROM_STMT = re.compile(
    rf"from{_END}\s*((?:\.\s*)*)({_ID}(?:\s*\.\s*{_ID})*)?\s*(c?import){_END}\s*(.*)", re.S
)
_IMPORT_STMT = re.compile(rf"(c?import){_END}\s*(.*)", re.S)
_DOTTED_AS = re.compile(rf"({_ID}(?:\s*\.\s*{_ID})*)(?:\s+as\s+({_ID}))?")
_NAME_AS = re.compile(rf"({_ID})(?:\s+as\s+({_ID}))?")
_WS = re.compile(r"\s+")
_INDENT = re.compile(r"[ \t\f]*")

_DYN = re.compile(r"(import_module|__import__)\s*\(")
_GAP = re.compile(r"(?:\s|\\\n|#[^\n]*)*")
_DYN_STR = re.compile(
    r"[rRuU]?(?:'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\[\s\S]|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n]|\\[\s\S])*'|\"(?:[^\"\\\n]|\\[\s\S])*\")"
)
_DYN_PKG = re.compile(
    r"\s*(?:package\s*=\s*)?(?:[rRuU]?(?:\"([^\"\\\n]*)\"|'([^'\\\n]*)')|(__package__))\s*[,)]"
)
_MODNAME = re.compile(rf"(\.*)((?:{_ID}(?:\.{_ID})*)?)")
_CHAIN_GAP = r"(?:[ \t\f\n]|\\\n|#[^\n]*)*+"
_CHAIN = re.compile(rf"(?:{_CHAIN_GAP}\.(?:[ \t\f\n]|\\\n)*+{_ID})+")
_CHAIN_PART = re.compile(_ID)
# a chain without spaces, comments or continuations (and not followed by a spaced one)
_PLAIN_CHAIN = re.compile(rf"(?:\.{_ID_START}{_ID_CHAR}*+)++(?![ \t\f\n\\#]*\.)")
_NAME_DOT = re.compile(rf"(?<!{_ID_CHAR})(?<!\.){_ID}(?=\.)")
_MANY_NAMES = 32  # past this many bound names, one regex pass beats a search per name
_SPACED_DOTS = (" .", "\t.", "\n.", "\f.")
_WORD_OR_DOT = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")

# Block headers that contribute to a reference's context, at a line start.
_KW = re.compile(r"[ \t\f]*(if|elif|else|try|def|async[ \t\f]+def)" + _END)
# Clauses that can precede an `else`/`elif` at the same indent.
_CLAUSE = re.compile(r"[ \t\f]*(if|elif)" + _END)
_EXCEPT = re.compile(r"except" + _END)
_EXCEPT_NAMES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_TC = re.compile(r"(?:\w+\s*\.\s*)*TYPE_CHECKING")
_SIMPLE_TEST = re.compile(rf"(not\s+)?({_ID}(?:\s*\.\s*{_ID})*)")
_WORD = re.compile(r"[A-Za-z_]\w*")
_AS_TAIL = re.compile(r"\s+as\s+\w+\s*$")

_PY2_PRINT = re.compile(r"print[ \t]+(?:[\"']|[^\W\d])")
_PY2_EXCEPT = re.compile(rf"[ \t]+[\w.]+[ \t]*,[ \t]*{_ID}[ \t]*$")
_PY3_AFTER_PRINT = frozenset({"in", "is", "and", "or", "not", "if", "else", "for"})

_OFF_VALUES = frozenset({"off", "0", "", "false"})
_NOT_NAMES = frozenset({"on", "off", "true", "false", "yes", "no"})

_FIRST = itemgetter(0)
_DEDENT: dict[int, re.Pattern[str]] = {}
_FORWARD: dict[int, re.Pattern[str]] = {}
_TEST_CACHE: dict[str, tuple[Guard, bool, bool]] = {}


def _idchar(c: str) -> bool:
    """Whether a character (of code) can be part of an identifier."""
    return c.isalnum() or c == "_" or c > "\x7f"


def _nfkc(name: str) -> str:
    """An identifier (or dotted name) as Python sees it: NFKC-normalised (PEP 3131)."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


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


_CHUNK = 16


def _push(state: tuple, t: Guard) -> tuple:
    """Add condition ``t`` to a conjunction kept as levels of at most ``_CHUNK`` items (level 0
    the newest conditions, each higher level a tuple of full ``("and", ...)`` chunks), so that
    a long ``elif`` chain shares its structure: adding costs O(_CHUNK * depth), not O(length).
    """
    if t is None:
        return state
    levels = list(state)
    item = t
    i = 0
    while True:
        if i == len(levels):
            levels.append(())
        lvl = levels[i] + (item,)
        if len(lvl) < _CHUNK:
            levels[i] = lvl
            break
        levels[i] = ()
        item = ("and", *lvl)
        i += 1
    return tuple(levels)


def _flatten(state: tuple | None) -> Guard:
    """The conjunction a ``_push`` state stands for, oldest condition first (flat while the
    chain is shorter than ``_CHUNK``)."""
    if not state:
        return None
    low = conj(*state[0])
    chunks = [c for lvl in reversed(state[1:]) for c in lvl]
    if not chunks:
        return low
    tail = [] if low is None else list(low[1:]) if low[0] == "and" else [low]
    return ("and", *chunks, *tail)


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


def _is_type_checking(node: ast.AST) -> bool:
    """``TYPE_CHECKING`` or ``a.b.TYPE_CHECKING`` (in any parentheses)."""
    if isinstance(node, ast.Name):
        return node.id == "TYPE_CHECKING"
    if isinstance(node, ast.Attribute) and node.attr == "TYPE_CHECKING":
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name)
    return False


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
        bad = tc = False
        if _TC.fullmatch(src):
            hit = (None, True, False)
        else:
            m = _SIMPLE_TEST.fullmatch(src)
            if m and m.group(2) not in ("True", "False", "None"):
                parts = _nfkc(_WS.sub("", m.group(2))).split(".")
                leaf = ("v", tuple(dict.fromkeys(parts)))
                guard: Guard = ("not", leaf) if m.group(1) else leaf
            else:
                try:
                    # parenthesised: an `if x := f():` test is valid only that way in eval mode
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        node = ast.parse("(" + src + "\n)", mode="eval").body
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    guard, bad = _unknown(), True
                else:
                    tc = _is_type_checking(node)
                    guard = None if tc else _convert(node)
            hit = (guard, tc, bad)
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
        "nonascii",
        "notes",
        "found",
        "noted",
        "cursor",
        "ml_s",
        "ml_e",
        "_rev",
        "_spans",
        "_ls",
        "stmts",
        "binds",
        "block",
        "encl",
        "asked",
        "line_ctx",
        "colons",
        "contrib",
        "tests",
        "chains",
        "line_ev",
        "specs",
        "_tails",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.nonascii = not text.isascii()
        self.notes: list[tuple[int, str]] = []
        # (position, kind, spec, evidence, guard, flags)
        self.found: list[tuple[int, str, str, str, Guard, int]] = []
        self.noted: set[str] = set()
        # structure: known up to `cursor`; logical lines spanning several physical lines
        self.cursor = 0
        self.ml_s: list[int] = []
        self.ml_e: list[int] = []  # the newline that ends each (or the end of the text)
        self._rev: str | None = None
        self._spans: dict[int, tuple[list[int], list[int]]] = {}
        self._ls = (0, -1)  # (start, end) of the last physical line looked up
        self.stmts: list[tuple[int, int]] = []  # import statements (start, end)
        # name -> dotted name it is bound to -> (guard, flags) of each import binding it
        self.binds: dict[str, dict[str, list[tuple[Guard, int]]]] = {}
        self.block: dict[int, tuple[Guard, int]] = {}
        self.encl: dict[int, tuple[int, int] | None] = {}
        self.asked: dict[int, list[int]] = {}  # indent -> line starts asked about, in order
        self.line_ctx: dict[int, tuple[Guard, int, int, bool]] = {}
        self.colons: dict[int, int] = {}
        self.contrib: dict[int, tuple[Guard, int] | None] = {}
        self.tests: dict[int, tuple[Guard, bool]] = {}
        self.chains: dict[int, tuple[bool, Guard, tuple | None]] = {}
        self.line_ev: dict[int, str] = {}
        self.specs: set[str] = set()  # what `summarise` found
        self._tails: list[tuple[str, list[int], list[str]]] | None = None

    # -- notes, lines
    def line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def note(self, pos: int, msg: str, once: str | None = None) -> None:
        if once is not None:
            if once in self.noted:
                return
            self.noted.add(once)
        self.notes.append((self.line_of(pos), "syntax error; " + msg))

    def line_start(self, pos: int) -> int:
        ls, le = self._ls
        if ls <= pos <= le:
            return ls
        text = self.text
        ls = text.rfind("\n", 0, pos) + 1
        le = text.find("\n", pos)
        self._ls = (ls, le if le >= 0 else self.n)
        return ls

    def indent(self, ls: int) -> int:
        return _INDENT.match(self.text, ls).end() - ls  # type: ignore[union-attr]

    # -- strings and comments
    def string_end(self, q: int, out: list[tuple[int, int]] | None, depth: int = 0) -> int:
        """End of the string literal whose opening quote is at ``q`` (its prefix, if any, is just
        before). Appends the parts that are not code (the whole literal, or an f-string's literal
        parts and format specs) to ``out``."""
        text = self.text
        c = text[q]
        quote = c * 3 if text.startswith(c * 3, q) else c
        i = q
        while i > 0 and q - i < 2 and text[i - 1] in _PREFIX_CHARS:
            i -= 1
        if i < q:
            prev = text[i - 1] if i else " "
            if _idchar(prev) or text[i:q].lower() not in _PREFIXES:
                i = q
        if i < q and "f" in text[i:q].lower() and depth < _MAX_NEST:
            return self.fstring(i, q, quote, "r" in text[i:q].lower(), out, depth)
        m = _PLAIN[quote].match(text, q)
        end = m.end()  # type: ignore[union-attr]
        if len(quote) == 3 and m.group(1) is None:  # type: ignore[union-attr]
            self.note(q, "unterminated triple-quoted string", "tq")
        if out is not None:
            out.append((i, end))
        return end

    def fstring(
        self, start: int, q: int, quote: str, raw: bool, out: list | None, depth: int
    ) -> int:
        """End of an f-string (PEP 701: replacement fields may hold any expression, strings
        with the same quotes included)."""
        return self.literal(q + len(quote), start, quote, raw, out, depth, False)

    def field(self, pos: int, quote: str, raw: bool, out: list | None, depth: int) -> int:
        """From just after a replacement field's ``{``: the position after its ``}``."""
        text, n = self.text, self.n
        one = len(quote) == 1
        d = 0
        first_nl = -1
        while True:
            m = _F_EXPR.search(text, pos)
            if m is None:
                return first_nl if one and first_nl >= 0 else n
            i = m.start()
            c = text[i]
            if c == "'" or c == '"':
                pos = self.string_end(i, out, depth + 1)
                continue
            if c == "#":
                j = text.find("\n", i)
                j = n if j < 0 else j
                if out is not None:
                    out.append((i, j))
                pos = j
                continue
            if c == "\n":
                if first_nl < 0:
                    first_nl = i
            elif c in "([{":
                d += 1
            elif c in ")]":
                d = max(d - 1, 0)
            elif c == "}":
                if d == 0:
                    return i + 1
                d -= 1
            elif c == ":" and d == 0:
                return self.spec(i + 1, quote, raw, out, depth)
            elif c == "\\":
                pos = i + 2
                continue
            pos = i + 1

    def spec(self, pos: int, quote: str, raw: bool, out: list | None, depth: int) -> int:
        """From just after a format spec's ``:``: the position after the field's ``}``."""
        return self.literal(pos, pos, quote, raw, out, depth, True)

    def literal(
        self, pos: int, lit: int, quote: str, raw: bool, out: list | None, depth: int, spec: bool
    ) -> int:
        """The literal text of an f-string from ``pos`` (``lit``: where its current literal
        part starts), its replacement fields read by ``field``: the end of the string, or with
        ``spec`` of a format spec (after its field's ``}``; at the quote or line end that ends
        the string inside it, a syntax error). In a spec, ``{{`` does not escape a brace and a
        backslash escapes any character."""
        text, n = self.text, self.n
        rx = _F_LIT[quote]
        while True:
            m = rx.search(text, pos)
            if m is None:
                end = n
                break
            i = m.start()
            c = text[i]
            if c == "\\":
                nxt = text[i + 1 : i + 2]
                if spec:
                    pos = i + 2
                elif nxt == "{" or nxt == "}":
                    pos = i + 1
                elif nxt == "N" and not raw and text.startswith("{", i + 2):
                    j = text.find("}", i + 3)
                    pos = j + 1 if j >= 0 else n
                else:
                    pos = i + 2
                continue
            if c == "{":
                if not spec and text.startswith("{", i + 1):
                    pos = i + 2
                    continue
                if out is not None:
                    out.append((lit, i + 1))
                pos = lit = self.field(i + 1, quote, raw, out, depth)
                continue
            if c == "}":
                if spec:
                    end = i + 1
                    break
                pos = i + 2 if text.startswith("}", i + 1) else i + 1
                continue
            if c == "\n":
                end = i  # unterminated at the end of its line
                break
            if len(quote) == 1 or text.startswith(quote, i):
                end = i if spec else i + len(quote)
                break
            pos = i + 1
        if out is not None and end > lit:
            out.append((lit, end))
        return end

    # -- structure
    def ensure(self, upto: int) -> None:
        """Know every logical line that starts at or before ``upto``."""
        pos = self.cursor
        if pos > upto:
            return
        text, n = self.text, self.n
        simple = _simple_lines
        logical = _logical
        ml_s, ml_e = self.ml_s, self.ml_e
        while pos <= upto:
            e = simple(text, pos)
            if e > upto or e >= n:
                pos = e if e < n else n + 1
                break
            end = logical(text, e)
            if end < 0:
                end = self.slow_end(e)
            if text.find("\n", e, end) >= 0:
                ml_s.append(e)
                ml_e.append(end)
            pos = end + 1
        self.cursor = pos

    def slow_end(self, s: int, brackets: bool = True) -> int:
        """End of the logical line at ``s`` by the tokenizer; after an unclosed bracket, the
        first newline outside strings."""
        text, n = self.text, self.n
        depth = 0
        pos = s
        search = _STRUCT_TOK.search
        while True:
            m = search(text, pos)
            if m is None:
                end = n
                break
            i = m.start()
            c = text[i]
            if c == "\n":
                if depth <= 0:
                    end = i
                    break
                pos = i + 1
            elif c == "'" or c == '"':
                pos = self.string_end(i, None)
            elif c == "#":
                pos = text.find("\n", i)
                if pos < 0:
                    end = n
                    break
            elif c == "\\":
                pos = i + 2
            else:
                if brackets:
                    depth += 1 if c in "([{" else -1
                pos = i + 1
        if depth > 0:
            self.note(s, "unclosed bracket", "br")
            return self.slow_end(s, False)
        return end

    def logical_start(self, ls: int) -> int:
        """The start of the logical line that the physical line at ``ls`` belongs to."""
        self.ensure(ls)
        ml_s = self.ml_s
        k = bisect_right(ml_s, ls) - 1
        if k >= 0 and ls <= self.ml_e[k]:
            return ml_s[k]
        return ls

    def logical_end(self, s: int) -> int:
        """The end (its final newline, or the end of the text) of the logical line at ``s``."""
        self.ensure(s)
        k = bisect_right(self.ml_s, s) - 1
        if k >= 0 and self.ml_s[k] == s:
            return self.ml_e[k]
        e = self.text.find("\n", s)
        return self.n if e < 0 else e

    def spans(self, s: int) -> tuple[list[int], list[int]]:
        """Strings and comments (the parts that are not code) of the logical line at ``s``."""
        got = self._spans.get(s)
        if got is None:
            end = self.logical_end(s)
            text = self.text
            out: list[tuple[int, int]] = []
            pos = s
            search = _QUOTE_OR_HASH.search
            while True:
                m = search(text, pos, end)
                if m is None:
                    break
                i = m.start()
                if text[i] == "#":
                    j = text.find("\n", i, end)
                    j = end if j < 0 else j
                    out.append((i, j))
                    pos = j
                else:
                    pos = self.string_end(i, out)
            out.sort()
            got = self._spans[s] = ([a for a, _ in out], [b for _, b in out])
        return got

    def in_code(self, pos: int) -> bool:
        """True when ``pos`` is outside strings and comments."""
        ls = self.line_start(pos)
        return self.code_at(pos, ls, self.logical_start(ls))

    def code_at(self, pos: int, ls: int, s: int) -> bool:
        """``in_code`` for a position on the physical line ``ls`` of the logical line ``s``."""
        if s == ls and pos - ls < 400 and _QUOTE_OR_HASH.search(self.text, ls, pos) is None:
            return True
        starts, ends = self.spans(s)
        k = bisect_right(starts, pos) - 1
        return k < 0 or pos >= ends[k]

    def code_text(self, s: int, e: int) -> str:
        """``text[s:e]`` (within one logical line) without comments and line continuations."""
        text = self.text
        src = text[s:e]
        if "#" in src:
            starts, ends = self.spans(self.logical_start(self.line_start(s)))
            parts: list[str] = []
            last = s
            for a, b in zip(starts, ends, strict=True):
                if b <= s or a >= e or text[a] != "#":
                    continue
                parts.append(text[last:a])
                last = b
            parts.append(text[last:e])
            src = "".join(parts)
        if "\\" in src:
            src = src.replace("\\\n", " ")
        return src

    def first_at_depth0(self, s: int, end: int, chars: str) -> int:
        """The first of ``chars`` (``:`` never as ``:=``) at bracket depth 0 in ``text[s:end]``,
        outside strings and comments; -1 if none."""
        text = self.text
        depth = 0
        pos = s
        search = _HEAD_TOK.search
        while True:
            m = search(text, pos, end)
            if m is None:
                return -1
            i = m.start()
            c = text[i]
            if c == "'" or c == '"':
                pos = self.string_end(i, None)
                continue
            if c == "#":
                j = text.find("\n", i, end)
                if j < 0:
                    return -1
                pos = j
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c == "\\":
                pos = i + 2
                continue
            elif depth <= 0 and c in chars and not (c == ":" and text.startswith("=", i + 1)):
                return i
            pos = i + 1

    # -- block structure
    @property
    def rev(self) -> str:
        if self._rev is None:
            self._rev = self.text[::-1]
        return self._rev

    def back(self, ls: int, ind: int, lo: int = 0) -> tuple[int, int] | None:
        """The nearest logical line before line ``ls`` (and at or after ``lo``) indented at most
        ``ind``: (start, indent)."""
        if ls <= lo:
            return None
        rev, n = self.rev, self.n
        rx = _dedent(ind)
        ml_s, ml_e = self.ml_s, self.ml_e
        r = n - ls
        while True:
            m = rx.search(rev, r, n - lo)
            if m is None:
                return None
            h = n - m.end()
            k = bisect_right(ml_s, h) - 1
            if k >= 0 and ml_s[k] < h <= ml_e[k]:
                h = ml_s[k]  # a continuation: the logical line it belongs to
                width = self.indent(h)
                if width > ind:
                    r = n - h
                    continue
                return h, width
            return h, self.indent(h)

    def enclosing(self, ls: int, ind: int) -> tuple[int, int] | None:
        """The nearest logical line before the logical line ``ls`` (indented ``ind``) indented
        less.

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
        res = self.back(ls, ind - 1, lo)
        if res is None and k:
            res = memo[lo]
        memo[ls] = res
        asked.insert(k, ls)
        return res

    def context(self, pos: int, s: int = -1) -> tuple[Guard, int]:
        """(guard, flags) of a reference at ``pos`` (on the logical line at ``s``, if given)."""
        text = self.text
        if s < 0:
            s = self.logical_start(self.line_start(pos))
        hit = self.line_ctx.get(s)
        if hit is None:
            ind = self.indent(s)
            g, f = self.block_of(s, ind) if ind else (None, 0)
            hit = self.line_ctx[s] = (g, f, ind, _KW.match(text, s) is not None)
        if hit[3]:
            return self.own(s, hit[2], pos, hit[0], hit[1])
        return hit[0], hit[1]

    def block_of(self, ls: int, ind: int) -> tuple[Guard, int]:
        """Context of the block that contains the logical line at ``ls`` (its own header
        excluded)."""
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
            got = self.body_of(h, j)
            if got is not None:
                base = (base[0] if got[0] is None else conj(base[0], got[0])), base[1] | got[1]
            memo[child] = base
        return base

    def body_of(self, h: int, j: int) -> tuple[Guard, int] | None:
        """What the header at ``h`` (indent ``j``) contributes to its body: the test, flags or
        negated chain (None: nothing, or not a header)."""
        contrib = self.contrib
        if h in contrib:
            return contrib[h]
        got = None
        m = _KW.match(self.text, h)
        if m is not None:
            c = self.colon_of(h)
            if c >= 0:
                got = self.contribution(h, j, m.group(1), m.end(), c)
        contrib[h] = got
        return got

    def own(self, h: int, j: int, pos: int, g: Guard, f: int) -> tuple[Guard, int]:
        """Add what the header at ``h`` contributes to a position ``pos`` on its own logical
        line: after the colon as to its body; an ``elif`` test's own references get the
        negation of the earlier tests."""
        c = self.colon_of(h)
        if c < 0:
            return g, f
        if c < pos:
            got = self.body_of(h, j)
        elif self.text.startswith("elif", h + j):
            got = (self.chain_of(h, j)[1], 0)
        else:
            return g, f
        if got is None:
            return g, f
        if got[0] is None:
            return g, f | got[1]
        return conj(g, got[0]), f | got[1]

    def colon_of(self, h: int) -> int:
        """Position of the colon that ends the header at ``h`` (-1: none)."""
        c = self.colons.get(h)
        if c is None:
            text = self.text
            end = self.logical_end(h)
            body = text[h:end].rstrip()
            if (
                body.endswith(":")
                and "\n" not in body
                and _QUOTE_OR_HASH.search(body) is None
                and "\\" not in body
                and body.count("(") == body.count(")")
                and body.count("[") == body.count("]")
                and body.count("{") == body.count("}")
            ):
                c = h + len(body) - 1  # a one-line header: its colon ends it
            else:
                c = self.first_at_depth0(h, end, ":")
            self.colons[h] = c
        return c

    def contribution(self, h: int, j: int, kw: str, kw_end: int, colon: int) -> tuple[Guard, int]:
        if kw == "def" or kw.startswith("async"):
            return None, F_FUNC
        if kw == "try":
            return None, (F_OPTIONAL if self.optional(h, j) else 0)
        if kw == "if":
            g, tc = self.test(h, kw_end, colon)
            return (None, F_TYPE_CHECKING) if tc else (g, 0)
        is_chain, negs = self.chain_of(h, j)
        if kw == "else":
            return negs, 0
        g, tc = self.test(h, kw_end, colon)
        if tc:
            return negs, F_TYPE_CHECKING
        return conj(negs, g), 0

    def test(self, h: int, kw_end: int, colon: int) -> tuple[Guard, bool]:
        got = self.tests.get(h)
        if got is None:
            src = self.code_text(kw_end, colon)
            src = " ".join(src.split())
            g, tc, bad = test_guard(src)
            if bad:
                self.note(h, "condition not readable", "cond")
            got = self.tests[h] = (g, tc)
        return got

    def chain_of(self, h: int, j: int) -> tuple[bool, Guard]:
        """For the ``elif``/``else`` at ``h`` (indent ``j``): whether it continues an if-chain,
        and the negation of every earlier test of the chain (a TYPE_CHECKING test adds none).

        Built clause by clause from the nearest memoised one, so a chain costs linear time."""
        memo = self.chains
        hit = memo.get(h)
        if hit is not None:
            return hit[0], hit[1]
        text = self.text
        pending: list[int] = []  # h, then each `elif` before it whose answer is not known yet
        cur = h
        state: tuple | None
        while True:
            pending.append(cur)
            up = self.back(cur, j)
            if up is None or up[1] < j:
                state = None
                break
            line = up[0]
            m = _CLAUSE.match(text, line)
            if m is None or self.colon_of(line) < 0:
                state = None
                break
            if m.group(1) == "if":
                state = _push((), self.negated_test(line, m.end()))
                break
            prev = memo.get(line)
            if prev is not None:
                state = prev[2] and _push(prev[2], self.negated_test(line, m.end()))
                if prev[2] is None:
                    state = None
                break
            cur = line
        # `state` answers the last pending clause; each other pending clause follows the `elif`
        # after it in `pending`
        for k in range(len(pending) - 1, -1, -1):
            clause = pending[k]
            memo[clause] = (state is not None, _flatten(state), state)
            if k and state is not None:
                m = _CLAUSE.match(text, clause)
                state = _push(state, self.negated_test(clause, m.end()))  # type: ignore[union-attr]
        got = memo[h]
        return got[0], got[1]

    def negated_test(self, line: int, kw_end: int) -> Guard:
        g, tc = self.test(line, kw_end, self.colon_of(line))
        return None if tc else neg(g)

    def optional(self, h: int, j: int) -> bool:
        """Whether the ``try`` at ``h`` has a handler catching ImportError (or broader)."""
        text = self.text
        pos = self.logical_end(h)
        rx = _forward(j)
        while True:
            m = rx.search(text, pos)
            if m is None:
                return False
            y = m.end()
            ls = m.start() + 1
            s = self.logical_start(ls)
            if s != ls:
                pos = self.logical_end(s)  # a continuation line
                continue
            if len(m.group(1)) < j:
                return False
            if _EXCEPT.match(text, y) is None:
                return False
            end = self.logical_end(ls)
            c = self.first_at_depth0(y, end, ":")
            clause = self.code_text(y + 6, c if c >= 0 else end)
            if _PY2_EXCEPT.match(clause):
                self.note(y, "Python 2 except clause", "py2")
            clause = _AS_TAIL.sub("", clause.strip().lstrip("*").strip())
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
    def run(self, chains: bool = False, keep: Callable[[str], bool] | None = None) -> None:
        """Read the file: imports, the dotted names chains may have (``summarise``), and with
        ``chains`` the chains themselves (only those ``keep`` accepts, when given)."""
        dyn: list[int] = []
        self.imports(dyn)
        if dyn:
            self.dynamic(dyn)
        if self.binds:
            self.summarise()
            if chains:
                self.attributes(keep)
        if "print " in self.text:
            self.python2()

    def bind(self, pairs: list[tuple[str, str]], g: Guard, flags: int) -> None:
        """Record that an import statement (with its guard and flags) binds each name to a
        dotted name."""
        binds = self.binds
        for name, target in pairs:
            binds.setdefault(name, {}).setdefault(target, []).append((g, flags))

    def before(self, pos: int) -> str:
        """The character before ``pos``, across spaces and backslash line continuations
        (a newline at the start of the text)."""
        text = self.text
        i = pos
        while True:
            while i > 0 and text[i - 1] in " \t\f":
                i -= 1
            if (
                i >= 2
                and text[i - 1] == "\n"
                and text[i - 2] == "\\"
                and self.logical_start(i) != i
            ):
                i -= 2  # a line continuation (not a backslash ending a comment)
                continue
            return text[i - 1] if i else "\n"

    def stmt_start(self, kw: int) -> tuple[int, bool] | None:
        """Where the statement of an ``import`` keyword at ``kw`` starts, and whether that is
        the start of its line; None when the keyword is not in statement position."""
        c = self.before(kw)
        if c == "\n":
            return kw, True
        if c == ";" or c == ":":
            return kw, False
        m = _REV_FROM.match(self.rev, self.n - kw)
        if m is None:
            return None
        start = self.n - m.end()
        c = self.before(start)
        if c == "\n":
            return start, True
        if c == ";" or c == ":":
            return start, False
        return None

    def imports(self, dyn: list[int]) -> None:
        """Import statements, with the names they bind.

        Every import statement contains the word ``import``: its occurrences are the candidates.
        The one-line forms at a line start are read by an anchored regex, the rest (continued,
        parenthesised, after ``:`` or ``;``) through the tokenizer. Occurrences that begin
        ``import_module`` or ``__import__`` are collected in ``dyn``."""
        text = self.text
        find = text.find
        skip = 0
        p = find("import")
        while p >= 0:
            nxt = p + 6
            after = text[nxt : nxt + 1]
            if after != " " and (after == "." or _idchar(after)):
                if after == "_":
                    if text.startswith("_module", nxt):
                        dyn.append(p)
                    elif p >= 2 and text.startswith("__import__", p - 2):
                        dyn.append(p - 2)
                p = find("import", nxt)
                continue
            if p < skip:
                p = find("import", skip)
                continue
            prev = text[p - 1 : p]
            kw = p
            if prev == "c":
                if p >= 2 and _idchar(text[p - 2]):
                    p = find("import", nxt)
                    continue
                kw = p - 1
            elif prev != " " and prev != "\n" and _idchar(prev):
                p = find("import", nxt)
                continue
            # the common one-line forms at a line start first
            ls = self.line_start(kw)
            first = _INDENT.match(text, ls).end()  # type: ignore[union-attr]
            fast = None
            if ls >= 2 and text[ls - 2] == "\\" and self.logical_start(ls) != ls:
                pass  # a continuation line: the statement may start on an earlier line
            elif first == kw:
                fast = _FAST_IMPORT.match(text, kw)
            elif text.startswith("from", first):
                fast = _FAST_FROM.match(text, first)
                if fast is not None and fast.start(2) != kw:
                    fast = None
            if fast is not None:
                start, at_line = first, True
            else:
                got = self.stmt_start(kw)
                if got is None:
                    p = find("import", nxt)
                    continue
                start, at_line = got
                ls = self.line_start(start)
            if at_line:
                code = self.logical_start(ls) == ls
            else:
                code = self.in_code(start)
            if not code:
                p = find("import", nxt)
                continue
            end = -1
            if fast is None and at_line:
                fast = (_FAST_FROM if text.startswith("from", start) else _FAST_IMPORT).match(
                    text, start
                )
            if fast is not None:
                end = self.fast_statement(fast, start, ls)
            if end < 0:
                s = self.logical_start(ls)
                le = self.logical_end(s)
                semi = self.first_at_depth0(start, le, ";")
                end = le if semi < 0 else semi
                self.statement(start, end)
            skip = end
            p = find("import", max(end, nxt))
        self.stmts.sort()

    def fast_statement(self, m: re.Match[str], start: int, ls: int) -> int:
        """A one-line statement matched by ``_FAST_IMPORT``/``_FAST_FROM``; returns its end."""
        text = self.text
        specs: list[str] = []
        pairs: list[tuple[str, str]] = []
        nf = _nfkc if self.nonascii else str
        if m.re is _FAST_FROM:
            module, kwd, names, names2 = m.group(1, 2, 3, 4)
            flags = F_FROM
            if names is None:
                names = names2
                end = text.find(")", m.end(4)) + 1
            else:
                end = m.end(3)
            module = nf(module)
            if names == "*":
                specs.append(module)
            else:
                head = module + "." if module[-1] != "." else module
                for x in names.split(","):
                    words = x.split()
                    spec = head + nf(words[0])
                    specs.append(spec)
                    pairs.append((nf(words[-1]), spec))
        else:
            kwd, names = m.group(1, 2)
            flags = 0
            end = m.end(2)
            for x in names.split(","):
                words = x.split()
                spec = nf(words[0])
                specs.append(spec)
                if len(words) == 1:
                    top = spec.split(".", 1)[0]
                    pairs.append((top, top))
                else:
                    pairs.append((nf(words[-1]), spec))
        if kwd == "cimport":
            flags |= F_CIMPORT
        self.stmts.append((start, end))
        g = None
        if start != ls:
            g, f = self.context(start)
            flags |= f
        self.bind(pairs, g, flags)
        ev = text[start:end]
        if "  " in ev or "\t" in ev or "\n" in ev:
            ev = evidence_text(ev)
        found = self.found
        for spec in specs:
            found.append((start, K_PY_IMPORT, spec, ev, g, flags))
        return end

    def statement(self, start: int, end: int) -> None:
        clean = self.code_text(start, end).strip()
        base_flags = 0
        items: list[str] = []
        binds: list[tuple[str, str]] = []
        if clean.startswith("from"):
            m = _FROM_STMT.fullmatch(clean)
            if m is None:
                self.note(start, "unreadable import statement", None)
                return
            dots = _WS.sub("", m.group(1))
            module = _nfkc(_WS.sub("", m.group(2) or ""))
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
                items.append(head)
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
                    spec = head + sep + _nfkc(nm.group(1))
                    items.append(spec)
                    binds.append((_nfkc(nm.group(2) or nm.group(1)), spec))
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
                spec = _nfkc(_WS.sub("", nm.group(1)))
                items.append(spec)
                if nm.group(2) is None:
                    top = spec.split(".", 1)[0]
                    binds.append((top, top))
                else:
                    binds.append((_nfkc(nm.group(2)), spec))
        self.stmts.append((start, end))
        g, f = self.context(start)
        self.bind(binds, g, f)
        ev = evidence_text(clean)
        found = self.found
        for spec in items:
            found.append((start, K_PY_IMPORT, spec, ev, g, base_flags | f))

    def dynamic(self, cands: list[int]) -> None:
        text = self.text
        for p in cands:
            m = _DYN.match(text, p)
            if m is None:
                continue
            if p and _idchar(text[p - 1]):
                continue
            if text[max(0, p - 12) : p].rstrip().endswith("def"):
                continue
            got = self.literal_args(m.end())
            if got is None:
                continue
            name, after = got
            nm = _MODNAME.fullmatch(name)
            if nm is None or not name:
                continue
            dots, rest = nm.group(1), nm.group(2)
            spec = name
            if dots:
                if m.group(1) != "import_module" or text[after] != ",":
                    continue
                pk = _DYN_PKG.match(text, after + 1)
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
            self.found.append((p, K_PY_DYNAMIC, _nfkc(spec), self.line_text(p), g, f))

    def literal_args(self, pos: int) -> tuple[str, int] | None:
        """The value of a first argument made of string literals (implicit concatenation
        included) starting at ``pos``, and the position of the ``,`` or ``)`` after it."""
        text = self.text
        toks: list[str] = []
        while True:
            pos = _GAP.match(text, pos).end()  # type: ignore[union-attr]
            m = _DYN_STR.match(text, pos)
            if m is None:
                break
            toks.append(m.group())
            pos = m.end()
        if not toks or pos >= self.n or text[pos] not in ",)":
            return None
        if not any("\\" in t for t in toks):
            value = "".join(
                t[3:-3] if t[-3:] in ('"""', "'''") and len(t) >= 6 else t[1:-1]
                for t in (x.lstrip("rRuU") for x in toks)
            )
        else:
            try:
                value = ast.literal_eval("(" + "\n".join(toks) + ")")
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                return None
            if not isinstance(value, str):
                return None
        return value, pos

    def name_dots(self) -> list[tuple[str, list[int]]]:
        """Each bound name and the positions where it is written right before a dot and not
        after a dot, inside a longer name or in an import statement (``NAME.x``): where chains
        start, but for the odd spellings (``odd_candidates``)."""
        out = self.all_name_dots()
        stmts = self.stmts
        if stmts and out:
            text = self.text
            written = "\n".join([text[s:e] for s, e in stmts])
            for name, at in out:
                if name + "." in written:  # drop the positions inside statements
                    for s, e in stmts:
                        lo = bisect_left(at, s)
                        if lo < len(at) and at[lo] < e:
                            del at[lo : bisect_left(at, e, lo)]
            out = [(name, at) for name, at in out if at]
        return out

    def all_name_dots(self) -> list[tuple[str, list[int]]]:
        """``name_dots``, import statements included."""
        binds = self.binds
        if len(binds) <= _MANY_NAMES:
            return _name_dots(self.text, [name for name in binds if name.isascii()])
        return _name_dots(self.text, list(binds))

    def candidates(self) -> list[int]:
        """Where a name that imports bind starts a dotted chain (``NAME.x``, ``NAME .x``, a name
        spelled with characters that NFKC changes), in order: every chain the reader follows
        starts at one of them (not every one is a chain: strings, comments, attributes)."""
        cands = {p for _name, at in self.name_dots() for p in at}
        cands.update(self.odd_candidates())
        return sorted(cands)

    def chain_at(self, p: int) -> tuple[str, int, re.Match[str]] | None:
        """The bound name at ``p`` (NFKC) and the end of its spelling, and the chain of
        attributes after it; None when there is none."""
        text = self.text
        w = _ID_AT.match(text, p)
        if w is None:
            return None
        name = w.group()
        if not name.isascii():
            name = _nfkc(name)
        if name not in self.binds:
            return None
        e = w.end()
        c = _PLAIN_CHAIN.match(text, e)
        if c is None:
            c = _CHAIN.match(text, e)
            if c is None:
                return None
        return name, e, c

    def chain_tails(self) -> list[tuple[str, list[int], list[str]]]:
        """Each bound name with the ``candidates`` that start with it and, at each, the text
        after the name that ``_TAILS`` matches (its chain, if any)."""
        if self._tails is not None:
            return self._tails
        text = self.text
        out: list[tuple[str, list[int], list[str]]] = []
        self._tails = out
        for name, at in self.name_dots():
            out.append((name, at, _tails(text, list(map(add, at, repeat(len(name)))))))
        for p in self.odd_candidates():
            w = _ID_AT.match(text, p)
            name = _nfkc(w.group())  # type: ignore[union-attr]
            if name in self.binds:
                out.append((name, [p], [_TAILS.match(text, w.end()).group()]))  # type: ignore[union-attr]
        return out

    def summarise(self) -> None:
        """The dotted names of the chains that start at ``candidates`` (a superset of what
        ``attributes`` finds: no in-code check, and both readings of a chain that continues
        after a space), without their block context and evidence. A chain text is left out
        only where the structure the imports needed shows each of its places in a string or a
        comment (a docstring before the imports that mentions a module, say)."""
        specs = self.specs
        for name, at, tails in self.chain_tails():
            found = set(tails)
            if at[0] < self.cursor:
                found -= self.not_code(at, tails)
            targets = self.binds[name]
            for attrs in _readings(found):
                specs.update(target + "." + attrs for target in targets)

    def not_code(self, at: list[int], tails: list[str]) -> set[str]:
        """The chain texts (``tails``, at the places ``at``, in order) that are in strings or
        comments wherever they are written, as far as the structure known so far shows (only
        places before ``cursor`` are looked at: a docstring or comment before the imports)."""
        text, cursor = self.text, self.cursor
        ml_s, ml_e = self.ml_s, self.ml_e
        search = _QUOTE_OR_HASH.search

        def doubtful(p: int) -> bool:  # known, and not plainly code (as `code_at` first checks)
            if p >= cursor:
                return False
            k = bisect_right(ml_s, p) - 1
            if k >= 0 and p <= ml_e[k]:
                return True  # in a logical line of several physical lines
            ls = text.rfind("\n", 0, p) + 1
            return p - ls >= 400 or search(text, ls, p) is not None

        first = dict(zip(reversed(tails), reversed(at), strict=True))  # text -> first place
        suspects = {t for t, p in first.items() if doubtful(p)}
        if not suspects:
            return suspects
        places: dict[str, list[int]] = {}
        for p, t in zip(at, tails, strict=True):
            if t in suspects:
                places.setdefault(t, []).append(p)
        return {
            t for t, ps in places.items() if all(doubtful(p) and not self.in_code(p) for p in ps)
        }

    def wanted(self, keep: Callable[[str], bool]) -> list[int]:
        """The ``candidates`` where a chain whose dotted name ``keep`` accepts may start."""
        out: set[int] = set()
        for name, at, tails in self.chain_tails():
            targets = self.binds[name]
            ok = {
                tail
                for tail in set(tails)
                if any(keep(t + "." + a) for a in _readings({tail}) for t in targets)
            }
            if ok:
                out.update(p for p, tail in zip(at, tails, strict=True) if tail in ok)
        return sorted(out)

    def attributes(self, keep: Callable[[str], bool] | None = None) -> None:
        """Dotted chains ``NAME.x...`` in code, for the names that imports bind (only those
        whose dotted name ``keep`` accepts, when given)."""
        cands = self.candidates() if keep is None else self.wanted(keep)
        if not cands:
            return
        text = self.text
        find = text.find
        self.ensure(cands[-1])
        ascii = text.isascii()
        stmts = self.stmts
        st_starts = [s for s, _ in stmts]
        ml_s, ml_e = self.ml_s, self.ml_e
        found = self.found
        si, n_st = 0, len(st_starts)
        quote_or_hash = _QUOTE_OR_HASH.search
        line_ev = self.line_ev
        le = -1
        ls = s = 0
        ctx: tuple[Guard, int, int, bool] | None = None
        through: dict[str, list[tuple[str, Guard, int]]] = {}
        for p in cands:
            got = self.chain_at(p)
            if got is None:
                continue
            name, _e, c = got
            while si < n_st and st_starts[si] <= p:
                si += 1
            if si and p < stmts[si - 1][1]:
                continue  # inside an import statement
            if p and text[p - 1] in " \t\f\n\\":
                q = p - 1
                while q and text[q] in " \t\f":
                    q -= 1
                if text[q] in ".\n\\" and self.after_dot(p):
                    continue
            if p > le:  # a new physical line
                ls = text.rfind("\n", 0, p) + 1
                le = find("\n", p)
                if le < 0:
                    le = self.n
                k = bisect_right(ml_s, ls) - 1
                s = ml_s[k] if k >= 0 and ls <= ml_e[k] else ls
                ctx = None
            attrs = _attrs(c, ascii)
            targets = through.get(name)
            if targets is None:
                targets = through[name] = self.bindings_of(name)
            if keep is not None:
                targets = [t for t in targets if keep(t[0] + "." + attrs)]
                if not targets:
                    continue
            if not (
                s == ls and p - ls < 400 and quote_or_hash(text, ls, p) is None
            ) and not self.code_at(p, ls, s):
                continue
            if ctx is None:
                ctx = self.line_ctx.get(s)
                if ctx is None:
                    self.context(p, s)
                    ctx = self.line_ctx[s]
            if ctx[3]:
                g, f = self.own(s, ctx[2], p, ctx[0], ctx[1])
            else:
                g, f = ctx[0], ctx[1]
            ev = line_ev.get(ls)
            if ev is None:
                ev = self.line_text(p)
            for target, bg, bf in targets:
                found.append(
                    (
                        p,
                        K_PY_ATTR,
                        target + "." + attrs,
                        ev,
                        g if bg is None else conj(g, bg),
                        f | bf,
                    )
                )

    def bindings_of(self, name: str) -> list[tuple[str, Guard, int]]:
        """What a name is bound to, each with what a chain through it inherits from the imports
        that bind it: their conditions (the chain reaches the module only where one of them ran)
        and the flags all of them share (optional, TYPE_CHECKING)."""
        out = []
        for target, sites in self.binds[name].items():
            flags = F_OPTIONAL | F_TYPE_CHECKING
            for _g, f in sites:
                flags &= f
            out.append((target, disj(*(g for g, _f in sites)), flags))
        return out

    def odd_candidates(self) -> set[int]:
        """Bound names written before a dot with a space or line break between, and bound names
        spelled with characters that NFKC normalisation changes."""
        text = self.text
        binds = self.binds
        out = set(_spaced_name_dots(text, binds))
        if not text.isascii():
            out.update(j for j, word in _non_ascii_words(text) if _nfkc(word) in binds)
        return out

    def after_dot(self, p: int) -> bool:
        """Whether the name at ``p`` follows an attribute ``.`` across spaces, continuations and
        (inside brackets) line breaks, so that it is an attribute itself."""
        text = self.text
        i = p
        crossed = False
        while i > 0:
            c = text[i - 1]
            if c == ".":
                r = i - 1
                while r > 0 and text[r - 1] == ".":
                    r -= 1
                if (i - r) % 3 == 0:
                    return False  # the end of an Ellipsis `...`
                if crossed:
                    ls = self.line_start(p)
                    if self.logical_start(ls) == ls:
                        return False  # the name starts a logical line
                return self.in_code(i - 1)
            if c == "\n":
                if i >= 2 and text[i - 2] == "\\":
                    i -= 2
                    continue
                crossed = True
            elif c not in " \t\f":
                return False
            i -= 1
        return False

    def python2(self) -> None:
        """Note a Python 2 ``print`` statement (the cheap, common sign of Python 2)."""
        text = self.text
        p = text.find("print ")
        while p >= 0:
            if p == 0 or not (text[p - 1] == "." or _idchar(text[p - 1])):
                ls = text.rfind("\n", 0, p) + 1
                m = _PY2_PRINT.match(text, p)
                if m is not None and not text[ls:p].strip():
                    after = _WORD.match(text, m.end() - 1)
                    if (
                        after is None or after.group() not in _PY3_AFTER_PRINT
                    ) and self.logical_start(ls) == ls:
                        self.note(p, "Python 2 print statement", "py2")
                        return
            p = text.find("print ", p + 6)

    def refs(self, chains: bool = True) -> list[RawRef]:
        """What was found, in order, one reference per name and line (the first); without the
        attribute chains unless ``chains``."""
        text = self.text
        out: list[RawRef] = []
        seen: set[tuple[str, int]] = set()
        line, last = 1, 0
        found = self.found
        found.sort(key=_FIRST)
        for pos, kind, spec, ev, g, flags in found:
            if not chains and kind == K_PY_ATTR:
                continue
            line += text.count("\n", last, pos)
            last = pos
            key = (spec, line)
            if key in seen:
                continue
            seen.add(key)
            out.append((kind, spec, line, ev, g, flags))
        return out


_ID_AT = re.compile(_ID)
_COMMENT = re.compile(r"#[^\n]*")


# from the end of a name: its plain chain (as `_PLAIN_CHAIN` without the look-ahead) and what
# follows with spaces, comments or continuations (as `_CHAIN`); both, or nothing
_TAILS = re.compile(rf"(?:\.{_ID_START}{_ID_CHAR}*+)*+(?:{_CHAIN_GAP}\.(?:[ \t\f\n]|\\\n)*+{_ID})*")
_PLAIN_RUN = re.compile(rf"(?:\.{_ID_START}{_ID_CHAR}*+)*+")
_GAPPY = re.compile(r"[ \t\f\n\\#]")
_GROUP = methodcaller("group")


def _name_dots_py(text: str, names: list[str]) -> list[tuple[str, list[int]]]:
    """Each of ``names``, in order, with the places where ``name + "."`` is written, found
    left to right (each search starting after the previous find), and not right after an
    identifier character or a dot; the names never found are left out. (Twin of
    ``_speedups.name_dots``.)"""
    found: dict[str, list[int]] = {}
    by_find = names
    if len(names) > _MANY_NAMES:  # one pass over every identifier before a dot
        wanted = set(names)
        for m in _NAME_DOT.finditer(text):
            if m.group() in wanted:
                found.setdefault(m.group(), []).append(m.start())
        # the same places for an identifier; NFKC can make a name that is none (`a\u2024b`)
        by_find = [name for name in names if _ID_AT.fullmatch(name) is None]
    find = text.find
    for name in by_find:
        key = name + "."
        p = find(key)
        if p < 0:
            continue
        step = len(key)
        at: list[int] = []
        if p == 0:
            at.append(p)
            p = find(key, step)
        while p >= 0:
            c = text[p - 1]
            if c not in _WORD_OR_DOT and c < "\x80":  # neither `.` nor `_idchar`
                at.append(p)
            p = find(key, p + step)
        if at:
            found[name] = at
    return [(name, found[name]) for name in names if name in found]


def _spaced_name_dots_py(text: str, names: Container[str]) -> list[int]:
    """Where one of ``names`` is written before a dot with spaces, line breaks or backslashes
    between (``NAME .x``, ``NAME\\\n.x``), in order: at each space, tab, form feed or line
    break right before a dot, the identifier characters before it and the spaces, line breaks
    and backslashes before that. (Twin of ``_speedups.spaced_name_dots``.)"""
    out: list[int] = []
    dots: list[int] = []
    find = text.find
    for key in _SPACED_DOTS:  # "\n    .x" ends in " ." too
        if key[0] not in text:  # one fast search for a tab or a form feed
            continue
        p = find(key)
        while p >= 0:
            dots.append(p)
            p = find(key, p + 2)
    for d in dots:
        i = d
        while i > 0 and text[i - 1] in " \t\f\n\\":
            i -= 1
        j = i
        while j > 0 and _idchar(text[j - 1]):
            j -= 1
        if j < i and text[j:i] in names:
            out.append(j)
    out.sort()
    return out


def _simple_lines_py(text: str, pos: int) -> int:
    """The end of ``_SIMPLE_LINES``'s match at ``pos``. (Twin of ``_speedups.simple_lines``.)"""
    return _SIMPLE_LINES.match(text, pos).end()  # type: ignore[union-attr]


def _non_ascii_words_py(text: str) -> list[tuple[int, str]]:
    """Each identifier with a non-ASCII character (by ``_ID``, from the identifier characters
    before the first one), with its place, in order. (Twin of ``_speedups.non_ascii_words``.)"""
    out: list[tuple[int, str]] = []
    last = -1
    for m in _NON_ASCII.finditer(text):
        j = m.start()
        if j <= last:
            continue
        while j > 0 and _idchar(text[j - 1]):
            j -= 1
        w = _ID_AT.match(text, j)
        if w is None:
            continue
        last = w.end()
        out.append((j, w.group()))
    return out


def _logical_py(text: str, pos: int) -> int:
    """The end of ``_LOGICAL``'s match at ``pos``, or -1. (Twin of ``_speedups.logical``.)"""
    m = _LOGICAL.match(text, pos)
    return -1 if m is None else m.end()


def _tails_py(text: str, ends: list[int]) -> list[str]:
    """The text ``_TAILS`` matches at each of ``ends``. (Twin of ``_speedups.tails``.)"""
    return list(map(_GROUP, map(_TAILS.match, repeat(text), ends)))


_name_dots = _name_dots_py if compiled is None else compiled.name_dots
_tails = _tails_py if compiled is None else compiled.tails
_spaced_name_dots = _spaced_name_dots_py if compiled is None else compiled.spaced_name_dots
_simple_lines = _simple_lines_py if compiled is None else compiled.simple_lines
_logical = _logical_py if compiled is None else compiled.logical
_non_ascii_words = _non_ascii_words_py if compiled is None else compiled.non_ascii_words


def _dotted(tail: str) -> str:
    """The attributes of a chain's text (``.a . b``), dotted (``a.b``): without the spaces,
    comments and continuations between them, NFKC-normalised."""
    if "#" in tail:
        tail = _COMMENT.sub("", tail)  # in code, a `#` between the parts starts a comment
    return ".".join(_nfkc(x) for x in _CHAIN_PART.findall(tail))


def _readings(tails: set[str]) -> set[str]:
    """The dotted attributes of chains from ``_TAILS`` texts: each reading a chain can have
    (the plain one that stops before a space, and the whole), the empty one left out."""
    out: set[str] = set()
    for tail in tails:
        if not tail:
            continue
        if tail.isascii() and not _GAPPY.search(tail):
            out.add(tail[1:])  # `.a.b`: what `_dotted` makes of it
            continue
        out.add(_dotted(tail))
        out.add(_dotted(_PLAIN_RUN.match(tail).group()))  # type: ignore[union-attr]
    out.discard("")
    return out


def _attrs(chain: re.Match[str], ascii: bool) -> str:
    """``_dotted`` of a chain matched by ``_PLAIN_CHAIN`` or ``_CHAIN`` in a text that is ASCII
    or not."""
    if chain.re is _PLAIN_CHAIN and ascii:
        return chain.group()[1:]
    return _dotted(chain.group())


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _read(text: str, chains: bool, keep: Callable[[str], bool] | None) -> tuple[FileFacts, list]:
    """(``read_python``'s facts, with the notes of this reading; every reference, the chains
    included when ``chains``)."""
    reader = _Reader(_normalise(text))
    try:
        reader.run(chains, keep)
    except Exception as exc:  # a reader bug must not lose the file: keep what was read
        reader.notes.append((0, f"syntax error; reading stopped early ({type(exc).__name__})"))
    try:
        refs = reader.refs(False)
        every = reader.refs() if chains else refs
    except Exception:
        refs = every = []
    extra = {"chains": sorted(reader.specs)} if reader.specs else {}
    return ("py", refs, reader.notes, extra), every


def read_python(text: str) -> FileFacts:
    """The facts of one Python (or Cython) file: its imports and dynamic imports, and in
    ``extra["chains"]`` the sorted dotted names its attribute chains may have (a superset:
    the chains themselves, with their guards and evidence, are read by ``python_refs`` for the
    few files where one of these names matters). Never raises."""
    return _read(text, False, None)[0]


def python_refs(
    text: str, keep: Callable[[str], bool] | None = None
) -> tuple[FileFacts, list[RawRef]]:
    """The facts ``read_python`` gives for ``text`` (with the notes of this fuller reading),
    and every reference of the file: its imports and its attribute chains (only those whose
    dotted name ``keep`` accepts, when given). Without the chains, the references are the
    facts' (but for an import that a chain with the same name, earlier on its line, shadows).
    Never raises."""
    return _read(text, True, keep)


def blank_comments_py(text: str) -> str:
    """The text with every ``#`` comment replaced by spaces; strings and line structure kept."""
    if "#" not in text:
        return text
    body = _normalise(text)
    shift = 1 if text.startswith("\ufeff") else 0
    crlf: list[int] = []  # positions in `body` after which a "\r\n" lost its "\r"
    if "\r\n" in text:
        raw = text[shift:]
        i = raw.find("\r\n")
        while i >= 0:
            crlf.append(i - len(crlf))
            i = raw.find("\r\n", i + 2)
    reader = _Reader(body)
    n = reader.n
    out: list[str] = []
    last = 0
    search = _QUOTE_OR_HASH.search
    pos = 0
    try:
        while True:
            m = search(body, pos)
            if m is None:
                break
            i = m.start()
            if body[i] != "#":
                pos = reader.string_end(i, None)
                continue
            j = body.find("\n", i)
            j = n if j < 0 else j
            a = i + shift + bisect_right(crlf, i)
            out.append(text[last:a])
            out.append(" " * (j - i))
            last = a + j - i
            pos = j
    except Exception:  # never lose the text: blank what was found
        pass
    out.append(text[last:])
    return "".join(out)


def guards_at_lines(text: str, lines: list[int]) -> dict[int, Guard]:
    """The ``if``/``elif``/``else`` guard of each given line (1-based), as for a reference there.

    Used for module ``references`` pattern hits, which the import reader does not see. Never
    raises: a line whose context cannot be read gets no guard.
    """
    text = _normalise(text)
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
        try:
            out[line] = reader.context(ls + reader.indent(ls))[0]
        except Exception:
            out[line] = None
    return out
