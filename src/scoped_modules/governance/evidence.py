"""Vote evidence files: format chosen by content, sha256 pins, and reading a set of files.

Pure over bytes: callers read the files (the CLI) or receive them (``check`` via a loader).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tomllib
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..errors import ScopedError
from ..registry.locate import scan
from .entry import Entry, EvidenceError

FORMATS = ("mbox", "github", "toml")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Parsed:
    format: str  # "mbox", "github" or "toml"
    data: bytes  # the (decompressed) bytes
    doc: Any = None  # the parsed JSON or TOML document
    text: str = ""  # the TOML text


DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
MAX_BYTES_ENV = "SCOPED_MAX_EVIDENCE_BYTES"
_SIZE = re.compile(r"\s*(\d+)\s*([KMG]i?B?)?\s*", re.IGNORECASE)
_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def max_bytes() -> int:
    """The cap on an evidence file's (decompressed) size: ``$SCOPED_MAX_EVIDENCE_BYTES``
    (bytes, or with a KiB/MiB/GiB suffix), else 1 GiB."""
    raw = os.environ.get(MAX_BYTES_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_BYTES
    m = _SIZE.fullmatch(raw)
    if not m:
        raise ScopedError(
            f"{MAX_BYTES_ENV}={raw!r}: not a size; write bytes, or a number with KiB, MiB or GiB"
        )
    unit = m.group(2)
    return int(m.group(1)) * (_UNITS[unit[0].lower()] if unit else 1)


def too_large(path: str, limit: int) -> EvidenceError:
    return EvidenceError(
        f"{path}: too large: more than {limit} bytes of evidence (raise the cap with "
        f"{MAX_BYTES_ENV} if the file is genuine)"
    )


def _gunzip(data: bytes, path: str, limit: int) -> bytes:
    """The decompressed bytes (every gzip member), refusing more than ``limit`` bytes."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise EvidenceError(f"{path}: a gzip file that cannot be decompressed ({exc})") from None
    if len(out) > limit:
        raise too_large(path, limit)
    return out


def detect(data: bytes, path: str, limit: int | None = None) -> Parsed:
    """The file's format, chosen by content; EvidenceError naming the file otherwise.

    ``limit`` caps the size once decompressed (default :func:`max_bytes`): a gzip bomb is
    refused as too large."""
    limit = max_bytes() if limit is None else limit
    if len(data) > limit:
        raise too_large(path, limit)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, path, limit)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise EvidenceError(f"{path}: empty file; expected {_EXPECTED}")
    if data.lstrip(b"\r\n").startswith(b"From "):  # the mail parser loads only for mail
        from .mbox import looks_like_mbox

        if looks_like_mbox(data):
            return Parsed("mbox", data)
    if b"\x00" in data[:8192]:
        raise EvidenceError(f"{path}: a binary file; expected {_EXPECTED}")
    first = data.lstrip()[:1]
    json_problem = None
    if first in (b"[", b"{"):
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as exc:
            json_problem = f"not valid JSON ({exc})"
        else:
            from .github import NotAnExport, comments_of

            try:
                comments_of(doc)
            except NotAnExport as exc:
                raise EvidenceError(
                    f"{path}: JSON, but not a GitHub issue-comments export: {exc}"
                ) from None
            return Parsed("github", data, doc)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EvidenceError(f"{path}: not UTF-8 text and not an mbox archive; expected {_EXPECTED}")
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        depth, line, col = scan(text).deepest
        raise EvidenceError(
            f"{path}:{line}:{col}: arrays or inline tables nested too deeply ({depth} levels)"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        if b"[[ballot]]" in data:
            raise EvidenceError(f"{path}: not valid TOML ({exc})") from None
        if json_problem:
            raise EvidenceError(f"{path}: {json_problem}; expected {_EXPECTED}") from None
        raise EvidenceError(f"{path}: in no known format; expected {_EXPECTED}") from None
    if "ballot" not in doc:
        raise EvidenceError(f"{path}: TOML without [[ballot]] tables; expected {_EXPECTED}")
    return Parsed("toml", data, doc, text)


_EXPECTED = "an mbox mail archive, a GitHub issue-comments export (JSON) or a TOML file of [[ballot]] tables"


def read_file(data: bytes, path: str, file_index: int = 0) -> tuple[str, list[Entry]]:
    """(format, entries) of one evidence file. Threads are not chosen here."""
    parsed = detect(data, path)
    if parsed.format == "mbox":
        from .mbox import read_mbox

        return "mbox", read_mbox(parsed.data, path, file_index)
    if parsed.format == "github":
        from .github import read_comments

        return "github", read_comments(parsed.doc, path, file_index)
    from .toml_ballots import read_ballots

    return "toml", read_ballots(parsed.doc, parsed.text, path, file_index)


@dataclass
class EvidenceSet:
    entries: list[Entry] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)  # links to the vote's threads
    subjects: list[str] = field(default_factory=list)  # subjects of the [VOTE] roots
    notes: list[str] = field(default_factory=list)


def read_evidence(files: list[tuple[str, bytes]], subject: str | None = None) -> EvidenceSet:
    """Read every file (all problems at once as EvidenceError), then choose the mail thread."""
    out = EvidenceSet()
    problems: list[str] = []
    for i, (path, data) in enumerate(files):
        try:
            _, entries = read_file(data, path, i)
        except ScopedError as exc:
            problems.extend(exc.problems)
            continue
        out.entries.extend(entries)
    if problems:
        raise EvidenceError(problems)
    mails = [e for e in out.entries if e.kind == "mail"]
    if mails:
        from .mbox import select_thread

        links = select_thread(out.entries, subject)
        out.threads.extend(links)
        roots = {e.subject for e in mails if e.source in links or e.archived_at in links}
        out.subjects.extend(sorted(s for s in roots if s))
        if all(e.flag in ("other-thread", "unreadable") for e in mails):
            paths = ", ".join(sorted({e.file for e in mails}))
            out.notes.append(f"{paths}: no [VOTE] thread found; no message of it counts")
    others: set[str] = set()
    for e in out.entries:
        if e.kind == "github" and e.source.startswith("http"):
            others.add(e.source.split("#", 1)[0])
        elif e.kind == "toml" and e.source.startswith("http"):
            others.add(e.source)
    out.threads.extend(sorted(others - set(out.threads)))  # sorted: file order never shows
    return out
