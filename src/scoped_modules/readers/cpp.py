"""C/C++ reader: ``#include`` references and the preprocessor conditions they sit under.

What counts as a directive follows translation phases 1-4 as GCC and Clang apply them: a
backslash before a newline (spaces between allowed) joins the lines, comments become a space,
and a directive is a ``#`` that is the first token of its logical line, so ``/* c */ #include``
is one, the line after ``// text \\`` or ``#define M \\`` is not, and a block comment opened
on a directive's line continues the directive. String and character literals end at the line's
end when unterminated; ``'`` inside a pp-number (``1'000``) is a digit separator; raw strings
(``R"x(...)x"``) span lines verbatim.

Most files are read by a fast path: the text is searched once for the directives that matter
(``#include``, ``#import``, ``#include_next`` and the conditionals), and each candidate is
accepted only when the text since the previous accepted directive leaves no doubt (no ``/*``
after the last ``*/``, no raw string, no joined line before it, no comment left open on it).
At the first doubt, the rest of the file is read by an exact scanner (one regular expression
over the logical lines, linear in the file's size). Conditions follow SPEC §3.3; ``#if 0``
branches are dead code; the classic include guard (``#ifndef X`` then ``#define X``) is no
condition, and the same test later in the file is false where the guard was read.

Not recognised: digraphs (``%:include``), trigraphs, a line splice inside a comment marker
(``/``, newline, ``*``), and ``#include`` whose name comes from a macro (a note). The oracle is
the real preprocessor: tests/test_cpp_reader.py and tests/fuzz/test_fuzz_cpp.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .facts import F_ANGLE, F_OPTIONAL, K_CPP_INCLUDE, FileFacts, RawRef, evidence_text
from .guards import (
    Cond,
    cond_and,
    cond_not,
    cond_or,
    disj,
    fresh_unknown,
    implies_on_search,
    mentions,
    segment_value,
)
from .speedups import compiled

# ------------------------------------------------------------------------------------------
# Lexical pieces (translation phases 1-3)

_SPLICE = r"\\[ \t\f\v]*\r?\n"  # a line splice (GCC and Clang allow spaces before the newline)
_HWS = r"[ \t\f\v\r]++"
_BLOCK = r"/\*(?s:.*?)(?:\*/|\Z)"
_LINE_COMMENT = rf"//(?:[^\\\n]++|{_SPLICE}|\\)*+"
_STRING = rf'"(?:[^"\\\n]++|{_SPLICE}|\\.)*+"?'  # unterminated: to the end of the line
_CHAR = rf"'(?:[^'\\\n]++|{_SPLICE}|\\.)*+'?"


def _raw(group: str, one_line: bool = False) -> str:
    """A raw string; ``group`` names its delimiter (a name may occur once per expression). In a
    directive (``one_line``) it ends with the line, as in GCC."""
    body, stop = (r".*?", r"|(?=\n)") if one_line else (r"(?s:.*?)", "")
    return (
        rf'(?:u8|[uUL])?R"(?P<{group}>[^()\\ \t\f\v\r\n"]{{0,16}})\({body}'
        rf'(?:\)(?P={group})"{stop}|\Z)'
    )


_IDENT = r"(?:[^\W\d]|\$)[\w$]*+"
_PP_NUMBER = r"\.?\d(?:[eEpP][+-]|'[\w$]|[\w$.])*+"
_BULK = r"[^\w\"'/\\\n$]++"  # spaces and punctuation: nothing here starts a literal or comment


def _token(group: str, directive: bool = False) -> str:
    """Any token or piece of one on a logical line, the frequent ones first; raw strings before
    identifiers (their prefix is one); the last alternative takes a lone `/` or `\\`."""
    return (
        rf"{_BULK}|(?=[uULR]){_raw(group, directive)}|{_IDENT}|{_PP_NUMBER}|{_STRING}|{_CHAR}"
        rf"|{_SPLICE}|{_BLOCK}|{_LINE_COMMENT}|[^\n]"
    )


_LEAD = rf"(?:{_HWS}|{_SPLICE}|{_BLOCK})*+"  # what may precede a directive's `#`
# From a logical line start: the logical lines that are no directive, then a directive (group
# `hash` its `#`, `rest` the rest of its logical line). Matched from position to position.
_EXACT = re.compile(
    rf"(?:{_LEAD}(?!\#)(?:{_token('d1')})*+\n)*+"
    rf"{_LEAD}(?P<hash>\#)(?P<rest>(?:{_token('d2', directive=True)})*+)"
)
# A run of code (literals included), then a comment (group `comment`): one match per comment.
_CODE_THEN_COMMENT = re.compile(
    rf"(?:{_BULK}|\n|(?=[uULR]){_raw('d')}|{_IDENT}|{_PP_NUMBER}|{_STRING}|{_CHAR}|{_SPLICE}"
    rf"|/(?![/*])|[^/])*+(?P<comment>{_BLOCK}|{_LINE_COMMENT})?"
)
_SPLICE_RE = re.compile(_SPLICE)

# A directive that matters: group 1 an include word (2: "x", 3: <x>), group 4 a conditional;
# group 5 a comment or a line splice before or inside the word: the exact scanner decides.
# Searched from its `#` (a literal prefix keeps the search fast); the line start is checked after.
_DIRECTIVE = re.compile(
    r"#[ \t]*(?:(include_next|include|import)\b(?:[ \t]*(?:\"([^\"\n]*)\"|<([^>\n]*)>))?"
    r"|(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b|(/\*|[A-Za-z_]*\\))"
)
_INCLUDE_ARG = re.compile(r'[ \t]*(?:"([^"\n]*)"|<([^>\n]*)>)')
# `#define M` anywhere (comments and #if 0 included: a macro defined there may be defined);
# `#cmakedefine M` / `#cmakedefine01 M` in a header template that configure_file() fills
_DEFINES = re.compile(r"^[ \t]*#[ \t]*(define|cmakedefine(?:01)?)[ \t]+([A-Za-z_]\w*)", re.M)
_DEFINE_AT = re.compile(r"[ \t\r\n\f\v]*#[ \t]*define[ \t]+([A-Za-z_]\w*)")
# Whitespace, comments and preprocessor lines (with continuations): what is not code.
_NOT_CODE = re.compile(
    r"(?:\s+|//(?:\\[ \t\f\v]*\r?\n|[^\n])*|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/"
    r"|#[^\n]*(?:(?<=\\)\n[^\n]*)*)*"
)
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_EXPR_TOKEN = re.compile(
    r"\s*(?:([A-Za-z_]\w*)|(\d[\w.']*)|(&&|\|\||==|!=|<=|>=|<<|>>|[!()])"
    r"|('(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")|(\S))"
)
_EXPR_PUNCT = frozenset("+-*/%<>&|^~:,.")  # single characters that may stand in an #if
_INT = re.compile(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*")
_MAX_DEPTH = 64  # nesting of `(` and `!` in one condition; deeper is unknown
_FLAT = 16  # an #elif chain with more earlier conditions keeps their negations in blocks
_MAX_NESTING = 64  # deeper conditionals: only `#if 0`/`#if 1` count


_unknown = fresh_unknown
_and = cond_and
_or = cond_or
_not = cond_not


def _var(name: str) -> Cond:
    return ("v", (name,))


# `__has_include(<x>)` is a free atom named after its header (no toggle name looks like it): an
# `#include` of that header under it vanishes when the header is gone (an optional include)
HAS_INCLUDE = "__has_include:"
_HAS_INCLUDE = frozenset({"__has_include", "__has_include_next"})


def _optional_include(cond: Cond, spec: str) -> bool:
    """The include of ``spec`` sits where ``__has_include`` of the same header (quoted or
    angled: deleting a module removes the file from every search path) holds."""
    names = {HAS_INCLUDE + f"<{spec}>", HAS_INCLUDE + f'"{spec}"'}
    if not mentions(cond, frozenset(names)):
        return False
    return any(implies_on_search(cond, frozenset({n})) for n in names)


_SPLICE_TAIL = "\\ \t\f\v\r"  # what a line ends with before a splice's newline


def _spliced(text: str, nl: int) -> bool:
    """Whether the newline at ``nl`` is removed by a backslash before it (spaces between)."""
    i = nl - 1
    while i >= 0 and text[i] in " \t\f\v\r":
        i -= 1
    return i >= 0 and text[i] == "\\"


# ------------------------------------------------------------------------------------------
# Condition expressions of #if / #elif


class _TooDeep(Exception):
    """A condition nested deeper than ``_MAX_DEPTH``: read as unknown."""


class _ExprParser:
    """Recursive descent over ``||``, ``&&``, ``!``, parentheses, ``defined``; the rest unknown."""

    __slots__ = ("toks", "i", "depth")

    def __init__(self, toks: list[tuple[int, str]]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def parse_or(self) -> Cond:
        left = self.parse_and()
        while self.peek() == "||":
            self.i += 1
            left = _or(left, self.parse_and())
        return left

    def parse_and(self) -> Cond:
        left = self.parse_relation()
        while self.peek() == "&&":
            self.i += 1
            left = _and(left, self.parse_relation())
        return left

    def parse_relation(self) -> Cond:
        value = self.parse_unary()
        nxt = self.peek()
        if nxt is None or nxt in ("&&", "||", ")"):
            return value
        # A comparison, arithmetic or anything else binding tighter than &&: skip it.
        depth = 0
        while self.i < len(self.toks):
            t = self.toks[self.i][1]
            if t == "(":
                depth += 1
            elif t == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t in ("&&", "||"):
                break
            self.i += 1
        return _unknown()

    def parse_unary(self) -> Cond:
        if self.i >= len(self.toks):
            return _unknown()
        kind, tok = self.toks[self.i]
        self.i += 1
        if tok == "!" or tok == "(":
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise _TooDeep
            if tok == "!":
                value = _not(self.parse_unary())
            else:
                value = self.parse_or()
                if self.peek() == ")":
                    self.i += 1
                else:
                    value = _unknown()
            self.depth -= 1
            return value
        if kind == 1:  # identifier
            if tok == "defined":
                if self.peek() == "(":
                    if (
                        self.i + 2 < len(self.toks)
                        and self.toks[self.i + 1][0] == 1
                        and self.toks[self.i + 2][1] == ")"
                    ):
                        name = self.toks[self.i + 1][1]
                        self.i += 3
                        return _var(name)
                    self._skip_group()
                    return _unknown()
                if self.i < len(self.toks) and self.toks[self.i][0] == 1:
                    self.i += 1
                    return _var(self.toks[self.i - 1][1])
                return _unknown()
            if self.peek() == "(":  # a function-like macro, __has_include(...), ...
                header = self._header_arg() if tok in _HAS_INCLUDE else None
                if header is not None:
                    return _var(HAS_INCLUDE + header)
                self._skip_group()
                return _unknown()
            if tok == "true":
                return True
            if tok == "false":
                return False
            return _var(tok)
        if kind == 2:  # number: only 0 and 1 are known (without int(): no limit on digits)
            m = _INT.fullmatch(tok)
            if m:
                digits = m.group(1)
                if digits[:2] in ("0x", "0X"):
                    digits = digits[2:]
                digits = digits.lstrip("0")
                if digits == "":
                    return False
                if digits == "1":
                    return True
            return _unknown()
        return _unknown()

    def _header_arg(self) -> str | None:
        """The header of ``__has_include("x")`` / ``__has_include(<x>)`` as ``"x"`` / ``<x>``
        (the parser stands on the ``(``), consumed up to its ``)``; None if it is not one."""
        toks, i = self.toks, self.i + 1
        if i < len(toks) and toks[i][0] == 4 and toks[i][1][0] == '"':
            if i + 1 < len(toks) and toks[i + 1][1] == ")":
                self.i = i + 2
                return toks[i][1]
            return None
        if i < len(toks) and toks[i][1] == "<":
            parts: list[str] = []
            i += 1
            while i < len(toks) and toks[i][1] not in (">", ")"):
                parts.append(toks[i][1])
                i += 1
            if parts and i + 1 < len(toks) and toks[i][1] == ">" and toks[i + 1][1] == ")":
                self.i = i + 2
                return "<" + "".join(parts) + ">"
        return None

    def _skip_group(self) -> None:
        depth = 0
        while self.i < len(self.toks):
            t = self.toks[self.i][1]
            self.i += 1
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
                if depth <= 0:
                    return


def _valid_expression(toks: list[tuple[int, str]]) -> bool:
    """False when a token outside the arguments of a function-like macro (``FOO(...)``,
    ``__has_include("x.h")``) cannot stand in an ``#if`` expression: ``#``, ``;``, ``{``,
    a string literal..."""
    i = 0
    n = len(toks)
    while i < n:
        kind, tok = toks[i]
        if kind == 1 and tok != "defined" and i + 1 < n and toks[i + 1][1] == "(":
            depth = 1  # skip the arguments, to the closing parenthesis
            i += 2
            while i < n and depth:
                depth += {"(": 1, ")": -1}.get(toks[i][1], 0)
                i += 1
            continue
        elif (kind == 5 and tok not in _EXPR_PUNCT) or (kind == 4 and tok[0] == '"'):
            return False
        i += 1
    return True


def parse_condition(expr: str) -> Cond:
    """The condition of ``#if expr`` as True, False or a guard expression."""
    toks: list[tuple[int, str]] = []
    pos = 0
    n = len(expr)
    while pos < n:
        m = _EXPR_TOKEN.match(expr, pos)
        if m is None:
            break
        pos = m.end()
        kind = m.lastindex or 0
        if kind == 0:
            break
        toks.append((kind, m.group(kind)))
    if not toks or any(t == "?" for _, t in toks):
        return _unknown()
    if not _valid_expression(toks):
        return _unknown()  # GCC: an error, and the group is skipped
    p = _ExprParser(toks)
    try:
        value = p.parse_or()
    except _TooDeep:
        return _unknown()
    if p.i < len(toks):  # trailing garbage, e.g. an unbalanced ')'
        return _unknown()
    return value


