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


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``root``, waited for; a missing git becomes an EnvironmentProblem."""
    from ..errors import EnvironmentProblem

    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot run git: {exc.strerror}")


def _failed(out: subprocess.CompletedProcess[bytes]) -> str:
    return out.stderr.decode("utf-8", "replace").strip() or f"exit code {out.returncode}"


def merge_base(root: Path, base: str) -> str:
    """The commit where HEAD and ``base`` diverged (``git merge-base BASE HEAD``).

    An unknown revision, or a history too shallow to hold the merge base (a CI checkout with
    the default ``fetch-depth: 1``), is an EnvironmentProblem that says what to do."""
    from ..errors import EnvironmentProblem

    known = _run(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if known.returncode != 0:
        raise EnvironmentProblem(
            f"--changed {base}: no such commit in {root}; fetch it first "
            "(in GitHub Actions: actions/checkout with `fetch-depth: 0`)"
        )
    out = _run(root, "merge-base", base, "HEAD")
    if out.returncode != 0:
        shallow = _run(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        why = (
            "the clone is shallow; fetch the full history (actions/checkout `fetch-depth: 0`)"
            if shallow
            else f"{base} and HEAD share no history"
        )
        raise EnvironmentProblem(f"--changed {base}: no merge base with HEAD: {why}")
    return out.stdout.decode().strip()


def changed_paths(root: Path, since: str) -> list[str]:
    """Root-relative paths that differ between commit ``since`` and the working tree (committed,
    staged or not), deleted ones included, plus untracked files git does not ignore. Renames count
    as a deletion and an addition, so both sides of a move are seen."""
    from ..errors import EnvironmentProblem

    diff = _run(root, "diff", "--name-only", "--no-renames", "-z", since, "--")
    if diff.returncode != 0:
        raise EnvironmentProblem(f"git diff {since} failed: {_failed(diff)}")
    untracked = _run(root, "ls-files", "-o", "--exclude-standard", "--full-name", "-z")
    paths = {
        raw.decode("utf-8", "surrogateescape")
        for raw in (diff.stdout + b"\0" + untracked.stdout).split(b"\0")
        if raw
    }
    return sorted(paths)


def trailer_values(root: Path, revisions: str, key: str) -> list[tuple[str, str]]:
    """(commit, value) of every ``KEY: value`` trailer in the commit messages of ``revisions``
    (a range such as ``BASE..HEAD``), as ``git interpret-trailers`` reads them."""
    from ..errors import EnvironmentProblem

    fmt = f"%H%x00%(trailers:key={key},valueonly,separator=%x00)%x1e"
    out = _run(root, "log", f"--format={fmt}", revisions, "--")
    if out.returncode != 0:
        raise EnvironmentProblem(f"git log {revisions} failed: {_failed(out)}")
    found: list[tuple[str, str]] = []
    for record in out.stdout.decode("utf-8", "replace").split("\x1e"):
        commit, _, values = record.strip("\n").partition("\0")
        for value in values.split("\0"):
            if value.strip():
                found.append((commit, value.strip()))
    return found


def start_grep(root: Path, pattern: str, in_git: bool) -> subprocess.Popen | None:
    """Starts ``git grep`` for the extended regular expression ``pattern`` over the working tree:
    tracked and untracked files git does not ignore (outside git, the files ``.gitignore`` does
    not exclude), binary files skipped. It runs while the caller works; :func:`grep_results`
    collects it. None when git cannot run."""
    args = ["grep", "-n", "-z", "-I", "-E", "--no-color", "-e", pattern]
    args[1:1] = ["--untracked"] if in_git else ["--no-index", "--exclude-standard"]
    try:
        return popen(root, *args)
    except OSError:
        return None


def grep_results(proc: subprocess.Popen | None) -> list[tuple[str, int, str]] | None:
    """(path, line, text) of every line :func:`start_grep` found; None when git failed."""
    if proc is None:
        return None
    out, _err = proc.communicate()
    if proc.returncode not in (0, 1):  # 1: nothing found
        return None
    found: list[tuple[str, int, str]] = []
    for raw in out.split(b"\n"):
        parts = raw.split(b"\0", 2)
        if len(parts) == 3 and parts[1].isdigit():
            path = parts[0].decode("utf-8", "surrogateescape")
            found.append((path, int(parts[1]), parts[2].decode("utf-8", "replace")))
    return found
