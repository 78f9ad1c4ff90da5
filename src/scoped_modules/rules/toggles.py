"""Toggle rules: SM005 toggle-missing, SM006 toggle-undeclared, SM007 toggle-partial.

"Can be turned off through a feature toggle to contain the overall dependency from the rest of
the modules."
"""

from __future__ import annotations

import posixpath

from ..index import Index, Reference, toggle_names, with_defines
from ..readers.facts import CPP_SOURCE_SUFFIXES, F_GLOB, F_GLOB_RECURSE, K_CMAKE_PATH
from ..readers.guards import Guard, implies_on
from ..registry.model import Module
from ..resolve.build_model import F_BUILD
from .base import Finding, severity


def _declared_options(index: Index) -> dict[str, tuple[str, int]]:
    """CMake option names declared by any ``cmake_option_commands`` call: name -> (file, line)."""
    commands = {c.lower() for c in index.registry.project.cmake_option_commands}
    out: dict[str, tuple[str, int]] = {}
    for path, facts in index.scan.facts.items():
        if facts[0] != "cmake":
            continue
        for cmd, arg, line, _guard in facts[3].get("calls", ()):
            if cmd in commands:
                out.setdefault(arg, (path, line))
    return out


def _template_settings(index: Index) -> set[str] | None:
    """Names that the config templates set(); None when the project declares no template."""
    templates = index.registry.project.config_templates
    if not templates:
        return None
    names: set[str] = set()
    for t in templates:
        facts = index.scan.facts.get(t)
        if facts is None or facts[0] != "cmake":
            continue
        for cmd, arg, _line, _guard in facts[3].get("calls", ()):
            if cmd == "set":
                names.add(arg)
    return names


def check_toggles(index: Index, modules: list[Module]) -> list[Finding]:
    """SM005 and SM006 for every module."""
    declared: dict[str, tuple[str, int]] | None = None
    template: set[str] | None | bool = False
    out: list[Finding] = []
    reg = index.registry.rel_path
    for m in modules:
        _f, tline, _c = m.loc("toggles")
        level5 = severity("SM005", m.stage)
        if not m.toggles:
            if level5:
                out.append(
                    Finding(
                        "SM005",
                        level5,
                        m.name,
                        reg,
                        tline or None,
                        f"module '{m.name}' declares no toggle; it cannot be switched off",
                        f'add `toggles = [{{ cmake = "USE_{m.name.upper().replace("-", "_")}" }}]` and guard its wiring with it',
                    )
                )
            continue
        level6 = severity("SM006", m.stage)
        if not level6:
            continue
        if declared is None:
            declared = _declared_options(index)
        if template is False:
            template = _template_settings(index)
        for t in m.toggles:
            if not t.cmake:
                continue
            if t.cmake not in declared:
                cmds = ", ".join(index.registry.project.cmake_option_commands)
                out.append(
                    Finding(
                        "SM006",
                        level6,
                        m.name,
                        reg,
                        tline or None,
                        f"toggle '{t.cmake}' of module '{m.name}' is declared by no CMake option command ({cmds})",
                        f'declare it, e.g. `option({t.cmake} "Build {m.name}" OFF)`, or list your wrapper in project.cmake_option_commands',
                        evidence=t.cmake,
                    )
                )
            elif isinstance(template, set) and t.cmake not in template:
                out.append(
                    Finding(
                        "SM006",
                        "warning",
                        m.name,
                        reg,
                        tline or None,
                        f"toggle '{t.cmake}' of module '{m.name}' is missing from every config template "
                        f"({', '.join(index.registry.project.config_templates)})",
                        f"add `set({t.cmake} OFF)` to the config template so users can find the switch",
                        evidence=t.cmake,
                    )
                )
    return out


def _names_a_file(ref: Reference) -> bool:
    """A CMake literal that names the source file (or a glob matching it), not a directory."""
    spec = ref.spec.rstrip("/")
    if any(ch in spec for ch in "*?["):
        return True
    return bool(ref.target) and posixpath.basename(spec) == posixpath.basename(ref.target or "")


