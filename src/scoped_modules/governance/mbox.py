"""Mail archives (mbox) as mailing-list archives export them, and the vote's thread in them.

The parser is written for speed (a month of a busy list is tens of thousands of messages) and
for tolerance: a message that cannot be read is an ``unreadable`` entry, never an exception.
Headers are unfolded and RFC 2047-decoded; bodies are MIME-walked for the first ``text/plain``
part (else ``text/html``, stripped), with quoted-printable and base64 transfer encodings and any
charset Python knows (unknown ones are read as UTF-8 with replacement characters).
"""

from __future__ import annotations

import binascii
import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.utils import parseaddr, parsedate_to_datetime
from functools import lru_cache
from html.parser import HTMLParser

from ..errors import ScopedError
from .entry import Entry

# A "From " separator line: at the start of the file, after an empty line, or looking like one
_FROM_LINE = re.compile(rb"^From [^\n]*", re.MULTILINE)
_FROM_STRICT = re.compile(
    rb"From \S+\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)
_HEADER = re.compile(rb"[!-9;-~]+:")
_MBOXRD = re.compile(rb"^>(>*From )", re.MULTILINE)
_IDS = re.compile(r"<([^<>\s]+)>")
_ADDR = re.compile(r'\s*"?([^"<]*?)"?\s*<([^<>\s@]+@[^<>\s]+)>\s*\Z')
_PIPERMAIL = re.compile(r"\s*(\S+) at (\S+)\s*\((.*)\)\s*\Z")
_VIA_GITHUB = re.compile(r"\(?via GitHub\)?\s*\Z", re.IGNORECASE)
_VIA = re.compile(r"(.+?)\s+via\s+\S.*\Z", re.IGNORECASE)
_PARAM = re.compile(r';\s*([A-Za-z0-9_\-*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')
_REPLY_PREFIX = re.compile(
    r"\s*((re|fwd?|aw|wg|sv|antw|vs|tr|rif|r)\s*(\[\d+\])?\s*:|\[[^\]]*\])\s*", re.IGNORECASE
)
GOVERNANCE_TAGS = {
    "VOTE",
    "RESULT",
    "RESULTS",
    "DISCUSS",
    "DISCUSSION",
    "CANCEL",
    "CANCELED",
    "CANCELLED",
    "ANNOUNCE",
    "PROPOSAL",
    "RFC",
    "LAZY VOTE",
    "LAZY CONSENSUS",
    "NOTICE",
}

RELAY_ADDRESSES = {"notifications@github.com", "noreply@github.com", "git@apache.org"}
RELAY_DOMAINS = ("@reply.github.com",)
MAX_DEPTH = 8


class Unreadable(Exception):
    """A message that cannot be read; the text says why."""


def looks_like_mbox(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\r\n")
    if not head.startswith(b"From "):
        return False
    first_end = head.find(b"\n")
    rest = head[first_end + 1 :] if first_end >= 0 else b""
    return bool(_HEADER.match(rest)) or not rest


def split_mbox(data: bytes) -> list[bytes]:
    """The raw messages of an mbox, without their ``From `` separator lines."""
    starts: list[tuple[int, int]] = []
    first = len(data) - len(data.lstrip())
    for m in _FROM_LINE.finditer(data):
        pos = m.start()
        prefix = data[max(0, pos - 3) : pos]
        blank_before = prefix.endswith((b"\n\n", b"\n\r\n"))
        # an unescaped "From " line in a body is no separator: it must look like one, or be
        # followed by a header line
        if (
            pos == first
            or _FROM_STRICT.match(data, pos)
            or (blank_before and _HEADER.match(data, m.end() + 1))
        ):
            starts.append((pos, m.end()))
    out = []
    for i, (_, body_start) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(data)
        raw = data[body_start + 1 : end]
        out.append(raw)
    return out


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def _decode_words(value: str) -> str:
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # malformed encoded words: keep the text as written
        return value


_FOLD = re.compile(r"\n[ \t]+")


def _headers(block: bytes) -> dict[str, str]:
    """Unfolded headers (first occurrence of each name, names lower-cased)."""
    out: dict[str, str] = {}
    for line in _FOLD.sub(" ", _text(block)).split("\n"):
        name, colon, value = line.partition(":")
        if colon and name:
            key = name.strip().lower()
            if key not in out:
                out[key] = value.strip()
    return out


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    if raw.startswith(b"\n"):
        return b"", raw[1:]
    cut = raw.find(b"\n\n")
    if cut < 0:
        return raw, b""
    return raw[:cut], raw[cut + 2 :]


@lru_cache(maxsize=1024)
def _content_type(value: str | None) -> tuple[str, dict[str, str]]:
    if not value:
        return "text/plain", {}
    mtype, _, rest = value.partition(";")
    params = {}
    for m in _PARAM.finditer(";" + rest):
        v = m.group(2)
        if v.startswith('"') and v.endswith('"') and len(v) >= 2:
            v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params[m.group(1).lower()] = v
    return mtype.strip().lower() or "text/plain", params


def _decode_payload(body: bytes, cte: str | None) -> bytes:
    enc = (cte or "").strip().lower()
    if enc == "base64":
        try:
            return binascii.a2b_base64(body)
        except binascii.Error as exc:
            raise Unreadable(f"broken base64 body ({exc})") from None
    if enc == "quoted-printable":
        return binascii.a2b_qp(body)
    return body


def decode_charset(data: bytes, charset: str | None) -> str:
    cs = (charset or "").strip().strip('"').lower()
    if cs in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "default"):
        cs = "utf-8"
    try:
        return data.decode(cs)
    except LookupError:
        return _text(data)
    except UnicodeDecodeError:
        return data.decode(cs, errors="replace")


class _HTMLText(HTMLParser):
    """Visible text of an HTML body; ``<blockquote>`` content is marked as quoted with ``> ``."""

    BLOCK = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "hr", "pre"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.depth = 0
        self.skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.cur).split())
        if text:
            self.lines.append("> " * self.depth + text)
        self.cur = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self._flush()
            self.depth += 1
        elif tag in self.BLOCK:
            self._flush()
            if tag == "li":
                self.cur.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self._flush()
            self.depth = max(0, self.depth - 1)
        elif tag in self.BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.cur.append(data)


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; a failure leaves what was read
        pass
    parser._flush()
    return "\n".join(parser.lines)


