"""A checked repository is untrusted input: nothing it contains may decide its own verdict
(issue 6, defect 1). Caches live in the git directory, never in the work tree; a committed
``.scoped_cache/`` is ignored with a note."""

from __future__ import annotations

import marshal
import shutil
import subprocess
from pathlib import Path

from helpers import base_files, check_json, git

from scoped_modules.adapters.cache import CACHE_NAME, FactsCache
from scoped_modules.adapters.files import LEGACY_NOTE


def violating_repo(repo) -> Path:
    files = base_files(stage="s0")
    files["python/pkg/core.py"] = "from pkg.uma import backend\nimport pkg.uma.backend\n"
    files["src/core.cc"] = '#include "pkg/api.h"\n#include "../src/uma/uma.h"\n'
    return repo(files)


def cache_files(root: Path) -> dict[str, Path]:
    """The cache files a run left, wherever this version keeps them (name -> path)."""
    found: dict[str, Path] = {}
    for base in (root / ".git" / "scoped", root / ".scoped_cache"):
        for p in base.rglob("*.bin") if base.is_dir() else ():
            found.setdefault(p.name, p)
    return found


def _facts_file(root: Path) -> dict:
    """The facts cache as ``{"facts": {key: facts}}`` (one entry per key behind a header)."""
    cache = FactsCache(root)
    return {"facts": {k: cache.get(k) for k in list(cache._where)}}


def _write_facts_file(root: Path, path: Path, data: dict) -> None:
    """``data`` written in the facts cache's own format at ``path``."""
    cache = FactsCache(root, enabled=True)
    cache._where.clear()
    cache.path = path
    shard = cache.shard()
    assert shard is not None
    for key, facts in data["facts"].items():
        where = shard.put(facts)
        assert where is not None
        cache.add(key, where)
    cache.save(set(data["facts"]))
    written = FactsCache(root, enabled=False)
    written.path = path
    written._load()  # what a run would read, were it to read that file
    assert {k: written.get(k) for k in written._where} == data["facts"]


def plant_and_clone(root: Path, tmp_path: Path, poison) -> Path:
    """Commit poisoned copies of the run's cache files into ``.scoped_cache/``, then clone."""
    loaded = {
        name: _facts_file(root) if name == CACHE_NAME else marshal.loads(p.read_bytes())
        for name, p in cache_files(root).items()
    }
    planted = root / ".scoped_cache"
    shutil.rmtree(planted, ignore_errors=True)
    planted.mkdir()
    for name, data in loaded.items():
        if poison(name, data):
            if name == CACHE_NAME:
                _write_facts_file(root, planted / name, data)
            else:
                (planted / name).write_bytes(marshal.dumps(data))
    git(root, "add", "-f", ".scoped_cache")
    git(root, "commit", "-q", "-m", "a cache that says all is well")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    return clone


def errors(report: dict) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in report["findings"] if f["severity"] == "error")


def test_a_committed_result_cache_cannot_choose_the_verdict(repo, tmp_path: Path) -> None:
    root = violating_repo(repo)
    code, honest = check_json(root, "--no-cache")
    assert code == 1 and errors(honest)

    def poison(name: str, data: dict) -> bool:
        if not name.startswith("result-"):
            return False
        data["payload"]["findings"] = []
        data["payload"]["rows"] = [(*r[:3], 0, 0, "ok") for r in data["payload"]["rows"]]
        return True

    check_json(root)  # leaves a result cache to copy
    clone = plant_and_clone(root, tmp_path, poison)
    code, report = check_json(clone)
    assert code == 1
    assert errors(report) == errors(honest)
    assert LEGACY_NOTE in [n["message"] for n in report["notes"]]
    assert not (clone / ".scoped_cache" / ".gitignore").exists()  # nothing written there


def test_a_committed_facts_cache_cannot_hide_references(repo, tmp_path: Path) -> None:
    root = violating_repo(repo)
    _, honest = check_json(root, "--no-cache")

    def poison(name: str, data: dict) -> bool:
        if not name.startswith("facts-"):
            return False
        for key, facts in data["facts"].items():
            data["facts"][key] = (facts[0], [], [], {})  # "this file references nothing"
        return True

    check_json(root)
    clone = plant_and_clone(root, tmp_path, poison)
    code, report = check_json(clone)
    assert code == 1 and errors(report) == errors(honest)


def test_caches_stay_out_of_the_work_tree(repo) -> None:
    root = violating_repo(repo)
    check_json(root)
    assert sorted(p.name for p in (root / ".git" / "scoped").iterdir()) != []
    status = git(root, "status", "--porcelain", "--ignored")
    assert status == ""  # no file appeared in the work tree, not even an ignored one


def test_a_worktree_shares_the_common_cache(repo, tmp_path: Path) -> None:
    root = violating_repo(repo)
    wt = tmp_path / "wt"
    git(root, "worktree", "add", "-q", str(wt))
    code, report = check_json(wt)
    assert code == 1 and errors(report)
    assert (root / ".git" / "scoped").is_dir()
    assert git(wt, "status", "--porcelain", "--ignored") == ""


def test_outside_git_the_cache_is_in_the_user_cache_dir(tmp_path: Path, monkeypatch) -> None:
    from helpers import write_tree

    root = tmp_path / "plain"
    files = base_files(stage="s0")
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    write_tree(root, files)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    code, report = check_json(root)
    assert code == 1
    assert list((tmp_path / "xdg" / "scoped").rglob("result-*.bin"))
    assert not (root / ".scoped_cache").exists()
