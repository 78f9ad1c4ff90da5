"""``scoped check --changed BASE``: SM012 mixed-change on a pull-request branch, trailers,
exempt files, ``--only-changed`` (SPEC §4 SM012, §5)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import check_json, commit, git, make_repo, run_cli

REGISTRY = """
schema = 1

[project]
name = "demo"
governance = false

[modules.uma]
stage = "{stage}"
paths = ["python/pkg/uma/", "src/uma/"]
toggles = [{{ env = "USE_UMA" }}]
"""


def _repo(tmp_path: Path, stage: str = "s0") -> Path:
    root = make_repo(
        tmp_path / "repo",
        {
            "scoped.toml": REGISTRY.format(stage=stage),
            "README.md": "# demo\n",
            "python/pkg/__init__.py": "",
            "python/pkg/core.py": "def core():\n    return 1\n",
            "python/pkg/util.py": "X = 1\n",
            "python/pkg/uma/__init__.py": "def run():\n    return 2\n",
            "python/pkg/uma/toggle.py": 'import os\n\nON = os.environ.get("USE_UMA")\n',
            "src/uma/uma.cc": "int uma() { return 0; }\n",
        },
    )
    git(root, "checkout", "-q", "-b", "feature")
    return root


UMA_EDIT = {"python/pkg/uma/__init__.py": "def run():\n    return 3\n"}
CORE_EDIT = {"python/pkg/core.py": "def core():\n    return 5\n"}
MIXED = {**UMA_EDIT, **CORE_EDIT}


def _sm012(data: dict) -> list[dict]:
    return [f for f in data["findings"] if f["rule"] == "SM012"]


def test_mixed_change_is_an_error_naming_the_core_files(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    commit(root, MIXED, "uma: faster run, and a core tweak")
    code, data = check_json(root, "--changed", "main")
    assert code == 1
    [finding] = _sm012(data)
    assert finding["severity"] == "error"
    assert finding["module"] == "uma"
    assert finding["path"] == "python/pkg/core.py"
    assert "python/pkg/core.py" in finding["message"]
    assert finding["evidence"] == "python/pkg/core.py"
    assert "Scoped-Core-Change" in finding["hint"]
    # without --changed there is no SM012 and nothing else is wrong
    code, data = check_json(root)
    assert code == 0 and not _sm012(data)


def test_trailer_acknowledges_the_core_change(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    commit(root, UMA_EDIT, "uma: part 1")
    commit(
        root,
        CORE_EDIT,
        "core: hook for uma\n\nAgreed on the list.\n\n"
        "Scoped-Core-Change: https://discuss.example.org/t/uma-hook\n",
    )
    code, data = check_json(root, "--changed", "main")
    assert code == 0
    [finding] = _sm012(data)
    assert finding["severity"] == "note"
    assert "https://discuss.example.org/t/uma-hook" in finding["message"]
    assert data["summary"]["errors"] == 0


def test_trailer_in_the_body_only_is_not_a_trailer(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    commit(
        root,
        MIXED,
        "mixed\n\nScoped-Core-Change: https://example.org/x is what we would need\n\nmore text\n",
    )
    code, data = check_json(root, "--changed", "main")
    assert code == 1 and _sm012(data)[0]["severity"] == "error"


def test_registry_and_markdown_changes_are_exempt(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = (root / "scoped.toml").read_text() + 'summary = "UMA"\n'
    commit(
        root,
        {
            "scoped.toml": text,
            "README.md": "# demo\n\numa is here\n",
            **UMA_EDIT,
        },
        "uma: docs and registry",
    )
    code, data = check_json(root, "--changed", "main")
    assert code == 0
    assert not _sm012(data)
    [note] = [n for n in data["notes"] if "exempt" in n["message"]]
    assert "README.md" in note["message"] and "scoped.toml" in note["message"]


def test_exempt_files_are_listed_beside_blocking_ones(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    commit(root, {**UMA_EDIT, "README.md": "# demo 2\n", "python/pkg/util.py": "X = 2\n"}, "mixed")
    _code, data = check_json(root, "--changed", "main")
    [finding] = _sm012(data)
    assert finding["evidence"] == "python/pkg/util.py"
    assert "exempt: README.md" in finding["message"]


def test_custom_exempt_list_replaces_the_default(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = (root / "scoped.toml").read_text()
    text = text.replace(
        "governance = false", 'governance = false\nmixed_change_exempt = ["python/pkg/util.py"]'
    )
    commit(root, {"scoped.toml": text}, "exempt util")
    git(root, "branch", "-f", "main", "HEAD")
    commit(root, {**UMA_EDIT, "README.md": "# demo 2\n", "python/pkg/util.py": "X = 2\n"}, "mixed")
    _code, data = check_json(root, "--changed", "main")
    [finding] = _sm012(data)
    assert finding["evidence"] == "README.md"  # no longer exempt; util.py now is


def test_s1_mixed_change_is_a_warning_and_proposed_is_not_checked(tmp_path: Path) -> None:
    for stage, expected in (("s1", ["warning"]), ("proposed", [])):
        root = _repo(tmp_path / stage, stage)
        commit(root, {"src/uma/uma.cc": "int uma() { return 1; }\n", **CORE_EDIT}, "mixed")
        _code, data = check_json(root, "--changed", "main")
        assert [f["severity"] for f in _sm012(data)] == expected, stage


def test_working_tree_and_untracked_files_are_part_of_the_change(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "python/pkg/uma/__init__.py").write_text("def run():\n    return 9\n")  # unstaged
    (root / "python/pkg/new_core.py").write_text("Y = 1\n")  # untracked
    _code, data = check_json(root, "--changed", "main")
    [finding] = _sm012(data)
    assert finding["evidence"] == "python/pkg/new_core.py"


def test_moving_a_file_out_of_the_module_touches_both_sides(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    git(root, "mv", "python/pkg/uma/__init__.py", "python/pkg/uma_core.py")
    git(root, "commit", "-q", "-m", "move")
    _code, data = check_json(root, "--changed", "main")
    [finding] = _sm012(data)
    assert finding["evidence"] == "python/pkg/uma_core.py"


def test_branch_point_not_the_tip_of_base(tmp_path: Path) -> None:
    """Core changes landed on main after the branch point are not part of the change."""
    root = _repo(tmp_path)
    commit(root, UMA_EDIT, "uma only")
    git(root, "checkout", "-q", "main")
    commit(root, {"python/pkg/core.py": "def core():\n    return 7\n"}, "core on main")
    git(root, "checkout", "-q", "feature")
    code, data = check_json(root, "--changed", "main")
    assert code == 0 and not _sm012(data)


def test_only_changed_limits_other_rules_to_changed_files(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    commit(
        root,
        {"python/pkg/old_user.py": "from pkg.uma import run\n", "python/pkg/__init__.py": ""},
        "an old violation",
    )
    git(root, "branch", "-f", "main", "HEAD")
    commit(root, {"python/pkg/new_user.py": "import pkg.uma\n"}, "a new violation")
    _code, full = check_json(root, "--changed", "main")
    assert {f["path"] for f in full["findings"] if f["rule"] == "SM003"} == {
        "python/pkg/old_user.py",
        "python/pkg/new_user.py",
    }
    code, only = check_json(root, "--changed", "main", "--only-changed")
    assert code == 1
    assert [f["path"] for f in only["findings"] if f["rule"] == "SM003"] == [
        "python/pkg/new_user.py"
    ]


def test_only_changed_needs_changed_and_bad_base_is_exit_2(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, _out, err = run_cli(root, "check", "--only-changed")
    assert code == 2 and "--changed" in err
    code, _out, err = run_cli(root, "check", "--changed", "no-such-branch")
    assert code == 2 and "no-such-branch" in err and "fetch-depth" in err


def test_shallow_clone_without_the_merge_base_says_fetch_depth(tmp_path: Path) -> None:
    origin = _repo(tmp_path)
    commit(origin, UMA_EDIT, "uma")
    commit(origin, {"python/pkg/uma/__init__.py": "def run():\n    return 4\n"}, "uma 2")
    clone = tmp_path / "clone"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            f"file://{origin}",
            str(clone),
        ],
        check=True,
    )
    git(clone, "checkout", "-q", "feature")
    code, _out, err = run_cli(clone, "check", "--changed", "origin/main")
    assert code == 2
    assert "shallow" in err and "fetch-depth: 0" in err


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_sm012_renders_in_text_and_github(tmp_path: Path, fmt: str) -> None:
    root = _repo(tmp_path)
    commit(root, MIXED, "mixed")
    code, out, _err = run_cli(root, "check", "--changed", "main", "--format", fmt)
    assert code == 1
    if fmt == "text":
        assert "python/pkg/core.py: ERROR SM012 mixed-change:" in out
    else:
        assert "::error file=python/pkg/core.py,title=SM012 mixed-change::" in out