# ------------------------------------------------------------------------------------------
# Directives


def _fast_directives(text: str) -> Iterator[tuple[int, int, tuple, str]]:
    """``(position of '#', end of the logical line, _DIRECTIVE groups, text after the keyword)``
    for every directive that matters, in order.

    A candidate is taken when the text since the previous one leaves no doubt; at the first
    doubt the exact scanner reads the rest, from the end of the last directive taken (a
    logical line start outside comments and literals).
    """
    n = len(text)
    outside = 0  # a logical line start known to lie outside comments and literals
    for m in _DIRECTIVE.finditer(text):
        p = m.start()
        if p < outside:
            continue  # within the logical line of the previous directive
        j = p - 1
        while j >= outside and text[j] in " \t\f\v\r":
            j -= 1
        ls = j + 1  # the line start, when only spaces stand before the `#` on its line
        doubt = False
        if j >= outside and text[j] != "\n":
            if j == 0 or text[j - 1 : j + 1] != "*/":
                continue  # code before it on its line: not a directive
            doubt = True  # perhaps only comments before it
        elif ls > 1 and text[ls - 2] in _SPLICE_TAIL and _spliced(text, ls - 1):
            doubt = True  # the line continues the previous one
        elif m.group(5) is not None:
            doubt = True  # `# /* c */ include`, `#inc\` + newline + `lude`
        else:
            c = text.rfind("*/", outside, ls)
            if c < 0:
                doubt = text.find("/*", outside, ls) >= 0
            else:  # after a `*/` no comment is open, unless it is the `*` of a `/*/`
                doubt = (c > outside and text[c - 1] == "/") or text.find("/*", c + 2, ls) >= 0
        if not doubt:
            end = text.find("\n", m.end())
            while end > 0 and text[end - 1] in _SPLICE_TAIL and _spliced(text, end):
                end = text.find("\n", end + 1)
            if end < 0:
                end = n
            after = text[m.end() : end]
            if "/*" in after and after.rfind("*/") < after.rfind("/*") + 2:
                doubt = True  # a comment may stay open past the line and continue it
            elif text.find('R"', outside, end) >= 0:
                doubt = True  # a raw string may span lines
        if doubt:
            yield from _exact_directives(text, outside)
            return
        yield p, end, m.groups()[:4], after
        outside = end + 1


