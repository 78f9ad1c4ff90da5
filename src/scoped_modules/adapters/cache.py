"""The caches: per-file facts keyed by git blob id and reader version, and the last result.

They live where the checked tree cannot plant them: inside git, in ``scoped/`` under the git
common directory (``.git/scoped/``, shared by worktrees); outside git, in the user's cache
directory (``$XDG_CACHE_HOME/scoped/``, else ``~/.cache/scoped/``) under a key of the root's
absolute path. ``SCOPED_CACHE_DIR`` overrides the base (keyed by root the same way). A
``.scoped_cache/`` committed into a repository is never read (the scan says so in a note): a
checked repository must not be able to choose its own verdict.

Facts depend on a file's bytes alone, so entries never need invalidating: a changed file has a
new blob id. The file is written atomically (temporary file + ``os.replace``), so two runs
sharing the cache each see a complete file; the last writer wins and both are correct.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..readers.facts import READER_VERSION

LEGACY_DIR = ".scoped_cache"  # where caches lived before; never read (see the module docstring)
# marshal's own format version is part of the name: a Python upgrade starts a new cache; f2:
# the file format (one entry per key behind a header)
CACHE_NAME = f"facts-r{READER_VERSION}-m{marshal.version}-f2.bin"


@functools.lru_cache(maxsize=1)
def facts_version() -> str:
    """What the cached facts were made by: the reader version and a hash of the readers' own
    source (and of the scan that calls them), so that facts read by other code (a reader changed
    without a version bump, a development checkout) are never served. By content, not by
    modification time: the same release gives the same key on every machine and checkout."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{READER_VERSION}\n".encode())
    readers = package / "readers"
    # the C twins' source too: the same key whether they or the Python twins read the facts
    sources = [*readers.glob("*.py"), readers / "_speedups.c", package / "app" / "scan.py"]
    for path in sorted(sources):
        try:
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            h.update(path.name.encode() + b"\0?\0")
    return f"{READER_VERSION}:{h.hexdigest()[:16]}"


class FactsCache:
    """The facts of every file read, by key (``FileFacts`` as marshal bytes, one entry each).

    The file is a header (every key's place, the pattern hits) followed by the entries, so that
    a run decodes only the entries it uses, one at a time, and never holds the whole cache in
    memory. Entries read in this run are written by the reading process (the parent or a child
    of the parallel scan) to its own unnamed temporary file (:meth:`shard`); :meth:`save` copies
    the entries of the files that exist now, from wherever they are, into a new cache file:
    entries of deleted or changed files are dropped, so the cache never grows past the facts of
    one tree (and files of other reader versions or formats are removed)."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = cache_dir(root) / CACHE_NAME
        self.enabled = enabled
        self.patterns: dict[str, dict[str, Any]] = {}
        self.dirty = False
        self._where: dict[str, tuple[int, int, int]] = {}  # key -> (file, offset, length)
        self._fds: list[int] = []  # the cache file read, then the shards
        weakref.finalize(self, _close_all, self._fds)
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return
        self._fds.append(fd)
        try:
            head = _pread(fd, _HEAD, 0)
            size = int.from_bytes(head[len(_MAGIC) :], "little")
            header = (
                marshal.loads(_pread(fd, size, _HEAD)) if head[: len(_MAGIC)] == _MAGIC else None
            )
            if not isinstance(header, dict) or header.get("v") != facts_version():
                return
            base = _HEAD + size
            self._where = {k: (0, base + off, n) for k, (off, n) in header["entries"].items()}
            self.patterns = header.get("patterns", {})
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            self._where, self.patterns = {}, {}

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def get(self, key: str) -> Any:
        """The facts cached for ``key``, or None."""
        where = self._where.get(key)
        if where is None:
            return None
        try:
            facts = marshal.loads(_pread(self._fds[where[0]], where[2], where[1]))
        except (OSError, EOFError, ValueError, TypeError):
            return None
        # a damaged entry that still unmarshals is no facts tuple: read the file again
        ok = isinstance(facts, tuple) and len(facts) == 4 and isinstance(facts[0], str)
        return facts if ok and isinstance(facts[1], list) and isinstance(facts[3], dict) else None

    def shard(self) -> Shard | None:
        """Where one process writes the entries it reads (None: caching is off or impossible).
        Made before forking, so that every process's entries are readable here."""
        if not self.enabled:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = _unnamed_file(self.path.parent)
        except OSError:
            return None
        self._fds.append(fd)
        return Shard(len(self._fds) - 1, fd)

    def add(self, key: str, where: tuple[int, int, int]) -> None:
        """Record that ``key``'s entry is at ``where`` (from :meth:`Shard.put`)."""
        self._where[key] = where
        self.dirty = True

    def save(self, live_keys: set[str]) -> None:
        """Write the cache, keeping only entries of files that exist now."""
        if not self.enabled or not self.dirty:
            return
        # in file order, so that runs of adjacent entries are copied at once
        keep = sorted((w, k) for k, w in self._where.items() if k in live_keys)
        entries: dict[str, tuple[int, int]] = {}
        pos = 0
        for (_f, _off, n), k in keep:
            entries[k] = (pos, n)
            pos += n
        patterns = {
            fp: {k: v for k, v in hits.items() if k in live_keys}
            for fp, hits in list(self.patterns.items())[-4:]
        }
        header = marshal.dumps({"v": facts_version(), "entries": entries, "patterns": patterns})

        def write(out: int) -> None:
            _write_all(out, _MAGIC + len(header).to_bytes(_HEAD - len(_MAGIC), "little") + header)
            run: list[int] = []  # [file, offset, length] of adjacent entries
            for (f, off, n), _k in keep:
                if run and run[0] == f and run[1] + run[2] == off:
                    run[2] += n
                    continue
                if run:
                    _copy(self._fds[run[0]], out, run[1], run[2])
                run = [f, off, n]
            if run:
                _copy(self._fds[run[0]], out, run[1], run[2])

        if atomic_write(self.path, write):
            _remove_stale(self.path.parent, CACHE_NAME)


