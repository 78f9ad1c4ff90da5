"""TableGen reader: ``include "x.td"`` statements of ``.td`` files (MLIR dialects, LLVM targets).

An include resolves like a quoted C/C++ include: the including file's directory first, then
``include_roots`` (``mlir-tblgen -I``). The reader knows TableGen's lexical structure: ``//``
comments, nestable ``/* */`` comments, string literals, and ``[{ … }]`` code blocks (C++ text
in which nothing is a TableGen statement). TableGen's own preprocessor (``#ifdef``,
``#ifndef``, ``#else``, ``#endif``, ``#define``; ``#if``/``#elif`` where supported) gives the
guards; an include guard (``#ifndef X_TD`` / ``#define X_TD`` first) is no condition.
``extra["body_guard"]``, as for C/C++: the condition covering every statement of the file
(absent when some statement is unconditional).
"""

from __future__ import annotations

import re

from .facts import K_TD_INCLUDE, FileFacts, RawRef, block_comment_end, evidence_text
from .guards import DEAD, Guard, disj, guard_at
from .preproc import Conditionals

# what hides TableGen statements: comments, code blocks; strings are skipped over (kept)
_LEX = re.compile(r'//[^\n]*|/\*|\[\{|"(?:\\.|[^"\\\n])*"?')
_STATEMENT = re.compile(
    r'^[ \t]*(?:include[ \t]*"([^"\n]*)"|#[ \t]*(ifdef|ifndef|if|elif|else|endif|define)\b([^\n]*))',
    re.M,
)


def _blank(span: str) -> str:
    """Spaces for ``span``, its newlines kept (line numbers stay right)."""
    return "\n" * span.count("\n") if "\n" in span else " " * len(span)


def _hide(text: str, code_blocks: bool) -> str:
    """``text`` with comments (and, with ``code_blocks``, ``[{ … }]`` blocks) blanked."""
    out: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _LEX.search(text, pos)
        if m is None:
            break
        tok = m.group(0)
        start = m.start()
        if tok.startswith('"'):
            out.append(text[pos : m.end()])
            pos = m.end()
            continue
        out.append(text[pos:start])
        if tok == "/*":
            end = block_comment_end(text, m.end(), nested=True)
        elif tok == "[{":
            close = text.find("}]", m.end())
            end = n if close < 0 else close + 2
            if not code_blocks:
                out.append(text[start:end])
                pos = end
                continue
        else:
            end = m.end()
        out.append(_blank(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def blank_comments_tablegen(text: str) -> str:
    """The text with comments blanked (for the modules' ``references`` patterns)."""
    return _hide(text, code_blocks=False)


def read_tablegen(text: str) -> FileFacts:
    refs: list[RawRef] = []
    cond = Conditionals()
    code = _hide(text, code_blocks=True)
    lines: list[str] | None = None
    line = 1
    last = 0
    for m in _STATEMENT.finditer(code):
        line += code.count("\n", last, m.start())
        last = m.start()
        if m.group(1) is not None:
            if cond.current is False:
                continue  # `#if 0`-like dead text
            guard = None if cond.current is True else cond.current
            if lines is None:
                lines = text.split("\n")
            refs.append((K_TD_INCLUDE, m.group(1), line, evidence_text(lines[line - 1]), guard, 0))
        else:
            cond.directive(m.group(2), m.group(3).strip(), line)
    extra: dict[str, object] = {"segments": cond.segments}
    if len(cond.segments) > 1:
        body = _body_guard(code, cond.segments)
        if body is not None:
            extra["body_guard"] = body
    return ("td", refs, [], extra)


def _body_guard(code: str, segments: list) -> Guard:
    """The condition covering every statement line (None: some line is unconditional)."""
    guards: list[Guard] = []
    seen: set[int] = set()
    for number, text in enumerate(code.split("\n"), 1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        g = guard_at(segments, number)
        if g is None:
            return None
        if g != DEAD and id(g) not in seen:
            seen.add(id(g))
            guards.append(g)
    if not guards:
        return None
    return guards[0] if len(guards) == 1 else disj(*guards)
