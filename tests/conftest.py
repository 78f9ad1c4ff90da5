"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_repo


@pytest.fixture
def repo(tmp_path: Path):
    def build(files: dict[str, str | bytes], commit: bool = True) -> Path:
        return make_repo(tmp_path / "repo", files, commit)

    return build
