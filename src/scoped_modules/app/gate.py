"""The pull-request gate: what ``check`` reports of a finished analysis.

Applied after the analysis (cached or not) and before rendering, so it composes with every rule:

1. ``--changed BASE`` adds SM012 for the change since the merge base;
2. rule selection drops findings: ``--select``/``--ignore``, ``[project].ignore``,
   ``modules.NAME.ignore``, ``[project].governance = false`` (SM008-SM010, SM013);
3. inline ``scoped: ignore[RULE] reason`` comments turn findings into notes, and are errors
   themselves without a reason or when stale;
4. a baseline hides known errors and reports its stale entries;
5. ``--only-changed`` keeps the findings in changed files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..adapters.files import FileSet
from ..finding import RULE_IDS, SEVERITY_ORDER, Finding
from ..registry.model import Registry
from ..rules.selection import GOVERNANCE_RULES, Selection
from ..rules.suppression import apply_suppressions
from .options import CheckOptions
from .suppress import Candidates, suppressions

NoteRow = tuple[str | None, int | None, str, str | None]  # path, line, message, module


@dataclass
class Gated:
    findings: list[Finding]
    notes: list[NoteRow]
    rows: list[tuple]
    stale_baseline: int = 0
    changed: list[str] | None = None


def selection(registry: Registry, options: CheckOptions) -> Selection:
    ignore = [*options.ignore, *registry.project.ignore]
    # SCOPED_VOTING=0 (the project's own switch for its voting code) runs no governance rule
    if not registry.project.governance or os.environ.get("SCOPED_VOTING", "1") != "1":
        ignore += GOVERNANCE_RULES
    module_ignore = {m.name: list(m.ignore) for m in registry.modules.values() if m.ignore}
    return Selection(list(options.select), ignore, module_ignore)


def gate(
    registry: Registry,
    options: CheckOptions,
    fileset: FileSet,
    findings: list[Finding],
    notes: list[NoteRow],
    rows: list[tuple],
    candidates: Candidates | None,
    cwd: Path | None = None,
) -> Gated:
    notes = list(notes)
    changed: list[str] | None = None
    if options.changed:
        from .changed import mixed_change, read_change

        change = read_change(registry, options.changed)
        changed = change.paths
        mixed, mixed_notes = mixed_change(registry, change, list(fileset.keys))
        findings = [*findings, *mixed]
        notes += [(None, None, msg, None) for _p, _l, msg in mixed_notes]

    sel = selection(registry, options)
    listed = [*registry.project.ignore, *(r for ig in sel.module_ignore.values() for r in ig)]
    unknown = sorted({r for r in listed if r not in RULE_IDS})
    for rid in unknown:
        notes.append((registry.rel_path, None, f"ignore lists '{rid}', which is no rule", None))
    if not sel.everything:
        findings = [f for f in findings if sel.keep(f)]

    found = suppressions(registry.root, candidates, findings)
    if found or candidates is None:
        active = sel.active_everywhere if candidates is not None else (lambda _rule: False)
        findings, problems, sup_notes = apply_suppressions(findings, found, active)
        findings += problems
        notes += [(p, n, msg, None) for p, n, msg in sup_notes]

    stale = 0
    path = None
    if options.use_baseline and (options.baseline is not None or registry.project.baseline):
        from ..rules.baseline import match
        from .baseline import read, resolve_path

        path = resolve_path(registry, options.baseline, cwd or Path.cwd())
        assert path is not None
        entries = read(path)
        findings, covered, stale_entries = match(findings, entries)
        shown = _display(path, registry.root)
        if covered:
            notes.append((shown, None, f"{covered} known errors not shown (baseline)", None))
        level = "error" if options.strict else "note"
        for e in stale_entries:
            times = f" ({e.count} entries)" if e.count > 1 else ""
            findings.append(
                Finding(
                    e.rule,
                    level,
                    e.module,
                    e.path,
                    None,
                    f"stale baseline entry{times}: the finding is gone; "
                    f"remove it from {shown} (`scoped baseline {shown}`)",
                    None,
                    evidence=e.evidence,
                )
            )
            stale += e.count

    if changed is not None and options.only_changed:
        keep = set(changed)
        findings = [f for f in findings if f.path is not None and f.path in keep]
        notes = [n for n in notes if n[0] is None or n[0] in keep]

    findings.sort(key=Finding.sort_key)
    return Gated(findings, notes, _rows(rows, findings), stale, changed)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _rows(rows: list[tuple], findings: list[Finding]) -> list[tuple]:
    """Module rows with ``status`` from the findings that remain."""
    worst: dict[str, int] = {}
    for f in findings:
        if f.module is not None:
            worst[f.module] = min(worst.get(f.module, 3), SEVERITY_ORDER.get(f.severity, 3))
    out = []
    for r in rows:
        w = worst.get(r[0], 3)
        out.append((*r[:5], "error" if w == 0 else "warning" if w == 1 else "ok"))
    return out
