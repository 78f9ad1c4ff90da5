"""False alarms (and a crash) found by running ``scoped check`` on real repositories, each
reproduced by a small repository of our own.

Every test names the construct of the real project it stands for; none copies its code.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from build_helpers import boundary
from helpers import check_json

from scoped_modules.readers.guards import implies_on, implies_on_search, mentions
from scoped_modules.readers.meson import read_meson


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _registry(*modules: tuple[str, str, str], include_roots: str = "") -> str:
    """A registry of s0 modules, each (name, paths, toggle) as TOML values."""
    out = "schema = 1\n"
    if include_roots:
        out += f"[project]\ninclude_roots = {include_roots}\n"
    for name, paths, toggle in modules:
        out += f'[modules.{name}]\nstage = "s0"\npaths = {paths}\ntoggles = [{toggle}]\n'
    return out


# --- guards are DAGs: walking them as trees blew up (NumPy's numpy/_core/meson.build) ----------


class _Counted(tuple):
    """A guard node that counts how often any walk looks into it."""

    reads = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        _Counted.reads += 1
        if _Counted.reads > 200_000:
            raise AssertionError("the guard is walked as a tree, not as a DAG")
        return tuple.__getitem__(self, key)


def _shared_chain(depth: int) -> tuple:
    """``g(k+1) = g(k) AND NOT (g(k) AND u(k))``: depth nodes per level, 2**depth as a tree."""
    g: tuple = _Counted(("v", ("USE_X",)))
    for _ in range(depth):
        inner = _Counted(("and", g, _Counted(("u",))))
        g = _Counted(("and", g, _Counted(("not", inner))))
    return g


def test_shared_guards_are_walked_once_per_node() -> None:
    names = frozenset({"USE_X"})
    _Counted.reads = 0
    g = _shared_chain(60)  # 2**60 nodes as a tree
    assert mentions(g, names)
    assert implies_on_search(g, names)  # every level keeps on(USE_X) as a conjunct
    small = _shared_chain(3)
    assert implies_on(small, names)
    other = _Counted(("or", _shared_chain(40), _Counted(("v", ("Y",)))))
    assert not implies_on_search(other, names)  # Y alone satisfies it with USE_X off


def _tree_size(g: object, memo: dict[int, int]) -> int:
    if not isinstance(g, tuple):
        return 1
    if id(g) not in memo:
        memo[id(g)] = 1 + sum(_tree_size(c, memo) for c in g[1:] if isinstance(c, tuple))
    return memo[id(g)]


# NumPy checks each mandatory libm function in a loop and calls error() when one is missing;
# every guarded error() used to double the condition of the rest of the file.
GUARDED_ERRORS = """
    project('p', 'c')
    cc = meson.get_compiler('c')
    foreach f : [FUNCS]
      if not cc.has_function(f)
        error('missing ' + f)
      endif
    endforeach
    if get_option('graph')
      subdir('graph')
    endif
    executable('main', 'main.c')
