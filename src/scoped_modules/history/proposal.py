"""The proposal document (``proposals/NAME.md``) ``scoped propose`` writes, and which of its
sections are missing or still empty. Pure text in, text out.

Its sections follow the process: a summary, who needs the module ("clearly needed by some
users"), its namespace ("clearly isolated in its own namespace"), its toggle ("can be turned off
through a feature toggle"), its relation to existing modules and any overlap, its owners ("more
than three endorsing committers who can serve as the initial owner"), its champion ("one of the
PMC members would serve as a champion"), the path to S1/S2 ("S0 -> S1 needs its own RFC") and the
removal plan ("can be easily deprecated by removing the related namespaces").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..registry.model import Toggle

PROPOSALS_DIR = "proposals"

SECTIONS: tuple[tuple[str, str], ...] = (
    ("Summary", "What the module does and why it belongs in this project, in a few sentences."),
    (
        "Who needs it",
        "The users and use cases that need the module (the process asks that it be clearly "
        "needed by some users); link issues, forum threads or downstream projects.",
    ),
    ("Namespace", "The paths the module owns; nothing outside them may depend on it."),
    (
        "Toggle",
        "How the module is switched off (a CMake option, a preprocessor define, an environment "
        "variable), and where the build or the code reads it.",
    ),
    (
        "Relation to existing modules and overlap",
        "What the module uses of the rest of the codebase, which existing modules do something "
        "similar, and why this one is not part of them.",
    ),
    (
        "Owners",
        "More than three committers who endorse the module and serve as its initial owners.",
    ),
    ("Champion", "The PMC member who champions the proposal."),
    (
        "Path to S1/S2",
        "What would justify integrating the module more deeply (S1, through its own RFC) or "
        "making it a core part (S2), and what has to happen first.",
    ),
    (
        "Removal plan",
        "How the module is deprecated and removed: which paths go, which toggle and wiring are "
        "deleted, what users do instead.",
    ),
)

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.DOTALL)


def _norm(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/]+", " ", title.casefold()).split())


def _todo(hint: str) -> str:
    return f"<!-- {hint} -->"


def render_proposal(
    name: str,
    paths: Sequence[str],
    owners: Sequence[str] = (),
    champion: str | None = None,
    toggles: Sequence[Toggle] = (),
    summary: str | None = None,
) -> str:
    """The proposal's Markdown: what ``propose`` knows filled in, the rest left as prompts."""
    hints = dict(SECTIONS)
    toggle_lines = []
    for t in toggles:
        named = [
            f"CMake option `{t.cmake}`" if t.cmake else "",
            f"preprocessor define `{t.define}`" if t.define else "",
            f"environment variable `{t.env}` (off: `{t.off}`)" if t.env else "",
        ]
        toggle_lines.append("- " + ", ".join(n for n in named if n))
    body = {
        "Summary": summary or _todo(hints["Summary"]),
        "Namespace": "The module owns these paths:\n\n"
        + "\n".join(f"- `{p}`" for p in paths)
        + "\n\n"
        + _todo("Say what lives where, and confirm nothing outside these paths will import it."),
        "Toggle": "\n".join(toggle_lines) + "\n\n" + _todo(hints["Toggle"])
        if toggle_lines
        else _todo(hints["Toggle"]),
        "Owners": "\n".join(f"- @{o}" for o in owners) if owners else _todo(hints["Owners"]),
        "Champion": f"- @{champion}" if champion else _todo(hints["Champion"]),
    }
    out = [
        f"# Proposal: scoped module `{name}`",
        "",
        _todo(
            "Written by `scoped propose`. Fill in every section; `scoped check` notes sections "
            "that are missing or still empty. `scoped summary "
            + name
            + "` gives the facts (files, references, owners' activity) to quote."
        ),
    ]
    for title, hint in SECTIONS:
        out += ["", f"## {title}", "", body.get(title) or _todo(hint)]
    return "\n".join(out) + "\n"


def incomplete_sections(text: str) -> list[tuple[str, int, str]]:
    """(section, line, "missing" | "empty") for each process section the document lacks or left
    as a prompt (only HTML comments). ``line`` is the heading's line, 0 when missing."""
    found: dict[str, tuple[int, int, int]] = {}  # norm title -> (line, level, body start)
    heads: list[tuple[int, int]] = []  # (line index, level)
    lines = text.splitlines()
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _HEADING.match(line)
        if m:
            heads.append((i, len(m.group(1))))
            found.setdefault(_norm(m.group(2)), (i, len(m.group(1)), i + 1))
    out = []
    for title, _hint in SECTIONS:
        hit = found.get(_norm(title))
        if hit is None:
            out.append((title, 0, "missing"))
            continue
        i, level, start = hit
        end = next((j for j, lv in heads if j > i and lv <= level), len(lines))
        body = _COMMENT.sub("", "\n".join(lines[start:end]))
        if not body.strip():
            out.append((title, i + 1, "empty"))
    return out
