"""The scan keeps of each file only what the index reads (``index.index_view``), and the facts
cache holds one entry per file (``adapters/cache.py``).

The oracle is the index built from the whole facts, read in one process without a view: the
references, notes and derived defines must be the same, whatever the processes and the cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import UMA_CMAKE as CMAKE_ROOT
from helpers import base_files, git
from test_cache import count_reads

from scoped_modules.adapters.cache import CACHE_NAME, FactsCache, cache_dir
from scoped_modules.adapters.files import list_files
from scoped_modules.app import analyse
from scoped_modules.app import scan as scanner
from scoped_modules.app.analyse import build
from scoped_modules.app.config import load_registry
from scoped_modules.app.options import CheckOptions, list_registry_files
from scoped_modules.index import (
    Index,
    build_index,
    index_view,
    prepare_tables,
    python_prefilter,
)
from scoped_modules.readers import facts as F
from scoped_modules.readers.python import python_refs, read_python

N = 450  # core files: above the scan's PARALLEL_THRESHOLD together with the others


def _files() -> dict[str, str]:
    files = base_files(project_extra='exclude = ["excluded/"]')
    files["CMakeLists.txt"] = CMAKE_ROOT + "if(USE_FAST)\n  add_library(f fast/opt.cc)\nendif()\n"
    files["tests/a/utils.py"] = "X = 1\n"
    files["tests/b/utils.py"] = "X = 2\n"
    # a module file: an import of a name in two core bases (a note), one into core (outbound)
    files["python/pkg/uma/backend.py"] = "import utils\nfrom pkg import core\n\ncore.f()\n"
    # a core source built under a condition, which another core file includes: then it is no
    # translation unit, and its references keep their own guards only
    files["fast/opt.cc"] = '#include "../src/uma/uma.h"\n'
    files["fast/all.cc"] = '#include "opt.cc"\n'
    for i in range(N):
        files[f"python/pkg/c{i:03d}.py"] = (
            "import pkg\nimport pkg.core as pc\n\n\ndef f(x):\n"
            f"    pkg.c{(i * 7) % N:03d}.f(x)\n    pc.f(x)\n    return pkg.core.f(pkg.core.g(x))\n"
            + ("\n\ndef g():\n    return pkg.uma.backend.core\n" if i % 50 == 0 else "")
        )
        files[f"src/c{i:03d}.cc"] = (
            f'#include "pkg/api.h"\n#include <vector>\n#include "c{(i * 3) % N:03d}.h"\n'
            + ('#ifdef PKG_USE_UMA\n#include "uma/uma.h"\n#endif\n' if i % 40 == 0 else "")
        )
        files[f"src/c{i:03d}.h"] = "#pragma once\n"
    return files


def _whole(root: Path, outbound: bool) -> Index:
    """The oracle: every file's whole facts, one process, no cache, no view."""
    registry = load_registry(cwd=root)
    fileset = list_registry_files(registry)
    cache = FactsCache(root, enabled=False)
    result = scanner.scan(fileset, {}, cache, jobs=1)
    assert result.full is None
    files = sorted(fileset.keys)
    tables = prepare_tables(registry, files)
    return build_index(registry, files, result, tables, outbound, analyse._source(root))


def _same(index: Index, oracle: Index) -> None:
    assert index.refs == oracle.refs
    assert index.notes == oracle.notes
    assert index.derived == oracle.derived


@pytest.mark.parametrize("outbound", [False, True])
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_view_gives_the_index_of_the_whole_facts(repo, jobs: int, outbound: bool) -> None:
    root = repo(_files())
    oracle = _whole(root, outbound)
    assert any("ambiguous" in n[2] for n in oracle.notes if n[0] == "python/pkg/uma/backend.py")
    assert any(r.target == "python/pkg/uma/backend.py" for r in oracle.refs)
    assert [r.guard for r in oracle.refs if r.path == "fast/opt.cc"] == [None]
    registry = load_registry(cwd=root)
    index = build(registry, CheckOptions(jobs=jobs, use_cache=False), outbound=outbound)
    _same(index, oracle)
    # what it holds: the chains and includes that can reach the module, not the others
    held = sum(len(f[1]) for p, f in index.scan.facts.items() if f[0] in ("py", "cpp"))
    whole = sum(len(f[1]) for p, f in oracle.scan.facts.items() if f[0] in ("py", "cpp"))
    assert held < whole / 10
    # a rule that reads one file's references as written gets them all
    path = "python/pkg/c001.py"
    written = [(w.kind, w.spec, w.line) for w in index.written(("py",), (path,))]
    _facts, refs = python_refs((root / path).read_text(), lambda _name: True)
    assert written == [(r[0], r[1], r[2]) for r in refs]
    assert len(written) > len([r for r in index.scan.facts[path][1]])


