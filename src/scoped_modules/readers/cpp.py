"""C/C++ reader: ``#include`` references and the preprocessor conditions they sit under.

The whole text is searched once for the directives that matter (``#include``, ``#import``,
``#include_next`` and the conditionals). Whether a directive line lies in a block comment is
decided only from the text since the previous valid directive: after the last ``*/`` no
comment is open, and a ``/*`` after it opens one unless the text before it on its line puts
it in a string or a ``//`` comment (strings cannot span lines). Only a file with ``R"`` in
such a stretch is tokenized in full (raw strings can span lines). Conditions follow SPEC
§3.3; ``#if 0`` branches are dead code; the classic include guard is no condition.

Limitation: a directive after a comment on the same line (``/* c */ #include "x"``) is not
recognised.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from .facts import F_ANGLE, K_CPP_INCLUDE, FileFacts, RawRef, evidence_text
from .guards import Cond, cond_and, cond_not, cond_or, disj, fresh_unknown, segment_value

# A condition while reading: True / False (constants), or a guard expression tuple.

# A directive that matters: group 1 an include word (2: "x", 3: <x>), group 4 a conditional.
# Searched from its `#` (a literal prefix keeps the search fast); the line start is checked after.
_DIRECTIVE = re.compile(
    r"#[ \t]*(?:(include_next|include|import)\b(?:[ \t]*(?:\"([^\"\n]*)\"|<([^>\n]*)>))?"
    r"|(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b)"
)
_INCLUDE_ARG = re.compile(r'[ \t]*(?:"([^"\n]*)"|<([^>\n]*)>)')
# `#define M` anywhere (comments and #if 0 included: a macro defined there may be defined);
# `#cmakedefine M` / `#cmakedefine01 M` in a header template that configure_file() fills
_DEFINES = re.compile(r"^[ \t]*#[ \t]*(define|cmakedefine(?:01)?)[ \t]+([A-Za-z_]\w*)", re.M)
_DEFINE_AT = re.compile(r"[ \t\r\n\f\v]*#[ \t]*define[ \t]+([A-Za-z_]\w*)")
# Whitespace, comments and preprocessor lines (with continuations): what is not code.
_NOT_CODE = re.compile(
    r"(?:\s+|//[^\n]*|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/|#[^\n]*(?:(?<=\\)\n[^\n]*)*)*"
)
# Tokens for blanking comments: comments, raw strings, strings, character literals.
_TOKENS = re.compile(
    r"//(?:\\\r?\n|[^\n])*"
    r"|/\*.*?(?:\*/|\Z)"
    r'|R"([^()\\\s"]{0,16})\(.*?(?:\)\1"|\Z)'
    r'|"(?:\\.|[^"\\\n])*"?'
    r"|'(?:\\.|[^'\\\n])*'|'",
    re.S,
)
# A run of code (with its strings, character literals and raw strings), then a comment: one
# match per comment, so blanking costs a Python step per comment, not per string.
_CODE_THEN_COMMENT = re.compile(
    r"(?:[^\"'/R]++"
    r'|"(?:[^"\\\n]++|\\.)*+"?'
    r"|'(?:[^'\\\n]|\\.)*'|'"
    r"|/(?![/*])"
    r'|R"([^()\\\s"]{0,16})\(.*?(?:\)\1"|\Z)'
    r"|R)*+"
    r"(//(?:\\\r?\n|[^\n])*|/\*.*?(?:\*/|\Z))?",
    re.S,
)
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_EXPR_TOKEN = re.compile(
    r"\s*(?:([A-Za-z_]\w*)|(\d[\w.']*)|(&&|\|\||==|!=|<=|>=|<<|>>|[!()])"
    r"|('(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")|(\S))"
)
_INT = re.compile(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*")


_unknown = fresh_unknown
_and = cond_and
_or = cond_or
_not = cond_not


def _var(name: str) -> Cond:
    return ("v", (name,))


# ------------------------------------------------------------------------------------------
# Condition expressions of #if / #elif


class _ExprParser:
    """Recursive descent over ``||``, ``&&``, ``!``, parentheses, ``defined``; the rest unknown."""

    __slots__ = ("toks", "i")

    def __init__(self, toks: list[tuple[int, str]]) -> None:
        self.toks = toks
        self.i = 0

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
        if tok == "!":
            return _not(self.parse_unary())
        if tok == "(":
            value = self.parse_or()
            if self.peek() == ")":
                self.i += 1
                return value
            return _unknown()
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
                self._skip_group()
                return _unknown()
            if tok == "true":
                return True
            if tok == "false":
                return False
            return _var(tok)
        if kind == 2:  # number
            m = _INT.fullmatch(tok)
            if m:
                digits = m.group(1)
                if digits[:2] in ("0x", "0X"):
                    number = int(digits, 16)
                elif digits.startswith("0"):
                    number = int(digits, 8)
                else:
                    number = int(digits)
                if number == 0:
                    return False
                if number == 1:
                    return True
            return _unknown()
        return _unknown()

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


def parse_condition(expr: str) -> Cond:
    """The condition of ``#if expr`` as True, False or a guard expression. Never raises."""
    try:
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
        if not toks:
            return _unknown()
        if any(t == "?" for _, t in toks):
            return _unknown()
        p = _ExprParser(toks)
        value = p.parse_or()
        if p.i < len(toks):  # trailing garbage, e.g. an unbalanced ')'
            return _unknown()
        return value
    except Exception:  # pragma: no cover - defensive: a reader never raises
        return _unknown()


