"""What a module's toggle switches off, read from the index: the static prediction that
``scoped toggles prove --cmake`` compares with the real build, and the toggle state of
``status`` and ``check`` (SPEC §5: ``wired``, ``partial``, ``undeclared``, ``missing``).

Every question "which module sources are built with the toggle off?" goes through
:func:`built_with_toggle_off`, so that the symbolic build model replaces SM007's reading in one
place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..finding import STAGES
from ..index import Index
from ..readers.guards import implies_on
from ..registry.model import Module
from .base import RuleContext
from .boundary import judged
from .toggles import (
    blind_builds,
    check_partial,
    define_verdict,
    env_reader,
    option_calls,
    template_settings,
)

STAGES_JUDGED = tuple(s for s in STAGES if s != "removed")


def built_with_toggle_off(index: Index, module: Module) -> list[str]:
    """The module's C/C++ sources that the build compiles with its toggles off, whatever its
    stage: the sources of SM007's findings."""
    if not module.toggles:
        return []
    judged = dataclasses.replace(module, stage="s0")  # SM007 is checked at s0
    findings, _notes = check_partial(index, judged, index.targeting(module.name))
    return sorted({f.target for f in findings if f.target})


def compiles_to_nothing(index: Index, module: Module, source: str) -> bool:
    """A source whose whole body sits under the module's ``define`` (or ``cmake``) name: built
    with the toggle off, it compiles to nothing (a note, not SM007)."""
    from ..index import toggle_names

    body = index.body_guard(source)
    return body is not None and any(
        implies_on(body, toggle_names(t, "cpp")) for t in module.toggles
    )


# ---------------------------------------------------------------------------------------------
# The toggle state of `status` and `check` (SPEC §5)

STATES = ("wired", "partial", "undeclared", "missing")


@dataclass(frozen=True)
class ToggleState:
    names: list[str]
    state: str | None  # one of STATES; None: not wired, or not judged (removed, rejected, ...)
    detail: str | None  # which part fails (or a warning about a wired toggle)

    def as_json(self) -> dict:
        return {"names": self.names, "state": self.state, "detail": self.detail}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def toggle_state(ctx: RuleContext, module: Module) -> ToggleState:
    """``missing`` (no toggle), ``undeclared`` (a `cmake` toggle no option command declares,
    an `env` toggle no wiring file reads, a `define` the build does not define when the module
    is on), ``partial`` (module sources built with the toggle off: SM007; a `define` the build
    defines with the toggle off), ``wired`` (declared, defined, and every inbound reference is
    wiring); None when the
    toggle is declared but inbound references are not wiring (SM003) or CMake files that only
    calls the build model could not evaluate may reach build the module, and for modules whose
    stage is not checked or removed. Judged at every stage, whatever the rules' severities."""
    names = sorted({n for t in module.toggles for n in t.names})
    if module.stage not in STAGES_JUDGED:
        return ToggleState(names, None, None)
    if not module.toggles:
        return ToggleState(names, "missing", "no toggle declared")
    index = ctx.index
    undeclared: list[str] = []
    leaks: list[str] = []  # a define that holds with the toggle off: partial
    notes: list[str] = []
    declared = ctx.shared(option_calls, lambda: {c.arg for c in option_calls(index)})
    in_templates = ctx.shared(
        template_settings,
        lambda: None if (got := template_settings(index)) is None else {c.arg for c in got},
    )
    for t in module.toggles:
        if t.cmake and t.cmake not in declared:
            undeclared.append(f"'{t.cmake}' is declared by no CMake option command")
        elif t.cmake and in_templates is not None and t.cmake not in in_templates:
            notes.append(f"'{t.cmake}' is missing from every config template")
        if t.env:
            verdict, _files = env_reader(ctx, module, t)
            if verdict == "no":
                undeclared.append(f"'{t.env}' is read by no file that wires the module")
            elif verdict == "elsewhere":
                notes.append(f"where the wiring's '{t.env}' is read is not followed")
        if t.define:
            defined = define_verdict(ctx, module, t)
            if defined.verdict in ("nothing", "other"):
                undeclared.append(defined.detail or "")
            elif defined.verdict == "off":
                leaks.append(defined.detail or "")
            elif defined.detail:
                notes.append(defined.detail)
    if any(t.meson or t.maven_profile for t in module.toggles):
        from .build_toggles import check_build_toggles

        # Meson options and Maven profiles: declared by meson.options / a POM's <profiles>
        undeclared += [f.message for f in check_build_toggles(index, [module])]
    built = built_with_toggle_off(index, module)
    unsure = {r.target for r in index.targeting(module.name) if r.blind and blind_builds(r, module)}
    if unsure:
        notes.append(
            f"{_plural(len(unsure), 'file')} built by CMake files reached only through an "
            "add_subdirectory()/include() the model could not evaluate (not judged)"
        )
    partial = (
        [
            f"{_plural(len(built), 'source')} built with the toggle off (SM007): {', '.join(built[:3])}"
        ]
        if built
        else []
    ) + leaks
    inbound = sum(1 for r in index.inbound(module.name) if judged(r))
    loose = [f"{_plural(inbound, 'inbound reference')} not wiring (SM003)"] if inbound else []
    detail = "; ".join([*undeclared, *partial, *loose, *notes]) or None
    if undeclared:
        return ToggleState(names, "undeclared", detail)
    if partial:
        return ToggleState(names, "partial", detail)
    if loose or unsure:  # what unevaluated calls may build is not judged: not `wired` either
        return ToggleState(names, None, detail)
    return ToggleState(names, "wired", detail)