"""


def _guarded_errors(count: int) -> str:
    funcs = ", ".join(f"'f{i}'" for i in range(count))
    return _dedent(GUARDED_ERRORS).replace("FUNCS", funcs)


def test_guarded_errors_keep_the_meson_condition_linear() -> None:
    _lang, refs, notes, _extra = read_meson(_guarded_errors(60))
    assert notes == []
    (subdir,) = [r for r in refs if r[1] == "graph/meson.build"]
    assert _tree_size(subdir[4], {}) < 60 * 10
    # the subdir() is reached only if no error() ran, and only with the option on
    assert implies_on_search(subdir[4], frozenset({"graph"}))


MESON_OPTIONS = "option('graph', type: 'boolean', value: false)\n"
MESON_REGISTRY = _registry(("graph", '["graph/"]', '{ meson = "graph" }'))


def test_meson_project_with_many_guarded_errors_checks_quickly_and_right(repo) -> None:
    files = {
        "meson.build": _guarded_errors(80),
        "meson.options": MESON_OPTIONS,
        "main.c": "int main(void) { return 0; }\n",
        "graph/meson.build": "library('graph', 'g.c')\n",
        "graph/g.c": "int g(void) { return 0; }\n",
        "scoped.toml": _dedent(MESON_REGISTRY),
    }
    _code, report = check_json(repo(files), "--no-history")
    assert boundary(report) == []
    assert report["modules"][0]["wiring"] == 1
    # the same subdir() outside the option: the finding is still there
    root = Path(report["root"])
    (root / "meson.build").write_text(
        _guarded_errors(80).replace("if get_option('graph')", "if true")
    )
    _code, report = check_json(root, "--no-history", "--no-cache")
    assert [f[:2] for f in boundary(report)] == [
        ("SM003", "meson.build"),
        ("SM007", "graph/meson.build"),
    ]


# --- separate CMake projects inside a module (ggml's vulkan-shaders, faiss's demos) -------------

CMAKE_REGISTRY = _registry(("gpu", '["gpu/"]', '{ cmake = "USE_GPU" }'))

# ggml's Vulkan backend builds its shader generator as an ExternalProject of its own directory
# a core library and `if(USE_GPU) add_subdirectory(gpu)`: the module wired as it should be
GPU_TOP = {
    "CMakeLists.txt": """
        cmake_minimum_required(VERSION 3.18)
        project(top CXX)
        option(USE_GPU "gpu" OFF)
        add_library(core core.cpp)
        if(USE_GPU)
          add_subdirectory(gpu)
        endif()
    """,
    "core.cpp": "int core() { return 0; }\n",
    "gpu/gpu.cpp": "int gpu() { return 0; }\n",
}
EXTERNAL = {
    **GPU_TOP,
    "gpu/CMakeLists.txt": """
        include(ExternalProject)
        ExternalProject_Add(gen
          SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/gen
          INSTALL_COMMAND "")
        add_library(gpu gpu.cpp)
    """,
    "gpu/gen/CMakeLists.txt": """
        cmake_minimum_required(VERSION 3.18)
        project(gen CXX)
        add_executable(gen gen.cpp)
    """,
    "gpu/gen/gen.cpp": "int main() { return 0; }\n",
}


def _files(base: dict[str, str], registry: str, **more: str) -> dict[str, str]:
    out = {p: _dedent(t) for p, t in base.items()}
    out["scoped.toml"] = _dedent(registry)
    out.update({p: _dedent(t) for p, t in more.items()})
    return out


def test_an_external_project_is_configured_only_where_its_call_runs(repo) -> None:
    _code, report = check_json(repo(_files(EXTERNAL, CMAKE_REGISTRY)), "--no-history")
    assert boundary(report) == []
    assert not [n for n in report["notes"] if n["path"] == "gpu/gen/CMakeLists.txt"]


def test_an_external_project_called_unguarded_builds_the_module(repo) -> None:
    top = EXTERNAL["CMakeLists.txt"] + (
        "include(ExternalProject)\n"
        'ExternalProject_Add(gen2 SOURCE_DIR ${CMAKE_SOURCE_DIR}/gpu/gen INSTALL_COMMAND "")\n'
    )
    root = repo(_files(EXTERNAL, CMAKE_REGISTRY, **{"CMakeLists.txt": top}))
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == [
        ("SM007", "gpu/gen/CMakeLists.txt", 3, "cmake-path", "gpu/gen/gen.cpp")
    ]


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_cmake_configures_the_external_project_only_with_the_toggle(tmp_path: Path) -> None:
    """The oracle: CMake creates the ExternalProject's target only when the call runs."""
    src = tmp_path / "src"
    for rel, text in EXTERNAL.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(_dedent(text))
    seen = {}
    for value in ("ON", "OFF"):
        build = tmp_path / f"b-{value}"
        subprocess.run(
            ["cmake", "-S", str(src), "-B", str(build), f"-DUSE_GPU={value}"],
            check=True,
            capture_output=True,
            timeout=300,
        )
        seen[value] = (build / "gpu" / "gen-prefix").exists() or any(build.rglob("gen-prefix"))
    assert seen == {"ON": True, "OFF": False}


# faiss's demos/rocksdb_ivf: built by hand against an installed faiss, never by the main build
SEPARATE = {
    **GPU_TOP,
    "gpu/CMakeLists.txt": "add_library(gpu gpu.cpp)\n",
    "gpu/demo/CMakeLists.txt": """
        cmake_minimum_required(VERSION 3.18)
        project(demo CXX)
        find_package(top REQUIRED)
        add_executable(demo demo.cpp)
    """,
    "gpu/demo/demo.cpp": "int main() { return 0; }\n",
}


