"""The thin warm path: replay the last output of the very same ``scoped check`` when nothing it
reads has changed, without importing click, parsing the registry or rendering.

A full run that may be replayed records, in the cache directory (never in the checked tree):
the key of its inputs, the command line, and the rendered output with the run time left blank.
A later process with the same command line computes the key again from the raw inputs alone:

* the bytes of ``scoped.toml`` and ``pyproject.toml`` at the root (the registry, unparsed);
* the bytes of every other file the full run named as an input (roster, evidence, baseline);
* ``git ls-files -s`` (every tracked path with its blob id, before ``exclude``), the untracked
  files git does not ignore and the modified ones, each with a hash of its content;
* where "now" falls among the registry's dates, the tool and reader versions, and the
  environment that changes a verdict or its rendering.

Any doubt (another command line, a missing or unreadable record, outside git, ``--config``,
``--now``) falls back to the full path; the full path then records again. The key is stricter
than the result cache's (it covers excluded files too), so a replay is never wrong, only
sometimes not taken.
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import os
import sys
import time
from pathlib import Path
from typing import Any

from .. import __version__
from ..adapters.cache import atomic_dump, cache_dir, code_fingerprint, load_marshal
from ..adapters.files import blob_id
from ..adapters.git import index_listings
from ..readers.facts import READER_VERSION

RECORD_VERSION = 1
RECORD_NAME = f"warm-v{RECORD_VERSION}-r{READER_VERSION}-m{marshal.version}.bin"
# the run time in a recorded output: rendered with this value, replaced at print time
SENTINEL = 970531.125
_SENTINEL_FORMS = ("{:.2f}s", "{:.3f}")  # text; JSON and JUnit
ENV = ("SCOPED_VOTING", "NO_COLOR", "TERM", "GITHUB_STEP_SUMMARY", "SCOPED_STRICT_READERS")
REGISTRY_FILES = ("scoped.toml", "pyproject.toml")
# options whose meaning depends on more than the files: never replayed
NOT_REPLAYED = ("--no-cache", "--changed", "--config", "--now", "-h", "--help", "--version")


def find_root(cwd: Path) -> Path | None:
    """The nearest directory holding ``.git`` (a directory, or the file of a worktree)."""
    for d in (cwd, *cwd.parents):
        if os.path.lexists(d / ".git"):
            return d
    return None


def signature(argv: list[str], color: bool, cwd: Path) -> tuple:
    return (tuple(argv), color, str(cwd), tuple(os.environ.get(k) for k in ENV))


def replayable(argv: list[str]) -> bool:
    """Only ``check`` without options that read more than the files; never when the run has a
    side effect besides its output (a GitHub job summary)."""
    if not argv or argv[0] != "check" or os.environ.get("GITHUB_STEP_SUMMARY"):
        return False
    return not any(a == o or a.startswith(o + "=") for a in argv for o in NOT_REPLAYED)


def inputs_key(root: Path, extra: list[str], marks: list[float], now: float) -> str | None:
    """The hash of everything a check reads, from raw bytes (None outside git or on error)."""
    h = hashlib.sha256()
    env = "|".join(f"{k}={os.environ.get(k)}" for k in ENV)
    epoch = bisect.bisect_right(marks, now)
    h.update(f"{__version__}|{code_fingerprint()}|{READER_VERSION}|{env}|{epoch}\n".encode())
    for rel in (*REGISTRY_FILES, *extra):
        try:
            data = (root / rel).read_bytes()
        except OSError:
            data = b"\0missing"
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(hashlib.sha256(data).digest())
    staged, others, modified = index_listings(root)
    if staged.returncode or others.returncode or modified.returncode:
        return None
    h.update(staged.stdout)
    for tag, out in ((b"\0untracked\0", others.stdout), (b"\0modified\0", modified.stdout)):
        h.update(tag)
        for raw in out.split(b"\0"):
            if raw:
                try:
                    content = blob_id((root / os.fsdecode(raw)).read_bytes()).encode()
                except OSError:
                    content = b"unreadable"
                h.update(raw + b"\0" + content + b"\n")
    return h.hexdigest()


def _path(root: Path) -> Path:
    return cache_dir(root) / RECORD_NAME


def replay(argv: list[str], started: float) -> int | None:
    """Print the recorded output of this command line if every input is unchanged; return its
    exit code, or None to run the full path."""
    if not replayable(argv):
        return None
    cwd = Path.cwd()
    root = find_root(cwd)
    if root is None:
        return None
    record = load_marshal(_path(root))
    if not isinstance(record, dict) or record.get("v") != RECORD_VERSION:
        return None
    color = (
        sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    )
    entry = record.get("outputs", {}).get(signature(argv, color, cwd))
    if entry is None:
        return None
    key = inputs_key(root, record["extra"], record["marks"], time.time())
    if key is None or key != record["key"]:
        return None
    output, code = entry
    seconds = time.perf_counter() - started
    for form in _SENTINEL_FORMS:
        sentinel = form.format(SENTINEL)
        if sentinel in output:
            output = output.replace(sentinel, form.format(seconds))
    sys.stdout.write(output)
    sys.stdout.flush()
    return int(code)


class Recorder:
    """Taken at the start of a full run (the key must describe the inputs as they were before
    the run read them), saved at its end with the rendered output."""

    def __init__(self, argv: list[str], root: Path, extra: list[str], marks: list[float]) -> None:
        self.argv = argv
        self.root = root
        self.extra = extra
        self.marks = marks
        self.key = inputs_key(root, extra, marks, time.time()) if replayable(argv) else None

    def save(self, render: Any, color: bool, code: int) -> None:
        """``render(seconds)`` gives the output; it is rendered with a sentinel run time."""
        if self.key is None:
            return
        output = render(SENTINEL)
        if sum(output.count(form.format(SENTINEL)) for form in _SENTINEL_FORMS) > 1:
            return  # the sentinel is not unique in this output: never replay it
        path = _path(self.root)
        record = load_marshal(path)
        if not isinstance(record, dict) or record.get("key") != self.key:
            record = {
                "v": RECORD_VERSION,
                "key": self.key,
                "extra": self.extra,
                "marks": self.marks,
                "outputs": {},
            }
        record["outputs"][signature(self.argv, color, Path.cwd())] = (output, code)
        atomic_dump(path, record)
