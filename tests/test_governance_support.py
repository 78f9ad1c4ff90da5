"""Builders for the governance tests: real mail archives (stdlib ``email`` + ``mailbox.mbox``),
GitHub comment exports in the REST shape, TOML ballots and a registry with a roster.

No tests here; the ``test_governance_*`` modules import these helpers.
"""

from __future__ import annotations

import email.charset
import json
import mailbox
from datetime import UTC, datetime
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from helpers import person

OPENED = datetime(2022, 6, 1, tzinfo=UTC)
CLOSES = datetime(2022, 6, 8, tzinfo=UTC)
NOW = datetime(2022, 7, 1, tzinfo=UTC)
SUBJECT = "[VOTE] Establish UMA as an S0 module"
TEMPLATE = """Hi all,

please vote on establishing UMA as an S0 module.

[ ] +1 establish UMA
[ ] 0 no opinion
[ ] -1 do not establish, because...

The vote is open for 7 days.
"""


def at(day: int, hour: int = 10, month: int = 6) -> datetime:
    return datetime(2022, month, day, hour, tzinfo=UTC)


def mail(
    sender: tuple[str, str],
    body: str,
    when: datetime,
    msgid: str | None,
    subject: str = "Re: " + SUBJECT,
    parent: str | None = "root@lists",
    references: list[str] | None = None,
    html: str | None = None,
    charset: str = "utf-8",
    encoding: str | None = None,
    extra: dict[str, str] | None = None,
) -> MIMEText | MIMEMultipart:
    """A mail as a list archive holds it; ``encoding`` is 'quoted-printable' or 'base64'."""
    c = email.charset.Charset(charset)
    if encoding:
        c.body_encoding = (
            email.charset.QP if encoding == "quoted-printable" else email.charset.BASE64
        )
    text = MIMEText(body, "plain", c)
    msg: MIMEText | MIMEMultipart
    if html is not None:
        msg = MIMEMultipart("alternative")
        msg.attach(text)
        msg.attach(MIMEText(html, "html", "utf-8"))
    else:
        msg = text
    msg["From"] = formataddr(sender)
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    msg["Date"] = format_datetime(when)
    if msgid:
        msg["Message-ID"] = f"<{msgid}>"
    if parent:
        msg["In-Reply-To"] = f"<{parent}>"
        msg["References"] = " ".join(f"<{r}>" for r in (references or [parent]))
    for k, v in (extra or {}).items():
        msg[k] = v
    return msg


def html_only(sender: tuple[str, str], html: str, when: datetime, msgid: str) -> MIMEText:
    msg = MIMEText(html, "html", "utf-8")
    msg["From"] = formataddr(sender)
    msg["Subject"] = "Re: " + SUBJECT
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{msgid}>"
    msg["In-Reply-To"] = "<root@lists>"
    return msg


