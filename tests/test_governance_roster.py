"""Identity resolution against the roster (SPEC §6 "Who voted") and bot globs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoped_modules.governance.roster import Roster, glob_regex
from scoped_modules.registry.model import Person, Role

PEOPLE = [
    Person(
        "kparzysz-quic",
        "Krzysztof Parzyszek",
        ["kparzysz@example.org"],
        ["Krzysztof"],
        [Role("pmc", datetime(2021, 1, 1, tzinfo=UTC))],
    ),
    Person("s1", "Samuel One", aliases=["Sam"]),
    Person("s2", "Samantha Two", ["s2@example.org"], aliases=["Sam"]),
    Person("robot", "Robot", bot=True),
]


@pytest.fixture
def roster() -> Roster:
    return Roster(PEOPLE, ["*[bot]", "*-bot", "*-archiver"])


def test_email_first_case_insensitive(roster: Roster) -> None:
    ident = roster.resolve_mail("Somebody Else", "KParzysz@Example.org")
    assert ident.person is not None and ident.person.handle == "kparzysz-quic"


def test_github_noreply_address(roster: Roster) -> None:
    ident = roster.resolve_mail(None, "12345+KPARZYSZ-quic@users.noreply.github.com")
    assert ident.key == "kparzysz-quic"
    assert roster.resolve_mail(None, "kparzysz-quic@users.noreply.github.com").resolved


def test_display_name_and_alias_whole_and_case_insensitive(roster: Roster) -> None:
    assert roster.resolve_mail("krzysztof  parzyszek", "k@private.example").key == "kparzysz-quic"
    assert roster.resolve_mail('"krzysztof"', "k@private.example").key == "kparzysz-quic"
    assert not roster.resolve_mail("Krzysztof P.", "k@private.example").resolved


def test_never_the_local_part(roster: Roster) -> None:
    ident = roster.resolve_mail(None, "kparzysz-quic@elsewhere.example")
    assert not ident.resolved
    assert ident.key == "kparzysz-quic@elsewhere.example"


def test_shared_alias_is_ambiguous_unless_the_address_decides(roster: Roster) -> None:
    ident = roster.resolve_mail("Sam", "Sam@Elsewhere.example")
    assert ident.person is None
    assert ident.ambiguous == ("s1", "s2")
    assert ident.key == "sam@elsewhere.example"
    assert roster.resolve_mail("Sam", "s2@example.org").key == "s2"


def test_handles_for_logins_and_voters(roster: Roster) -> None:
    assert roster.resolve_login("KPARZYSZ-QUIC").key == "kparzysz-quic"
    assert roster.resolve_handle("Newcomer").key == "newcomer"
    assert not roster.resolve_handle("Newcomer").resolved


@pytest.mark.parametrize(
    ("text", "bot"),
    [
        ("dependabot[bot]", True),
        ("GitHub-Actions[BOT]", True),
        ("Robert", False),  # brackets are literal: "[bot]" is no character class
        ("b", False),
        ("ci-bot", True),
        ("mail-archiver", True),
        ("ci-bot@example.org", False),
    ],
)
def test_bot_globs(roster: Roster, text: str, bot: bool) -> None:
    assert roster.is_bot_text(text) is bot


def test_glob_question_mark_and_escaping() -> None:
    rx = glob_regex(["bot?", "a.b"])
    assert rx is not None
    assert rx.match("bot1") and not rx.match("bot12")
    assert rx.match("a.b") and not rx.match("axb")


def test_pmc_at_excludes_bots_and_respects_dates(roster: Roster) -> None:
    assert [p.handle for p in roster.pmc_at(datetime(2022, 1, 1, tzinfo=UTC))] == ["kparzysz-quic"]
    assert roster.pmc_at(datetime(2020, 1, 1, tzinfo=UTC)) == []
