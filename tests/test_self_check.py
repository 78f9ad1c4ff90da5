"""The project checks itself: its own scoped.toml declares the optional `voting` module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scoped(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoped_modules.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def test_self_check_has_no_errors_and_voting_is_only_wired() -> None:
    res = scoped("check", "--format", "json")
    assert res.returncode == 0, res.stdout + res.stderr
    report = json.loads(res.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    (voting,) = [m for m in report["modules"] if m["name"] == "voting"]
    assert voting["inbound"] == 0 and voting["wiring"] >= 1 and voting["files"] >= 10
    assert not [f for f in report["findings"] if f["rule"] in ("SM001", "SM003", "SM004")]


def test_voting_toggle_really_switches_the_module_off() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['scoped', 'check', '--format', 'json']\n"
        "try:\n    runpy.run_module('scoped_modules.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('scoped_modules.governance.') and m != 'scoped_modules.registry.profiles')\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    off = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SCOPED_VOTING": "0"},
        check=False,
    )
    assert "LOADED []" in off.stderr, off.stderr
    report = json.loads(off.stdout)
    assert not [f for f in report["findings"] if f["rule"] in ("SM008", "SM009", "SM010", "SM013")]
    on = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SCOPED_VOTING": "1"},
        check=False,
    )
    assert "scoped_modules.governance.decisions" in on.stderr


def test_the_cli_loads_the_vote_commands_only_through_the_toggle() -> None:
    res = scoped("deps", "voting", "--format", "json")
    assert res.returncode == 0, res.stderr
    inbound = json.loads(res.stdout)["inbound"]
    cli = [r for r in inbound if r["path"] == "src/scoped_modules/cli/__init__.py"]
    assert [(r["kind"], r["target"], r["wiring"]) for r in cli] == [
        ("python-import", "src/scoped_modules/cli/vote.py", "SCOPED_VOTING")
    ]
    code = (
        "import sys\n"
        "from scoped_modules.cli import main\n"
        "try:\n    main(['vote', '--help'])\n"
        "except SystemExit as exc:\n    print('EXIT', exc.code, file=sys.stderr)\n"
        "print('LOADED', 'scoped_modules.cli.vote' in sys.modules, file=sys.stderr)\n"
    )

    def run(value: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "SCOPED_VOTING": value},
            check=False,
        ).stderr

    off = run("0")
    assert "LOADED False" in off and "EXIT 2" in off and "SCOPED_VOTING=0" in off
    on = run("1")
    assert "LOADED True" in on and "EXIT 0" in on


def test_a_string_that_loads_the_vote_commands_is_a_reference(tmp_path: Path) -> None:
    """The project's own `references` pattern sees loading by name; the registry's own line,
    which names the pattern, is not a reference (issue 13, defect 6)."""
    import shutil

    from helpers import check_json, repo_from

    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__")
    copy = repo_from(ROOT, tmp_path / "self", ignore)
    _, clean = check_json(copy, "--no-cache")
    assert not [f for f in clean["findings"] if f["rule"] == "SM003"]
    lazy = copy / "src/scoped_modules/cli/lazy.py"
    name = "scoped_modules.cli." + "vote"  # spelt apart, or this very line would match
    lazy.write_text(f'COMMANDS = {{"vote": ("{name}", "vote")}}\n')
    _, report = check_json(copy, "--no-cache")
    sm003 = [(f["path"], f["line"], f["kind"]) for f in report["findings"] if f["rule"] == "SM003"]
    assert sm003 == [("src/scoped_modules/cli/lazy.py", 1, "pattern")]
