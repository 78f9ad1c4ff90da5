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

import functools
import hashlib
import marshal
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..readers.facts import READER_VERSION

LEGACY_DIR = ".scoped_cache"  # where caches lived before; never read (see the module docstring)
# marshal's own format version is part of the name: a Python upgrade starts a new cache
CACHE_NAME = f"facts-r{READER_VERSION}-m{marshal.version}.bin"


class FactsCache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = cache_dir(root) / CACHE_NAME
        self.enabled = enabled
        self.facts: dict[str, Any] = {}
        self.patterns: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        data = load_marshal(self.path)
        if isinstance(data, dict) and data.get("v") == READER_VERSION:
            self.facts = data.get("facts", {})
            self.patterns = data.get("patterns", {})

    def save(self, live_keys: set[str]) -> None:
        """Write the cache, keeping only entries of files that exist now."""
        if not self.enabled or not self.dirty:
            return
        facts = {k: v for k, v in self.facts.items() if k in live_keys}
        patterns = {
            fp: {k: v for k, v in hits.items() if k in live_keys}
            for fp, hits in list(self.patterns.items())[-4:]
        }
        atomic_dump(self.path, {"v": READER_VERSION, "facts": facts, "patterns": patterns})


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
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(data))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass  # a read-only checkout still checks; it just stays cold


class HistoryCache(ResultCache):
    """The commits of the last activity window read from git, keyed by the commit id they were
    read from and the window's start: a warm ``check`` or ``status`` does not walk history
    again. Kept beside the result cache, wherever that lives."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        super().__init__(root, enabled)
        self.path = self.path.with_name(f"history-m{marshal.version}.bin")