def _exact_directives(text: str, pos: int) -> Iterator[tuple[int, int, tuple, str]]:
    """As ``_fast_directives``, from ``pos`` (a logical line start outside comments and
    literals), by the exact scanner."""
    n = len(text)
    while pos <= n:
        got = _exact(text, pos)
        if got is None:
            return
        p, end = got
        pos = end + 1
        src = text[p:end]
        if "\\" in src:
            src = _SPLICE_RE.sub("", src)
        d = _DIRECTIVE.match(src)
        if (d is None or d.group(5) is not None) and "/" in src:
            # each comment is one space (one spanning lines leaves only its newlines)
            src = blank_comments_cpp(src).replace("\r", " ").replace("\n", " ")
            d = _DIRECTIVE.match(src)
        if d is not None and d.group(5) is None:
            yield p, end, d.groups()[:4], src[d.end() :]


# ------------------------------------------------------------------------------------------
# Blanking comments


def _logical_line_start(text: str, p: int, floor: int) -> int:
    """Start of the line of ``p``, earlier lines joined by a line splice included."""
    ls = text.rfind("\n", floor, p) + 1  # searched no further back than `floor`
    while ls > floor and ls > 1 and text[ls - 2] in _SPLICE_TAIL and _spliced(text, ls - 1):
        ls = text.rfind("\n", floor, ls - 1) + 1
    return ls if ls > floor else floor


