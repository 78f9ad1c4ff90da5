"""Reading a vote from the text of a mail or a comment (SPEC §6, "Reading a ballot", rules 1-3).

Pure functions over strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# "On Mon, 1 Jun 2022 at 10:00, Alice <a@x.org> wrote:" and a few localised forms; the line may
# wrap, so the verb is looked for on the attribution line and the two after it.
_ATTRIBUTION_START = re.compile(r"(On|Am|Le|El|Il|Op|Em|W dniu)\s\S")
_ATTRIBUTION_END = re.compile(
    r"\b(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|napisał|skrev)"
    r"\b[^:]*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine)"
    r"\s*-{2,}",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"\*?(From|Von|De)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"\*?(Sent|Gesendet|Envoyé|Date)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_RULE = re.compile(r"_{10,}\s*$")

_BULLET = re.compile(r"[-*+]\s+")
_CHECKED = re.compile(r"\[[xX✓✔]\]\s*")
_UNCHECKED = re.compile(r"\[\s?\]\s*")
_VOTE = re.compile(r"([+\-\u2212][01]|0)")
# "+1 (555) 123-4567" in a signature is a telephone number, not a vote
_PHONE = re.compile(r"\+1[\s.\-]*\(?\d{3}\)?[\s.\-]*\d{3}[\s.\-]*\d{4}\b")
_DECLARED = re.compile(r"\b(non[-\s]?|not\s+)?binding\b", re.IGNORECASE)

_FIRST = frozenset("+-\u22120*[")  # what a vote line can start with
VALUES = {"+1": "+1", "-1": "-1", "\u22121": "-1", "+0": "0", "-0": "0", "\u22120": "0", "0": "0"}


@dataclass(frozen=True, slots=True)
class VoteRead:
    status: str  # "vote", "template", "quoted" or "no-vote"
    value: str | None = None  # "+1", "0" or "-1"
    note: str | None = None  # the rest of the vote line, e.g. "(binding)"
    line: str | None = None  # the line the status was decided on (for excerpts)


def _is_attribution(lines: list[str], i: int, stripped: str) -> bool:
    if _ORIGINAL.match(stripped):
        return True
    if _ATTRIBUTION_START.match(stripped):
        joined = stripped
        for k in range(i + 1, min(i + 3, len(lines))):
            if _ATTRIBUTION_END.search(joined):
                break
            nxt = lines[k].strip()
            if not nxt:
                break
            joined += " " + nxt
        return bool(_ATTRIBUTION_END.search(joined))
    if _OUTLOOK_RULE.match(stripped) or _OUTLOOK_FROM.match(stripped):
        window = [ln.strip() for ln in lines[i : i + 6]]
        start = 1 if _OUTLOOK_RULE.match(stripped) else 0
        if start and not (len(window) > 1 and _OUTLOOK_FROM.match(window[1])):
            return False
        return any(_OUTLOOK_SENT.match(w) for w in window[start + 1 :])
    return False


def _classified(text: str) -> Iterator[tuple[bool, str]]:
    """``(quoted, line)`` for each line, lazily: lines starting with ``>`` and everything from an
    attribution line onward are quoted; a signature (after a ``-- `` line) is dropped."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith(">"):
            yield True, s.lstrip("> \t")
            continue
        if s == "--":
            return
        if s and s[0] in _ATTRIBUTION_FIRST and _is_attribution(lines, i, s):
            for rest in lines[i + 1 :]:
                yield True, rest.strip().lstrip("> \t")
            return
        yield False, line


_ATTRIBUTION_FIRST = frozenset("O-F_*AVDLEIWa")


def split_quoted(text: str) -> tuple[list[str], list[str]]:
    """The author's own lines, and the quoted ones (``>`` prefixes removed)."""
    own: list[str] = []
    quoted: list[str] = []
    for is_quoted, line in _classified(text):
        (quoted if is_quoted else own).append(line)
    return own, quoted


def read_line(line: str) -> tuple[str, str | None, str | None]:
    """Classify one line: ``("vote", value, note)``, ``("template", value, None)`` or ``("", ...)``."""
    s = line.strip()
    if not s or s[0] not in _FIRST:
        return "", None, None
    m = _BULLET.match(s)
    if m:
        s = s[m.end() :]
    template = False
    m = _CHECKED.match(s)
    if m:
        s = s[m.end() :]
    else:
        m = _UNCHECKED.match(s)
        if m:
            s = s[m.end() :]
            template = True
    m = _VOTE.match(s)
    if not m:
        return "", None, None
    token = m.group(1)
    rest = s[m.end() :]
    nxt = rest[:1]
    if token == "0":
        ok = (
            not nxt
            or rest.lstrip()[:1] == "("
            or (not nxt.isalnum() and not nxt.isspace() and not _decimal(rest))
        )
    else:
        ok = not nxt or nxt.isspace() or (not nxt.isalnum() and not _decimal(rest))
    if not ok:
        return "", None, None
    if token == "+1" and _PHONE.match(s):
        return "", None, None
    value = VALUES[token]
    if template:
        return "template", value, None
    note = rest.strip().lstrip(",;:").strip() or None
    return "vote", value, note


def _decimal(rest: str) -> bool:
    """``.5`` after the token: ``+0.5`` is not a vote (``+1.`` at the end of a sentence is)."""
    return rest[:1] == "." and rest[1:2].isdigit()


def read_vote(text: str) -> VoteRead:
    """The vote of a message or comment body (SPEC §6 rules 1-3)."""
    first = text.split("\n", 1)[0]
    if first[:1] in _FIRST:  # fast path: most ballots start with their vote
        kind, value, note = read_line(first)
        if kind == "vote":
            return VoteRead("vote", value, note, first.strip())
    template_line: str | None = None
    quoted_vote: str | None = None
    for is_quoted, line in _classified(text):
        if line.lstrip()[:1] not in _FIRST:
            continue
        kind, value, note = read_line(line)
        if is_quoted:
            if kind == "vote" and quoted_vote is None:
                quoted_vote = line.strip()
        elif kind == "vote":
            return VoteRead("vote", value, note, line.strip())
        elif kind == "template" and template_line is None:
            template_line = line.strip()
    if template_line is not None:
        return VoteRead("template", line=template_line)
    if quoted_vote is not None:
        return VoteRead("quoted", line=quoted_vote)
    return VoteRead("no-vote")


def declared_binding(note: str | None) -> bool | None:
    """True for "(binding)", False for "(non-binding)", None when nothing is declared."""
    if not note:
        return None
    m = _DECLARED.search(note)
    if not m:
        return None
    return not m.group(1)
