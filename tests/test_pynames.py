"""Python names (SPEC §3.1): unit rules, and grimp as the oracle for import edges."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import grimp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoped_modules.readers.facts import F_CIMPORT, F_FROM, K_PY_IMPORT
from scoped_modules.readers.python import read_python
from scoped_modules.resolve.pynames import AMBIGUOUS, PythonNames

TREE = [
    "python/tvm/__init__.py",
    "python/tvm/relax/__init__.py",
    "python/tvm/relax/expr.py",
    "python/tvm/relax/frontend/__init__.py",
    "python/tvm/relax/frontend/onnx.py",
    "python/tvm/contrib/__init__.py",
    "python/tvm/contrib/cutlass/__init__.py",
    "python/tvm/contrib/cutlass/gen.py",
    "python/tvm/contrib/nspkg/helper.py",  # nspkg has no __init__.py: a namespace package
    "python/tvm/_ffi/__init__.py",
    "python/tvm/_ffi/core.pyx",
    "python/tvm/_ffi/core.pxd",
    "python/tvm/_ffi/core.pyi",
    "python/tvm/both.py",
    "python/tvm/both/__init__.py",
    "python/setup.py",
    "tests/python/relax/test_expr.py",
    "tests/python/relax/conftest.py",
    "tests/python/utils.py",
    "tests/lint/utils.py",
    "tests/scripts/utils.py",
    "apps/demo/pkg/__init__.py",
    "apps/demo/pkg/mod.py",
    "apps/demo/run.py",
    "src/relax/expr.cc",
    "CMakeLists.txt",
]


def names(roots: list[str] | None = None) -> PythonNames:
    return PythonNames(TREE, ["python"] if roots is None else roots)


def test_dotted_names_and_bases() -> None:
    pn = names()
    assert pn.dotted("python/tvm/relax/expr.py") == "tvm.relax.expr"
    assert pn.dotted("python/tvm/relax/__init__.py") == "tvm.relax"
    assert pn.dotted("python/tvm/contrib/nspkg/helper.py") == "tvm.contrib.nspkg.helper"
    assert pn.dotted("python/setup.py") == "setup"
    assert pn.dotted("tests/python/relax/test_expr.py") == "test_expr"
    assert pn.base("tests/python/relax/test_expr.py") == "tests/python/relax"
    assert pn.dotted("apps/demo/pkg/mod.py") == "pkg.mod"
    assert pn.base("apps/demo/pkg/mod.py") == "apps/demo"
    assert pn.dotted("src/relax/expr.cc") is None
    # without the declared root, the namespace directory is its own base
    assert names([]).dotted("python/tvm/contrib/nspkg/helper.py") == "helper"
    assert names([]).dotted("python/tvm/relax/expr.py") == "tvm.relax.expr"
    assert names(["./python/"]).dotted("python/tvm/relax/expr.py") == "tvm.relax.expr"


def test_longest_prefix() -> None:
    pn = names()
    t = "tests/python/relax/test_expr.py"
    assert pn.resolve("tvm.relax", t) == "python/tvm/relax/__init__.py"
    assert pn.resolve("tvm.relax.Function", t, F_FROM) == "python/tvm/relax/__init__.py"
    assert pn.resolve("tvm.contrib.cutlass.gen", t) == "python/tvm/contrib/cutlass/gen.py"
    assert (
        pn.resolve("tvm.contrib.cutlass.gen.Thing.attr", t) == "python/tvm/contrib/cutlass/gen.py"
    )
    assert pn.resolve("tvm.nothing.here", t) == "python/tvm/__init__.py"
    assert pn.resolve("numpy.linalg", t) is None
    assert pn.resolve("", t) is None


def test_precedence() -> None:
    pn = names()
    t = "apps/demo/run.py"
    assert pn.resolve("tvm.both", t) == "python/tvm/both/__init__.py"
    assert pn.resolve("tvm._ffi.core", t) == "python/tvm/_ffi/core.pyx"
    assert pn.resolve("tvm._ffi.core", t, F_CIMPORT) == "python/tvm/_ffi/core.pxd"
    assert pn.resolve("tvm._ffi.core.X", t, F_CIMPORT | F_FROM) == "python/tvm/_ffi/core.pxd"
    only = PythonNames(["p/a.pyi", "p/a.pxd", "p/b.pyx", "p/b.pxd", "p/c.py", "p/c.pyi"], [])
    assert only.resolve("a", "p/x.py") == "p/a.pyi"
    assert only.resolve("b", "p/x.py") == "p/b.pyx"
    assert only.resolve("c", "p/x.py", F_CIMPORT) == "p/c.py"
    assert only.resolve("a", "p/x.py", F_CIMPORT) == "p/a.pxd"


def test_namespace_packages_under_a_root() -> None:
    pn = names()
    t = "apps/demo/run.py"
    assert pn.resolve("tvm.contrib.nspkg", t) is None
    assert pn.resolve("tvm.contrib.nspkg.helper", t) == "python/tvm/contrib/nspkg/helper.py"
    assert pn.resolve("tvm.contrib.nspkg.other", t) is None


def test_relative_imports() -> None:
    pn = names()
    expr = "python/tvm/relax/expr.py"
    init = "python/tvm/relax/__init__.py"
    onnx = "python/tvm/relax/frontend/onnx.py"
    assert pn.resolve(".frontend", expr) == "python/tvm/relax/frontend/__init__.py"
    assert pn.resolve(".expr", init) == expr
    assert pn.resolve(".", expr) == init
    assert pn.resolve("..expr.Var", onnx) == expr
    assert pn.resolve("...contrib.cutlass.gen", onnx) == "python/tvm/contrib/cutlass/gen.py"
    assert pn.resolve("...x", onnx) == "python/tvm/__init__.py"  # tvm.x -> tvm
    assert pn.resolve("....x", onnx) is None  # beyond the top-level package
    assert pn.resolve(".mod", "apps/demo/pkg/__init__.py") == "apps/demo/pkg/mod.py"
    assert pn.resolve(".x", "apps/demo/run.py") is None  # a top-level module has no package
    assert pn.resolve(".x", "not/scanned.py") is None


def test_base_order_and_ambiguity() -> None:
    pn = names()
    # own base first
    assert pn.resolve("utils", "tests/python/utils.py") == "tests/python/utils.py"
    assert (
        pn.resolve("conftest", "tests/python/relax/test_expr.py")
        == "tests/python/relax/conftest.py"
    )
    # found in several other bases: ambiguous
    assert pn.resolve("utils", "tests/python/relax/test_expr.py") is AMBIGUOUS
    # found in exactly one other base
    assert pn.resolve("pkg.mod", "tests/python/relax/test_expr.py") == "apps/demo/pkg/mod.py"
    # a declared root wins over the other bases
    roots = PythonNames(["lib/utils.py", "tests/a/utils.py", "tests/b/utils.py", "x/y.py"], ["lib"])
    assert roots.resolve("utils", "x/y.py") == "lib/utils.py"
    ordered = PythonNames(["r1/m.py", "r2/m.py", "x/y.py"], ["r2", "r1"])
    assert ordered.resolve("m", "x/y.py") == "r2/m.py"
    assert not AMBIGUOUS and repr(AMBIGUOUS) == "AMBIGUOUS"


def test_files_named() -> None:
    pn = names()
    assert pn.files_named("utils") == [
        "tests/lint/utils.py",
        "tests/python/utils.py",
        "tests/scripts/utils.py",
    ]
    assert pn.files_named("tvm._ffi.core") == [
        "python/tvm/_ffi/core.pxd",
        "python/tvm/_ffi/core.pyi",
        "python/tvm/_ffi/core.pyx",
    ]
    assert pn.files_named("nothing") == []


def test_build_is_fast() -> None:
    files = []
    for i in range(100_000):
        d = f"python/pkg{i % 50}/sub{i % 300}"
        files.append(f"{d}/m{i}.py" if i % 2 else f"src/x{i % 400}/f{i}.cc")
    files += [f"python/pkg{i}/__init__.py" for i in range(50)]
    files += [f"python/pkg{i % 50}/sub{i}/__init__.py" for i in range(300)]
    t0 = time.perf_counter()
    pn = PythonNames(files, [])
    assert time.perf_counter() - t0 < 5  # generous: a timing smoke test, not the benchmark
    assert pn.resolve("pkg3.sub3.m3.f", "python/pkg0/sub0/m1.py") == "python/pkg3/sub3/m3.py"


# --- grimp as the oracle ---------------------------------------------------------------------

_COUNTER = [0]


def _tree(rng: random.Random, pkg: str) -> dict[str, str]:
    """Dotted module name -> its file path below the package parent directory."""
    mods: dict[str, str] = {pkg: f"{pkg}/__init__.py"}
    packages = [pkg]
    for i in range(rng.randint(2, 6)):
        parent = rng.choice(packages)
        name = f"{parent}.sub{i}"
        if parent.count(".") < 3:
            packages.append(name)
            mods[name] = name.replace(".", "/") + "/__init__.py"
    for i in range(rng.randint(3, 10)):
        parent = rng.choice(packages)
        name = f"{parent}.m{i}"
        mods[name] = name.replace(".", "/") + ".py"
    return mods


def _import_line(rng: random.Random, importer: str, is_pkg: bool, mods: dict[str, str]) -> str:
    target = rng.choice(sorted(mods))
    own_pkg = importer if is_pkg else importer.rsplit(".", 1)[0]
    shape = rng.randint(0, 6)
    if shape == 0:
        return f"import {target}"
    if shape == 1 and "." in target:
        head, last = target.rsplit(".", 1)
        return f"from {head} import {last}"
    if shape == 2:
        return f"from {target} import some_name, other as o"
    if shape == 3:
        return f"from {target} import (\n    some_name,\n)"
    # relative: climb from the importer's package to a common ancestor of the target
    own = own_pkg.split(".")
    tgt = target.split(".")
    common = 0
    while common < min(len(own), len(tgt)) and own[common] == tgt[common]:
        common += 1
    if common == 0:
        return f"import {target}"
    level = len(own) - common + 1
    rest = ".".join(tgt[common:])
    if not rest:
        return f"from {'.' * level} import some_name"
    if shape == 4 and "." in rest:
        head, last = rest.rsplit(".", 1)
        return f"from {'.' * level}{head} import {last}"
    if shape == 5:
        return f"from {'.' * level} import {tgt[common]}"
    return f"from {'.' * level}{rest} import name_in_it"


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**9), st.booleans())
def test_grimp_oracle(
    tmp_path_factory: pytest.TempPathFactory, seed: int, declare_root: bool
) -> None:
    rng = random.Random(seed)
    _COUNTER[0] += 1
    pkg = f"smgrimp{_COUNTER[0]}x{seed % 1000}"
    root = Path(tmp_path_factory.mktemp("repo"))
    mods = _tree(rng, pkg)
    for mod, rel in mods.items():
        is_pkg = rel.endswith("__init__.py")
        lines = [_import_line(rng, mod, is_pkg, mods) for _ in range(rng.randint(0, 5))]
        if rng.random() < 0.3:
            lines.insert(0, "def f():\n    import " + rng.choice(sorted(mods)) + "\n")
        path = root / "src" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
    files = [f"src/{rel}" for rel in mods.values()] + ["README.md"]
    pn = PythonNames(files, ["src"] if declare_root else [])
    file_of = {mod: f"src/{rel}" for mod, rel in mods.items()}
    module_of = {v: k for k, v in file_of.items()}

    sys.path.insert(0, str(root / "src"))
    try:
        graph = grimp.build_graph(pkg, cache_dir=None)
    finally:
        sys.path.remove(str(root / "src"))

    mine: dict[tuple[str, int], set[str]] = {}
    for mod, path in file_of.items():
        text = (root / path).read_text()
        for kind, spec, line, _ev, _g, flags in read_python(text)[1]:
            if kind != K_PY_IMPORT:
                continue
            target = pn.resolve(spec, path, flags)
            assert target is not AMBIGUOUS
            if target is not None:
                mine.setdefault((mod, line), set()).add(module_of[target])

    theirs: dict[tuple[str, int], set[str]] = {}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                theirs.setdefault((importer, detail["line_number"]), set()).add(imported)
    for key, targets in theirs.items():
        assert targets <= mine.get(key, set()), (key, targets, mine.get(key))
    for key, targets in mine.items():
        importer = key[0]
        assert targets - {importer} <= theirs.get(key, set()), (key, targets, theirs.get(key))
