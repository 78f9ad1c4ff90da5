"""``scoped vote tally --format text``: the decision, the counted ballots as a table, counts,
conditions with their sources, ignored entries with their reasons, and notes."""

from __future__ import annotations

from typing import Any

from ..governance.tally import TallyResult
from ..registry.model import iso
from ._common import printable

MAX_CELL = 60


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = printable(str(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(header: list[str], rows: list[list[Any]], indent: str = "  ") -> list[str]:
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)
    ]
    out = [indent + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for r in cells:
        out.append(indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return out


def render(res: TallyResult) -> str:
    what = [
        f"module {res.module}" if res.module else None,
        f"kind {res.kind}" if res.kind else None,
        f"decision {res.decision_id}" if res.decision_id else None,
        f"rules {res.rules}",
    ]
    hours = (res.closes - res.opened).total_seconds() / 3600
    lines = [
        "Vote: " + ", ".join(w for w in what if w),
        f"Window: {iso(res.opened)} .. {iso(res.closes)} ({hours:g} h)",
        f"Result: {res.result.upper()}",
        "",
        f"Ballots ({len(res.ballots)} counted):",
    ]
    if res.ballots:
        lines += table(
            ["VOTER", "VOTE", "BINDING", "AT", "NOTE", "SOURCE"],
            [
                [
                    b.voter
                    + (
                        f" (ambiguous: {', '.join(b.ambiguous)})"
                        if b.ambiguous
                        else ""
                        if b.resolved
                        else " (not in roster)"
                    ),
                    b.value,
                    b.binding,
                    iso(b.at),
                    b.note or "",
                    b.source,
                ]
                for b in res.ballots
            ],
        )
    else:
        lines.append("  none")
    b, n = res.binding, res.non_binding
    lines += [
        "",
        f"Counts: binding +1 {b['+1']}, 0 {b['0']}, -1 {b['-1']}; "
        f"non-binding +1 {n['+1']}, 0 {n['0']}, -1 {n['-1']}",
        "",
        "Conditions:",
    ]
    for c in res.conditions:
        mark = "ok" if c.met else "FAIL" if c.met is False else "n/a"
        required = ", ".join(c.required) if isinstance(c.required, list) else c.required
        lines.append(
            f"  {mark:<4}  {c.id:<18}  required {_cell(required):<8}  actual {_cell(c.actual)}"
        )
        lines.append(f"        {c.source}")
        if c.met is None:
            lines.append("        not evaluated: needs a module (--module or --decision)")
    if res.ignored:
        lines += [
            "",
            f"Ignored ({len(res.ignored)} {'entry' if len(res.ignored) == 1 else 'entries'}):",
        ]
        lines += table(
            ["REASON", "AUTHOR", "AT", "SOURCE", "EXCERPT"],
            [[i.reason, i.author, iso(i.at), i.source, i.excerpt or ""] for i in res.ignored],
        )
    if res.notes:
        lines += ["", "Notes:"]
        lines += [f"  - {printable(note)}" for note in res.notes]
    return "\n".join(lines)
