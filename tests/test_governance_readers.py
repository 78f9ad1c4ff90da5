"""Evidence readers: mbox archives with real MIME, GitHub exports, TOML ballots, format detection."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from test_governance_support import (
    SUBJECT,
    at,
    comment,
    github_pages,
    html_only,
    mail,
    truncated_message,
    vote_mails,
    write_mbox,
)

from scoped_modules.errors import ScopedError
from scoped_modules.governance.evidence import EvidenceError, detect, read_evidence, read_file
from scoped_modules.governance.mbox import normalize_subject, parse_date, read_mbox


def _mbox_bytes(tmp_path: Path, messages: list, tail: bytes | None = None) -> bytes:
    n = len(list(tmp_path.glob("*.mbox")))
    return write_mbox(tmp_path / f"{n}.mbox", messages, tail).read_bytes()


def by_id(entries: list) -> dict:
    return {e.message_id: e for e in entries}


def test_mbox_mime_structures_and_encodings(tmp_path: Path) -> None:
    data = _mbox_bytes(tmp_path, vote_mails())
    entries = by_id(read_mbox(data, "a.mbox"))
    # multipart/alternative with quoted-printable: the text/plain part is read
    assert entries["p1@mail"].body.startswith("+1 (binding)\n\nGreat work — thanks!")
    # base64 in ISO-8859-1 with an RFC 2047 encoded display name
    p2 = entries["p2@mail"]
    assert p2.name == "Jürgen Müller"
    assert p2.body.startswith("+1 für mich")
    assert p2.email == "juergen@private.example"
    # "Name via list" gives the name
    assert entries["p5@mail"].name == "Robin Five"
    # GitHub relays are bots
    assert entries["relay@github"].bot
    assert entries["result@mail"].flag == "result-post"
    assert entries["p1@mail"].at == at(1, 12)
    assert entries["p1@mail"].source == "a.mbox#p1@mail"


def test_html_only_mail_is_stripped_and_blockquotes_are_quoted(tmp_path: Path) -> None:
    html = (
        "<html><head><style>p{}</style></head><body><div>+1 &amp; thanks</div>"
        "<div class=gmail_quote>On Wed, Ada wrote:<br><blockquote><p>-1</p></blockquote></div>"
        "</body></html>"
    )
    data = _mbox_bytes(tmp_path, [html_only(("Ada", "ada@example.org"), html, at(2), "h@x")])
    (e,) = read_mbox(data, "a.mbox")
    assert e.body.splitlines()[0] == "+1 & thanks"
    assert "> -1" in e.body


def test_truncated_message_is_unreadable_not_fatal(tmp_path: Path) -> None:
    data = _mbox_bytes(tmp_path, vote_mails()[:3], b"\n" + truncated_message())
    entries = read_mbox(data, "a.mbox")
    assert len(entries) == 4
    broken = by_id(entries)["broken@mail"]
    assert broken.flag == "unreadable"
    assert "closing boundary" in broken.problem


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"From x Thu Jun  2 08:00:00 2022\nFrom: a@b.c\nSubject: hi\n\n+1\n", "Date"),
        (b"From x Thu Jun  2 08:00:00 2022\nDate: Thu, 02 Jun 2022 08:00:00 +0000\n\n+1\n", "From"),
        (
            b"From x Thu Jun  2 08:00:00 2022\nFrom: a@b.c\nDate: Thu, 02 Jun 2022 08:00:00 +0000\n"
            b"Content-Transfer-Encoding: base64\n\nK0=x\n",
            "base64",
        ),
        (
            b"From x Thu Jun  2 08:00:00 2022\nFrom: a@b.c\nDate: Thu, 02 Jun 2022 08:00:00 +0000\n"
            b"Content-Type: multipart/mixed\n\n--x\n\n+1\n--x--\n",
            "boundary",
        ),
    ],
)
def test_broken_messages(raw: bytes, why: str) -> None:
    (e,) = read_mbox(raw, "a.mbox")
    assert e.flag == "unreadable"
    assert why in e.problem


def test_unknown_charset_and_8bit_headers_do_not_crash() -> None:
    raw = (
        b"From x Thu Jun  2 08:00:00 2022\n"
        b"From: J\xfcrgen <j@example.org>\n"
        b"Subject: Re: [VOTE] x =?bogus?q?zz?=\n"
        b"Date: Thu, 02 Jun 2022 08:00:00 +0200\n"
        b"Content-Type: text/plain; charset=x-unknown-thing\n\n+1 \xff\xfe\n"
    )
    (e,) = read_mbox(raw, "a.mbox")
    assert e.flag is None
    assert e.body.startswith("+1")
    assert e.name == "Jürgen"
    assert e.at == at(2, 6)


def test_mboxrd_escaped_from_lines_stay_in_the_body() -> None:
    raw = (
        b"From a@b.c Thu Jun  2 08:00:00 2022\nFrom: a@b.c\nDate: Thu, 02 Jun 2022 08:00:00 +0000\n"
        b"Message-ID: <1@x>\n\n+1\n>From my point of view\n\n"
        b"From b@b.c Thu Jun  2 09:00:00 2022\nFrom: b@b.c\nDate: Thu, 02 Jun 2022 09:00:00 +0000\n"
        b"Message-ID: <2@x>\n\n-1\n"
    )
    entries = read_mbox(raw, "a.mbox")
    assert [e.message_id for e in entries] == ["1@x", "2@x"]
    assert "From my point of view" in entries[0].body


def test_pipermail_obfuscated_sender() -> None:
    raw = (
        b"From ada at example.org  Thu Jun  2 08:00:00 2022\n"
        b"From: ada at example.org (Ada Lovelace)\nDate: Thu, 02 Jun 2022 08:00:00 +0000\n\n+1\n"
    )
    (e,) = read_mbox(raw, "a.mbox")
    assert (e.email, e.name) == ("ada@example.org", "Ada Lovelace")


def test_dates() -> None:
    assert parse_date("Thu, 02 Jun 2022 10:00:00 -0500") == at(2, 15)
    assert parse_date("2 Jun 2022 10:00 +0000") == at(2, 10)
    assert parse_date("Thu, 02 Jun 2022 10:00:00 -0000 (UTC)") == at(2, 10)
    assert parse_date("Thu, 2 Jun 22 10:00:00 GMT") == at(2, 10)
    assert parse_date("yesterday") is None


def test_subject_normalisation() -> None:
    assert normalize_subject("Re: AW: [dev] [VOTE] Establish UMA") == "[vote] establish uma"
    assert normalize_subject("[apache/tvm] Re: [VOTE]  Establish   UMA") == "[vote] establish uma"
    assert normalize_subject("[RESULT][VOTE] Establish UMA").startswith("[result][vote]")


def test_thread_selection(tmp_path: Path) -> None:
    data = _mbox_bytes(tmp_path, vote_mails())
    ev = read_evidence([("a.mbox", data)])
    flags = {e.message_id: e.flag for e in ev.entries}
    assert flags["other@mail"] == "other-thread"
    assert flags["p1@mail"] is None
    assert ev.threads == ["a.mbox#root@lists"]
    assert ev.subjects == [SUBJECT]


def test_thread_by_subject_when_headers_are_missing(tmp_path: Path) -> None:
    msgs = [
        mail(("A", "a@x.org"), "please vote", at(1), "root@x", subject=SUBJECT, parent=None),
        mail(("B", "b@x.org"), "+1", at(2), "b@x", subject="Re: " + SUBJECT, parent=None),
        mail(
            ("C", "c@x.org"), "+1", at(2), "c@x", subject="Re: [VOTE] something else", parent=None
        ),
        # a reply to a message that is not in the archive, with the thread's subject
        mail(("D", "d@x.org"), "+1", at(3), "d@x", parent="missing@x"),
    ]
    with pytest.raises(ScopedError, match="--subject"):
        # "Re: [VOTE] something else" has no root in the archive, yet it is another vote thread
        read_evidence(
            [
                (
                    "a.mbox",
                    _mbox_bytes(
                        tmp_path,
                        msgs
                        + [
                            mail(
                                ("E", "e@x.org"),
                                "x",
                                at(1),
                                "root2@x",
                                subject="[VOTE] something else",
                                parent=None,
                            )
                        ],
                    ),
                )
            ]
        )
    ev = read_evidence([("a.mbox", _mbox_bytes(tmp_path, msgs))])
    flags = {e.message_id: e.flag for e in ev.entries}
    assert flags == {"root@x": None, "b@x": None, "c@x": "other-thread", "d@x": None}


def test_several_vote_roots_need_subject(tmp_path: Path) -> None:
    msgs = [
        mail(
            ("A", "a@x.org"), "vote 1", at(1), "r1@x", subject="[VOTE] Establish UMA", parent=None
        ),
        mail(("A", "a@x.org"), "vote 2", at(1), "r2@x", subject="[VOTE] Release 1.0", parent=None),
        mail(("B", "b@x.org"), "+1", at(2), "b@x", subject="Re: [VOTE] Release 1.0", parent="r2@x"),
    ]
    data = _mbox_bytes(tmp_path, msgs)
    with pytest.raises(ScopedError) as exc:
        read_evidence([("a.mbox", data)])
    assert "2 [VOTE] threads" in str(exc.value) and "--subject" in str(exc.value)
    ev = read_evidence([("a.mbox", data)], subject="release 1.0")
    flags = {e.message_id: e.flag for e in ev.entries}
    assert flags == {"r1@x": "other-thread", "r2@x": None, "b@x": None}


def test_thread_spanning_two_monthly_archives(tmp_path: Path) -> None:
    june = _mbox_bytes(tmp_path, vote_mails()[:2])
    july = write_mbox(
        tmp_path / "b.mbox",
        [
            mail(
                ("B", "b@x.org"),
                "+1",
                at(1, month=7),
                "late@x",
                parent="p1@mail",
                references=["root@lists", "p1@mail"],
            )
        ],
    ).read_bytes()
    ev = read_evidence([("june.mbox", june), ("july.mbox", july)])
    assert all(e.flag != "other-thread" for e in ev.entries)
    # the July archive alone: the root is missing, replies to one [VOTE] subject form the thread
    ev = read_evidence([("july.mbox", july)])
    assert [e.flag for e in ev.entries] == [None]


def test_github_export_pages_bots_and_edits() -> None:
    data = json.dumps(github_pages()).encode()
    fmt, entries = read_file(data, "c.json")
    assert fmt == "github"
    assert [e.key for e in entries] == ["github:1001", "github:1002", "github:1003", "github:1004"]
    assert entries[1].bot
    assert entries[2].updated_at == at(10)
    assert entries[0].source.endswith("#issuecomment-1001")


def test_github_comment_missing_fields_is_unreadable() -> None:
    good = comment(1, "a", "+1", at(2))
    bad = {"id": 2, "body": "+1", "user": None, "created_at": "2022-06-02T10:00:00"}
    _, entries = read_file(json.dumps([good, bad]).encode(), "c.json")
    assert entries[1].flag == "unreadable"
    assert "user.login" in entries[1].problem and "created_at" in entries[1].problem


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"comments": []}', "not a GitHub issue-comments export"),
        (b"[1, 2, 3]", "not comment objects"),
        (b"hello world\n", "in no known format"),
        (b"", "empty file"),
        (b"\x00\x01\x02binary", "binary"),
        (b"[project]\nname = 1\n", "TOML without [[ballot]]"),
        (b"[[ballot]]\nvoter = \n", "not valid TOML"),
    ],
)
def test_files_in_no_known_format(content: bytes, message: str) -> None:
    with pytest.raises(EvidenceError) as exc:
        detect(content, "votes/x.dat")
    assert str(exc.value).startswith("votes/x.dat: ")
    assert message in str(exc.value)


def test_gzip_archives_are_read(tmp_path: Path) -> None:
    data = gzip.compress(_mbox_bytes(tmp_path, vote_mails()[:2]))
    fmt, entries = read_file(data, "a.mbox.gz")
    assert fmt == "mbox" and len(entries) == 2


def test_toml_ballots() -> None:
    text = (
        '[[ballot]]\nvoter = "p1"\nvote = "+1"\nat = 2022-06-02T10:00:00Z\n'
        'source = "https://lists.apache.org/thread/x"\nnote = "(binding)"\n\n'
        '[[ballot]]\nvoter = "p2"\nvote = -1\nat = 2022-06-03\n'
    )
    fmt, entries = read_file(text.encode(), "b.toml")
    assert fmt == "toml"
    assert [(e.voter, e.value, e.at, e.source) for e in entries] == [
        ("p1", "+1", at(2), "https://lists.apache.org/thread/x"),
        ("p2", "-1", at(3, 0), "b.toml#ballot-2"),
    ]
    assert entries[1].line == 8


def test_toml_ballot_mistakes_name_file_line_and_entry() -> None:
    text = (
        '[[ballot]]\nvoter = "p1"\nvote = "+2"\nat = 2022-06-02T10:00:00Z\n\n'
        '[[ballot]]\nvoter = "p2"\nvote = "+1"\nat = 2022-06-02T10:00:00\nsorce = "x"\n'
    )
    with pytest.raises(EvidenceError) as exc:
        read_file(text.encode(), "votes/b.toml")
    problems = exc.value.problems
    assert any(
        p.startswith("votes/b.toml:3:1: ballot 1: unknown vote value '+2'") for p in problems
    )
    assert any(
        p.startswith("votes/b.toml:9:1: ballot 2: datetime") and "no offset" in p for p in problems
    )
    assert any("unknown key 'sorce' (did you mean 'source'?)" in p for p in problems)


def test_unescaped_from_line_in_a_body_is_not_a_separator() -> None:
    raw = (
        b"From a@b.c Thu Jun  2 08:00:00 2022\nFrom: a@b.c\nDate: Thu, 02 Jun 2022 08:00:00 +0000\n"
        b"Message-ID: <1@x>\n\n+1\n\nFrom here on it gets better.\nReally.\n"
    )
    (e,) = read_mbox(raw, "a.mbox")
    assert "From here on it gets better." in e.body


def test_broken_json_says_so() -> None:
    data = json.dumps(github_pages()).encode() + b"\n# tamper\n"
    with pytest.raises(EvidenceError, match=r"^c\.json: not valid JSON \(Extra data"):
        detect(data, "c.json")


# Issue 13 defect 8: datetimes that leave the representable range once converted to UTC.
YEAR_ONE = "0001-01-01T00:00:00+01:00"  # 31 December of year 0 in UTC
YEAR_MAX = "9999-12-31T23:00:00-05:00"  # year 10000 in UTC


@pytest.mark.parametrize("date", ["Mon, 1 Jan 0001 00:00:00 +0100", "Fri, 31 Dec 9999 23:00 -0500"])
def test_mail_date_out_of_range_is_unreadable(date: str) -> None:
    raw = (
        b"From a@b.c Thu Jun  2 08:00:00 2022\nFrom: A <a@b.c>\nSubject: Re: [VOTE] x\n"
        b"Date: " + date.encode() + b"\nMessage-ID: <1@x>\n\n+1\n"
    )
    assert parse_date(date) is None
    (e,) = read_mbox(raw, "a.mbox")
    assert e.flag == "unreadable" and "Date" in (e.problem or "")


@pytest.mark.parametrize("field", ["created_at", "updated_at"])
@pytest.mark.parametrize("value", [YEAR_ONE, YEAR_MAX])
def test_github_time_out_of_range_is_unreadable(field: str, value: str) -> None:
    c = comment(1, "p1", "+1", at(2))
    c[field] = value
    fmt, (e,) = read_file(json.dumps([c]).encode(), "c.json")
    assert fmt == "github" and e.flag == "unreadable" and field in (e.problem or "")


@pytest.mark.parametrize("value", [YEAR_ONE, YEAR_MAX])
def test_toml_ballot_time_out_of_range_names_file_line_and_column(value: str) -> None:
    text = f'[[ballot]]\nvoter = "p1"\nvote = "+1"\n  at = {value}\n'
    with pytest.raises(EvidenceError) as exc:
        read_file(text.encode(), "b.toml")
    (problem,) = exc.value.problems
    assert problem.startswith("b.toml:4:3: ballot 1: ") and "out of range" in problem


# Issue 13 defect 10: deeply nested arrays in a ballot file are an error naming the file.
def test_deeply_nested_ballot_file_is_a_clear_error() -> None:
    deep = "[" * 3000 + "]" * 3000
    text = f'[[ballot]]\nvoter = "p1"\nvote = "+1"\nat = 2022-06-02\nnote = {deep}\n'
    with pytest.raises(EvidenceError) as exc:
        read_file(text.encode(), "b.toml")
    (problem,) = exc.value.problems
    assert problem.startswith("b.toml:5:") and "nested too deeply" in problem


# Issue 14 item 3: a gzip bomb is refused once the decompressed size passes the cap.
def test_gzip_bomb_is_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = gzip.compress(
        b"From a@b.c Thu Jun  2 08:00:00 2022\nFrom: a@b.c\n\n" + b"\0" * (3 << 20)
    )
    assert len(bomb) < 10_000
    monkeypatch.setenv("SCOPED_MAX_EVIDENCE_BYTES", str(1 << 20))
    with pytest.raises(EvidenceError, match=r"^v\.mbox\.gz: too large: more than 1048576 bytes"):
        detect(bomb, "v.mbox.gz")
    monkeypatch.setenv("SCOPED_MAX_EVIDENCE_BYTES", str(4 << 20))
    assert detect(bomb, "v.mbox.gz").format == "mbox"  # under a higher cap it is read
    multi = gzip.compress(b"a" * (600 << 10)) + gzip.compress(b"b" * (600 << 10))
    monkeypatch.setenv("SCOPED_MAX_EVIDENCE_BYTES", str(1 << 20))
    with pytest.raises(EvidenceError, match="too large"):  # members add up
        detect(multi, "m.gz")
