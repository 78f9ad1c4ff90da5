"""SM006 and SM007 for the build systems of issue 12: Meson options, Maven profiles, TableGen.

"Can be turned off through a feature toggle to contain the overall dependency from the rest of
the modules." A Meson toggle is an ``option()`` of ``meson.options``/``meson_options.txt``; a
JVM toggle is a Maven profile (``<profile><id>``). SM007: a building reference that is not
wiring builds the module with its toggle off: a ``meson-build`` reference (a target or
``install_sources()`` taking a module file, the module's own ``meson.build`` files included,
reached through the ``subdir()`` tree), a ``build-module`` reference (a Maven ``<module>``
or sbt ``aggregate`` of a module's build unit outside its profile), or a module ``.td`` file
that a TableGen command of the CMake build reads (``mlir_tablegen`` with
``LLVM_TARGET_DEFINITIONS``, ``add_mlir_dialect(Foo ...)``: the CMake build model marks it).
"""

from __future__ import annotations

from ..index import Index, Reference, toggle_names, with_defines
from ..readers.facts import CPP_SUFFIXES, K_BUILD_MODULE, K_CMAKE_PATH, K_MESON_BUILD
from ..readers.guards import Guard, implies_on
from ..registry.model import Module, Toggle
from .base import Finding, severity

OPTION_FILES = ("meson.options", "meson_options.txt")
HEADER_SUFFIXES = tuple(s for s in CPP_SUFFIXES if s.startswith((".h", ".i", ".cuh")))


def _declared(index: Index) -> tuple[set[str], set[str]]:
    """(Meson options declared by option(), Maven profile ids defined by any POM)."""
    return index.build_options()


def check_build_toggles(index: Index, modules: list[Module]) -> list[Finding]:
    """SM006 for ``meson`` and ``maven_profile`` toggles that nothing declares."""
    wanted = [m for m in modules if any(t.meson or t.maven_profile for t in m.toggles)]
    if not wanted:
        return []
    options, profiles = _declared(index)
    reg = index.registry.rel_path
    out: list[Finding] = []
    for m in wanted:
        level = severity("SM006", m.stage)
        if not level:
            continue
        _f, tline, _c = m.loc("toggles")
        for t in m.toggles:
            problems: list[tuple[str, str, str]] = []  # (name, message, hint)
            if t.meson and t.meson not in options:
                problems.append(
                    (
                        t.meson,
                        f"toggle '{t.meson}' of module '{m.name}' is declared by no option() in "
                        "meson.options or meson_options.txt",
                        f"declare it, e.g. `option('{t.meson}', type: 'feature', value: 'auto')`",
                    )
                )
            if t.maven_profile and t.maven_profile not in profiles:
                problems.append(
                    (
                        t.maven_profile,
                        f"Maven profile '{t.maven_profile}' of module '{m.name}' is defined by no "
                        "pom.xml",
                        f"define it in the parent pom.xml: `<profile><id>{t.maven_profile}</id>"
                        "<modules>…</modules></profile>`",
                    )
                )
            for name, message, hint in problems:
                out.append(
                    Finding(
                        "SM006", level, m.name, reg, tline or None, message, hint, evidence=name
                    )
                )
    return out


def _hint(module: Module, kind: str) -> str:
    t: Toggle = module.toggles[0]
    if kind == K_MESON_BUILD:
        name = next((x.meson for x in module.toggles if x.meson), None)
        if name:
            return (
                f"put this under `if get_option('{name}')` (or guard the subdir() that reaches "
                "this file)"
            )
        return "declare a `meson` toggle for the module and guard this with its option"
    name = next((x.maven_profile for x in module.toggles if x.maven_profile), None)
    if name:
        return f"list the module only in `<profile><id>{name}</id><modules>` of the parent POM"
    return f"declare a `maven_profile` toggle for the module (its toggle now: {t.first_name})"


