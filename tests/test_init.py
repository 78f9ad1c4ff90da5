"""``scoped init`` on generated projects: option wrappers, configuration templates, src-layout
Python packages, CMake include directories and the include forms sources use."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from helpers import make_repo, run_cli

CMAKE = """
cmake_minimum_required(VERSION 3.18)
project(acme CXX)
include(cmake/utils/Options.cmake)
# acme_option(COMMENTED_OUT "not an option" OFF)
acme_option(USE_CUDA "Build with CUDA" OFF)
acme_option(USE_UMA "Build the UMA backend" OFF)
acme_option(USE_LLVM "Build with LLVM" ON)
acme_option(BUILD_TESTS "Build the tests" OFF)
option(ACME_INSTALL "Install" ON)
include_directories(${PROJECT_SOURCE_DIR}/include)
add_library(acme src/core.cc)
target_include_directories(acme PRIVATE $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/src>)
"""

OPTIONS_CMAKE = """
# TVM-style wrappers: a cache entry set by a helper, the helper called by the public macro.
macro(__acme_option variable description value)
  if(NOT DEFINED ${variable})
    set(${variable} ${value} CACHE STRING ${description})
  endif()
endmacro()
macro(acme_option variable description value)
  __acme_option(${variable} "${description}" "${value}")
endmacro()
function(plain_helper name)
  message(STATUS "${name}")
