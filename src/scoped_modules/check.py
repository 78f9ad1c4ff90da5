"""The ``check`` use case: registry → files → facts → index → rules → one CheckResult.

Everything here is orchestration; the readers and git are adapters, the rules pure functions.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .index import Index, build_index
from .registry.model import Registry
from .result import CheckResult, ModuleRow, Note
from .rules.base import SEVERITY_ORDER, Finding
from .rules.boundary import check_dependents_stage, check_inbound, judged
from .rules.paths import check_missing_paths, check_overlaps, check_stray_files
from .rules.toggles import check_partial, check_toggles
from .scan.cache import FactsCache
from .scan.files import list_files
from .scan.scanner import scan

CHECKED_STAGES = ("proposed", "s0", "s1", "s2", "deprecated", "removed")


@dataclass
class CheckOptions:
    module: str | None = None
    use_cache: bool = True
    now: datetime | None = None
    jobs: int | None = None
    progress: Callable[[int, int], None] | None = None


def build(registry: Registry, options: CheckOptions) -> Index:
    """List, read (cache first) and index the repository."""
    from .registry.load import git_toplevel

    root = registry.root
    in_git = git_toplevel(root) is not None
    fileset = list_files(root, in_git, registry.project.exclude)
    cache = FactsCache(root, options.use_cache)
    patterns = {m.name: m.references for m in registry.modules.values() if m.references}
    result = scan(fileset, patterns, cache, options.progress, options.jobs)
    cache.save(set(fileset.keys.values()))
    files = sorted(fileset.keys)
    index = build_index(registry, files, result)
    index.notes = [*fileset.notes, *result.notes, *index.notes]
    return index


def _evidence_loader(root: Path) -> Callable[[str], tuple[bytes | None, str | None]]:
    def load(rel: str) -> tuple[bytes | None, str | None]:
        try:
            return (root / rel).read_bytes(), None
        except OSError as exc:
            return None, f"cannot read '{rel}': {exc.strerror}"

    return load


def run_rules(index: Index, now: datetime) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    registry = index.registry
    modules = [m for m in registry.modules.values() if m.stage in CHECKED_STAGES]
    findings: list[Finding] = []
    notes: list[tuple[str, int, str]] = []
    findings += check_overlaps(index, modules)
    findings += check_stray_files(index, modules)
    findings += check_toggles(index, modules)
    governance = _governance_rules()
    loader = _evidence_loader(registry.root)
    for m in modules:
        findings += check_missing_paths(index, m)
        findings += check_inbound(index, m, index.inbound(m.name))
        findings += check_dependents_stage(index, m)
        partial, partial_notes = check_partial(index, m, index.targeting(m.name))
        findings += partial
        notes += partial_notes
        if governance is not None:
            people_rules, decision_rules = governance
            findings += [_from_dict(d) for d in people_rules(registry, m, now)]
            findings += [_from_dict(d) for d in decision_rules(registry, m, loader, now)]
    return findings, notes


def _governance_rules():  # -> tuple[callable, callable] | None
    """SM008/SM009/SM013 and SM010 live with the voting code, a scoped module of this project
    switched off by ``SCOPED_VOTING=0`` (see the project's own scoped.toml)."""
    if os.environ.get("SCOPED_VOTING", "1") == "1":
        from .governance.decisions import check_decisions, check_people

        return check_people, check_decisions
    return None


def _from_dict(d: dict) -> Finding:
    return Finding(
        d["rule"],
        d.get("level") or d.get("severity") or "error",
        d.get("module"),
        d.get("path"),
        d.get("line"),
        d["message"],
        d.get("hint"),
        evidence=d.get("evidence"),
    )


def check(registry: Registry, options: CheckOptions) -> CheckResult:
    started = time.perf_counter()
    now = options.now or datetime.now(UTC)
    index = build(registry, options)
    findings, rule_notes = run_rules(index, now)
    if options.module:
        findings = [f for f in findings if f.module == options.module]
    findings.sort(key=Finding.sort_key)
    rows = []
    for m in registry.modules.values():
        if options.module and m.name != options.module:
            continue
        inbound = index.inbound(m.name)
        mine = [f for f in findings if f.module == m.name]
        worst = min((SEVERITY_ORDER[f.severity] for f in mine), default=3)
        status = "error" if worst == 0 else "warning" if worst == 1 else "ok"
        rows.append(
            ModuleRow(
                m.name,
                m.stage,
                len(index.module_files(m.name)),
                sum(1 for r in inbound if judged(r)),
                sum(1 for r in inbound if r.wiring is not None),
                status,
            )
        )
    notes = [Note(p or None, line or None, msg) for p, line, msg in [*index.notes, *rule_notes]]
    if options.module:
        files_of = set(index.module_files(options.module))
        notes = [n for n in notes if n.path in files_of]
    return CheckResult(
        root=str(registry.root),
        registry_path=registry.rel_path,
        files=len(index.files),
        modules=rows,
        findings=findings,
        notes=notes,
        seconds=time.perf_counter() - started,
    )
