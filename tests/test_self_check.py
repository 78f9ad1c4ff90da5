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
