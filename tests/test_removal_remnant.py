"""SM014 removal-remnant on generated repositories: what a removed module left behind.

The oracles are the real tools: a reported include is one the C preprocessor cannot find, a
reported import is one Python cannot import, and every line SM014 stays silent on still works.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import check_json, make_repo, run_cli

REGISTRY = """\
schema = 1

[project]
python_roots = ["python"]
include_roots = ["include"]
config_templates = ["cmake/config.cmake"]

[modules.uma]
stage = "{stage}"
paths = ["python/tvm/contrib/uma/", "src/contrib/uma/", "include/tvm/uma/", "cmake/UMA.cmake"]
toggles = [{{ cmake = "USE_UMA" }}]
references = ['"relay\\.ext\\.uma"']
history = [{{ date = 2024-01-01, stage = "removed", reason = "no active maintainers" }}]
"""

CMAKE = """\
cmake_minimum_required(VERSION 3.10)
project(t CXX)
option(USE_UMA "Build UMA" OFF)
include(cmake/config.cmake)
if(USE_UMA)
  include(cmake/UMA.cmake)
  file(GLOB UMA_SRCS src/contrib/uma/*.cc)
endif()
add_library(t src/core.cc src/contrib/uma/left.cc)
install(TARGETS t DESTINATION lib)
"""

CORE_CC = """\
#include "tvm/uma/api.h"
#include <tvm/uma/x.h>
#include "tvm/runtime.h"
#include "uma/api.h"
int core() { return 0; }
"""

CORE_PY = """\
from tvm.contrib import uma
from .contrib.uma import partition
import tvm.contrib.uma.backend as backend
import tvm
x = tvm.contrib.uma.foo
name = "relay.ext.uma"
import tvm.contrib
from tvm.contrib import other
"""


def _files(stage: str = "removed") -> dict[str, str]:
    return {
        "scoped.toml": REGISTRY.format(stage=stage),
        "CMakeLists.txt": CMAKE,
        "cmake/config.cmake": "set(USE_UMA OFF)\nset(USE_CUDA OFF)\n",
        "src/core.cc": CORE_CC,
        "src/contrib/uma/left.cc": "int left() { return 1; }\n",  # left behind
        "include/tvm/runtime.h": "int core();\n",
        "python/tvm/__init__.py": "",
        "python/tvm/contrib/__init__.py": "",
        "python/tvm/contrib/other.py": "",
        "python/tvm/core.py": CORE_PY,
    }


def _sm014(report: dict) -> dict[tuple[str, int | None], dict]:
    return {(f["path"], f["line"]): f for f in report["findings"] if f["rule"] == "SM014"}


def test_remnants_left_by_a_removed_module(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", _files())
    code, report = check_json(root, "--no-cache", "--no-history")
    found = _sm014(report)
    assert code == 1
    assert set(found) == {
        ("src/contrib/uma/left.cc", None),  # a source file left under the module's paths
        ("CMakeLists.txt", 3),  # option(USE_UMA)
        ("cmake/config.cmake", 1),  # the config entry
        ("CMakeLists.txt", 6),  # include(cmake/UMA.cmake): gone
        ("CMakeLists.txt", 7),  # a glob into the removed directory
        ("CMakeLists.txt", 9),  # builds the file left behind
        ("src/core.cc", 1),  # includes, resolved through include_roots
        ("src/core.cc", 2),
        ("python/tvm/core.py", 1),  # imports, as written
        ("python/tvm/core.py", 2),  # relative
        ("python/tvm/core.py", 3),
        ("python/tvm/core.py", 5),  # attribute chain
        ("python/tvm/core.py", 6),  # the module's `references` pattern
    }
    assert all(f["severity"] == "error" for f in found.values())
    assert (
        "1 file still under 'src/contrib/uma/'"
        in found[("src/contrib/uma/left.cc", None)]["message"]
    )
    assert found[("src/core.cc", 1)]["target"] == "include/tvm/uma/api.h"
    assert found[("python/tvm/core.py", 1)]["target"] == "python/tvm/contrib/uma"
    # matched by one directory only: it could be any library's uma/api.h, so a note
    notes = [n for n in report["notes"] if n["path"] == "src/core.cc"]
    assert [n["line"] for n in notes] == [4]
    row = next(m for m in report["modules"] if m["name"] == "uma")
    assert row["status"] == "error"


@pytest.mark.skipif(shutil.which("cpp") is None, reason="needs the C preprocessor `cpp`")
def test_the_preprocessor_agrees_on_the_includes(tmp_path: Path) -> None:
    """Each include line SM014 reports is one the preprocessor cannot find; the one it keeps
    silent on is found."""
    root = make_repo(tmp_path / "r", _files())
    _code, report = check_json(root, "--no-cache", "--no-history")
    reported = {line for (path, line) in _sm014(report) if path == "src/core.cc"}
    lines = CORE_CC.splitlines()
    for n, text in enumerate(lines, 1):
        if not text.startswith("#include") or n == 4:
            continue
        probe = root / "src" / f"probe{n}.cc"
        probe.write_text(text + "\n")
        run = subprocess.run(
            ["cpp", "-Iinclude", str(probe.relative_to(root))],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (run.returncode != 0) == (n in reported), (n, text, run.stderr)


def test_python_agrees_on_the_imports(tmp_path: Path) -> None:
    """Each import line SM014 reports fails in Python; each one it is silent on imports."""
    root = make_repo(tmp_path / "r", _files())
    _code, report = check_json(root, "--no-cache", "--no-history")
    reported = {line for (path, line) in _sm014(report) if path == "python/tvm/core.py"}
    env = {**os.environ, "PYTHONPATH": str(root / "python")}
    for n, text in enumerate(CORE_PY.splitlines(), 1):
        if n == 6:
            continue  # a string: the `references` pattern, not code
        stmt = text.replace("from .contrib", "from tvm.contrib")
        if stmt.startswith("x = "):
            stmt = "import tvm, tvm.contrib\n" + stmt
        run = subprocess.run(
            [sys.executable, "-c", stmt], env=env, capture_output=True, text=True, check=False
        )
        assert (run.returncode != 0) == (n in reported), (n, text, run.stderr)


def test_a_clean_removal_and_a_live_module_are_silent(tmp_path: Path) -> None:
    clean = _files()
    del clean["src/contrib/uma/left.cc"]
    clean["CMakeLists.txt"] = "cmake_minimum_required(VERSION 3.10)\nadd_library(t src/core.cc)\n"
    clean["cmake/config.cmake"] = "set(USE_CUDA OFF)\n"
    clean["src/core.cc"] = '#include "tvm/runtime.h"\nint core() { return 0; }\n'
    clean["python/tvm/core.py"] = "import tvm.contrib\nfrom tvm.contrib import other\n"
    root = make_repo(tmp_path / "clean", clean)
    code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm014(report) == {} and code == 0, report["findings"]
    assert report["notes"] == []
    # the same remnants under a live module are references, not remnants
    live = make_repo(tmp_path / "live", _files(stage="s0"))
    _code, report = check_json(live, "--no-cache", "--no-history")
    assert _sm014(report) == {}


def test_a_name_that_still_resolves_elsewhere_is_alive(tmp_path: Path) -> None:
    """A core module took the removed package's name: importing it is no remnant."""
    files = _files()
    files["python/tvm/contrib/uma.py"] = "def partition(): pass\n"
    del files["src/contrib/uma/left.cc"]
    root = make_repo(tmp_path / "r", files)
    _code, report = check_json(root, "--no-cache", "--no-history")
    lines = {line for (path, line) in _sm014(report) if path == "python/tvm/core.py"}
    # `from tvm.contrib import uma`, `from .contrib.uma import partition`, `tvm.contrib.uma.foo`
    # all name the new file now; `tvm.contrib.uma.backend` is a package the new file is not
    assert lines == {3, 6}


def test_an_external_header_named_like_the_module_is_no_error(tmp_path: Path) -> None:
    """TVM's contrib directories carry the names of external libraries (dnnl, cublas): an
    ``#include <dnnl/dnnl.hpp>`` is oneDNN's header, not a remnant of src/runtime/contrib/dnnl/."""
    root = make_repo(
        tmp_path / "r",
        {
            "scoped.toml": """\
            schema = 1
            [modules.dnnl]
            stage = "removed"
            paths = ["src/runtime/contrib/dnnl/"]
            history = [{ date = 2024-01-01, stage = "removed", reason = "replaced" }]
            """,
            "src/runtime/ops.cc": '#include <dnnl/dnnl.hpp>\n#include "dnnl.h"\nint f();\n',
        },
    )
    code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm014(report) == {} and code == 0
    assert [n["line"] for n in report["notes"]] == [1]


def test_a_parent_directory_covering_a_file_left_behind_is_no_remnant(tmp_path: Path) -> None:
    """TVM after "Phase out microTVM": src/runtime/crt/common/crt_runtime_api.c was left behind,
    and `install(DIRECTORY .../src/runtime/ ...)` and a recursive glob over src/runtime cover it.
    Those name core directories: the one remnant is the file (and the plan lists neither)."""
    root = make_repo(
        tmp_path / "r",
        {
            "scoped.toml": """\
            schema = 1
            [modules.microtvm]
            stage = "removed"
            paths = ["src/runtime/crt/", "include/tvm/runtime/crt/"]
            history = [{ date = 2024-12-01, stage = "removed", reason = "phased out" }]
            """,
            "CMakeLists.txt": """\
            file(GLOB_RECURSE RUNTIME_SRCS src/runtime/*.c)
            add_library(rt ${RUNTIME_SRCS})
            install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/src/runtime/" DESTINATION "src/runtime/")
            """,
            "src/runtime/api.c": "int api(void) { return 0; }\n",
            "src/runtime/crt/common/crt_runtime_api.c": "int crt(void) { return 0; }\n",
        },
    )
    code, report = check_json(root, "--no-cache", "--no-history")
    assert list(_sm014(report)) == [("src/runtime/crt/common/crt_runtime_api.c", None)]
    code, out, _err = run_cli(root, "remove", "microtvm", "--dry-run", "--format", "json")
    plan = json.loads(out)
    assert plan["breaking"] == [] and plan["wiring"] == []
    assert [f["path"] for f in plan["files"]] == ["src/runtime/crt/common/crt_runtime_api.c"]


def test_several_removed_modules_are_told_apart(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "scoped.toml": """\
            schema = 1
            [modules.alpha]
            stage = "removed"
            paths = ["src/contrib/alpha/"]
            history = [{ date = 2024-01-01, stage = "removed", reason = "gone" }]
            [modules.beta]
            stage = "removed"
            paths = ["pkg/beta/"]
            history = [{ date = 2024-01-01, stage = "removed", reason = "gone" }]
            """,
            "src/core.cc": '#include "contrib/alpha/a.h"\n#include "contrib/beta/b.h"\n',
            "pkg/__init__.py": "",
            "pkg/core.py": "from pkg import beta\nfrom pkg import alpha\n",
        },
    )
    _code, report = check_json(root, "--no-cache", "--no-history")
    found = {(f["module"], f["path"], f["line"]) for f in report["findings"]}
    assert found == {("alpha", "src/core.cc", 1), ("beta", "pkg/core.py", 1)}