def test_the_view_from_the_cache_of_another_process(repo, monkeypatch) -> None:
    """Entries written by the children's shards, served to the next run, give the same index;
    the whole facts of every file come back from the cache, not from the files."""
    root = repo(_files())
    oracle = _whole(root, False)
    registry = load_registry(cwd=root)
    first = build(registry, CheckOptions(jobs=2), outbound=False)
    _same(first, oracle)
    assert first.scan.full is not None
    for path in ("python/pkg/c001.py", "python/pkg/c449.py", "src/c448.cc"):
        assert first.scan.full(path) == oracle.scan.facts[path]
    reads = count_reads(monkeypatch)
    second = build(load_registry(cwd=root), CheckOptions(jobs=2), outbound=False)
    assert second.scan.full is not None
    assert second.scan.full("python/pkg/c000.py") == oracle.scan.facts["python/pkg/c000.py"]
    # the core files that spell no module (index.python_prefilter) were never read
    files = sorted(_files())
    skip = python_prefilter(prepare_tables(registry, files), files)
    assert skip is not None
    unread = {
        p
        for p in files
        if p.endswith(".py") and skip.applies(p) and skip.unneeded((root / p).read_bytes())
    }
    assert "python/pkg/c001.py" in unread and "python/pkg/c000.py" not in unread
    assert reads == []  # judged once: the verdict is cached by blob id
    _same(second, oracle)
    # and their whole facts are read when asked for
    assert second.scan.full("python/pkg/c001.py") == oracle.scan.facts["python/pkg/c001.py"]


def _reads_in_every_process(monkeypatch, log: Path) -> None:
    """Log the files the readers read, in this process and in the scan's children."""
    original = scanner.read_one

    def logging(root, path, *rest):
        with open(log, "a") as fh:
            fh.write(path + "\n")
        return original(root, path, *rest)

    monkeypatch.setattr(scanner, "read_one", logging)


def test_cached_and_changed_files_over_two_processes(repo, monkeypatch, tmp_path: Path) -> None:
    """The children decode cached entries and read changed files; only the changed are read,
    and a run that adds nothing does not write the cache again."""
    root = repo(_files())
    build(load_registry(cwd=root), CheckOptions(jobs=2))
    changed = [f"python/pkg/c{i:03d}.py" for i in range(0, 300)]
    for path in changed:
        (root / path).write_text((root / path).read_text() + "\nimport pkg.uma\n")
    git(
        root, "commit", "-qam", "change"
    )  # keys are blob ids (a modified file is hashed by reading)
    oracle = _whole(root, False)
    log = tmp_path / "reads.log"
    _reads_in_every_process(monkeypatch, log)
    index = build(load_registry(cwd=root), CheckOptions(jobs=2), outbound=False)
    _same(index, oracle)
    assert sorted(log.read_text().split()) == changed
    assert {r.path for r in index.inbound("uma") if r.kind == "python-import"} >= set(changed)
    path = cache_dir(root) / CACHE_NAME
    before = path.stat()
    log.unlink()
    again = build(load_registry(cwd=root), CheckOptions(jobs=2), outbound=False)
    _same(again, oracle)
    assert not log.exists()  # nothing read
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_nothing_is_dropped_when_a_module_is_removed(repo) -> None:
    """SM014 reads every reference as written: a module at stage removed turns the view off."""
    root = repo(_files())
    registry = load_registry(cwd=root)
    files = sorted(list_registry_files(registry).keys)
    assert index_view(registry, prepare_tables(registry, files), False) is not None
    text = (root / "scoped.toml").read_text()
    (root / "scoped.toml").write_text(text.replace('stage = "proposed"', 'stage = "removed"'))
    removed = load_registry(cwd=root)
    assert index_view(removed, prepare_tables(removed, files), False) is None


def _entries(root: Path) -> int:
    cache = FactsCache(root)
    return len(cache._where)