def _blank(tok: str) -> str:
    if "\n" not in tok and "\r" not in tok:
        return " " * len(tok)
    if "\r" in tok:
        return _NOT_NEWLINE.sub(" ", tok)
    return "\n".join([" " * len(part) for part in tok.split("\n")])


def blank_comments_cpp(text: str) -> str:
    """``text`` with ``//`` and ``/* */`` comments replaced by spaces (newlines kept).

    String, character and raw string literals are kept. A ``//`` or ``/*`` starts a comment
    unless a quote stands before it on its logical line (since the last comment): then the
    exact tokenizer finds the next comment from there. Files with raw strings go through the
    exact tokenizer alone.
    """
    if "/" not in text:
        return text
    if 'R"' in text:
        return _blank_with_tokenizer(text)
    n = len(text)
    find = text.find
    parts: list[str] = []
    last = 0  # end of the last comment: a position outside strings and comments
    pos = 0
    while True:
        p = find("/", pos)
        if p < 0 or p + 1 >= n:
            break
        nxt = text[p + 1]
        if nxt != "/" and nxt != "*":
            pos = p + 1
            continue
        ls = _logical_line_start(text, p, last)
        prefix = text[ls:p]
        if '"' in prefix or "'" in prefix:
            # a literal may hide it: the exact tokenizer finds the next comment from the
            # logical line start (outside literals), and the search goes on after it
            m = _CODE_THEN_COMMENT.match(text, ls)
            p = -1 if m is None else m.start("comment")
            if p < 0:
                break
            nxt = text[p + 1]
        if nxt == "/":
            e = find("\n", p + 2)
            # a line comment continues after a splice
            while e > 0 and text[e - 1] in _SPLICE_TAIL and _spliced(text, e):
                e = find("\n", e + 1)
            if e < 0:
                e = n
        else:
            e = find("*/", p + 2)
            e = n if e < 0 else e + 2
        parts.append(text[last:p])
        parts.append(_blank(text[p:e]))
        last = pos = e
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _blank_with_tokenizer(text: str) -> str:
    parts: list[str] = []
    last = 0
    for m in _CODE_THEN_COMMENT.finditer(text):
        start = m.start("comment")
        if start < 0:
            continue
        parts.append(text[last:start])
        parts.append(_blank(m.group("comment")))
        last = m.end("comment")
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _strip_comments(s: str) -> str:
    if "/" not in s:
        return s
    return blank_comments_cpp(s)