def check_build_partial(
    index: Index, module: Module, refs: list[Reference]
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM007 from Meson building references, Maven/sbt module lists and the TableGen files
    of the CMake build: one per place; and the notes (a TableGen file whose whole body sits
    under the module's define)."""
    level = severity("SM007", module.stage)
    if not level or not module.toggles:
        return [], []
    out, notes = _tablegen_partial(index, module, refs, level)
    places: dict[tuple[str, int], list[Reference]] = {}
    for ref in refs:
        if ref.kind not in (K_MESON_BUILD, K_BUILD_MODULE) or ref.wiring is not None:
            continue
        if ref.target_module != module.name or ref.target is None:
            continue
        if ref.kind == K_MESON_BUILD and ref.target.lower().endswith(HEADER_SUFFIXES):
            continue  # a header in a source list is not compiled by itself
        if ref.kind == K_BUILD_MODULE and ref.source_module == module.name:
            continue  # the module's own build lists its parts: built when the module is
        if ref.is_subdir:
            continue
        places.setdefault((ref.path, ref.line), []).append(ref)
    for (path, line), group in places.items():
        first = group[0]
        what = "source" if first.kind == K_MESON_BUILD else "build unit"
        targets = sorted({r.target or "" for r in group})
        out.append(
            built_finding(
                module, level, path, line, what, targets, first, _hint(module, first.kind)
            )
        )
    return out, notes


def listing(targets: list[str], limit: int = 3) -> str:
    """``'a', 'b', 'c' and 4 more``."""
    shown = ", ".join(f"'{t}'" for t in targets[:limit])
    return shown + (f" and {len(targets) - limit} more" if len(targets) > limit else "")


def built_finding(
    module: Module,
    level: str,
    path: str,
    line: int,
    what: str,
    targets: list[str],
    first: Reference,
    hint: str,
) -> Finding:
    """SM007 for one building place: the module's ``what``s (sources, build units, TableGen
    files) it builds with the toggle off, named when one, else counted with the first three."""
    if len(targets) == 1:
        message = f"module '{module.name}' {what} '{targets[0]}' is built even with the toggle off"
    else:
        message = (
            f"module '{module.name}': {len(targets)} {what}s are built even with the toggle "
            f"off: {listing(targets)}"
        )
    return Finding(
        "SM007",
        level,
        module.name,
        path,
        line,
        message,
        hint,
        kind=first.kind,
        type_checking=False,
        evidence=first.evidence,
        target=targets[0],
    )


def _tablegen_partial(
    index: Index, module: Module, refs: list[Reference], level: str
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM007 for module ``.td`` files a TableGen command of the CMake build reads with the
    toggle off, one per command (the first, for a file several commands of one CMake file
    read); a file whose whole body sits under the module's define (the
    project passes it to TableGen with ``-D`` when on) generates nothing: a note instead."""
    # a file read by several commands of one CMake file (mlir_tablegen once per generator):
    # one finding, at the first
    first: dict[tuple[str, str], Reference] = {}
    for ref in refs:
        if ref.kind != K_CMAKE_PATH or not ref.reads_tablegen or ref.wiring is not None:
            continue
        if ref.target_module == module.name and ref.target is not None:
            key = (ref.path, ref.target)
            if key not in first or ref.line < first[key].line:
                first[key] = ref
    by_place: dict[tuple[str, int], list[Reference]] = {}
    for ref in first.values():
        by_place.setdefault((ref.path, ref.line), []).append(ref)
    out: list[Finding] = []
    notes: list[tuple[str, int, str]] = []
    memo: dict[int, Guard] = {}
    for (path, line), group in sorted(by_place.items()):
        targets = sorted({r.target or "" for r in group})
        quiet = [t for t in targets if _empty_without(index, module, t, memo)]
        loud = [t for t in targets if t not in quiet]
        if quiet:
            notes.append(
                (
                    path,
                    line,
                    f"reads {len(quiet)} TableGen file(s) of module '{module.name}' unguarded, "
                    f"but the whole body of each sits under the module's toggle: {listing(quiet)}",
                )
            )
        if not loud:
            continue
        what = "PDLL file" if all(t.endswith(".pdll") for t in loud) else "TableGen file"
        t = module.toggles[0]
        hint = (
            f"put this under `if({t.cmake or t.first_name})` (or guard the add_subdirectory() "
            "that reaches it)"
        )
        out.append(built_finding(module, level, path, line, what, loud, group[0], hint))
    return out, notes


def _empty_without(index: Index, module: Module, path: str, memo: dict[int, Guard]) -> bool:
    """Whether every statement of ``path`` sits under the module's toggle."""
    body = with_defines(index.body_guard(path), index.derived, memo)
    return body is not None and any(
        implies_on(body, toggle_names(t, "cpp")) for t in module.toggles
    )