def _read_keys(root: Path) -> set[str]:
    """The blob ids of the files a reader reads (other files have no facts, and core Python
    files that spell no module are not read: index.python_prefilter)."""
    registry = load_registry(cwd=root)
    keys = list_registry_files(registry).keys
    files = sorted(keys)
    skip = python_prefilter(prepare_tables(registry, files), files)
    assert skip is not None
    return {
        k
        for p, k in keys.items()
        if F.language_of(p) != "other"
        and not (p.endswith(".py") and skip.applies(p) and skip.unneeded((root / p).read_bytes()))
    }


def test_the_cache_holds_the_live_files_only(repo, monkeypatch) -> None:
    root = repo(_files())
    where = cache_dir(root)
    build(load_registry(cwd=root), CheckOptions(jobs=2))
    scanned = _read_keys(root)
    assert _entries(root) == len(scanned)
    # files of another reader version or format, and a killed run's temporary file, go
    (where / "facts-r1-m4.bin").write_bytes(b"x" * 100)
    (where / "facts-r6-m4.bin").write_bytes(b"x" * 100)
    old, fresh = where / ".tmp-old", where / ".tmp-fresh"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    hour_ago = time.time() - 7200
    os.utime(old, (hour_ago, hour_ago))
    for i in range(0, N, 2):
        (root / f"python/pkg/c{i:03d}.py").unlink()
    (root / "python/pkg/c001.py").write_text("import pkg.uma\n")
    reads = count_reads(monkeypatch)
    build(load_registry(cwd=root), CheckOptions(jobs=1))
    assert reads == ["python/pkg/c001.py"]
    assert _entries(root) == len(_read_keys(root)) < len(scanned)
    names = sorted(p.name for p in where.iterdir() if p.name.startswith(("facts-", ".tmp-")))
    assert names == [".tmp-fresh", CACHE_NAME]