# ------------------------------------------------------------------------------------------
# The reader


class _Frame:
    """One ``#if`` chain. Up to ``_FLAT`` earlier conditions, a branch carries their negations
    flat; past that, as blocks of 2^i negations (a binary counter), so a branch's condition is
    built from O(log k) shared parts: a chain of k branches reads in O(k log k) and nests no
    deeper than log k. In a ``deep`` frame (nested past ``_MAX_NESTING``) only constant
    conditions count (``#if 0`` is still dead code), so nesting costs O(1) per level."""

    __slots__ = ("outer", "deep", "last", "flat", "blocks", "dead", "seen_else", "cum")

    def __init__(self, cond: Cond, outer: Cond, deep: bool = False) -> None:
        self.outer = outer
        self.deep = deep
        self.last = cond  # the condition of the last branch, not yet negated
        self.flat: list[Cond] = []  # the negations, while there are at most _FLAT
        self.blocks: list[tuple[Cond, int]] = []  # (AND of 2^i negations, 2^i)
        self.dead = False  # an earlier condition is always true: later branches never are
        self.seen_else = False
        self.cum: Cond = _and(outer, self._counted(cond))

    def _counted(self, cond: Cond) -> Cond:
        return True if self.deep and cond is not False else cond

    def _none_before(self) -> Cond:
        """The negation of every condition so far (True when there is none)."""
        negated = _not(self.last)
        self.last = True
        if negated is False:
            self.dead = True
        if self.dead:
            return False
        if negated is not True and not self.deep:
            if len(self.flat) <= _FLAT:
                self.flat.append(negated)
            node, size = negated, 1
            blocks = self.blocks
            while blocks and blocks[-1][1] == size:
                node = ("and", blocks.pop()[0], node)
                size *= 2
            blocks.append((node, size))
        parts = self.flat if len(self.flat) <= _FLAT else [b for b, _ in self.blocks]
        if not parts:
            return True
        return parts[0] if len(parts) == 1 else ("and", *parts)

    def branch(self, cond: Cond) -> tuple[Cond, Cond]:
        """(condition of the directive's own line, condition of the new branch)."""
        none = self._none_before()
        self.last = cond
        self.cum = _and(self.outer, _and(self._counted(cond), none))
        return _and(self.outer, none), self.cum


