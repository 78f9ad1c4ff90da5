"""What a run of ``check``/``deps``/``status`` is asked to do, and the file set it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..adapters.files import FileSet, list_files
from ..adapters.git import toplevel
from ..registry.model import Registry


@dataclass
class CheckOptions:
    module: str | None = None
    use_cache: bool = True
    now: datetime | None = None
    jobs: int | None = None
    progress: Callable[[int, int], None] | None = None
    # the pull-request gate (applied to the finished result, see app/gate.py)
    select: list[str] = field(default_factory=list)  # rule ids; empty: every rule
    ignore: list[str] = field(default_factory=list)
    baseline: Path | None = None  # else [project].baseline
    use_baseline: bool = True  # False: report every finding (`scoped baseline` records them)
    changed: str | None = None  # BASE of --changed
    only_changed: bool = False
    strict: bool = False  # stale baseline entries are errors

    history: bool = True  # SM011 reads git history; --no-history skips it


BASELINE_FILE = "scoped-baseline.toml"


def list_registry_files(registry: Registry) -> FileSet:
    """The scanned files: minus ``exclude`` and the baseline file, which quotes evidence (a
    module's ``references`` patterns would match there)."""
    root = registry.root
    fileset = list_files(root, toplevel(root) is not None, registry.project.exclude)
    fileset.keys.pop(registry.project.baseline or BASELINE_FILE, None)
    return fileset
