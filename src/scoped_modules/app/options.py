"""What a run of ``check``/``deps``/``status`` is asked to do, and the file set it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
    history: bool = True  # SM011 reads git history; --no-history skips it


def list_registry_files(registry: Registry) -> FileSet:
    root = registry.root
    return list_files(root, toplevel(root) is not None, registry.project.exclude)
