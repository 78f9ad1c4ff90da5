"""Fixtures shared by the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import make_repo

# A reader's exception is an error in tests (in production it becomes a note naming the file):
# set before any test runs, inherited by the scan's worker processes.
os.environ["SCOPED_STRICT_READERS"] = "1"


@pytest.fixture
def repo(tmp_path: Path):
    def build(files: dict[str, str | bytes], commit: bool = True) -> Path:
        return make_repo(tmp_path / "repo", files, commit)

    return build


@pytest.fixture
def production_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers as in production: an exception becomes a note instead of failing the test."""
    monkeypatch.delenv("SCOPED_STRICT_READERS", raising=False)
