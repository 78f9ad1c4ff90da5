"""Resolving ``#include`` strings to files of the repository (SPEC §3 table, ``cpp-include``)."""

from __future__ import annotations

import posixpath


def normalize(path: str) -> str | None:
    """A root-relative ``/``-separated path with ``.``/``..``/empty segments folded.

    None when the path is absolute or climbs above the root.
    """
    if "\\" in path:
        path = path.replace("\\", "/")
    if path.startswith("/"):
        return None
    if "//" not in path and "/." not in path and path[:1] != "." and path[-1:] != "/":
        return path
    out: list[str] = []
    for part in path.split("/"):
        if part == "" or part == ".":
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


class IncludeResolver:
    """Quoted includes: the including file's directory first, then ``include_roots`` in order;
    angle includes: ``include_roots`` only. Unresolved (external) includes give None."""

    __slots__ = ("files", "roots", "_cache")

    def __init__(self, files: set[str] | frozenset[str], include_roots: list[str]) -> None:
        self.files = files
        roots: list[str] = []
        for r in include_roots:
            n = normalize(r.strip().rstrip("/"))
            if n is None:
                continue
            prefix = n + "/" if n else ""
            if prefix not in roots:
                roots.append(prefix)
        self.roots = roots
        self._cache: dict[tuple[str, str, bool], str | None] = {}

    def resolve(self, spec: str, importer: str, angle: bool) -> str | None:
        directory = posixpath.dirname(importer) if not angle else ""
        key = (spec, directory, angle)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = self._resolve(spec, directory, angle)
        self._cache[key] = found
        return found

    def _resolve(self, spec: str, directory: str, angle: bool) -> str | None:
        spec = spec.strip()
        if not spec or spec.startswith("/") or (len(spec) > 1 and spec[1] == ":"):
            return None  # absolute: outside the repository
        files = self.files
        if not angle:
            cand = normalize(f"{directory}/{spec}" if directory else spec)
            if cand is not None and cand in files:
                return cand
        for prefix in self.roots:
            cand = normalize(prefix + spec)
            if cand is not None and cand in files:
                return cand
        return None
