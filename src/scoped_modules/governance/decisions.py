"""Governance rules: SM010 (decisions re-counted from their evidence), SM008, SM009, SM013.

Pure: evidence bytes come through ``evidence_loader(path) -> (bytes | None, error | None)``,
"now" is passed in. Each function returns finding dicts with the keys ``rule``, ``module``,
``path``, ``line``, ``message``, ``evidence``, ``hint`` and ``level`` (``error``, ``warning``,
``note``), the severity already chosen from the module's stage (SPEC §4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import ScopedError
from ..registry.model import Decision, Module, Registry
from .entry import Entry
from .evidence import read_file, sha256_hex
from .roster import Roster
from .tally import TallyResult, tally

EvidenceLoader = Callable[[str], tuple[bytes | None, str | None]]

# SPEC §4 severities by stage; a stage missing from a table is not checked by that rule
SM008_LEVEL = {"proposed": "warning", "s0": "error", "s1": "error", "s2": "error"}
SM009_LEVEL = {"proposed": "warning", "s0": "error", "s1": "error"}
SM010_LEVEL = {
    "s0": "error",
    "s1": "error",
    "s2": "error",
    "deprecated": "error",
    "removed": "error",
}
SM013_LEVEL = {
    "proposed": "error",
    "s0": "error",
    "s1": "error",
    "s2": "error",
    "deprecated": "warning",
}
STAGE_DECISION = {"s0": "establish", "s1": "integrate", "s2": "evolve"}
_CANNOT_READ = re.compile(r"^cannot read '[^']*':\s*")
_PLACE = re.compile(r"^(.*?):(\d+):(\d+): (.*)\Z", re.DOTALL)


def roster_of(registry: Registry) -> Roster:
    return Roster(registry.people, registry.activity.bots)


def finding(
    rule: str,
    module: str,
    path: str,
    line: int,
    message: str,
    level: str,
    evidence: str | None = None,
    hint: str | None = None,
) -> dict[str, Any]:
    return {
        "rule": rule,
        "module": module,
        "path": path,
        "line": line,
        "message": message,
        "evidence": evidence,
        "hint": hint,
        "level": level,
    }


@dataclass
class Recount:
    """A recorded decision counted again from its evidence."""

    decision: Decision
    result: TallyResult | None = None  # None when some evidence could not be read
    entries: list[Entry] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # SM010 findings


def recount(
    registry: Registry,
    module: Module,
    decision: Decision,
    evidence_loader: EvidenceLoader,
    now: datetime,
    roster: Roster | None = None,
) -> Recount:
    """Read, verify (sha256 pins) and re-count the evidence of one recorded decision."""
    rc = Recount(decision)
    reg, line = registry.rel_path, decision.loc[1]
    name = module.name

    def problem(
        message: str,
        level: str = "error",
        hint: str | None = None,
        path: str = reg,
        at: int = line,
        evidence: str | None = None,
    ) -> None:
        rc.problems.append(finding("SM010", name, path, at, message, level, evidence, hint))

    if not decision.evidence:
        problem(
            f"decision '{decision.id}' names no evidence", hint="list the vote's files in evidence"
        )
    complete = bool(decision.evidence)
    for i, ev in enumerate(decision.evidence):
        data, err = evidence_loader(ev.path)
        shown = f'{{ path = "{ev.path}"' + (f', sha256 = "{ev.sha256}" }}' if ev.sha256 else " }")
        if data is None:
            reason = _CANNOT_READ.sub("", err or "") or "missing"
            problem(
                f"evidence '{ev.path}' of decision '{decision.id}' cannot be read: {reason}",
                hint="restore the file the vote was counted from",
                evidence=shown,
            )
            complete = False
            continue
        digest = sha256_hex(data)
        if ev.sha256 is None:
            problem(
                f"evidence '{ev.path}' of decision '{decision.id}' is not pinned by sha256; "
                "it could be edited without notice",
                level="warning",
                evidence=shown,
                hint=f'pin it: {{ path = "{ev.path}", sha256 = "{digest}" }}',
            )
        elif ev.sha256.lower() != digest:
            problem(
                f"evidence '{ev.path}' of decision '{decision.id}' changed since it was pinned "
                f"(sha256 recorded {ev.sha256[:12]}…, file now {digest[:12]}…)",
                hint="restore the file the vote was counted from, or record the vote again",
                evidence=shown,
            )
            complete = False
        try:
            _, entries = read_file(data, ev.path, i)
        except ScopedError as exc:
            for p in exc.problems:
                m = _PLACE.match(p)
                if m:
                    problem(
                        m.group(4),
                        path=m.group(1),
                        at=int(m.group(2)),
                        hint="fix the evidence file, then pin it again",
                    )
                else:
                    text = p[len(ev.path) + 2 :] if p.startswith(ev.path + ": ") else p
                    problem(
                        f"evidence '{ev.path}' of decision '{decision.id}': {text}",
                        hint="list only vote evidence: mbox, GitHub comment export or TOML ballots",
                    )
            complete = False
            continue
        rc.entries.extend(entries)
    if not complete:
        return rc
    try:
        if any(e.kind == "mail" for e in rc.entries):
            from .mbox import select_thread

            select_thread(rc.entries)
    except ScopedError as exc:
        problem(
            f"decision '{decision.id}': {exc.problems[0]}",
            hint="keep only the vote's thread in the pinned archive, then pin it again",
        )
        return rc
    rc.result = tally(
        rc.entries,
        roster or roster_of(registry),
        registry.profile(decision.rules),
        decision.opened,
        decision.closes,
        now,
        module=module,
        kind=decision.kind,
        decision_id=decision.id,
    )
    if rc.result.result != decision.result:
        failing = [
            f"{c.id} needs {c.required}, has {c.actual}"
            for c in rc.result.conditions
            if c.met is False
        ]
        why = f"; {', '.join(failing)}" if failing else ""
        problem(
            f"decision '{decision.id}' is recorded as {decision.result}, but its evidence counts "
            f"{rc.result.result} ({rc.result.counts_text()}{why})",
            evidence=f'result = "{decision.result}"',
            hint=f"see `scoped vote tally --decision {decision.id}`; record the result the "
            "evidence gives",
        )
    return rc


def _history_deprecation(module: Module) -> bool:
    for h in module.history:
        if h.stage != "deprecated" or not isinstance(h.activity, dict):
            continue
        act = h.activity
        active = act.get("active_owners")
        if act.get("verdict") == "no-active-maintainers" or active == 0 or active == []:
            return True
    return False


def check_decisions(
    registry: Registry,
    module: Module,
    evidence_loader: EvidenceLoader,
    now: datetime,
) -> list[dict[str, Any]]:
    """SM010 for the module's stage, and SM013 for TOML ballot voters missing from the roster."""
    sm010 = SM010_LEVEL.get(module.stage)
    sm013 = SM013_LEVEL.get(module.stage)
    if not sm010 and not sm013:
        return []
    roster = roster_of(registry)
    out: list[dict[str, Any]] = []
    recorded_passed: set[str] = set()
    for d in module.decisions:
        rc = recount(registry, module, d, evidence_loader, now, roster)
        if sm010:
            for f in rc.problems:
                f["level"] = "warning" if f["level"] == "warning" else sm010
                out.append(f)
        if sm013:
            reported: set[tuple[str, str]] = set()
            for e in rc.entries:
                if e.kind != "toml" or not e.voter or roster.person(e.voter) is not None:
                    continue
                if (e.file, e.voter.lower()) in reported:
                    continue
                reported.add((e.file, e.voter.lower()))
                out.append(
                    finding(
                        "SM013",
                        module.name,
                        e.file,
                        e.line,
                        f"ballot voter '{e.voter}' (decision '{d.id}') is not in the roster",
                        sm013,
                        f'voter = "{e.voter}"',
                        "add the person to the roster ([[people.person]]) or correct the handle",
                    )
                )
        if d.result == "passed":
            recorded_passed.add(d.kind)  # a result the evidence does not give is reported above
    if sm010:
        out.extend(_stage_findings(registry, module, recorded_passed, sm010))
    return out