class Shard:
    """One process's file of new entries (see :meth:`FactsCache.shard`)."""

    __slots__ = ("number", "fd", "size")

    def __init__(self, number: int, fd: int) -> None:
        self.number, self.fd, self.size = number, fd, 0

    def put(self, facts: Any) -> tuple[int, int, int] | None:
        """Write one entry; where it is, for :meth:`FactsCache.add` (None: not written)."""
        data = marshal.dumps(facts)
        try:
            _write_all(self.fd, data, self.size)
        except OSError:
            return None
        where = (self.number, self.size, len(data))
        self.size += len(data)
        return where


_MAGIC = b"SCF2"
_HEAD = len(_MAGIC) + 8  # the magic, then the length of the marshalled header (little endian)
_STALE_TEMP_SECONDS = 3600  # a temporary file this old was left by a run that was killed


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    fds.clear()


def _pread(fd: int, n: int, offset: int) -> bytes:
    data = os.pread(fd, n, offset)
    while len(data) < n:
        more = os.pread(fd, n - len(data), offset + len(data))
        if not more:
            raise EOFError("cache file cut short")
        data += more
    return data


def _write_all(fd: int, data: bytes, offset: int | None = None) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view) if offset is None else os.pwrite(fd, view, offset)
        view = view[n:]
        if offset is not None:
            offset += n


def _copy(src: int, dst: int, offset: int, n: int) -> None:
    """Append ``n`` bytes of ``src`` from ``offset`` to ``dst`` (in the kernel when it can)."""
    while n > 0:
        try:
            k = os.copy_file_range(src, dst, n, offset) if _COPY_RANGE else 0
        except OSError:
            k = 0
        if k <= 0:  # not supported here (another file system, an old kernel): by hand
            k = min(n, 1 << 20)
            _write_all(dst, _pread(src, k, offset))
        offset += k
        n -= k


_COPY_RANGE = hasattr(os, "copy_file_range")


def _unnamed_file(directory: Path) -> int:
    """A new file in ``directory`` that no name points to (it is gone when closed)."""
    if hasattr(os, "O_TMPFILE"):
        try:
            return os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o600)
        except OSError:
            pass  # a file system without O_TMPFILE
    fd, name = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    os.unlink(name)
    return fd


