"""Counting a vote (SPEC §6): entries + roster + window + profile + module -> TallyResult.

Pure: no I/O, no clock (``now`` is passed in). The result depends neither on the order of the
entries nor on the names of the evidence files: of duplicates (one identity ``key``) the copy
that comes first by content is kept (the source, which names the file, decides only between
identical copies), and a voter's last ballot is chosen by time, then by identity
(:attr:`Entry.order`: GitHub ids as integers, Message-IDs, TOML voter|vote|time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..registry.model import Module, Person, iso
from ..registry.profiles import BUILTIN_PROFILES, Profile
from .ballot_text import declared_binding, read_vote
from .entry import Entry
from .roster import Identity, Roster

SCHEMA = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_APACHE_DURATION = (
    "Votes should generally be permitted to run for at least 72 hours to provide an opportunity "
    "for all concerned persons to participate regardless of their geographic locations "
    "(Apache voting process)"
)
_MAJORITY_APPROVAL = (
    "Majority approval: a vote which has completed with at least three binding +1 votes and "
    "more +1 votes than -1 votes (Apache glossary)"
)
_CONSENSUS_APPROVAL = (
    "Consensus approval: a vote which has completed with at least three binding +1 votes and "
    "no binding vetos (Apache glossary)"
)
_LAZY_TWO_THIRDS = (
    "Lazy 2/3 majority: at least 3 binding +1 votes and twice as many binding +1 votes as "
    "binding -1 votes (Apache project bylaws)"
)
_S0_ENDORSE = "More than three PMC members endorse the S0-level proposal"
_S0_MAJORITY = "The decision to establish a S0-level module needs to get majority support from PMC"
_S0_OWNERS = (
    "A clear set of community members are committed to maintaining the proposed modules with "
    "technical support quantitatively, more than three endorsing committers who can serve as "
    "the initial owner"
)
_S0_CHAMPION = "One of the PMC members would serve as a champion"

SOURCES: dict[str, dict[str, str]] = {
    "tvm-s0": {
        "min-duration": _APACHE_DURATION,
        "pmc-endorsements": _S0_ENDORSE,
        "pmc-majority": _S0_MAJORITY,
        "owner-endorsements": _S0_OWNERS,
        "champion": _S0_CHAMPION,
    },
    "apache-majority": {
        "min-duration": _APACHE_DURATION,
        "pmc-endorsements": _MAJORITY_APPROVAL,
        "pmc-majority": _MAJORITY_APPROVAL,
    },
    "apache-consensus": {
        "min-duration": _APACHE_DURATION,
        "pmc-endorsements": _CONSENSUS_APPROVAL,
        "veto": _CONSENSUS_APPROVAL,
    },
    "lazy-two-thirds": {
        "min-duration": _APACHE_DURATION,
        "pmc-endorsements": _LAZY_TWO_THIRDS,
        "ratio": _LAZY_TWO_THIRDS,
    },
}


def _custom_source(p: Profile, cid: str) -> str:
    rule = f"Rule profile '{p.name}' ([rules.{p.name}])"
    text = {
        "min-duration": f"the vote runs at least {_num(p.min_hours)} hours (min_hours)",
        "pmc-endorsements": f"at least {p.min_binding_plus} binding +1 votes (min_binding_plus)",
        "pmc-majority": (
            'binding +1 votes from more than half of all PMC members (majority_of = "members")'
            if p.majority_of == "members"
            else 'more binding +1 than binding -1 votes (majority_of = "votes-cast")'
        ),
        "ratio": f"binding +1 votes at least {_num(p.ratio)} times the binding -1 votes (ratio)",
        "veto": "any binding -1 is a veto (veto = true)",
        "owner-endorsements": (
            f"at least {p.min_owner_committers} owners holding committer or pmc vote +1 "
            "(min_owner_committers)"
        ),
        "champion": "the module's champion holds pmc (require_champion = true)",
    }[cid]
    return f"{rule}: {text}"


def condition_source(profile: Profile, cid: str) -> str:
    """The sentence of the process or rule a condition comes from."""
    builtin = BUILTIN_PROFILES.get(profile.name)
    if builtin == profile and cid in SOURCES.get(profile.name, {}):
        return SOURCES[profile.name][cid]
    return _custom_source(profile, cid)


def _num(x: float | int) -> float | int:
    if isinstance(x, float):
        return int(x) if x.is_integer() else round(x, 2)
    return x


def _iso(at: datetime | None) -> str | None:
    """``iso()`` for the UTC datetimes of entries, without the cost of ``strftime``."""
    if at is not None and at.tzinfo is UTC and not at.microsecond:
        return at.isoformat()[:19] + "Z"
    return iso(at)


def _day(at: datetime) -> str:
    text = iso(at) or ""
    return text[:10] if text.endswith("T00:00:00Z") else text


@dataclass
class Ballot:
    voter: str
    resolved: bool
    ambiguous: list[str] | None
    value: str
    binding: bool
    at: datetime
    source: str
    declared_binding: bool
    note: str | None
    display: str  # how the result mail names the voter
    entry: Entry | None = None
    person: Person | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "voter": self.voter,
            "resolved": self.resolved,
            "ambiguous": self.ambiguous,
            "value": self.value,
            "binding": self.binding,
            "at": _iso(self.at),
            "source": self.source,
            "declared_binding": self.declared_binding,
            "note": self.note,
        }


@dataclass
class Ignored:
    reason: str
    author: str
    at: datetime | None
    source: str
    excerpt: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "author": self.author,
            "at": _iso(self.at),
            "source": self.source,
            "excerpt": self.excerpt,
        }


@dataclass
class Condition:
    id: str
    required: Any
    actual: Any
    met: bool | None
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "required": self.required,
            "actual": self.actual,
            "met": self.met,
            "source": self.source,
        }


def _zero() -> dict[str, int]:
    return {"+1": 0, "0": 0, "-1": 0}


@dataclass
class TallyResult:
    decision_id: str | None
    module: str | None
    kind: str | None
    rules: str
    opened: datetime
    closes: datetime
    ballots: list[Ballot] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    binding: dict[str, int] = field(default_factory=_zero)
    non_binding: dict[str, int] = field(default_factory=_zero)
    conditions: list[Condition] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    result: str = "open"
    threads: list[str] = field(default_factory=list)  # links to the vote threads (result mail)
    subjects: list[str] = field(default_factory=list)  # [VOTE] subjects (result mail)

    def condition(self, cid: str) -> Condition | None:
        return next((c for c in self.conditions if c.id == cid), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "decision": {
                "id": self.decision_id,
                "module": self.module,
                "kind": self.kind,
                "rules": self.rules,
                "opened": iso(self.opened),
                "closes": iso(self.closes),
            },
            "ballots": [b.to_json() for b in self.ballots],
            "ignored": [i.to_json() for i in self.ignored],
            "counts": {"binding": dict(self.binding), "non_binding": dict(self.non_binding)},
            "conditions": [c.to_json() for c in self.conditions],
            "notes": list(self.notes),
            "result": self.result,
        }

    def counts_text(self) -> str:
        b, n = self.binding, self.non_binding
        return (
            f"binding +1/0/-1: {b['+1']}/{b['0']}/{b['-1']}, "
            f"non-binding +1/0/-1: {n['+1']}/{n['0']}/{n['-1']}"
        )


def _excerpt(text: str | None, limit: int = 120) -> str | None:
    if not text:
        return None
    if len(text) <= limit and "\n" not in text:
        return " ".join(text.split()) or None
    for line in text[:2000].splitlines():
        s = " ".join(line.split())
        if s:
            return s if len(s) <= limit else s[: limit - 1] + "…"
    return None


@dataclass
class _Candidate:
    entry: Entry
    ident: Identity
    value: str
    note: str | None
    line: str | None


def _is_bot(e: Entry, ident: Identity, roster: Roster) -> bool:
    if e.bot or (ident.person is not None and ident.person.bot):
        return True
    return roster.is_bot_text(e.name, e.email, e.login, e.voter)


def _identify(e: Entry, roster: Roster) -> Identity:
    if e.kind == "mail":
        return roster.resolve_mail(e.name, e.email)
    if e.kind == "github":
        return roster.resolve_login(e.login or "")
    return roster.resolve_handle(e.voter or "")


def _display(e: Entry, ident: Identity) -> str:
    p = ident.person
    if p is not None:
        return f"{p.name} ({p.handle})" if p.name else p.handle
    return e.name or e.login or e.voter or ident.key


def _became_pmc(p: Person, opened: datetime, closes: datetime) -> datetime | None:
    later = [r.since for r in p.roles if r.role == "pmc" and opened < r.since <= closes]
    return min(later) if later else None


def tally(
    entries: Sequence[Entry],
    roster: Roster,
    profile: Profile,
    opened: datetime,
    closes: datetime,
    now: datetime,
    module: Module | None = None,
    kind: str | None = None,
    decision_id: str | None = None,
) -> TallyResult:
    """Count the ballots of ``entries`` for one decision."""
    res = TallyResult(
        decision_id=decision_id,
        module=module.name if module else None,
        kind=kind,
        rules=profile.name,
        opened=opened,
        closes=closes,
    )
    ordered = sorted(
        entries,
        key=lambda e: (
            e.key,
            e.at or _EPOCH,
            e.body or "",
            e.note or "",
            e.value or "",
            e.author,
            e.updated_at or _EPOCH,
            e.flag or "",
            e.source,
        ),
    )

    def ignore(e: Entry, reason: str, excerpt: str | None) -> None:
        res.ignored.append(Ignored(reason, e.author, e.at, e.source, _excerpt(excerpt)))

    seen: set[str] = set()
    by_voter: dict[str, list[_Candidate]] = {}
    for e in ordered:
        if e.flag == "unreadable":
            ignore(e, "unreadable", e.problem)
            continue
        if e.key in seen:
            ignore(e, "duplicate", e.subject if e.kind == "mail" else e.body)
            continue
        seen.add(e.key)
        if e.flag in ("other-thread", "result-post"):
            ignore(e, e.flag, e.subject)
            continue
        ident = _identify(e, roster)
        if _is_bot(e, ident, roster):
            ignore(e, "bot", e.body if e.kind != "toml" else f"{e.value} {e.note or ''}")
            continue
        line: str | None
        if e.kind == "toml":
            value, note, line = e.value or "0", e.note, f"{e.value} {e.note or ''}".strip()
        else:
            read = read_vote(e.body or "")
            if read.status != "vote":
                ignore(e, read.status, read.line or e.body)
                continue
            value, note, line = read.value or "0", read.note, read.line
        assert e.at is not None
        if e.at < opened or e.at > closes:
            ignore(e, "outside-window", line)
            continue
        if e.updated_at is not None and e.updated_at > closes:
            ignore(e, "edited-after-close", line)
            continue
        by_voter.setdefault(ident.key.lower(), []).append(_Candidate(e, ident, value, note, line))

    for cands in by_voter.values():
        cands.sort(key=lambda c: (c.entry.at, c.entry.order, c.value, c.note or "", c.entry.source))
        for c in cands[:-1]:
            ignore(c.entry, "superseded", c.line)
        _count(res, cands[-1], opened)

    res.ballots.sort(key=lambda b: (b.at, b.source, b.voter))
    for b in res.ballots:
        res.notes.extend(_notes(b, opened, closes))
    res.ignored.sort(key=lambda i: (i.at or _EPOCH, i.source, i.reason, i.author, i.excerpt or ""))
    res.conditions = conditions(res, roster, profile, module, kind)
    res.result = outcome(res.conditions, now, closes)
    return res


def _count(res: TallyResult, c: _Candidate, opened: datetime) -> None:
    e, ident = c.entry, c.ident
    p = ident.person
    binding = p is not None and p.holds("pmc", opened)
    assert e.at is not None
    res.ballots.append(
        Ballot(
            voter=p.handle if p is not None else ident.key,
            resolved=p is not None,
            ambiguous=list(ident.ambiguous) if ident.ambiguous else None,
            value=c.value,
            binding=binding,
            at=e.at,
            source=e.source,
            declared_binding=declared_binding(c.note) is True,
            note=c.note,
            display=_display(e, ident),
            entry=e,
            person=p,
        )
    )
    (res.binding if binding else res.non_binding)[c.value] += 1


def _notes(b: Ballot, opened: datetime, closes: datetime) -> list[str]:
    """What a reader of the tally should know about one counted ballot."""
    out = []
    p, said = b.person, f"'{b.note}'"
    declared = declared_binding(b.note)
    if b.ambiguous:
        author = b.entry.author if b.entry else b.voter
        out.append(
            f"{author} matches several people ({', '.join(b.ambiguous)}); "
            "counted as a non-binding vote"
        )
    if declared is True and not b.binding:
        if p is None:
            why = "names several people" if b.ambiguous else "is not in the roster"
            out.append(f"{b.voter} wrote {said} but {why}; counted as non-binding")
        else:
            later = _became_pmc(p, opened, closes)
            extra = f" (pmc since {_day(later)}, after the vote opened)" if later else ""
            out.append(f"{b.voter} wrote {said} but holds no pmc role at {_day(opened)}{extra}")
    elif declared is False and b.binding:
        out.append(f"{b.voter} wrote {said} but holds pmc at {_day(opened)}; counted as binding")
    elif p is not None and not b.binding:
        later = _became_pmc(p, opened, closes)
        if later:
            out.append(
                f"{b.voter} holds pmc since {_day(later)}, after the vote opened; counted as "
                "non-binding (the roster is frozen at opening)"
            )
    return out


def conditions(
    res: TallyResult, roster: Roster, p: Profile, module: Module | None, kind: str | None
) -> list[Condition]:
    """Every condition of the profile, in SPEC order; parameters that are off are omitted."""
    out: list[Condition] = []
    plus, minus = res.binding["+1"], res.binding["-1"]

    def add(cid: str, required: Any, actual: Any, met: bool | None) -> None:
        out.append(Condition(cid, required, actual, met, condition_source(p, cid)))

    hours = (res.closes - res.opened).total_seconds() / 3600
    add("min-duration", _num(p.min_hours), _num(hours), hours >= p.min_hours)
    if p.min_binding_plus > 0:
        add("pmc-endorsements", p.min_binding_plus, plus, plus >= p.min_binding_plus)
    if p.majority_of == "members":
        members = len(roster.pmc_at(res.opened))
        need = members // 2 + 1
        add("pmc-majority", need, plus, plus >= need)
    elif p.majority_of == "votes-cast":
        add("pmc-majority", minus + 1, plus, plus > minus)
    if p.ratio > 0:
        need_ratio = p.ratio * minus
        add("ratio", _num(need_ratio), plus, plus >= need_ratio)
    if p.veto:
        add("veto", 0, minus, minus == 0)
    establish = kind in (None, "establish")
    if p.min_owner_committers > 0 and establish:
        if module is None:
            add("owner-endorsements", p.min_owner_committers, None, None)
        else:
            plus_voters = {b.voter.lower() for b in res.ballots if b.resolved and b.value == "+1"}
            endorsing = set()
            for h in module.owners:
                person = roster.person(h)
                if (
                    person is not None
                    and person.is_committer(res.opened)
                    and person.handle.lower() in plus_voters
                ):
                    endorsing.add(person.handle.lower())
            n = len(endorsing)
            add("owner-endorsements", p.min_owner_committers, n, n >= p.min_owner_committers)
    if p.require_champion and establish:
        if module is None:
            add("champion", None, None, None)
        else:
            champ = roster.person(module.champion) if module.champion else None
            ok = champ is not None and champ.holds("pmc", res.opened)
            add("champion", module.champion, champ.handle if ok and champ else None, ok)
    return out


def outcome(conds: list[Condition], now: datetime, closes: datetime) -> str:
    """SPEC §6 "Result", in order: open, invalid (duration), failed, invalid (not evaluated)."""
    if now < closes:
        return "open"
    duration = next((c for c in conds if c.id == "min-duration"), None)
    if duration is not None and duration.met is False:
        return "invalid"
    if any(c.met is False for c in conds):
        return "failed"
    if any(c.met is None for c in conds):
        return "invalid"
    return "passed"
