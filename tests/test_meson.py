"""Meson reader and resolution (issue 12): subdir() tree, paths, options as toggles.

Oracle: Meson itself. `meson setup` with each combination of option values, then `meson
introspect --targets` (the sources of every target) and `--installed` (what install_sources
and install_subdir ship) must list exactly the files that the reader's `meson-build`
references name under guards that hold for those values. Skips visibly without meson or a C
compiler (Debian packages `meson`, `gcc`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from build_helpers import boundary, holds
from helpers import check_json, run_cli

from scoped_modules.readers.facts import (
    F_BUILDS,
    F_SUBDIR,
    K_BUILD_DEPENDENCY,
    K_MESON_BUILD,
    K_MESON_PATH,
    language_of,
)
from scoped_modules.readers.guards import implies_on
from scoped_modules.readers.meson import blank_comments_meson, read_meson
from scoped_modules.resolve.meson import resolve_meson

GRAPH = frozenset({"graph"})

PROJECT = {
    "meson.build": """
        project('sci', 'c')
        py = import('python').find_installation()
        core_srcs = files('src/core.c')
        graph_on = get_option('graph')
        subdir('sci')
        foreach sub : ['tools']
          subdir(sub)
        endforeach
        extra = []
        if graph_on
          extra += files('sci/graph/_plugin.c')
        endif
        executable('sci', core_srcs, 'src/main.c', extra)
        fast = get_option('fast')
        if fast.allowed()
          library('fast', 'src/fast.c')  # subdir('not/a/call')
        endif
    """,
    "meson_options.txt": """
        option('graph', type: 'boolean', value: false)
        option('fast', type: 'feature', value: 'auto')
    """,
    "sci/meson.build": """
        py.install_sources(['__init__.py', 'core.py'], subdir: 'sci')
        if get_option('graph')
          subdir('graph')
        else
          py.install_sources('nograph.py', subdir: 'sci')
        endif
        if get_option('fast').enabled()
          subdir('fastpy')
        endif
    """,
    "sci/fastpy/meson.build": "py.install_sources('fast.py', subdir: 'sci/fastpy')\n",
    "sci/fastpy/fast.py": "",
    "sci/graph/meson.build": """
        if not get_option('graph')
          subdir_done()
        endif
        graph_srcs = ['_graph.c']
        library('graph', graph_srcs)
        py.install_sources('__init__.py', 'paths.py', subdir: 'sci/graph')
        install_subdir('data', install_dir: py.get_install_dir() / 'sci' / 'graph')
        graph_dep = declare_dependency(include_directories: include_directories('.'))
    """,
    "tools/meson.build": "executable('tool', 'tool.c')\n",
    "src/core.c": "int f_core(void) { return 0; }\n",
    "src/fast.c": "int f_fast(void) { return 0; }\n",
    "src/main.c": "int main(void) { return 0; }\n",
    "tools/tool.c": "int main(void) { return 0; }\n",
    "sci/graph/_plugin.c": "int f_plugin(void) { return 0; }\n",
    "sci/graph/_graph.c": "int f_graph(void) { return 0; }\n",
    "sci/__init__.py": "",
    "sci/core.py": "",
    "sci/nograph.py": "",
    "sci/graph/__init__.py": "",
    "sci/graph/paths.py": "",
    "sci/graph/data/a.json": "{}\n",
    "sci/graph/data/b.json": "{}\n",
}


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).lstrip("\n")


def _model(on: set[str]) -> set[str]:
    """The files the reader says the build compiles or ships when ``on`` options are on."""
    files = frozenset(PROJECT)
    dirs = {os.path.dirname(f) for f in files} - {""}
    facts = {p: read_meson(_dedent(t)) for p, t in PROJECT.items() if language_of(p) == "meson"}
    res = resolve_meson(facts, files, dirs)
    out: set[str] = set()
    for _path, raw, guard, target, is_dir in res.refs:
        if raw[0] == K_MESON_BUILD and holds(guard, on):
            out.update(f for f in files if f.startswith(target + "/")) if is_dir else out.add(
                target
            )
    return out


def _meson_says(src: Path, build: Path, values: dict[str, str]) -> set[str]:
    args = ["meson", "setup", str(build), *[f"-D{k}={v}" for k, v in values.items()]]
    subprocess.run(args, cwd=src, check=True, capture_output=True)
    out: set[str] = set()

    def add(path: str) -> None:
        full = Path(path)
        if full.is_dir():
            out.update(p.relative_to(src).as_posix() for p in full.rglob("*") if p.is_file())
        elif full.is_relative_to(src):
            out.add(full.relative_to(src).as_posix())

    intro = ["meson", "introspect", str(build)]
    targets = json.loads(subprocess.run([*intro, "--targets"], capture_output=True).stdout)
    for t in targets:
        for group in t["target_sources"]:
            for s in group.get("sources", []):
                add(s)
    installed = json.loads(subprocess.run([*intro, "--installed"], capture_output=True).stdout)
    for s in installed:
        add(s)
    return out


@pytest.mark.skipif(
    shutil.which("meson") is None or shutil.which("cc") is None, reason="meson or cc missing"
)
def test_built_files_match_meson_introspect(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for rel, text in PROJECT.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(_dedent(text))
    # each option on in one configuration and off in the other (two `meson setup`s, not four)
    for i, (graph, fast) in enumerate((("true", "disabled"), ("false", "enabled"))):
        on = ({"graph"} if graph == "true" else set()) | ({"fast"} if fast != "disabled" else set())
        said = _meson_says(src, tmp_path / f"b{i}", {"graph": graph, "fast": fast})
        assert said == _model(on), (graph, fast)


def test_reader_forms_and_guards() -> None:
    lang, refs, notes, extra = read_meson(_dedent(PROJECT["meson.build"]))
    assert lang == "meson" and notes == []
    got = {(k, spec, line): (g, f) for k, spec, line, _e, g, f in refs}
    assert got[(K_MESON_PATH, "sci/meson.build", 5)] == (None, F_SUBDIR)
    assert got[(K_MESON_PATH, "tools/meson.build", 6)] == (None, F_SUBDIR)  # the loop's literal
    assert got[(K_MESON_PATH, "src/core.c", 3)][0] is None
    g, f = got[(K_MESON_PATH, "sci/graph/_plugin.c", 11)]
    assert implies_on(g, GRAPH) and f == 0
    # a literal written in a building command: only the building reference
    assert (K_MESON_PATH, "src/main.c", 13) not in got
    assert got[(K_MESON_BUILD, "src/main.c", 13)] == (None, F_BUILDS)
    assert implies_on(got[(K_MESON_BUILD, "sci/graph/_plugin.c", 13)][0], GRAPH)
    assert implies_on(got[(K_MESON_BUILD, "src/fast.c", 16)][0], frozenset({"fast"}))
    assert not any(spec == "not/a/call/meson.build" for _k, spec, _l in got)
    assert extra["assigns"]["graph_on"] == 4 and extra["subdir_lines"] == [5, 6]
    _l, refs, _n, extra = read_meson(_dedent(PROJECT["sci/graph/meson.build"]))
    assert all(implies_on(r[4], GRAPH) for r in refs)  # after `subdir_done()` under `not`
    _l, _r, _n, extra = read_meson(_dedent(PROJECT["meson_options.txt"]))
    assert extra["options"] == [("graph", 1, "boolean"), ("fast", 2, "feature")]
    blanked = blank_comments_meson(_dedent(PROJECT["meson.build"]))
    assert "not/a/call" not in blanked and "src/fast.c" in blanked


def test_reader_guard_forms() -> None:
    text = _dedent(
        """
        dep = dependency('z', required: get_option('graph'))
        if dep.found()
          subdir('a')
        endif
        if get_option('graph') == 'disabled'
          subdir('b')
        elif get_option('graph').enabled() and host_machine.system() == 'linux'
          subdir('c')
        endif
        if get_option('graph').require(true).allowed() ? true : false
          subdir('d')
        endif
        x = cond ? 'e' : 'f'
        subdir(x)
        subdir(join_paths('g', 'h'))
        library('l', sources: ['i.c'] + files('j.c'), include_directories: 'inc', dependencies: the_dep)
        if (
            not get_option('graph')
        )
          subdir('k')
        endif
        """
    )
    _lang, refs, notes, _extra = read_meson(text)
    assert notes == []
    by = {(k, spec): g for k, spec, _l, _e, g, _f in refs}
    assert implies_on(by[(K_MESON_PATH, "a/meson.build")], GRAPH)
    assert not implies_on(by[(K_MESON_PATH, "b/meson.build")], GRAPH)
    assert implies_on(by[(K_MESON_PATH, "c/meson.build")], GRAPH)  # unknown AND on: on
    assert not implies_on(by[(K_MESON_PATH, "d/meson.build")], GRAPH)  # `?:` value: unknown
    assert {"e/meson.build", "f/meson.build", "g/h/meson.build"} <= {s for _k, s in by}
    assert by[(K_MESON_BUILD, "i.c")] is None and by[(K_MESON_BUILD, "j.c")] is None
    assert (K_MESON_PATH, "inc") in by
    assert (K_BUILD_DEPENDENCY, "the_dep") in by and (K_BUILD_DEPENDENCY, "cond") in by
    assert not implies_on(by[(K_MESON_PATH, "k/meson.build")], GRAPH)


def test_unreadable_statement_is_a_note_and_the_rest_is_read() -> None:
    text = "subdir('a')\nx = = 3\nif get_option('graph')\n  subdir('b')\nendif\n"
    _lang, refs, notes, _extra = read_meson(text)
    assert [line for line, _m in notes] == [2]
    assert [r[1] for r in refs] == ["a/meson.build", "b/meson.build"]
    assert implies_on(refs[1][4], GRAPH)


# ------------------------------------------------------------------------------------------
# end to end

REGISTRY = """
schema = 1

