"""The one git runner of ``adapters/git.py``: what a failure does in each mode, on real git."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_repo

from scoped_modules.adapters import git
from scoped_modules.errors import EnvironmentProblem


def test_a_failure_names_the_command_and_gits_message(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a.txt": "a\n"})
    with pytest.raises(EnvironmentProblem) as caught:
        git.run(root, "-c", "core.quotepath=off", "log", "--format=%H", "no-such-rev", "--", "a")
    message = str(caught.value)
    assert message.startswith(f"{root}: `git log no-such-rev` failed: ")
    assert "no-such-rev" in message.split("failed: ", 1)[1]  # git's own stderr
    with pytest.raises(EnvironmentProblem, match=r"`git diff no-such-rev` failed: .*no-such-rev"):
        git.changed_paths(root, "no-such-rev")
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(EnvironmentProblem, match=r"`git ls-files` failed: .*not a git repository"):
        git.tracked(outside, ["a.txt"])


def test_return_and_quiet_modes_give_the_result(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a.txt": "a\n"})
    out = git.run(root, "rev-parse", "--verify", "--quiet", "nope", on_error="return")
    assert out.returncode != 0 and out.stdout == b""
    assert git.resolve_commit(root, "nope") is None
    sha = git.run(root, "rev-parse", "HEAD").stdout.decode().strip()
    head = git.resolve_commit(root, "HEAD")
    assert head is not None and head[0] == sha
    assert git.tracked(root, ["a.txt", "missing.txt"]) == {"a.txt"}


def test_a_git_that_cannot_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "r", {"a.txt": "a\n"})
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no git on PATH
    quiet = git.run(root, "status", on_error="quiet")
    assert quiet.returncode == 127 and quiet.stderr.startswith(b"cannot run git: ")
    assert git.resolve_commit(root, "HEAD") is None
    assert git.check_mailmap(root, ["A <a@x>"]) is None
    for mode in ("raise", "return"):
        with pytest.raises(EnvironmentProblem, match="cannot run git: "):
            git.run(root, "status", on_error=mode)  # type: ignore[arg-type]
