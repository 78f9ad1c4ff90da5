"""Guard expressions (see ``facts``): combination and the "implies on(T)" test of SPEC §3.3."""

from __future__ import annotations

from itertools import product
from typing import Any

Guard = Any  # None (unconditional) or an expression tuple

UNKNOWN: tuple = ("u",)


class InvertedNames(frozenset):
    """The names of a toggle whose switch turns the module OFF when true (a registry toggle
    with ``inverted = true``, such as NumPy's ``disable-highway``): "implies on(T)" then means
    implies that the switch is false. Combining it with another set gives a plain frozenset."""


def _off_value(names: frozenset[str]) -> bool:
    """The value of the toggle's switch when the module is off."""
    return isinstance(names, InvertedNames)


def conj(*parts: Guard) -> Guard:
    """AND of guards, dropping ``None`` (true) parts and flattening nested ANDs."""
    items: list = []
    for p in parts:
        if p is None:
            continue
        if p[0] == "and":
            items.extend(p[1:])
        else:
            items.append(p)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return ("and", *items)


def disj(*parts: Guard) -> Guard:
    """OR of guards; ``None`` (true) anywhere makes the whole OR true."""
    if any(p is None for p in parts):
        return None
    items: list = []
    for p in parts:
        if p[0] == "or":
            items.extend(p[1:])
        else:
            items.append(p)
    return items[0] if len(items) == 1 else ("or", *items)


def neg(g: Guard) -> Guard:
    if g is None:
        return ("not", ("and",))  # false; never produced by readers in practice
    if g[0] == "not":
        return g[1]
    return ("not", g)


def _leaves(g: Guard, names: frozenset[str], out: list, seen: set[int] | None = None) -> None:
    """The atoms of ``g`` in order of first appearance (``"T"`` for the toggle's names).

    Guards are DAGs: an evaluator that merges branches (Meson's ``foreach``, the CMake model)
    shares sub-conditions, and a guard of a few hundred nodes can unfold into a tree of
    10^22; every walk therefore visits each node once."""
    if seen is None:
        seen = set()
    stack = [g]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        tag = n[0]
        if tag == "v":
            if names.intersection(n[1]):
                if "T" not in out:
                    out.append("T")
            else:
                out.append(n[1])  # a switch that is not T: a free variable, keyed by its names
        elif tag == "u":
            out.append(id(n))  # each unknown condition is its own free variable
        elif tag in ("and", "or"):
            stack.extend(reversed(n[1:]))
        elif tag == "not":
            stack.append(n[1])


def _eval(g: Guard, names: frozenset[str], env: dict, memo: dict[int, bool] | None = None) -> bool:
    if memo is None:
        memo = {}
    got = memo.get(id(g))
    if got is not None:
        return got
    tag = g[0]
    if tag == "v":
        out = env["T"] if names.intersection(g[1]) else env[g[1]]
    elif tag == "u":
        out = env[id(g)]
    elif tag == "and":
        out = all(_eval(c, names, env, memo) for c in g[1:])
    elif tag == "or":
        out = any(_eval(c, names, env, memo) for c in g[1:])
    elif tag == "not":
        out = not _eval(g[1], names, env, memo)
    else:
        out = False
    memo[id(g)] = out
    return out


def _other_atoms(g: Guard, names: frozenset[str]) -> list | None:
    """The atoms of ``g`` other than on(T); None when ``g`` does not test T at all."""
    if g is None or not names:
        return None
    leaves: list = []
    _leaves(g, names, leaves)
    if "T" not in leaves:
        return None
    return list(dict.fromkeys(x for x in leaves if x != "T"))


def implies_on(g: Guard, names: frozenset[str]) -> bool:
    """True when guard ``g`` implies ``on(T)`` for a toggle whose relevant names are ``names``.

    ``g AND NOT on(T)`` must be unsatisfiable (for :class:`InvertedNames`, ``g AND switch``); unknown atoms are free variables, so they imply
    nothing. Real conditions have a handful of atoms: trying every assignment is instant; past
    16 free atoms the answer is a conservative False.
    """
    free = _other_atoms(g, names)
    if free is None or len(free) > 16:
        return False
    for values in product((False, True), repeat=len(free)):
        env: dict = dict(zip(free, values, strict=True))
        env["T"] = _off_value(names)
        if _eval(g, names, env):
            return False
    return True


