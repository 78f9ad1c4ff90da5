"""``check`` builds no module-to-core references (only ``deps`` and ``summary`` read them): the
index without them holds exactly the other references, and ``deps`` still lists them."""

from __future__ import annotations

from helpers import base_files, run_cli

from scoped_modules.app.analyse import build
from scoped_modules.app.config import load_registry
from scoped_modules.app.options import CheckOptions


def test_index_without_outbound_core_references(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = "import os\nfrom pkg.uma import backend\n"
    root = repo(files)
    registry = load_registry(cwd=root)
    full = build(registry, CheckOptions(jobs=1, use_cache=False))
    lean = build(registry, CheckOptions(jobs=1, use_cache=False), outbound=False)
    to_core = [r for r in full.refs if r.target_module == ""]
    # uma's backend.py imports pkg.core; uma.cc includes pkg/api.h
    assert {(r.path, r.target) for r in to_core} >= {
        ("python/pkg/uma/backend.py", "python/pkg/core.py"),
        ("src/uma/uma.cc", "include/pkg/api.h"),
    }
    assert lean.refs == [r for r in full.refs if r.target_module != ""]
    assert lean.notes == full.notes
    assert lean.inbound("uma") == full.inbound("uma")


def test_deps_still_lists_outbound_references(repo) -> None:
    root = repo(base_files())
    code, out, _err = run_cli(root, "deps", "uma")
    assert code == 0
    assert "python/pkg/core.py" in out and "include/pkg/api.h" in out
