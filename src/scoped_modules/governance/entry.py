"""One entry read from vote evidence: a mail, a GitHub comment or a TOML ballot.

Readers (``mbox``, ``github``, ``toml_ballots``) produce entries; ``tally`` decides which of them
are counted ballots and why the others are ignored. Entries are plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import ScopedError


class EvidenceError(ScopedError):
    """An evidence file in no known format, or with mistakes; messages name the file (exit 2)."""


# Reasons an entry is not a counted ballot, in the order SPEC §6 applies them.
REASONS = (
    "unreadable",
    "duplicate",
    "other-thread",
    "result-post",
    "bot",
    "template",
    "quoted",
    "no-vote",
    "outside-window",
    "edited-after-close",
    "superseded",
)


@dataclass(slots=True)
class Entry:
    kind: str  # "mail", "github" or "toml"
    key: str  # identity for duplicate detection ("mail:<Message-ID>", "github:<id>", ...)
    source: str  # PATH#Message-ID, the comment's html_url, or the TOML ballot's source
    at: datetime | None  # the ballot's time (UTC); None when unreadable
    author: str  # the author as written ("Name <addr>", login, voter)
    file: str  # the evidence path the entry was read from
    file_index: int = 0  # position of the file among the evidence files
    body: str | None = None  # message or comment text (mail, github)
    email: str | None = None  # mail: From address
    name: str | None = None  # mail: display name ("Name via list" already reduced to "Name")
    login: str | None = None  # github: user.login
    voter: str | None = None  # toml: voter handle
    value: str | None = None  # toml: "+1", "0" or "-1"
    note: str | None = None  # toml: free text kept as the ballot's note
    bot: bool = False  # the reader knows the author is a bot (GitHub Bot, notification relay)
    updated_at: datetime | None = None  # github: last edit
    flag: str | None = (
        None  # a reason the reader already knows: unreadable, other-thread, result-post
    )
    problem: str | None = None  # why the entry is unreadable
    subject: str | None = None  # mail: decoded Subject
    message_id: str | None = None  # mail: Message-ID without angle brackets
    parents: tuple[str, ...] = ()  # mail: In-Reply-To and References ids
    archived_at: str | None = None  # mail: Archived-At link
    line: int = 0  # toml: line of the ballot in its file

    @property
    def order(self) -> tuple[int, int | str]:
        """Tie-break between ballots of equal time, on content only (never the evidence file's
        name or position): GitHub comment ids as integers, else the identity ``key`` (the
        Message-ID or the sha256 of a mail's bytes, a TOML ballot's voter, vote and time)."""
        if self.kind == "github":
            try:
                return (0, int(self.key.partition(":")[2]))
            except ValueError:
                pass
        return (1, self.key)
