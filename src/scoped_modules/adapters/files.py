"""The scanned file set (SPEC §3): ``git ls-files`` plus untracked files git does not ignore,
minus ``exclude``; outside git, a walk honouring ``.gitignore`` files."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EnvironmentProblem
from .git import index_listings

LEGACY_CACHE = ".scoped_cache/"
ALWAYS_EXCLUDED = (".git/", LEGACY_CACHE)
LEGACY_NOTE = (
    "a committed .scoped_cache/ is ignored: scoped keeps its caches outside the checked tree "
    "(in the git directory), so a repository cannot choose its own verdict; delete it"
)
NOT_REGULAR_NOTE = "skipped: not a regular file (a named pipe, socket or device)"
# Opening a named pipe for reading waits for a writer; without O_NONBLOCK it returns at once.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path names a named pipe, socket, device or directory: nothing to read."""


class TooLarge(OSError):
    def __init__(self, size: int) -> None:
        super().__init__(f"larger than the limit ({size} bytes)")
        self.size = size


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, never waiting on a named pipe (O_NONBLOCK, then fstat).

    Raises ``NotRegularFile`` for anything else, ``TooLarge`` past ``limit`` bytes, and
    ``OSError`` when it cannot be read."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):  # a socket (ENXIO), or a directory on some systems
            raise NotRegularFile(path) from None
        raise
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path)
        if limit is not None and st.st_size > limit:
            raise TooLarge(st.st_size)
        return fh.read()


@dataclass
class FileSet:
    """Root-relative ``/`` paths, each with a content key (git blob id, or a hash of content)."""

    root: Path
    keys: dict[str, str]  # path -> blob id ("" = to be hashed when read)
    in_git: bool
    notes: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, message)


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (so untracked files are keyed like tracked ones)."""
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def list_files(root: Path, in_git: bool, exclude: Iterable[str]) -> FileSet:
    spec = exclude_spec(exclude)
    fs = _git_files(root) if in_git else _walk_files(root)
    if spec is not None:
        fs.keys = {p: k for p, k in fs.keys.items() if not spec.match_file(p)}
        fs.notes = [n for n in fs.notes if not n[0] or not spec.match_file(n[0])]
    return fs


def exclude_spec(patterns: Iterable[str]):  # -> pathspec.GitIgnoreSpec | None
    patterns = list(patterns)
    if not patterns:
        return None
    import pathspec  # lazy: only when the registry excludes something

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _git_files(root: Path) -> FileSet:
    staged, others, modified = index_listings(root)
    if staged.returncode != 0:
        raise EnvironmentProblem(
            f"{root}: git ls-files failed: {staged.stderr.decode(errors='replace').strip()}"
        )
    out_s, out_o, out_m = staged.stdout, others.stdout, modified.stdout
    keys: dict[str, str] = {}
    notes: list[tuple[str, int, str]] = []
    legacy_noted = False
    for rec in out_s.split(b"\0"):
        if not rec:
            continue
        meta, _, raw = rec.partition(b"\t")
        mode, blob, _stage = meta.split(b" ")
        path = raw.decode("utf-8", "surrogateescape")
        if _always_excluded(path):
            if path.startswith(LEGACY_CACHE) and not legacy_noted:
                legacy_noted = True
                notes.append((LEGACY_CACHE, 0, LEGACY_NOTE))
            continue
        if mode == b"160000":
            notes.append((path, 0, "submodule not entered"))
            continue
        if mode == b"120000":
            continue  # symlinks are not followed
        keys[path] = blob.decode()
    for raw in out_m.split(b"\0"):
        if raw:
            path = raw.decode("utf-8", "surrogateescape")
            if path in keys:
                if os.path.lexists(root / path):
                    keys[path] = ""  # modified: hash the working-tree content
                else:
                    del keys[path]  # deleted in the working tree
    for raw in out_o.split(b"\0"):
        if raw:
            path = raw.decode("utf-8", "surrogateescape")
            if not _always_excluded(path) and not os.path.islink(root / path):
                keys[path] = ""
    return FileSet(root, keys, True, notes)


def _always_excluded(path: str) -> bool:
    return path.startswith(ALWAYS_EXCLUDED) or "/.git/" in path


def _walk_files(root: Path) -> FileSet:
    """Outside git: walk the tree, honouring ``.gitignore`` files at every level."""
    import pathspec

    keys: dict[str, str] = {}
    special: list[str] = []  # named pipes, sockets, devices: never opened
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        specs = [(base, s) for base, s in specs if rel.startswith(base)]
        gi = os.path.join(dirpath, ".gitignore")
        if os.path.isfile(gi):
            try:
                with open(gi, encoding="utf-8", errors="replace") as fh:
                    specs.append((rel, pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())))
            except OSError:
                pass

        def ignored(p: str, is_dir: bool, rel: str = rel, specs: list = specs) -> bool:
            # as git decides: the deepest .gitignore with a matching rule wins (a negation
            # `!keep.log` in sub/ re-includes what `*.log` at the root excludes)
            full = rel + p + ("/" if is_dir else "")
            decision = False
            for base, s in specs:  # shallowest first
                found = s.check_file(full[len(base) :]).include
                if found is not None:
                    decision = found
            return decision

        keep = []
        for d in sorted(dirnames):
            full = rel + d + "/"
            if full in (".git/", ".scoped_cache/") or os.path.islink(os.path.join(dirpath, d)):
                continue
            if not ignored(d, True):
                keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            try:
                mode = os.lstat(os.path.join(dirpath, f)).st_mode
            except OSError:
                continue  # gone since the directory was listed
            if stat.S_ISLNK(mode) or ignored(f, False):
                continue
            if not stat.S_ISREG(mode):
                special.append(rel + f)
                continue
            keys[rel + f] = ""
    notes = [
        (
            "",
            0,
            "not a git repository: files listed by walking the tree, honouring .gitignore files",
        )
    ]
    notes += [(path, 0, NOT_REGULAR_NOTE) for path in special]
    return FileSet(root, keys, False, notes)


def fill_content_keys(fs: FileSet) -> None:
    """Key untracked and modified files by the blob id of their content (read once here)."""
    for path, key in fs.keys.items():
        if not key:
            try:
                fs.keys[path] = blob_id(read_regular(fs.root / path))
            except OSError:
                fs.keys[path] = f"unreadable:{path}"