def _body_text(headers: dict[str, str], body: bytes) -> str | None:
    """The first text/plain part, else the first text/html part stripped to text."""
    plain, html = _walk(headers, body, 0)
    if plain is not None:
        return plain
    if html is not None:
        return html_to_text(_decoded(*html))
    return None


_Part = tuple[dict[str, str], bytes, dict[str, str]]


def _decoded(headers: dict[str, str], body: bytes, params: dict[str, str]) -> str:
    payload = _decode_payload(body, headers.get("content-transfer-encoding"))
    return decode_charset(payload, params.get("charset"))


def _walk(headers: dict[str, str], body: bytes, depth: int) -> tuple[str | None, _Part | None]:
    """(decoded first text/plain, first text/html part not yet decoded)."""
    if depth > MAX_DEPTH:
        raise Unreadable("MIME parts nested too deeply")
    mtype, params = _content_type(headers.get("content-type"))
    if headers.get("content-disposition", "").lower().startswith("attachment"):
        return None, None
    if mtype.startswith("multipart/"):
        boundary = params.get("boundary")
        if not boundary:
            raise Unreadable("multipart message without a boundary")
        html = None
        for part in _split_multipart(body, boundary.encode("utf-8", "replace")):
            ph, pb = _split_head(part)
            p_plain, p_html = _walk(_headers(ph), pb, depth + 1)
            if p_plain is not None:
                return p_plain, None
            html = html or p_html
        return None, html
    if mtype == "text/plain" or "/" not in mtype:
        return _decoded(headers, body, params), None
    if mtype == "text/html":
        return None, (headers, body, params)
    return None, None


def _split_multipart(body: bytes, boundary: bytes) -> list[bytes]:
    """The parts between ``--boundary`` lines; Unreadable without the closing ``--boundary--``."""
    delim = b"--" + boundary
    parts: list[bytes] = []
    start: int | None = None
    pos = 0
    while True:
        hit = body.find(delim, pos)
        if hit < 0:
            raise Unreadable("multipart message without its closing boundary (truncated?)")
        eol = body.find(b"\n", hit)
        eol = len(body) if eol < 0 else eol
        pos = hit + len(delim)
        if hit and body[hit - 1 : hit] != b"\n":
            continue  # not at the start of a line
        tail = body[pos:eol].rstrip()
        if tail not in (b"", b"--"):
            continue  # a longer boundary that starts with this one
        if start is not None:
            parts.append(body[start : max(start, hit - 1)])
        if tail == b"--":
            return parts
        start = eol + 1


