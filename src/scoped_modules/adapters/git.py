"""Every call to git in one place: the work tree's top level, the files git knows, changes
and trailers (`--changed`), and the history ``scoped activity`` reads."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal


@functools.lru_cache(maxsize=8)
def toplevel(cwd: Path) -> Path | None:
    """The git work tree root containing ``cwd``, or None outside git (asked once per run)."""
    out = run(cwd, "rev-parse", "--show-toplevel", on_error="quiet")
    top = out.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(top) if out.returncode == 0 and top else None


def popen(root: Path, *args: str) -> subprocess.Popen:
    """``git ARGS`` in ``root`` with stdout and stderr piped (started, not waited for)."""
    return subprocess.Popen(
        ["git", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def index_listings(root: Path) -> list[subprocess.CompletedProcess[bytes]]:
    """What a scan of a work tree starts from, the three listings run at once: the index with
    blob ids (``ls-files -s``), the untracked files git does not ignore (``ls-files -o
    --exclude-standard``) and the modified ones (``ls-files -m``), NUL-separated."""
    listings = (
        ("ls-files", "-s", "-z"),
        ("ls-files", "-o", "--exclude-standard", "-z"),
        ("ls-files", "-m", "-z"),
    )
    started = [(args, popen(root, *args)) for args in listings]
    done = []
    for args, proc in started:
        out, err = proc.communicate()
        done.append(subprocess.CompletedProcess(["git", *args], proc.returncode, out, err))
    return done


# What the runner does when git fails: "raise" (an EnvironmentProblem naming the command and
# git's message, for a non-zero exit too), "return" (the result, whatever its exit code; a git
# that cannot run is an EnvironmentProblem), "quiet" (never raises: a git that cannot run gives
# a result with exit code 127 and the reason on stderr).
OnError = Literal["raise", "return", "quiet"]


def _command(args: tuple[str, ...]) -> str:
    """``git SUBCOMMAND OPERANDS`` as a message shows it: options and pathspecs left out."""
    words = list(args)
    while words and words[0].startswith("-"):  # git's own options: -c NAME=VALUE, ...
        words = words[2:] if words[0] == "-c" else words[1:]
    if "--" in words:
        words = words[: words.index("--")]
    shown = [w for w in words if not w.startswith("-")]
    return " ".join(["git", *shown[:6], *(["…"] if len(shown) > 6 else [])])


def run(
    root: Path, *args: str, on_error: OnError = "raise", stdin: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``root``, waited for, stdout and stderr captured (``stdin`` given as
    text); ``on_error`` says what a failure does (see :data:`OnError`)."""
    from ..errors import EnvironmentProblem

    try:
        out = subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin.encode("utf-8", "surrogateescape") if stdin is not None else None,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        if on_error == "quiet":
            why = f"cannot run git: {exc.strerror}".encode()
            return subprocess.CompletedProcess(["git", *args], 127, b"", why)
        raise EnvironmentProblem(f"cannot run git: {exc.strerror}") from None
    if out.returncode != 0 and on_error == "raise":
        message = out.stderr.decode("utf-8", "replace").strip() or f"exit code {out.returncode}"
        raise EnvironmentProblem(f"{root}: `{_command(args)}` failed: {message}")
    return out


