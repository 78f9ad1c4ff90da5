"""Every call to git in one place: the work tree's top level, the files git knows, and the
history ``scoped activity`` reads."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from collections.abc import Callable, Iterator
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
# History (``scoped activity``, SM011): one streaming ``git log`` over the window.

# A commit's header in ``history``'s output: RS, then US-separated fields, then NUL
_HEADER_FORMAT = (
    "%x1e%H%x1f%at%x1f%an%x1f%ae%x1f%(trailers:key=Co-authored-by,valueonly,separator=%x1d)"
    "%x1f%P%x1f"
)

# (commit id, author time in epoch seconds, author name, author email, Co-authored-by values,
# changed paths (ids of a PathTable), True for a commit without parents: a root, or where a
# shallow clone is cut)
RawCommit = tuple[str, int, str, str, tuple[str, ...], tuple[int, ...], bool]


def _run(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin.encode("utf-8", "surrogateescape") if stdin is not None else None,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None


def resolve_commit(root: Path, rev: str) -> tuple[str, int] | None:
    """(commit id, committer time in epoch seconds) of ``rev``, or None when it names no commit."""
    out = _run(root, "log", "-1", "--no-walk", "--format=%H%x1f%ct", rev, "--")
    if out is None or out.returncode != 0:
        return None
    sha, _, ct = out.stdout.decode("ascii", "replace").strip().partition("\x1f")
    if not sha or not ct.lstrip("-").isdigit():
        return None
    return sha, int(ct)


def shallow_boundary(root: Path) -> frozenset[str]:
    """The commits where a shallow clone's history is cut (empty for a complete clone)."""
    out = _run(root, "rev-parse", "--is-shallow-repository", "--git-path", "shallow")
    if out is None or out.returncode != 0:
        return frozenset()
    lines = out.stdout.decode("utf-8", "surrogateescape").splitlines()
    if not lines or lines[0].strip() != "true" or len(lines) < 2:
        return frozenset()
    path = Path(lines[1])
    try:
        text = (path if path.is_absolute() else root / path).read_text("ascii", "replace")
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in text.split() if line.strip())


def count_commits(root: Path, rev: str, since: int) -> int | None:
    """How many non-merge commits ``history`` will walk (for a progress bar)."""
    out = _run(root, "rev-list", "--count", "--no-merges", *_since(since), rev, "--")
    if out is None or out.returncode != 0:
        return None
    text = out.stdout.decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _since(since: int) -> list[str]:
    # git reads "--since=@0" as "no commit at all": the epoch itself means no limit
    return [f"--since=@{since}"] if since > 0 else []


class PathTable(dict[bytes, int]):
    """Interns the changed paths of a history: each distinct path gets the next integer, so a
    commit's paths are a tuple of small ints (``decoded()`` gives the paths in id order)."""

    def __missing__(self, key: bytes) -> int:
        value = self[key] = len(self)
        return value

    def decoded(self) -> list[str]:
        return [p.decode("utf-8", "surrogateescape") for p in self]


def history(root: Path, rev: str, since: int, table: PathTable) -> Iterator[RawCommit]:
    """Every non-merge commit reachable from ``rev`` whose committer date is at least ``since``
    (epoch seconds), newest first, with its changed paths as ids of ``table``: one ``git log``
    process, read as it streams. Identities are as recorded (``.mailmap`` is applied by
    :func:`check_mailmap`).

    Raises :class:`OSError` when git cannot be run and ``RuntimeError`` (git's message) when
    the log fails."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [
                "git",
                "-c",
                "core.quotepath=off",
                "log",
                "--no-merges",
                "--no-renames",
                "--name-only",
                "-z",
                *_since(since),
                f"--format={_HEADER_FORMAT}",
                rev,
                "--",
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert proc.stdout is not None
        intern = table.__getitem__
        rest = b""
        try:
            while True:
                chunk = proc.stdout.read(1 << 20)
                if not chunk:
                    break
                records = (rest + chunk).split(b"\x1e")
                rest = records.pop()
                for rec in records:
                    if rec:
                        yield _commit(rec, intern)
            if rest:
                yield _commit(rest, intern)
        finally:
            proc.stdout.close()
            rc = proc.wait()
        if rc != 0:
            errors.seek(0)
            err = errors.read().decode("utf-8", "replace").strip()
            raise RuntimeError(err or f"git log exited {rc}")


def _commit(rec: bytes, intern: Callable[[bytes], int]) -> RawCommit:
    """One record: US-separated header fields, NUL, then (after a newline) NUL-ended paths."""
    head, _, body = rec.partition(b"\0")
    fields = head.decode("utf-8", "replace").split("\x1f")
    fields += [""] * (6 - len(fields))
    sha, at, name, email, trailers, parents = fields[:6]
    when = int(at) if at.lstrip("-").isdigit() else 0
    co = tuple(t.strip() for t in trailers.split("\x1d") if t.strip()) if trailers else ()
    if body[:1] == b"\n":
        body = body[1:]
    if body.endswith(b"\0"):
        body = body[:-1]
    ids = tuple(map(intern, body.split(b"\0"))) if body else ()
    return sha, when, name, email, co, ids, not parents.strip()


def check_mailmap(root: Path, contacts: list[str]) -> list[str] | None:
    """``Name <email>`` contacts as ``.mailmap`` (and ``mailmap.file``) rewrite them, in order:
    one ``git check-mailmap --stdin`` for all of them. None when git cannot answer."""
    if not contacts:
        return []
    out = _run(root, "check-mailmap", "--stdin", stdin="".join(c + "\n" for c in contacts))
    if out is None or out.returncode != 0:
        return None
    lines = out.stdout.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < len(contacts):
        return None
    return lines[: len(contacts)]
