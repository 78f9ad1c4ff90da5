"""Preprocessor conditionals shared by the TableGen and SWIG readers (not a reader itself).

TableGen has ``#ifdef``/``#ifndef``/``#else``/``#endif`` (and ``#define``); SWIG runs a C-like
preprocessor (``#if``/``#elif`` with ``defined``, ``!``, ``&&``, ``||``). Conditions follow
SPEC §3.3 for C/C++: ``#ifdef X``, ``defined(X)`` and ``#if X`` are ``("v", (X,))``; ``#if 0``
is dead; anything the parser does not understand is an unknown atom. An ``#ifndef X`` that is
the first directive of the file and is followed by ``#define X`` is an include guard: no
condition.
"""

from __future__ import annotations

import ast
import re

from .guards import Cond, cond_and, cond_not, cond_or, fresh_unknown, segment_value

_DEFINED = re.compile(r"\bdefined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))")
_NOT = re.compile(r"!(?!=)")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _from_ast(node: ast.expr) -> Cond:
    if isinstance(node, ast.BoolOp):
        value: Cond = isinstance(node.op, ast.And)
        combine = cond_and if isinstance(node.op, ast.And) else cond_or
        for v in node.values:
            value = combine(value, _from_ast(v))
        return value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return cond_not(_from_ast(node.operand))
    if isinstance(node, ast.Name):
        if node.id in ("true", "false"):
            return node.id == "true"
        return ("v", (node.id,))
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (0, 1):
        return node.value == 1
    return fresh_unknown()


def parse_condition(expr: str) -> Cond:
    """``#if``/``#elif`` text as True, False or a guard expression; never raises.

    The C operators become Python's (``&&`` and, ``||`` or, ``!`` not, ``defined(X)`` X) and
    the standard ``ast`` parser reads the result; what is not a name, 0/1, ``!``, ``&&`` or
    ``||`` is an unknown atom.
    """
    text = _BLOCK_COMMENT.sub(" ", expr).split("//", 1)[0].strip()
    if not text:
        return fresh_unknown()
    text = _DEFINED.sub(lambda m: m.group(1) or m.group(2), text)
    text = _NOT.sub(" not ", text.replace("&&", " and ").replace("||", " or "))
    try:
        return _from_ast(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, RecursionError):
        return fresh_unknown()


class Conditionals:
    """The condition of each line of a file, fed its conditional directives in order.

    ``current`` is True (unconditional), False (dead) or a guard; ``segments`` records
    ``(first line, condition)`` wherever it changes, as ``facts`` describes for pattern hits.
    """

    __slots__ = ("_stack", "current", "segments", "_first", "_guard_name")

    def __init__(self) -> None:
        # each frame: (condition outside the chain, negation of the earlier branches, branch)
        self._stack: list[tuple[Cond, Cond, Cond]] = []
        self.current: Cond = True
        self.segments: list[tuple[int, object]] = [(1, None)]
        self._first = True
        self._guard_name: str | None = None

    def _set(self, line: int, value: Cond) -> None:
        self.current = value
        seg = segment_value(value)
        if self.segments[-1][1] != seg:
            if self.segments[-1][0] == line:
                self.segments[-1] = (line, seg)
            else:
                self.segments.append((line, seg))

    def directive(self, word: str, arg: str, line: int) -> None:
        """Apply ``#word arg`` seen at ``line`` (the lines after it get the new condition)."""
        first, self._first = self._first, False
        if word == "define":
            if self._guard_name is not None and arg.split()[:1] == [self._guard_name]:
                # `#ifndef X` / `#define X` opening the file: an include guard, no condition
                outer, _earlier, _branch = self._stack[-1]
                self._stack[-1] = (outer, True, True)
                self._set(line + 1, outer)
            self._guard_name = None
            return
        self._guard_name = None
        cond: Cond
        if word in ("if", "ifdef", "ifndef"):
            name = arg.split()[0] if arg.split() else ""
            if word == "if":
                cond = parse_condition(arg)
            elif not re.fullmatch(r"[A-Za-z_]\w*", name):
                cond = fresh_unknown()
            else:
                cond = ("v", (name,)) if word == "ifdef" else cond_not(("v", (name,)))
                if word == "ifndef" and first:
                    self._guard_name = name
            outer = self.current
            self._stack.append((outer, cond_not(cond), cond))
            self._set(line + 1, cond_and(outer, cond))
        elif word in ("elif", "else", "elifdef", "elifndef"):
            if not self._stack:
                return
            outer, earlier, _branch = self._stack[-1]
            if word == "else":
                cond = True
            elif word == "elif":
                cond = parse_condition(arg)
            else:
                name = arg.split()[0] if arg.split() else ""
                cond = ("v", (name,)) if name else fresh_unknown()
                if word == "elifndef":
                    cond = cond_not(cond)
            branch = cond_and(earlier, cond)
            self._stack[-1] = (outer, cond_and(earlier, cond_not(cond)), branch)
            self._set(line + 1, cond_and(outer, branch))
        elif word == "endif":
            if not self._stack:
                return
            outer, _earlier, _branch = self._stack.pop()
            self._set(line + 1, outer)
