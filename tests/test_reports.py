"""Renderers of ``scoped check`` (SPEC §5): one per format over one CheckResult."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import jsonschema
import pytest
from helpers import shared_file
from junitparser import Failure, JUnitXml, Skipped

from scoped_modules.finding import Finding
from scoped_modules.report import FORMATS, RENDERERS, github, junit, sarif, text
from scoped_modules.result import CheckResult, ModuleRow, Note
from scoped_modules.rules.docs import render_doc

INBOUND = Finding(
    rule="SM003",
    severity="error",
    module="cutlass",
    path="python/tvm/relax/transform/transform.py",
    line=724,
    message="core file imports module 'cutlass'; deleting the module would break it",
    hint="move the code into the module, guard it with the toggle, or integrate through an S1 RFC",
    kind="python-import",
    type_checking=False,
    evidence="from tvm.contrib import cutlass",
    target="python/tvm/contrib/cutlass/__init__.py",
)
TYPE_ONLY = replace(
    INBOUND,
    severity="warning",
    path="python/tvm/relax/expr.py",
    line=10,
    type_checking=True,
    evidence="    from tvm.contrib.cutlass import gen  \n",
)
STRAY = Finding(
    rule="SM004",
    severity="warning",
    module="uma",
    path="src/a,b:c/uma.cc",
    line=1,
    message="100% outside\r\nthe module",
    evidence='#include "uma.h"\x1b[2J',
)
NO_DECISION = Finding(
    rule="SM010",
    severity="error",
    module="uma",
    path="scoped.toml",
    line=12,
    message="stage s0 has no passing establish decision",
    hint="record the vote with `scoped vote record`",
)
MIXED = Finding(
    rule="SM012",
    severity="note",
    module="uma",
    path=None,
    line=None,
    message="acknowledged: https://example.org/t/1",
)
UNKNOWN_VOTER = Finding(  # registry-level: no module, no file, no line
    rule="SM013",
    severity="error",
    module=None,
    path=None,
    line=None,
    message="ballot voter 'zed' is not in the roster",
)
FINDINGS = [INBOUND, TYPE_ONLY, STRAY, NO_DECISION, MIXED, UNKNOWN_VOTER]
MODULES = [
    ModuleRow("cutlass", "s1", files=40, inbound=2, wiring=0, status="error"),
    ModuleRow("old", "rejected", files=3, inbound=0, wiring=0, status="ok"),
    ModuleRow("tidy", "s2", files=5, inbound=0, wiring=1, status="ok"),
    ModuleRow("uma", "s0", files=27, inbound=0, wiring=3, status="error"),
]


def make_result(notes: int = 2, root: str = "/work/tvm", findings=None) -> CheckResult:
    return CheckResult(
        root=root,
        registry_path="scoped.toml",
        files=3185,
        modules=list(MODULES),
        findings=sorted(FINDINGS if findings is None else findings, key=Finding.sort_key),
        notes=[Note(f"python/tvm/f{i}.py", i + 1, f"syntax error {i}") for i in range(notes - 1)]
        + ([Note(None, None, "not a git repository; walked the tree")] if notes else []),
        seconds=0.2149,
    )


# --- the registry of renderers ------------------------------------------------------------------


def test_every_format_renders_the_same_result() -> None:
    assert FORMATS == ("text", "json", "sarif", "junit", "github")
    result = make_result()
    for fmt, render in RENDERERS.items():
        assert render(result).strip(), fmt
        assert render(result, False) == render(result), fmt


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_formats_are_imported_lazily() -> None:
    loaded = _modules_after(
        "from scoped_modules.report import RENDERERS\n"
        "from scoped_modules.result import CheckResult\n"
        "RENDERERS['json'](CheckResult('/r', 'scoped.toml', files=0, modules=[], findings=[]))"
    )
    assert "scoped_modules.report.json_report" in loaded
    others = {"text", "sarif", "junit", "github"}
    assert not {f"scoped_modules.report.{m}" for m in others} & loaded


def test_text_format_stays_lean() -> None:
    loaded = _modules_after("import scoped_modules.report.text")
    assert not {"rich", "click", "scoped_modules.rules.docs", "json", "xml.etree"} & loaded


# --- text ---------------------------------------------------------------------------------------


def test_text_groups_findings_by_module_with_stage_and_status() -> None:
    out = text.render(make_result())
    lines = out.splitlines()
    headers = [line for line in lines if line.startswith(("module ", "(project)"))]
    assert headers == ["(project)", "module cutlass (s1): error", "module uma (s0): error"]
    uma = lines[lines.index("module uma (s0): error") :]
    assert uma[1].startswith("src/a,b:c/uma.cc:1: WARNING SM004 stray-file: 100% outside the")
    assert uma[3].startswith("scoped.toml:12: ERROR SM010 decision-unsupported: stage s0 has")
    assert "    hint: record the vote with `scoped vote record`" in uma
    project = lines[lines.index("(project)") + 1]
    assert project == "ERROR SM013 unknown-person: ballot voter 'zed' is not in the roster"
    assert "NOTE SM012 mixed-change: acknowledged: https://example.org/t/1" in lines


def test_text_finding_line_evidence_and_hint() -> None:
    lines = text.render(make_result()).splitlines()
    i = lines.index(
        "python/tvm/relax/transform/transform.py:724: ERROR SM003 inbound-reference: "
        "core file imports module 'cutlass'; deleting the module would break it"
    )
    assert lines[i + 1] == "    from tvm.contrib import cutlass"
    assert lines[i + 2] == "    hint: " + INBOUND.hint
    j = lines.index(
        "python/tvm/relax/expr.py:10: WARNING SM003 inbound-reference: "
        "core file imports module 'cutlass'; deleting the module would break it"
    )
    assert lines[j + 1] == "    from tvm.contrib.cutlass import gen"


def test_text_summary_is_one_last_line() -> None:
    out = text.render(make_result(notes=2))
    # notes count scan notes and note findings, as the JSON summary does
    assert out.splitlines()[-1] == "3185 files, 4 modules, 3 errors, 2 warnings, 3 notes in 0.21s"
    assert make_result(notes=2).as_json()["summary"]["notes"] == 3
    empty = CheckResult("/r", "scoped.toml", files=1, modules=[MODULES[0]], findings=[])
    assert text.render(empty) == "1 file, 1 module, 0 errors, 0 warnings, 0 notes in 0.00s"


def test_text_lists_at_most_twenty_notes() -> None:
    lines = text.render(make_result(notes=25)).splitlines()
    start = lines.index("notes")
    shown = lines[start + 1 : start + 21]
    assert all(line.startswith("  ") for line in shown)
    assert shown[0] == "  python/tvm/f0.py:1: syntax error 0"
    assert lines[start + 21] == "  … and 5 more notes (use --format json)"
    assert "not a git repository" not in "\n".join(lines)  # the 25th note is hidden
    assert "more note" not in text.render(make_result(notes=20))


def test_text_colour_only_on_request_and_never_from_scanned_files() -> None:
    plain = text.render(make_result())
    assert "\x1b" not in plain
    assert '#include "uma.h"\\x1b[2J' in plain  # the file's escape is shown, not obeyed
    coloured = text.render(make_result(), color=True)
    assert "\x1b[1;31mERROR\x1b[0m SM003" in coloured
    assert "\x1b[2J" not in coloured
    assert "\x1b[1;31m3185 files" in coloured.splitlines()[-1]


# --- json ---------------------------------------------------------------------------------------


def test_json_is_the_result_object() -> None:
    result = make_result()
    data = json.loads(RENDERERS["json"](result))
    assert data == result.as_json()
    assert data["findings"][0]["path"] is None  # keys with no value are null, not absent


# --- sarif --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(shared_file("data", "sarif", "sarif-schema-2.1.0.json").read_text("utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("root", ["/work/tvm", "."])
@pytest.mark.parametrize("findings", [FINDINGS, []])
def test_sarif_is_schema_valid(sarif_validator, root: str, findings: list[Finding]) -> None:
    log = json.loads(sarif.render(make_result(root=root, findings=findings)))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert log["version"] == "2.1.0"


def test_sarif_rules_and_results() -> None:
    run = json.loads(sarif.render(make_result()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["SM003", "SM004", "SM010", "SM012", "SM013"]
    sm003 = rules[0]
    assert sm003["name"] == "inbound-reference"
    assert sm003["shortDescription"]["text"]
    assert sm003["help"]["text"] == render_doc("SM003")
    assert "### Why is this bad?" in sm003["help"]["markdown"]

    results = run["results"]
    assert len(results) == len(FINDINGS)
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    levels = {(r["ruleId"], r["level"]) for r in results}
    assert {("SM003", "error"), ("SM003", "warning"), ("SM012", "note")} <= levels

    first = next(r for r in results if r["ruleId"] == "SM003" and r["level"] == "error")
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {
        "uri": "python/tvm/relax/transform/transform.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert loc["region"]["startLine"] == 724
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/tvm/"
    assert first["properties"]["module"] == "cutlass"
    stray = next(r for r in results if r["ruleId"] == "SM004")
    assert (
        stray["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "src/a%2Cb%3Ac/uma.cc"
    )

    registry_level = next(r for r in results if r["ruleId"] == "SM013")
    assert "locations" not in registry_level
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "syntax error 0",
        "not a git repository; walked the tree",
    ]


def test_sarif_fingerprints_ignore_the_line_but_not_the_evidence() -> None:
    base = sarif.fingerprint(INBOUND)
    assert sarif.fingerprint(replace(INBOUND, line=900)) == base
    assert sarif.fingerprint(replace(INBOUND, message="reworded")) == base
    assert sarif.fingerprint(replace(INBOUND, evidence="import tvm.contrib.cutlass")) != base
    assert sarif.fingerprint(replace(INBOUND, module="uma")) != base
    prints = [
        r["partialFingerprints"][sarif.FINGERPRINT]
        for r in json.loads(sarif.render(make_result()))["runs"][0]["results"]
    ]
    assert len(set(prints)) == len(prints)


# --- junit --------------------------------------------------------------------------------------


# the rules SPEC §4 checks at each stage (its table's columns, copied by hand)
CHECKED = {
    "s0": [f"SM{n:03}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15)],
    "s1": [f"SM{n:03}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)],
    "s2": ["SM001", "SM002", "SM008", "SM010", "SM013"],
}


def _checked(stage: str) -> list[str]:
    return CHECKED[stage]


def test_junit_has_one_case_per_module_and_checked_rule() -> None:
    xml = junit.render(make_result())
    suites = {suite.name: suite for suite in JUnitXml.fromstring(xml.encode())}
    assert set(suites) == {"(project)", "cutlass", "tidy", "uma"}  # rejected: not checked
    for name, stage in (("cutlass", "s1"), ("tidy", "s2"), ("uma", "s0")):
        cases = [case.name for case in suites[name]]
        assert [c.split()[0] for c in cases] == _checked(stage), name
        assert suites[name].tests == len(cases)
    assert [case.name for case in suites["(project)"]] == ["SM013 unknown-person"]


def test_junit_failures_are_the_rules_with_errors() -> None:
    xml = junit.render(make_result())
    parsed = JUnitXml.fromstring(xml.encode())
    failed = {
        (suite.name, case.name.split()[0])
        for suite in parsed
        for case in suite
        if any(isinstance(r, Failure) for r in case.result)
    }
    assert failed == {("cutlass", "SM003"), ("uma", "SM010"), ("(project)", "SM013")}
    assert sum(suite.failures for suite in parsed) == 3
    root = ET.fromstring(xml.encode())
    assert root.get("failures") == "3"
    assert int(root.get("tests")) == sum(suite.tests for suite in parsed)

    cutlass = next(s for s in parsed if s.name == "cutlass")
    sm003 = next(c for c in cutlass if c.name.startswith("SM003"))
    failure = sm003.result[0]
    assert "transform.py:724: ERROR SM003" in failure.text
    assert "from tvm.contrib import cutlass" in failure.text
    assert "expr.py:10: WARNING" in sm003.system_out  # the warning is listed, not failed


def test_junit_skips_the_rules_not_checked_yet() -> None:
    """A rule that does not run yet is a skipped case, never a passing one (issue 6, defect 7);
    a finding of a rule that runs (here an SM012 note) is still reported."""
    from scoped_modules.rules import BY_ID

    parsed = JUnitXml.fromstring(junit.render(make_result()).encode())
    cases = {(suite.name, case.name.split()[0]): case for suite in parsed for case in suite}
    skipped = {k for k, case in cases.items() if any(isinstance(r, Skipped) for r in case.result)}
    assert skipped == {k for k in cases if not BY_ID[k[1]].checked}
    assert all(not BY_ID[r].checked for _, r in skipped)
    uma = next(s for s in parsed if s.name == "uma")
    sm012 = next(c for c in uma if c.name.startswith("SM012"))
    assert sm012.result == [] and "acknowledged: https://example.org/t/1" in sm012.system_out


def test_junit_survives_control_characters() -> None:
    """The SM004 evidence holds an escape character, which XML 1.0 cannot carry."""
    xml = junit.render(make_result())
    assert "\x1b" not in xml
    uma = next(s for s in JUnitXml.fromstring(xml.encode()) if s.name == "uma")
    sm004 = next(c for c in uma if c.name.startswith("SM004"))
    assert sm004.is_passed
    assert '#include "uma.h"\ufffd[2J' in sm004.system_out


# --- github -------------------------------------------------------------------------------------


def test_github_workflow_commands() -> None:
    lines = github.render(make_result()).splitlines()
    assert lines[-1].startswith("scoped: 3185 files, 4 modules, 3 errors")
    commands = lines[:-1]
    assert len(commands) == len(FINDINGS)
    assert [c.split(" ", 1)[0].split("::")[1] for c in commands] == [
        "error", "error", "error", "warning", "warning", "notice",
    ]  # fmt: skip
    assert (
        "::error file=python/tvm/relax/transform/transform.py,line=724,"
        "title=SM003 inbound-reference::core file imports module 'cutlass'; deleting the module "
        "would break it%0Afrom tvm.contrib import cutlass%0Ahint: move the code into the module, "
        "guard it with the toggle, or integrate through an S1 RFC"
    ) in commands
    assert "::error title=SM013 unknown-person::ballot voter 'zed' is not in the roster" in commands
    assert "::notice title=SM012 mixed-change::acknowledged: https://example.org/t/1" in commands


def test_github_escaping() -> None:
    line = github.command(STRAY)
    assert line.startswith("::warning file=src/a%2Cb%3Ac/uma.cc,line=1,title=SM004 stray-file::")
    message = line.split("::", 2)[2]
    assert message.startswith("100%25 outside%0D%0Athe module%0A")
    assert message.endswith('%0A#include "uma.h"\\x1b[2J')
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