def _stage_findings(
    registry: Registry, module: Module, recorded_passed: set[str], level: str
) -> list[dict[str, Any]]:
    reg = registry.rel_path
    line = module.loc("stage")[1]
    stage = module.stage
    shown = f'stage = "{stage}"'
    need = STAGE_DECISION.get(stage)
    if need and need not in recorded_passed:
        return [
            finding(
                "SM010",
                module.name,
                reg,
                line,
                f"module '{module.name}' is at stage {stage} without a passing {need} decision",
                level,
                shown,
                f"hold the vote, then record it: `scoped vote record {module.name} --kind {need} "
                "--opened T --closes T EVIDENCE...`",
            )
        ]
    if (
        stage == "deprecated"
        and "deprecate" not in recorded_passed
        and not _history_deprecation(module)
    ):
        return [
            finding(
                "SM010",
                module.name,
                reg,
                line,
                f"module '{module.name}' is deprecated without a passing deprecate decision or a "
                "history entry with an activity snapshot showing no active owner",
                level,
                shown,
                "record a deprecate vote, or deprecate through `scoped transition` (it stores the "
                "activity snapshot)",
            )
        ]
    if stage == "removed" and not any(h.stage == "removed" for h in module.history):
        return [
            finding(
                "SM010",
                module.name,
                reg,
                line,
                f"module '{module.name}' is removed but no history entry records the removal",
                level,
                shown,
                "remove modules with `scoped remove`, which records the history entry",
            )
        ]
    return []