# ------------------------------------------------------------------------------------------
# Comment spans


def _logical_line_start(text: str, p: int, floor: int) -> int:
    """Start of the line of ``p``, earlier lines joined by a backslash-newline included."""
    ls = text.rfind("\n", 0, p) + 1
    while (
        ls > floor
        and ls >= 2
        and (text[ls - 2] == "\\" or (text[ls - 2] == "\r" and ls >= 3 and text[ls - 3] == "\\"))
    ):
        ls = text.rfind("\n", 0, ls - 1) + 1
    return ls if ls > floor else floor


def _starts_comment(text: str, line_start: int, p: int) -> bool:
    """Whether the ``//`` or ``/*`` at ``p`` starts a comment, judged from ``line_start`` (a
    position outside literals and comments on the same line) by the full tokenizer."""
    line_end = text.find("\n", p)
    for m in _TOKENS.finditer(text, line_start, len(text) if line_end < 0 else line_end):
        start = m.start()
        if start >= p:
            return start == p
        if m.end() > p:
            return False  # inside a literal or an earlier comment
    return True


def _raw_string_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of block comments and raw strings that contain a newline (full tokenizer)."""
    spans: list[tuple[int, int]] = []
    for m in _TOKENS.finditer(text):
        tok = m.group(0)
        if (tok.startswith("/*") or tok.startswith('R"')) and "\n" in tok:
            spans.append((m.start(), m.end()))
    return spans


def _in_block_comment(text: str, outside: int, p: int) -> bool:
    """Whether position ``p`` (a line start) lies inside a ``/* */`` comment.

    ``outside`` is a line start known to lie outside comments. After the last ``*/`` before
    ``p`` no comment is open (either it closed one, or none was open), so only a ``/*``
    between it and ``p`` can open one; each is checked against the text before it on its
    line (strings and ``//`` comments cannot span lines). When that ``*/`` is on the same line,
    whether the line starts inside a comment decides where that text begins.
    """
    c = text.rfind("*/", outside, p)
    start = outside if c < 0 else c + 2
    q = text.find("/*", start, p)
    while q >= 0:
        line_start = _logical_line_start(text, q, outside)
        if line_start <= outside:
            line_start = outside
        elif c >= line_start and _in_block_comment(text, outside, line_start):
            line_start = c + 2  # the line starts in a comment that the `*/` closes
        prefix = text[line_start:q]
        if not ('"' in prefix or "'" in prefix or "/" in prefix) or _starts_comment(
            text, line_start, q
        ):
            return True
        q = text.find("/*", q + 2, p)
    return False


def _blank(tok: str) -> str:
    if "\n" not in tok and "\r" not in tok:
        return " " * len(tok)
    if "\r" in tok:
        return _NOT_NEWLINE.sub(" ", tok)
    return "\n".join([" " * len(part) for part in tok.split("\n")])


def blank_comments_cpp(text: str) -> str:
    """``text`` with ``//`` and ``/* */`` comments replaced by spaces (newlines kept).

    String, character and raw string literals are kept. Each ``/`` that starts a comment
    marker is checked against the text before it on its line (since the last comment); files
    with raw strings go through a full tokenizer.
    """
    try:
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
            if ('"' in prefix or "'" in prefix) and not _starts_comment(text, ls, p):
                pos = p + 1
                continue
            if nxt == "/":
                e = p + 2
                while True:  # a line comment continues after a backslash-newline
                    e = find("\n", e)
                    if e < 0:
                        e = n
                        break
                    if text[e - 1] == "\\" or (text[e - 1] == "\r" and text[e - 2] == "\\"):
                        e += 1
                        continue
                    break
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
    except Exception:  # pragma: no cover
        return text


def _blank_with_tokenizer(text: str) -> str:
    parts: list[str] = []
    last = 0
    for m in _CODE_THEN_COMMENT.finditer(text):
        start = m.start(2)  # group 1: a raw string's delimiter
        if start < 0:
            continue
        parts.append(text[last:start])
        parts.append(_blank(m.group(2)))
        last = m.end(2)
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
    __slots__ = ("conds", "cum", "seen_else")

    def __init__(self, cond: Cond, outer: Cond) -> None:
        self.conds: list[Cond] = [cond]
        self.cum: Cond = _and(outer, cond)
        self.seen_else = False


def read_cpp(text: str) -> FileFacts:
    """Facts of one C/C++ file: includes with guards, and ``extra["body_guard"]``."""
    try:
        return _read_cpp(text)
    except Exception as exc:  # pragma: no cover - defensive: a reader never raises
        return (
            "cpp",
            [],
            [(0, f"C/C++ reader failed: {type(exc).__name__}")],
            {"body_guard": None},
        )


def _read_cpp(text: str) -> FileFacts:
    refs: list[RawRef] = []
    notes: list[tuple[int, str]] = []
    n = len(text)
    spans: list[tuple[int, int]] | None = None
    span_starts: list[int] = []
    # A position known to lie outside comments and raw strings: a valid directive's line start.
    outside = 0

    stack: list[_Frame] = []
    cum: Cond = True  # the condition of the current position
    segments: list[tuple[int, Any]] = []  # (first line, condition) where the condition changes
    code_guards: list[Cond] = []
    code_ids: set[int] = set()
    unguarded_code = False
    seg_start = 0  # start of the text since the last directive
    line = 1
    line_pos = 0

    for m in _DIRECTIVE.finditer(text):
        ls = p = m.start()
        if p and text[p - 1] != "\n":
            ls = text.rfind("\n", 0, p) + 1
            if ls < p and not text[ls:p].isspace():
                continue
        if spans is None and text.find('R"', outside, ls) >= 0:
            spans = _raw_string_spans(text)
            span_starts = [s for s, _ in spans]
        if spans:
            k = bisect_right(span_starts, ls) - 1
            if k >= 0 and spans[k][1] > ls:
                continue
        else:
            c = text.rfind("*/", outside, ls)
            start = outside if c < 0 else c + 2
            if text.find("/*", start, ls) >= 0 and _in_block_comment(text, outside, ls):
                continue
        outside = ls
        line += text.count("\n", line_pos, ls)
        line_pos = ls
        # the code between the previous directive and this one
        if (
            seg_start < ls
            and cum is not False
            and not unguarded_code
            and _NOT_CODE.match(text, seg_start, ls).end() < ls
        ):
            if cum is True:
                unguarded_code = True
            elif id(cum) not in code_ids:
                code_ids.add(id(cum))
                code_guards.append(cum)
        # the logical line, with continuations
        end = text.find("\n", m.end())
        while end > 0 and (
            text[end - 1] == "\\" or (text[end - 1] == "\r" and text[end - 2 : end] == "\\\r")
        ):
            end = text.find("\n", end + 1)
        if end < 0:
            end = n
        seg_start = end + 1

        inc, spec, angle, name = m.groups()
        if inc is not None:  # an include
            if cum is False:
                continue
            flags = 0
            if spec is None and angle is not None:
                spec = angle
                flags = F_ANGLE
            if spec is None:
                rest = _strip_comments(text[m.end() : end])
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
                evidence = text[ls:end].strip()
                if len(evidence) > 200 or "  " in evidence or "\t" in evidence or "\n" in evidence:
                    evidence = evidence_text(evidence)
                refs.append(
                    (K_CPP_INCLUDE, spec, line, evidence, None if cum is True else cum, flags)
                )
            continue

        body = text[m.end() : end]
        if "\\" in body:
            body = re.sub(r"\\\r?\n", " ", body)
        body = _strip_comments(body)

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
            if guard_name is not None:
                dm = _DEFINE_AT.match(text, min(end + 1, n))
                if dm is not None and dm.group(1) == guard_name:
                    cond = True  # the classic include guard: no condition
            frame = _Frame(cond, cum)
            stack.append(frame)
            cum = frame.cum
        else:  # elif, elifdef, elifndef, else
            if not stack:
                notes.append((line, f"#{name} without #if"))
                continue
            frame = stack[-1]
            outer = stack[-2].cum if len(stack) > 1 else True
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
            branch: Cond = cond
            for prior in frame.conds:
                branch = _and(branch, _not(prior))
            frame.conds.append(cond)
            frame.cum = _and(outer, branch)
            cum = frame.cum
        segments.append((line + text.count("\n", ls, end) + 1, segment_value(cum)))
    if (
        seg_start < n
        and cum is not False
        and not unguarded_code
        and _NOT_CODE.match(text, seg_start, n).end() < n
    ):
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
        for dm in _DEFINES.finditer(text):
            (defines if dm.group(1) == "define" else cmakedefines).add(dm.group(2))
    extra: dict[str, Any] = {"body_guard": body_guard, "segments": segments}
    if defines:
        extra["defines"] = sorted(defines)
    if cmakedefines:
        extra["cmakedefines"] = sorted(cmakedefines)
    return ("cpp", refs, notes, extra)


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
