"""Core Python files left unread because their bytes show that no reference in them can reach a
module (index.python_prefilter, issue 8): what `check` and `deps` report must not change, and
every file the filter skips must hold no name that can reach a module, as the reader reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_json, make_repo, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoped_modules.app.analyse as analyse
from scoped_modules.app.config import load_registry
from scoped_modules.index import prepare_tables, python_prefilter
from scoped_modules.readers.python import read_python

REGISTRY = """\
schema = 1
[project]
python_roots = ["python"]

[modules.uma]
stage = "proposed"
paths = ["python/pkg/contrib/uma/"]

[modules.solo]
stage = "proposed"
paths = ["python/pkg/backend/solo.py"]

[modules.mixed]
stage = "proposed"
paths = ["python/pkg/shared/__init__.py"]
"""

# core files: (path, text, whether it reaches a module)
CORE = {
    "python/pkg/__init__.py": ("", False),
    "python/pkg/contrib/__init__.py": ("", False),
    "python/pkg/backend/__init__.py": ("", False),
    "python/pkg/plain.py": ("import os\nimport pkg.backend\npkg.backend.x.y()\n", False),
    "python/pkg/a.py": ("import pkg.contrib.uma\n", True),
    "python/pkg/b.py": ("from pkg.contrib import uma as u\n", True),
    "python/pkg/c.py": ("import pkg.contrib as c\n\nc.uma.run()\n", True),
    "python/pkg/contrib/d.py": ("from .uma import backend\n", True),
    "python/pkg/contrib/e.py": ("from ..backend import solo\n", True),
    "python/pkg/f.py": ("import pkg.backend as b\nb.solo.go()\n", True),
    # NFKC: full-width letters spell `uma` for Python
    "python/pkg/g.py": ("import pkg.contrib.\uff55\uff4d\uff41\n", True),
    # the module's __init__ of a package that holds core files: `from . import x` reaches it
    "python/pkg/shared/util.py": ("from . import helper\n", True),
    "python/pkg/shared/deep/more.py": ("from .. import thing\n", True),
    "tests/test_x.py": ("import pkg.plain\n", False),
}
MODULE = {
    "python/pkg/contrib/uma/__init__.py": "from . import backend\n",
    "python/pkg/contrib/uma/backend.py": "import pkg.plain\n",
    "python/pkg/backend/solo.py": "import os\n",
    "python/pkg/shared/__init__.py": "helper = 1\n",
}


def _files() -> dict[str, str]:
    files = {"scoped.toml": REGISTRY, **MODULE}
    files.update({p: text for p, (text, _r) in CORE.items()})
    return files


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    root = make_repo(tmp_path_factory.mktemp("prefilter") / "r", _files())
    registry = load_registry(root / "scoped.toml")
    files = sorted(_files())
    tables = prepare_tables(registry, files)
    prefilter = python_prefilter(tables, files)
    assert prefilter is not None
    return root, tables, lambda path, data: prefilter.applies(path) and prefilter.unneeded(data)


def test_only_files_that_spell_no_module_are_skipped(layout) -> None:
    root, _tables, skip = layout
    for path, (text, reaches) in CORE.items():
        assert skip(path, text.encode()) is not reaches, path
    for path, text in MODULE.items():  # a module's files are always read
        assert not skip(path, text.encode())


def test_check_and_deps_are_the_same_with_and_without_skipping(
    layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _tables, _skip = layout
    got = [check_json(root, "--no-cache", "--no-history")[1]]
    got += [run_cli(root, "deps", m, "--no-cache")[1] for m in ("uma", "solo", "mixed")]
    monkeypatch.setattr(analyse, "python_prefilter", lambda *_a: None)
    want = [check_json(root, "--no-cache", "--no-history")[1]]
    want += [run_cli(root, "deps", m, "--no-cache")[1] for m in ("uma", "solo", "mixed")]
    for report in (got[0], want[0]):
        report.pop("summary")
    assert got == want
    # and the references are there: every core file that reaches a module is reported
    reported = {f["path"] for f in got[0]["findings"] if f["rule"] == "SM003"}
    assert reported == {p for p, (_t, reaches) in CORE.items() if reaches}


# random core files: imports, aliases, relative imports and attribute chains over names of
# core packages and of modules
WORDS = ["pkg", "contrib", "uma", "backend", "solo", "shared", "helper", "plain", "os", "x"]
DOTTED = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(".".join)
STATEMENT = st.one_of(
    DOTTED.map(lambda d: f"import {d}"),
    st.tuples(DOTTED, st.sampled_from(WORDS)).map(lambda t: f"import {t[0]} as {t[1]}"),
    st.tuples(DOTTED, st.sampled_from(WORDS)).map(lambda t: f"from {t[0]} import {t[1]}"),
    st.tuples(st.sampled_from([".", "..", "..."]), st.sampled_from(["", *WORDS]), DOTTED).map(
        lambda t: f"from {t[0]}{t[1]} import {t[2].split('.')[0]}"
    ),
    DOTTED.map(lambda d: f"{d}.run()"),
    DOTTED.map(lambda d: f'"""{d}"""'),
)
# core files of the layout, one per package (a relative name means something only in a file
# the file list has)
CORE_FILES = ["python/pkg/plain.py", "python/pkg/contrib/d.py", "python/pkg/backend/__init__.py"]
CORE_FILES += ["python/pkg/shared/util.py", "python/pkg/shared/deep/more.py"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(CORE_FILES),
    lines=st.lists(STATEMENT, max_size=8),
)
def test_a_skipped_file_holds_no_name_that_reaches_a_module(layout, path, lines) -> None:
    _root, tables, skip = layout
    text = "\n".join(lines) + "\n"
    if not skip(path, text.encode()):
        return
    _lang, refs, _notes, extra = read_python(text)
    names = [r[1] for r in refs] + list(extra.get("chains", ()))
    for spec in names:
        name = tables.py_names.absolute(spec, path)
        assert name is None or not tables.reach.python(name), (spec, text)


def test_nothing_is_skipped_when_a_module_is_removed(tmp_path: Path) -> None:
    """SM014 reads every reference as written: no view, no skipping."""
    files = _files()
    files["scoped.toml"] = REGISTRY.replace(
        '[modules.solo]\nstage = "proposed"', '[modules.solo]\nstage = "removed"'
    )
    root = make_repo(tmp_path / "r", files)
    registry = load_registry(root / "scoped.toml")
    tables = prepare_tables(registry, sorted(files))
    assert analyse.index_view(registry, tables, False) is None
