"""TableGen reader: `include` statements of .td files, resolved like C/C++ includes (issue 12).

The oracle is LLVM's own `llvm-tblgen -d` (the dependency file it writes lists every file it
included, transitively); the test skips visibly without it (Debian package `llvm`). The
fixture writes includes from the include root, as MLIR does: llvm-tblgen 14 searches the -I
directories only, while the reader (like a quoted C include) also tries the including file's
directory first."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from build_helpers import holds
from helpers import check_json, write_tree

from scoped_modules.readers.facts import K_TD_INCLUDE, language_of
from scoped_modules.readers.guards import implies_on
from scoped_modules.readers.tablegen import blank_comments_tablegen, read_tablegen
from scoped_modules.resolve.includes import IncludeResolver

TOSA = frozenset({"MLIR_ENABLE_TOSA"})

DIALECT = {
    "include/mlir/IR/OpBase.td": """
        #ifndef OP_BASE
        #define OP_BASE
        class Op<string n> { string name = n; }
        #endif // OP_BASE
    """,
    "include/mlir/IR/AttrBase.td": "class Attr;\n",
    # named only in a comment and in a code block: never included
    "include/mlir/IR/Nothing.td": "class Nothing;\n",
    "include/mlir/IR/NotTableGen.td": "class NotTableGen;\n",
    "include/mlir/Dialect/Tosa/IR/TosaOpBase.td": """
        #ifndef TOSA_OP_BASE
        #define TOSA_OP_BASE
        include "mlir/IR/OpBase.td"
        class TosaOp<string n> : Op<n>;
        #endif
    """,
    "include/mlir/Dialect/Tosa/IR/TosaOps.td": """
        #ifndef TOSA_OPS
        #define TOSA_OPS
        // include "mlir/IR/Nothing.td" in a comment
        /* include "mlir/IR/Nothing.td" /* nested */ still a comment */
        include "mlir/IR/OpBase.td"
        include "mlir/Dialect/Tosa/IR/TosaOpBase.td"
        def Tosa_AddOp : TosaOp<"add"> {
          code extra = [{
        include "mlir/IR/NotTableGen.td"
          }];
        }
        #endif
    """,
    "include/mlir/Dialect/Linalg/IR/LinalgOps.td": """
        include "mlir/IR/OpBase.td"
        #ifdef MLIR_ENABLE_TOSA
        include "mlir/Dialect/Tosa/IR/TosaOps.td"
        #else
        include "mlir/IR/AttrBase.td"
        #endif
        def Linalg_Op : Op<"generic">;
    """,
    "include/mlir/Conversion/Passes.td": """
        include "mlir/IR/OpBase.td"
        include "mlir/Dialect/Tosa/IR/TosaOps.td"
        def Pass : Op<"pass">;
    """,
}


def _reader_closure(root_td: str, defined: set[str]) -> set[str]:
    """Every repository file `root_td` includes, transitively, through the reader and the
    include resolver, when the macros in ``defined`` are set."""
    resolver = IncludeResolver(set(DIALECT), ["include"])
    seen: set[str] = set()
    todo = [root_td]
    while todo:
        path = todo.pop()
        text = textwrap.dedent(DIALECT[path]).lstrip("\n")
        for kind, spec, _line, _ev, guard, _flags in read_tablegen(text)[1]:
            assert kind == K_TD_INCLUDE
            target = resolver.resolve(spec, path, False)
            if holds(guard, defined) and target and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.skipif(shutil.which("llvm-tblgen") is None, reason="llvm-tblgen not installed")
@pytest.mark.parametrize("defined", [set(), {"MLIR_ENABLE_TOSA"}])
@pytest.mark.parametrize("root_td", sorted(DIALECT))
def test_includes_match_llvm_tblgen(tmp_path: Path, root_td: str, defined: set[str]) -> None:
    write_tree(tmp_path, DIALECT)
    dep = tmp_path / "out.d"
    # as mlir_tablegen() does: -I for the include root and the main file's directory
    main_dir = str(Path(root_td).parent)
    args = [
        "llvm-tblgen",
        "-I",
        "include",
        "-I",
        main_dir,
        root_td,
        "-o",
        str(tmp_path / "out.txt"),
    ]
    args += ["-d", str(dep)] + [f"-D{d}" for d in defined]
    subprocess.run(args, cwd=tmp_path, check=True, capture_output=True)
    deps = set(dep.read_text().split(":", 1)[1].split())
    assert deps == _reader_closure(root_td, defined)


def test_reader_guards_comments_and_code_blocks() -> None:
    text = (
        "#ifndef X_TD\n#define X_TD\n"  # include guard: no condition
        'include "a.td"\n'
        '// include "c1.td"\n'
        '/* include "c2.td" /* nested */ include "c3.td" */\n'
        'def D { code c = [{\ninclude "code.td"\n}]; string s = "include \\"s.td\\""; }\n'
        '#ifdef MLIR_ENABLE_TOSA\ninclude "t.td"\n#else\ninclude "n.td"\n#endif\n'
        "#endif\n"
    )
    lang, refs, notes, extra = read_tablegen(text)
    assert lang == "td" and notes == []
    got = {spec: (line, guard) for _k, spec, line, _e, guard, _f in refs}
    assert set(got) == {"a.td", "t.td", "n.td"}
    assert got["a.td"] == (3, None)
    assert got["t.td"][0] == 10 and implies_on(got["t.td"][1], TOSA)
    assert got["n.td"][0] == 12 and not implies_on(got["n.td"][1], TOSA)
    assert language_of("include/mlir/Dialect/Tosa/IR/TosaOps.td") == "td"
    blanked = blank_comments_tablegen(text)
    assert "c1.td" not in blanked and "c3.td" not in blanked and "code.td" in blanked
    assert blanked.count("\n") == text.count("\n")


REGISTRY = """
schema = 1

