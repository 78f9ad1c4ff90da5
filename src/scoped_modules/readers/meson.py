"""meson reader (work in progress: no references yet)."""

from __future__ import annotations

from .facts import FileFacts


def read_meson(text: str) -> FileFacts:
    return ("meson", [], [], {})


def blank_comments_meson(text: str) -> str:
    return text
