"""Counting (SPEC §6): windows, last ballot per person, binding at opening, profiles, results;
and the invariants a recount relies on (hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoped_modules.governance.entry import Entry
from scoped_modules.governance.evidence import read_evidence
from scoped_modules.governance.roster import Roster
from scoped_modules.governance.tally import tally
from scoped_modules.registry.model import Module, Person, Role
from scoped_modules.registry.profiles import BUILTIN_PROFILES, derive

OPENED = datetime(2022, 6, 1, tzinfo=UTC)
CLOSES = datetime(2022, 6, 8, tzinfo=UTC)
NOW = datetime(2022, 7, 1, tzinfo=UTC)
SINCE = datetime(2020, 1, 1, tzinfo=UTC)

PMC = [f"p{i}" for i in range(1, 7)]  # six PMC members: a majority is four
COMMITTERS = [f"c{i}" for i in range(1, 5)]
PEOPLE = (
    [Person(h, f"Person {h}", [f"{h}@example.org"], roles=[Role("pmc", SINCE)]) for h in PMC]
    + [
        Person(h, f"Person {h}", [f"{h}@example.org"], roles=[Role("committer", SINCE)])
        for h in COMMITTERS
    ]
    + [Person("late", "Late Joiner", roles=[Role("pmc", datetime(2022, 6, 3, tzinfo=UTC))])]
    + [Person("helper", bot=True)]
)
ROSTER = Roster(PEOPLE, ["*[bot]"])
MODULE = Module("uma", "proposed", ["uma/"], owners=list(COMMITTERS), champion="p1")


def ballot(
    voter: str,
    vote: str,
    when: datetime,
    note: str | None = None,
    source: str | None = None,
    file_index: int = 0,
    file: str = "b.toml",
) -> Entry:
    return Entry(
        kind="toml",
        key=f"toml:{voter}|{vote}|{when.isoformat()}",
        source=source or f"{file}#{voter}-{when:%d%H%M}",
        at=when,
        author=voter,
        file=file,
        file_index=file_index,
        voter=voter,
        value=vote,
        note=note,
    )


def comment(
    cid: int,
    login: str,
    body: str,
    when: datetime,
    updated: datetime | None = None,
    bot: bool = False,
) -> Entry:
    return Entry(
        kind="github",
        key=f"github:{cid}",
        source=f"https://github.com/o/r/issues/1#issuecomment-{cid}",
        at=when,
        author=login,
        file="c.json",
        login=login,
        body=body,
        bot=bot,
        updated_at=updated or when,
    )


def day(d: int, h: int = 10) -> datetime:
    return datetime(2022, 6, d, h, tzinfo=UTC)


def run(
    entries: list[Entry],
    profile: str = "tvm-s0",
    module: Module | None = MODULE,
    kind: str | None = "establish",
    opened: datetime = OPENED,
    closes: datetime = CLOSES,
    now: datetime = NOW,
):
    p = BUILTIN_PROFILES[profile] if isinstance(profile, str) else profile
    return tally(entries, ROSTER, p, opened, closes, now, module, kind)


def passing_entries() -> list[Entry]:
    return [ballot(h, "+1", day(2)) for h in PMC[:4] + COMMITTERS]


def test_passing_s0_vote() -> None:
    res = run(passing_entries())
    doc = res.to_json()
    assert doc["result"] == "passed"
    assert [c["id"] for c in doc["conditions"]] == [
        "min-duration",
        "pmc-endorsements",
        "pmc-majority",
        "owner-endorsements",
        "champion",
    ]
    cond = {c["id"]: c for c in doc["conditions"]}
    assert cond["pmc-endorsements"] == {
        "id": "pmc-endorsements",
        "required": 4,
        "actual": 4,
        "met": True,
        "source": "More than three PMC members endorse the S0-level proposal",
    }
    assert (cond["pmc-majority"]["required"], cond["pmc-majority"]["actual"]) == (4, 4)
    assert cond["min-duration"]["required"] == 72 and cond["min-duration"]["actual"] == 168
    assert cond["champion"]["required"] == "p1" and cond["champion"]["actual"] == "p1"
    assert doc["counts"] == {
        "binding": {"+1": 4, "0": 0, "-1": 0},
        "non_binding": {"+1": 4, "0": 0, "-1": 0},
    }
    assert doc["decision"] == {
        "id": None,
        "module": "uma",
        "kind": "establish",
        "rules": "tvm-s0",
        "opened": "2022-06-01T00:00:00Z",
        "closes": "2022-06-08T00:00:00Z",
    }


def test_three_pmc_endorsements_fail_tvm_s0() -> None:
    entries = [ballot(h, "+1", day(2)) for h in PMC[:3] + COMMITTERS]
    res = run(entries)
    assert res.result == "failed"
    assert res.condition("pmc-endorsements").met is False


def test_result_order_open_invalid_failed() -> None:
    assert run(passing_entries(), now=day(5)).result == "open"
    # open wins even over a too short window
    assert run([], closes=day(2, 0), now=day(1, 12)).result == "open"
    short = run(passing_entries()[:1], closes=OPENED + timedelta(hours=48))
    assert short.result == "invalid"  # too short, although other conditions fail too
    assert run([]).result == "failed"


def test_owner_and_champion_need_a_module() -> None:
    res = run(passing_entries(), module=None)
    assert res.result == "invalid"
    cond = {c.id: c for c in res.conditions}
    assert cond["owner-endorsements"].met is None and cond["owner-endorsements"].actual is None
    assert cond["champion"].met is None


def test_owner_and_champion_only_for_establish() -> None:
    res = run(passing_entries(), kind="deprecate")
    assert [c.id for c in res.conditions] == ["min-duration", "pmc-endorsements", "pmc-majority"]


def test_champion_without_pmc_fails() -> None:
    module = dataclasses.replace(MODULE, champion="c1")
    res = run(passing_entries(), module=module)
    assert res.result == "failed"
    assert res.condition("champion").actual is None


def test_owner_endorsements_count_committer_owners_voting_plus_one() -> None:
    entries = passing_entries()
    entries[-1] = ballot("c4", "0", day(2))
    res = run(entries)
    assert res.condition("owner-endorsements").actual == 3
    assert res.result == "failed"


@pytest.mark.parametrize(
    ("profile", "ids"),
    [
        ("apache-majority", ["min-duration", "pmc-endorsements", "pmc-majority"]),
        ("apache-consensus", ["min-duration", "pmc-endorsements", "veto"]),
        ("lazy-two-thirds", ["min-duration", "pmc-endorsements", "ratio"]),
    ],
)
def test_profiles_report_their_conditions(profile: str, ids: list[str]) -> None:
    res = run(passing_entries(), profile=profile)
    assert [c.id for c in res.conditions] == ids
    assert res.result == "passed"
    assert all(c.source for c in res.conditions)


def test_apache_majority_needs_more_plus_than_minus() -> None:
    entries = [ballot(h, "+1", day(2)) for h in PMC[:3]] + [
        ballot(h, "-1", day(2)) for h in PMC[3:]
    ]
    res = run(entries, profile="apache-majority")
    c = res.condition("pmc-majority")
    assert (c.required, c.actual, c.met) == (4, 3, False)
    assert res.result == "failed"


def test_consensus_veto() -> None:
    entries = [ballot(h, "+1", day(2)) for h in PMC[:5]] + [ballot("p6", "-1", day(2))]
    res = run(entries, profile="apache-consensus")
    assert res.condition("veto").to_json() | {"source": ""} == {
        "id": "veto",
        "required": 0,
        "actual": 1,
        "met": False,
        "source": "",
    }
    assert res.result == "failed"


def test_lazy_two_thirds_ratio() -> None:
    entries = [ballot(h, "+1", day(2)) for h in PMC[:4]] + [
        ballot(h, "-1", day(2)) for h in PMC[4:]
    ]
    assert run(entries, profile="lazy-two-thirds").condition("ratio").required == 4
    assert run(entries, profile="lazy-two-thirds").result == "passed"
    assert run(entries[1:], profile="lazy-two-thirds").result == "failed"


def test_custom_profile_cites_its_rule() -> None:
    strict = derive(
        "strict-two-thirds", BUILTIN_PROFILES["lazy-two-thirds"], {"min_binding_plus": 5}
    )
    res = run(passing_entries(), profile=strict)
    c = res.condition("pmc-endorsements")
    assert (c.required, c.met) == (5, False)
    assert "strict-two-thirds" in c.source and "5" in c.source
    assert res.rules == "strict-two-thirds"


def test_window_is_inclusive_and_late_votes_are_ignored() -> None:
    entries = [
        ballot("p1", "+1", OPENED),
        ballot("p2", "+1", CLOSES),
        ballot("p3", "+1", CLOSES + timedelta(seconds=1)),
        ballot("p4", "+1", OPENED - timedelta(seconds=1)),
    ]
    res = run(entries)
    assert [b.voter for b in res.ballots] == ["p1", "p2"]
    assert sorted(i.reason for i in res.ignored) == ["outside-window", "outside-window"]


def test_last_ballot_per_person_counts() -> None:
    res = run([ballot("p1", "-1", day(2)), ballot("p1", "+1", day(3))])
    assert [(b.voter, b.value) for b in res.ballots] == [("p1", "+1")]
    assert [(i.reason, i.excerpt) for i in res.ignored] == [("superseded", "-1")]


def test_equal_times_the_greater_source_wins_github_ids_as_integers() -> None:
    res = run([comment(9, "p1", "-1", day(2)), comment(10, "p1", "+1", day(2))])
    assert [b.value for b in res.ballots] == ["+1"]


def test_binding_is_frozen_at_opening_and_declarations_are_not_trusted() -> None:
    res = run(
        [
            ballot("late", "+1", day(4), note="(binding)"),
            ballot("c1", "+1", day(2), note="(binding)"),
            ballot("p2", "+1", day(2), note="(non-binding)"),
        ]
    )
    by = {b.voter: b for b in res.ballots}
    assert not by["late"].binding and by["late"].declared_binding
    assert not by["c1"].binding
    assert by["p2"].binding and not by["p2"].declared_binding
    assert "c1 wrote '(binding)' but holds no pmc role at 2022-06-01" in res.notes
    assert any(
        n.startswith("late wrote '(binding)'") and "pmc since 2022-06-03" in n for n in res.notes
    )
    assert any(n.startswith("p2 wrote '(non-binding)' but holds pmc") for n in res.notes)


def test_unresolved_voters_count_as_non_binding() -> None:
    res = run([comment(1, "Visitor", "+1 (binding)", day(2))])
    (b,) = res.ballots
    assert (b.voter, b.resolved, b.binding, b.declared_binding) == ("visitor", False, False, True)
    assert res.non_binding["+1"] == 1
    assert "visitor wrote '(binding)' but is not in the roster; counted as non-binding" in res.notes


def test_bots_never_vote() -> None:
    res = run(
        [
            comment(1, "dependabot[bot]", "+1", day(2)),
            comment(2, "x", "+1", day(2), bot=True),
            ballot("helper", "+1", day(2)),
        ]
    )
    assert res.ballots == []
    assert [i.reason for i in res.ignored] == ["bot", "bot", "bot"]


def test_edited_after_close() -> None:
    res = run(
        [
            comment(1, "p1", "+1", day(2), updated=day(9)),
            comment(2, "p2", "+1", day(2), updated=day(7)),
        ]
    )
    assert [b.voter for b in res.ballots] == ["p2"]
    assert [i.reason for i in res.ignored] == ["edited-after-close"]


def test_duplicates_count_once() -> None:
    e = comment(1, "p1", "+1", day(2))
    res = run([e, dataclasses.replace(e)])
    assert len(res.ballots) == 1
    assert [i.reason for i in res.ignored] == ["duplicate"]


def test_first_reason_applies() -> None:
    e = comment(1, "dependabot[bot]", "> +1", day(9))
    e.flag = "other-thread"
    res = run([e])
    assert [i.reason for i in res.ignored] == ["other-thread"]


# ---------------------------------------------------------------------------------------------
# Invariants

VOTERS = PMC + COMMITTERS + ["late", "visitor", "helper", "dependabot[bot]"]
entry_strategy = st.builds(
    lambda kind, voter, vote, minutes, cid, note: (
        ballot(voter, vote, OPENED + timedelta(minutes=minutes), note=note)
        if kind == "toml"
        else comment(cid, voter, f"{vote} {note or ''}", OPENED + timedelta(minutes=minutes))
    ),
    st.sampled_from(["toml", "github"]),
    st.sampled_from(VOTERS),
    st.sampled_from(["+1", "0", "-1"]),
    st.integers(min_value=-600, max_value=11_000),  # some before opening, some after closing
    st.integers(min_value=1, max_value=40),
    st.sampled_from([None, "(binding)", "(non-binding)"]),
)
PROFILES = ["tvm-s0", "apache-majority", "apache-consensus", "lazy-two-thirds"]


def _stable(doc: dict) -> dict:
    doc = dict(doc)
    doc["ignored"] = [i for i in doc["ignored"] if i["reason"] != "duplicate"]
    return doc


@settings(max_examples=150, deadline=None)
@given(
    st.lists(entry_strategy, max_size=25),
    st.randoms(use_true_random=False),
    st.sampled_from(PROFILES),
)
def test_result_does_not_depend_on_ballot_order(
    entries: list[Entry], rnd: random.Random, profile: str
) -> None:
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert run(entries, profile=profile).to_json() == run(shuffled, profile=profile).to_json()


@settings(max_examples=150, deadline=None)
@given(st.lists(entry_strategy, max_size=25), st.sampled_from(PROFILES))
def test_duplicating_an_evidence_file_changes_nothing(entries: list[Entry], profile: str) -> None:
    copy = [dataclasses.replace(e, file_index=1, file="copy") for e in entries]
    before = run(entries, profile=profile).to_json()
    after = run(entries + copy, profile=profile).to_json()
    assert _stable(after) == _stable(before)
    dups = [sum(i["reason"] == "duplicate" for i in d["ignored"]) for d in (before, after)]
    assert dups[1] == dups[0] + len(entries)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(entry_strategy, max_size=25),
    st.sampled_from(PMC),
    st.sampled_from(PROFILES),
    st.integers(min_value=0, max_value=10_080),
)
def test_adding_a_binding_plus_one_never_turns_passed_into_failed(
    entries: list[Entry], voter: str, profile: str, minutes: int
) -> None:
    before = run(entries, profile=profile)
    extra = ballot(voter, "+1", OPENED + timedelta(minutes=minutes), source="zzz-extra")
    after = run([*entries, extra], profile=profile)
    if before.result == "passed":
        assert after.result == "passed"


# Issue 13 defect 11: two ballots of one voter at the same time in different files. The choice
# must rest on their content, never on the order or the names of the evidence files.
def _mbox(msgid: str, body: str) -> bytes:
    return (
        f"From p1@example.org Thu Jun  2 10:00:00 2022\nFrom: Person p1 <p1@example.org>\n"
        f"Subject: Re: [VOTE] uma\nDate: Thu, 02 Jun 2022 10:00:00 +0000\n"
        f"Message-ID: <{msgid}>\n\n{body}\n"
    ).encode()


SAME_TIME = {
    "toml": (
        b'[[ballot]]\nvoter = "p1"\nvote = "+1"\nat = 2022-06-02T10:00:00Z\n',
        b'[[ballot]]\nvoter = "p1"\nvote = "-1"\nat = 2022-06-02T10:00:00Z\n',
    ),
    "mbox": (_mbox("b@x", "+1"), _mbox("a@x", "-1")),
}


@pytest.mark.parametrize("kind", sorted(SAME_TIME))
def test_equal_times_in_different_files_do_not_depend_on_file_order(kind: str) -> None:
    ev1, ev2 = SAME_TIME[kind]
    runs = {
        "ev1 ev2": [("ev1", ev1), ("ev2", ev2)],
        "ev2 ev1": [("ev2", ev2), ("ev1", ev1)],
        "ev1 ev2 copy": [("ev1", ev1), ("ev2", ev2), ("copy-of-ev2", ev2)],
        "copy ev1 ev2": [("copy-of-ev2", ev2), ("ev1", ev1), ("ev2", ev2)],
        "a-ev1 ev2": [("a-ev1", ev1), ("ev2", ev2)],
        "z-ev1 ev2": [("z-ev1", ev1), ("ev2", ev2)],
    }
    counted = {}
    for name, files in runs.items():
        res = run(read_evidence(files).entries)
        counted[name] = ([(b.voter, b.value) for b in res.ballots], res.binding, res.result)
    assert len(set(map(repr, counted.values()))) == 1, counted