def merge_base(root: Path, base: str) -> str:
    """The commit where HEAD and ``base`` diverged (``git merge-base BASE HEAD``).

    An unknown revision, or a history too shallow to hold the merge base (a CI checkout with
    the default ``fetch-depth: 1``), is an EnvironmentProblem that says what to do."""
    from ..errors import EnvironmentProblem

    known = run(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", on_error="return")
    if known.returncode != 0:
        raise EnvironmentProblem(
            f"--changed {base}: no such commit in {root}; fetch it first "
            "(in GitHub Actions: actions/checkout with `fetch-depth: 0`)"
        )
    out = run(root, "merge-base", base, "HEAD", on_error="return")
    if out.returncode != 0:
        shallow = run(root, "rev-parse", "--is-shallow-repository", on_error="quiet")
        cut = shallow.stdout.strip() == b"true"
        why = (
            "the clone is shallow; fetch the full history (actions/checkout `fetch-depth: 0`)"
            if cut
            else f"{base} and HEAD share no history"
        )
        raise EnvironmentProblem(f"--changed {base}: no merge base with HEAD: {why}")
    return out.stdout.decode().strip()


def changed_paths(root: Path, since: str) -> list[str]:
    """Root-relative paths that differ between commit ``since`` and the working tree (committed,
    staged or not), deleted ones included, plus untracked files git does not ignore. Renames count
    as a deletion and an addition, so both sides of a move are seen."""
    diff = run(root, "diff", "--name-only", "--no-renames", "-z", since, "--")
    untracked = run(
        root, "ls-files", "-o", "--exclude-standard", "--full-name", "-z", on_error="return"
    )
    paths = {
        raw.decode("utf-8", "surrogateescape")
        for raw in (diff.stdout + b"\0" + untracked.stdout).split(b"\0")
        if raw
    }
    return sorted(paths)


def trailer_values(root: Path, revisions: str, key: str) -> list[tuple[str, str]]:
    """(commit, value) of every ``KEY: value`` trailer in the commit messages of ``revisions``
    (a range such as ``BASE..HEAD``), as ``git interpret-trailers`` reads them."""
    fmt = f"%H%x00%(trailers:key={key},valueonly,separator=%x00)%x1e"
    out = run(root, "log", f"--format={fmt}", revisions, "--")
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


def resolve_commit(root: Path, rev: str) -> tuple[str, int] | None:
    """(commit id, committer time in epoch seconds) of ``rev``, or None when it names no commit."""
    out = run(root, "log", "-1", "--no-walk", "--format=%H%x1f%ct", rev, "--", on_error="quiet")
    if out.returncode != 0:
        return None
    sha, _, ct = out.stdout.decode("ascii", "replace").strip().partition("\x1f")
    if not sha or not ct.lstrip("-").isdigit():
        return None
    return sha, int(ct)


def shallow_boundary(root: Path) -> frozenset[str]:
    """The commits where a shallow clone's history is cut (empty for a complete clone)."""
    out = run(
        root, "rev-parse", "--is-shallow-repository", "--git-path", "shallow", on_error="quiet"
    )
    if out.returncode != 0:
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
    out = run(
        root, "rev-list", "--count", "--no-merges", *_since(since), rev, "--", on_error="quiet"
    )
    if out.returncode != 0:
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
    stdin = "".join(c + "\n" for c in contacts)
    out = run(root, "check-mailmap", "--stdin", stdin=stdin, on_error="quiet")
    if out.returncode != 0:
        return None
    lines = out.stdout.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < len(contacts):
        return None
    return lines[: len(contacts)]


# ---------------------------------------------------------------------------------------------
# Removal (`scoped remove`): the work tree's state, temporary worktrees, `git rm`


def changes(root: Path) -> list[str]:
    """``git status --porcelain`` lines: modified, staged and untracked files (not ignored)."""
    out = run(root, "status", "--porcelain", "-z", "--untracked-files=all").stdout
    return [rec.decode("utf-8", "surrogateescape") for rec in out.split(b"\0") if rec]


def tracked(root: Path, paths: list[str]) -> set[str]:
    """Which files git tracks at the root-relative ``paths`` (files, or directories: every
    tracked file below). Names are literal, never patterns."""
    out: set[str] = set()
    for i in range(0, len(paths), 500):
        got = run(root, "--literal-pathspecs", "ls-files", "-z", "--", *paths[i : i + 500]).stdout
        out.update(rec.decode("utf-8", "surrogateescape") for rec in got.split(b"\0") if rec)
    return out


def remove_tracked(root: Path, paths: list[str]) -> None:
    """``git rm`` the tracked files ``paths`` (work tree and index). Names are literal."""
    for i in range(0, len(paths), 500):
        run(root, "--literal-pathspecs", "rm", "-q", "--", *paths[i : i + 500])


def worktree_add(root: Path, dest: Path, rev: str = "HEAD") -> None:
    """A detached worktree of ``rev`` at ``dest``; the repository's hooks do not run."""
    run(root, "-c", "core.hooksPath=/dev/null", "worktree", "add", "-q", "--detach", str(dest), rev)


def worktree_remove(root: Path, dest: Path) -> None:
    """Remove the worktree at ``dest`` and git's record of it (quietly, whatever is left)."""
    run(root, "worktree", "remove", "--force", "--force", str(dest), on_error="quiet")
    run(root, "worktree", "prune", on_error="quiet")
