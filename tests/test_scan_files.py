"""Reading the scanned files (SPEC §3): what is not a regular file, and readers that fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import base_files, check_json, write_tree

from scoped_modules.app import scan
from scoped_modules.readers import cpp

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _boom(*_args: object) -> object:
    raise RuntimeError("a reader bug")


@needs_fifo
def test_named_pipe_outside_git_is_skipped_with_a_note(tmp_path: Path) -> None:
    """Opening a named pipe waits for a writer: the scan must not (issue 13, defect 7)."""
    root = tmp_path / "plain"
    write_tree(root, base_files())
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "src" / "pipe.cc")
    proc = subprocess.run(
        [sys.executable, "-c", "from scoped_modules.cli import main; main()"]
        + ["check", "--format", "json", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,  # before the fix: blocked forever on open()
    )
    assert proc.returncode in (0, 1), proc.stderr
    notes = {(n["path"], n["message"]) for n in json.loads(proc.stdout)["notes"]}
    assert ("pipe.py", "skipped: not a regular file (a named pipe, socket or device)") in notes
    assert ("src/pipe.cc", "skipped: not a regular file (a named pipe, socket or device)") in notes


@needs_fifo
def test_read_one_does_not_wait_on_a_named_pipe(tmp_path: Path) -> None:
    """A path that became a named pipe after it was listed (e.g. a modified tracked file)."""
    os.mkfifo(tmp_path / "pipe.py")
    out: list[object] = []
    reader = threading.Thread(
        target=lambda: out.append(scan.read_one(str(tmp_path), "pipe.py", "", True, [])),
        daemon=True,
    )
    reader.start()
    reader.join(timeout=30)
    assert out, "read_one blocked on a named pipe"
    _path, key, facts, _hits = out[0]  # type: ignore[misc]
    assert key and facts is not None and "not a regular file" in facts[2][0][1]


def test_a_reader_error_fails_the_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.cc").write_text('#include "a.h"\n')
    monkeypatch.setattr(cpp, "_read", _boom)
    with pytest.raises(RuntimeError, match="a reader bug"):
        scan.read_one(str(tmp_path), "a.cc", "", True, [])
    with pytest.raises(RuntimeError, match="a reader bug"):  # the pattern search's guards too
        scan.read_one(str(tmp_path), "a.cc", "", False, scan.compile_patterns({"m": ["a"]}))


def test_a_reader_error_is_a_note_naming_the_file_in_production(
    repo, monkeypatch: pytest.MonkeyPatch, production_readers: None
) -> None:
    root = repo(base_files())
    monkeypatch.setattr(cpp, "_read", _boom)
    _code, report = check_json(root, "--no-cache")
    notes = {(n["path"], n["message"]) for n in report["notes"]}
    assert ("src/core.cc", "reader failed (RuntimeError); no references read") in notes
    assert ("src/uma/uma.cc", "reader failed (RuntimeError); no references read") in notes
