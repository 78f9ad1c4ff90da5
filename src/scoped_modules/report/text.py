"""Human-readable ``scoped check`` output: findings grouped by module and rule (the first
``max_per_rule`` of each group, then how many more), then notes, a table of counts per module and
rule, and one summary line.

Colour is plain ANSI escapes, used only when the caller asks (the CLI does on a terminal without
``NO_COLOR``); no rich, to keep ``scoped check`` quick to start. Text taken from scanned files is
passed through :func:`printable`, so a file cannot send escape sequences to the terminal.
"""

from __future__ import annotations

from itertools import groupby

from ..finding import Finding
from ..result import CheckResult, ModuleRow, Note
from ._common import first_line, location, plural, printable, summary_line

MAX_NOTES = 20  # lines of notes (a group of repeated notes is one)
NOTE_PLACES = 6  # places shown for a note repeated at several places
MAX_PER_RULE = 20  # findings shown per (module, rule); `--max-per-rule N`, `--all`
PROJECT = "(project)"  # header of findings that concern no module

_RESET = "\x1b[0m"
_STYLE = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "note": "\x1b[1;36m",
    "ok": "\x1b[32m",
    "header": "\x1b[1m",
    "dim": "\x1b[2m",
}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        if not self.color or style not in _STYLE:
            return text
        return f"{_STYLE[style]}{text}{_RESET}"


def _module_header(name: str | None, row: ModuleRow | None, paint: _Painter) -> str:
    if name is None:
        return paint("header", PROJECT)
    if row is None:
        return paint("header", f"module {printable(name)}")
    return f"{paint('header', f'module {printable(name)}')} ({row.stage}): {paint(row.status, row.status)}"


def _finding_lines(finding: Finding, paint: _Painter) -> list[str]:
    where = location(finding)
    head = f"{paint(finding.severity, finding.severity.upper())} {finding.rule} {finding.name}"
    text = f"{head}: {printable(finding.message)}"
    lines = [f"{printable(where)}: {text}" if where else text]
    evidence = first_line(finding.evidence)
    if evidence:
        lines.append(paint("dim", f"    {printable(evidence)}"))
    if finding.hint:
        lines.append(f"    hint: {printable(finding.hint)}")
    return lines


def _counts_table(findings: list[Finding]) -> list[str]:
    """``counts`` and one row per (module, rule): errors, warnings, notes."""
    counts: dict[tuple[str, str], list[int]] = {}
    column = {"error": 0, "warning": 1, "note": 2}
    for f in findings:
        row = counts.setdefault((printable(f.module) if f.module else PROJECT, f.rule), [0, 0, 0])
        row[column.get(f.severity, 2)] += 1
    head = ("module", "rule", "errors", "warnings", "notes")
    rows = [(m, r, *map(str, c)) for (m, r), c in counts.items()]
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(5)]

    def fmt(cells: tuple[str, ...]) -> str:
        left = [cells[i].ljust(widths[i]) for i in range(2)]
        right = [cells[i].rjust(widths[i]) for i in range(2, 5)]
        return "  " + "  ".join([*left, *right]).rstrip()

    return ["counts", fmt(head), *(fmt(r) for r in rows)]


def _places(notes: list[Note]) -> str:
    """``a.cmake:1, 7; b.cmake:3; … and N more places``: the first NOTE_PLACES places, one
    file's lines together."""
    by_file: dict[str, list[str]] = {}
    for note in notes[:NOTE_PLACES]:
        lines = by_file.setdefault(printable(note.path or "?"), [])
        if note.line is not None:
            lines.append(str(note.line))
    text = "; ".join(f"{p}:{', '.join(ls)}" if ls else p for p, ls in by_file.items())
    hidden = len(notes) - NOTE_PLACES
    return f"{text}; … and {plural(hidden, 'more place')}" if hidden > 0 else text


def _note_lines(notes: list[Note]) -> list[str]:
    """One line per note, except that notes with the same message at several places (a
    construct the model does not know, met in many files) make one line with their count and
    their first places. At most MAX_NOTES of those; JSON keeps every note."""
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.message, []).append(note)
    out = []
    for message, same in list(groups.items())[:MAX_NOTES]:
        text = printable(message)
        if len(same) > 1:
            out.append(f"  {text} ({len(same)} places)")
            out.append(f"    {_places(same)}")
            continue
        note = same[0]
        where = None
        if note.path is not None:
            where = note.path if note.line is None else f"{note.path}:{note.line}"
        out.append(f"  {printable(where)}: {text}" if where else f"  {text}")
    hidden = sum(len(same) for same in list(groups.values())[MAX_NOTES:])
    if hidden > 0:
        out.append(f"  … and {plural(hidden, 'more note')} (use --format json)")
    return out


def render(
    result: CheckResult, color: bool = False, max_per_rule: int | None = MAX_PER_RULE
) -> str:
    """``max_per_rule`` None shows every finding."""
    paint = _Painter(color)
    rows = {m.name: m for m in result.modules}
    out: list[str] = []
    findings = sorted(result.findings, key=Finding.sort_key)
    for name, group in groupby(findings, key=lambda f: f.module):
        if out:
            out.append("")
        out.append(_module_header(name, rows.get(name) if name else None, paint))
        for rule, same_rule in groupby(group, key=lambda f: f.rule):
            listed = list(same_rule)
            shown = listed if max_per_rule is None else listed[:max_per_rule]
            for finding in shown:
                out.extend(_finding_lines(finding, paint))
            hidden = len(listed) - len(shown)
            if hidden > 0:
                out.append(
                    f"  … and {plural(hidden, 'more ' + rule + ' finding')} here "
                    "(use --all or --format json)"
                )
    if result.notes:
        if out:
            out.append("")
        out.append(paint("header", "notes"))
        out.extend(_note_lines(result.notes))
    if findings:
        out.append("")
        out.extend(_counts_table(findings))
    if out:
        out.append("")
    worst = "error" if result.errors else "warning" if result.warnings else "ok"
    out.append(paint(worst, summary_line(result)))
    return "\n".join(out)
