"""The registry as plain data: what ``scoped.toml`` says, validated. No I/O here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .profiles import Profile

STAGES = ("proposed", "s0", "s1", "s2", "deprecated", "removed", "rejected", "withdrawn")
DECISION_KINDS = ("establish", "integrate", "evolve", "deprecate", "remove")
RESULTS = ("passed", "failed", "open", "invalid")
ROLES = ("pmc", "committer")
MODULE_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")

# (file, line, column) of a key in the registry; line 0 when unknown
Loc = tuple[str, int, int]


def to_utc(value: date | datetime) -> datetime:
    """A bare date means 00:00 UTC of that day; a datetime must carry an offset.

    ValueError when the time leaves years 1-9999 once in UTC (``0001-01-01T00:00:00+01:00``).
    """
    if isinstance(value, datetime):
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError(
                f"{value.isoformat()} is out of range: in UTC it falls outside years 1-9999"
            ) from None
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """``2022-06-01T00:00:00Z`` style text for a UTC datetime."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


@dataclass(frozen=True)
class Role:
    role: str
    since: datetime
    until: datetime | None = None

    def holds_at(self, at: datetime) -> bool:
        return self.since <= at and (self.until is None or at < self.until)


@dataclass
class Person:
    handle: str
    name: str | None = None
    emails: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    bot: bool = False
    loc: Loc = ("", 0, 0)

    def holds(self, role: str, at: datetime) -> bool:
        """True when the person holds ``role`` at ``at`` (roles hold on ``[since, until)``)."""
        return any(r.role == role and r.holds_at(at) for r in self.roles)

    def is_committer(self, at: datetime) -> bool:
        """Committer rights, which PMC members also have."""
        return self.holds("committer", at) or self.holds("pmc", at)


@dataclass(frozen=True)
class Toggle:
    cmake: str | None = None
    define: str | None = None
    env: str | None = None
    off: str = "0"
    maven_profile: str | None = None  # a Maven profile id (JVM builds)
    meson: str | None = None  # a Meson option of meson.options / meson_options.txt
    # the `cmake`/`meson` option turns the module OFF when true (NumPy's `disable-highway`)
    inverted: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(
            n for n in (self.cmake, self.define, self.env, self.maven_profile, self.meson) if n
        )

    @property
    def first_name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class Evidence:
    path: str
    sha256: str | None = None


@dataclass
class Decision:
    id: str
    kind: str
    opened: datetime
    closes: datetime
    evidence: list[Evidence]
    result: str
    module: str
    rules: str | None = None
    loc: Loc = ("", 0, 0)


@dataclass
class HistoryEntry:
    date: date
    stage: str
    decision: str | None = None
    reason: str | None = None
    activity: dict[str, Any] | None = None
    loc: Loc = ("", 0, 0)


@dataclass(frozen=True)
class Dependent:
    path: str
    rfc: str


@dataclass
class Module:
    name: str
    stage: str
    paths: list[str]
    summary: str | None = None
    rfc: str | None = None
    toggles: list[Toggle] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    champion: str | None = None
    dependents: list[Dependent] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)  # rule ids not reported for this module
    decisions: list[Decision] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    # where each key of the module table sits: "stage", "paths", "owners", "toggles", ...
    locs: dict[str, Loc] = field(default_factory=dict)

    def loc(self, key: str) -> Loc:
        return self.locs.get(key) or self.locs.get("") or ("", 0, 0)


@dataclass
class ProjectSettings:
    name: str
    rules: str = "tvm-s0"
    python_roots: list[str] = field(default_factory=list)
    include_roots: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    cmake_option_commands: list[str] = field(
        default_factory=lambda: ["option", "cmake_dependent_option"]
    )
    config_templates: list[str] = field(default_factory=list)
    mixed_change_exempt: list[str] = field(default_factory=list)
    baseline: str | None = None  # a baseline file `check` applies (`scoped baseline`)
    ignore: list[str] = field(default_factory=list)  # rule ids not reported
    governance: bool = True  # false: SM008-SM010 and SM013 are not reported


@dataclass
class ActivitySettings:
    window_days: int = 365
    focus: float = 0.5
    min_focused_commits: int = 1
    bots: list[str] = field(default_factory=lambda: ["*[bot]"])


@dataclass
class Registry:
    path: Path  # the registry file (scoped.toml or pyproject.toml)
    root: Path  # the repository root (absolute)
    text: str  # the file's text as read (edits refuse to write when it changed)
    table_prefix: tuple[str, ...]  # () for scoped.toml, ("tool", "scoped") for pyproject.toml
    project: ProjectSettings
    activity: ActivitySettings
    people: list[Person]
    profiles: dict[str, Profile]
    modules: dict[str, Module]
    people_file: str | None = None

    @property
    def rel_path(self) -> str:
        try:
            return self.path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(self.path)

    def person(self, handle: str) -> Person | None:
        low = handle.lower()
        for p in self.people:
            if p.handle.lower() == low:
                return p
        return None

    def profile(self, name: str | None) -> Profile:
        return self.profiles[name or self.project.rules]

    def decision(self, decision_id: str) -> Decision | None:
        for m in self.modules.values():
            for d in m.decisions:
                if d.id == decision_id:
                    return d
        return None

    def module_profile(self, module: Module) -> Profile:
        """The profile of the module's establish decision, else ``project.rules``."""
        for d in module.decisions:
            if d.kind == "establish" and d.rules:
                return self.profiles[d.rules]
        return self.profiles[self.project.rules]
