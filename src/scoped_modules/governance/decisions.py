"""The checks of the governance rules: SM008 owners, SM009 champion, SM010 decisions re-counted
from their evidence, SM013 people missing from the roster.

Pure: evidence bytes come through ``evidence_loader(path) -> (bytes | None, error | None)``,
"now" is passed in. Each ``check_*`` function returns the :class:`~scoped_modules.finding.Finding`
objects of one rule for one module, the severity chosen from the module's stage (SPEC §4). The
rules themselves (ids, pages, the toggle that switches this code off) are in
:mod:`scoped_modules.rules.governance`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..errors import ScopedError
from ..finding import Finding, severity
from ..registry.model import Decision, Module, Registry
from .entry import Entry
from .evidence import read_file, sha256_hex
from .roster import Roster
from .tally import TallyResult, tally

EvidenceLoader = Callable[[str], tuple[bytes | None, str | None]]

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
) -> Finding:
    return Finding(rule, level, module, path, line, message, hint, evidence=evidence)


@dataclass
class Recount:
    """A recorded decision counted again from its evidence."""

    decision: Decision
    result: TallyResult | None = None  # None when some evidence could not be read
    entries: list[Entry] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # SM010 findings


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


def recount_all(
    registry: Registry, module: Module, evidence_loader: EvidenceLoader, now: datetime
) -> list[Recount]:
    """Every recorded decision of the module, counted again (SM010 and SM013 read them)."""
    roster = roster_of(registry)
    return [recount(registry, module, d, evidence_loader, now, roster) for d in module.decisions]


def check_decisions(registry: Registry, module: Module, recounts: list[Recount]) -> list[Finding]:
    """SM010: the problems of each recount, then a stage its decisions do not support."""
    level = severity("SM010", module.stage)
    if not level:
        return []
    out: list[Finding] = []
    recorded_passed: set[str] = set()
    for rc in recounts:
        out += [p if p.severity == "warning" else replace(p, severity=level) for p in rc.problems]
        if rc.decision.result == "passed":
            recorded_passed.add(
                rc.decision.kind
            )  # a result the evidence does not give is reported above
    out.extend(_stage_findings(registry, module, recorded_passed, level))
    return out


def _stage_findings(
    registry: Registry, module: Module, recorded_passed: set[str], level: str
) -> list[Finding]:
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


def check_people(registry: Registry, module: Module, recounts: list[Recount]) -> list[Finding]:
    """SM013: owners, the champion and TOML ballot voters missing from the roster."""
    level = severity("SM013", module.stage)
    if not level:
        return []
    out: list[Finding] = []
    reg = registry.rel_path
    name = module.name
    hint = "add the person to the roster ([[people.person]]) or correct the handle"
    for h in module.owners:
        if registry.person(h) is None:
            out.append(
                finding(
                    "SM013",
                    name,
                    reg,
                    module.loc("owners")[1],
                    f"owner '{h}' of module '{name}' is not in the roster",
                    level,
                    f'owners = [..., "{h}", ...]',
                    hint,
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
                level,
                f'champion = "{module.champion}"',
                hint,
            )
        )
    roster = roster_of(registry)
    for rc in recounts:
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
                    name,
                    e.file,
                    e.line,
                    f"ballot voter '{e.voter}' (decision '{rc.decision.id}') is not in the roster",
                    level,
                    f'voter = "{e.voter}"',
                    hint,
                )
            )
    return out


def check_owners(registry: Registry, module: Module, now: datetime) -> list[Finding]:
    """SM008 with the numbers of the module's profile (its establish decision's rules, else
    ``project.rules``), roles as of ``now``."""
    level = severity("SM008", module.stage)
    profile = registry.module_profile(module)
    need = profile.min_owner_committers
    if not level or need <= 0:
        return []
    qualified = []
    lacking = []
    for h in dict.fromkeys(module.owners):
        p = registry.person(h)
        if p is not None and not p.bot and p.is_committer(now):
            qualified.append(p.handle)
        else:
            lacking.append(h)
    if len(qualified) >= need:
        return []
    who = f"; without committer or pmc today: {', '.join(lacking)}" if lacking else ""
    return [
        finding(
            "SM008",
            module.name,
            registry.rel_path,
            module.loc("owners")[1],
            f"module '{module.name}' has {len(qualified)} owner(s) holding committer or pmc today; "
            f"profile '{profile.name}' needs {need}{who}",
            level,
            f"owners = {module.owners!r}".replace("'", '"'),
            'add owners who are committers ("more than three endorsing committers who can '
            'serve as the initial owner")',
        )
    ]


def check_champion(registry: Registry, module: Module, now: datetime) -> list[Finding]:
    """SM009 when the module's profile requires a champion, roles as of ``now``."""
    level = severity("SM009", module.stage)
    profile = registry.module_profile(module)
    if not level or not profile.require_champion:
        return []
    name = module.name
    if not module.champion:
        return [
            finding(
                "SM009",
                name,
                registry.rel_path,
                module.loc("")[1],
                f"module '{name}' has no champion; profile '{profile.name}' requires a PMC "
                "member as champion",
                level,
                None,
                'set champion = "HANDLE" to a PMC member ("One of the PMC members '
                'would serve as a champion")',
            )
        ]
    champ = registry.person(module.champion)
    if champ is not None and not champ.holds("pmc", now):
        return [
            finding(
                "SM009",
                name,
                registry.rel_path,
                module.loc("champion")[1],
                f"champion '{champ.handle}' of module '{name}' does not hold pmc today",
                level,
                f'champion = "{module.champion}"',
                "choose a PMC member as champion",
            )
        ]
    return []
