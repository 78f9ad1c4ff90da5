"""Hand-written TOML ballots: ``[[ballot]]`` tables with ``voter``, ``vote``, ``at``, ``source``.

Unlike a mail or a comment, a TOML ballot is written by a maintainer on purpose, so a mistake in
it (an unknown vote value, a datetime without offset, an unknown key) is an error naming the
file and the ballot, not an ``unreadable`` entry.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, time
from typing import Any

from ..registry.locate import locate, nearest
from ..registry.model import to_utc
from .entry import Entry, EvidenceError

KEYS = ("voter", "vote", "at", "source", "note")
VOTE_VALUES = {"+1": "+1", "-1": "-1", "\u22121": "-1", "+0": "0", "-0": "0", "0": "0"}


class BallotFileError(EvidenceError):
    """A TOML ballot file with mistakes (exit 2 for ``vote tally``)."""


def _value(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int) and raw in (1, 0, -1):
        return {1: "+1", 0: "0", -1: "-1"}[raw]
    if isinstance(raw, str):
        return VOTE_VALUES.get(raw.strip())
    return None


def read_ballots(doc: dict[str, Any], text: str, path: str, file_index: int = 0) -> list[Entry]:
    """Entries of a parsed ballot file; every mistake at once as BallotFileError."""
    ballots = doc.get("ballot")
    if not isinstance(ballots, list):
        raise BallotFileError(f"{path}: 'ballot' must be an array of tables ([[ballot]])")
    locs = locate(text)
    problems: list[str] = []
    entries: list[Entry] = []
    for n, b in enumerate(ballots, 1):

        def where(key: str, n: int = n) -> str:
            line, col = nearest(locs, ("ballot", n - 1, key))
            return f"{path}:{line}:{col}: ballot {n}"

        if not isinstance(b, dict):
            problems.append(f"{where('ballot')}: must be a table")
            continue
        for k in b:
            if k not in KEYS:
                close = difflib.get_close_matches(k, KEYS, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(f"{where(k)}: unknown key '{k}'{hint}; allowed: {', '.join(KEYS)}")
        voter = b.get("voter")
        if not isinstance(voter, str) or not voter.strip():
            problems.append(f"{where('voter')}: 'voter' must be a handle (a non-empty string)")
        raw_vote = b.get("vote")
        value = _value(raw_vote)
        if value is None:
            shown = "missing" if raw_vote is None else repr(raw_vote)
            problems.append(
                f'{where("vote")}: unknown vote value {shown}; use "+1", "0" (or "+0", "-0") or "-1"'
            )
        at = b.get("at")
        at_utc = None
        if isinstance(at, datetime):
            if at.tzinfo is None:
                problems.append(
                    f"{where('at')}: datetime {at.isoformat()} has no offset; add Z or +hh:mm"
                )
            else:
                try:
                    at_utc = to_utc(at)
                except ValueError as exc:
                    problems.append(f"{where('at')}: 'at' {exc}")
        elif isinstance(at, date):
            at_utc = to_utc(at)
        elif isinstance(at, time) or at is not None:
            problems.append(f"{where('at')}: 'at' must be a datetime with offset or a date")
        else:
            problems.append(f"{where('at')}: 'at' is required (when the vote was cast)")
        source = b.get("source")
        if source is not None and not isinstance(source, str):
            problems.append(f"{where('source')}: 'source' must be a string")
        note = b.get("note")
        if note is not None and not isinstance(note, str):
            problems.append(f"{where('note')}: 'note' must be a string")
        if problems:
            continue
        assert isinstance(voter, str) and value is not None and at_utc is not None
        entries.append(
            Entry(
                kind="toml",
                key=f"toml:{voter.strip().lower()}|{value}|{at_utc.isoformat()}",
                source=source or f"{path}#ballot-{n}",
                at=at_utc,
                author=voter.strip(),
                file=path,
                file_index=file_index,
                voter=voter.strip(),
                value=value,
                note=note,
                line=nearest(locs, ("ballot", n - 1))[0],
            )
        )
    if problems:
        raise BallotFileError(problems)
    return entries
