"""``scoped vote tally --format result-mail``: the ``[RESULT][VOTE]`` message to send to the list,
naming binding and non-binding +1, 0 and -1 voters and linking the vote threads."""

from __future__ import annotations

import re

from ..governance.tally import Ballot, TallyResult
from ..registry.model import iso
from ._common import printable

_PREFIX = re.compile(r"^\s*((re|fwd?|aw)\s*:\s*)+", re.IGNORECASE)
_OUTCOME = {
    "passed": "has passed",
    "failed": "has failed",
    "invalid": "is invalid",
    "open": "is still open",
}


def subject(res: TallyResult) -> str:
    if res.subjects:
        s = _PREFIX.sub("", res.subjects[0]).strip()
        s = re.sub(r"^\[VOTE\]\s*", "", s, flags=re.IGNORECASE)
        return f"[RESULT][VOTE] {s}"
    parts = [res.kind or "decision", f"module {res.module}" if res.module else None]
    if res.decision_id:
        parts.append(f"({res.decision_id})")
    return "[RESULT][VOTE] " + " ".join(p for p in parts if p)


def _names(ballots: list[Ballot]) -> list[str]:
    if not ballots:
        return ["  (none)"]
    return [
        f"  * {printable(b.display)}" for b in sorted(ballots, key=lambda b: b.display.casefold())
    ]


def render(res: TallyResult) -> str:
    if res.subjects:
        what = f'"{res.subjects[0]}"'
    elif res.module:
        what = f"the {res.kind or 'decision'} of module '{res.module}'"
    else:
        what = "the decision"
    if res.decision_id:
        what += f" (decision '{res.decision_id}')"
    lines = [
        f"Subject: {subject(res)}",
        "",
        "Hi all,",
        "",
        f"The vote on {what}, open from {iso(res.opened)} to {iso(res.closes)}, "
        f"{_OUTCOME[res.result]} under the '{res.rules}' rules.",
        "",
    ]
    for binding, title in ((True, "Binding"), (False, "Non-binding")):
        for value in ("+1", "0", "-1"):
            group = [b for b in res.ballots if b.binding is binding and b.value == value]
            lines.append(f"{title} {value} ({len(group)}):")
            lines += _names(group)
            lines.append("")
    lines.append("Conditions:")
    for c in res.conditions:
        state = "met" if c.met else "NOT met" if c.met is False else "not evaluated"
        required = ", ".join(c.required) if isinstance(c.required, list) else c.required
        lines.append(f"  * {c.id}: required {required}, actual {c.actual} - {state}")
        lines.append(f"    ({c.source})")
    lines.append("")
    if res.threads:
        lines.append("Vote thread:" if len(res.threads) == 1 else "Vote threads:")
        lines += [f"  * {t}" for t in res.threads]
        lines.append("")
    if res.notes:
        lines.append("Notes:")
        lines += [f"  * {printable(n)}" for n in res.notes]
        lines.append("")
    lines.append("Thanks to everyone who voted.")
    return "\n".join(lines)
