"""The registry edit of `scoped remove`: stage set and history appended, every other byte kept,
whatever way the module table is written (scoped.toml, pyproject.toml, dotted keys, inline)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from helpers import make_repo, run_cli

from scoped_modules.errors import ConfigError
from scoped_modules.registry.edit_value import set_value_text


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (
            '[modules.uma]\nstage = "deprecated"   # why\npaths = ["a/"]\n',
            ["modules", "uma", "stage"],
        ),
        ('[modules]\numa.stage = "deprecated"\numa.paths = ["a/"]\n', ["modules", "uma", "stage"]),
        ("[modules.uma]\nstage='deprecated'\n", ["modules", "uma", "stage"]),
        (
            '[modules]\numa = { stage = "deprecated", paths = ["a/"] }  # inline\n',
            ["modules", "uma", "stage"],
        ),
        (
            '[tool.scoped.modules.uma]\nstage = "deprecated"\n',
            ["tool", "scoped", "modules", "uma", "stage"],
        ),
    ],
)
def test_set_value_changes_only_the_value(text: str, keys: list[str]) -> None:
    new = set_value_text(text, keys, "removed")
    data = tomllib.loads(new)
    node = data
    for k in keys[:-1]:
        node = node[k]
    assert node[keys[-1]] == "removed"
    # every other value is the same
    old = tomllib.loads(text)
    node = old
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = "removed"
    assert data == old
    # and comments survive
    for line in text.splitlines():
        if "#" in line:
            assert line.split("#", 1)[1] in new


def test_set_value_refuses_a_missing_key() -> None:
    with pytest.raises(ConfigError, match="no key modules.uma.stage"):
        set_value_text("[modules.uma]\npaths = []\n", ["modules", "uma", "stage"], "removed")


def test_remove_edits_a_pyproject_registry(tmp_path: Path) -> None:
    pyproject = """\
    [project]
    name = "demo"  # the package

    [tool.scoped]
    schema = 1

    [tool.scoped.modules.uma]
    stage = "deprecated"
    paths = ["src/uma/"]
    history = [{ date = 2023-01-01, stage = "deprecated", reason = "unmaintained" }]

    [tool.ruff]
    line-length = 100
    """
    root = make_repo(
        tmp_path / "r",
        {"pyproject.toml": pyproject, "src/uma/a.c": "int a;\n", "src/core.c": "int c;\n"},
    )
    before = (root / "pyproject.toml").read_text()
    code, _out, err = run_cli(root, "--now", "2024-05-01", "remove", "uma")
    assert code == 0, err
    after = (root / "pyproject.toml").read_text()
    data = tomllib.loads(after)
    uma = data["tool"]["scoped"]["modules"]["uma"]
    assert uma["stage"] == "removed"
    assert uma["history"][-1] == {
        "date": date(2024, 5, 1),
        "stage": "removed",
        "reason": "paths deleted with `scoped remove`",
    }
    assert data["tool"]["ruff"] == {"line-length": 100} and data["project"]["name"] == "demo"
    # the tables around the module's are kept byte for byte
    assert after.startswith(before.split("[tool.scoped.modules.uma]")[0])
    assert after.endswith("[tool.ruff]\nline-length = 100\n")
    assert not (root / "src/uma").exists() and (root / "src/core.c").exists()
