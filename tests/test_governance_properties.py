"""Tally invariants on real evidence files (issue 13, "the campaign"), checked with hypothesis.

Ballots are written as real mbox archives, GitHub comment exports and TOML ballot files, read
by the real readers and counted. The invariants SPEC §6 promises:
- the order of the evidence files, and of the messages inside each file, never matters;
- nor do the files' names;
- a duplicated evidence file counts once;
- for each voter the last ballot counts, the earlier ones are ``superseded``;
- a self-declared "(binding)" is never trusted: binding is the roster's pmc role at opening.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_governance_tally import CLOSES, COMMITTERS, OPENED, PMC, ROSTER, run

from scoped_modules.governance.evidence import read_evidence

VOTERS = [*PMC, *COMMITTERS, "late", "stranger", "dependabot[bot]"]
FORMATS = ("mbox", "github", "toml")
EXT = {"mbox": "mbox", "github": "json", "toml": "toml"}


@dataclass(frozen=True)
class Spec:
    """One ballot as somebody cast it."""

    voter: str
    value: str  # "+1", "0" or "-1"
    minutes: int  # after the opening (negative: before it)
    note: str  # "", "(binding)" or "(non-binding)"
    ident: int  # Message-ID / comment id / TOML source number
    file: int  # which evidence file holds it

    @property
    def at(self) -> datetime:
        return OPENED + timedelta(minutes=self.minutes)


ROOT = (
    b"From c1@example.org Wed Jun  1 00:00:00 2022\nFrom: Person c1 <c1@example.org>\n"
    b"Subject: [VOTE] Establish uma\nDate: Wed, 01 Jun 2022 00:00:00 +0000\n"
    b"Message-ID: <root@lists.example>\n\nPlease vote:\n[ ] +1 yes\n[ ] -1 no\n\n"
)


def _mail(s: Spec) -> bytes:
    person = ROSTER.person(s.voter)  # resolved by address, else by display name
    if person is not None:
        name, email = person.name or s.voter, f"{s.voter}@example.org"
    elif s.voter == "stranger":
        name, email = "Some One", "someone@elsewhere.example"
    else:  # a bot, known by its name
        name, email = s.voter, "bot@elsewhere.example"
    return (
        f"From {email} Thu Jun  2 10:00:00 2022\n"
        f"From: {name} <{email}>\n"
        f"Subject: Re: [VOTE] Establish uma\n"
        f"Date: {format_datetime(s.at)}\n"
        f"Message-ID: <m{s.ident}@lists.example>\n"
        f"In-Reply-To: <root@lists.example>\n"
        f"\n{s.value} {s.note}\n\n"
    ).encode()


def _comment(s: Spec) -> dict[str, Any]:
    when = s.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": s.ident,
        "html_url": f"https://github.com/o/r/pull/1#issuecomment-{s.ident}",
        "user": {"login": s.voter, "type": "Bot" if s.voter.endswith("[bot]") else "User"},
        "created_at": when,
        "updated_at": when,
        "body": f"{s.value} {s.note}",
    }


def _ballot(s: Spec) -> str:
    return (
        f'[[ballot]]\nvoter = "{s.voter}"\nvote = "{s.value}"\n'
        f"at = {s.at.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        f'source = "https://lists.example/thread/{s.ident}"\nnote = "{s.note}"\n\n'
    )


def build(
    formats: list[str], specs: list[Spec], rnd: random.Random | None = None
) -> list[tuple[str, bytes]]:
    """The evidence files; ``rnd`` shuffles the messages inside each file."""
    files = []
    for i, fmt in enumerate(formats):
        mine = [s for s in specs if s.file == i]
        if rnd is not None:
            rnd.shuffle(mine)
        # every file also holds an entry that is no vote: the vote's call, or a bot's ballot
        if fmt == "mbox":
            data = ROOT + b"".join(_mail(s) for s in mine)
        elif fmt == "github":
            call = {**_comment(Spec("c1", "", 0, "", 0, i)), "body": "Please vote."}
            data = json.dumps([call, *(_comment(s) for s in mine)]).encode()
        else:
            data = "".join(_ballot(s) for s in [Spec("helper", "+1", 5, "", 0, i), *mine])
            data = data.encode()
        files.append((f"votes/ev{i}.{EXT[fmt]}", data))
    return files


def counted(files: list[tuple[str, bytes]]) -> dict[str, Any]:
    return run(read_evidence(files).entries).to_json()


def meaning(doc: dict[str, Any]) -> dict[str, Any]:
    """What a tally decides, without the sources (they name files) and the duplicates."""
    return {
        "ballots": sorted(
            (b["voter"], b["value"], b["binding"], b["at"], b["note"]) for b in doc["ballots"]
        ),
        "ignored": sorted(
            (i["reason"], i["author"], i["at"])
            for i in doc["ignored"]
            if i["reason"] != "duplicate"
        ),
        "counts": doc["counts"],
        "conditions": doc["conditions"],
        "notes": sorted(doc["notes"]),
        "result": doc["result"],
    }


@st.composite
def evidence(draw: st.DrawFn, distinct_times: bool = False) -> tuple[list[str], list[Spec]]:
    formats = draw(st.lists(st.sampled_from(FORMATS), min_size=1, max_size=3))
    n = draw(st.integers(min_value=0, max_value=14))
    specs = []
    for ident in range(1, n + 1):
        specs.append(
            Spec(
                voter=draw(st.sampled_from(VOTERS)),
                value=draw(st.sampled_from(["+1", "0", "-1"])),
                # a few before the opening and after the close; ties are likely
                minutes=draw(st.sampled_from([-30, 0, 60, 61, 600, 2880, 10_080, 10_200])),
                note=draw(st.sampled_from(["", "(binding)", "(non-binding)"])),
                ident=ident,
                file=draw(st.integers(min_value=0, max_value=len(formats) - 1)),
            )
        )
    if distinct_times:
        specs = [Spec(s.voter, s.value, 10 * s.ident, s.note, s.ident, s.file) for s in specs]
    return formats, specs


PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(evidence(), st.randoms(use_true_random=False))
def test_order_of_files_and_of_messages_never_matters(generated: tuple, rnd: random.Random) -> None:
    formats, specs = generated
    files = build(formats, specs)
    shuffled_files = list(files)
    rnd.shuffle(shuffled_files)
    assert counted(shuffled_files) == counted(files)
    assert counted(build(formats, specs, rnd)) == counted(files)


@PROPERTY
@given(evidence(), st.data())
def test_file_names_never_matter(generated: tuple, data: Any) -> None:
    formats, specs = generated
    files = build(formats, specs)
    names = data.draw(st.permutations([name for name, _ in files]))
    renamed = [(new, content) for new, (_, content) in zip(names, files, strict=True)]
    assert meaning(counted(renamed)) == meaning(counted(files))


@PROPERTY
@given(evidence(), st.data())
def test_duplicated_evidence_counts_once(generated: tuple, data: Any) -> None:
    formats, specs = generated
    files = build(formats, specs)
    name, content = data.draw(st.sampled_from(files))
    copy = (f"votes/copy-of-{name.rsplit('/', 1)[1]}", content)
    where = data.draw(st.integers(min_value=0, max_value=len(files)))
    more = [*files[:where], copy, *files[where:]]
    before, after = counted(files), counted(more)
    assert meaning(after) == meaning(before)
    in_copy = len(read_evidence([copy]).entries)
    dups = [sum(i["reason"] == "duplicate" for i in d["ignored"]) for d in (before, after)]
    assert dups[1] == dups[0] + in_copy


@PROPERTY
@given(evidence(distinct_times=True))
def test_the_last_ballot_of_each_voter_counts(generated: tuple) -> None:
    formats, specs = generated
    doc = counted(build(formats, specs))
    window = [s for s in specs if OPENED <= s.at <= CLOSES and not s.voter.endswith("[bot]")]

    def who(s: Spec) -> str:  # an unknown mail sender is counted under the address
        mail = formats[s.file] == "mbox"
        return "someone@elsewhere.example" if s.voter == "stranger" and mail else s.voter

    last: dict[str, Spec] = {}
    for s in sorted(window, key=lambda s: s.at):
        last[who(s)] = s
    assert {b["voter"]: b["value"] for b in doc["ballots"]} == {v: s.value for v, s in last.items()}
    superseded = sum(i["reason"] == "superseded" for i in doc["ignored"])
    assert superseded == len(window) - len(doc["ballots"])


@PROPERTY
@given(evidence())
def test_a_self_declared_binding_is_never_trusted(generated: tuple) -> None:
    formats, specs = generated
    res = run(read_evidence(build(formats, specs)).entries)
    for b in res.ballots:
        person = ROSTER.person(b.voter)
        assert b.binding == (person is not None and person.holds("pmc", OPENED))
        if b.declared_binding and not b.binding:
            assert any(n.startswith(f"{b.voter} wrote '(binding)'") for n in res.notes)
