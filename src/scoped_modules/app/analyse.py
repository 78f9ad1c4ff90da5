"""The analysis behind ``check``: read (cache first), index, run every rule.

Everything here is orchestration; the readers and git are adapters, and the rules (the one list
:data:`scoped_modules.rules.RULES`) read a :class:`~scoped_modules.rules.base.RuleContext`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..adapters.cache import FactsCache
from ..adapters.files import FileSet, read_regular
from ..finding import SEVERITY_ORDER, STAGES, Finding
from ..index import (
    CMakeModel,
    Index,
    build_index,
    cmake_model,
    index_view,
    is_model_input,
    prepare_tables,
    python_prefilter,
)
from ..readers.facts import FileFacts
from ..registry.model import Registry
from ..rules import RULES
from ..rules.base import EvidenceLoader, RuleContext
from ..rules.boundary import judged
from ..rules.toggle_state import toggle_state
from .activity import activity_for_check
from .lifecycle import proposal_notes
from .options import CheckOptions, list_registry_files
from .scan import MAX_BYTES, scan


def build(
    registry: Registry,
    options: CheckOptions,
    fileset: FileSet | None = None,
    meanwhile: Callable[[], None] | None = None,
    outbound: bool = True,
) -> Index:
    """List, read (cache first) and index the repository.

    The name tables need only the file list; they are built first, so that the reader
    processes keep of each file only what the index reads (``index_view``). While they read,
    this process reads the CMake files and builds the build model, then runs ``meanwhile`` (the
    rules that need no index)."""
    if fileset is None:
        fileset = list_registry_files(registry)
    cache = FactsCache(registry.root, options.use_cache)
    patterns = {m.name: m.references for m in registry.modules.values() if m.references}
    files = sorted(fileset.keys)
    tables = prepare_tables(registry, files)
    view = index_view(registry, tables, outbound)
    early: list[CMakeModel] = []

    def model(facts: dict[str, FileFacts]) -> None:  # while the other processes read
        early.append(cmake_model(registry, facts, frozenset(files), tables.dirs))

    result = scan(
        fileset,
        patterns,
        cache,
        options.progress,
        options.jobs,
        meanwhile,
        view,
        early=(is_model_input, model),
        skip=python_prefilter(tables, files) if view is not None else None,
    )
    cache.save(set(fileset.keys.values()))
    index = build_index(
        registry, files, result, tables, outbound, _source(fileset.root), *early[:1]
    )
    index.notes = [*fileset.notes, *result.notes, *index.notes]
    return index


def _source(root: Path) -> Callable[[str], str | None]:
    """A scanned file's text now, decoded as the scan does (None: unreadable)."""

    def load(rel: str) -> str | None:
        try:
            data = read_regular(root / rel, MAX_BYTES)
        except OSError:
            return None
        return data.decode("utf-8", "replace")

    return load


def _evidence_loader(root: Path) -> EvidenceLoader:
    def load(rel: str) -> tuple[bytes | None, str | None]:
        try:
            return (root / rel).read_bytes(), None
        except OSError as exc:
            return None, f"cannot read '{rel}': {exc.strerror}"

    return load


def rule_context(registry: Registry, now: datetime) -> RuleContext:
    """What the rules read: the modules checked (every stage but rejected and withdrawn)."""
    modules = [m for m in registry.modules.values() if m.stage in STAGES]
    return RuleContext(registry, modules, now, _evidence_loader(registry.root))


def run_rules(ctx: RuleContext, reads_index: bool) -> list[Finding]:
    """The findings of every rule that runs and reads the index (or does not), in rule order."""
    return [
        f
        for rule in RULES
        if rule.checked and rule.reads_index == reads_index
        for f in rule.check(ctx)
    ]


def analyse(registry: Registry, options: CheckOptions, fileset: FileSet, now: datetime) -> dict:
    """Everything ``check`` reports, for all modules, as plain data (what the result cache holds)."""
    ctx = rule_context(registry, now)
    findings: list[Finding] = []

    def meanwhile() -> None:
        # while the readers work: the activity SM011 judges (git history, cached by commit),
        # then the rules that need no index (governance, SM011)
        ctx.activity = activity_for_check(registry, options.history, options.use_cache, ctx.notes)
        findings.extend(run_rules(ctx, False))

    index = build(registry, options, fileset, meanwhile, outbound=False)  # check reads no deps
    ctx.index_ = index
    findings += run_rules(ctx, True)
    ctx.notes.extend(proposal_notes(registry))
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
                toggle_state(ctx, m).as_json(),
            )
        )
    owner = index.membership.owner
    notes = [
        (p or None, line or None, msg, (owner.get(p) or (None,))[0])
        for p, line, msg in [*index.notes, *ctx.notes]
    ]
    return {
        "files": len(index.files),
        "rows": rows,
        "findings": [tuple(getattr(f, s) for s in Finding.__slots__) for f in findings],
        "notes": notes,
    }
