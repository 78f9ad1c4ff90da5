"""The analysis behind ``check``: read (cache first), index, run every rule.

Everything here is orchestration; the readers and git are adapters, the rules pure functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..adapters.cache import FactsCache
from ..adapters.files import FileSet
from ..index import Index, Tables, build_index, prepare_tables
from ..registry.model import Registry
from ..rules.base import SEVERITY_ORDER, Finding
from ..rules.boundary import check_dependents_stage, check_inbound, judged
from ..rules.paths import check_missing_paths, check_overlaps, check_stray_files
from ..rules.toggles import check_partial, check_toggles
from .lifecycle import lifecycle_checks
from .options import CheckOptions, list_registry_files
from .scan import scan

CHECKED_STAGES = ("proposed", "s0", "s1", "s2", "deprecated", "removed")


def build(
    registry: Registry,
    options: CheckOptions,
    fileset: FileSet | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Index:
    """List, read (cache first) and index the repository.

    The name tables need only the file list, so they are built while the reader processes
    work, together with ``meanwhile`` (the rules that need no index)."""
    if fileset is None:
        fileset = list_registry_files(registry)
    cache = FactsCache(registry.root, options.use_cache)
    patterns = {m.name: m.references for m in registry.modules.values() if m.references}
    files = sorted(fileset.keys)
    tables: list[Tables] = []

    def background() -> None:
        tables.append(prepare_tables(registry, files))
        if meanwhile is not None:
            meanwhile()

    result = scan(fileset, patterns, cache, options.progress, options.jobs, background)
    cache.save(set(fileset.keys.values()))
    index = build_index(registry, files, result, tables[0])
    index.notes = [*fileset.notes, *result.notes, *index.notes]
    return index


def _evidence_loader(root: Path) -> Callable[[str], tuple[bytes | None, str | None]]:
    def load(rel: str) -> tuple[bytes | None, str | None]:
        try:
            return (root / rel).read_bytes(), None
        except OSError as exc:
            return None, f"cannot read '{rel}': {exc.strerror}"

    return load


def governance_findings(registry: Registry, now: datetime) -> list[Finding]:
    """SM008/SM009/SM013 and SM010: they read the registry and evidence only, not the index."""
    governance = _governance_rules()
    if governance is None:
        return []
    people_rules, decision_rules = governance
    loader = _evidence_loader(registry.root)
    out: list[Finding] = []
    for m in registry.modules.values():
        if m.stage in CHECKED_STAGES:
            out += [_from_dict(d) for d in people_rules(registry, m, now)]
            out += [_from_dict(d) for d in decision_rules(registry, m, loader, now)]
    return out


def run_rules(
    index: Index, now: datetime, governance: list[Finding] | None = None
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    registry = index.registry
    modules = [m for m in registry.modules.values() if m.stage in CHECKED_STAGES]
    findings: list[Finding] = []
    notes: list[tuple[str, int, str]] = []
    findings += check_overlaps(index, modules)
    findings += check_stray_files(index, modules)
    findings += check_toggles(index, modules)
    findings += governance if governance is not None else governance_findings(registry, now)
    for m in modules:
        findings += check_missing_paths(index, m)
        findings += check_inbound(index, m, index.inbound(m.name))
        findings += check_dependents_stage(index, m)
        partial, partial_notes = check_partial(index, m, index.targeting(m.name))
        findings += partial
        notes += partial_notes
    return findings, notes


def _governance_rules():  # -> tuple[callable, callable] | None
    """SM008/SM009/SM013 and SM010 live with the voting code, a scoped module of this project
    switched off by ``SCOPED_VOTING=0`` (see the project's own scoped.toml)."""
    if os.environ.get("SCOPED_VOTING", "1") == "1":
        from ..governance.decisions import check_decisions, check_people

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


def analyse(registry: Registry, options: CheckOptions, fileset: FileSet, now: datetime) -> dict:
    """Everything ``check`` reports, for all modules, as plain data (what the result cache holds)."""
    governance: list[Finding] = []
    index = build(
        registry, options, fileset, lambda: governance.extend(governance_findings(registry, now))
    )
    findings, rule_notes = run_rules(index, now, governance)
    lifecycle_checks(registry, options, findings, rule_notes)  # SM011, proposal documents
    findings.sort(key=Finding.sort_key)
    rows = []
    for m in registry.modules.values():
        inbound = index.inbound(m.name)
        mine = [f for f in findings if f.module == m.name]
        worst = min((SEVERITY_ORDER[f.severity] for f in mine), default=3)
        status = "error" if worst == 0 else "warning" if worst == 1 else "ok"
        rows.append(
            (
                m.name,
                m.stage,
                len(index.module_files(m.name)),
                sum(1 for r in inbound if judged(r)),
                sum(1 for r in inbound if r.wiring is not None),
                status,
            )
        )
    owner = index.membership.owner
    notes = [
        (p or None, line or None, msg, (owner.get(p) or (None,))[0])
        for p, line, msg in [*index.notes, *rule_notes]
    ]
    return {
        "files": len(index.files),
        "rows": rows,
        "findings": [tuple(getattr(f, s) for s in Finding.__slots__) for f in findings],
        "notes": notes,
    }