def _glob_var(index: Index, ref: Reference) -> str | None:
    """The variable a ``file(GLOB)``-like call fills, when only ``source_group()``-like
    calls of that file read it (IDE grouping, nothing built)."""
    facts = index.scan.facts.get(ref.path)
    if not facts or facts[0] != "cmake":
        return None
    var = facts[3].get("glob_vars", {}).get(ref.line)
    uses = facts[3].get("var_uses", {}).get(var or "", [])
    return var if uses and all("source_group" in u for u in uses) else None


def _listing(targets: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"'{t}'" for t in targets[:limit])
    return shown + (f" and {len(targets) - limit} more" if len(targets) > limit else "")


def check_partial(
    index: Index, module: Module, refs: list[Reference]
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM007: module C/C++ sources that a building CMake command compiles without the toggle.

    One finding per building command (the command of the processed CMake file that causes
    the build: the call of a helper function, not the helper's body) and module, naming how
    many module sources it compiles and the first few. A source whose whole body sits under
    the module's ``define`` (or under a macro the build defines only with the toggle on)
    compiles to nothing when the module is off: a note, one per command. Without a build
    model (it gave up), every CMake path naming a module source counts as building.
    """
    level = severity("SM007", module.stage)
    if not level or not module.toggles:
        return [], []
    building_known = index.build is not None
    memo: dict[int, Guard] = {}
    built: dict[tuple[str, int], list[Reference]] = {}
    grouped: dict[tuple[str, str], list[Reference]] = {}
    for ref in refs:
        if ref.kind != K_CMAKE_PATH or ref.wiring is not None or ref.target is None:
            continue
        if ref.target_module != module.name:
            continue
        if not ref.target.lower().endswith(CPP_SOURCE_SUFFIXES) or not _names_a_file(ref):
            continue
        if building_known and not ref.flags & F_BUILD:
            if ref.flags & (F_GLOB | F_GLOB_RECURSE):
                var = _glob_var(index, ref)
                if var is not None:
                    grouped.setdefault((ref.path, var), []).append(ref)
            continue
        if not building_known and ref.flags & (F_GLOB | F_GLOB_RECURSE):
            var = _glob_var(index, ref)
            if var is not None:
                grouped.setdefault((ref.path, var), []).append(ref)
                continue
        built.setdefault((ref.path, ref.line), []).append(ref)
    out: list[Finding] = []
    notes: list[tuple[str, int, str]] = []
    for (path, _var), group in grouped.items():
        targets = sorted({r.target or "" for r in group})
        first = min(group, key=lambda r: r.line)
        notes.append(
            (
                path,
                first.line,
                f"{len(targets)} source(s) of module '{module.name}' globbed only for "
                f"source_group() (IDE grouping), not built: {_listing(targets)}",
            )
        )
    for (path, line), group in built.items():
        quiet: list[str] = []
        loud: list[Reference] = []
        for ref in sorted(group, key=lambda r: r.target or ""):
            if any(t.target == ref.target for t in loud) or (ref.target or "") in quiet:
                continue
            facts = index.scan.facts.get(ref.target or "")
            body = facts[3].get("body_guard") if facts and facts[0] == "cpp" else None
            body = with_defines(body, index.derived, memo)
            if body is not None and any(
                implies_on(body, toggle_names(t, "cpp")) for t in module.toggles
            ):
                quiet.append(ref.target or "")
            else:
                loud.append(ref)
        if quiet:
            notes.append(
                (
                    path,
                    line,
                    f"builds {len(quiet)} source(s) of module '{module.name}' unguarded, but the "
                    f"whole body of each sits under the module's toggle: {_listing(quiet)}",
                )
            )
        if not loud:
            continue
        targets = [r.target or "" for r in loud]
        first = loud[0]
        if len(targets) == 1:
            message = (
                f"module '{module.name}' source '{targets[0]}' is built even with the toggle off"
            )
        else:
            message = (
                f"module '{module.name}': {len(targets)} sources are built even with the toggle "
                f"off: {_listing(targets)}"
            )
        out.append(
            Finding(
                "SM007",
                level,
                module.name,
                path,
                line,
                message,
                f"put this under `if({module.toggles[0].cmake or module.toggles[0].first_name})`, or guard the whole source with the module's define",
                kind=first.kind,
                type_checking=False,
                evidence=first.evidence,
                target=targets[0],
            )
        )
    return out, notes