def test_a_separate_project_inside_the_module_is_a_note_not_sm007(repo) -> None:
    _code, report = check_json(repo(_files(SEPARATE, CMAKE_REGISTRY)), "--no-history")
    assert boundary(report) == []
    notes = [n["message"] for n in report["notes"] if n["path"] == "gpu/demo/CMakeLists.txt"]
    assert len(notes) == 1 and "separate CMake project inside module 'gpu'" in notes[0]


def test_a_separate_project_in_core_building_module_sources_is_still_sm007(repo) -> None:
    core_demo = {
        "demo/CMakeLists.txt": """
            cmake_minimum_required(VERSION 3.18)
            project(demo CXX)
            add_executable(demo ../gpu/gpu.cpp)
        """,
    }
    root = repo(_files(SEPARATE, CMAKE_REGISTRY, **core_demo))
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == [("SM007", "demo/CMakeLists.txt", 3, "cmake-path", "gpu/gpu.cpp")]


# --- Meson variables flow into subdir() files (SciPy's use_pythran) ---------------------------

FLOW = {
    "meson.build": """
        project('p', 'c')
        use_graph = get_option('graph')
        subdir('lib')
    """,
    "meson_options.txt": MESON_OPTIONS,
    "lib/meson.build": """
        library('core', 'core.c')
        if use_graph
          library('graph', 'g2.c')
        endif
    """,
    "lib/core.c": "int core(void) { return 0; }\n",
    "lib/g2.c": "int g2(void) { return 0; }\n",
}


def test_a_boolean_set_before_subdir_guards_the_subdir_file(repo) -> None:
    files = {p: _dedent(t) for p, t in FLOW.items()}
    files["scoped.toml"] = _registry(("graph", '["lib/g2.c"]', '{ meson = "graph" }'))
    root = repo(files)
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    assert report["modules"][0]["wiring"] == 1
    # the caller sets the variable to something that is not a boolean: nothing flows
    (root / "meson.build").write_text(
        _dedent(FLOW["meson.build"]).replace("subdir('lib')", "use_graph = ['x']\nsubdir('lib')")
    )
    _code, report = check_json(root, "--no-history", "--no-cache")
    assert boundary(report) == [("SM007", "lib/meson.build", 3, "meson-build", "lib/g2.c")]


def test_variables_flow_down_two_levels_and_disagreeing_callers_leave_them_free(repo) -> None:
    files = {
        "meson.build": """
            project('p', 'c')
            use_graph = get_option('graph')
            subdir('a')
        """,
        "meson.options": MESON_OPTIONS,
        "a/meson.build": "subdir('b')\n",
        "a/b/meson.build": """
            if use_graph
              library('graph', 'g.c')
            endif
        """,
        "a/b/g.c": "int g(void) { return 0; }\n",
        "scoped.toml": _registry(("graph", '["a/b/g.c"]', '{ meson = "graph" }')),
    }
    root = repo({p: _dedent(t) for p, t in files.items()})
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    # a second caller of a/b with its own, different use_graph: the variable is not known there
    (root / "meson.build").write_text(
        _dedent(files["meson.build"]) + "use_graph = true\nsubdir('a/b')\n"
    )
    _code, report = check_json(root, "--no-history", "--no-cache")
    assert [f[:3] for f in boundary(report)] == [("SM007", "a/b/meson.build", 2)]


@pytest.mark.skipif(
    shutil.which("meson") is None or shutil.which("cc") is None, reason="meson or cc missing"
)
def test_meson_itself_builds_the_subdir_file_only_with_the_option(tmp_path: Path) -> None:
    """The oracle for the flow: the library in lib/meson.build exists only with graph=true."""
    from test_meson import _meson_says

    src = tmp_path / "src"
    for rel, text in FLOW.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(_dedent(text))
    on = _meson_says(src, tmp_path / "on", {"graph": "true"})
    off = _meson_says(src, tmp_path / "off", {"graph": "false"})
    assert "lib/g2.c" in on and "lib/g2.c" not in off


# --- a .py and a .pyx of one name: one Python module built two ways (SciPy's Pythran kernels) --

TWIN_REGISTRY = _registry(("fast", '["pkg/_kernel.py"]', '{ env = "PKG_FAST" }'))


