"""Hypothesis strategies for registries written the many ways TOML allows (no tests here).

Every document is written line by line by :class:`Doc`, which remembers where each key path
starts, so a test knows the true ``(line, column)`` of every key, table and array element
independently of the code under test; ``tomllib`` says what the document means. Documents are
full of what trips line scanners: comments with brackets and ``=``, multi-line strings holding
``[fake.header]`` lines, multi-line arrays, dotted keys, inline tables, CRLF.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

KeyPath = tuple[str | int, ...]

COMMENTS = [
    "",
    "  # a note",
    " # [modules.fake]",
    "\t# x = [1, 2 ]]",
    " # \"quoted\" and 'quoted'",
]
TRICKY_STRINGS = [
    '"plain"',
    "'[modules.fake]'",
    '"a # not a comment"',
    '"q \\" ] } ["',
    '"""multi\n[[modules.fake.decisions]]\nid = "no"\n"""',
    "'''raw\n]]\n[project]\n'''",
    '"""ends with quotes"""""',
    '"\\u00e9t\\u00e9"',
]


class Doc:
    """A TOML text written piece by piece; ``where`` maps key paths to (line, column)."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self.where: dict[KeyPath, tuple[int, int]] = {}

    def put(self, text: str, path: KeyPath | None = None) -> None:
        if path is not None and path not in self.where:
            self.where[path] = (len(self.lines), len(self.lines[-1]) + 1)
        first, *rest = text.split("\n")
        self.lines[-1] += first
        self.lines.extend(rest)

    def end(self, comment: str = "") -> None:
        self.lines[-1] += comment
        self.lines.append("")

    def text(self, newline: str = "\n") -> str:
        return newline.join(self.lines)


def basic(s: str) -> str:
    """``s`` as a TOML basic string (JSON escapes are TOML escapes; DEL must be escaped)."""
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


names = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def string_value(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(TRICKY_STRINGS))
    return basic(draw(texts))


def write_array(draw: st.DrawFn, doc: Doc, path: KeyPath, items: list[str]) -> None:
    """An array of already rendered items, on one line or spread over lines with comments."""
    doc.put("[", path)
    if not draw(st.booleans()):
        for i, item in enumerate(items):
            doc.put(", " if i else "")
            doc.put(item, (*path, i))
        doc.put("]")
        return
    doc.end(draw(st.sampled_from(COMMENTS)))
    for i, item in enumerate(items):
        doc.put("  ")
        doc.put(item, (*path, i))
        doc.put("," if i < len(items) - 1 or draw(st.booleans()) else "")
        doc.end(draw(st.sampled_from(COMMENTS)))
    doc.put("]")


def write_inline_table(doc: Doc, path: KeyPath, pairs: list[tuple[str, str]]) -> None:
    doc.put("{ ", path)
    for i, (k, v) in enumerate(pairs):
        doc.put(", " if i else "")
        doc.put(k, (*path, k))
        doc.put(f" = {v}")
    doc.put(" }")


def inline_text(pairs: list[tuple[str, str]]) -> str:
    return "{ " + ", ".join(f"{k} = {v}" for k, v in pairs) + " }"


@st.composite
def decision_pairs(draw: st.DrawFn, did: str) -> list[tuple[str, str]]:
    day = draw(st.integers(min_value=1, max_value=20))
    evidence = draw(st.lists(st.sampled_from(['"votes/a.mbox"', '"votes/b.json"']), max_size=2))
    return [
        ("id", basic(did)),
        ("kind", '"establish"'),
        ("opened", f"2022-06-{day:02d}T00:00:00Z"),
        ("closes", f"2022-06-{day + 7:02d}"),
        ("evidence", "[" + ", ".join(evidence) + "]"),
        ("result", draw(st.sampled_from(['"passed"', '"failed"', '"open"']))),
    ]


def write_pairs(draw: st.DrawFn, doc: Doc, base: KeyPath, pairs: list[tuple[str, str]]) -> None:
    """``key = value`` lines (values already rendered), each with a random comment."""
    for k, v in pairs:
        doc.put(k, (*base, k))
        doc.put(" = " + v)
        doc.end(draw(st.sampled_from(COMMENTS)))


def blank_or_comment(draw: st.DrawFn, doc: Doc) -> None:
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        doc.end(draw(st.sampled_from(["", "# between tables [x]", "   # indented = comment"])))


MODULE_STYLES = ("header", "header-inline-decisions", "top-inline", "dotted")


