"""Who is who: resolving mail senders, GitHub logins and TOML voters against the roster.

SPEC §6 "Who voted": a mail's ``From`` address against roster emails, a GitHub noreply address
against handles, then the display name against names and aliases (whole, case-insensitive, never
the address's local part); GitHub ``user.login`` and TOML ``voter`` against handles. An alias
naming two people is ambiguous. Bots: roster ``bot = true`` and the ``[activity].bots`` globs
(only ``*`` and ``?`` are wildcards; brackets are literal), matched case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..registry.model import Person

_NOREPLY = re.compile(r"(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com", re.IGNORECASE)


def glob_regex(globs: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex for bot globs where only ``*`` and ``?`` are wildcards."""
    parts = []
    for g in globs:
        out = []
        for ch in g:
            out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        parts.append("".join(out))
    if not parts:
        return None
    return re.compile("(?:" + "|".join(parts) + r")\Z", re.IGNORECASE | re.DOTALL)


def _norm_name(name: str) -> str:
    return " ".join(name.strip().strip("\"'").split()).casefold()


@dataclass(frozen=True, slots=True)
class Identity:
    key: str  # the counting key: the handle, or the lower-cased address/login when unresolved
    person: Person | None
    ambiguous: tuple[str, ...] | None = None  # handles an ambiguous alias names

    @property
    def resolved(self) -> bool:
        return self.person is not None


class Roster:
    """The people of the project with indexes for resolution."""

    def __init__(self, people: Iterable[Person], bots: Sequence[str] = ("*[bot]",)) -> None:
        self.people = list(people)
        self._handles = {p.handle.lower(): p for p in self.people}
        self._emails: dict[str, Person] = {}
        self._names: dict[str, list[Person]] = {}
        for p in self.people:
            for e in p.emails:
                self._emails[e.strip().lower()] = p
            for n in ([p.name] if p.name else []) + list(p.aliases):
                bucket = self._names.setdefault(_norm_name(n), [])
                if p not in bucket:
                    bucket.append(p)
        self._bots = glob_regex(bots)

    def __len__(self) -> int:
        return len(self.people)

    def person(self, handle: str) -> Person | None:
        return self._handles.get(handle.lower())

    def is_bot_text(self, *texts: str | None) -> bool:
        """True when an author name, email or login matches an ``[activity].bots`` glob."""
        if self._bots is None:
            return False
        match = self._bots.match
        return any(match(t) for t in texts if t)

    def pmc_at(self, at: datetime) -> list[Person]:
        return [p for p in self.people if not p.bot and p.holds("pmc", at)]

    def resolve_handle(self, handle: str) -> Identity:
        p = self.person(handle)
        if p is not None:
            return Identity(p.handle, p)
        return Identity(handle.strip().lower(), None)

    def resolve_login(self, login: str) -> Identity:
        return self.resolve_handle(login)

    def resolve_mail(self, name: str | None, email: str | None) -> Identity:
        addr = (email or "").strip().lower()
        if addr:
            p = self._emails.get(addr)
            if p is not None:
                return Identity(p.handle, p)
            m = _NOREPLY.fullmatch(addr)
            if m:
                p = self.person(m.group(1))
                if p is not None:
                    return Identity(p.handle, p)
        if name:
            found = self._names.get(_norm_name(name), [])
            if len(found) == 1:
                return Identity(found[0].handle, found[0])
            key = addr or _norm_name(name)
            if len(found) > 1:
                return Identity(key, None, tuple(sorted(p.handle for p in found)))
            return Identity(key, None)
        return Identity(addr, None)