def test_a_module_file_with_a_core_twin_is_no_dependency(repo) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/_kernel.py": "def k():\n    return 1\n",
        "pkg/_kernel.pyx": "def k():\n    return 1\n",
        "pkg/user.py": "from ._kernel import k\nimport pkg._kernel\n",
        "scoped.toml": _dedent(TWIN_REGISTRY),
    }
    root = repo(files)
    _code, report = check_json(root, "--no-history", "--select", "SM003")
    assert boundary(report) == []
    notes = [n for n in report["notes"] if n["path"] == "pkg/_kernel.py"]
    assert len(notes) == 1 and "pkg/_kernel.pyx" in notes[0]["message"]
    # a stub is no implementation: deleting the module leaves only pkg/_kernel.pyi
    (root / "pkg/_kernel.pyx").rename(root / "pkg/_kernel.pyi")
    _code, report = check_json(root, "--no-history", "--no-cache", "--select", "SM003")
    assert [f[:3] for f in boundary(report)] == [
        ("SM003", "pkg/user.py", 1),
        ("SM003", "pkg/user.py", 2),
    ]


def test_a_module_that_owns_both_twins_is_still_a_dependency(repo) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/_kernel.py": "def k():\n    return 1\n",
        "pkg/_kernel.pyx": "def k():\n    return 1\n",
        "pkg/user.py": "from ._kernel import k\n",
        "scoped.toml": _dedent(TWIN_REGISTRY).replace(
            '["pkg/_kernel.py"]', '["pkg/_kernel.py", "pkg/_kernel.pyx"]'
        ),
    }
    _code, report = check_json(repo(files), "--no-history", "--select", "SM003")
    assert [f[:3] for f in boundary(report)] == [("SM003", "pkg/user.py", 1)]


# --- a wildcard import of a package that core fills too (cats's `import cats.*`) ---------------

WILD = {
    "lib/src/main/java/org/acme/Core.java": "package org.acme;\n\npublic class Core {}\n",
    "ext/src/main/java/org/acme/Extra.java": "package org.acme;\n\npublic class Extra {}\n",
    "app/src/main/java/org/other/App.java": """
        package org.other;

        import org.acme.*;

        public class App {
            Core core;
        }
    """,
    "ext/launch.py": "import os\n\nON = os.environ.get('ACME_EXT', '1') == '1'\n",
    "app/launch.py": "import os\n\nON = os.environ.get('ACME_APP', '1') == '1'\n",
    "scoped.toml": _registry(
        ("ext", '["ext/"]', '{ env = "ACME_EXT" }'), ("app", '["app/"]', '{ env = "ACME_APP" }')
    ),
}
APP = "app/src/main/java/org/other/App.java"


def test_a_wildcard_import_of_a_shared_package_needs_no_module(repo) -> None:
    _code, report = check_json(repo({p: _dedent(t) for p, t in WILD.items()}), "--no-history")
    assert boundary(report) == []
    # a name used from the package that only the module declares: that is a reference
    root = Path(report["root"])
    (root / APP).write_text((root / APP).read_text().replace("Core core;", "Extra extra;"))
    _code, report = check_json(root, "--no-history", "--no-cache")
    assert boundary(report) == [
        ("SM003", APP, 6, "jvm-name", "ext/src/main/java/org/acme/Extra.java")
    ]


