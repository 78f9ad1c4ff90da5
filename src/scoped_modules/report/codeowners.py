"""The CODEOWNERS section of the modules' owners, and splicing it into a CODEOWNERS file.

GitHub reads CODEOWNERS top to bottom and the last matching pattern wins, so the section goes
after the generic rules: at the end of the file when it is first written, in place afterwards.
Everything outside the begin/end markers is kept as it is. Module path entries become patterns
anchored at the root (``/dir/``, ``/file``, ``/glob``); entries GitHub's CODEOWNERS syntax cannot
express (``[...]`` ranges, ``!`` negation, a leading ``#``, ``\\`` escapes, whitespace) are
refused rather than approximated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..registry.model import Module

BEGIN = "# BEGIN scoped-modules"
END = "# END scoped-modules"
SKIPPED_STAGES = ("removed", "rejected", "withdrawn")
_OWNER = re.compile(r"@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9_.-]+)?\Z")


@dataclass
class Section:
    text: str  # the section, markers included, ending with a newline
    refused: list[str]  # why entries could not be written
    skipped: list[str]  # modules without owners


def pattern(entry: str, is_dir: Callable[[str], bool]) -> str | None:
    """The CODEOWNERS pattern of a module path entry, or None when CODEOWNERS cannot say it."""
    if any(ch in entry for ch in "[]!\\") or entry.startswith("#") or re.search(r"\s", entry):
        return None
    body = entry.lstrip("/")
    if not any(ch in body for ch in "*?") and not body.endswith("/") and is_dir(body):
        body += "/"
    return "/" + body


def owner(handle: str) -> str | None:
    """``@handle`` (``@org/team`` kept as it is; an e-mail address kept as it is)."""
    if "@" in handle[1:] and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", handle):
        return handle
    return ("@" + handle.lstrip("@")) if _OWNER.match(handle) else None


def render_section(
    modules: Iterable[Module], is_dir: Callable[[str], bool], source: str
) -> Section:
    lines = [f"{BEGIN}: written by `scoped codeowners --write` from {source}; do not edit here"]
    refused: list[str] = []
    skipped: list[str] = []
    for m in sorted(modules, key=lambda m: m.name):
        if m.stage in SKIPPED_STAGES:
            continue
        owners = [owner(h) for h in m.owners]
        bad = [h for h, o in zip(m.owners, owners, strict=True) if o is None]
        refused += [f"module '{m.name}': owner '{h}' is not a GitHub handle" for h in bad]
        if not m.owners:
            skipped.append(m.name)
            continue
        lines.append(f"# module {m.name} ({m.stage})")
        for entry in m.paths:
            p = pattern(entry, is_dir)
            if p is None:
                refused.append(
                    f"module '{m.name}': path '{entry}' cannot be written as a CODEOWNERS pattern "
                    "(GitHub supports no [ ] ranges, ! negation, \\ escapes or spaces)"
                )
                continue
            lines.append(f"{p} {' '.join(o for o in owners if o)}")
    lines.append(END)
    return Section("\n".join(lines) + "\n", refused, skipped)


def find_section(text: str) -> tuple[int, int] | None:
    """(start, end) offsets of the marked section, end just past the END line; None if absent."""
    begin = re.search(rf"^{re.escape(BEGIN)}.*$", text, re.M)
    if not begin:
        return None
    end = re.compile(rf"^{re.escape(END)}[ \t]*$", re.M).search(text, begin.end())
    if not end:
        return None
    stop = end.end() + 1 if text[end.end() : end.end() + 1] == "\n" else end.end()
    return begin.start(), stop


def splice(text: str, section: str) -> str:
    """``text`` with its section replaced by ``section``, or ``section`` appended at the end."""
    span = find_section(text)
    if span is not None:
        return text[: span[0]] + section + text[span[1] :]
    if not text:
        return section
    sep = "" if text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
    return text + sep + section


def rules_after_section(text: str) -> list[str]:
    """Pattern lines after the section: they override it (the last match wins)."""
    span = find_section(text)
    if span is None:
        return []
    return [
        line
        for line in text[span[1] :].splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
