"""Where keys sit in a TOML text, so that problems can name ``FILE:LINE:COL``.

``tomllib`` gives values without positions; this light scanner maps each table header and
``key = value`` line to a key path such as ``("modules", "uma", "decisions", 0, "result")``.
It understands the TOML that people write by hand (headers, arrays of tables, dotted and quoted
keys, multi-line strings and arrays); it only ever serves error locations.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_-]+|"((?:[^"\\]|\\.)*)"|'([^']*)'""")

KeyPath = tuple[str | int, ...]


def split_key(text: str) -> list[str]:
    parts = []
    for m in _PART.finditer(text):
        if m.group(1) is not None:
            parts.append(m.group(1))
        elif m.group(2) is not None:
            parts.append(m.group(2))
        else:
            parts.append(m.group(0))
    return parts


def locate(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Map key paths to (line, column), both 1-based."""
    out: dict[KeyPath, tuple[int, int]] = {}
    counts: dict[tuple[str, ...], int] = {}
    current: KeyPath = ()
    in_ml: str | None = None  # open multi-line string delimiter
    depth = 0  # open brackets of a multi-line array / inline table
    for lineno, line in enumerate(text.splitlines(), 1):
        if in_ml:
            if in_ml in line:
                in_ml = None
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        hm = _HEADER.match(line)
        if hm:
            keys = tuple(split_key(hm.group(2)))
            if hm.group(1) == "[[":
                n = counts.get(keys, 0)
                counts[keys] = n + 1
                # arrays of tables nested in a parent array use the parent's current index
                current = _with_indexes(keys, counts, out, n)
            else:
                current = _with_indexes(keys, counts, out, None)
            out.setdefault(current, (lineno, line.index(hm.group(1)) + 1))
            continue
        km = _KEY.match(line)
        if km:
            path = current + tuple(split_key(km.group(2)))
            out.setdefault(path, (lineno, len(km.group(1)) + 1))
            rest = line[km.end() :]
            for delim in ('"""', "'''"):
                if rest.count(delim) == 1:
                    in_ml = delim
            if not in_ml:
                depth = max(0, _bracket_balance(rest))
    return out


def _with_indexes(
    keys: tuple[str, ...], counts: dict[tuple[str, ...], int], out: dict, own: int | None
) -> KeyPath:
    path: list[str | int] = []
    for i, k in enumerate(keys):
        path.append(k)
        prefix = keys[: i + 1]
        if i == len(keys) - 1:
            if own is not None:
                path.append(own)
        elif prefix in counts:
            path.append(counts[prefix] - 1)
    return tuple(path)


_STRINGS = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")


def _bracket_balance(s: str) -> int:
    """Open minus closed brackets outside strings and comments."""
    if "[" not in s and "{" not in s and "]" not in s and "}" not in s:
        return 0
    code = _STRINGS.sub("", s).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


def nearest(locs: dict[KeyPath, tuple[int, int]], path: KeyPath) -> tuple[int, int]:
    """The position of ``path``, else of its nearest ancestor that was found, else (1, 1)."""
    p = tuple(path)
    while p:
        if p in locs:
            return locs[p]
        p = p[:-1]
    return (1, 1)