[modules.graph]
stage = "proposed"
paths = ["sci/graph/"]
toggles = [{{ meson = "{option}" }}]
"""


def _files(**changes: str) -> dict[str, str]:
    files = {p: _dedent(t) for p, t in PROJECT.items()}
    files["scoped.toml"] = REGISTRY.format(option="graph")
    files.update({p: _dedent(t) for p, t in changes.items()})
    return files


def test_correctly_wired_meson_module_is_silent(repo) -> None:
    _code, report = check_json(repo(_files()), "--no-history")
    assert boundary(report) == []
    (row,) = report["modules"]
    assert row["inbound"] == 0 and row["wiring"] == 3


def test_subdir_outside_the_option_is_sm003_and_unguarded_build_is_sm007(repo) -> None:
    sci = """
        py.install_sources(['__init__.py', 'core.py'], subdir: 'sci')
        subdir('graph')
    """
    graph = """
        library('graph', '_graph.c')
        py.install_sources('__init__.py', 'paths.py', subdir: 'sci/graph')
    """
    root = repo(_files(**{"sci/meson.build": sci, "sci/graph/meson.build": graph}))
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == [
        ("SM003", "sci/meson.build", 2, "meson-path", "sci/graph/meson.build"),
        ("SM007", "sci/graph/meson.build", 1, "meson-build", "sci/graph/_graph.c"),
        ("SM007", "sci/graph/meson.build", 2, "meson-build", "sci/graph/__init__.py"),
    ]


def test_core_reading_a_module_variable_is_a_build_dependency(repo) -> None:
    core = (
        _dedent(PROJECT["meson.build"]) + "executable('x', 'src/main.c', dependencies: graph_dep)\n"
    )
    root = repo(_files(**{"meson.build": core}))
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == [
        ("SM003", "meson.build", 18, "build-dependency", "sci/graph/meson.build"),
    ]
    # assigned in core as well (a fallback when the option is off): no dependency on the module
    fallback = core.replace("subdir('sci')", "graph_dep = []\nsubdir('sci')")
    (root / "meson.build").write_text(fallback)
    _code, report = check_json(root, "--no-history")
    assert boundary(report) == []


def test_undeclared_option_is_sm006(repo) -> None:
    files = _files()
    files["scoped.toml"] = REGISTRY.format(option="grpah")
    root = repo(files)
    _code, report = check_json(root, "--no-history")
    sm006 = [f for f in report["findings"] if f["rule"] == "SM006"]
    assert [(f["path"], f["evidence"]) for f in sm006] == [("scoped.toml", "grpah")]
    assert "meson.options" in sm006[0]["message"]
    code, out, _err = run_cli(root, "status", "--format", "json")
    toggle = json.loads(out)["modules"][0]["toggle"]
    assert (toggle["names"], toggle["state"]) == (["grpah"], "undeclared")
    assert "meson.options" in toggle["detail"]


def test_a_directory_holding_the_module_is_no_reference_to_it(repo) -> None:
    """`include_directories('..')` (scipy) names a directory the module lies below: deleting
    the module leaves it; only a directory inside the module is a reference to it."""
    core = _dedent(PROJECT["meson.build"]) + (
        "inc = include_directories('sci')\n"
        "if get_option('graph')\n  install_subdir('sci/graph/data', install_dir: 'x')\nendif\n"
        "inc2 = include_directories('sci/graph')\n"
    )
    _code, report = check_json(repo(_files(**{"meson.build": core})), "--no-history")
    assert boundary(report) == [("SM003", "meson.build", 22, "meson-path", "sci/graph/__init__.py")]
    assert report["modules"][0]["wiring"] == 4  # and install_subdir of a module directory


def test_unreached_meson_build_is_a_note_unless_it_is_a_project(repo) -> None:
    files = _files(
        **{
            "tests/example/meson.build": "project('example', 'c')\n",
            "orphan/meson.build": "x = files('a.c')\n",
            "orphan/a.c": "",
            "tests/example/x.c": "",
        }
    )
    _code, report = check_json(repo(files), "--no-history")
    notes = [(n["path"], n["message"]) for n in report["notes"] if "subdir()" in n["message"]]
    assert notes == [
        (
            "orphan/meson.build",
            "meson.build reached by no subdir(): read as always part of the build",
        )
    ]


def test_init_names_the_meson_options(tmp_path: Path) -> None:
    from helpers import write_tree

    root = tmp_path / "r"
    write_tree(root, {p: t for p, t in PROJECT.items()})
    code, _out, err = run_cli(root, "init")
    assert code == 0, err
    text = (root / "scoped.toml").read_text()
    assert "#   graph  (meson_options.txt)" in text and "#   fast  (meson_options.txt)" in text
    assert 'toggles = [{ meson = "NAME" }]' in text


def test_toggle_needs_a_name_of_any_kind(repo) -> None:
    files = _files()
    files["scoped.toml"] = REGISTRY.format(option="graph").replace(
        'toggles = [{ meson = "graph" }]', 'toggles = [{ off = "no" }, { mesonn = "graph" }]'
    )
    code, _out, err = run_cli(repo(files), "check")
    assert code == 2
    assert "needs at least one of cmake, define, env, maven_profile, meson" in err
    assert "mesonn" in err and "did you mean" in err.lower()