def read_cpp(text: str, exact: bool = False) -> FileFacts:
    """Facts of one C/C++ file: includes with guards, ``extra["body_guard"]`` and
    ``extra["segments"]``. ``exact`` reads every line with the exact scanner (slower; the
    fast path gives the same facts)."""
    return _read(text, _exact_directives(text, 0) if exact else _fast_directives(text))


def _read(text: str, directives: Iterator[tuple[int, int, tuple, str]]) -> FileFacts:
    refs: list[RawRef] = []
    notes: list[tuple[int, str]] = []
    n = len(text)
    stack: list[_Frame] = []
    cum: Cond = True  # the condition of the current position
    segments: list[tuple[int, Any]] = []  # (first line, condition) where the condition changes
    code_guards: list[Cond] = []
    code_ids: set[int] = set()
    unguarded_code = False
    seg_start = 0  # start of the text since the last directive
    deep_noted = False
    guards_defined: dict[str, Cond] = {}  # include guard -> the condition it is defined under
    line = 1
    line_pos = 0

    for p, end, groups, after in directives:
        line += text.count("\n", line_pos, p)
        line_pos = p
        # the code between the previous directive and this one
        if (
            seg_start < p
            and cum is not False
            and not unguarded_code
            and _has_code(text, seg_start, p)
        ):
            if cum is True:
                unguarded_code = True
            elif id(cum) not in code_ids:
                code_ids.add(id(cum))
                code_guards.append(cum)
        seg_start = end + 1

        inc, spec, angle, name = groups
        if inc is not None:  # an include
            if cum is False:
                continue
            flags = 0
            if spec is None and angle is not None:
                spec = angle
                flags = F_ANGLE
            if spec is None:
                rest = _strip_comments(after)
                if "\\" in rest:
                    rest = _SPLICE_RE.sub("", rest)
                im = _INCLUDE_ARG.match(rest)
                if im is None:
                    notes.append((line, "computed #include not followed: " + evidence_text(rest)))
                    continue
                spec = im.group(1)
                flags = 0
                if spec is None:
                    spec = im.group(2)
                    flags = F_ANGLE
            spec = spec.strip()
            if spec:
                evidence = text[p:end].strip()
                if len(evidence) > 200 or "  " in evidence or "\t" in evidence or "\n" in evidence:
                    evidence = evidence_text(evidence)
                if cum is not True and _optional_include(cum, spec):
                    flags |= F_OPTIONAL
                refs.append(
                    (K_CPP_INCLUDE, spec, line, evidence, None if cum is True else cum, flags)
                )
            continue

        body = after
        if "\\" in body:
            body = _SPLICE_RE.sub("", body)
        body = _strip_comments(body)
        after_line = line + text.count("\n", p, end) + 1

        if name == "endif":
            if not stack:
                notes.append((line, "#endif without #if"))
                continue
            stack.pop()
            cum = stack[-1].cum if stack else True
        elif name in ("if", "ifdef", "ifndef"):
            if name == "if":
                cond = parse_condition(body)
            else:
                cond = _name_condition(body, name == "ifndef")
            guard_name = _include_guard_name(cond)
            if guard_name in guards_defined:  # that include guard is defined where it was read
                cond = _not(guards_defined[guard_name])
            elif guard_name is not None:
                dm = _DEFINE_AT.match(text, min(end + 1, n))
                if dm is not None and dm.group(1) == guard_name:
                    cond = True  # the classic include guard: no condition
                    guards_defined[guard_name] = cum
            deep = len(stack) >= _MAX_NESTING
            if deep and not deep_noted:
                deep_noted = True
                notes.append((line, f"conditionals nested deeper than {_MAX_NESTING}: not read"))
            frame = _Frame(cond, cum, deep)
            stack.append(frame)
            cum = frame.cum
        else:  # elif, elifdef, elifndef, else
            if not stack:
                notes.append((line, f"#{name} without #if"))
                continue
            frame = stack[-1]
            if frame.seen_else:
                notes.append((line, f"#{name} after #else"))
                cond = False
            elif name == "else":
                cond = True
                frame.seen_else = True
            elif name == "elif":
                cond = parse_condition(body)
            else:
                cond = _name_condition(body, name == "elifndef")
            own, cum = frame.branch(cond)
            if name != "else":  # the test of an #elif is read when every earlier one failed
                value = segment_value(own)
                if segments and segments[-1][0] == line:
                    segments[-1] = (line, value)
                else:
                    segments.append((line, value))
        segments.append((after_line, segment_value(cum)))
    if seg_start < n and cum is not False and not unguarded_code and _has_code(text, seg_start, n):
        if cum is True:
            unguarded_code = True
        elif id(cum) not in code_ids:
            code_guards.append(cum)
    if stack:
        notes.append((0, f"{len(stack)} unterminated #if at end of file"))
    body_guard: Any = None
    if not unguarded_code and code_guards:
        body_guard = code_guards[0] if len(code_guards) == 1 else disj(*code_guards)
    defines: set[str] = set()
    cmakedefines: set[str] = set()
    if "define" in text:
        for word, name in _defines(text):
            (defines if word == "define" else cmakedefines).add(name)
    extra: dict[str, Any] = {"body_guard": body_guard, "segments": segments}
    if defines:
        extra["defines"] = sorted(defines)
    if cmakedefines:
        extra["cmakedefines"] = sorted(cmakedefines)
    return ("cpp", refs, notes, extra)


