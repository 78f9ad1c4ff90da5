"""GitHub issue-comment exports in the REST shape.

A JSON array of comment objects (``id``, ``html_url``, ``user.login``, ``user.type``,
``created_at``, ``updated_at``, ``body``), or a list of such arrays (one per page, as
``gh api --paginate --slurp`` writes them). A comment object missing a field is ``unreadable``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .entry import Entry


class NotAnExport(ValueError):
    """The JSON is not an issue-comments export; the text says what was found."""


def comments_of(doc: Any) -> list[Any]:
    """The comment objects of an export (pages flattened), or NotAnExport."""
    if not isinstance(doc, list):
        raise NotAnExport(f"a JSON {type(doc).__name__}, not an array of comments")
    if doc and all(isinstance(page, list) for page in doc):
        items = [c for page in doc for c in page]
    else:
        items = doc
    if not items:
        return []
    shaped = [
        c for c in items if isinstance(c, dict) and "id" in c and ("body" in c or "user" in c)
    ]
    if not shaped:
        raise NotAnExport("a JSON array whose items are not comment objects (id, user, body)")
    return items


class _OutOfRange(ValueError):
    """A time that leaves years 1-9999 once converted to UTC."""


def _time(value: Any) -> datetime | None:
    """The UTC time of an ISO 8601 text with offset, else None; _OutOfRange when unrepresentable."""
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    try:
        return dt.astimezone(UTC)
    except OverflowError:
        raise _OutOfRange(value) from None


def read_comments(doc: Any, path: str, file_index: int = 0) -> list[Entry]:
    entries = []
    for n, c in enumerate(comments_of(doc), 1):
        entries.append(_entry(c, n, path, file_index))
    return entries


def _entry(c: Any, n: int, path: str, file_index: int) -> Entry:
    if not isinstance(c, dict):
        return Entry(
            kind="github",
            key=f"github-item:{path}:{n}",
            source=f"{path}#{n}",
            at=None,
            author="(unknown)",
            file=path,
            file_index=file_index,
            flag="unreadable",
            problem=f"item {n} is not a comment object",
        )
    cid = c.get("id")
    url = c.get("html_url")
    source = url if isinstance(url, str) and url else f"{path}#{cid if cid is not None else n}"
    user = c.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    utype = user.get("type") if isinstance(user, dict) else None
    created_raw, updated_raw = c.get("created_at"), c.get("updated_at")
    out_of_range = []
    created = updated = None
    try:
        created = _time(created_raw)
    except _OutOfRange:
        out_of_range.append(f"created_at {created_raw} is out of range")
    try:
        updated = created if updated_raw == created_raw else _time(updated_raw)
    except _OutOfRange:
        out_of_range.append(f"updated_at {updated_raw} is out of range")
    entry = Entry(
        kind="github",
        key=f"github:{cid}"
        if isinstance(cid, int | str) and str(cid)
        else f"github-item:{path}:{n}",
        source=source,
        at=created,
        author=login if isinstance(login, str) else "(unknown)",
        file=path,
        file_index=file_index,
        login=login if isinstance(login, str) else None,
        bot=utype == "Bot",
        updated_at=updated,
    )
    body = c.get("body")
    problems = []
    if not isinstance(cid, int | str) or isinstance(cid, bool):
        problems.append("no id")
    if entry.login is None:
        problems.append("no user.login")
    if entry.at is None and not out_of_range:
        problems.append("no created_at with an offset")
    problems.extend(out_of_range)
    if body is not None and not isinstance(body, str):
        problems.append("body is not text")
    if problems:
        entry.flag = "unreadable"
        entry.problem = f"comment {n}: " + ", ".join(problems)
        return entry
    entry.body = body or ""
    return entry
