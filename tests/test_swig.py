"""SWIG reader: `%include`, `%import` and `#include` inside `%{ … %}` (issue 12).

Oracles: `swig -MM` lists the files SWIG itself reads (`%include`, `%import`), and the C++
compiler's `g++ -MM -MG` on the wrapper that SWIG generates lists the headers the `%{ … %}`
blocks pull in. Both skip visibly when the tool is missing (Debian packages `swig`, `g++`)."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from build_helpers import holds
from helpers import check_json, write_tree

from scoped_modules.readers.facts import F_ANGLE, K_CPP_INCLUDE, K_SWIG_INCLUDE, language_of
from scoped_modules.readers.guards import implies_on
from scoped_modules.readers.swig import blank_comments_swig, read_swig
from scoped_modules.resolve.includes import IncludeResolver

GPU = frozenset({"FAISS_ENABLE_GPU"})

TREE = {
    "include/faiss/Index.h": "#pragma once\nclass Index { public: int d; };\n",
    "include/faiss/gpu/GpuIndex.h": "#pragma once\nclass GpuIndex { public: int dev; };\n",
    "include/faiss/gpu/Commented.h": "#pragma once\nclass Commented {};\n",
    "include/faiss/gpu/Ignored.h": "#pragma once\nclass Ignored {};\n",
    "swig/gpu/gpu_types.i": '%{\n#include "faiss/gpu/GpuIndex.h"\n%}\nclass GpuType {};\n',
    "swig/common.i": '%include "faiss/Index.h"\n',
    "swig/faiss.i": """
        %module(directors="1") swigfaiss
        %{
        #include "faiss/Index.h"
        /* #include "faiss/gpu/Commented.h" */
        #ifdef FAISS_ENABLE_GPU
        #include "faiss/gpu/GpuIndex.h"
        #endif
        static const char* s = "%{ #include \\"faiss/gpu/Commented.h\\" ";
        %}
        %include "common.i"
        #ifdef FAISS_ENABLE_GPU
        %include "faiss/gpu/GpuIndex.h"
        %import "gpu/gpu_types.i"
        #endif
        // %include "faiss/gpu/Commented.h"
        #include "faiss/gpu/Ignored.h"
    """,
}


def _text(path: str) -> str:
    return textwrap.dedent(TREE[path]).lstrip("\n")


def _closure(main: str, defined: set[str]) -> tuple[set[str], set[str]]:
    """(files SWIG reads, headers the wrapper includes) according to the reader and the
    include resolver, with the macros in ``defined`` set."""
    resolver = IncludeResolver(set(TREE), ["include"])
    swig_read: set[str] = set()
    wrapper: set[str] = set()
    todo = [(main, True)]  # (file, its %{ %} blocks reach the wrapper: not %import-ed)
    while todo:
        path, emitted = todo.pop()
        for kind, spec, _line, ev, guard, flags in read_swig(_text(path))[1]:
            target = resolver.resolve(spec, path, bool(flags & F_ANGLE))
            if not holds(guard, defined) or target is None:
                continue
            if kind == K_SWIG_INCLUDE and target not in swig_read:
                swig_read.add(target)
                if target.endswith(".i"):
                    todo.append((target, emitted and ev.lstrip().startswith("%include")))
            elif kind == K_CPP_INCLUDE and emitted:
                wrapper.add(target)
    return swig_read, wrapper


@pytest.mark.skipif(
    shutil.which("swig") is None or shutil.which("g++") is None, reason="swig or g++ not installed"
)
@pytest.mark.parametrize("defined", [set(), {"FAISS_ENABLE_GPU"}])
def test_includes_match_swig_and_the_compiler(tmp_path: Path, defined: set[str]) -> None:
    write_tree(tmp_path, TREE)
    flags = [f"-D{d}" for d in defined]
    swig = subprocess.run(
        ["swig", "-c++", "-tcl", "-MM", "-Iinclude", *flags, "swig/faiss.i"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    swig_deps = set(swig.replace("\\\n", " ").split(":", 1)[1].split()) - {"swig/faiss.i"}
    subprocess.run(
        ["swig", "-c++", "-tcl", "-Iinclude", *flags, "-o", "wrap.cxx", "swig/faiss.i"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    cxx = subprocess.run(
        ["g++", "-MM", "-MG", "-Iinclude", *flags, "wrap.cxx"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cxx_deps = {d for d in cxx.replace("\\\n", " ").split(":", 1)[1].split() if d in TREE}
    assert _closure("swig/faiss.i", defined) == (swig_deps, cxx_deps)


def test_reader_kinds_guards_and_comments() -> None:
    lang, refs, notes, extra = read_swig(_text("swig/faiss.i"))
    assert lang == "swig" and notes == [] and extra["module"] == "swigfaiss"
    got = [(k, spec, line, implies_on(g, GPU)) for k, spec, line, _e, g, _f in refs]
    assert got == [
        (K_CPP_INCLUDE, "faiss/Index.h", 3, False),
        (K_CPP_INCLUDE, "faiss/gpu/GpuIndex.h", 6, True),
        (K_SWIG_INCLUDE, "common.i", 10, False),
        (K_SWIG_INCLUDE, "faiss/gpu/GpuIndex.h", 12, True),
        (K_SWIG_INCLUDE, "gpu/gpu_types.i", 13, True),
    ]
    assert language_of("swig/faiss.i") == language_of("x/y.swig") == "swig"
    blanked = blank_comments_swig(_text("swig/faiss.i"))
    assert "Commented.h" in blanked  # the string literal stays, the comments go
    assert blanked.count("Commented.h") == 1


REGISTRY = """
schema = 1