endfunction()
"""

CONFIG = """
set(USE_CUDA OFF)
set(USE_UMA OFF)
set(USE_LLVM ON)
set(ACME_INSTALL ON)
"""

PYPROJECT_SRC = """
[project]
name = "acme"
version = "1"
[tool.setuptools.packages.find]
where = ["src"]
"""


def _init(root: Path) -> tuple[str, dict]:
    code, _out, err = run_cli(root, "init")
    assert code == 0, err
    text = (root / "scoped.toml").read_text()
    return text, tomllib.loads(text)


def _uncommented(text: str, key: str) -> object:
    """The value of a commented-out guess `# key = value`, as TOML reads it once accepted."""
    line = next(ln for ln in text.splitlines() if ln.startswith(f"# {key} = "))
    return tomllib.loads(line[2:])[key]


def test_option_wrappers_templates_and_include_directories(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "acme",
        {
            "CMakeLists.txt": CMAKE,
            "cmake/utils/Options.cmake": OPTIONS_CMAKE,
            "cmake/config.cmake": CONFIG,
            "include/acme/api.h": "#pragma once\n",
            "src/core.cc": '#include <acme/api.h>\n#include "detail/impl.h"\n',
            "src/detail/impl.h": "#pragma once\n",
            "src/uma/uma.cc": '#include "detail/impl.h"\n#include <acme/api.h>\n',
        },
    )
    text, data = _init(root)
    project = data["project"]
    assert project["cmake_option_commands"] == [
        "option",
        "cmake_dependent_option",
        "acme_option",
    ]  # plain_helper declares nothing; __acme_option is only ever called with ${variable}
    assert "__acme_option" not in project["cmake_option_commands"]
    assert _uncommented(text, "config_templates") == ["cmake/config.cmake"]
    assert "sets 4 of the 5 options" in text
    roots = _uncommented(text, "include_roots")
    assert roots == ["include", "src"]
    # options grouped by prefix, every one listed once, the commented-out call not at all
    assert "#   USE_ (3): USE_CUDA, USE_LLVM, USE_UMA" in text
    assert "#   other (2): ACME_INSTALL, BUILD_TESTS" in text
    assert "COMMENTED_OUT" not in text
    assert "python_roots" not in project
    # the registry loads and checks cleanly
    code, _out, err = run_cli(root, "check")
    assert code == 0, err


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed")
def test_wrapper_options_agree_with_cmake(tmp_path: Path) -> None:
    """The oracle: the cache entries a real `cmake` configure creates."""
    root = make_repo(
        tmp_path / "acme",
        {
            "CMakeLists.txt": CMAKE.replace("project(acme CXX)", "project(acme NONE)")
            .replace("add_library(acme src/core.cc)\n", "")
            .replace("target_include_directories", "# target_include_directories"),
            "cmake/utils/Options.cmake": OPTIONS_CMAKE,
            "include/acme/api.h": "",
        },
    )
    _text, data = _init(root)
    build = tmp_path / "build"
    subprocess.run(
        ["cmake", "-S", str(root), "-B", str(build)], check=True, capture_output=True, text=True
    )
    cache = (build / "CMakeCache.txt").read_text()
    listed = [line.split("#", 1)[1] for line in _init_options(root)]
    for name in ("USE_CUDA", "USE_UMA", "USE_LLVM", "BUILD_TESTS", "ACME_INSTALL"):
        assert f"\n{name}:" in cache
        assert any(name in line for line in listed)
    assert "acme_option" in data["project"]["cmake_option_commands"]


def _init_options(root: Path) -> list[str]:
    text = (root / "scoped.toml").read_text()
    start = text.index("# CMake options found")
    return [ln for ln in text[start:].splitlines()[1:] if ln.startswith("#   ")]


@pytest.mark.parametrize(
    ("files", "expected", "source"),
    [
        ({"pyproject.toml": PYPROJECT_SRC}, ["src"], "pyproject.toml"),
        (
            {"setup.cfg": "[metadata]\nname = acme\n[options]\npackage_dir =\n    =lib\n"},
            ["lib"],
            "setup.cfg",
        ),
        (
            {
                "python/setup.py": (
                    "from setuptools import find_packages, setup\n"
                    "setup(name='acme', packages=find_packages())\n"
                )
            },
            ["python"],
            "python/setup.py",
        ),
        (
            {
                "setup.py": (
                    "import setuptools\n"
                    "setuptools.setup(name='acme', package_dir={'': 'src'},\n"
                    "                 packages=setuptools.find_packages(where='src'))\n"
                )
            },
            ["src"],
            "setup.py",
        ),
        (
            {"pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["src/acme"]\n'},
            ["src"],
            "pyproject.toml",
        ),
    ],
)
def test_python_roots_come_from_packaging_metadata(
    tmp_path: Path, files: dict[str, str], expected: list[str], source: str
) -> None:
    layout = {
        "src/acme/__init__.py": "",
        "lib/acme/__init__.py": "",
        "python/acme/__init__.py": "",
        "tests/helpers/__init__.py": "",  # a top-level folder holding Python: not a root
        "tools/gen/__init__.py": "",
    }
    root = make_repo(tmp_path / "p", {**layout, **files})
    text, data = _init(root)
    assert data["project"]["python_roots"] == expected
    assert f"declared by {source}" in text


def test_without_packaging_metadata_python_roots_are_only_a_guess(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "g",
        {"python/acme/__init__.py": "", "tests/unit/__init__.py": "", "scripts/x.py": ""},
    )
    text, data = _init(root)
    assert "python_roots" not in data["project"]
    assert _uncommented(text, "python_roots") == ["python"]


def test_vendored_trees_are_not_surveyed(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "v",
        {
            "CMakeLists.txt": 'option(USE_X "x" OFF)\n',
            "3rdparty/dep/CMakeLists.txt": 'option(DEP_OPTION "d" ON)\n',
            "3rdparty/dep/include/dep/a.h": "",
            "src/a.cc": "#include <dep/a.h>\n",
            "src/b.cc": "#include <dep/a.h>\n",
        },
    )
    text, _data = _init(root)
    assert "USE_X" in text and "DEP_OPTION" not in text
    assert "3rdparty" not in text


def test_include_roots_from_the_include_forms_used(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "i",
        {
            "libs/foo/include/foo/x.h": "",
            "libs/foo/include/foo/y.h": "",
            "src/a.cc": "#include <foo/x.h>\n",
            "src/b.cc": '#include "foo/y.h"\n',
            "src/c.cc": '#include "local/z.h"\n',  # resolves beside the including file
            "src/local/z.h": "",
            "once/d.cc": "#include <once/only.h>\n",  # used by one file only
            "rare/once/only.h": "",
        },
    )
    text, _data = _init(root)
    assert _uncommented(text, "include_roots") == ["libs/foo/include"]
    assert "#include forms of 2 files resolve here" in text
