"""The registry edit of `scoped remove` (and `transition`): one key set, every other byte kept,
whatever way the module table is written (scoped.toml, pyproject.toml, dotted keys, inline)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from helpers import make_repo, run_cli
from hypothesis import HealthCheck, given, settings
from toml_docs import registry_module

from scoped_modules.errors import ConfigError
from scoped_modules.registry.edit_stage import set_key_text


@pytest.mark.parametrize(
    ("text", "table", "line"),
    [
        (
            '[modules.uma]\nstage = "deprecated"   # why\npaths = ["a/"]\n',
            ["modules", "uma"],
            'stage = "removed"   # why\n',
        ),
        (
            '[modules]\numa.stage = "deprecated"\numa.paths = ["a/"]\n',
            ["modules", "uma"],
            'uma.stage = "removed"\n',
        ),
        ("[modules.uma]\nstage='deprecated'\n", ["modules", "uma"], 'stage="removed"\n'),
        (
            '[modules]\numa = { stage = "deprecated", paths = ["a/"] }  # inline\n',
            ["modules", "uma"],
            'uma = { stage = "removed", paths = ["a/"] }  # inline\n',
        ),
        (
            '[tool.scoped.modules.uma]\r\nstage = "deprecated"\r\n',
            ["tool", "scoped", "modules", "uma"],
            'stage = "removed"\r\n',
        ),
    ],
)
def test_set_key_rewrites_only_the_value(text: str, table: list[str], line: str) -> None:
    new = set_key_text(text, table, "stage", "removed")
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(changed) == 1 and new_lines[changed[0]] == line
    expected = tomllib.loads(text)
    node = expected
    for k in table:
        node = node[k]
    node["stage"] = "removed"
    assert tomllib.loads(new) == expected


def test_set_key_adds_a_missing_key_below_the_header() -> None:
    text = "[modules.uma]  # the module\npaths = []\n"
    new = set_key_text(text, ["modules", "uma"], "stage", "removed")
    assert new == '[modules.uma]  # the module\nstage = "removed"\npaths = []\n'


def test_set_key_keeps_a_bom_and_refuses_a_missing_table() -> None:
    text = '\ufeff[modules.uma]\nstage = "s0"\n'
    assert set_key_text(text, ["modules", "uma"], "stage", "s1") == text.replace("s0", "s1")
    with pytest.raises(ConfigError, match=r"no table \[modules.gone\]"):
        set_key_text(text, ["modules", "gone"], "stage", "s1")


def _stage_line(text: str, line: int, col: int, new: str) -> str:
    """Line ``line`` of ``text`` with the value written after the key at ``col`` replaced
    (toml_docs writes every stage as ``stage = "s0"`` or ``stage = "proposed"``)."""
    row = text.split("\n")[line - 1]
    head, rest = row[: col - 1], row[col - 1 :]
    for old in ('= "s0"', '= "proposed"'):
        if old in rest:
            return head + rest.replace(old, f'= "{new}"', 1)
    raise AssertionError(f"no stage value on {row!r}")


# Registries written every way TOML allows, full of comments and tricky strings; the position of
# every key is known by construction (toml_docs), so the expected text is known independently.
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registry_module())
def test_setting_a_stage_rewrites_nothing_but_its_value(generated: tuple) -> None:
    doc, text, module, _newline = generated
    line, col = doc.where[("modules", module, "stage")]
    new = set_key_text(text, ["modules", module], "stage", "removed")
    want = text.split("\n")
    want[line - 1] = _stage_line(text, line, col, "removed")
    assert new == "\n".join(want)
    expected = tomllib.loads(text)
    expected["modules"][module]["stage"] = "removed"
    assert tomllib.loads(new) == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registry_module())
def test_adding_a_key_inserts_one_line_or_refuses(generated: tuple) -> None:
    doc, text, module, newline = generated
    line, col = doc.where[("modules", module, "stage")]
    row = text.split("\n")[line - 1]
    inline = row[col - 1 :].startswith("stage") and "{" in row[: col - 1]
    if inline:  # an inline table cannot take a new line: refused, never rewritten
        with pytest.raises(ConfigError, match="cannot set"):
            set_key_text(text, ["modules", module], "rfc", "https://x/1", after="stage")
        return
    new = set_key_text(text, ["modules", module], "rfc", "https://x/1", after="stage")
    dotted = row.startswith(f"{module}.stage")
    added = f'{module + "." if dotted else ""}rfc = "https://x/1"{newline}'
    lines = text.split("\n")
    assert new == "\n".join(lines[:line]) + "\n" + added + "\n".join(lines[line:])
    expected = tomllib.loads(text)
    expected["modules"][module]["rfc"] = "https://x/1"
    assert tomllib.loads(new) == expected


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
