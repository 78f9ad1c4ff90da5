"""Test helpers: real repositories on disk, with real git history."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

from click.testing import CliRunner

from scoped_modules.cli import main

GIT_ID = [
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.invalid",
    "-c",
    "commit.gpgsign=false",
]


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def git(root: Path, *args: str, env: dict | None = None) -> str:
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run(
        ["git", *GIT_ID, *args], cwd=root, capture_output=True, text=True, env=full_env, check=True
    )
    return out.stdout


def make_repo(root: Path, files: dict[str, str | bytes], commit: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_tree(root, files)
    git(root, "init", "-q", "-b", "main")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def run_cli(root: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        res = runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return res.exit_code, res.stdout, res.stderr


def check_json(root: Path, *args: str) -> tuple[int, dict]:
    code, out, err = run_cli(root, "check", "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(*parts: str) -> Path:
    """A file of the reference data in ``../shared/`` beside the checkout.

    A user's fresh clone has no ``../shared/``: the test is skipped with the reason. CI has it and
    sets ``SCOPED_REQUIRE_SHARED=1``, which turns a missing file into a failure, so nothing that
    CI should check is skipped silently there."""
    import pytest

    path = SHARED.joinpath(*parts)
    if not path.is_file():
        reason = f"needs reference data {path} (../shared beside the checkout; CI has it)"
        if os.environ.get("SCOPED_REQUIRE_SHARED") == "1":
            pytest.fail(reason + ", and SCOPED_REQUIRE_SHARED=1")
        pytest.skip(reason)
    return path
