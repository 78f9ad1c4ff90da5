"""Maintainer activity (SPEC §8): who made focused commits to each module in the window.

Pure: the commits come in as records (read from git by the app layer, ``.mailmap`` already
applied), the people and modules from the registry. A commit is **focused** on module M when at
least ``focus`` of its changed files are in M, so a tree-wide refactor that touches one file of
M does not make M look maintained. Identities go through the roster (emails, GitHub noreply
addresses, names and aliases); bots never count; merge commits are never recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from ..governance.roster import Roster
from ..index import Membership, all_dirs
from ..registry.model import ActivitySettings, Module, Registry, iso

TOP_CONTRIBUTORS = 5
_CONTACT = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*\Z", re.DOTALL)


def contact(name: str, email: str) -> str:
    """``Name <email>``, the form ``.mailmap`` and ``Co-authored-by:`` use."""
    return f"{name} <{email}>" if name else f"<{email}>"


def parse_contact(text: str) -> tuple[str, str]:
    """(name, email) of ``Name <email>``; a bare address or a bare name is taken as such."""
    m = _CONTACT.match(text)
    if m:
        return m.group(1).strip().strip("\"'"), m.group(2).strip()
    text = text.strip()
    return ("", text) if "@" in text and " " not in text else (text, "")


class Commit(NamedTuple):
    """One non-merge commit: its author first, then its co-authors (after ``.mailmap``)."""

    sha: str
    when: int  # author date, epoch seconds
    authors: tuple[tuple[str, str], ...]  # (name, email)
    paths: tuple[int, ...]  # changed paths, as indexes into the history's path table


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, days: int) -> Window:
        return cls(end - timedelta(days=days), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def as_json(self) -> dict[str, str | None]:
        return {"start": iso(self.start), "end": iso(self.end)}


@dataclass
class OwnerActivity:
    handle: str
    focused_commits: int = 0
    last_focused: date | None = None
    active: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "focused_commits": self.focused_commits,
            "last_focused": self.last_focused.isoformat() if self.last_focused else None,
            "active": self.active,
        }


@dataclass
class ModuleActivity:
    name: str
    stage: str
    commits: int = 0  # commits by people (not bots) touching the module
    focused_commits: int = 0
    bot_commits: int = 0  # commits touching the module whose every author is a bot
    last_focused: date | None = None  # the last focused commit, by anyone but a bot
    owners: list[OwnerActivity] = field(default_factory=list)
    top_contributors: list[tuple[str, int]] = field(default_factory=list)  # non-owners

    @property
    def active_owners(self) -> int:
        return sum(1 for o in self.owners if o.active)

    @property
    def verdict(self) -> str:
        return "active" if self.active_owners else "no-active-maintainers"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stage": self.stage,
            "commits": self.commits,
            "focused_commits": self.focused_commits,
            "bot_commits": self.bot_commits,
            "last_focused": self.last_focused.isoformat() if self.last_focused else None,
            "active_owners": self.active_owners,
            "verdict": self.verdict,
            "owners": [o.as_json() for o in self.owners],
            "top_contributors": [
                {"identity": who, "focused_commits": n} for who, n in self.top_contributors
            ],
        }


@dataclass
class ActivityReport:
    rev: str  # the commit id the history was read from
    window: Window
    settings: ActivitySettings
    modules: list[ModuleActivity]
    unresolved: list[tuple[str, int]]  # (identity, commits), most first
    walked: int = 0  # non-merge commits in the window
    # the root commit (id, author time) when the history starts inside the window: owners had
    # less than the window to be active, or earlier history was squashed away
    history_start: tuple[str, int] | None = None

    @property
    def incomplete(self) -> str | None:
        """Why the history cannot show a whole window of activity, or None."""
        if self.history_start is None:
            return None
        sha, when = self.history_start
        return (
            f"the history starts at commit {sha[:12]} ({_day(when).isoformat()}), inside the "
            f"{self.window.days}-day activity window; activity before it is unknown"
        )

    def module(self, name: str) -> ModuleActivity | None:
        return next((m for m in self.modules if m.name == name), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "rev": self.rev,
            "window": self.window.as_json(),
            "settings": {
                "window_days": self.window.days,
                "focus": self.settings.focus,
                "min_focused_commits": self.settings.min_focused_commits,
            },
            "commits": self.walked,
            "history_start": (
                {"commit": self.history_start[0], "date": _day(self.history_start[1]).isoformat()}
                if self.history_start
                else None
            ),
            "modules": [m.as_json() for m in self.modules],
            "unresolved_authors": [{"identity": who, "commits": n} for who, n in self.unresolved],
        }


@dataclass(frozen=True, slots=True)
class _Who:
    key: str  # the handle, or the lower-cased address (name) of someone the roster lacks
    shown: str  # the handle, or "Name <email>"
    resolved: bool
    bot: bool


class _Identities:
    """Authors resolved once per distinct (name, email) pair, and each distinct author list
    once into the people it counts (bots dropped, a person named twice counted once)."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.seen: dict[tuple[str, str], _Who] = {}
        self.lists: dict[tuple[tuple[str, str], ...], tuple[_Who, ...]] = {}

    def one(self, name: str, email: str) -> _Who:
        who = self.seen.get((name, email))
        if who is None:
            ident = self.roster.resolve_mail(name or None, email or None)
            p = ident.person
            bot = (p is not None and p.bot) or self.roster.is_bot_text(name, email)
            if p is not None:
                who = _Who(p.handle, p.handle, True, bot)
            else:
                key = ident.key or contact(name, email).casefold()
                who = _Who(key, contact(name, email), False, bot)
            self.seen[(name, email)] = who
        return who

    def people(self, authors: tuple[tuple[str, str], ...]) -> tuple[_Who, ...]:
        found = self.lists.get(authors)
        if found is None:
            keyed: dict[str, _Who] = {}
            for name, email in authors:
                w = self.one(name, email)
                if not w.bot:
                    keyed.setdefault(w.key, w)
            found = self.lists[authors] = tuple(keyed.values())
        return found


