"""The one TOML position locator: where keys, tables and values sit in a TOML text.

``tomllib`` gives values without positions. :func:`scan` walks the same text as a TOML lexer
(strings of the four kinds, comments, dotted and quoted keys, table and array-of-tables headers,
arrays and inline tables at any depth, CRLF) and maps every key path, such as
``("modules", "uma", "decisions", 0, "result")`` or ``("people", "person", 2, "roles", 0)``, to
its ``(line, column)``. It also keeps what an edit needs: each header with the extent of its
block, and each inline array or inline table with its brackets and last element.

It is meant for text that ``tomllib`` accepted; on other text it never raises and never loops,
it just knows less. Nesting is followed with an explicit stack, so any depth is fine here.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field

KeyPath = tuple[str | int, ...]

_TOKEN = re.compile(
    r"""
      (?P<ws>[ \t]+)
    | (?P<nl>\r?\n)
    | (?P<comment>\#[^\r\n]*)
    | (?P<mlbasic>\"\"\"(?:[^"\\]++|\\.|"(?!""))*+"{3,5})
    | (?P<mlliteral>'''(?:[^']++|'(?!''))*+'{3,5})
    | (?P<basic>"(?:[^"\\\r\n]++|\\.)*+")
    | (?P<literal>'[^'\r\n]*+')
    | (?P<punct>[\[\]{}=,.])
    | (?P<bare>[^ \t\r\n\#"'\[\]{}=,.]++)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_KEY_KINDS = ("bare", "basic", "literal")
MAX_PATH = 64  # deeper values are followed (for ``deepest``) but not given positions
_TRIVIA = ("ws", "comment", "nl")


@dataclass
class Header:
    """A ``[table]`` or ``[[array.of.tables]]`` header and the block it opens."""

    keys: tuple[str, ...]  # as written: ("modules", "uma", "decisions")
    path: KeyPath  # with array-of-tables indexes: ("modules", "uma", "decisions", 1)
    array: bool  # [[...]]
    line: int
    col: int
    start: int  # offset of the first '['
    content_end: int  # offset just after the block's last key or value (or after the header)


@dataclass
class Container:
    """An inline array ``[...]`` or an inline table ``{...}`` written as a value."""

    kind: str  # "array" or "table"
    open: int  # offset of '[' or '{'
    close: int  # offset of the matching ']' or '}' (-1 when unterminated)
    last_end: int  # offset just after the last element or key/value (== open + 1 when empty)
    count: int  # elements (array) or key/value pairs (table)


@dataclass
class Layout:
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    headers: list[Header] = field(default_factory=list)
    containers: dict[KeyPath, Container] = field(default_factory=dict)
    deepest: tuple[int, int, int] = (0, 1, 1)  # (depth, line, column) of the deepest nesting


@dataclass
class _Frame:
    kind: str
    path: KeyPath
    open: int
    count: int = 0
    last_end: int = 0
    expect_key: bool = True  # inline tables: a key may come next


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks: list[tuple[str, int, int]] = [
            (m.lastgroup or "other", m.start(), m.end()) for m in _TOKEN.finditer(text)
        ]
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.out = Layout()
        self.aot_counts: dict[KeyPath, int] = {}

    # -- positions -----------------------------------------------------------------------------

    def where(self, offset: int) -> tuple[int, int]:
        n = bisect.bisect_left(self.newlines, offset)
        line_start = self.newlines[n - 1] + 1 if n else 0
        return n + 1, offset - line_start + 1

    def mark(self, path: KeyPath, offset: int) -> None:
        if len(path) <= MAX_PATH and path not in self.out.positions:
            self.out.positions[path] = self.where(offset)

    def mark_all(self, path: KeyPath, offset: int, first: int) -> None:
        """Mark ``path`` and its ancestors from length ``first`` on (existing marks are kept)."""
        for n in range(max(first, 1), len(path) + 1):
            self.mark(path[:n], offset)

    # -- tokens --------------------------------------------------------------------------------

    def kind(self, i: int) -> str:
        return self.toks[i][0] if i < len(self.toks) else "eof"

    def tok(self, i: int) -> str:
        if i >= len(self.toks):
            return ""
        _, s, e = self.toks[i]
        return self.text[s:e]

    def skip(self, i: int, newlines: bool) -> int:
        kinds = _TRIVIA if newlines else ("ws",)
        while i < len(self.toks) and self.toks[i][0] in kinds:
            i += 1
        return i

    def key_part(self, i: int) -> str:
        kind, s, e = self.toks[i]
        raw = self.text[s:e]
        if kind == "literal":
            return raw[1:-1]
        if kind == "basic":
            if "\\" not in raw:
                return raw[1:-1]
            try:
                value = tomllib.loads(f"k = {raw}")["k"]
            except tomllib.TOMLDecodeError:
                return raw[1:-1]
            return value if isinstance(value, str) else raw[1:-1]
        return raw

    def dotted_key(self, i: int) -> tuple[list[str], int]:
        """The parts of a (dotted) key starting at token ``i``, and the index after it."""
        parts: list[str] = []
        while True:
            i = self.skip(i, newlines=False)
            if self.kind(i) not in _KEY_KINDS:
                return parts, i
            parts.append(self.key_part(i))
            i = self.skip(i + 1, newlines=False)
            if self.tok(i) != ".":
                return parts, i
            i += 1

    def to_line_end(self, i: int) -> int:
        while i < len(self.toks) and self.toks[i][0] != "nl":
            i += 1
        return i

    # -- the document --------------------------------------------------------------------------

    def run(self) -> Layout:
        i = 0
        current: KeyPath = ()
        header: Header | None = None
        while i < len(self.toks):
            i = self.skip(i, newlines=True)
            if i >= len(self.toks):
                break
            start = self.toks[i][1]
            if self.tok(i) == "[":
                header, i = self.header(i)
                if header is not None:
                    current = header.path
                i = self.to_line_end(i)
                continue
            if self.kind(i) in _KEY_KINDS:
                parts, j = self.dotted_key(i)
                if self.tok(j) == "=":
                    path = (*current, *parts)
                    self.mark_all(path, start, len(current) + 1)
                    j, end = self.value(j + 1, path)
                    if header is not None:
                        header.content_end = max(header.content_end, end)
                    i = self.to_line_end(j)
                    continue
            i = self.to_line_end(i + 1)
        return self.out

    def header(self, i: int) -> tuple[Header | None, int]:
        start = self.toks[i][1]
        array = self.tok(i + 1) == "["
        parts, j = self.dotted_key(i + (2 if array else 1))
        if not parts or self.tok(j) != "]" or (array and self.tok(j + 1) != "]"):
            return None, j
        end = self.toks[j + (1 if array else 0)][2]
        keys = tuple(parts)
        path: list[str | int] = []
        for n, k in enumerate(keys):
            path.append(k)
            here = tuple(path)
            if n == len(keys) - 1:
                if array:
                    count = self.aot_counts.get(here, 0)
                    self.aot_counts[here] = count + 1
                    path.append(count)
            elif here in self.aot_counts:
                path.append(self.aot_counts[here] - 1)
        line, col = self.where(start)
        h = Header(keys, tuple(path), array, line, col, start, end)
        self.out.headers.append(h)
        self.mark_all(h.path, start, 1)
        return h, j + (2 if array else 1)

    def value(self, i: int, path: KeyPath) -> tuple[int, int]:
        """Read the value at token ``i`` (any nesting, no recursion): (next index, end offset)."""
        frames: list[_Frame] = []
        i = self.skip(i, newlines=False)
        end = self.toks[i - 1][2] if i else 0
        i, end = self.begin(i, path, frames, end)
        while frames:
            f = frames[-1]
            i = self.skip(i, newlines=True)
            if i >= len(self.toks):
                for g in frames:  # unterminated: record what was seen
                    self.close(g, -1)
                return i, end
            t = self.tok(i)
            if t == ("]" if f.kind == "array" else "}"):
                self.close(f, self.toks[i][1])
                frames.pop()
                end = self.toks[i][2]
                if frames:
                    frames[-1].last_end = end
                i += 1
            elif t == ",":
                f.expect_key = True
                i += 1
            elif f.kind == "array":
                if t in ("]", "}"):  # a stray closer: skip it
                    i += 1
                    continue
                elem = (*f.path, f.count) if len(f.path) < MAX_PATH else f.path
                f.count += 1
                i, end = self.begin(i, elem, frames, end)
                if frames and frames[-1] is f:
                    f.last_end = end
            else:
                if self.kind(i) not in _KEY_KINDS or not f.expect_key:
                    i += 1
                    continue
                start = self.toks[i][1]
                parts, j = self.dotted_key(i)
                if self.tok(j) != "=":
                    i = max(j, i + 1)
                    continue
                key_path = (*f.path, *parts) if len(f.path) < MAX_PATH else f.path
                self.mark_all(key_path, start, len(f.path) + 1)
                f.count += 1
                f.expect_key = False
                i, end = self.begin(self.skip(j + 1, newlines=False), key_path, frames, end)
                if frames and frames[-1] is f:
                    f.last_end = end
        return i, end

    def begin(self, i: int, path: KeyPath, frames: list[_Frame], end: int) -> tuple[int, int]:
        """Start the value at token ``i``: open a frame, or read a scalar whole."""
        if i >= len(self.toks):
            return i, end
        _, s, e = self.toks[i]
        self.mark(path, s)
        t = self.tok(i)
        if t in ("[", "{"):
            frames.append(_Frame("array" if t == "[" else "table", path, s, last_end=e))
            if len(frames) > self.out.deepest[0]:
                self.out.deepest = (len(frames), *self.where(s))
            return i + 1, e
        stops = ("nl", "comment") if not frames else ("nl", "comment", "punct")
        while i < len(self.toks):
            kind = self.toks[i][0]
            if kind in stops and (kind != "punct" or self.tok(i) in ",]}"):
                break
            if kind != "ws":
                end = self.toks[i][2]
            i += 1
        return i, end

    def close(self, f: _Frame, at: int) -> None:
        self.out.containers[f.path] = Container(
            f.kind, f.open, at, f.last_end if f.count else f.open + 1, f.count
        )


def scan(text: str) -> Layout:
    """Positions, headers and inline containers of a TOML text."""
    return _Scanner(text).run()


def locate(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Map key paths to (line, column), both 1-based."""
    return scan(text).positions


def nearest(locs: dict[KeyPath, tuple[int, int]], path: KeyPath) -> tuple[int, int]:
    """The position of ``path``, else of its nearest ancestor that was found, else (1, 1)."""
    p = tuple(path)
    while p:
        if p in locs:
            return locs[p]
        p = p[:-1]
    return (1, 1)
