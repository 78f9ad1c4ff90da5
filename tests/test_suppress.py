"""Rule selection and inline suppressions (SPEC §5): ``--select``/``--ignore``,
``[project].ignore``, ``modules.NAME.ignore``, ``[project].governance``, and
``scoped: ignore[RULE] reason`` comments in each file's own comment syntax."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from helpers import check_json, make_repo, run_cli, write_tree

from scoped_modules.rules.suppression import find_in_text

REGISTRY = """
schema = 1

[project]
name = "demo"
{project}

[modules.uma]
stage = "s0"
paths = ["python/pkg/uma/", "src/uma/"]
toggles = [{{ env = "USE_UMA" }}]
{module}
"""


def _repo(tmp_path: Path, files: dict[str, str], project: str = "", module: str = "") -> Path:
    base = {
        "scoped.toml": REGISTRY.format(project=project, module=module),
        "python/pkg/__init__.py": "",
        "python/pkg/uma/__init__.py": "def run():\n    return 2\n",
        "src/uma/uma.h": "int uma();\n",
        "src/uma/uma.cc": "int uma() { return 0; }\n",
    }
    return make_repo(tmp_path / "repo", {**base, **files})


def _by_rule(data: dict, rule: str) -> list[dict]:
    return [f for f in data["findings"] if f["rule"] == rule]


# --- inline suppressions ------------------------------------------------------------------------


def test_python_suppression_with_reason_becomes_a_note(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "python/pkg/core.py": (
                "from pkg.uma import run  # scoped: ignore[SM003] legacy entry point, goes in 2.0\n"
                "import pkg.uma\n"
            )
        },
        project="governance = false",
    )
    code, data = check_json(root)
    sm003 = _by_rule(data, "SM003")
    assert [(f["line"], f["severity"]) for f in sm003] == [(1, "note"), (2, "error")]
    assert sm003[0]["message"].startswith("suppressed (legacy entry point, goes in 2.0): ")
    assert code == 1  # line 2 is not suppressed


def test_suppression_without_reason_suppresses_nothing_and_is_an_error(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {"python/pkg/core.py": "from pkg.uma import run  # scoped: ignore[SM003]\n"},
        project="governance = false",
    )
    code, data = check_json(root)
    assert code == 1
    errors = [(f["rule"], f["line"], f["module"]) for f in data["findings"]]
    assert errors == [("SM003", 1, None), ("SM003", 1, "uma")]
    problem = next(f for f in data["findings"] if f["module"] is None)
    assert "no reason" in problem["message"]


def test_stale_suppression_is_an_error(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {"python/pkg/core.py": "import os  # scoped: ignore[SM003] was needed once\n"},
        project="governance = false",
    )
    code, data = check_json(root)
    assert code == 1
    [stale] = data["findings"]
    assert (stale["rule"], stale["path"], stale["line"]) == ("SM003", "python/pkg/core.py", 1)
    assert stale["message"].startswith("stale suppression")


def test_marker_in_strings_and_docstrings_is_not_a_suppression(tmp_path: Path) -> None:
    source = (
        '"""Docs: write `import x  # scoped: ignore[SM003] why` to suppress."""\n'
        'EXAMPLE = "import x  # scoped: ignore[SM003] why"\n'
        "TEMPLATE = '''\n"
        "from pkg.uma import run  # scoped: ignore[SM003] inside a string\n"
        "'''\n"
    )
    # the oracle: Python's own tokenizer finds no comment in this file
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    assert not [t for t in tokens if t.type == tokenize.COMMENT]
    root = _repo(tmp_path, {"python/pkg/docs.py": source}, project="governance = false")
    code, data = check_json(root)
    assert code == 0 and data["findings"] == []
    assert find_in_text("python/pkg/docs.py", source, [1, 2, 3, 4, 5]) == []


def test_cpp_and_cmake_suppressions(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "src/core.cc": (
                '#include "uma/uma.h"  // scoped: ignore[SM003] moved in the next release\n'
                '#include "uma/uma.h" /* scoped: ignore[inbound-reference] same */\n'
                'const char* s = "// scoped: ignore[SM003] not a comment";\n'
            ),
            "CMakeLists.txt": (
                "add_library(core src/core.cc\n"
                "  src/uma/uma.cc)  # scoped: ignore[SM007] built always until #42 lands\n"
            ),
        },
        project="governance = false",
    )
    code, data = check_json(root)
    got = [(f["rule"], f["path"], f["line"], f["severity"]) for f in data["findings"]]
    assert ("SM003", "src/core.cc", 1, "note") in got
    assert ("SM003", "src/core.cc", 2, "note") in got
    sm007 = [g for g in got if g[0] == "SM007"]
    assert sm007 and all(g[3] == "note" for g in sm007), got
    assert code == 0, got


def test_unknown_item_is_a_note_and_ignored_rules_are_never_stale(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {"python/pkg/core.py": "import os  # scoped: ignore[SM003, inbound] kept for now\n"},
        project="governance = false",
    )
    _code, data = check_json(root)
    assert any("'inbound'" in n["message"] for n in data["notes"])
    code, data = check_json(root, "--ignore", "SM003")
    assert code == 0 and data["findings"] == []
    code, data = check_json(root, "--select", "SM001")
    assert code == 0 and data["findings"] == []


def test_registry_lines_take_toml_comments(tmp_path: Path) -> None:
    root = _repo(tmp_path, {}, module='owners = ["ghost"]  # scoped: ignore[SM013] joins next week')
    _code, data = check_json(root)
    sm013 = _by_rule(data, "SM013")
    assert sm013 and all(f["severity"] == "note" for f in sm013)


# --- rule selection -----------------------------------------------------------------------------


def test_select_and_ignore_on_the_command_line(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {"python/pkg/core.py": "import pkg.uma\n", "tools/uma/run.sh": "echo\n"},
    )
    _code, data = check_json(root)
    everything = {f["rule"] for f in data["findings"]}
    assert {"SM003", "SM004", "SM008", "SM010"} <= everything
    _code, data = check_json(root, "--select", "SM003,stray-file")
    assert {f["rule"] for f in data["findings"]} == {"SM003", "SM004"}
    _code, data = check_json(root, "--ignore", "SM003", "--ignore", "SM004")
    assert {f["rule"] for f in data["findings"]} == everything - {"SM003", "SM004"}
    code, _out, err = run_cli(root, "check", "--select", "SM099")
    assert code == 2 and "SM099" in err


def test_project_and_module_ignore_and_governance_switch(tmp_path: Path) -> None:
    files = {"python/pkg/core.py": "import pkg.uma\n", "tools/uma/run.sh": "echo\n"}
    root = _repo(tmp_path, files, project='ignore = ["SM004"]\ngovernance = false')
    _code, data = check_json(root)
    assert {f["rule"] for f in data["findings"]} == {"SM003"}
    root = _repo(tmp_path / "m", files, project="governance = false", module='ignore = ["SM003"]')
    code, data = check_json(root)
    assert {f["rule"] for f in data["findings"]} == {"SM004"}
    assert code == 0  # SM004 is a warning
    assert data["modules"][0]["status"] == "warning"


def test_bad_ignore_entries_are_registry_errors(tmp_path: Path) -> None:
    root = _repo(tmp_path, {}, project='ignore = ["stray-file"]')
    code, _out, err = run_cli(root, "check")
    assert code == 2
    assert "scoped.toml:5:" in err and "'stray-file' is not a rule id" in err
    root = _repo(tmp_path / "b", {}, project='ignore = ["SM099"]\ngovernance = "no"')
    code, _out, err = run_cli(root, "check")
    assert code == 2 and "governance must be true or false" in err


def test_well_formed_unknown_rule_in_ignore_is_a_note(tmp_path: Path) -> None:
    root = _repo(tmp_path, {}, project='ignore = ["SM099"]\ngovernance = false')
    code, data = check_json(root)
    assert code == 0
    assert any("SM099" in n["message"] for n in data["notes"])


def test_suppression_added_after_a_cached_run_is_seen(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"python/pkg/core.py": "import pkg.uma\n"}, project="governance = false")
    code, _data = check_json(root)
    assert code == 1
    write_tree(root, {"python/pkg/core.py": "import pkg.uma  # scoped: ignore[SM003] for now\n"})
    code, data = check_json(root)
    assert code == 0 and _by_rule(data, "SM003")[0]["severity"] == "note"
    write_tree(root, {"python/pkg/core.py": "import os  # scoped: ignore[SM003] for now\n"})
    code, data = check_json(root)
    assert code == 1 and _by_rule(data, "SM003")[0]["message"].startswith("stale")


def test_comment_after_a_multi_line_python_statement_covers_it(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "python/pkg/core.py": (
                "from pkg.uma import (\n"
                "    run,\n"
                ")  # scoped: ignore[SM003] the old entry point\n"
                "import os  # scoped: ignore[SM003] nothing here\n"
            )
        },
        project="governance = false",
    )
    code, data = check_json(root)
    got = [(f["line"], f["severity"], f["message"][:16]) for f in data["findings"]]
    assert got == [(4, "error", "stale suppressio"), (1, "note", "suppressed (the ")], got
    assert code == 1


def test_governance_suppression_is_not_stale_when_governance_does_not_run(
    tmp_path: Path, monkeypatch
) -> None:
    root = _repo(tmp_path, {}, module='owners = ["ghost"]  # scoped: ignore[SM013] joins soon')
    monkeypatch.setenv("SCOPED_VOTING", "0")
    code, data = check_json(root)
    assert code == 0 and not [f for f in data["findings"] if "stale" in f["message"]]
