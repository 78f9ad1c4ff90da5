"""Small helpers shared by the renderers; standard library only, so start-up stays cheap."""

from __future__ import annotations

import re

from ..finding import Finding
from ..result import CheckResult

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def note_count(result: CheckResult) -> int:
    """Notes as the JSON summary counts them: scan notes plus findings of severity note."""
    return len(result.notes) + result.count("note")


def summary_line(result: CheckResult) -> str:
    """``N files, M modules, E errors, W warnings, K notes in 0.21s``."""
    return (
        f"{plural(result.files, 'file')}, {plural(len(result.modules), 'module')}, "
        f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')}, "
        f"{plural(note_count(result), 'note')} in {result.seconds:.2f}s"
    )


def visible(text: str) -> str:
    """``text`` with control characters other than tab and line breaks (terminal escapes from
    scanned files) shown as ``\\xNN`` rather than obeyed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def printable(text: str) -> str:
    """:func:`visible` ``text`` on one line."""
    return visible(" ".join(text.splitlines()))


def location(finding: Finding) -> str | None:
    """``path:line``, ``path`` or None for a finding that concerns no file."""
    if finding.path is None:
        return None
    return finding.path if finding.line is None else f"{finding.path}:{finding.line}"


def first_line(text: str | None) -> str | None:
    """The first non-blank line of evidence, stripped; None when there is none."""
    if text is None:
        return None
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None