@pytest.mark.skipif(shutil.which("javac") is None, reason="javac not installed")
@pytest.mark.parametrize(("field", "compiles"), [("Core core;", True), ("Extra extra;", False)])
def test_javac_compiles_the_wildcard_import_without_the_module(
    tmp_path: Path, field: str, compiles: bool
) -> None:
    """The oracle: with ext/ deleted, `import org.acme.*` still compiles unless Extra is used."""
    for rel, text in WILD.items():
        if rel.endswith(".java") and not rel.startswith("ext/"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(_dedent(text).replace("Core core;", field))
    out = subprocess.run(
        [
            "javac",
            "-d",
            str(tmp_path / "out"),
            "-sourcepath",
            "lib/src/main/java:app/src/main/java",
            APP,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (out.returncode == 0) == compiles, out.stderr


# --- a SWIG interface guarded by a macro only the toggle's build defines (faiss's GPU_WRAPPER) --

SWIG_GUARD = {
    **GPU_TOP,
    "CMakeLists.txt": GPU_TOP["CMakeLists.txt"] + "add_subdirectory(python)\n",
    "gpu/CMakeLists.txt": "add_library(gpu g.cpp)\n",
    "gpu/g.h": "int g();\n",
    "gpu/g.cpp": "int g() { return 0; }\n",
    "python/CMakeLists.txt": """
        macro(configure_wrapper source)
          if(USE_GPU)
            set_source_files_properties(${source} PROPERTIES COMPILE_DEFINITIONS GPU_WRAPPER)
          endif()
        endmacro()
        configure_wrapper(wrap.i)
    """,
    "python/wrap.i": """
        %module wrap
        #ifdef GPU_WRAPPER
        %{
        #include "gpu/g.h"
        %}
        %include "gpu/g.h"
        #endif
    """,
}


def test_a_swig_guard_on_a_macro_only_the_toggle_defines_is_wiring(repo) -> None:
    registry = _registry(("gpu", '["gpu/"]', '{ cmake = "USE_GPU" }'), include_roots='["."]')
    root = repo(_files(SWIG_GUARD, registry))
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    assert report["modules"][0]["wiring"] >= 2
    # the macro defined whatever the toggle: the guard says nothing about it
    (root / "python/CMakeLists.txt").write_text(
        "set_source_files_properties(wrap.i PROPERTIES COMPILE_DEFINITIONS GPU_WRAPPER)\n"
    )
    _code, report = check_json(root, "--no-history", "--no-cache")
    assert [f[:4] for f in boundary(report)] == [
        ("SM003", "python/wrap.i", 4, "cpp-include"),
        ("SM003", "python/wrap.i", 6, "swig-include"),
    ]


# --- an include under __has_include of the same header is optional ------------------------------

HAS_INCLUDE_CASES = {  # line of the include -> (its block, optional)
    2: ('#if __has_include("gpu/g.h")\n#include "gpu/g.h"\n#endif\n', True),
    6: (
        "#if defined(__has_include)\n#  if __has_include(<gpu/g.h>)\n"
        '#    include "gpu/g.h"\n#  endif\n#endif\n',
        True,
    ),
    10: ("#if __has_include(<gpu/other.h>)\n#include <gpu/g.h>\n#endif\n", False),
    13: ('#if !__has_include("gpu/g.h")\n#else\n#include <gpu/g.h>\n#endif\n', True),
}
HAS_INCLUDE_REGISTRY = _registry(
    ("gpu", '["gpu/"]', '{ define = "USE_GPU" }'), include_roots='["."]'
)


def test_an_include_under_has_include_of_itself_is_an_optional_include(repo) -> None:
    source = "".join(block for block, _ in HAS_INCLUDE_CASES.values())
    files = {
        "core.cpp": source + "int core() { return 0; }\n",
        "gpu/g.h": "int g();\n",
        "gpu/other.h": "int o();\n",
        "scoped.toml": _dedent(HAS_INCLUDE_REGISTRY),
    }
    _code, report = check_json(repo(files), "--no-history", "--select", "SM003")
    got = {f["line"]: f["severity"] for f in report["findings"]}
    lines = {}
    at = 1
    for block, optional in HAS_INCLUDE_CASES.values():
        inc = next(i for i, x in enumerate(block.splitlines()) if "include " in x)
        lines[at + inc] = "warning" if optional else "error"
        at += block.count("\n")
    assert got == lines
    assert "optional include" in report["findings"][0]["message"]


@pytest.mark.skipif(shutil.which("cpp") is None, reason="the C preprocessor (cpp) is missing")
def test_the_preprocessor_drops_the_optional_includes_without_the_header(tmp_path: Path) -> None:
    """The oracle: with gpu/g.h deleted (gpu/other.h kept), GCC preprocesses each optional case
    and fails on the other."""
    (tmp_path / "gpu").mkdir()
    (tmp_path / "gpu/other.h").write_text("int o();\n")
    for block, optional in HAS_INCLUDE_CASES.values():
        (tmp_path / "core.cpp").write_text(block)
        out = subprocess.run(
            ["cpp", "-x", "c++", "-I.", "core.cpp"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (out.returncode == 0) == optional, (block, out.stderr)


# --- the SYCL compiler mode (xgboost's core headers include the plugin under SYCL) -------------


def _sycl_project(targets: int, flags_everywhere: bool = False) -> dict[str, str]:
    plugin = "".join(
        f"if(USE_X{i} AND NOT (APPLE OR WIN32 OR MSVC OR MINGW OR CYGWIN OR ANDROID OR IOS))\n"
        f"  add_library(t{i} OBJECT sycl/a.cc)\n"
        f'  set_target_properties(t{i} PROPERTIES COMPILE_FLAGS "-fsycl -O2")\nendif()\n'
        for i in range(targets)
    )
    root = (
        "cmake_minimum_required(VERSION 3.18)\nproject(p CXX)\n"
        'option(PLUGIN_SYCL "sycl" OFF)\n'
        + "".join(f'option(USE_X{i} "x" OFF)\n' for i in range(targets))
        + ("add_compile_options(-fsycl)\n" if flags_everywhere else "")
        + "add_library(core src/core.cc)\n"
        "if(PLUGIN_SYCL)\n  add_subdirectory(plugin)\nendif()\n"
    )
    return {
        "CMakeLists.txt": root,
        "src/core.cc": '#include "op.h"\nint core() { return 0; }\n',
        "src/op.h": (
            '#if defined(SYCL_LANGUAGE_VERSION)\n#include "../plugin/sycl/op.h"\n#endif\n'
        ),
        "plugin/CMakeLists.txt": plugin,
        "plugin/sycl/a.cc": "int a() { return 0; }\n",
        "plugin/sycl/op.h": "int op();\n",
        "scoped.toml": _registry(
            ("sycl", '["plugin/sycl/"]', '{ cmake = "PLUGIN_SYCL", define = "XGBOOST_USE_SYCL" }')
        ),
    }


def test_sycl_mode_is_a_macro_the_build_defines_where_it_passes_fsycl(repo) -> None:
    # 40 places pass -fsycl, each under PLUGIN_SYCL AND a condition of its own: the macro's
    # condition must stay `PLUGIN_SYCL`, not grow past the model's limit into an unknown
    _code, report = check_json(repo(_sycl_project(40)), "--no-history", "--select", "SM003")
    assert boundary(report) == []
    assert report["modules"][0]["wiring"] >= 1


def test_sycl_mode_everywhere_says_nothing_about_the_toggle(repo) -> None:
    files = _sycl_project(2, flags_everywhere=True)
    _code, report = check_json(repo(files), "--no-history", "--select", "SM003")
    assert boundary(report) == [("SM003", "src/op.h", 2, "cpp-include", "plugin/sycl/op.h")]


# --- An unknown boolean kept in a variable is one atom (NumPy's lapack_lite, allow-noblas) ----

NOBLAS = {
    "meson.build": """
        project('p', 'c')
        allow_noblas = get_option('graph')
        lapack = dependency('lapack', required: false)
        have_lapack = lapack.found()
        if not have_lapack and not allow_noblas
          error('no LAPACK: pass -Dgraph=true')
        endif
        subdir('lib')
    """,
    "meson_options.txt": MESON_OPTIONS,
    "lib/meson.build": """
        lite = []
        if not have_lapack
          lite = ['lite/f2c.c']
        endif
        executable('m', ['main.c', lite])
    """,
    "lib/main.c": "int main(void) { return 0; }\n",
    "lib/lite/f2c.c": "int f2c(void) { return 0; }\n",
}


def test_a_variable_read_twice_is_one_unknown_so_an_error_guard_implies_the_option(repo) -> None:
    """`if not have_lapack` after `if not have_lapack and not opt: error()`: the module is
    built only with the option on. Each read of `have_lapack` used to be a fresh unknown."""
    files = {p: _dedent(t) for p, t in NOBLAS.items()}
    files["scoped.toml"] = _registry(("lite", '["lib/lite/"]', '{ meson = "graph" }'))
    root = repo(files)
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []
    # without the error() guard the same build is not guarded by the option
    (root / "meson.build").write_text(
        _dedent(NOBLAS["meson.build"]).replace("  error('no LAPACK: pass -Dgraph=true')\n", "")
    )
    _code, report = check_json(root, "--no-history", "--no-cache")
    assert ("SM007", "lib/meson.build", 5, "meson-build", "lib/lite/f2c.c") in boundary(report)
