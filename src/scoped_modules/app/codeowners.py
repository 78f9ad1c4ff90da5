"""``scoped codeowners``: the modules' owners as a section of the repository's CODEOWNERS file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ScopedError
from ..registry.model import Registry
from ..report.codeowners import render_section, rules_after_section, splice

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's search order


class Refused(ScopedError):
    """The section cannot be written faithfully (exit 1: a refused precondition)."""


@dataclass
class Plan:
    path: Path
    display: str
    old: str | None  # the file's text, None when it does not exist
    section: str
    skipped: list[str]

    @property
    def new(self) -> str:
        return splice(self.old or "", self.section)

    @property
    def up_to_date(self) -> bool:
        return self.old is not None and self.new == self.old

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                (self.old or "").splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                f"a/{self.display}",
                f"b/{self.display}",
            )
        )

    def overridden_by(self) -> list[str]:
        return rules_after_section(self.new)

    def write(self) -> bool:
        """Writes the file when it changes; True when it did."""
        from ..registry.edit import atomic_write

        if self.up_to_date:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, self.new, self.old)
        return True


def plan(registry: Registry) -> Plan:
    root = registry.root
    rel = next((r for r in LOCATIONS if (root / r).is_file()), LOCATIONS[0])
    path = root / rel
    section = render_section(
        registry.modules.values(), lambda p: (root / p).is_dir(), registry.rel_path
    )
    if section.refused:
        raise Refused([*section.refused, "nothing written: fix these entries in the registry"])
    old = path.read_text("utf-8") if path.is_file() else None
    return Plan(path, rel, old, section.text, section.skipped)
