"""Reading a vote from a message body (SPEC §6 rules 1-3)."""

from __future__ import annotations

import pytest

from scoped_modules.governance.ballot_text import declared_binding, read_vote, split_quoted


@pytest.mark.parametrize(
    ("body", "value", "note"),
    [
        ("+1", "+1", None),
        ("+1 (binding)", "+1", "(binding)"),
        ("  - +1 non-binding", "+1", "non-binding"),
        ("* -1 because the docs are missing", "-1", "because the docs are missing"),
        ("\u22121", "-1", None),
        ("+0", "0", None),
        ("-0, I don't mind", "0", "I don't mind"),
        ("0", "0", None),
        ("0 (binding)", "0", "(binding)"),
        ("0, abstain", "0", "abstain"),
        ("[x] +1 establish UMA", "+1", "establish UMA"),
        ("- [X] -1 do not establish", "-1", "do not establish"),
        ("+1!", "+1", "!"),
        ("+1.", "+1", "."),
        ("Hi all,\n\n+1 from me\n\nThanks", "+1", "from me"),
    ],
)
def test_vote_lines(body: str, value: str, note: str | None) -> None:
    read = read_vote(body)
    assert (read.status, read.value, read.note) == ("vote", value, note)


@pytest.mark.parametrize(
    "body",
    [
        "+0.5",
        "+10",
        "0 issues found",
        "I am +1 on this",  # not the first token
        "+1abc",
        "Thanks!",
        "+1 (555) 123-4567",  # a telephone number in a signature block without "-- "
        "",
    ],
)
def test_not_votes(body: str) -> None:
    assert read_vote(body).status == "no-vote"


def test_first_vote_line_wins() -> None:
    assert read_vote("+1\n-1").value == "+1"


def test_templates_are_not_votes() -> None:
    body = "Please vote:\n\n[ ] +1 approve\n[ ] 0 no opinion\n[ ] -1 disapprove\n"
    read = read_vote(body)
    assert read.status == "template"
    assert read.line == "[ ] +1 approve"


def test_quoted_vote_only() -> None:
    body = "Agreed.\n\n> +1 (binding)\n> Ada\n"
    assert read_vote(body).status == "quoted"


@pytest.mark.parametrize(
    "attribution",
    [
        "On Wed, Jun 1, 2022 at 12:00 PM Ada Lovelace <ada@example.org> wrote:",
        "On Wed, Jun 1, 2022 at 12:00 PM Ada Lovelace <\nada@example.org> wrote:",
        "-----Original Message-----",
        "From: Ada Lovelace <ada@example.org>\nSent: Wednesday, June 1, 2022 12:00\nTo: dev",
        "________________________________\nFrom: Ada Lovelace\nSent: Wednesday",
        "Am Mi., 1. Juni 2022 um 12:00 Uhr schrieb Ada <ada@example.org>:",
    ],
)
def test_everything_after_an_attribution_is_quoted(attribution: str) -> None:
    body = f"Looks fine to me.\n\n{attribution}\n+1 (binding)\n"
    own, quoted = split_quoted(body)
    assert "Looks fine to me." in own
    assert "+1 (binding)" in quoted
    assert read_vote(body).status == "quoted"


def test_own_vote_above_an_attribution_counts() -> None:
    body = "-1\n\nOn Wed, Ada wrote:\n> +1 (binding)\n"
    assert (read_vote(body).status, read_vote(body).value) == ("vote", "-1")


def test_bottom_posted_vote_below_a_quote() -> None:
    body = "> [ ] +1 approve\n> [ ] -1 reject\n\n+1\n"
    read = read_vote(body)
    assert (read.status, read.value) == ("vote", "+1")


def test_signature_is_dropped() -> None:
    body = "Thanks for the work.\n-- \nAda\n+1 555 123 4567\n"
    assert read_vote(body).status == "no-vote"


def test_line_starting_with_on_is_not_an_attribution() -> None:
    body = "On balance this is good.\n+1\n"
    assert read_vote(body).value == "+1"


@pytest.mark.parametrize(
    ("note", "declared"),
    [
        ("(binding)", True),
        ("binding", True),
        ("(non-binding)", False),
        ("non binding", False),
        ("not binding", False),
        ("from me", None),
        (None, None),
    ],
)
def test_declared_binding(note: str | None, declared: bool | None) -> None:
    assert declared_binding(note) is declared
