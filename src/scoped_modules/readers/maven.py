"""maven reader (work in progress: no references yet)."""

from __future__ import annotations

from .facts import FileFacts


def read_maven(text: str) -> FileFacts:
    return ("maven", [], [], {})


def blank_comments_maven(text: str) -> str:
    return text