_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d\d)(?::(\d\d))?"
    r"\s+([+-])(\d\d)(\d\d)(?:\s*\(.*\))?\s*\Z"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def parse_date(value: str) -> datetime | None:
    """A Date header as UTC; the common RFC 5322 shape is parsed directly, others by email.utils.
    A date without zone (or ``-0000``) is taken as UTC."""
    m = _DATE.match(value)
    if m and m.group(2).lower() in _MONTHS:
        day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
        offset = timedelta(hours=int(oh), minutes=int(om)) * (-1 if sign == "-" else 1)
        try:
            dt = datetime(
                int(year),
                _MONTHS[mon.lower()],
                int(day),
                int(hh),
                int(mm),
                int(ss or 0),
                tzinfo=timezone(offset),
            )
        except ValueError:
            return None
    else:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if dt.tzinfo is None:
            return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # year 1 with a positive offset, year 9999 with a negative one
        return None


@lru_cache(maxsize=4096)
def _parse_from(value: str) -> tuple[str | None, str | None]:
    value = _decode_words(value)
    m = _ADDR.match(value)
    if m:
        return m.group(1).strip() or None, m.group(2)
    m = _PIPERMAIL.match(value)
    if m:
        return m.group(3).strip() or None, f"{m.group(1)}@{m.group(2)}"
    name, addr = parseaddr(value)
    return name or None, addr or None


@lru_cache(maxsize=4096)
def normalize_subject(subject: str | None) -> str:
    """The subject without ``Re:``/``Fwd:``/``AW:`` prefixes and list tags, case-folded.

    List tags are bracketed prefixes such as ``[dev]`` or ``[apache/tvm]``; governance tags
    (``[VOTE]``, ``[RESULT]``, ``[DISCUSS]``, ...) are kept, since they tell threads apart.
    """
    s = subject or ""
    kept = []
    while True:
        m = _REPLY_PREFIX.match(s)
        if not m:
            break
        token = m.group(1)
        if token.startswith("[") and token[1:-1].strip().upper() in GOVERNANCE_TAGS:
            kept.append("[" + token[1:-1].strip() + "]")
        s = s[m.end() :]
    return " ".join(("".join(kept) + " " + s).split()).casefold()


def is_reply(subject: str | None) -> bool:
    s = subject or ""
    while True:
        m = _REPLY_PREFIX.match(s)
        if not m:
            return False
        if not m.group(1).startswith("["):
            return True
        s = s[m.end() :]


def read_mbox(data: bytes, path: str, file_index: int = 0) -> list[Entry]:
    """Every message of an mbox as an entry (bodies decoded; threads are chosen later)."""
    entries = []
    for raw in split_mbox(data):
        entries.append(read_message(raw, path, file_index))
    return entries


def read_message(raw: bytes, path: str, file_index: int = 0) -> Entry:
    if b"\r\n" in raw:
        raw = raw.replace(b"\r\n", b"\n")
    if b">From " in raw:
        raw = _MBOXRD.sub(rb"\1", raw)
    head, body = _split_head(raw)
    headers = _headers(head) if head and _HEADER.match(head) else {}
    mid = None
    mid_raw = headers.get("message-id", "").strip()
    if mid_raw:
        m = _IDS.search(mid_raw)
        mid = m.group(1) if m else mid_raw.split()[0]
    if mid:
        key, source = f"mail:{mid}", f"{path}#{mid}"
    else:  # no Message-ID: the message is known by its bytes
        digest = hashlib.sha256(raw).hexdigest()
        key, source = f"mail-sha256:{digest}", f"{path}#sha256:{digest[:16]}"
    subject = _decode_words(headers.get("subject", "")).strip()
    name, addr = _parse_from(headers["from"]) if headers.get("from") else (None, None)
    author = f"{name} <{addr}>" if name and addr else addr or name or "(unknown sender)"
    entry = Entry(
        kind="mail",
        key=key,
        source=source,
        at=None,
        author=author,
        file=path,
        file_index=file_index,
        subject=subject,
        message_id=mid,
    )
    ids = _IDS.findall(headers.get("in-reply-to", "") + " " + headers.get("references", ""))
    entry.parents = tuple(dict.fromkeys(ids))
    archived = headers.get("archived-at", "").strip()
    entry.archived_at = archived.strip("<>") or None
    if not headers:
        return _unreadable(entry, "no mail headers")
    if not addr:
        return _unreadable(entry, "no sender address in From")
    low = addr.lower()
    entry.email = low
    relay = (
        low in RELAY_ADDRESSES
        or low.endswith(RELAY_DOMAINS)
        or "x-github-sender" in headers
        or "x-github-reason" in headers
        or bool(name and _VIA_GITHUB.search(name))
    )
    if name:
        m = _VIA.match(name)
        name = (m.group(1) if m else name).strip().strip("\"'") or None
    entry.name = name
    entry.bot = relay
    at = parse_date(headers.get("date", ""))
    if at is None:
        return _unreadable(entry, "no readable Date header")
    entry.at = at
    if "[result]" in _tags(normalize_subject(subject)):
        entry.flag = "result-post"
    try:
        text = _body_text(headers, body)
    except Unreadable as exc:
        return _unreadable(entry, str(exc))
    except Exception as exc:  # anything else a broken message can trigger
        return _unreadable(entry, f"cannot decode the body ({type(exc).__name__})")
    if text is None:
        return _unreadable(entry, "no text/plain or text/html part")
    entry.body = text
    return entry