@pytest.mark.parametrize("damage", ["cut", "garbage", "empty"])
def test_a_damaged_cache_is_cold_not_wrong(repo, monkeypatch, damage: str) -> None:
    root = repo(_files())
    oracle = _whole(root, False)
    build(load_registry(cwd=root), CheckOptions(jobs=2))
    path = cache_dir(root) / CACHE_NAME
    data = path.read_bytes()
    path.write_bytes(
        {"cut": data[: len(data) // 2], "garbage": os.urandom(len(data)), "empty": b""}[damage]
    )
    reads = count_reads(monkeypatch)
    index = build(load_registry(cwd=root), CheckOptions(jobs=1), outbound=False)
    _same(index, oracle)
    if damage == "cut":  # the header is whole: the entries in the first half still serve
        assert 0 < len(reads) < len(oracle.scan.facts)
    else:  # every file is opened (the prefilter's verdicts were in the cache too)
        keys = list_files(root, True, ["excluded/"]).keys
        assert len(reads) == len([p for p in keys if F.language_of(p) != "other"])


def test_python_reader_facts_are_marshal_round_trips(repo) -> None:
    """What a shard stores is what the reader gave (the cache returns equal facts)."""
    root = repo({"a.py": "import os\nimport pkg.x as y\ny.z.w()\n"})
    cache = FactsCache(root)
    shard = cache.shard()
    assert shard is not None
    facts = read_python((root / "a.py").read_text())
    where = shard.put(facts)
    assert where is not None
    cache.add("k", where)
    assert cache.get("k") == facts
    assert facts[1] and facts[3].get("chains")  # imports, and the chains' names


# Reach: a necessary condition. Whatever resolves into a module must pass it; the resolvers are
# the oracle, on names and include strings built from the tree's own parts and odd spellings.
_TREE = [
    "python/pkg/__init__.py",
    "python/pkg/core.py",
    "python/pkg/uma/__init__.py",
    "python/pkg/uma/backend.py",
    "python/pkg/uma/sub/deep.py",
    "python/pkg/tools.py",
    "tests/a/utils.py",
    "include/pkg/api.h",
    "include/pkg/uma.h",
    "src/core.cc",
    "src/uma/uma.h",
    "src/uma/x.cc",
    "src/x.h",
]
_MODULE = ("python/pkg/uma/", "src/uma/", "include/pkg/uma.h", "tests/a/")


def _reach_tables():  # noqa: ANN202 - (Reach, PythonNames, IncludeResolver, module files)
    from scoped_modules.index import Reach
    from scoped_modules.resolve.includes import IncludeResolver
    from scoped_modules.resolve.pynames import PythonNames

    owned = {f for f in _TREE if f.startswith(_MODULE)}
    names = PythonNames(_TREE, ["python"])
    return Reach(owned, names), names, IncludeResolver(set(_TREE), ["include"]), owned


def test_reach_passes_whatever_resolves_into_a_module() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    reach, names, includes, owned = _reach_tables()
    words = ["pkg", "uma", "backend", "sub", "deep", "core", "tools", "utils", "x", "f", ""]
    py_spec = st.lists(st.sampled_from(words), min_size=1, max_size=5).map(".".join)
    dots = st.sampled_from(["", ".", "..", "..."])
    parts = ["pkg", "uma", "uma.h", "api.h", "x.h", "x.cc", "src", "include", ".", "..", ""]
    seps = st.sampled_from(["/", "\\", "//", "/./"])
    inc_spec = st.tuples(
        st.lists(st.tuples(st.sampled_from(parts), seps), max_size=4),
        st.sampled_from(parts),
        st.sampled_from(["", " ", "\t"]),
        st.sampled_from(["", " ", "/", "/.", "/..", "\\"]),
    ).map(lambda t: t[2] + "".join(p + s for p, s in t[0]) + t[1] + t[3])
    importers = st.sampled_from([f for f in _TREE if f.endswith((".py", ".cc", ".h"))])

    @settings(max_examples=1500, deadline=None)
    @given(dots, py_spec, importers, st.sampled_from([0, F.F_FROM, F.F_CIMPORT]))
    def python(lead: str, spec: str, importer: str, flags: int) -> None:
        target = names.resolve(lead + spec, importer, flags)
        if isinstance(target, str) and target in owned:
            assert reach.python(lead + spec)

    @settings(max_examples=1500, deadline=None)
    @given(inc_spec, importers, st.booleans())
    def include(spec: str, importer: str, angle: bool) -> None:
        target = includes.resolve(spec, importer, angle)
        if target is not None and target in owned:
            assert reach.include(spec)

    python()
    include()
    # and it is no test that passes everything
    assert not reach.python("pkg.core.f") and not reach.python("pkg.tools")
    assert reach.python("pkg.uma.backend.run") and reach.python("pkg.uma")
    assert not reach.include("pkg/api.h") and reach.include("pkg\\uma.h ")


def test_suppression_candidates_are_the_lines_git_finds_for_the_marker(repo) -> None:
    """``git grep`` runs for a fixed string (the marker as a regular expression took 14 s of
    CPU at 100,000 files); the lines are then matched here. Oracle: git's own POSIX ERE."""
    import subprocess

    from scoped_modules.app.suppress import finish, start

    lines = [
        "x = 1  # scoped: ignore[SM003] reason",
        "y = 2  # scoped:\tignore[SM003]",
        "z = 3  # scoped:ignore[SM003]",
        "# scoped: ignore SM003 (no bracket)",
        "# scoped:ignored[",
        "w = 'scoped: something else'",
        "# Scoped: ignore[SM003] (another case)",
        "#scoped:    ignore[ SM003 ]",
    ]
    root = repo({"a.py": "\n".join(lines) + "\n", "b.cc": "// scoped:  ignore[SM007]\n"})
    fileset = list_files(root, True, [])
    got = finish(start(fileset), fileset)
    out = subprocess.run(
        ["git", "grep", "-n", "-E", "-e", r"scoped:[[:space:]]*ignore\["],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = sorted((p, int(n)) for p, n, _ in (ln.split(":", 2) for ln in out.splitlines()))
    assert got == expected
    assert len(got) == 5


def test_an_entry_that_is_no_facts_is_not_served(repo) -> None:
    """An entry whose bytes unmarshal to something else than facts is no entry."""
    import marshal

    root = repo({"a.py": "import os\n"})
    cache = FactsCache(root)
    shard = cache.shard()
    assert shard is not None
    for key, value in {"k1": 7, "k2": ("py", [], []), "k3": ("py", "x", [], {})}.items():
        data = marshal.dumps(value)
        where = (shard.number, shard.size, len(data))
        os.pwrite(shard.fd, data, shard.size)
        shard.size += len(data)
        cache.add(key, where)
        assert cache.get(key) is None