[project]
include_roots = ["include"]

[modules.tosa]
stage = "proposed"
paths = ["include/mlir/Dialect/Tosa/", "lib/Dialect/Tosa/"]
toggles = [{ cmake = "MLIR_ENABLE_TOSA", define = "MLIR_ENABLE_TOSA" }]
"""


def test_core_td_including_the_dialect_is_sm003_guarded_one_is_wiring(repo) -> None:
    files = {
        **DIALECT,
        "scoped.toml": REGISTRY,
        "CMakeLists.txt": 'option(MLIR_ENABLE_TOSA "TOSA" ON)\n',
        "lib/Dialect/Tosa/CMakeLists.txt": "",
    }
    root = repo(files)
    _code, report = check_json(root, "--no-history")
    sm003 = [f for f in report["findings"] if f["rule"] == "SM003"]
    assert [(f["path"], f["line"], f["kind"], f["target"]) for f in sm003] == [
        (
            "include/mlir/Conversion/Passes.td",
            2,
            "tablegen-include",
            "include/mlir/Dialect/Tosa/IR/TosaOps.td",
        )
    ]
    (row,) = report["modules"]
    assert row["inbound"] == 1 and row["wiring"] == 1
    code, out, _err = _deps(root)
    inbound = {(r["path"], r["wiring"]) for r in out["inbound"]}
    assert ("include/mlir/Dialect/Linalg/IR/LinalgOps.td", "MLIR_ENABLE_TOSA") in inbound


def test_correctly_wired_dialect_is_silent(repo) -> None:
    files = {
        **DIALECT,
        "include/mlir/Conversion/Passes.td": 'include "mlir/IR/OpBase.td"\n',
        "scoped.toml": REGISTRY,
        "CMakeLists.txt": 'option(MLIR_ENABLE_TOSA "TOSA" ON)\n',
        "lib/Dialect/Tosa/CMakeLists.txt": "",
    }
    root = repo(files)
    _code, report = check_json(root, "--no-history")
    assert [f for f in report["findings"] if f["rule"] in ("SM003", "SM007")] == []
    assert report["modules"][0]["wiring"] == 1


def _deps(root: Path) -> tuple[int, dict, str]:
    import json

    from helpers import run_cli

    code, out, err = run_cli(root, "deps", "tosa", "--format", "json")
    return code, json.loads(out), err