[project]
include_roots = ["include"]

[modules.gpu]
stage = "proposed"
paths = ["include/faiss/gpu/", "swig/gpu/"]
toggles = [{ cmake = "FAISS_ENABLE_GPU", define = "FAISS_ENABLE_GPU" }]
"""


def _repo_files(**extra: str) -> dict[str, str]:
    return {
        **TREE,
        "scoped.toml": REGISTRY,
        "CMakeLists.txt": 'option(FAISS_ENABLE_GPU "GPU" OFF)\n',
        **extra,
    }


def test_interface_including_a_module_header_is_sm003(repo) -> None:
    bad = '%module bad\n%{\n#include "faiss/gpu/GpuIndex.h"\n%}\n%include "faiss/gpu/GpuIndex.h"\n'
    root = repo(_repo_files(**{"swig/bad.i": bad}))
    _code, report = check_json(root, "--no-history")
    sm003 = [
        (f["path"], f["line"], f["kind"], f["target"])
        for f in report["findings"]
        if f["rule"] == "SM003"
    ]
    assert sm003 == [
        ("swig/bad.i", 3, "cpp-include", "include/faiss/gpu/GpuIndex.h"),
        ("swig/bad.i", 5, "swig-include", "include/faiss/gpu/GpuIndex.h"),
    ]


def test_correctly_wired_interface_is_silent(repo) -> None:
    root = repo(_repo_files())
    _code, report = check_json(root, "--no-history")
    assert [f for f in report["findings"] if f["rule"] in ("SM003", "SM007")] == []
    (row,) = report["modules"]
    assert row["inbound"] == 0 and row["wiring"] == 3


def test_same_bytes_in_a_header_and_an_interface_keep_their_own_reader(repo) -> None:
    """The facts cache is keyed by content: a SWIG interface with the bytes of a C header must
    not get the C reader's facts on the next (warm) run, where `#include` outside `%{ %}`
    would become a reference."""
    text = '#include "faiss/gpu/GpuIndex.h"\n'
    root = repo(_repo_files(**{"swig/plain.i": text, "src/plain.h": text}))
    runs = [check_json(root, "--no-history")[1]]
    with (root / "CMakeLists.txt").open("a") as fh:
        fh.write("# another result, the same facts\n")
    runs.append(check_json(root, "--no-history")[1])  # warm: the facts come from the cache
    for report in runs:
        got = {(f["path"], f["kind"]) for f in report["findings"] if f["rule"] == "SM003"}
        assert got == {("src/plain.h", "cpp-include")}
