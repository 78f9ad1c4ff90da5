"""Resolving Meson references: the ``subdir()`` tree, guards carried down it, paths.

Every ``meson.build`` that no ``subdir()`` reaches is a root (the project's, a subproject's);
a file reached through ``subdir()`` carries the OR, over the calls that reach it, of the call's
condition AND the condition of the file that makes the call. Paths are relative to the
directory of the ``meson.build`` that writes them (Meson has no other current directory).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from ..readers.facts import F_SUBDIR, K_BUILD_DEPENDENCY, FileFacts, RawRef
from ..readers.guards import DEAD, Guard, cond_and, cond_not, cond_or, conj, segment_value
from ..readers.meson import EXT_PREFIX, NOT_BOOLEAN
from .includes import normalize
from .reach import reach_guards

OPTION_FILES = ("meson.options", "meson_options.txt")


@dataclass
class MesonResolution:
    # (file, raw reference, effective guard, target, target is a directory)
    refs: list[tuple[str, RawRef, Guard, str, bool]] = field(default_factory=list)
    # variable -> the meson.build files that assign it
    assigns: dict[str, list[str]] = field(default_factory=dict)
    # option name -> (options file, line)
    options: dict[str, tuple[str, int]] = field(default_factory=dict)
    notes: list[tuple[str, int, str]] = field(default_factory=list)


def _target(spec: str, path: str, files: frozenset[str], dirs: set[str]) -> tuple[str, bool] | None:
    if not spec or spec.startswith("/") or "@" in spec:
        return None
    base = posixpath.dirname(path)
    full = normalize(f"{base}/{spec}" if base else spec)
    if full is None:
        return None
    if full in files:
        return full, False
    if full in dirs:
        return full, True
    return None


def resolve_meson(
    facts: dict[str, FileFacts], files: frozenset[str], dirs: set[str]
) -> MesonResolution:
    out = MesonResolution()
    builds = {p: f for p, f in facts.items() if p.rsplit("/", 1)[-1] == "meson.build"}
    for path, f in facts.items():
        if path.rsplit("/", 1)[-1] in OPTION_FILES:
            for name, line, _type in f[3].get("options", ()):
                out.options.setdefault(name, (path, line))
    # 1. the subdir() tree, and the boolean variables each file receives from its callers
    scopes = _scopes(builds, files, dirs)
    children: dict[str, list[tuple[str, Guard]]] = {}
    reached: set[str] = set()
    for path, f in builds.items():
        memo: dict[int, Any] = {}  # one per file: its references' guards share their parts
        for raw in f[1]:
            if raw[5] & F_SUBDIR:
                hit = _target(raw[1], path, files, dirs)
                if hit and hit[0] in builds and hit[0] != path:
                    g = _substitute(raw[4], scopes.get(path), memo)
                    if g is not False:
                        children.setdefault(path, []).append((hit[0], g))
                        reached.add(hit[0])
    roots = sorted(p for p in builds if p not in reached)
    for root in roots:
        if (
            posixpath.dirname(root)
            and not builds[root][3].get("project")
            and any(posixpath.join(d, "meson.build") in builds for d in _ancestors(root))
        ):
            out.notes.append(
                (root, 0, "meson.build reached by no subdir(): read as always part of the build")
            )
    reach = reach_guards(roots, children)
    # 2. every reference under the condition that reaches its file
    for path, f in builds.items():
        for name, _line in f[3].get("assigns", {}).items():
            out.assigns.setdefault(name, []).append(path)
        base_guard = reach.get(path)
        scope = scopes.get(path)
        memo = {}
        for raw in f[1]:
            g = _substitute(raw[4], scope, memo)
            if g is False:
                continue  # the caller's variables make this code dead
            if raw[0] == K_BUILD_DEPENDENCY:
                out.refs.append((path, raw, conj(base_guard, g), "", False))
                continue
            hit = _target(raw[1], path, files, dirs)
            if hit is not None:
                out.refs.append((path, raw, conj(base_guard, g), hit[0], hit[1]))
    return out


def _scopes(
    builds: dict[str, FileFacts], files: frozenset[str], dirs: set[str]
) -> dict[str, dict[str, Guard]]:
    """For each ``meson.build`` reached by ``subdir()``: the boolean variables (as guards over
    options and unknowns) that every ``subdir()`` call reaching it had set. Meson runs a
    subdir's file in its caller's scope, so ``use_x = get_option('x')`` in the root and ``if
    use_x`` in a subdir test the option. Callers that disagree about a variable leave it free.
    A ``subdir()`` never goes up (Meson refuses ``..``): callers are shallower than callees."""
    calls: dict[str, list[tuple[str, dict[str, Guard]]]] = {}
    for path, f in builds.items():
        for spec, _line, passed in f[3].get("passes", ()):
            hit = _target(spec, path, files, dirs)
            if hit and hit[0] in builds and hit[0] != path:
                calls.setdefault(hit[0], []).append((path, passed))
    scopes: dict[str, dict[str, Guard]] = {}
    for child in sorted(calls, key=lambda p: p.count("/")):
        merged: dict[str, Guard] | None = None
        for caller, passed in calls[child]:
            outer = scopes.get(caller)
            mine = dict(outer or {})  # what the caller received flows on, unless it set it
            for n, g in passed.items():
                if g == NOT_BOOLEAN:
                    mine.pop(n, None)
                else:
                    mine[n] = _substitute(g, outer)
            if merged is None:
                merged = mine
            else:
                merged = {n: g for n, g in merged.items() if n in mine and _same(mine[n], g)}
        if merged:
            scopes[child] = {n: segment_value(g) for n, g in merged.items()}
    return scopes


def _same(a: Any, b: Any) -> bool:
    """Equal guards; an unknown atom equals only itself (two callers' unknowns may differ)."""
    if a is b:
        return True
    if not (isinstance(a, tuple) and isinstance(b, tuple)) or len(a) != len(b) or a[0] != b[0]:
        return False
    if a[0] == "v":
        return bool(a[1] == b[1])
    if a[0] in ("and", "or", "not"):
        return all(_same(x, y) for x, y in zip(a[1:], b[1:], strict=True))
    return False


def _substitute(
    g: Guard, scope: dict[str, Guard] | None, memo: dict[int, Any] | None = None
) -> Any:
    """``g`` with each caller variable atom replaced by the caller's guard: None (true), False,
    or a guard. Shared sub-guards are rebuilt once (across the calls given the same ``memo``,
    which must come with the same ``scope``, while the guards are alive: the guards of one
    file's references share most of their parts)."""
    if g is None or not scope:
        return g
    if memo is None:
        memo = {}

    def sub(n: Any) -> Any:  # a Cond: True, False or a guard
        got = memo.get(id(n), memo)
        if got is not memo:
            return got
        tag = n[0]
        out: Any = n
        if n is DEAD or tag == "dead":
            out = False
        elif tag == "v":
            names = n[1]
            if len(names) == 1 and names[0].startswith(EXT_PREFIX):
                name = names[0][len(EXT_PREFIX) :]
                if name in scope:
                    val = scope[name]
                    out = True if val is None else False if val == DEAD else val
        elif tag == "not":
            inner = sub(n[1])
            out = n if inner is n[1] else cond_not(inner)
        elif tag in ("and", "or"):
            kids = [sub(k) for k in n[1:]]
            if any(k is not o for k, o in zip(kids, n[1:], strict=True)):
                out = tag == "and"
                for k in kids:
                    out = cond_and(out, k) if tag == "and" else cond_or(out, k)
        memo[id(n)] = out
        return out

    got = sub(g)
    return None if got is True else got


def _ancestors(path: str) -> list[str]:
    out = []
    d = posixpath.dirname(posixpath.dirname(path))
    while True:
        out.append(d)
        if not d:
            return out
        d = posixpath.dirname(d)
