"""What every rule reports: the :class:`Finding`, and the rule table of SPEC §4.

The lowest layer of the flow: the rules (``rules/``) and the governance checks they delegate to
(``governance/``) build findings, the result and the renderers read them. The table gives each
rule id its kebab-case name and its severity at each stage; the rules themselves (behaviour and
documentation) are listed in :data:`scoped_modules.rules.RULES`. Standard library only, so that a
warm ``scoped check`` that loads a cached result never imports the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("proposed", "s0", "s1", "s2", "deprecated", "removed")
"""The stages a rule may check, in the order of the table's columns; modules ``rejected`` or
``withdrawn`` are never checked."""

# SPEC §4: rule id -> (name, severity letter for each of STAGES): E error, W warning, - not checked
_TABLE = {
    "SM001": ("missing-path", "WEEEE-"),
    "SM002": ("overlapping-paths", "EEEEE-"),
    "SM003": ("inbound-reference", "EEE-E-"),
    "SM004": ("stray-file", "WWW-W-"),
    "SM005": ("toggle-missing", "WEW---"),
    "SM006": ("toggle-undeclared", "WEE---"),
    "SM007": ("toggle-partial", "WEE---"),
    "SM008": ("owners-insufficient", "WEEE--"),
    "SM009": ("champion-invalid", "WEE---"),
    "SM010": ("decision-unsupported", "-EEEEE"),
    "SM011": ("no-active-maintainers", "-WW---"),
    "SM012": ("mixed-change", "-EW---"),
    "SM013": ("unknown-person", "EEEEW-"),
    "SM014": ("removal-remnant", "-----E"),
    "SM015": ("dependents-too-early", "EE----"),
}
RULE_IDS = tuple(_TABLE)
RULE_NAMES = {rid: name for rid, (name, _) in _TABLE.items()}
_LEVEL = {"E": "error", "W": "warning", "-": None}
SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


def severity(rule: str, stage: str) -> str | None:
    """``error``/``warning`` for a rule at a stage, None when the rule is not checked there."""
    if stage not in STAGES:
        return None  # rejected, withdrawn: not checked at all
    return _LEVEL[_TABLE[rule][1][STAGES.index(stage)]]


@dataclass(slots=True)
class Finding:
    rule: str
    severity: str  # error | warning | note
    module: str | None
    path: str | None
    line: int | None
    message: str
    hint: str | None = None
    kind: str | None = None
    type_checking: bool | None = None
    evidence: str | None = None
    target: str | None = None

    @property
    def name(self) -> str:
        return RULE_NAMES.get(self.rule, self.rule)

    def sort_key(self) -> tuple:
        return (self.module or "", self.rule, self.path or "", self.line or 0, self.message)

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "module": self.module,
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "type_checking": self.type_checking,
            "evidence": self.evidence,
            "target": self.target,
            "message": self.message,
            "hint": self.hint,
        }
