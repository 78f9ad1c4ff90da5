"""The facts cache in ``.scoped_cache/``: per-file facts keyed by git blob id and reader version.

Facts depend on a file's bytes alone, so entries never need invalidating: a changed file has a
new blob id. The file is written atomically (temporary file + ``os.replace``), so two runs
sharing the cache each see a complete file; the last writer wins and both are correct.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from ..readers.facts import READER_VERSION

CACHE_DIR = ".scoped_cache"
# marshal's own format version is part of the name: a Python upgrade starts a new cache
CACHE_NAME = f"facts-r{READER_VERSION}-m{marshal.version}.bin"


class FactsCache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / CACHE_NAME
        self.enabled = enabled
        self.facts: dict[str, Any] = {}
        self.patterns: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                data = marshal.loads(fh.read())  # 5x faster than marshal.load(fh)
        except (OSError, EOFError, ValueError, TypeError):
            return
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
        _atomic_dump(self.path, {"v": READER_VERSION, "facts": facts, "patterns": patterns})


class ResultCache:
    """The last complete check result, valid while its key (every input) is unchanged.

    ``scoped check`` is a pure function of the registry, the roster and evidence files, the
    scanned files' contents, the reader version and the position of "now" among the registry's
    dates; the key hashes all of them, so a warm run with nothing changed skips reading,
    resolving and the rules altogether.
    """

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / f"result-r{READER_VERSION}-m{marshal.version}.bin"
        self.enabled = enabled

    def load(self, key: str) -> Any:
        if not self.enabled:
            return None
        try:
            with open(self.path, "rb") as fh:
                data = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if isinstance(data, dict) and data.get("key") == key:
            return data.get("payload")
        return None

    def save(self, key: str, payload: Any) -> None:
        if not self.enabled:
            return
        _atomic_dump(self.path, {"key": key, "payload": payload})


def _atomic_dump(path: Path, data: Any) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
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