def write_mbox(path: Path, messages: list[Any], raw_tail: bytes | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.mbox(str(path), create=True)
    box.lock()
    try:
        for m in messages:
            box.add(m)
        box.flush()
    finally:
        box.unlock()
        box.close()
    if raw_tail:
        with path.open("ab") as fh:
            fh.write(raw_tail)
    return path


def comment(
    cid: int,
    login: str,
    body: str,
    created: datetime,
    updated: datetime | None = None,
    user_type: str = "User",
    issue: int = 60,
) -> dict[str, Any]:
    return {
        "id": cid,
        "html_url": f"https://github.com/apache/tvm-rfcs/pull/{issue}#issuecomment-{cid}",
        "user": {"login": login, "id": cid * 7, "type": user_type},
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updated_at": (updated or created).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": body,
        "author_association": "MEMBER",
    }


def write_json(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


# The roster: five PMC members at the opening (p1-p5), p6 joins the PMC during the vote, four
# committers who own the module (c1-c4), two people sharing the alias "Sam", and a bot.
PMC_2020 = ("pmc", "2020-01-01")
COMMITTER_2020 = ("committer", "2020-01-01")
PEOPLE = (
    "\n"
    + (
        person("p1", name="Ada Lovelace", emails=["ada@example.org"], roles=[PMC_2020])
        + person("p2", name="Jürgen Müller", emails=["jm@example.org"], roles=[PMC_2020])
        + person("p3", name="Pat Three", emails=["pat@example.org"], roles=[PMC_2020])
        + person("p4", name="Quinn Four", emails=["quinn@example.org"], roles=[PMC_2020])
        + person(
            "p5", name="Robin Five", emails=["robin@example.org"], roles=[("pmc", "2021-01-01")]
        )
        + person(
            "p6",
            name="Sasha Six",
            emails=["sasha@example.org"],
            roles=[("committer", "2019-01-01"), ("pmc", "2022-06-03")],
        )
        + "".join(
            person(f"c{i}", name=f"Cee {n}", emails=[f"c{i}@example.org"], roles=[COMMITTER_2020])
            for i, n in enumerate(["One", "Two", "Three", "Four"], 1)
        )
        + person("s1", name="Samuel One", aliases=["Sam"])
        + person("s2", name="Samantha Two", aliases=["Sam"])
        + person("ci-helper", emails=["ci@example.org"], bot=True)
    ).rstrip("\n")
    + "\n"
)


def registry_text(decisions: str = "", stage: str = "proposed", extra: str = "") -> str:
    return f"""schema = 1

# the project's registry
[project]
name = "demo"

[activity]
bots = ["*[bot]", "*-archiver"]
{PEOPLE}
{extra}
[modules.uma]
stage = "{stage}"   # keep this comment
paths = ["uma/"]
owners = ["c1", "c2", "c3", "c4"]
champion = "p1"
{decisions}"""


def ballots_toml(rows: list[dict[str, str]]) -> str:
    out = []
    for r in rows:
        out.append("[[ballot]]")
        for k, v in r.items():
            out.append(f"{k} = {v}" if k == "at" else f"{k} = {json.dumps(v)}")
        out.append("")
    return "\n".join(out)


def vote_mails() -> list[Any]:
    """The thread of the reference scenario (see test_governance_e2e)."""
    p3 = ("Pat Three", "pat@example.org")
    return [
        mail(
            ("Cee One", "c1@example.org"),
            TEMPLATE,
            at(1, 1),
            "root@lists",
            subject=SUBJECT,
            parent=None,
        ),
        # p1: multipart/alternative, quoted-printable, with a UTF-8 name in an encoded header
        mail(
            ("Ada Lovelace", "ada@example.org"),
            "+1 (binding)\n\nGreat work — thanks!\n",
            at(1, 12),
            "p1@mail",
            html="<p>+1 (binding)</p><p>Great work</p>",
            encoding="quoted-printable",
        ),
        # p2: Latin-1, base64, address not in the roster (resolved by display name), quoting p1
        mail(
            ("Jürgen Müller", "juergen@private.example"),
            "+1 für mich\n\nOn Wed, Jun 1, 2022 at 12:00 PM Ada Lovelace <ada@example.org> wrote:\n"
            "> +1 (binding)\n",
            at(2),
            "p2@mail",
            charset="iso-8859-1",
            encoding="base64",
            references=["root@lists", "p1@mail"],
            parent="p1@mail",
        ),
        # p3 only agrees above a quote: the only vote line is quoted
        mail(
            p3,
            "Agreed with Ada.\n\n> +1 (binding)\n",
            at(2, 11),
            "p3a@mail",
            parent="p1@mail",
            references=["root@lists", "p1@mail"],
        ),
        # p4 changes a -1 into a +1
        mail(("Quinn Four", "quinn@example.org"), "-1, needs more docs\n", at(2, 12), "p4a@mail"),
        mail(("Quinn Four", "quinn@example.org"), "+1\n\nDocs are there now.\n", at(4), "p4b@mail"),
        # p5 through the list's rewritten sender
        mail(("Robin Five via dev", "dev@tvm.apache.org"), "+1\n", at(3), "p5@mail"),
        # c1's own vote; c2 is no PMC member but says binding
        mail(("Cee One", "c1@example.org"), "+1 from me as an owner\n", at(1, 13), "c1@mail"),
        mail(("Cee Two", "c2@example.org"), "+1 (binding)\n", at(2, 14), "c2@mail"),
        # p6 became PMC on 2022-06-03, after the opening
        mail(("Sasha Six", "sasha@example.org"), "+1 (binding)\n", at(5), "p6@mail"),
        # "Sam" names two people: non-binding and flagged
        mail(("Sam", "sam@elsewhere.example"), "+1\n", at(5, 12), "sam@mail"),
        # a GitHub notification relaying a vote
        mail(
            ("Cee Three", "notifications@github.com"),
            "+1\n\n-- \nReply to this email directly",
            at(3, 15),
            "relay@github",
            extra={"X-GitHub-Sender": "c3"},
        ),
        # late: after closes
        mail(p3, "+1, sorry for being late\n", at(9), "p3late@mail"),
        # a [RESULT] post in the thread, and a message of another thread
        mail(
            ("Cee One", "c1@example.org"),
            "+1 passed\n",
            at(8, 12),
            "result@mail",
            subject="[RESULT]" + SUBJECT,
        ),
        mail(
            ("Pat Three", "pat@example.org"),
            "-1\n",
            at(2, 9),
            "other@mail",
            subject="[DISCUSS] Something else",
            parent=None,
        ),
    ]


def truncated_message() -> bytes:
    """A multipart message cut off before its closing boundary (as a broken archive has it)."""
    return (
        b"From pat@example.org Thu Jun  2 08:00:00 2022\n"
        b"From: Pat Three <pat@example.org>\n"
        b"Subject: Re: " + SUBJECT.encode() + b"\n"
        b"Date: Thu, 02 Jun 2022 08:00:00 +0000\n"
        b"Message-ID: <broken@mail>\n"
        b"In-Reply-To: <root@lists>\n"
        b'Content-Type: multipart/alternative; boundary="XYZ"\n'
        b"\n"
        b"--XYZ\n"
        b"Content-Type: text/plain\n"
        b"\n"
        b"-1 (binding)\n"
    )


def github_pages() -> list[list[dict[str, Any]]]:
    return [
        [
            comment(1001, "c3", "+1 LGTM", at(2, 16)),
            comment(1002, "dependabot[bot]", "+1", at(2, 17), user_type="Bot"),
        ],
        [
            comment(1003, "p3", "+1", at(3, 9), updated=at(10)),  # edited after the close
            comment(1004, "visitor", "+1 excited to try this", at(3, 10)),
        ],
    ]