def _exact_py(text: str, pos: int) -> tuple[int, int] | None:
    """``_EXACT`` from ``pos``: the next directive's ``#`` and the end of its logical line.
    (Twin of ``_speedups.exact``.)"""
    m = _EXACT.match(text, pos)
    return None if m is None else (m.start("hash"), m.end("rest"))


def _defines_py(text: str) -> list[tuple[str, str]]:
    """``(directive, name)`` of each ``#define NAME`` / ``#cmakedefine NAME`` /
    ``#cmakedefine01 NAME`` that ``_DEFINES`` finds, in order. (Twin of
    ``_speedups.defines``.)"""
    return [(m.group(1), m.group(2)) for m in _DEFINES.finditer(text)]


_defines = _defines_py if compiled is None else compiled.defines
_exact = _exact_py if compiled is None else compiled.exact


def _has_code(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds more than whitespace, comments and directives."""
    m = _NOT_CODE.match(text, start, end)
    return m is not None and m.end() < end


def _name_condition(body: str, negate: bool) -> Cond:
    """The condition of ``#ifdef NAME`` / ``#ifndef NAME``."""
    word = body.split(None, 1)
    cond: Cond = _var(word[0]) if word and word[0].isidentifier() else _unknown()
    return _not(cond) if negate else cond


def _include_guard_name(cond: Cond) -> str | None:
    """``X`` when ``cond`` is ``!defined(X)`` (the shape of an include guard's test)."""
    if (
        isinstance(cond, tuple)
        and len(cond) == 2
        and cond[0] == "not"
        and cond[1][0] == "v"
        and len(cond[1][1]) == 1
    ):
        return cond[1][1][0]
    return None
