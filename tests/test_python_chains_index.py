"""Attribute chains read at resolution time (issue 8, item 2).

The scan keeps only the dotted names a Python file's chains may have; the index reads a file
again, and then only its chains that can reach a module, when one of those names can. These
tests build real repositories and check what ``check`` and ``deps`` report, which files the
index reads again, and what happens when a file changes between the scan and the index.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import base_files, check_json, run_cli

from scoped_modules.adapters.cache import FactsCache
from scoped_modules.app.config import load_registry
from scoped_modules.app.options import list_registry_files
from scoped_modules.app.scan import scan
from scoped_modules.index import build_index

CORE = """\
import os
from .. import uma as u
from . import helpers


def run():
    if os.environ.get("USE_UMA") == "ON":
        return u.backend.run()
    return helpers.tools.x  # a core file: no reference into a module


def unguarded():
    return u.backend . run  # spaced, still a chain
"""

HELPERS = "tools = None\nfrom .. import core\ncore.os.path\n"


def chain_files() -> dict[str, str]:
    files = base_files()
    files["python/pkg/sub/__init__.py"] = ""
    files["python/pkg/sub/core.py"] = CORE
    files["python/pkg/sub/helpers.py"] = HELPERS
    # the module's own chain into itself: nothing any rule reads
    files["python/pkg/uma/__init__.py"] = "from . import backend\nbackend.run()\n"
    return files


def test_relative_chains_into_a_module_are_references(repo) -> None:
    root = repo(chain_files())
    code, out, _err = run_cli(root, "deps", "uma", "--format", "json", "--no-cache")
    assert code == 0
    inbound = [
        (r["line"], r["kind"], r["target"], r["evidence"], r["wiring"])
        for r in json.loads(out)["inbound"]
        if r["path"] == "python/pkg/sub/core.py"
    ]
    target = "python/pkg/uma/backend.py"
    # `from .. import uma as u` imports the module's package; `u.backend.run` reaches its file
    # through the alias: under a test of USE_UMA (a name of its toggle: wiring), then unguarded
    # and spelled with spaces
    assert inbound == [
        (2, "python-import", "python/pkg/uma/__init__.py", "from .. import uma as u", None),
        (8, "python-attribute", target, "return u.backend.run()", "USE_UMA"),
        (13, "python-attribute", target, "return u.backend . run # spaced, still a chain", None),
    ]
    _code, report = check_json(root, "--no-cache", "--no-history")
    sm003 = [(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "SM003"]
    assert sm003 == [("python/pkg/sub/core.py", 2), ("python/pkg/sub/core.py", 13)]
    assert not [n for n in report["notes"] if "chains" in n["message"]]


def _index(root: Path, source) -> tuple:
    registry = load_registry(cwd=root)
    fileset = list_registry_files(registry)
    result = scan(fileset, {}, FactsCache(registry.root, False), jobs=1)
    files = sorted(fileset.keys)
    return build_index(registry, files, result, outbound=False, source=source), result


def _lines(index) -> list[int]:
    return [r.line for r in index.inbound("uma") if r.path == "python/pkg/sub/core.py"]


def test_only_files_whose_chains_can_reach_a_module_are_read_again(repo) -> None:
    root = repo(chain_files())
    asked: list[str] = []

    def source(path: str) -> str:
        asked.append(path)
        return (root / path).read_text()

    index, result = _index(root, source)
    # helpers.py's chain `core.os.path` (pkg.core.os.path) names core only; the module's
    # `backend.run` (pkg.uma.backend.run) names the module itself
    assert result.facts["python/pkg/sub/helpers.py"][3]["chains"] == ["..core.os.path"]
    assert result.facts["python/pkg/uma/__init__.py"][3]["chains"] == [".backend.run"]
    assert asked == ["python/pkg/sub/core.py"]
    assert _lines(index) == [2, 8, 13]


def test_a_file_changed_before_the_index_reads_it_again_is_a_note(repo) -> None:
    root = repo(chain_files())
    index, _result = _index(root, lambda path: (root / path).read_text().replace("u.", "v."))
    assert _lines(index) == [2]  # the import, from the scan
    assert ("python/pkg/sub/core.py", 0) in [(p, line) for p, line, _m in index.notes]
    index, _result = _index(root, lambda path: None)  # unreadable now
    assert _lines(index) == [2]
    notes = [m for p, _line, m in index.notes if p == "python/pkg/sub/core.py"]
    assert notes == ["changed while it was read: its attribute chains were not followed"]


def test_deps_lists_a_modules_chains_into_core(repo) -> None:
    files = chain_files()
    files["python/pkg/uma/backend.py"] = (
        "import pkg\n\ndef run():\n    return pkg.sub.helpers.tools\n"
    )
    root = repo(files)
    code, out, _err = run_cli(root, "deps", "uma")
    assert code == 0
    assert "python/pkg/sub/helpers.py" in out


def test_the_facts_leave_out_names_only_mentioned_before_the_imports() -> None:
    """A chain the imports' reading already shows in a docstring or a comment is no candidate
    (the file need not be read again for it); one in code is."""
    from scoped_modules.readers.python import read_python

    text = (
        '"""Docs.\n\n    import pkg\n    pkg.uma.backend.run()\n"""\n'
        "# pkg.uma.other is not a reference\n"
        'HINT = "pkg.uma.hint"\n'
        "import pkg\n"
        "pkg.core.x = 1\n"
        "import os\n"
    )
    assert read_python(text)[3]["chains"] == ["pkg.core.x"]
