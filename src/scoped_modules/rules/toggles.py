"""Toggle rules: SM005 toggle-missing, SM006 toggle-undeclared, SM007 toggle-partial.

"Can be turned off through a feature toggle to contain the overall dependency from the rest of
the modules."
"""

from __future__ import annotations

import posixpath

from ..index import Index, Reference, toggle_names
from ..readers.facts import CPP_SOURCE_SUFFIXES, F_GLOB, F_GLOB_RECURSE, K_CMAKE_PATH
from ..readers.guards import implies_on
from ..registry.model import Module
from .base import Finding, severity
from .build_toggles import check_build_partial, check_build_toggles


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
    out_build = check_build_toggles(index, modules)  # meson and maven_profile toggles
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
    return out + out_build


def _names_a_file(ref: Reference) -> bool:
    """A CMake literal that names the source file (or a glob matching it), not a directory."""
    spec = ref.spec.rstrip("/")
    if any(ch in spec for ch in "*?["):
        return True
    return bool(ref.target) and posixpath.basename(spec) == posixpath.basename(ref.target or "")


def _only_grouped(index: Index, ref: Reference) -> bool:
    """A glob whose variable the file reads only in ``source_group()``-like calls builds nothing."""
    facts = index.scan.facts.get(ref.path)
    if not facts or facts[0] != "cmake":
        return False
    var = facts[3].get("glob_vars", {}).get(ref.line)
    uses = facts[3].get("var_uses", {}).get(var or "", [])
    return bool(uses) and all("source_group" in u for u in uses)


def check_partial(
    index: Index, module: Module, refs: list[Reference]
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM007: a module C/C++ source built by a CMake reference that is not wiring.

    A source whose whole body sits under the module's ``define`` compiles to nothing when the
    module is off: that is a note, not a finding.
    """
    level = severity("SM007", module.stage)
    if not level or not module.toggles:
        return [], []
    out: list[Finding] = check_build_partial(index, module, refs)  # Meson, Maven, sbt
    notes: list[tuple[str, int, str]] = []
    for ref in refs:
        if ref.kind != K_CMAKE_PATH or ref.wiring is not None or ref.target is None:
            continue
        if ref.target_module != module.name:
            continue
        if not ref.target.lower().endswith(CPP_SOURCE_SUFFIXES) or not _names_a_file(ref):
            continue
        if ref.flags & (F_GLOB | F_GLOB_RECURSE) and _only_grouped(index, ref):
            notes.append(
                (
                    ref.path,
                    ref.line,
                    f"'{ref.target}' of module '{module.name}' is globbed only for source_group() (IDE grouping), not built",
                )
            )
            continue
        facts = index.scan.facts.get(ref.target)
        body = facts[3].get("body_guard") if facts and facts[0] == "cpp" else None
        if body is not None and any(
            implies_on(body, toggle_names(t, "cpp")) for t in module.toggles
        ):
            notes.append(
                (
                    ref.path,
                    ref.line,
                    f"builds '{ref.target}' unguarded, but its whole body sits under the toggle of module '{module.name}'",
                )
            )
            continue
        out.append(
            Finding(
                "SM007",
                level,
                module.name,
                ref.path,
                ref.line,
                f"module '{module.name}' source '{ref.target}' is built even with the toggle off",
                f"put this under `if({module.toggles[0].cmake or module.toggles[0].first_name})`, or guard the whole source with the module's define",
                kind=ref.kind,
                type_checking=False,
                evidence=ref.evidence,
                target=ref.target,
            )
        )
    return out, notes
