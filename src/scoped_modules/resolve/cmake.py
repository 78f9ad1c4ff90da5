"""Resolving CMake path literals against the tree, along the ``add_subdirectory``/``include``
graph, with guards propagated from the calls that reach each file (SPEC §3.2, §3.3).

Each CMake file is processed in one or more *contexts*: a current source directory (the
directory of the ``CMakeLists.txt`` being processed; ``include()``d files inherit it,
``add_subdirectory()`` changes it) and the guard under which it is reached. A file reached
by no ``add_subdirectory``/``include`` is processed from its own directory, unguarded. A file
reached along several paths carries the OR of their guards: a reference is wiring only when
every way of reaching it implies the toggle.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

from ..readers.facts import (
    F_GLOB_RECURSE,
    K_CMAKE_INCLUDE,
    K_CMAKE_PATH,
    K_CMAKE_SUBDIR,
    FileFacts,
    RawRef,
)
from ..readers.guards import Guard, conj, disj
from .includes import normalize

Resolved = dict[str, list[tuple[RawRef, Guard, tuple[str, ...]]]]

_LEADING_VAR = re.compile(
    r"\$\{(CMAKE_CURRENT_SOURCE_DIR|CMAKE_CURRENT_LIST_DIR|PROJECT_SOURCE_DIR|CMAKE_SOURCE_DIR)\}"
)
_GLOB_CHARS = re.compile(r"[*?\[]")
_EMPTY: tuple[str, ...] = ()


@lru_cache(maxsize=4096)
def glob_regex(pattern: str, recursive: bool) -> re.Pattern[str]:
    """A CMake ``file(GLOB)`` pattern (root-relative) as a regex over root-relative paths.

    ``*`` and ``?`` do not cross ``/``; ``[...]`` is a character class (``!`` or ``^``
    negates). With ``recursive`` (``GLOB_RECURSE``), the last component also matches in every
    subdirectory below the directories the other components match.
    """
    parts = pattern.split("/")
    rx_parts = [_component_regex(p) for p in parts]
    if recursive and len(rx_parts) >= 1:
        body = "/".join(rx_parts[:-1])
        rx = (body + "/" if body else "") + "(?:[^/]+/)*" + rx_parts[-1]
    else:
        rx = "/".join(rx_parts)
    return re.compile(rx + r"\Z")


def _component_regex(comp: str) -> str:
    out: list[str] = []
    i = 0
    n = len(comp)
    while i < n:
        c = comp[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < n and comp[j] in "!^":
                j += 1
            if j < n and comp[j] == "]":
                j += 1
            while j < n and comp[j] != "]":
                j += 1
            if j >= n:
                out.append(re.escape(c))
            else:
                inner = comp[i + 1 : j]
                neg = inner[:1] in ("!", "^")
                if neg:
                    inner = inner[1:]
                inner = inner.replace("\\", "\\\\").replace("/", "")
                out.append(("[^/" if neg else "[") + inner + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class _Tree:
    """The scanned files, with cached directory and glob queries."""

    def __init__(self, files: Iterable[str], dirs: set[str]) -> None:
        self.files = files if isinstance(files, (set, frozenset)) else frozenset(files)
        self.sorted = sorted(self.files)
        self.dirs = dirs
        self._under: dict[str, tuple[str, ...]] = {}
        self._globs: dict[tuple[str, bool], tuple[str, ...]] = {}

    def _range(self, prefix: str) -> list[str]:
        lo = bisect_left(self.sorted, prefix)
        out: list[str] = []
        files = self.sorted
        for i in range(lo, len(files)):
            if not files[i].startswith(prefix):
                break
            out.append(files[i])
        return out

    def is_dir(self, d: str) -> bool:
        if not d:
            return True
        if d in self.dirs:
            return True
        prefix = d + "/"
        lo = bisect_left(self.sorted, prefix)
        return lo < len(self.sorted) and self.sorted[lo].startswith(prefix)

    def under(self, d: str) -> tuple[str, ...]:
        got = self._under.get(d)
        if got is None:
            got = tuple(self._range(d + "/" if d else ""))
            self._under[d] = got
        return got

    def glob(self, pattern: str, recursive: bool) -> tuple[str, ...]:
        key = (pattern, recursive)
        got = self._globs.get(key)
        if got is not None:
            return got
        # the literal directory prefix limits the candidates
        m = _GLOB_CHARS.search(pattern)
        cut = pattern.rfind("/", 0, m.start()) if m else pattern.rfind("/")
        prefix = pattern[: cut + 1] if cut >= 0 else ""
        rx = glob_regex(pattern[len(prefix) :], recursive)  # cached: shared by many directories
        start = len(prefix)
        got = tuple(f for f in self._range(prefix) if rx.match(f, start))
        self._globs[key] = got
        return got


class _Resolver:
    def __init__(self, tree: _Tree) -> None:
        self.tree = tree
        self._cache: dict[tuple[str, str, int, str, str], tuple[tuple[str, ...], bool]] = {}

    def path_of(self, spec: str, src: str, listdir: str) -> tuple[str | None, bool]:
        """(root-relative normalized path, whether it was relative) for ``spec`` in a context."""
        m = _LEADING_VAR.match(spec)
        if m is not None:
            var = m.group(1)
            base = (
                src
                if var == "CMAKE_CURRENT_SOURCE_DIR"
                else listdir
                if var == "CMAKE_CURRENT_LIST_DIR"
                else ""
            )
            rest = spec[m.end() :].lstrip("/")
            if "${" in rest:
                return None, False
            if not rest:
                return base, False
            return normalize(f"{base}/{rest}" if base else rest), False
        if "${" in spec or spec.startswith("/") or (len(spec) > 1 and spec[1] == ":"):
            return None, False
        return normalize(f"{src}/{spec}" if src else spec), True

    def targets(
        self, kind: str, spec: str, flags: int, src: str, listdir: str
    ) -> tuple[tuple[str, ...], bool]:
        """(targets, whether ``spec`` was relative) of one reference in one context."""
        key = (kind, spec, flags, src, listdir)
        got = self._cache.get(key)
        if got is None:
            path, relative = self.path_of(spec, src, listdir)
            got = (self._match(kind, path, flags), relative)
            self._cache[key] = got
        return got

    def _match(self, kind: str, path: str | None, flags: int) -> tuple[str, ...]:
        if path is None:
            return _EMPTY
        tree = self.tree
        if kind == K_CMAKE_SUBDIR:
            cand = f"{path}/CMakeLists.txt" if path else "CMakeLists.txt"
            return (cand,) if cand in tree.files else _EMPTY
        if kind == K_CMAKE_INCLUDE:
            return (path,) if path in tree.files else _EMPTY
        if _GLOB_CHARS.search(path):
            got = tree.glob(path, bool(flags & F_GLOB_RECURSE))
            if got or path in tree.files:
                return got or (path,)
            return _EMPTY
        if path in tree.files:
            return (path,)
        if path and tree.is_dir(path):
            return tree.under(path)
        return _EMPTY  # nothing, or the whole repository (a root directory reference is noise)


def resolve_cmake(
    facts: dict[str, FileFacts], files: frozenset[str] | set[str], dirs: set[str]
) -> Resolved:
    """Every CMake file's references: (raw reference, effective guard, sorted targets).

    References with no target are dropped. Kinds ``cmake-subdir``/``cmake-include`` are kept
    as they are (callers render them as ``cmake-path``).
    """
    cmake = {p: f for p, f in facts.items() if f and f[0] == "cmake"}
    tree = _Tree(files, dirs)
    res = _Resolver(tree)

    # 1. Graph edges of a node (file, source dir): included / added files and their nodes.
    edge_cache: dict[tuple[str, str], list[tuple[tuple[str, str], Guard]]] = {}

    def edges(node: tuple[str, str]) -> list[tuple[tuple[str, str], Guard]]:
        got = edge_cache.get(node)
        if got is not None:
            return got
        path, src = node
        listdir = posixpath.dirname(path)
        out: list[tuple[tuple[str, str], Guard]] = []
        for ref in cmake[path][1]:
            kind = ref[0]
            if kind != K_CMAKE_SUBDIR and kind != K_CMAKE_INCLUDE:
                continue
            targets, relative = res.targets(kind, ref[1], ref[5], src, listdir)
            if not targets and relative and src:
                targets, _ = res.targets(kind, ref[1], ref[5], "", listdir)
            for t in targets:
                if t not in cmake:
                    continue
                child_src = posixpath.dirname(t) if kind == K_CMAKE_SUBDIR else src
                out.append(((t, child_src), ref[4]))
        edge_cache[node] = out
        return out

    # 2. Roots: files that no file reaches (judged from every file's own directory first).
    reached: set[str] = set()
    for path in cmake:
        for (t, _src), _g in edges((path, posixpath.dirname(path))):
            if t != path:
                reached.add(t)
    order = sorted(cmake, key=lambda p: (p.count("/"), p.rsplit("/", 1)[-1] != "CMakeLists.txt", p))
    roots: list[tuple[str, str]] = [(p, posixpath.dirname(p)) for p in order if p not in reached]
    nodes: dict[tuple[str, str], None] = {}
    preds: dict[tuple[str, str], list[tuple[tuple[str, str], Guard]]] = {}
    root_nodes: set[tuple[str, str]] = set()
    seen_files: set[str] = set()

    def explore(start: tuple[str, str]) -> None:
        root_nodes.add(start)
        if start in nodes:
            return
        nodes[start] = None
        todo = [start]
        while todo:
            node = todo.pop()
            seen_files.add(node[0])
            for child, g in edges(node):
                preds.setdefault(child, []).append((node, g))
                if child not in nodes:
                    nodes[child] = None
                    todo.append(child)

    for r in roots:
        explore(r)
    for p in order:  # files only reachable from a cycle: start from their own directory
        if p not in seen_files:
            explore((p, posixpath.dirname(p)))

    # 3. Guards of nodes, in topological order of strongly connected components.
    node_guard = _propagate(list(nodes), preds, root_nodes)

    # 4. References of every file, in each of its contexts.
    contexts: dict[str, list[tuple[str, Guard]]] = {}
    for (path, src), g in node_guard.items():
        contexts.setdefault(path, []).append((src, g))
    out: Resolved = {}
    for path in sorted(cmake):
        items: list[tuple[RawRef, Guard, tuple[str, ...]]] = []
        ctxs = sorted(contexts.get(path, [(posixpath.dirname(path), None)]), key=lambda c: c[0])
        listdir = posixpath.dirname(path)
        for ref in cmake[path][1]:
            kind, spec, _line, _ev, own, flags = ref
            if kind not in (K_CMAKE_PATH, K_CMAKE_SUBDIR, K_CMAKE_INCLUDE):
                continue
            by_targets: dict[tuple[str, ...], list[Guard]] = {}
            relative = False
            for src, g in ctxs:
                targets, relative = res.targets(kind, spec, flags, src, listdir)
                if targets:
                    by_targets.setdefault(targets, []).append(g)
            if not by_targets and relative and any(src for src, _g in ctxs):
                targets, _ = res.targets(kind, spec, flags, "", listdir)
                if targets:
                    by_targets[targets] = [g for _src, g in ctxs]
            for targets, guards in by_targets.items():
                items.append((ref, conj(own, _or_all(guards)), targets))
        out[path] = items
    return out


def _or_all(guards: list[Guard]) -> Guard:
    if any(g is None for g in guards):
        return None
    uniq: list[Guard] = []
    for g in guards:
        if g not in uniq:
            uniq.append(g)
    return uniq[0] if len(uniq) == 1 else disj(*uniq)


def _propagate(
    nodes: list[tuple[str, str]],
    preds: dict[tuple[str, str], list[tuple[tuple[str, str], Guard]]],
    roots: set[tuple[str, str]],
) -> dict[tuple[str, str], Guard]:
    """Guard of every node: OR over incoming calls of (caller's guard AND call guard).

    Strongly connected components (include cycles) get the OR of the guards entering them.
    """
    succ: dict[tuple[str, str], list[tuple[str, str]]] = {n: [] for n in nodes}
    for child, plist in preds.items():
        for parent, _g in plist:
            succ.setdefault(parent, []).append(child)
    comps = _tarjan(nodes, succ)  # reverse topological order
    comp_of: dict[tuple[str, str], int] = {}
    for i, comp in enumerate(comps):
        for n in comp:
            comp_of[n] = i
    guard: dict[tuple[str, str], Guard] = {}
    for i in range(len(comps) - 1, -1, -1):
        comp = comps[i]
        incoming: list[Guard] = []
        is_root = False
        for n in comp:
            if n in roots:
                is_root = True
            for parent, g in preds.get(n, ()):
                if comp_of.get(parent) == i:
                    continue
                if parent in guard:
                    incoming.append(conj(guard[parent], g))
        value: Guard = None if is_root or not incoming else _or_all(incoming)
        for n in comp:
            guard[n] = value
    return guard


def _tarjan(
    nodes: list[tuple[str, str]], succ: dict[tuple[str, str], list[tuple[str, str]]]
) -> list[list[tuple[str, str]]]:
    """Strongly connected components, iteratively; sinks first (reverse topological order)."""
    index: dict[tuple[str, str], int] = {}
    low: dict[tuple[str, str], int] = {}
    on_stack: set[tuple[str, str]] = set()
    stack: list[tuple[str, str]] = []
    comps: list[list[tuple[str, str]]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[tuple[str, str], int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            recurse = False
            while i < len(children):
                child = children[i]
                i += 1
                if child not in index:
                    work.append((node, i))
                    work.append((child, 0))
                    recurse = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if recurse:
                continue
            if low[node] == index[node]:
                comp: list[tuple[str, str]] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comps
