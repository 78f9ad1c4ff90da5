"""Resolving Meson references: the ``subdir()`` tree, guards carried down it, paths.

Every ``meson.build`` that no ``subdir()`` reaches is a root (the project's, a subproject's);
a file reached through ``subdir()`` carries the OR, over the calls that reach it, of the call's
condition AND the condition of the file that makes the call. Paths are relative to the
directory of the ``meson.build`` that writes them (Meson has no other current directory).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..readers.facts import F_SUBDIR, K_BUILD_DEPENDENCY, FileFacts, RawRef
from ..readers.guards import Guard, conj
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
    # 1. the subdir() tree
    children: dict[str, list[tuple[str, Guard]]] = {}
    reached: set[str] = set()
    for path, f in builds.items():
        for raw in f[1]:
            if raw[5] & F_SUBDIR:
                hit = _target(raw[1], path, files, dirs)
                if hit and hit[0] in builds and hit[0] != path:
                    children.setdefault(path, []).append((hit[0], raw[4]))
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
        for raw in f[1]:
            if raw[0] == K_BUILD_DEPENDENCY:
                out.refs.append((path, raw, conj(base_guard, raw[4]), "", False))
                continue
            hit = _target(raw[1], path, files, dirs)
            if hit is not None:
                out.refs.append((path, raw, conj(base_guard, raw[4]), hit[0], hit[1]))
    return out


def _ancestors(path: str) -> list[str]:
    out = []
    d = posixpath.dirname(posixpath.dirname(path))
    while True:
        out.append(d)
        if not d:
            return out
        d = posixpath.dirname(d)
