"""Human-readable ``scoped check`` output: findings grouped by module, then notes, then one
summary line.

Colour is plain ANSI escapes, used only when the caller asks (the CLI does on a terminal without
``NO_COLOR``); no rich, to keep ``scoped check`` quick to start. Text taken from scanned files is
passed through :func:`printable`, so a file cannot send escape sequences to the terminal.
"""

from __future__ import annotations

from itertools import groupby

from ..finding import Finding
from ..result import CheckResult, ModuleRow
from ._common import first_line, location, plural, printable, summary_line

MAX_NOTES = 20
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


def render(result: CheckResult, color: bool = False) -> str:
    paint = _Painter(color)
    rows = {m.name: m for m in result.modules}
    out: list[str] = []
    findings = sorted(result.findings, key=Finding.sort_key)
    for name, group in groupby(findings, key=lambda f: f.module):
        if out:
            out.append("")
        out.append(_module_header(name, rows.get(name) if name else None, paint))
        for finding in group:
            out.extend(_finding_lines(finding, paint))
    if result.notes:
        if out:
            out.append("")
        out.append(paint("header", "notes"))
        for note in result.notes[:MAX_NOTES]:
            where = None
            if note.path is not None:
                where = note.path if note.line is None else f"{note.path}:{note.line}"
            text = printable(note.message)
            out.append(f"  {printable(where)}: {text}" if where else f"  {text}")
        hidden = len(result.notes) - MAX_NOTES
        if hidden > 0:
            out.append(f"  … and {plural(hidden, 'more note')} (use --format json)")
    if out:
        out.append("")
    worst = "error" if result.errors else "warning" if result.warnings else "ok"
    out.append(paint(worst, summary_line(result)))
    return "\n".join(out)
