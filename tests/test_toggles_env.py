"""SM006 for `env` toggles (some file wiring the module reads the variable) and the hint that
names a wrapper of option(). Oracles: the real interpreter (does the variable switch the module
off?) and the real cmake (does the wrapper declare the option?)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import check_json, make_repo

REGISTRY = """\
schema = 1

[modules.fancy]
stage = "{stage}"
paths = ["pkg/fancy/"]
toggles = [{{ env = "PKG_FANCY" }}]
"""


def _repo(tmp_path: Path, init: str, stage: str = "s0", extra: dict | None = None) -> Path:
    files = {
        "scoped.toml": REGISTRY.format(stage=stage),
        "pkg/__init__.py": init,
        "pkg/fancy/__init__.py": "X = 1\n",
        **(extra or {}),
    }
    return make_repo(tmp_path / "r", files)


def _sm006(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == "SM006"]


def _switched_off(root: Path) -> bool:
    """The oracle: with PKG_FANCY=0, does `import pkg` leave pkg.fancy unloaded?"""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, pkg; print(json.dumps('pkg.fancy' in sys.modules))",
        ],
        cwd=root,
        env={**os.environ, "PKG_FANCY": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    return not json.loads(run.stdout)


READS = {
    "os.environ": 'import os\nif os.environ.get("PKG_FANCY", "1") != "0":\n    from . import fancy\n',
    "getenv": 'from os import getenv\nif getenv("PKG_FANCY") != "0":\n    from . import fancy\n',
    "subscript": 'import os\nif os.environ["PKG_FANCY"] == "1" if "PKG_FANCY" in os.environ else True:\n'
    "    from . import fancy\n",
}


@pytest.mark.parametrize("how", sorted(READS))
def test_a_wiring_that_reads_the_variable(tmp_path: Path, how: str) -> None:
    root = _repo(tmp_path, READS[how])
    assert _switched_off(root)
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm006(report) == []


def test_a_wiring_that_never_reads_the_variable(tmp_path: Path) -> None:
    """The toggle names PKG_FANCY, the wiring tests a build-info table: the variable does
    nothing (the interpreter agrees), so the toggle exists only on paper."""
    init = (
        "from .libinfo import libinfo\n"
        'if libinfo().get("PKG_FANCY", "OFF") == "ON":\n'
        "    from . import fancy\n"
    )
    libinfo = 'def libinfo():\n    return {"PKG_FANCY": "ON"}\n'
    root = _repo(tmp_path, init, extra={"pkg/libinfo.py": libinfo})
    assert not _switched_off(root)
    _code, report = check_json(root, "--no-cache", "--no-history")
    [finding] = _sm006(report)
    assert finding["severity"] == "error" and finding["path"] == "scoped.toml"
    assert finding["line"] == 6 and "'PKG_FANCY'" in finding["message"]
    assert "1 wiring file" in finding["message"]
    # proposed: a warning
    proposed = _repo(tmp_path / "p", init, stage="proposed", extra={"pkg/libinfo.py": libinfo})
    _code, report = check_json(proposed, "--no-cache", "--no-history")
    assert [f["severity"] for f in _sm006(report)] == ["warning"]


def test_a_helper_that_reads_the_environment(tmp_path: Path) -> None:
    """`env_flag("PKG_FANCY")`: the helper reads the environment for the wiring file."""
    init = 'from .util import env_flag\nif env_flag("PKG_FANCY"):\n    from . import fancy\n'
    util = 'import os\n\ndef env_flag(name):\n    return os.environ.get(name, "1") != "0"\n'
    root = _repo(tmp_path, init, extra={"pkg/util.py": util})
    assert _switched_off(root)
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm006(report) == []


def test_a_name_imported_from_the_file_that_reads_it(tmp_path: Path) -> None:
    init = "from .config import PKG_FANCY\nif PKG_FANCY:\n    from . import fancy\n"
    config = 'import os\nPKG_FANCY = os.environ.get("PKG_FANCY", "1") != "0"\n'
    root = _repo(tmp_path, init, extra={"pkg/config.py": config})
    assert _switched_off(root)
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm006(report) == [] and report["notes"] == []
    # the same import from a file that holds a constant: the variable is read nowhere
    constant = _repo(tmp_path / "c", init, extra={"pkg/config.py": "PKG_FANCY = True\n"})
    assert not _switched_off(constant)
    _code, report = check_json(constant, "--no-cache", "--no-history")
    assert len(_sm006(report)) == 1


def test_a_name_of_unknown_origin_is_a_note(tmp_path: Path) -> None:
    init = "from .config import *\nif PKG_FANCY:\n    from . import fancy\n"
    config = 'import os\nPKG_FANCY = os.environ.get("PKG_FANCY", "1") != "0"\n'
    root = _repo(tmp_path, init, extra={"pkg/config.py": config})
    assert _switched_off(root)  # it is read, through a star import SM006 does not follow
    code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm006(report) == []
    [note] = [n for n in report["notes"] if "PKG_FANCY" in n["message"]]
    assert note["path"] == "pkg/__init__.py" and note["line"] == 3


def test_the_module_switching_itself_off(tmp_path: Path) -> None:
    """No core wiring; the module's own file reads the variable (comments do not count)."""
    root = _repo(
        tmp_path,
        "",
        extra={
            "pkg/fancy/native.c": '#include <stdlib.h>\nint on(void) { return getenv("PKG_FANCY") != 0; }\n'
        },
    )
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert _sm006(report) == []
    commented = _repo(
        tmp_path / "c",
        "",
        extra={"pkg/fancy/native.c": '/* getenv("PKG_FANCY") */\nint on(void) { return 1; }\n'},
    )
    _code, report = check_json(commented, "--no-cache", "--no-history")
    assert len(_sm006(report)) == 1


