"""SWIG reader: what an interface file (``.i``, ``.swig``) needs from the repository.

- ``%include "x.i"`` / ``%include <x.i>`` and ``%import "x.i"`` (also with options,
  ``%import(module="m") "x.h"``): ``swig-include``, resolved like C/C++ includes (the
  including file's directory first, then ``include_roots``: what ``swig -I`` does, as
  ``swig -MM`` shows).
- ``#include`` inside a code block copied to the wrapper (``%{ … %}``, ``%header %{``,
  ``%wrapper %{``, ``%init %{``, ``%inline %{``, ``%insert("…") %{``, …): ``cpp-include``.
- ``#include`` outside such a block is ignored by SWIG (unless ``-includeall``): no reference.

Comments (``//``, ``/* */``) and string literals outside the code blocks hide directives; in
the code blocks C/C++ comments do. Preprocessor conditionals (``#if``, ``#ifdef``, …) give the
guards, in and out of code blocks alike.
"""

from __future__ import annotations

import re

from .facts import F_ANGLE, K_CPP_INCLUDE, K_SWIG_INCLUDE, FileFacts, RawRef, evidence_text
from .preproc import Conditionals

_LEX = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)|%\{|%\}|\"(?:\\.|[^\"\\\n])*\"?", re.S)
_LINE = re.compile(
    r"^[ \t]*(?:%(include|import)\b[ \t]*(?:\([^)\n]*\)[ \t]*)?(?:\"([^\"\n]*)\"|<([^>\n]*)>)"
    r"|#[ \t]*(include)[ \t]*(?:\"([^\"\n]*)\"|<([^>\n]*)>)"
    r"|#[ \t]*(ifdef|ifndef|if|elif|else|endif|define)\b([^\n]*))",
    re.M,
)
_MODULE = re.compile(r"^[ \t]*%module\b[ \t]*(?:\([^)\n]*\)[ \t]*)?([A-Za-z_][\w.]*)", re.M)


def _blank(span: str) -> str:
    return "\n" * span.count("\n") if "\n" in span else " " * len(span)


def _hide(text: str) -> tuple[str, list[tuple[int, int]]]:
    """(text with comments blanked, string literals kept; the offsets of the ``%{ … %}`` code
    blocks in that text)."""
    out: list[str] = []
    blocks: list[tuple[int, int]] = []
    size = 0  # length of the output so far
    open_at = -1
    pos = 0
    for m in _LEX.finditer(text):
        tok = m.group(0)
        piece = text[pos : m.start()]
        out.append(piece)
        size += len(piece)
        if tok == "%{":
            if open_at < 0:
                open_at = size
            kept = tok
        elif tok == "%}":
            if open_at >= 0:
                blocks.append((open_at, size))
                open_at = -1
            kept = tok
        elif tok[0] == '"':
            kept = tok
        else:
            kept = _blank(tok)
        out.append(kept)
        size += len(kept)
        pos = m.end()
    out.append(text[pos:])
    size += len(text) - pos
    if open_at >= 0:
        blocks.append((open_at, size))
    return "".join(out), blocks


def blank_comments_swig(text: str) -> str:
    """The text with comments blanked (for the modules' ``references`` patterns)."""
    return _hide(text)[0]


def read_swig(text: str) -> FileFacts:
    code, blocks = _hide(text)
    refs: list[RawRef] = []
    cond = Conditionals()
    lines: list[str] | None = None
    line, last, b = 1, 0, 0
    for m in _LINE.finditer(code):
        start = m.start()
        line += code.count("\n", last, start)
        last = start
        while b < len(blocks) and blocks[b][1] <= start:
            b += 1
        in_block = b < len(blocks) and blocks[b][0] <= start
        word = m.group(1) or m.group(4)
        if word is None:
            cond.directive(m.group(7), m.group(8).strip(), line)
            continue
        if cond.current is False or (m.group(4) and not in_block):
            continue  # dead text; `#include` outside %{ %} is not read by SWIG
        if m.group(1):
            kind, quoted, angled = K_SWIG_INCLUDE, m.group(2), m.group(3)
        elif in_block:
            kind, quoted, angled = K_CPP_INCLUDE, m.group(5), m.group(6)
        else:
            continue
        spec = quoted if quoted is not None else angled
        if lines is None:
            lines = text.split("\n")
        guard = None if cond.current is True else cond.current
        flags = F_ANGLE if quoted is None else 0
        refs.append((kind, spec, line, evidence_text(lines[line - 1]), guard, flags))
    module = _MODULE.search(code)
    return (
        "swig",
        refs,
        [],
        {"segments": cond.segments, "module": module.group(1) if module else None},
    )
