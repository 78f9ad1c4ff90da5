"""`scoped remove` end to end on generated git repositories: the plan, the proof in a temporary
worktree (passing, failing, hanging, interrupted), the deletion and the registry edit."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import check_json, git, make_repo, run_cli

REGISTRY = """\
schema = 1
# a registry written by hand: its comments must survive the edit

[project]
python_roots = ["python"]
config_templates = ["cmake/config.cmake"]

[modules.uma]   # Universal Modular Accelerator
stage = "deprecated"  # no active maintainers
paths = ["python/tvm/contrib/uma/", "src/contrib/uma/"]
toggles = [{ cmake = "USE_UMA" }]

[[modules.uma.history]]
date = 2023-01-01
stage = "deprecated"
reason = "no active maintainers"

[modules.other]
stage = "proposed"
paths = ["src/other/"]
toggles = [{ cmake = "USE_OTHER" }]
"""

CMAKE = """\
cmake_minimum_required(VERSION 3.10)
project(t CXX)
option(USE_UMA "Build UMA" OFF)
option(USE_OTHER "Build other" OFF)
if(USE_UMA)
  file(GLOB UMA_SRCS src/contrib/uma/*.cc)
endif()
add_library(t src/core.cc ${UMA_SRCS})
"""


def _files() -> dict[str, str]:
    return {
        "scoped.toml": REGISTRY,
        "CMakeLists.txt": CMAKE,
        "cmake/config.cmake": "set(USE_UMA OFF)\nset(USE_OTHER OFF)\n",
        "src/core.cc": "int core() { return 0; }\n",
        "src/other/o.cc": "int o() { return 0; }\n",
        "src/contrib/uma/a.cc": "int a() {\n  return 1;\n}\n",
        "src/contrib/uma/b.cc": "int b() { return 2; }\n",
        "python/tvm/__init__.py": "",
        "python/tvm/contrib/__init__.py": "",
        "python/tvm/contrib/uma/__init__.py": '"""UMA."""\nX = 1\n',
        "python/tvm/core.py": "from tvm.contrib import uma\n",
    }


def _repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", _files())


def _worktrees(root: Path) -> list[str]:
    out = git(root, "worktree", "list", "--porcelain")
    return [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("worktree ")]


def test_dry_run_prints_the_plan(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, out, _err = run_cli(root, "remove", "uma", "--dry-run", "--format", "json")
    assert code == 0
    plan = json.loads(out)
    tracked = git(root, "ls-files", "python/tvm/contrib/uma", "src/contrib/uma").split()
    assert [f["path"] for f in plan["files"]] == sorted(tracked)
    wc = subprocess.run(["wc", "-l", *tracked], cwd=root, capture_output=True, text=True)
    assert plan["lines"] == int(wc.stdout.split()[-2])  # wc's "total" line
    assert [(w["path"], w["line"]) for w in plan["wiring"]] == [("CMakeLists.txt", 6)]
    assert [(d["path"], d["line"]) for d in plan["declarations"]] == [("CMakeLists.txt", 3)]
    assert plan["declarations"][0]["evidence"] == 'option(USE_UMA "Build UMA" OFF)'
    assert [(c["path"], c["line"]) for c in plan["config"]] == [("cmake/config.cmake", 1)]
    assert [(b["path"], b["line"]) for b in plan["breaking"]] == [("python/tvm/core.py", 1)]
    code, text, _err = run_cli(root, "remove", "uma", "--dry-run")
    assert code == 0
    assert "files to delete (3, 6 lines):" in text
    assert "CMakeLists.txt:6: cmake-path, wiring for USE_UMA" in text
    assert "python/tvm/core.py:1: python-import" in text
    assert git(root, "status", "--porcelain") == ""  # a dry run changes nothing


def test_remove_with_a_passing_proof(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    seen = tmp_path / "seen"
    monkeypatch.setenv("SCOPED_TEST_SECRET", "leaks")
    # the proof sees the tree without the module, the rest of it, and a clean environment
    prove = (
        "test ! -e src/contrib/uma && test ! -e python/tvm/contrib/uma/__init__.py "
        f'&& test -e src/core.cc && test -z "$SCOPED_TEST_SECRET" && pwd > {seen}'
    )
    before = (root / "scoped.toml").read_text()
    code, out, err = run_cli(root, "--now", "2024-05-01", "remove", "uma", "--prove", prove)
    assert "proof passed" in err, err
    assert seen.read_text().strip() != str(root)  # it ran elsewhere: a temporary worktree
    assert not Path(seen.read_text().strip()).exists()  # which is gone
    assert _worktrees(root) == [str(root)]
    # the paths are deleted with git rm (staged), nothing else is
    status = sorted(git(root, "status", "--porcelain").splitlines())
    assert status == [
        " M scoped.toml",
        "D  python/tvm/contrib/uma/__init__.py",
        "D  src/contrib/uma/a.cc",
        "D  src/contrib/uma/b.cc",
    ]
    assert not (root / "src/contrib/uma").exists()
    # stage and history recorded; every other byte of the registry kept
    after = (root / "scoped.toml").read_text()
    assert after.replace(
        'stage = "removed"  # no active', 'stage = "deprecated"  # no active', 1
    ) == (
        before.replace(
            'reason = "no active maintainers"\n',
            'reason = "no active maintainers"\n\n[[modules.uma.history]]\n'
            'date = 2024-05-01\nstage = "removed"\nreason = "paths deleted with `scoped remove`"\n',
            1,
        )
    )
    data = tomllib.loads(after)["modules"]["uma"]
    assert data["stage"] == "removed" and data["history"][-1]["stage"] == "removed"
    # what is left is SM014's list, and `scoped check` agrees with it
    assert code == 1
    assert "left to clean by hand (4):" in out
    _code, report = check_json(root, "--no-cache")
    left = sorted((f["path"], f["line"]) for f in report["findings"] if f["rule"] == "SM014")
    assert left == [
        ("CMakeLists.txt", 3),
        ("CMakeLists.txt", 6),
        ("cmake/config.cmake", 1),
        ("python/tvm/core.py", 1),
    ]
    for path, line in left:
        assert f"{path}:{line}:" in out


def test_a_failing_proof_removes_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    before = (root / "scoped.toml").read_text()
    code, _out, err = run_cli(
        root, "remove", "uma", "--prove", "echo 'error: uma.h: No such file'; exit 3"
    )
    assert code == 1
    assert "exited with 3" in err and "Nothing was removed" in err
    assert "error: uma.h: No such file" in err  # the tail of its output
    assert git(root, "status", "--porcelain") == ""
    assert (root / "scoped.toml").read_text() == before
    assert _worktrees(root) == [str(root)]


def _gone(pid: int) -> bool:
    """Dead, or a zombie waiting for a parent that is not ours to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the child is gone")
def test_a_hanging_proof_is_killed_with_its_process_group(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    pidfile = tmp_path / "child.pid"
    code, _out, err = run_cli(
        root,
        "remove",
        "uma",
        "--timeout",
        "1",
        "--prove",
        f"sleep 300 & echo $! > {pidfile}; wait",
    )
    assert code == 1
    assert "did not finish in 1s" in err and "killed" in err
    assert _gone(int(pidfile.read_text()))  # the background child went with the group
    assert git(root, "status", "--porcelain") == ""
    assert _worktrees(root) == [str(root)]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_proof_leaves_no_worktree(tmp_path: Path, sig: signal.Signals) -> None:
    root = _repo(tmp_path)
    started = tmp_path / "started"
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scoped_modules.cli",
            "remove",
            "uma",
            "--prove",
            f"touch {started}; sleep 300",
        ],
        cwd=root,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # wait (without a deadline of our own) for the proof to run, then interrupt scoped
    while not started.exists() and proc.poll() is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    _out, err = proc.communicate()
    assert proc.returncode != 0
    assert _worktrees(root) == [str(root)]
    assert list(temp.iterdir()) == []  # the temporary directory is gone too
    assert git(root, "status", "--porcelain") == ""
    assert "Traceback" not in err


def test_refusals(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, _out, err = run_cli(root, "remove", "other")
    assert code == 1 and "at stage 'proposed'" in err
    (root / "src/core.cc").write_text("int core() { return 1; }\n")
    code, _out, err = run_cli(root, "remove", "uma")
    assert code == 1 and "1 uncommitted change(s) (src/core.cc)" in err
    assert (root / "src/contrib/uma/a.cc").exists()
    code, _out, err = run_cli(root, "remove", "nope")
    assert code == 2 and "unknown module 'nope'" in err
    code, _out, err = run_cli(root, "remove", "uma", "--force", "--decision", "uma-gone")
    assert code == 2 and "no decision 'uma-gone'" in err
    assert (root / "src/contrib/uma/a.cc").exists()
    # --force removes from a dirty tree
    code, _out, err = run_cli(root, "remove", "uma", "--force", "--reason", "superseded by BYOC")
    assert not (root / "src/contrib/uma").exists()
    history = tomllib.loads((root / "scoped.toml").read_text())["modules"]["uma"]["history"]
    assert history[-1]["reason"] == "superseded by BYOC"
    code, _out, err = run_cli(root, "remove", "uma")
    assert code == 1 and "already removed" in err


def test_a_clean_removal_leaves_nothing(tmp_path: Path) -> None:
    files = _files()
    files["CMakeLists.txt"] = "cmake_minimum_required(VERSION 3.10)\nadd_library(t src/core.cc)\n"
    files["cmake/config.cmake"] = "set(USE_OTHER OFF)\n"
    files["python/tvm/core.py"] = "import tvm.contrib\n"
    root = make_repo(tmp_path / "r", files)
    code, out, err = run_cli(root, "remove", "uma", "--prove", "true")
    assert code == 0, err
    assert "nothing of module 'uma' is left" in out
    _code, report = check_json(root, "--no-cache")
    assert [f for f in report["findings"] if f["module"] == "uma"] == []
