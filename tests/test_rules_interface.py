"""The rule interface: one list of rules drives `scoped check`, `scoped explain`, SARIF and JUnit
(issue 6, "The layout"); rules read the index through names, never the readers' fact tuples."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import check_json, make_repo, run_cli

import scoped_modules.rules as rules_package
from scoped_modules.app import analyse
from scoped_modules.finding import Finding
from scoped_modules.rules import BY_ID, RULES
from scoped_modules.rules.base import Rule, RuleContext
from scoped_modules.rules.page import RuleDoc, snippet

RULES_DIR = Path(rules_package.__file__).parent
SRC = RULES_DIR.parent

REGISTRY = 'schema = 1\n\n[modules.uma]\nstage = "s0"\npaths = ["uma/"]\n'


class _Probe(Rule):
    """A rule that is not in SPEC §4: it reports one note per module it is given."""

    id = "SM001"  # borrows a real id so that the name and severity table answer
    doc = RuleDoc("probe", "probe " * 10, ("q",), "why " * 10, "fix " * 10, (), ())

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in ctx.modules:
            yield Finding("SM001", "note", m.name, None, None, f"probe saw {m.name}")


def test_check_runs_exactly_the_rules_of_the_list(tmp_path: Path, monkeypatch) -> None:
    root = make_repo(tmp_path / "r", {"scoped.toml": REGISTRY, "uma/a.py": "x = 1\n"})
    _code, before = check_json(root, "--no-cache")
    assert {f["rule"] for f in before["findings"]} == {"SM005", "SM008", "SM009", "SM010"}
    monkeypatch.setattr(analyse, "RULES", (_Probe(),))
    _code, after = check_json(root, "--no-cache")
    assert [(f["rule"], f["severity"], f["message"]) for f in after["findings"]] == [
        ("SM001", "note", "probe saw uma")
    ]


def test_rules_not_checked_yet_are_not_run(monkeypatch) -> None:
    class Pending(Rule):
        id = "SM011"
        doc = BY_ID["SM011"].doc

    assert not Pending().checked
    ran: list[str] = []

    class Written(Pending):
        def check(self, ctx: RuleContext) -> list[Finding]:
            ran.append(self.id)
            return []

    monkeypatch.setattr(analyse, "RULES", (Pending(), Written()))
    ctx = RuleContext(None, [], None, None)  # type: ignore[arg-type]
    assert analyse.run_rules(ctx, reads_index=True) == [] and ran == ["SM011"]


def test_every_rule_declares_what_it_reads() -> None:
    governance = {"SM008", "SM009", "SM010", "SM013"}
    change = {"SM011", "SM012"}  # judge git history and the change of --changed, not the index
    assert {r.id for r in RULES if not r.reads_index} == governance | change
    assert [r.id for r in RULES if not r.checked] == ["SM014"]


def test_a_rule_that_reads_the_index_too_early_is_told_so() -> None:
    ctx = RuleContext(None, [], None, None)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="reads_index"):
        _ = ctx.index


def test_shared_results_are_computed_once() -> None:
    ctx = RuleContext(None, [], None, None)  # type: ignore[arg-type]
    calls: list[int] = []
    assert ctx.shared("k", lambda: calls.append(1) or 7) == 7
    assert ctx.shared("k", lambda: calls.append(1) or 8) == 7
    assert calls == [1]


# --- rules read names, not the readers' tuples ----------------------------------------------------

_RAW = {"scan", "facts", "flags"}  # Index.scan.facts holds the readers' tuples; flags their bits


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rules_do_not_read_the_readers_fact_tuples(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    raw = sorted(
        f"{path.name}:{node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in _RAW
    )
    flags = sorted(
        f"{path.name}:{node.lineno}: {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("F_")
    )
    assert raw == [] and flags == []


# --- explain, and the voting module switched off --------------------------------------------------


def test_explain_marks_the_rules_that_do_not_run_yet(tmp_path: Path) -> None:
    marker = "Not yet checked: `scoped check` does not run this rule yet"
    code, out, _err = run_cli(tmp_path, "explain", "SM012")  # runs with --changed
    assert code == 0 and marker not in " ".join(out.split())
    for rule_id in ("SM014",):
        code, out, _err = run_cli(tmp_path, "explain", rule_id)
        assert code == 0
        assert "Not yet checked: `scoped check` does not run this rule yet" in " ".join(out.split())
    code, out, _err = run_cli(tmp_path, "explain", "SM003")
    assert code == 0 and "not yet checked" not in out.lower()


def test_explain_suggests_close_rules(tmp_path: Path) -> None:
    code, _out, err = run_cli(tmp_path, "explain", "inbound-refs")
    assert code == 2
    assert "unknown rule 'inbound-refs'; did you mean inbound-reference?" in err


def test_explain_works_with_the_voting_module_switched_off() -> None:
    """SCOPED_VOTING=0: the governance rules' pages stay, their vote-counting code is not loaded."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from scoped_modules.cli import main\n"
        "res = CliRunner().invoke(main, ['explain', 'SM010'])\n"
        "loaded = [m for m in sys.modules if m.startswith('scoped_modules.governance.')]\n"
        "print(__import__('json').dumps({'code': res.exit_code, 'out': res.output, 'loaded': loaded}))\n"
    )
    for voting in ("0", "1"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "SCOPED_VOTING": voting},
            check=True,
        )
        res = json.loads(out.stdout)
        assert res["code"] == 0 and res["out"].startswith("SM010 decision-unsupported\n")
        assert res["loaded"] == []  # explain never needs the vote-counting code


def test_governance_rules_find_nothing_with_the_voting_module_switched_off(
    tmp_path: Path, monkeypatch
) -> None:
    root = make_repo(tmp_path / "r", {"scoped.toml": REGISTRY, "uma/a.py": "x = 1\n"})
    monkeypatch.setenv("SCOPED_VOTING", "0")
    _code, report = check_json(root, "--no-cache")
    assert {f["rule"] for f in report["findings"]} == {"SM005"}


def test_examples_of_pages_are_files_and_commands() -> None:
    page = RuleDoc(
        "s",
        "w",
        ("q",),
        "y",
        "f",
        (
            snippet("scoped.toml", "schema = 1"),
            snippet("a/b.py (core)", "import x"),
            snippet("$ git log", "out"),
        ),
        (snippet("a/b.py", "pass"),),
    )
    assert page.example_files() == {"scoped.toml": "schema = 1\n", "a/b.py": "import x\n"}
    assert page.use_instead_files() == {"scoped.toml": "schema = 1\n", "a/b.py": "pass\n"}