def implies_on_search(g: Guard, names: frozenset[str], budget: int = 20_000) -> bool:
    """``implies_on`` for guards with many atoms (those of the CMake build model).

    ``g AND NOT on(T)`` is searched for a satisfying assignment one atom at a time; a branch
    stops as soon as the three-valued value of ``g`` is decided, so a conjunct that is false
    cuts every assignment of the other atoms at once. Past ``budget`` evaluations the answer
    is a conservative False. Small guards take the exhaustive ``implies_on``.
    """
    free = _other_atoms(g, names)
    if free is None:
        return False
    if len(free) <= 8:
        return implies_on(g, names)
    env: dict = {"T": _off_value(names)}
    memo: dict[int, bool | None] = {}  # one evaluation: each shared node once

    def ev(n: Guard) -> bool | None:
        if id(n) in memo:
            return memo[id(n)]
        tag = n[0]
        out: bool | None
        if tag == "v":
            out = env.get("T" if names.intersection(n[1]) else n[1])
        elif tag == "u":
            out = env.get(id(n))
        elif tag == "not":
            r = ev(n[1])
            out = None if r is None else not r
        elif tag in ("and", "or"):
            stop = tag == "or"  # the value that decides: True for OR, False for AND
            undecided = False
            out = not stop
            for c in n[1:]:
                r = ev(c)
                if r is stop:
                    out = stop
                    break
                if r is None:
                    undecided = True
            else:
                out = None if undecided else not stop
        else:
            out = False
        memo[id(n)] = out
        return out

    # depth-first over the atoms in order, without recursion (guards can hold thousands)
    stack: list[list[int]] = []  # [atom index, 0 while trying True / 1 while trying False]
    i = 0
    for _step in range(budget):
        memo.clear()
        r = ev(g)
        if r is True:
            return False  # an assignment with T off satisfies g: not implied
        if r is None and i < len(free):
            env[free[i]] = True
            stack.append([i, 0])
            i += 1
            continue
        if r is None:  # pragma: no cover - every atom assigned decides the value
            return False
        while stack and stack[-1][1] == 1:
            del env[free[stack.pop()[0]]]
        if not stack:
            return True  # every assignment with T off makes g false
        stack[-1][1] = 1
        env[free[stack[-1][0]]] = False
        i = stack[-1][0] + 1
    return False


def mentions(g: Guard, names: frozenset[str]) -> bool:
    """True when the guard tests any of ``names`` (in any polarity)."""
    if g is None:
        return False
    leaves: list = []
    _leaves(g, names, leaves)
    return "T" in leaves


# Conditions while a reader evaluates them: True / False (known constants) or a guard expression.
Cond = Any


def fresh_unknown() -> tuple:
    """A fresh unknown atom: each unknown condition is its own free variable (by identity)."""
    return tuple(["u"])


def cond_and(a: Cond, b: Cond) -> Cond:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return conj(a, b)


def cond_or(a: Cond, b: Cond) -> Cond:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return disj(a, b)


def cond_not(a: Cond) -> Cond:
    if a is True:
        return False
    if a is False:
        return True
    return neg(a)


DEAD: tuple = ("dead",)  # a segment that is never compiled or run (`#if 0`, `if(FALSE)`)


def segment_value(cond: Cond) -> Guard:
    """A reader's condition as stored in ``extra["segments"]``: None, DEAD or a guard."""
    if cond is True:
        return None
    if cond is False:
        return DEAD
    return cond


def guard_at(segments: list, line: int) -> Guard:
    """The condition of ``line`` from a reader's ``(first line, condition)`` segments."""
    from bisect import bisect_right

    k = bisect_right(segments, line, key=lambda seg: seg[0]) - 1
    return segments[k][1] if k >= 0 else None
