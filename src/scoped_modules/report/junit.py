"""JUnit XML: one test suite per module, one test case per (module, rule) for every rule checked
at the module's stage, so a CI dashboard shows what passed as well as what failed.

A case fails when the rule has error findings for the module; warnings and notes are listed in
the case's ``system-out`` without failing it (JUnit has no warning state, and ``scoped check``
itself exits 0 on warnings unless ``--strict``). A rule whose check is not written yet is a
skipped case ("not yet checked"), never a passing one. Findings that concern no module form a
suite named ``(project)``. The rules and their names come from :data:`scoped_modules.rules.RULES`.

Written with ``xml.etree.ElementTree`` rather than junitparser: junitparser is only a test
dependency, and a runtime dependency for a few dozen lines of XML would slow every start-up for
nothing. ElementTree escapes markup; characters XML 1.0 cannot carry at all (control characters
from scanned files) are replaced here, since ElementTree would write them raw.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..finding import RULE_NAMES, Finding
from ..result import CheckResult
from ..rules import BY_ID, RULES
from ._common import first_line, location

PROJECT = "(project)"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _describe(finding: Finding) -> str:
    where = location(finding)
    line = f"{finding.severity.upper()} {finding.rule} {finding.name}: {finding.message}"
    lines = [f"{where}: {line}" if where else line]
    evidence = first_line(finding.evidence)
    if evidence:
        lines.append(f"    {evidence}")
    if finding.hint:
        lines.append(f"    hint: {finding.hint}")
    return "\n".join(lines)


def _case(suite: ET.Element, module: str, rule: str, findings: list[Finding]) -> tuple[bool, bool]:
    """Adds one test case; (failed, skipped)."""
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{rule} {RULE_NAMES.get(rule, rule)}",
        classname=f"scoped.{module}",
        time="0",
    )
    known = BY_ID.get(rule)
    if known is not None and not known.checked and not findings:
        ET.SubElement(case, "skipped", message="not yet checked: scoped check does not run it")
        return False, True
    errors = [f for f in findings if f.severity == "error"]
    others = [f for f in findings if f.severity != "error"]
    if errors:
        failure = ET.SubElement(
            case,
            "failure",
            message=_xml(errors[0].message if len(errors) == 1 else f"{len(errors)} errors"),
            type=rule,
        )
        failure.text = _xml("\n".join(_describe(f) for f in errors))
    if others:
        ET.SubElement(case, "system-out").text = _xml("\n".join(_describe(f) for f in others))
    return bool(errors), False


def to_xml(result: CheckResult) -> ET.Element:
    by_module: dict[str | None, dict[str, list[Finding]]] = {}
    for finding in sorted(result.findings, key=Finding.sort_key):
        by_module.setdefault(finding.module, {}).setdefault(finding.rule, []).append(finding)

    stages = {m.name: m.stage for m in result.modules}
    names: list[str | None] = [None] if None in by_module else []
    names += sorted(set(stages) | {m for m in by_module if m is not None})

    root = ET.Element("testsuites", name="scoped check", time=f"{result.seconds:.3f}")
    total_tests = total_failures = 0
    for name in names:
        found = by_module.get(name, {})
        stage = stages.get(name) if name is not None else None
        checked = [r.id for r in RULES if stage is not None and r.severity(stage) is not None]
        rules = checked + sorted(set(found) - set(checked))
        if not rules:
            continue  # rejected and withdrawn modules are not checked
        suite_name = PROJECT if name is None else name
        suite = ET.SubElement(root, "testsuite", name=_xml(suite_name))
        if stage is not None:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="stage", value=stage)
        outcomes = [_case(suite, _xml(suite_name), r, found.get(r, [])) for r in rules]
        failures = sum(failed for failed, _ in outcomes)
        skipped = sum(skip for _, skip in outcomes)
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        suite.set("time", "0")
        total_tests += len(rules)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    return root


def render(result: CheckResult, color: bool = False) -> str:
    """``color`` is ignored: machine formats are never coloured."""
    root = to_xml(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
