"""The facts cache (SPEC §9): keyed by git blob id and reader version, stable across fresh
checkouts, safe when two runs share it; the result cache serves only unchanged inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers import EXAMPLE, base_files, check_json, git, repo_from

from scoped_modules.app import scan as scanner
from scoped_modules.app.analyse import build
from scoped_modules.app.config import load_registry
from scoped_modules.app.options import CheckOptions


def count_reads(monkeypatch) -> list[str]:
    seen: list[str] = []
    original = scanner.read_one

    def counting(root, path, *rest):
        seen.append(path)
        return original(root, path, *rest)

    monkeypatch.setattr(scanner, "read_one", counting)
    return seen


def test_cache_survives_a_fresh_checkout(repo, tmp_path: Path, monkeypatch) -> None:
    root = repo(base_files())
    check_json(root)  # fills the cache in .git/scoped
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    # a CI cache restores the cache directory of an earlier checkout into the fresh one
    shutil.copytree(root / ".git" / "scoped", clone / ".git" / "scoped")
    reads = count_reads(monkeypatch)
    index = build(load_registry(cwd=clone), CheckOptions(jobs=1))
    assert reads == []  # every file served by blob id
    assert len(index.files) == 11
    (clone / "python/pkg/core.py").write_text("from pkg.uma import backend\n")
    build(load_registry(cwd=clone), CheckOptions(jobs=1))
    assert reads == ["python/pkg/core.py"]  # only the changed file is read again


def test_two_runs_sharing_the_cache(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    root = repo(files)
    cmd = [sys.executable, "-m", "scoped_modules.cli", "check", "--format", "json"]

    def run(_: int) -> dict:
        out = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
        assert out.returncode == 1, out.stderr
        return json.loads(out.stdout)

    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(run, range(8)))
    first = reports[0]["findings"]
    assert all(r["findings"] == first for r in reports)
    assert [f["rule"] for f in first if f["severity"] == "error"] == ["SM003"]
    assert not list((root / ".git" / "scoped").glob(".tmp-*"))  # no temporary file left behind
    assert run(0)["findings"] == first  # and the cache they left is readable


def test_result_cache_sees_a_new_file(repo) -> None:
    files = base_files(stage="proposed")
    root = repo(files)
    _, before = check_json(root)
    (root / "python/pkg/uma/new.py").write_text("x = 1\n")
    git(root, "add", "-A")
    _, after = check_json(root)
    assert after["modules"][0]["files"] == before["modules"][0]["files"] + 1


def test_result_cache_sees_tampered_evidence(tmp_path: Path) -> None:
    root = repo_from(EXAMPLE, tmp_path / "acme")
    _, before = check_json(root)
    assert not [f for f in before["findings"] if f["rule"] == "SM010"]
    mbox = root / "governance/votes/fastmath-s0.mbox"
    mbox.write_bytes(mbox.read_bytes() + b"\n")  # outside git's index: only the content changed
    _, after = check_json(root)
    sm010 = [f for f in after["findings"] if f["rule"] == "SM010"]
    assert sm010 and all(f["module"] == "fastmath" and f["severity"] == "error" for f in sm010)


def test_facts_of_other_reader_code_are_not_served(repo, monkeypatch) -> None:
    """The facts cache is keyed by the readers' own source too: a reader changed without a
    version bump reads every file again instead of serving the old facts."""
    from scoped_modules.adapters import cache as cache_mod

    root = repo(base_files())
    build(load_registry(cwd=root), CheckOptions(jobs=1))  # fills the facts cache
    reads = count_reads(monkeypatch)
    build(load_registry(cwd=root), CheckOptions(jobs=1))
    assert reads == []  # same reader code: every file served
    other = cache_mod.facts_version() + "-changed"
    monkeypatch.setattr(cache_mod, "facts_version", lambda: other)
    build(load_registry(cwd=root), CheckOptions(jobs=1))
    assert "python/pkg/core.py" in reads and "src/core.cc" in reads
