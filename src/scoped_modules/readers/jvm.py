"""jvm reader (work in progress: no references yet)."""

from __future__ import annotations

from .facts import FileFacts


def read_jvm(text: str) -> FileFacts:
    return ("jvm", [], [], {})


def blank_comments_jvm(text: str) -> str:
    return text
