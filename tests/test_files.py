"""The file set outside git honours .gitignore files as git does (SPEC §3; issue 6, defect 5).

The oracle is git itself: the same tree in a fresh repository, listed by
``git ls-files -o --exclude-standard`` (every untracked file git does not ignore)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from helpers import write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoped_modules.adapters.files import list_files


def walked(root: Path) -> set[str]:
    return set(list_files(root, False, []).keys)


def git_view(root: Path, tmp: Path) -> set[str]:
    copy = tmp / "oracle"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    out = subprocess.run(
        ["git", "ls-files", "-o", "--exclude-standard", "-z"],
        cwd=copy,
        capture_output=True,
        check=True,
    ).stdout
    return {p.decode() for p in out.split(b"\0") if p}


def test_a_deeper_negation_re_includes_a_file(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    write_tree(
        root,
        {
            ".gitignore": "*.log\n",
            "sub/.gitignore": "!keep.log\n",
            "sub/keep.log": "kept\n",
            "sub/drop.log": "dropped\n",
            "top.log": "dropped\n",
            "a.py": "",
        },
    )
    files = walked(root)
    assert "sub/keep.log" in files and "sub/drop.log" not in files and "top.log" not in files
    assert files == git_view(root, tmp_path)


def test_a_deeper_rule_ignores_what_the_root_re_included(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    write_tree(
        root,
        {
            ".gitignore": "*.tmp\n!special.tmp\n",
            "sub/.gitignore": "special.tmp\n",
            "special.tmp": "",
            "sub/special.tmp": "",
            "sub/other.tmp": "",
        },
    )
    assert (
        walked(root)
        == git_view(root, tmp_path)
        == {
            ".gitignore",
            "special.tmp",
            "sub/.gitignore",
        }
    )


NAMES = ["a.log", "b.py", "keep.log", "x.tmp", "build"]
PATTERNS = ["*.log", "!keep.log", "*.tmp", "!x.tmp", "build/", "b.py", "!b.py", "/a.log", "sub/"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    root_rules=st.lists(st.sampled_from(PATTERNS), max_size=4),
    sub_rules=st.lists(st.sampled_from(PATTERNS), max_size=4),
    deep_rules=st.lists(st.sampled_from(PATTERNS), max_size=3),
)
def test_walk_agrees_with_git_on_generated_trees(
    tmp_path: Path, root_rules: list[str], sub_rules: list[str], deep_rules: list[str]
) -> None:
    root = tmp_path / "gen"
    shutil.rmtree(root, ignore_errors=True)
    files: dict[str, str] = {}
    for d in ("", "sub/", "sub/deep/", "other/"):
        for n in NAMES:
            files[d + (n + "/f.c" if n == "build" else n)] = "x\n"
    files[".gitignore"] = "\n".join(root_rules) + "\n"
    files["sub/.gitignore"] = "\n".join(sub_rules) + "\n"
    files["sub/deep/.gitignore"] = "\n".join(deep_rules) + "\n"
    write_tree(root, files)
    assert walked(root) == git_view(root, tmp_path)
