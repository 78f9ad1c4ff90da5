"""The lifecycle use cases (SPEC §7): ``propose`` and ``transition``, and what ``check`` adds for
them (SM011, the proposal document's sections).

Preconditions are evaluated with the code ``check`` runs: the rules on the module as if it were
at the target stage (their severities depend on the stage), the decisions re-counted from their
evidence by the governance code, the activity measured as for SM011. Nothing here judges twice.
Writes go through the registry's safe edits: comments and formatting outside the edited tables
stay byte-identical, the write is atomic, and a file changed on disk since it was read is not
overwritten.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ScopedError
from ..history.proposal import PROPOSALS_DIR, incomplete_sections, render_proposal
from ..registry.model import Decision, Module, Registry, Toggle
from ..rules.base import Finding, severity
from .options import CheckOptions, list_registry_files

# SPEC §7: (from, to) -> the decision kind that supports the edge (None: a reason will do)
EDGES: dict[tuple[str, str], str | None] = {
    ("proposed", "s0"): "establish",
    ("proposed", "rejected"): None,
    ("proposed", "withdrawn"): None,
    ("s0", "s1"): "integrate",
    ("s1", "s2"): "evolve",
    ("s0", "deprecated"): "deprecate",
    ("s1", "deprecated"): "deprecate",
    ("deprecated", "removed"): "remove",
}
# proposed -> s0: no error of these rules once the module is at s0
S0_GATE = ("SM003", "SM005", "SM006", "SM007", "SM008", "SM009")
NO_VOTING = "decisions cannot be re-counted: the voting module is switched off (SCOPED_VOTING=0)"


def proposal_path(name: str) -> str:
    return f"{PROPOSALS_DIR}/{name}.md"


# ---------------------------------------------------------------------------------------------
# What `check` adds


def proposal_notes(registry: Registry) -> list[tuple[str, int, str]]:
    """A note for each proposed module whose proposal document lacks a section or left it
    empty (modules without a document are not noted: they may predate ``propose``)."""
    out = []
    for m in registry.modules.values():
        if m.stage != "proposed":
            continue
        rel = proposal_path(m.name)
        try:
            text = (registry.root / rel).read_text("utf-8", errors="replace")
        except OSError:
            continue
        gaps = incomplete_sections(text)
        if gaps:
            what = ", ".join(f"{title} ({state})" for title, _line, state in gaps)
            line = next((ln for _t, ln, _s in gaps if ln), 0)
            out.append((rel, line, f"the proposal of module '{m.name}' lacks section(s): {what}"))
    return out


def lifecycle_key(registry: Registry, use_history: bool) -> str:
    """What the result cache must also key on: the commit checked out when SM011 runs, and the
    proposal documents (which ``exclude`` may keep out of the scanned files)."""
    import hashlib

    from ..adapters import git

    h = hashlib.sha256()
    if use_history and any(severity("SM011", m.stage) for m in registry.modules.values()):
        found = git.resolve_commit(registry.root, "HEAD") if git.toplevel(registry.root) else None
        h.update(f"history:{found[0] if found else 'none'}\n".encode())
    for m in registry.modules.values():
        if m.stage == "proposed":
            try:
                h.update(
                    hashlib.sha256((registry.root / proposal_path(m.name)).read_bytes()).digest()
                )
            except OSError:
                h.update(b"no proposal\n")
    return "|" + h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Shared pieces


def _today(now: datetime | None) -> date:
    return (now or datetime.now(UTC)).astimezone(UTC).date()


def at_stage(registry: Registry, name: str, stage: str) -> Registry:
    """A copy of the registry where module ``name`` is at ``stage`` (nothing is written)."""
    modules = dict(registry.modules)
    modules[name] = dataclasses.replace(registry.modules[name], stage=stage)
    return dataclasses.replace(registry, modules=modules)


def _voting_on() -> bool:
    return os.environ.get("SCOPED_VOTING", "1") == "1"


def recount_decision(registry: Registry, module: Module, decision: Decision, now: datetime):
    """The governance re-count of one recorded decision (as SM010 does), None without voting."""
    if os.environ.get("SCOPED_VOTING", "1") == "1":
        from ..governance.decisions import recount
        from .analyse import _evidence_loader

        return recount(registry, module, decision, _evidence_loader(registry.root), now)
    return None


def validate_text(registry: Registry, text: str) -> None:
    """Refuse (exit 2, every problem listed) a registry text the loader would refuse."""
    from ..registry.load import read_registry

    with tempfile.TemporaryDirectory(prefix="scoped-edit-") as tmp:
        probe = Path(tmp) / registry.path.name
        probe.write_text(text, encoding="utf-8")
        try:
            read_registry(probe, registry.root)
        except ConfigError as exc:
            raise ConfigError([p.replace(str(probe), str(registry.path)) for p in exc.problems])


# ---------------------------------------------------------------------------------------------
# transition


@dataclass
class Transition:
    module: str
    source: str
    target: str
    date: date
    decision: str | None = None
    reason: str | None = None
    activity: dict[str, Any] | None = None
    rfc: str | None = None  # written to the module with the stage
    unmet: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # what was verified, for the output
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unmet

    def entry(self) -> dict[str, Any]:
        """The history table the transition appends."""
        row: dict[str, Any] = {"date": self.date, "stage": self.target}
        if self.decision:
            row["decision"] = self.decision
        else:
            row["reason"] = self.reason or f"moved to {self.target}"
        if self.activity is not None:
            row["activity"] = self.activity
        return row


def _verify_decision(
    registry: Registry,
    module: Module,
    decision_id: str,
    kind: str | None,
    result: str,
    now: datetime,
    t: Transition,
) -> bool:
    """The cited decision belongs to the module, is of ``kind``, is recorded as ``result`` and
    its evidence re-counts to it. Unmet conditions go to ``t.unmet``."""
    d = next((d for d in module.decisions if d.id == decision_id), None)
    if d is None:
        other = registry.decision(decision_id)
        where = f" (it is a decision of module '{other.module}')" if other else ""
        known = ", ".join(x.id for x in module.decisions) or "none"
        t.unmet.append(
            f"decision '{decision_id}' is not a decision of module '{module.name}'{where}; "
            f"its decisions: {known}"
        )
        return False
    ok = True
    if kind is not None and d.kind != kind:
        t.unmet.append(
            f"decision '{d.id}' has kind {d.kind}; {t.source} -> {t.target} needs {kind}"
        )
        ok = False
    if d.result != result:
        t.unmet.append(
            f"decision '{d.id}' is recorded as {d.result}; {t.source} -> {t.target} needs a "
            f"{result} decision"
        )
        ok = False
    rc = recount_decision(registry, module, d, now)
    if rc is None:
        t.unmet.append(NO_VOTING)
        return False
    for p in rc.problems:
        if p.severity != "warning":
            t.unmet.append(f"SM010: {p.message}")
            ok = False
        else:
            t.notes.append(p.message)
    if rc.result is not None and ok:
        t.evidence.append(
            f"decision '{d.id}' ({d.kind}) re-counted from its evidence: {rc.result.result} "
            f"({rc.result.counts_text()})"
        )
    return ok


def _latest(module: Module, kind: str, result: str) -> Decision | None:
    found = [d for d in module.decisions if d.kind == kind and d.result == result]
    return max(found, key=lambda d: d.closes) if found else None


def _rule_gate(
    registry: Registry, name: str, rules: tuple[str, ...], now: datetime, use_cache: bool
) -> list[Finding]:
    """The error findings of ``rules`` for module ``name`` (``check``'s analysis, run once)."""
    from .analyse import analyse

    options = CheckOptions(use_cache=use_cache, now=now, history=False)
    data = analyse(registry, options, list_registry_files(registry), now)
    found = [Finding(*f) for f in data["findings"]]
    return [f for f in found if f.module == name and f.severity == "error" and f.rule in rules]


def _governance_gate(registry: Registry, name: str, now: datetime) -> list[Finding]:
    """SM010 errors of module ``name`` (the stage's passing decision, its re-count)."""
    from ..rules import BY_ID
    from .analyse import rule_context

    return [
        f
        for f in BY_ID["SM010"].check(rule_context(registry, now))
        if f.module == name and f.severity == "error"
    ]


def plan_transition(
    registry: Registry,
    name: str,
    target: str,
    decision: str | None = None,
    reason: str | None = None,
    when: date | None = None,
    now: datetime | None = None,
    rfc: str | None = None,
    use_cache: bool = True,
) -> Transition:
    """Every precondition of ``name``'s move to ``target`` (SPEC §7), evaluated; nothing written.

    Raises :class:`ScopedError` (exit 2) for an unknown module or contradictory options, and
    :class:`EnvironmentProblem` when the activity a deprecation needs cannot be read."""
    module = registry.modules.get(name)
    if module is None:
        known = ", ".join(sorted(registry.modules)) or "none"
        raise ScopedError(f"unknown module '{name}' (known: {known})")
    if decision and reason:
        raise ScopedError("give either --decision or --reason, not both")
    now = now or datetime.now(UTC)
    t = Transition(name, module.stage, target, when or _today(now), decision, reason, rfc=rfc)
    if (module.stage, target) not in EDGES:
        nexts = [b for (a, b) in EDGES if a == module.stage]
        if module.stage == target:
            t.unmet.append(f"module '{name}' is at stage {target} already")
        else:
            t.unmet.append(
                f"no transition from {module.stage} to {target}; "
                + (
                    f"from {module.stage} a module goes to {', '.join(nexts)}"
                    if nexts
                    else f"{module.stage} is a final stage"
                )
            )
        return t
    kind = EDGES[(module.stage, target)]
    if target in ("s0", "s1", "s2"):
        _decided(registry, module, t, kind, now, use_cache)
    elif target in ("rejected", "withdrawn"):
        if decision:
            _verify_decision(registry, module, decision, None, "failed", now, t)
        elif not reason:
            t.unmet.append(
                f"{module.stage} -> {target} needs a reason (--reason TEXT) or a failed "
                "decision (--decision ID)"
            )
    elif target == "deprecated":
        _deprecation(registry, module, t, now, use_cache)
    elif target == "removed":
        _removal(registry, module, t, now, use_cache)
    return t


def _decided(
    registry: Registry,
    module: Module,
    t: Transition,
    kind: str | None,
    now: datetime,
    use_cache: bool,
) -> None:
    """proposed -> s0, s0 -> s1, s1 -> s2: a passing decision of the stage's kind (SM010 at
    the target stage), and the edge's own conditions."""
    assert kind is not None
    if t.reason:
        raise ScopedError(
            f"{t.source} -> {t.target} is recorded with its {kind} decision: pass --decision ID "
            "(or nothing: the latest passing one is cited), not --reason"
        )
    if not _voting_on():
        t.unmet.append(NO_VOTING)
        return
    target_registry = at_stage(registry, module.name, t.target)
    if t.decision is None:
        latest = _latest(module, kind, "passed")
        t.decision = latest.id if latest else None
    if t.decision is not None:
        _verify_decision(registry, module, t.decision, kind, "passed", now, t)
    if t.target == "s0":
        gate = _rule_gate(target_registry, module.name, (*S0_GATE, "SM010"), now, use_cache)
    else:
        gate = _governance_gate(target_registry, module.name, now)
    for f in gate:
        at = f" ({f.path}:{f.line})" if f.path and f.path != registry.rel_path else ""
        line = f"{f.rule}{at}: {f.message}"
        if line not in t.unmet:
            t.unmet.append(line)
    if t.target == "s1" and not (t.rfc or module.rfc):
        t.unmet.append(
            "s0 -> s1 needs an RFC for the integration: pass --rfc URL (recorded as the "
            "module's rfc)"
        )


def _deprecation(
    registry: Registry, module: Module, t: Transition, now: datetime, use_cache: bool
) -> None:
    """A passing deprecate decision, or no active maintainers (the snapshot is recorded)."""
    if t.decision:
        _verify_decision(registry, module, t.decision, "deprecate", "passed", now, t)
        return
    if not t.reason:
        latest = _latest(module, "deprecate", "passed")
        if latest is not None and _voting_on():
            probe = Transition(t.module, t.source, t.target, t.date)
            if _verify_decision(registry, module, latest.id, "deprecate", "passed", now, probe):
                t.decision = latest.id
                t.evidence += probe.evidence
                t.notes += probe.notes
                return
            t.notes.append(f"decision '{latest.id}' not cited: {'; '.join(probe.unmet)}")
    from ..history.activity import snapshot
    from .activity import measure_activity

    report = measure_activity(registry, module=module.name, use_cache=use_cache)
    act = report.module(module.name)
    assert act is not None
    start, end = report.window.start.date(), report.window.end.date()
    if report.incomplete:
        t.unmet.append(
            f"no activity verdict: {report.incomplete}; deprecate it through a passing deprecate "
            "decision instead (--decision ID)"
        )
        return
    if act.verdict == "active":
        active = ", ".join(
            f"{o.handle} ({o.focused_commits} focused, last {o.last_focused})"
            for o in act.owners
            if o.active
        )
        t.unmet.append(
            f"module '{module.name}' has active maintainers between {start} and {end}: "
            f"{active}; deprecate it through a passing deprecate decision instead (--decision ID)"
        )
        return
    t.activity = snapshot(report, module.name)
    t.reason = t.reason or (
        f"no active maintainers: no owner made a focused commit between {start} and {end}"
    )
    t.evidence.append(
        f"activity {start}..{end} at {report.rev[:12]}: 0 of {len(act.owners)} owners active; "
        f"{act.commits} commits touch the module, {act.focused_commits} focused"
    )


def _removal(
    registry: Registry, module: Module, t: Transition, now: datetime, use_cache: bool
) -> None:
    """The module's paths are gone and nothing still names it (a remove decision may be cited)."""
    from .analyse import build

    if t.decision:
        _verify_decision(registry, module, t.decision, "remove", "passed", now, t)
    index = build(registry, CheckOptions(use_cache=use_cache, now=now, history=False))
    files = index.module_files(module.name)
    if files:
        shown = ", ".join(files[:5]) + (", …" if len(files) > 5 else "")
        t.unmet.append(
            f"{len(files)} file(s) remain under the paths of module '{module.name}': {shown}; "
            f"delete them first (`git rm -r {' '.join(module.paths)}`)"
        )
    patterns = [r for r in index.targeting(module.name) if r.kind == "pattern"]
    for r in patterns[:5]:
        t.unmet.append(
            f"{r.path}:{r.line} still matches the module's references pattern: {r.evidence}"
        )
    if len(patterns) > 5:
        t.unmet.append(f"… and {len(patterns) - 5} more references pattern match(es)")
    t.notes.append(
        "toggle declarations and config-template entries left behind are not checked yet (SM014)"
    )
    if not t.decision:
        t.reason = t.reason or "the module's paths are removed"


def apply_transition(registry: Registry, t: Transition) -> None:
    """Record the stage and the history entry in one atomic write (refused when the registry
    changed on disk since it was read)."""
    from ..registry.edit import append_table, atomic_write
    from ..registry.edit_stage import set_module_key

    assert t.ok
    text = append_table(registry, ["modules", t.module, "history"], t.entry())
    text = set_module_key(registry, t.module, "stage", t.target, text)
    if t.rfc:
        text = set_module_key(registry, t.module, "rfc", t.rfc, text)
    validate_text(registry, text)
    atomic_write(registry.path, text, registry.text)


# ---------------------------------------------------------------------------------------------
# propose


@dataclass
class Proposal:
    name: str
    table: dict[str, Any]
    document: str  # root-relative path of the proposal document
    text: str  # the document's Markdown
    history: dict[str, Any]
    unmet: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unmet


def _entries_overlap(a: str, b: str) -> bool:
    """Two literal path entries naming the same file or one inside the other."""
    x, y = a.rstrip("/"), b.rstrip("/")
    return x == y or y.startswith(x + "/") or x.startswith(y + "/")


def _overlaps(registry: Registry, name: str, paths: list[str]) -> list[str]:
    """Other modules' claims on the proposed paths: files both would own (the Membership
    ``check`` uses for SM002), and literal entries one inside the other (paths not created yet)."""
    from ..index import Membership, all_dirs
    from ..registry.model import Module as M

    others = [m for m in registry.modules.values() if severity("SM002", m.stage)]
    new = M(name, "proposed", paths)
    files = sorted(list_registry_files(registry).keys)
    owner = Membership([*others, new], files, all_dirs(files)).owner
    shared: dict[str, list[str]] = {}
    for f, mods in owner.items():
        if name in mods:
            for other in mods:
                if other != name:
                    shared.setdefault(other, []).append(f)
    out = []
    for other, fs in sorted(shared.items()):
        shown = ", ".join(fs[:3]) + (", …" if len(fs) > 3 else "")
        out.append(f"paths overlap module '{other}': {len(fs)} file(s) claimed by both ({shown})")
    literal = [p for p in paths if not any(ch in p for ch in "*?[")]
    for m in others:
        if m.name in shared:
            continue
        for entry in m.paths:
            if any(ch in entry for ch in "*?["):
                continue
            for p in literal:
                if _entries_overlap(p, entry):
                    out.append(f"path '{p}' overlaps path '{entry}' of module '{m.name}'")
    return out


def plan_proposal(
    registry: Registry,
    name: str,
    paths: list[str],
    owners: list[str],
    champion: str | None,
    toggles: list[Toggle],
    summary: str | None = None,
    rfc: str | None = None,
    when: date | None = None,
    now: datetime | None = None,
) -> Proposal:
    table: dict[str, Any] = {"stage": "proposed"}
    if summary:
        table["summary"] = summary
    table["paths"] = list(paths)
    if toggles:
        rows = []
        for tg in toggles:
            row = {k: v for k, v in (("cmake", tg.cmake), ("define", tg.define), ("env", tg.env))}
            rows.append({k: v for k, v in row.items() if v})
        table["toggles"] = rows
    if owners:
        table["owners"] = list(owners)
    if champion:
        table["champion"] = champion
    if rfc:
        table["rfc"] = rfc
    doc = proposal_path(name)
    history = {"date": when or _today(now), "stage": "proposed", "reason": f"proposal: {doc}"}
    p = Proposal(
        name,
        table,
        doc,
        render_proposal(name, paths, owners, champion, toggles, summary),
        history,
    )
    if name in registry.modules:
        p.unmet.append(
            f"module '{name}' exists already (stage {registry.modules[name].stage}); "
            "choose another name"
        )
        return p
    p.unmet += _overlaps(registry, name, paths)
    if (registry.root / doc).exists():
        p.unmet.append(f"{doc} exists already; move it away or choose another name")
    for h in [*owners, *([champion] if champion else [])]:
        if registry.person(h) is None:
            p.notes.append(f"'{h}' is not in the roster (SM013 until they are added)")
    return p


def apply_proposal(registry: Registry, p: Proposal) -> None:
    """Write the proposal document and add the module (both or neither)."""
    from ..registry.edit import append_table_text, atomic_write
    from ..registry.edit_stage import add_module

    assert p.ok
    text = add_module(registry, p.name, p.table)
    keys = [*registry.table_prefix, "modules", p.name, "history"]
    text = append_table_text(text, keys, p.history, str(registry.path))
    validate_text(registry, text)
    target = registry.root / p.document
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, p.text, None)
    try:
        atomic_write(registry.path, text, registry.text)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
