"""Inline suppressions: where the ``scoped: ignore[...]`` comments are, and what they suppress.

The candidate lines are found by ``git grep`` while the analysis runs (a cold run only: the
result cache keeps them with the result, since they change only when a file does). Only files
holding a candidate are read, and each candidate is judged by its file's own comment syntax
(:mod:`scoped_modules.rules.suppression`). When git cannot grep, the referencing lines of the
findings are read instead: suppressions still work, but stale ones cannot be found (a note).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from subprocess import Popen

from ..adapters.files import FileSet
from ..adapters.git import grep_results, start_grep
from ..finding import Finding
from ..rules.suppression import CANDIDATE, GREP_FIXED, Suppression, find_in_text

Candidates = list[tuple[str, int]]  # (path, line) holding the marker


def start(fileset: FileSet) -> Popen | None:
    return start_grep(fileset.root, GREP_FIXED, fileset.in_git)


def finish(proc: Popen | None, fileset: FileSet) -> Candidates | None:
    """The candidate lines in scanned files, or None when they could not be listed."""
    found = grep_results(proc)
    if found is None:
        return None
    return sorted({(p, n) for p, n, text in found if p in fileset.keys and CANDIDATE.search(text)})


def _read(root: Path, path: str) -> str | None:
    try:
        with open(root / path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return None


def suppressions(
    root: Path, candidates: Candidates | None, findings: Iterable[Finding]
) -> list[Suppression]:
    """The suppressions on the candidate lines; without candidates, on the findings' lines."""
    wanted: dict[str, set[int]] = {}
    if candidates is not None:
        for path, line in candidates:
            wanted.setdefault(path, set()).add(line)
    else:
        for f in findings:
            if f.path and f.line:
                wanted.setdefault(f.path, set()).add(f.line)
    out: list[Suppression] = []
    for path, lines in sorted(wanted.items()):
        text = _read(root, path)
        if text is not None and "scoped:" in text:
            out.extend(find_in_text(path, text, lines))
    return out
