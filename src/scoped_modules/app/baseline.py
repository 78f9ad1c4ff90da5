"""The baseline file: ``scoped baseline [FILE]`` writes it, ``check --baseline FILE`` (or
``[project].baseline``) reads it.

A TOML file meant to be reviewed in a diff: one ``[[finding]]`` table per known error, sorted by
module, rule and path, each showing the evidence it was recorded from (the ``hash`` is what is
matched; see :mod:`scoped_modules.rules.baseline`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomlkit

from ..errors import ConfigError
from ..finding import Finding
from ..registry.model import Registry
from ..rules.baseline import Entry, entries_for
from .options import BASELINE_FILE

DEFAULT_FILE = BASELINE_FILE
HEADER = (
    "Known findings that `scoped check --baseline` tolerates: only new errors fail.",
    "Written by `scoped baseline`; review it like code. Entries should only disappear: an",
    "entry whose finding is gone is reported as stale (an error under --strict).",
)


def resolve_path(registry: Registry, given: Path | None, cwd: Path) -> Path | None:
    """The baseline a run uses: ``--baseline`` (relative to the current directory), else
    ``[project].baseline`` (relative to the root), else none."""
    if given is not None:
        return given if given.is_absolute() else cwd / given
    if registry.project.baseline:
        return registry.root / registry.project.baseline
    return None


def render(entries: list[Entry]) -> str:
    doc = tomlkit.document()
    for line in HEADER:
        doc.add(tomlkit.comment(line))
    doc.add("schema", 1)
    table = tomlkit.aot()
    for e in entries:
        row = tomlkit.table()
        row.add("rule", e.rule)
        if e.module is not None:
            row.add("module", e.module)
        if e.path is not None:
            row.add("path", e.path)
        row.add("evidence", e.evidence)
        row.add("hash", e.hash)
        if e.count != 1:
            row.add("count", e.count)
        table.append(row)
    if entries:
        doc.add(tomlkit.nl())
        doc.add("finding", table)
    return tomlkit.dumps(doc)


def write(path: Path, findings: list[Finding]) -> list[Entry]:
    from ..registry.edit import atomic_write

    entries = entries_for(findings)
    old = path.read_text("utf-8") if path.exists() else None
    atomic_write(path, render(entries), old)
    return entries


def read(path: Path) -> list[Entry]:
    """The entries of a baseline file; a malformed file is a ConfigError (exit 2)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such baseline; write it with `scoped baseline {path}`")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc}")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not a baseline (TOML syntax error: {exc})")
    if data.get("schema") != 1:
        raise ConfigError(f"{path}: not a baseline (`schema = 1` missing)")
    rows = data.get("finding", [])
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: `finding` must be [[finding]] tables")
    problems: list[str] = []
    entries: list[Entry] = []
    for i, row in enumerate(rows, 1):
        ok = isinstance(row, dict) and all(
            isinstance(row.get(k), str) for k in ("rule", "hash", "evidence")
        )
        ok = ok and all(isinstance(row.get(k, ""), str) for k in ("module", "path"))
        count = row.get("count", 1) if isinstance(row, dict) else 1
        if not ok or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            problems.append(
                f"{path}: finding {i}: needs strings rule, evidence, hash (module, path optional) "
                "and a positive integer count"
            )
            continue
        entries.append(
            Entry(
                row["rule"], row.get("module"), row.get("path"), row["hash"], row["evidence"], count
            )
        )
    if problems:
        raise ConfigError(problems)
    return entries