@st.composite
def registries(draw: st.DrawFn) -> tuple[Doc, list[str], str]:
    """(document, module names, newline) of a registry with valid TOML and valid values."""
    doc = Doc()
    modules = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    styles = {m: draw(st.sampled_from(MODULE_STYLES)) for m in modules}
    if any(s == "top-inline" for s in styles.values()):  # no [modules] header may follow
        styles = {m: ("header" if s == "dotted" else s) for m, s in styles.items()}
    decisions = {m: draw(st.integers(min_value=0, max_value=2)) for m in modules}
    people = draw(st.lists(names, max_size=3, unique=True))
    people_inline = draw(st.booleans())

    doc.put("schema", ("schema",))
    doc.put(" = 1")
    doc.end(draw(st.sampled_from(COMMENTS)))
    blank_or_comment(draw, doc)
    if people and people_inline:
        doc.put("people.person", ("people", "person"))
        doc.put(" = ")
        items = [
            inline_text([("handle", basic(h)), ("roles", '[{ role = "pmc", since = 2020-01-01 }]')])
            for h in people
        ]
        write_array(draw, doc, ("people", "person"), items)
        doc.end(draw(st.sampled_from(COMMENTS)))
    for m in modules:
        if styles[m] == "top-inline":
            doc.put(f"modules.{m}", ("modules", m))
            doc.put(" = ")
            pairs = [("stage", '"s0"'), ("paths", f'["{m}/", {draw(string_value())}]')]
            if decisions[m]:
                rows = [inline_text(draw(decision_pairs(f"{m}-{i}"))) for i in range(decisions[m])]
                pairs.append(("decisions", "[" + ", ".join(rows) + "]"))
            write_inline_table(doc, ("modules", m), pairs)
            doc.end(draw(st.sampled_from(COMMENTS)))
    blank_or_comment(draw, doc)
    doc.put("[project]", ("project",))
    doc.end(draw(st.sampled_from(COMMENTS)))
    write_pairs(draw, doc, ("project",), [("name", draw(string_value()))])
    doc.put("exclude", ("project", "exclude"))
    doc.put(" = ")
    write_array(draw, doc, ("project", "exclude"), ['"docs/**"', "'build/'"])
    doc.end(draw(st.sampled_from(COMMENTS)))
    blank_or_comment(draw, doc)
    if people and not people_inline:
        for i, h in enumerate(people):
            doc.put("[[people.person]]", ("people", "person", i))
            doc.end(draw(st.sampled_from(COMMENTS)))
            write_pairs(draw, doc, ("people", "person", i), [("handle", basic(h))])
            doc.put("roles", ("people", "person", i, "roles"))
            doc.put(" = ")
            write_array(
                draw,
                doc,
                ("people", "person", i, "roles"),
                ['{ role = "pmc", since = 2020-01-01 }'],
            )
            doc.end()
            blank_or_comment(draw, doc)
    dotted = [m for m in modules if styles[m] == "dotted"]
    if dotted:
        doc.put("[modules]", ("modules",))
        doc.end(draw(st.sampled_from(COMMENTS)))
        for m in dotted:
            doc.put(f"{m}.stage", ("modules", m))
            doc.where[("modules", m, "stage")] = doc.where[("modules", m)]
            doc.put(' = "s0"')
            doc.end(draw(st.sampled_from(COMMENTS)))
            doc.put(f"{m}.paths", ("modules", m, "paths"))
            doc.put(" = ")
            write_array(draw, doc, ("modules", m, "paths"), [basic(f"{m}/")])
            doc.end()
            if decisions[m]:
                doc.put(f"{m}.decisions", ("modules", m, "decisions"))
                doc.put(" = ")
                rows = [inline_text(draw(decision_pairs(f"{m}-{i}"))) for i in range(decisions[m])]
                write_array(draw, doc, ("modules", m, "decisions"), rows)
                doc.end()
        blank_or_comment(draw, doc)
    for m in modules:
        if styles[m] not in ("header", "header-inline-decisions"):
            continue
        base: KeyPath = ("modules", m)
        doc.put(f"[modules.{m}]", base)
        doc.end(draw(st.sampled_from(COMMENTS)))
        write_pairs(draw, doc, base, [("stage", '"proposed"')])
        doc.put("paths", (*base, "paths"))
        doc.put(" = ")
        write_array(draw, doc, (*base, "paths"), [basic(f"{m}/"), draw(string_value())])
        doc.end(draw(st.sampled_from(COMMENTS)))
        if styles[m] == "header-inline-decisions" and decisions[m]:
            doc.put("decisions", (*base, "decisions"))
            doc.put(" = ")
            rows = [inline_text(draw(decision_pairs(f"{m}-{i}"))) for i in range(decisions[m])]
            write_array(draw, doc, (*base, "decisions"), rows)
            doc.end()
        blank_or_comment(draw, doc)
        if styles[m] == "header":
            for i in range(decisions[m]):
                doc.put(f"[[modules.{m}.decisions]]", (*base, "decisions", i))
                doc.end(draw(st.sampled_from(COMMENTS)))
                write_pairs(draw, doc, (*base, "decisions", i), draw(decision_pairs(f"{m}-{i}")))
                blank_or_comment(draw, doc)
        if draw(st.booleans()):
            doc.put(f"[[modules.{m}.history]]", (*base, "history", 0))
            doc.end()
            write_pairs(
                draw,
                doc,
                (*base, "history", 0),
                [("date", "2022-06-08"), ("stage", '"proposed"'), ("reason", draw(string_value()))],
            )
            blank_or_comment(draw, doc)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return doc, modules, newline


def walk(value: Any, path: KeyPath = ()) -> list[KeyPath]:
    """Every key path of a parsed TOML document (array elements by index)."""
    out: list[KeyPath] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((*path, k))
            out.extend(walk(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append((*path, i))
            out.extend(walk(v, (*path, i)))
    return out


@st.composite
def registry_module(draw: st.DrawFn) -> tuple[Doc, str, str, str]:
    """(document, its text, one of its modules, the newline) of a generated registry."""
    doc, modules, newline = draw(registries())
    return doc, doc.text(newline), draw(st.sampled_from(modules)), newline