def _remove_stale(directory: Path, current: str) -> None:
    """Facts files of other reader versions or formats, and temporary files of killed runs."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    now = time.time()
    for name in names:
        path = directory / name
        with contextlib.suppress(OSError):
            other = name.startswith("facts-") and name.endswith(".bin") and name != current
            if other or (
                name.startswith(".tmp-") and now - path.stat().st_mtime > _STALE_TEMP_SECONDS
            ):
                path.unlink()


class ResultCache:
    """The last complete check result, valid while its key (every input) is unchanged.

    ``scoped check`` is a pure function of the registry, the roster and evidence files, the
    scanned files' contents, the reader version and the position of "now" among the registry's
    dates; the key hashes all of them, so a warm run with nothing changed skips reading,
    resolving and the rules altogether.
    """

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = cache_dir(root) / f"result-r{READER_VERSION}-m{marshal.version}.bin"
        self.enabled = enabled

    def load(self, key: str) -> Any:
        if not self.enabled:
            return None
        data = load_marshal(self.path)
        if isinstance(data, dict) and data.get("key") == key:
            return data.get("payload")
        return None

    def save(self, key: str, payload: Any) -> None:
        if not self.enabled:
            return
        atomic_dump(self.path, {"key": key, "payload": payload})


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of this tool's own source files (names, sizes, modification times): part of every
    cache key, so results computed by other code (a development checkout, an upgrade without a
    version bump) are never served."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def _root_key(root: Path) -> str:
    return hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _git_common_dir(root: Path) -> Path | None:
    """The git common directory of the work tree at ``root`` (None outside git).

    The usual layouts are read from disk (``.git`` directory; ``.git`` file of a worktree with
    its ``commondir``), which costs no process; anything else asks git."""
    dot = root / ".git"
    try:
        if dot.is_dir():
            return dot
        if dot.is_file():
            text = dot.read_text("utf-8").strip()
            if text.startswith("gitdir:"):
                gitdir = (root / text[len("gitdir:") :].strip()).resolve()
                common = gitdir / "commondir"
                if common.is_file():
                    return (gitdir / common.read_text("utf-8").strip()).resolve()
                return gitdir
    except OSError:
        pass
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return Path(out.stdout.strip())


def _user_cache_base() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scoped"


@functools.lru_cache(maxsize=8)
def cache_dir(root: Path) -> Path:
    """Where the caches of the repository rooted at ``root`` live (never inside its tree)."""
    override = os.environ.get("SCOPED_CACHE_DIR")
    if override:
        return Path(override) / _root_key(root)
    common = _git_common_dir(root)
    if common is None:
        return _user_cache_base() / _root_key(root)
    if (root / ".git").exists():
        return common / "scoped"
    return common / "scoped" / _root_key(root)  # a registry below the top level (--config)


def load_marshal(path: Path) -> Any:
    """What ``atomic_dump`` wrote at ``path``, or None (missing, unreadable, another format)."""
    try:
        with open(path, "rb") as fh:
            return marshal.loads(fh.read())  # 5x faster than marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def atomic_dump(path: Path, data: Any) -> None:
    """Write ``data`` with marshal to a temporary file, then rename it over ``path``: readers
    see the old file or the new one, never a part. Failing to write only leaves caches cold."""
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return
    atomic_write(path, lambda fd: _write_all(fd, blob))


def atomic_write(path: Path, write: Callable[[int], None]) -> bool:
    """Have ``write`` fill a temporary file (given its descriptor) in ``path``'s directory, then
    rename it over ``path``. False when that failed (``path`` is as it was)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            try:
                write(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        return False  # a read-only checkout still checks; it just stays cold
    return True


class HistoryCache(ResultCache):
    """The commits of the last activity window read from git, keyed by the commit id they were
    read from and the window's start: a warm ``check`` or ``status`` does not walk history
    again. Kept beside the result cache, wherever that lives."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        super().__init__(root, enabled)
        self.path = self.path.with_name(f"history-m{marshal.version}.bin")
