"""SM003 on generated Python packages: optional imports (issue 7, case 10)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import check_json, make_repo

REGISTRY = """\
schema = 1

[project]
python_roots = ["src"]

[modules.accel]
stage = "{stage}"
paths = ["src/proj/accel/"]
toggles = [{{ env = "PROJ_ACCEL" }}]
"""
OPTIONAL = "optional import: deleting the module leaves dead code here"
BREAKS = "deleting the module would break it"


def _repo(root: Path, core: str, stage: str = "s0") -> Path:
    return make_repo(
        root,
        {
            "scoped.toml": REGISTRY.format(stage=stage),
            "src/proj/__init__.py": "",
            "src/proj/accel/__init__.py": "def offload():\n    return 1\n",
            "src/proj/core.py": core,
        },
    )


def _handler_names(source: str, line: int) -> list[str]:
    """What the ``except`` clauses around ``line`` catch, read with Python's own parser."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Try) and node.body[0].lineno <= line <= node.body[-1].end_lineno:
            return [ast.unparse(h.type) if h.type else "" for h in node.handlers]
    return []


@pytest.mark.parametrize("caught", ["ImportError", "ModuleNotFoundError", "Exception"])
def test_an_optional_import_is_a_warning_that_does_not_contradict_itself(
    tmp_path: Path, caught: str
) -> None:
    core = f"try:\n    from proj.accel import offload\nexcept {caught}:\n    offload = None\n"
    assert _handler_names(core, 2) == [caught]
    _code, report = check_json(_repo(tmp_path / "r", core), "--no-cache")
    (f,) = [f for f in report["findings"] if f["rule"] == "SM003"]
    assert (f["severity"], f["path"], f["line"]) == ("warning", "src/proj/core.py", 2)
    assert f["message"] == f"core file imports module 'accel'; {OPTIONAL}"
    assert "break" not in f["message"] and "guarded" not in f["message"]


def test_a_plain_import_stays_an_error(tmp_path: Path) -> None:
    core = "import proj.accel\n"
    code, report = check_json(_repo(tmp_path / "r", core), "--no-cache")
    (f,) = [f for f in report["findings"] if f["rule"] == "SM003"]
    assert (f["severity"], f["line"]) == ("error", 1)
    assert f["message"] == f"core file imports module 'accel'; {BREAKS}"
    assert code == 1


def test_other_handlers_do_not_make_an_import_optional(tmp_path: Path) -> None:
    core = "try:\n    import proj.accel\nexcept KeyError:\n    pass\n"
    _code, report = check_json(_repo(tmp_path / "r", core), "--no-cache")
    (f,) = [f for f in report["findings"] if f["rule"] == "SM003"]
    assert (f["severity"], f["message"]) == ("error", f"core file imports module 'accel'; {BREAKS}")


def test_an_optional_import_counts_as_inbound_not_wiring(tmp_path: Path) -> None:
    """Optional is not switched off: only the toggle makes wiring (here at stage deprecated)."""
    core = "try:\n    import proj.accel\nexcept ImportError:\n    pass\n"
    _code, report = check_json(_repo(tmp_path / "r", core, stage="deprecated"), "--no-cache")
    (f,) = [f for f in report["findings"] if f["rule"] == "SM003"]
    assert f["severity"] == "warning"
    (row,) = report["modules"]
    assert (row["inbound"], row["wiring"]) == (1, 0)
