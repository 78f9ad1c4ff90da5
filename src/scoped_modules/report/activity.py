"""``scoped activity`` output (SPEC §8): JSON, and text grouped by module."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..history.activity import ActivityReport, ModuleActivity
from ._common import plural, printable


def columns(
    rows: Sequence[Sequence[str]], indent: str = "", right: Sequence[int] = ()
) -> list[str]:
    """Rows as aligned columns (the first row is the header); ``right`` columns right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def render_activity_json(report: ActivityReport) -> str:
    return json.dumps(report.as_json(), indent=2)


def _module_lines(act: ModuleActivity) -> list[str]:
    owners = f"{act.active_owners}/{len(act.owners)} owners active"
    counts = f"{plural(act.commits, 'commit')}, {act.focused_commits} focused"
    if act.bot_commits:
        counts += f", {act.bot_commits} by bots (not counted)"
    last = act.last_focused.isoformat() if act.last_focused else "none"
    lines = [
        f"{act.name} ({act.stage}): {act.verdict}; {owners}; {counts}; last focused commit {last}"
    ]
    if act.owners:
        rows = [("owner", "focused", "last focused", "active")]
        for o in act.owners:
            rows.append(
                (
                    o.handle,
                    str(o.focused_commits),
                    o.last_focused.isoformat() if o.last_focused else "n/a",
                    "yes" if o.active else "no",
                )
            )
        lines += columns(rows, "  ", right=(1,))
    else:
        lines.append("  no owners")
    if act.top_contributors:
        others = ", ".join(f"{printable(w)} ({n})" for w, n in act.top_contributors)
        lines.append(f"  most focused commits by others: {others}")
    return lines


def render_activity_text(report: ActivityReport) -> str:
    s = report.settings
    lines = [
        f"activity at {report.rev[:12]} from {report.window.start.date()} to "
        f"{report.window.end.date()} ({report.window.days} days): "
        f"{plural(report.walked, 'commit')} (merges skipped); focused = at least "
        f"{s.focus:g} of a commit's files in the module; active = {s.min_focused_commits}+ "
        "focused commits",
    ]
    if report.incomplete:
        lines.append(f"note: {report.incomplete}; SM011 is not evaluated")
    for act in report.modules:
        lines.append("")
        lines += _module_lines(act)
    if report.unresolved:
        lines += ["", "authors the roster does not know (add their emails or aliases):"]
        rows = [("author", "commits")]
        rows += [(printable(who), str(n)) for who, n in report.unresolved]
        lines += columns(rows, "  ", right=(1,))
    return "\n".join(lines) + "\n"
