"""Every call to git in one place: the work tree's top level and the files git knows."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path


@functools.lru_cache(maxsize=8)
def toplevel(cwd: Path) -> Path | None:
    """The git work tree root containing ``cwd``, or None outside git (asked once per run)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return Path(out.stdout.strip())


def popen(root: Path, *args: str) -> subprocess.Popen:
    """``git ARGS`` in ``root`` with stdout and stderr piped (started, not waited for)."""
    return subprocess.Popen(
        ["git", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


# ---------------------------------------------------------------------------------------------
# Removal (`scoped remove`): the work tree's state, temporary worktrees, `git rm`


def _run(root: Path, *args: str) -> bytes:
    """``git ARGS`` in ``root``; stdout, or EnvironmentProblem with git's message."""
    from ..errors import EnvironmentProblem

    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot run git: {exc.strerror}") from None
    if out.returncode != 0:
        message = out.stderr.decode(errors="replace").strip() or f"exit {out.returncode}"
        raise EnvironmentProblem(f"{root}: git {args[0]} failed: {message}")
    return out.stdout


def changes(root: Path) -> list[str]:
    """``git status --porcelain`` lines: modified, staged and untracked files (not ignored)."""
    out = _run(root, "status", "--porcelain", "-z", "--untracked-files=all")
    return [rec.decode("utf-8", "surrogateescape") for rec in out.split(b"\0") if rec]


def tracked(root: Path, paths: list[str]) -> set[str]:
    """Which files git tracks at the root-relative ``paths`` (files, or directories: every
    tracked file below). Names are literal, never patterns."""
    out: set[str] = set()
    for i in range(0, len(paths), 500):
        got = _run(root, "--literal-pathspecs", "ls-files", "-z", "--", *paths[i : i + 500])
        out.update(rec.decode("utf-8", "surrogateescape") for rec in got.split(b"\0") if rec)
    return out


def remove_tracked(root: Path, paths: list[str]) -> None:
    """``git rm`` the tracked files ``paths`` (work tree and index). Names are literal."""
    for i in range(0, len(paths), 500):
        _run(root, "--literal-pathspecs", "rm", "-q", "--", *paths[i : i + 500])


def worktree_add(root: Path, dest: Path, rev: str = "HEAD") -> None:
    """A detached worktree of ``rev`` at ``dest``; the repository's hooks do not run."""
    _run(
        root, "-c", "core.hooksPath=/dev/null", "worktree", "add", "-q", "--detach", str(dest), rev
    )


def worktree_remove(root: Path, dest: Path) -> None:
    """Remove the worktree at ``dest`` and git's record of it (quietly, whatever is left)."""
    subprocess.run(
        ["git", "worktree", "remove", "--force", "--force", str(dest)],
        cwd=root,
        capture_output=True,
        check=False,
    )
    subprocess.run(["git", "worktree", "prune"], cwd=root, capture_output=True, check=False)
