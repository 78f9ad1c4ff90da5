"""Helpers shared by the tests of the build model and of the issue-12 readers (TableGen, SWIG,
Meson, JVM)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from scoped_modules.index import all_dirs
from scoped_modules.readers.cmake import read_cmake
from scoped_modules.resolve.build_model import BuildModel, build_model


def holds(guard: object, on: set[str] | dict[str, bool]) -> bool:
    """A reader's guard evaluated with exactly the switches in ``on`` set (macros, options,
    profiles), or with the value ``on`` gives every switch (a switch it lacks fails the test);
    an unknown atom fails the test, which must know every condition."""
    if guard is None:
        return True
    assert isinstance(guard, tuple), guard
    tag = guard[0]
    if tag == "v":
        if isinstance(on, dict):
            return on[guard[1][0]]
        return bool(on.intersection(guard[1]))
    if tag == "not":
        return not holds(guard[1], on)
    if tag == "and":
        return all(holds(g, on) for g in guard[1:])
    if tag == "or":
        return any(holds(g, on) for g in guard[1:])
    raise AssertionError(f"unexpected guard {guard!r}")


def boundary(report: dict) -> list[tuple]:
    """(rule, path, line, kind, target) of the SM003, SM006 and SM007 findings of a report."""
    return [
        (f["rule"], f["path"], f["line"], f["kind"], f["target"])
        for f in report["findings"]
        if f["rule"] in ("SM003", "SM006", "SM007")
    ]


def model_of(files: dict[str, str], **kw: object) -> BuildModel:
    """The build model of a tree given as {path: text} (its CMake files read, dedented)."""
    facts = {
        p: read_cmake(textwrap.dedent(t).lstrip("\n"))
        for p, t in files.items()
        if p.endswith((".cmake", "CMakeLists.txt"))
    }
    names = sorted(files)
    return build_model(facts, frozenset(names), all_dirs(names), **kw)  # type: ignore[arg-type]


def compiled(build: Path) -> set[str]:
    """The sources a real cmake configure in ``build`` compiles (its compile_commands.json),
    relative to the source tree ``build/../src_root``."""
    entries = json.loads((build / "compile_commands.json").read_text())
    src = build.parent / "src_root"
    return {str(Path(e["file"]).resolve().relative_to(src.resolve())) for e in entries}