def _unreadable(entry: Entry, why: str) -> Entry:
    entry.flag = "unreadable"
    entry.problem = why
    return entry


# ---------------------------------------------------------------------------------------------
# The vote's thread


def _tags(normalized: str) -> str:
    """The leading governance tags of a normalised subject, e.g. ``[result][vote]``."""
    head = normalized.split(" ", 1)[0]
    return head if head.startswith("[") else ""


def select_thread(entries: list[Entry], subject: str | None = None) -> list[str]:
    """Mark mail entries outside the vote's thread ``other-thread``; return the thread's link.

    The thread is the root (a message whose subject starts with ``[VOTE]``) and the messages
    linked to it by In-Reply-To/References, plus, where those headers are missing or name no
    message of the archives, the messages whose normalised subject equals the root's. When the
    root is not in the archives (a thread spanning months), replies to one ``[VOTE]`` subject
    form the thread. Several candidate threads without ``subject`` to pick one: ScopedError.
    """
    mails = [e for e in entries if e.kind == "mail" and e.flag != "unreadable"]
    if not mails:
        return []
    norm = {id(e): normalize_subject(e.subject) for e in mails}
    want = " ".join(subject.split()).casefold() if subject else None

    def is_vote(e: Entry) -> bool:
        tags = _tags(norm[id(e)])
        return tags.startswith("[vote]") and "[result]" not in tags and "[cancel" not in tags

    roots: dict[str, Entry] = {}
    for e in mails:
        if is_vote(e) and not is_reply(e.subject) and (not want or want in norm[id(e)]):
            rid = e.message_id or e.key
            if rid not in roots or e.source < roots[rid].source:  # copies: not by file order
                roots[rid] = e
    files = ", ".join(sorted({e.file for e in mails}))
    hint = "pick one with --subject TEXT" if not want else "make --subject TEXT more precise"
    if len(roots) > 1:
        listing = "; ".join(sorted(f"'{e.subject}' ({e.source})" for e in roots.values()))
        raise ScopedError(f"{files}: {len(roots)} [VOTE] threads: {listing}; {hint}")
    root = next(iter(roots.values()), None)
    thread_subject: str | None
    if root is not None:
        thread_subject = norm[id(root)]
    else:
        subjects = sorted(
            {norm[id(e)] for e in mails if is_vote(e) and (not want or want in norm[id(e)])}
        )
        if len(subjects) > 1:
            raise ScopedError(
                f"{files}: replies to {len(subjects)} [VOTE] threads whose first message is not "
                f"in the archive: {'; '.join(subjects)}; {hint}"
            )
        if not subjects and want:
            raise ScopedError(f"{files}: no [VOTE] thread whose subject contains '{subject}'")
        thread_subject = subjects[0] if subjects else None
    known = {e.message_id for e in mails if e.message_id}
    children: dict[str, list[Entry]] = {}
    for e in mails:
        for p in e.parents:
            children.setdefault(p, []).append(e)
    members: set[int] = set()
    queue: list[Entry] = []
    for e in mails:
        if e is root or (
            thread_subject is not None
            and norm[id(e)] == thread_subject
            and not any(p in known for p in e.parents)
        ):
            members.add(id(e))
            queue.append(e)
    seen_ids: set[str] = set()
    while queue:
        e = queue.pop()
        if not e.message_id or e.message_id in seen_ids:
            continue
        seen_ids.add(e.message_id)
        for child in children.get(e.message_id, ()):
            if id(child) not in members:
                members.add(id(child))
                queue.append(child)
    for e in mails:
        # copies of a member (same Message-ID, e.g. the same archive twice) are members too
        copy = bool(e.message_id and e.message_id in seen_ids)
        if id(e) not in members and not copy and e.flag in (None, "result-post"):
            e.flag = "other-thread"
    if root is not None:
        return [root.archived_at or root.source]
    return []
