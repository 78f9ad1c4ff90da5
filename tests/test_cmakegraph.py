"""CMake graph: current source directories, glob expansion and guard propagation (SPEC §3.2)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scoped_modules.index import all_dirs
from scoped_modules.readers.cmake import read_cmake
from scoped_modules.readers.facts import K_CMAKE_INCLUDE, K_CMAKE_SUBDIR, language_of
from scoped_modules.readers.guards import implies_on, mentions
from scoped_modules.resolve.cmake import resolve_cmake

FOO = frozenset({"USE_FOO"})
BAR = frozenset({"USE_BAR"})

TREE = {
    "CMakeLists.txt": """
cmake_minimum_required(VERSION 3.18)
project(demo CXX)
set(CORE_SRCS core/a.cc core/b.cc)
add_library(core ${CORE_SRCS})
include_directories(include)
if(USE_FOO)
  include(cmake/modules/Foo.cmake)
  include(cmake/Shared.cmake)
  include(cmake/Mixed.cmake)
  include(cmake/cycle_a.cmake)
endif()
include(cmake/utils/Utils.cmake)
add_subdirectory(src)
if(USE_BAR AND USE_CUDA)
  add_subdirectory(bar)
endif()
""",
    "cmake/modules/Foo.cmake": """
# relative paths resolve against the current source directory: the root here
file(GLOB FOO_SRCS src/foo/*.cc)
add_library(foo ${FOO_SRCS})
configure_file(${CMAKE_CURRENT_LIST_DIR}/foo_config.h.in foo_config.h)
include(${CMAKE_CURRENT_LIST_DIR}/FooHelpers.cmake)
include(cmake/Shared.cmake)
""",
    "cmake/modules/FooHelpers.cmake": "set(H src/foo/helper.cc)\ntarget_sources(foo PRIVATE ${H})\n",
    "cmake/modules/foo_config.h.in": "",
    "cmake/Shared.cmake": "add_library(shared src/shared.cc)\n",
    "cmake/Mixed.cmake": "add_library(mixed ${CMAKE_CURRENT_LIST_DIR}/mixed.cc)\n",
    "cmake/mixed.cc": "",
    "cmake/cycle_a.cmake": "include(cmake/cycle_b.cmake)\nadd_library(ca src/cycle_a.cc)\n",
    "cmake/cycle_b.cmake": "include(cmake/cycle_a.cmake)\nadd_library(cb src/cycle_b.cc)\n",
    "cmake/utils/Utils.cmake": "configure_file(version.h.in version.h)\n",
    "version.h.in": "",
    "src/CMakeLists.txt": """
file(GLOB_RECURSE RT_SRCS ${CMAKE_CURRENT_SOURCE_DIR}/runtime/*.cc)
add_library(rt ${RT_SRCS})
set(LOCAL local.cc)
add_library(local ${LOCAL} api_user.cc include/api.h)
include(../cmake/utils/Utils.cmake)
include(${PROJECT_SOURCE_DIR}/cmake/Mixed.cmake)
""",
    "src/version.h.in": "",
    "src/local.cc": "",
    "src/api_user.cc": "",
    "src/shared.cc": "",
    "src/cycle_a.cc": "",
    "src/cycle_b.cc": "",
    "src/runtime/x.cc": "",
    "src/runtime/deep/y.cc": "",
    "src/runtime/deep/y.h": "",
    "src/foo/a.cc": "",
    "src/foo/b.cc": "",
    "src/foo/helper.cc": "",
    "src/foo/sub/c.cc": "",
    "core/a.cc": "",
    "core/b.cc": "",
    "include/api.h": "",
    "include/demo/types.h": "",
    "bar/CMakeLists.txt": "add_library(bar bar.cc)\n",
    "bar/bar.cc": "",
    "tools/standalone.cmake": "add_library(t tool.cc)\n",
    "tools/tool.cc": "",
}


def build(tree: dict[str, str]) -> tuple[dict, frozenset[str], set[str]]:
    facts = {p: read_cmake(t) for p, t in tree.items() if language_of(p) == "cmake"}
    return facts, frozenset(tree), all_dirs(list(tree))


def resolved(tree: dict[str, str] = TREE) -> dict:
    return resolve_cmake(*build(tree))


def entries(res: dict, path: str, spec: str) -> list[tuple[object, tuple[str, ...]]]:
    return [(g, t) for ref, g, t in res[path] if ref[1] == spec]


def one(res: dict, path: str, spec: str) -> tuple[object, tuple[str, ...]]:
    """The resolution of ``spec`` in ``path`` (the same at every line it appears on)."""
    found = entries(res, path, spec)
    assert found and all(f == found[0] for f in found), found
    return found[0]


def test_root_literals_variables_and_directories():
    res = resolved()
    assert one(res, "CMakeLists.txt", "core/a.cc") == (None, ("core/a.cc",))
    # a directory names every file below it
    assert one(res, "CMakeLists.txt", "include") == (
        None,
        ("include/api.h", "include/demo/types.h"),
    )
    # add_subdirectory(d) references d/CMakeLists.txt
    g, t = one(res, "CMakeLists.txt", "bar")
    assert t == ("bar/CMakeLists.txt",)
    assert implies_on(g, BAR) and implies_on(g, frozenset({"USE_CUDA"}))
    assert one(res, "CMakeLists.txt", "cmake/modules/Foo.cmake")[1] == ("cmake/modules/Foo.cmake",)
    kinds = {ref[1]: ref[0] for ref, _g, _t in res["CMakeLists.txt"]}
    assert kinds["bar"] == K_CMAKE_SUBDIR and kinds["cmake/Shared.cmake"] == K_CMAKE_INCLUDE
    # nothing without a target
    assert all(t for items in res.values() for _ref, _g, t in items)
    assert all(list(t) == sorted(t) for items in res.values() for _ref, _g, t in items)


def test_included_file_inherits_the_source_directory_and_the_guard():
    res = resolved()
    g, t = one(res, "cmake/modules/Foo.cmake", "src/foo/*.cc")
    assert t == ("src/foo/a.cc", "src/foo/b.cc", "src/foo/helper.cc")  # GLOB does not recurse
    assert implies_on(g, FOO)
    g, t = one(res, "cmake/modules/Foo.cmake", "${CMAKE_CURRENT_LIST_DIR}/foo_config.h.in")
    assert t == ("cmake/modules/foo_config.h.in",) and implies_on(g, FOO)
    # two levels of include(): the guard still propagates
    g, t = one(res, "cmake/modules/FooHelpers.cmake", "src/foo/helper.cc")
    assert t == ("src/foo/helper.cc",) and implies_on(g, FOO)


def test_add_subdirectory_changes_the_source_directory():
    res = resolved()
    g, t = one(res, "src/CMakeLists.txt", "${CMAKE_CURRENT_SOURCE_DIR}/runtime/*.cc")
    assert t == ("src/runtime/deep/y.cc", "src/runtime/x.cc")  # GLOB_RECURSE
    assert g is None
    assert one(res, "src/CMakeLists.txt", "local.cc") == (None, ("src/local.cc",))
    # nothing at src/include/api.h: the root is tried
    assert one(res, "src/CMakeLists.txt", "include/api.h") == (None, ("include/api.h",))
    g, t = one(res, "bar/CMakeLists.txt", "bar.cc")
    assert t == ("bar/bar.cc",) and implies_on(g, BAR)


def test_file_included_from_several_directories_resolves_against_each():
    res = resolved()
    found = sorted(entries(res, "cmake/utils/Utils.cmake", "version.h.in"), key=lambda e: e[1])
    assert found == [(None, ("src/version.h.in",)), (None, ("version.h.in",))]


def test_several_paths_combine_with_or():
    res = resolved()
    # reached twice, both times under USE_FOO: still wiring
    g, t = one(res, "cmake/Shared.cmake", "src/shared.cc")
    assert t == ("src/shared.cc",) and implies_on(g, FOO)
    # reached under USE_FOO and unguarded: not wiring
    g, t = one(res, "cmake/Mixed.cmake", "${CMAKE_CURRENT_LIST_DIR}/mixed.cc")
    assert t == ("cmake/mixed.cc",)
    assert not implies_on(g, FOO)


def test_include_cycle_terminates_and_carries_the_entry_guard():
    res = resolved()
    for path, spec in (
        ("cmake/cycle_a.cmake", "src/cycle_a.cc"),
        ("cmake/cycle_b.cmake", "src/cycle_b.cc"),
    ):
        g, t = one(res, path, spec)
        assert t == (spec,) and implies_on(g, FOO)


def test_unreached_file_resolves_against_its_own_directory():
    res = resolved()
    assert one(res, "tools/standalone.cmake", "tool.cc") == (None, ("tools/tool.cc",))


def test_guard_is_own_guard_and_path_guard():
    tree = {
        "CMakeLists.txt": "if(USE_CUDA)\n  add_subdirectory(m)\nendif()\n",
        "m/CMakeLists.txt": "if(USE_FOO)\n  add_library(m m.cc)\nendif()\nadd_library(n n.cc)\n",
        "m/m.cc": "",
        "m/n.cc": "",
    }
    res = resolved(tree)
    g, _t = one(res, "m/CMakeLists.txt", "m.cc")
    assert implies_on(g, FOO) and implies_on(g, frozenset({"USE_CUDA"}))
    g, _t = one(res, "m/CMakeLists.txt", "n.cc")
    assert not implies_on(g, FOO) and mentions(g, frozenset({"USE_CUDA"}))


def test_else_branch_include_is_not_wiring():
    tree = {
        "CMakeLists.txt": "if(USE_FOO)\nelse()\n  include(cmake/F.cmake)\nendif()\n",
        "cmake/F.cmake": "add_library(f src/f.cc)\n",
        "src/f.cc": "",
    }
    g, _t = one(resolved(tree), "cmake/F.cmake", "src/f.cc")
    assert mentions(g, FOO) and not implies_on(g, FOO)


def test_many_files_and_a_file_included_from_every_directory():
    tree: dict[str, str] = {"CMakeLists.txt": ""}
    lines = []
    for i in range(3000):
        d = f"mods/m{i % 300}/sub{i}"
        tree[f"{d}/CMakeLists.txt"] = (
            f"if(USE_M{i})\n  file(GLOB S *.cc)\n  add_library(m{i} ${{S}} a.cc)\n"
            "  include(${PROJECT_SOURCE_DIR}/cmake/common.cmake)\nendif()\n"
        )
        tree[f"{d}/a.cc"] = ""
        tree[f"{d}/b.cc"] = ""
        lines.append(f"add_subdirectory({d})")
    tree["CMakeLists.txt"] = "\n".join(lines) + "\n"
    tree["cmake/common.cmake"] = "add_library(common ${CMAKE_CURRENT_SOURCE_DIR}/a.cc)\n"
    res = resolved(tree)
    # the common file is included from 3,000 directories, each with its own target
    assert len(res["cmake/common.cmake"]) == 3000
    g, t = one(res, "mods/m7/sub7/CMakeLists.txt", "*.cc")
    assert t == ("mods/m7/sub7/a.cc", "mods/m7/sub7/b.cc")
    assert implies_on(g, frozenset({"USE_M7"}))


# --- cmake as an oracle for globs ---------------------------------------------------------------

GLOB_FILES = [
    "src/x.cc",
    "src/.hidden.cc",
    "src/a/y.cc",
    "src/a/b/z.cc",
    "src/a/foo/x/q.cc",
    "src/c/w.cc",
    "src/c/a.cc",
    "src/c/foo/r.cc",
    "src/c/foo/r.h",
    "src/c/[ab].cc",
]
GLOBS = [
    ("GLOB", "src/*.cc"),
    ("GLOB_RECURSE", "src/*.cc"),
    ("GLOB", "src/*/*.cc"),
    ("GLOB_RECURSE", "src/*/foo/*.cc"),
    ("GLOB", "src/c/[ab].cc"),
    ("GLOB", "src/c/[!a].cc"),
    ("GLOB", "src/c/?.cc"),
    ("GLOB_RECURSE", "src/c/*"),
    ("GLOB_RECURSE", "*.h"),
]


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_globs_agree_with_cmake(tmp_path: Path) -> None:
    for f in GLOB_FILES:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("")
    script = []
    cmakelists = []
    for i, (mode, pattern) in enumerate(GLOBS):
        script.append(
            f"file({mode} V{i} LIST_DIRECTORIES false RELATIVE ${{CMAKE_CURRENT_LIST_DIR}} {pattern})"
        )
        script.append(f'message("{i}=${{V{i}}}")')
        cmakelists.append(f"file({mode} V{i} {pattern})")
    (tmp_path / "globs.cmake").write_text("\n".join(script) + "\n")
    # in script mode, relative globs are relative to the working directory
    out = subprocess.run(
        ["cmake", "-P", "globs.cmake"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    want = {}
    for line in out.stderr.splitlines():
        i, _, value = line.partition("=")
        if not i.isdigit():
            continue  # a CMake warning
        want[GLOBS[int(i)][1], GLOBS[int(i)][0]] = tuple(sorted(v for v in value.split(";") if v))
    tree = {f: "" for f in GLOB_FILES}
    tree["CMakeLists.txt"] = "\n".join(cmakelists) + "\n"
    res = resolved(tree)
    got = {}
    for ref, _g, targets in res["CMakeLists.txt"]:
        mode = "GLOB_RECURSE" if ref[5] & 64 else "GLOB"
        got[ref[1], mode] = targets
    assert len(want) == len(GLOBS)
    for key, value in want.items():
        assert value, key  # every pattern matches something here
        assert got.get(key, ()) == value, key