def _day(ts: int) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


def measure(
    commits: Iterable[Commit],
    paths: Sequence[str],
    registry: Registry,
    window: Window,
    rev: str,
    modules: Sequence[Module] | None = None,
    settings: ActivitySettings | None = None,
) -> ActivityReport:
    """Each module's activity in ``window`` (author dates, both ends included); ``paths`` is the
    path table the commits' path ids index (root-relative paths)."""
    settings = settings or registry.activity
    mods = list(registry.modules.values()) if modules is None else list(modules)
    roster = Roster(registry.people, settings.bots)
    start, end = window.start.timestamp(), window.end.timestamp()
    inside = [c for c in commits if start <= c.when <= end]
    ids: set[int] = set()
    for c in inside:
        ids.update(c.paths)
    touched = sorted(paths[i] for i in ids)
    owner_of = Membership(mods, touched, all_dirs(touched)).owner
    mods_of = [owner_of.get(p, ()) for p in paths]  # path id -> modules claiming it
    people_of = _Identities(roster).people
    focus = settings.focus
    acts = {m.name: ModuleActivity(m.name, m.stage) for m in mods}
    # per module: identity key -> [focused commits, last focused time, shown]
    people: dict[str, dict[str, list]] = {m.name: {} for m in mods}
    last: dict[str, int] = {}  # module -> time of its last focused commit
    unresolved: dict[str, list] = {}  # key -> [commits, shown]
    for c in inside:
        counts: dict[str, int] = {}
        for i in c.paths:
            for name in mods_of[i]:
                counts[name] = counts.get(name, 0) + 1
        if not counts:
            continue
        authors = people_of(c.authors)
        if not authors:
            for mod in counts:
                acts[mod].bot_commits += 1
            continue
        need = focus * len(c.paths) - 1e-9
        when = c.when
        for mod, k in counts.items():
            act = acts[mod]
            act.commits += 1
            if k < need:
                continue
            act.focused_commits += 1
            if when > last.get(mod, -1):
                last[mod] = when
            mine = people[mod]
            for w in authors:
                row = mine.get(w.key)
                if row is None:
                    mine[w.key] = [1, when, w.shown]
                else:
                    row[0] += 1
                    if when > row[1]:
                        row[1] = when
        for w in authors:
            if not w.resolved:
                row = unresolved.get(w.key)
                if row is None:
                    unresolved[w.key] = [1, w.shown]
                else:
                    row[0] += 1
    for m in mods:
        act = acts[m.name]
        if m.name in last:
            act.last_focused = _day(last[m.name])
        mine = people[m.name]
        owners: set[str] = set()
        for h in dict.fromkeys(m.owners):
            person = roster.person(h)
            handle = person.handle if person is not None else h
            owners.add(handle)
            row = mine.get(handle) if person is not None and not person.bot else None
            o = OwnerActivity(handle)
            if row is not None:
                o.focused_commits = row[0]
                o.last_focused = _day(row[1])
                o.active = row[0] >= settings.min_focused_commits
            act.owners.append(o)
        others = [(row[2], row[0]) for key, row in mine.items() if key not in owners]
        others.sort(key=lambda t: (-t[1], t[0].casefold()))
        act.top_contributors = others[:TOP_CONTRIBUTORS]
    ranked = sorted(((row[1], row[0]) for row in unresolved.values()), key=lambda t: (-t[1], t[0]))
    return ActivityReport(rev, window, settings, [acts[m.name] for m in mods], ranked, len(inside))


def snapshot(report: ActivityReport, module: str) -> dict[str, Any]:
    """The activity behind a deprecation, as the history entry stores it: TOML has no null, and
    the owners are a table by handle so the entry stays one inline table."""
    act = report.module(module)
    assert act is not None
    owners: dict[str, dict[str, Any]] = {}
    for o in act.owners:
        row: dict[str, Any] = {"focused_commits": o.focused_commits}
        if o.last_focused is not None:
            row["last_focused"] = o.last_focused
        owners[o.handle] = row
    return {
        "rev": report.rev,
        "window_start": report.window.start.replace(microsecond=0),
        "window_end": report.window.end.replace(microsecond=0),
        "focus": report.settings.focus,
        "min_focused_commits": report.settings.min_focused_commits,
        "commits": act.commits,
        "focused_commits": act.focused_commits,
        "bot_commits": act.bot_commits,
        "active_owners": act.active_owners,
        "verdict": act.verdict,
        "owners": owners,
    }
