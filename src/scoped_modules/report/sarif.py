"""SARIF 2.1.0 (OASIS, errata01) for code-scanning services such as GitHub's.

Rule metadata comes from the rules' own pages (:data:`scoped_modules.rules.RULES`, rendered by
:mod:`scoped_modules.rules.docs`: one source with ``scoped explain``).
Locations are relative to ``%SRCROOT%``, declared in ``originalUriBaseIds`` as the repository
root. ``partialFingerprints`` hash the rule, module, path and evidence (the message when there is
no evidence; whitespace collapsed) but not the line, so an alert survives edits above it and
re-indenting, and they number identical findings of one file (``:1``, ``:2``) so none hides
another. The hash is the baseline's key (:mod:`scoped_modules.rules.baseline`). Scan notes go to the
invocation's ``toolExecutionNotifications``: they are about the run, not results.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from .. import __version__
from ..finding import Finding
from ..result import CheckResult, Note
from ..rules import BY_ID
from ..rules.baseline import evidence_text
from ..rules.docs import render_doc, render_markdown

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT = "scopedFinding/v1"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def fingerprint(finding: Finding, occurrence: int = 1) -> str:
    """Stable across runs and line moves: sha256 of rule, module, path and evidence, then the
    finding's number among identical ones."""
    parts = (finding.rule, finding.module or "", finding.path or "", evidence_text(finding))
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest}:{occurrence}"


def _root_uri(root: str) -> str | None:
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(root)
        if path.is_absolute():
            uri = path.as_uri()
            return uri if uri.endswith("/") else uri + "/"
    return None


def _location(path: str, line: int | None, snippet: str | None = None) -> dict:
    physical: dict = {"artifactLocation": {"uri": quote(path), "uriBaseId": SRCROOT}}
    if line is not None and line >= 1:
        region: dict = {"startLine": line}
        if snippet:
            region["snippet"] = {"text": snippet}
        physical["region"] = region
    return {"physicalLocation": physical}


def _rule(rule_id: str, name: str) -> dict:
    rule = BY_ID.get(rule_id)
    if rule is None:  # a rule this version does not know: still a valid descriptor
        return {"id": rule_id, "name": name, "shortDescription": {"text": name}}
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.doc.summary},
        "fullDescription": {"text": rule.doc.what},
        "help": {"text": render_doc(rule), "markdown": render_markdown(rule)},
    }


def _result(finding: Finding, rule_index: int, occurrence: int = 1) -> dict:
    text = finding.message if not finding.hint else f"{finding.message}\nhint: {finding.hint}"
    out: dict = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(finding.severity, "note"),
        "message": {"text": text},
    }
    if finding.path is not None:
        out["locations"] = [_location(finding.path, finding.line, finding.evidence)]
    out["partialFingerprints"] = {FINGERPRINT: fingerprint(finding, occurrence)}
    properties = {
        key: value
        for key, value in (
            ("module", finding.module),
            ("kind", finding.kind),
            ("target", finding.target),
            ("typeChecking", finding.type_checking),
        )
        if value is not None
    }
    if properties:
        out["properties"] = properties
    return out


def _notification(note: Note) -> dict:
    out: dict = {"level": "note", "message": {"text": note.message}}
    if note.path is not None:
        out["locations"] = [_location(note.path, note.line)]
    return out


def _numbered(findings: list[Finding]) -> list[tuple[Finding, int]]:
    """Each finding with its number among the findings of the same fingerprint, in file order."""
    seen: Counter[tuple] = Counter()
    out = []
    for f in findings:
        key = (f.rule, f.module, f.path, evidence_text(f))
        seen[key] += 1
        out.append((f, seen[key]))
    return out


def to_sarif(result: CheckResult) -> dict:
    """The SARIF log as a JSON-ready dict."""
    names = {f.rule: f.name for f in result.findings}
    rule_ids = sorted(names)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    findings = sorted(result.findings, key=Finding.sort_key)
    base: dict = {"description": {"text": "the repository root"}}
    root_uri = _root_uri(result.root)
    if root_uri is not None:
        base["uri"] = root_uri
    invocation: dict = {"executionSuccessful": True}
    if result.notes:
        invocation["toolExecutionNotifications"] = [_notification(n) for n in result.notes]
    run = {
        "tool": {
            "driver": {
                "name": "scoped",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r, names[r]) for r in rule_ids],
            }
        },
        "originalUriBaseIds": {SRCROOT: base},
        "invocations": [invocation],
        "results": [_result(f, index[f.rule], n) for f, n in _numbered(findings)],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult, color: bool = False) -> str:
    """``color`` is ignored: machine formats are never coloured."""
    return json.dumps(to_sarif(result), indent=2)