# --- a wrapper of option() ----------------------------------------------------------------------

WRAPPER_REGISTRY = """\
schema = 1

[project]
cmake_option_commands = [{commands}]

[modules.uma]
stage = "s0"
paths = ["src/uma/"]
toggles = [{{ cmake = "USE_UMA" }}]
"""

UTILS = """\
# TVM's shape: tvm_option() calls __tvm_option(), which declares the cache entry
macro(__tvm_option variable description value)
  {declare}
endmacro()
macro(tvm_option variable description value)
  set(__value ${{value}})
  if("${{__value}}" MATCHES ";")
    set(${{variable}} ${{__value}} CACHE STRING "${{description}}")
  else()
    __tvm_option(${{variable}} "${{description}}" ${{__value}})
  endif()
endmacro()
function(tvm_message name)
  message(STATUS "${{name}}")  # option(${{name}}) in a comment declares nothing
endfunction()
"""

CMAKE = """\
cmake_minimum_required(VERSION 3.10)
project(t NONE)
include(cmake/utils.cmake)
tvm_option(USE_UMA "Build UMA" OFF)
tvm_message(USE_UMA)
if(USE_UMA)
  add_subdirectory(src/uma)
endif()
"""


# how __tvm_option declares: TVM's own cache entry, or option()
DECLARE = {
    "STRING": "if(NOT DEFINED ${{variable}})\n    set(${{variable}} ${{value}} CACHE STRING "
    "${{description}})\n  endif()",
    "BOOL": 'option(${{variable}} "${{description}}" ${{value}})',
}


def _wrapper_repo(tmp_path: Path, commands: str, declare: str = "STRING") -> Path:
    return make_repo(
        tmp_path / "w",
        {
            "scoped.toml": WRAPPER_REGISTRY.format(commands=commands),
            "cmake/utils.cmake": UTILS.format(declare=DECLARE[declare].format()),
            "CMakeLists.txt": CMAKE,
            "src/uma/CMakeLists.txt": "message(STATUS uma)\n",
        },
    )


@pytest.mark.parametrize("declare", sorted(DECLARE))
def test_the_hint_names_the_wrapper_that_declares_the_option(tmp_path: Path, declare: str) -> None:
    root = _wrapper_repo(tmp_path, '"option"', declare)
    _code, report = check_json(root, "--no-cache", "--no-history")
    [finding] = _sm006(report)
    assert "declared by no CMake option command" in finding["message"]
    # tvm_message() is also called with the name, but declares nothing
    utils = (root / "cmake/utils.cmake").read_text().splitlines()
    line = next(i for i, text in enumerate(utils, 1) if text.startswith("macro(tvm_option"))
    assert f"`tvm_option()` (cmake/utils.cmake:{line})" in finding["hint"]
    assert 'add "tvm_option" to project.cmake_option_commands' in finding["hint"]
    listed = _wrapper_repo(tmp_path / "listed", '"option", "tvm_option"')
    _code, report = check_json(listed, "--no-cache", "--no-history")
    assert _sm006(report) == []


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake (.ci/run installs it)")
@pytest.mark.parametrize("declare", sorted(DECLARE))
def test_cmake_agrees_the_wrapper_declares_the_option(tmp_path: Path, declare: str) -> None:
    root = _wrapper_repo(tmp_path, '"option"', declare)
    build = tmp_path / "build"
    subprocess.run(
        ["cmake", "-S", str(root), "-B", str(build)], capture_output=True, text=True, check=True
    )
    cache = (build / "CMakeCache.txt").read_text()
    assert f"USE_UMA:{declare}=OFF" in cache
    assert "tvm_message" not in cache


def test_no_wrapper_hint_without_a_body_calling_option(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "n",
        {
            "scoped.toml": WRAPPER_REGISTRY.format(commands='"option"'),
            "cmake/utils.cmake": "function(my_flag name)\n  set(${name} ON PARENT_SCOPE)\nendfunction()\n",
            "CMakeLists.txt": "include(cmake/utils.cmake)\nmy_flag(USE_UMA)\n",
            "src/uma/a.cc": "int a();\n",
        },
    )
    _code, report = check_json(root, "--no-cache", "--no-history")
    [finding] = _sm006(report)
    assert "my_flag" not in finding["hint"] and "list your wrapper" in finding["hint"]