def check_people(registry: Registry, module: Module, now: datetime) -> list[dict[str, Any]]:
    """SM013 for owners and champion missing from the roster; SM008 and SM009 with the numbers
    of the module's profile (its establish decision's rules, else ``project.rules``)."""
    out: list[dict[str, Any]] = []
    reg = registry.rel_path
    name = module.name
    profile = registry.module_profile(module)
    sm013 = SM013_LEVEL.get(module.stage)
    if sm013:
        for h in module.owners:
            if registry.person(h) is None:
                out.append(
                    finding(
                        "SM013",
                        name,
                        reg,
                        module.loc("owners")[1],
                        f"owner '{h}' of module '{name}' is not in the roster",
                        sm013,
                        f'owners = [..., "{h}", ...]',
                        "add the person to the roster ([[people.person]]) or correct the handle",
                    )
                )
        if module.champion and registry.person(module.champion) is None:
            out.append(
                finding(
                    "SM013",
                    name,
                    reg,
                    module.loc("champion")[1],
                    f"champion '{module.champion}' of module '{name}' is not in the roster",
                    sm013,
                    f'champion = "{module.champion}"',
                    "add the person to the roster ([[people.person]]) or correct the handle",
                )
            )
    sm008 = SM008_LEVEL.get(module.stage)
    need = profile.min_owner_committers
    if sm008 and need > 0:
        qualified = []
        lacking = []
        for h in dict.fromkeys(module.owners):
            p = registry.person(h)
            if p is not None and not p.bot and p.is_committer(now):
                qualified.append(p.handle)
            else:
                lacking.append(h)
        if len(qualified) < need:
            who = f"; without committer or pmc today: {', '.join(lacking)}" if lacking else ""
            out.append(
                finding(
                    "SM008",
                    name,
                    reg,
                    module.loc("owners")[1],
                    f"module '{name}' has {len(qualified)} owner(s) holding committer or pmc today; "
                    f"profile '{profile.name}' needs {need}{who}",
                    sm008,
                    f"owners = {module.owners!r}".replace("'", '"'),
                    'add owners who are committers ("more than three endorsing committers who can '
                    'serve as the initial owner")',
                )
            )
    sm009 = SM009_LEVEL.get(module.stage)
    if sm009 and profile.require_champion:
        champ = registry.person(module.champion) if module.champion else None
        if not module.champion:
            out.append(
                finding(
                    "SM009",
                    name,
                    reg,
                    module.loc("")[1],
                    f"module '{name}' has no champion; profile '{profile.name}' requires a PMC "
                    "member as champion",
                    sm009,
                    None,
                    'set champion = "HANDLE" to a PMC member ("One of the PMC members '
                    'would serve as a champion")',
                )
            )
        elif champ is not None and not champ.holds("pmc", now):
            out.append(
                finding(
                    "SM009",
                    name,
                    reg,
                    module.loc("champion")[1],
                    f"champion '{champ.handle}' of module '{name}' does not hold pmc today",
                    sm009,
                    f'champion = "{module.champion}"',
                    "choose a PMC member as champion",
                )
            )
    return out
