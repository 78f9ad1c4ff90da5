"""Which rules a run reports (SPEC §5): ``--select``/``--ignore``, ``[project].ignore``,
``modules.NAME.ignore`` and the governance switch, applied to a finished result so that they
compose with every rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .base import RULE_NAMES, Finding

# SM008 owners, SM009 champion, SM010 decisions, SM013 roster: the rules a project that uses
# `scoped` for boundaries only switches off with `[project].governance = false`
GOVERNANCE_RULES = ("SM008", "SM009", "SM010", "SM013")


def parse_rules(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(rule ids, items that name no rule) from ``SM003,SM004``-style values, ids or names."""
    by_name = {name: rid for rid, name in RULE_NAMES.items()}
    ids: list[str] = []
    unknown: list[str] = []
    for value in values:
        for item in value.replace(" ", ",").split(","):
            item = item.strip()
            if not item:
                continue
            rid = item.upper() if item.upper() in RULE_NAMES else by_name.get(item.lower())
            if rid is None:
                unknown.append(item)
            elif rid not in ids:
                ids.append(rid)
    return ids, unknown


@dataclass
class Selection:
    select: list[str] = field(default_factory=list)  # empty: every rule
    ignore: list[str] = field(default_factory=list)
    module_ignore: dict[str, list[str]] = field(default_factory=dict)

    def active(self, rule: str, module: str | None = None) -> bool:
        """Whether ``rule`` runs (for ``module``: its own ``ignore`` too)."""
        if self.select and rule not in self.select:
            return False
        if rule in self.ignore:
            return False
        return not (module and rule in self.module_ignore.get(module, ()))

    def keep(self, finding: Finding) -> bool:
        return self.active(finding.rule, finding.module)

    def active_everywhere(self, rule: str) -> bool:
        """Whether ``rule`` runs for every module (only then can a suppression be stale)."""
        return self.active(rule) and not any(rule in ig for ig in self.module_ignore.values())

    @property
    def everything(self) -> bool:
        return not self.select and not self.ignore and not any(self.module_ignore.values())
