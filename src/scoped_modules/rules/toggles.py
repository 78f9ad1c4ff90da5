"""Toggle rules: SM005 toggle-missing, SM006 toggle-undeclared, SM007 toggle-partial.

"Can be turned off through a feature toggle to contain the overall dependency from the rest of
the modules."
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterator

from ..index import CMakeCall, Index, Reference, toggle_names, with_defines
from ..readers.facts import CPP_SOURCE_SUFFIXES, K_CMAKE_PATH, K_PY_IMPORT, language_of
from ..readers.guards import Guard, implies_on
from ..readers.toggle_reads import (
    cmake_definitions,
    option_wrappers,
    reads_env,
    reads_environment,
)
from ..registry.model import Module, Toggle
from . import process
from .base import Finding, Rule, RuleContext, severity
from .build_toggles import built_finding, check_build_partial, check_build_toggles
from .build_toggles import listing as _listing
from .page import RuleDoc, registry, snippet


def option_calls(index: Index) -> list[CMakeCall]:
    """Every call of a ``project.cmake_option_commands`` command: the option declarations."""
    commands = {c.lower() for c in index.registry.project.cmake_option_commands}
    return [call for call in index.cmake_calls() if call.command in commands]


def template_settings(index: Index) -> list[CMakeCall] | None:
    """Every ``set()`` of the config templates; None when the project declares no template."""
    templates = index.registry.project.config_templates
    if not templates:
        return None
    return [call for call in index.cmake_calls(templates) if call.command == "set"]


def _declared_options(index: Index) -> dict[str, tuple[str, int]]:
    """CMake option names declared by any ``cmake_option_commands`` call: name -> (file, line)."""
    out: dict[str, tuple[str, int]] = {}
    for call in option_calls(index):
        out.setdefault(call.arg, (call.path, call.line))
    return out


def _template_settings(index: Index) -> set[str] | None:
    """Names that the config templates set(); None when the project declares no template."""
    calls = template_settings(index)
    return None if calls is None else {call.arg for call in calls}


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
        if building_known and not ref.builds:
            if ref.is_glob:
                var = index.grouped_glob(ref.path, ref.line)
                if var is not None:
                    grouped.setdefault((ref.path, var), []).append(ref)
            continue
        if not building_known and ref.is_glob:
            var = index.grouped_glob(ref.path, ref.line)
            if var is not None:
                grouped.setdefault((ref.path, var), []).append(ref)
                continue
        built.setdefault((ref.path, ref.line), []).append(ref)
    out: list[Finding] = check_build_partial(index, module, refs)  # Meson, Maven, sbt
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
            body = with_defines(index.body_guard(ref.target or ""), index.derived, memo)
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
        toggle = module.toggles[0]
        hint = (
            f"put this under `if({toggle.cmake or toggle.first_name})`, or guard the whole "
            "source with the module's define"
        )
        out.append(built_finding(module, level, path, line, "source", targets, loud[0], hint))
    return out, notes


_UMA_CMAKE = "cmake/modules/contrib/UMA.cmake"
_UMA_CMAKE_FILE = snippet(_UMA_CMAKE, 'message(STATUS "Build with UMA")')
_OPTION = 'option(USE_UMA "Build the UMA backend" OFF)'
_INCLUDE_IF_ON = f"if(USE_UMA)\n  include({_UMA_CMAKE})\nendif()"


def _toggle_findings(ctx: RuleContext) -> list[Finding]:
    """SM005 and SM006 are found in one pass over the modules."""
    return ctx.shared(check_toggles, lambda: check_toggles(ctx.index, ctx.modules))


class ToggleMissing(Rule):
    id = "SM005"
    doc = RuleDoc(
        summary="The module declares no toggle.",
        what=(
            "Reports a module whose `toggles` list is empty. A toggle names how the module is "
            "switched off: a CMake option (`cmake`), the preprocessor macro the build defines "
            "when it is on (`define`) or an environment variable (`env`)."
        ),
        quotes=(process.TOGGLE,),
        why=(
            "Without a declared toggle nothing tells the build or `scoped` how the module is "
            "switched off, so its guards cannot be recognised as wiring and users who do not "
            "need the module still build and load it."
        ),
        fix=(
            "Declare the toggle the build already uses, or add one: a CMake option guarding the "
            "module's sources, or an environment variable for a Python-only module. Then guard "
            "the module's wiring with it."
        ),
        example=(
            registry(paths=(_UMA_CMAKE,)),
            _UMA_CMAKE_FILE,
            snippet("CMakeLists.txt", f"include({_UMA_CMAKE})"),
        ),
        use_instead=(
            registry('toggles = [{ cmake = "USE_UMA" }]', paths=(_UMA_CMAKE,)),
            snippet("CMakeLists.txt", f"{_OPTION}\n{_INCLUDE_IF_ON}"),
        ),
    )

    def check(self, ctx: RuleContext) -> list[Finding]:
        return [f for f in _toggle_findings(ctx) if f.rule == self.id]


class ToggleUndeclared(Rule):
    id = "SM006"
    doc = RuleDoc(
        summary="A toggle's CMake option is declared nowhere, or its variable is read nowhere.",
        what=(
            "Reports a `cmake` toggle that no call of a `project.cmake_option_commands` command "
            "(`option` and `cmake_dependent_option` by default) declares; when the option is "
            "declared through a function or macro whose body calls `option()` or sets a cache "
            "entry its caller names (directly or through another such wrapper, as TVM's "
            "`tvm_option`), the hint names it. A declared toggle missing from every `project.config_templates` file is also "
            "reported. An `env` toggle is reported when no file that wires the module, and none "
            "of the module's own files, reads the variable (`os.environ`, `os.getenv`, C's "
            "`getenv`, CMake's `$ENV{}`); a wiring that tests a name imported from another file "
            "is followed one step, further it is a note."
        ),
        quotes=(process.TOGGLE,),
        why=(
            "An option the build never declares cannot be switched from the command line or a "
            "cache, and one missing from the configuration template is invisible to the users "
            "who would turn it off: the toggle exists only on paper."
        ),
        severity_notes="A toggle missing from the configuration templates is always a warning.",
        fix=(
            "Declare the option with `option()` (or the project's wrapper, listed in "
            "`cmake_option_commands`) and add a line for it to each configuration template, "
            "e.g. `set(USE_UMA OFF)` in `cmake/config.cmake`."
        ),
        example=(
            registry('toggles = [{ cmake = "USE_UMA" }]', paths=(_UMA_CMAKE,)),
            _UMA_CMAKE_FILE,
            snippet("CMakeLists.txt", _INCLUDE_IF_ON),
        ),
        use_instead=(snippet("CMakeLists.txt", f"{_OPTION}\n{_INCLUDE_IF_ON}"),),
    )

    def check(self, ctx: RuleContext) -> list[Finding]:
        found = [with_wrapper_hint(ctx, f) for f in _toggle_findings(ctx) if f.rule == self.id]
        return found + env_toggle_findings(ctx)


class TogglePartial(Rule):
    id = "SM007"
    doc = RuleDoc(
        summary="The module's sources are built with its toggle off.",
        what=(
            "Reports a command that builds C/C++/CUDA sources of the module (`add_library`, "
            "`add_executable`, `target_sources`, `cuda_add_library`, a helper function that "
            "calls one, a command the build model does not know) when the CMake build model "
            "finds it compiles them with the toggle off; headers and directories do not count, "
            "and commands that only name a path (`install`, `source_group`, "
            "`set_source_files_properties`, ...) never do. One finding per building command "
            "and module, with the number of sources and the first few."
        ),
        quotes=(process.TOGGLE,),
        why=(
            "A toggle that leaves the module's sources in the build turns nothing off: the "
            "dependency is not contained, and a module that fails to compile breaks the build "
            "for everyone."
        ),
        severity_notes=(
            "A source whose whole body sits under the module's `define` compiles to nothing "
            "when the module is off: building it unguarded is a note, not SM007."
        ),
        fix=(
            "Move the source list or glob under `if(USE_UMA)`. `scoped toggles prove uma "
            "--cmake` configures the real build with the toggle off and lists the module "
            "sources still compiled."
        ),
        example=(
            registry(
                'toggles = [{ cmake = "USE_UMA", define = "TVM_USE_UMA" }]',
                paths=("src/contrib/uma/",),
            ),
            snippet("src/contrib/uma/codegen.cc", "int uma_codegen() { return 0; }"),
            snippet(
                "CMakeLists.txt",
                f"""\
                {_OPTION}
                file(GLOB_RECURSE UMA_SRCS src/contrib/uma/*.cc)
                add_library(tvm ${{UMA_SRCS}})
                """,
            ),
        ),
        use_instead=(
            snippet(
                "CMakeLists.txt",
                f"""\
                {_OPTION}
                if(USE_UMA)
                  file(GLOB_RECURSE UMA_SRCS src/contrib/uma/*.cc)
                endif()
                add_library(tvm ${{UMA_SRCS}})
                """,
            ),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in ctx.modules:
            findings, notes = check_partial(ctx.index, m, ctx.index.targeting(m.name))
            for path, line, message in notes:
                ctx.note(path, line, message)
            yield from findings


# ---------------------------------------------------------------------------------------------
# SM006 for `env` toggles, and the hint naming a wrapper of option()


def _wiring_files(index: Index, module: Module, toggle: Toggle) -> dict[str, int]:
    """The files outside the module with a reference into it that is wiring for ``toggle``,
    with the line of the first."""
    out: dict[str, int] = {}
    for r in index.inbound(module.name):
        if r.guard is not None and implies_on(r.guard, toggle_names(toggle, r.lang)):
            out.setdefault(r.path, r.line)
    return out


def _reading(ctx: RuleContext, path: str, name: str) -> str:
    data, _problem = ctx.load_evidence(path)
    if data is None:
        return "reads"  # unreadable now: never accuse it
    return reads_env(path, data.decode("utf-8", "replace"), name)


def _imports(index: Index, path: str, name: str | None = None) -> list[str]:
    """The repository files Python file ``path`` imports (only those it imports ``name`` from,
    ``from .config import NAME``, when ``name`` is given)."""
    out: dict[str, None] = {}
    for w in index.written(("py",), (path,)):
        if w.kind != K_PY_IMPORT:
            continue
        if name is not None and not (w.from_import and w.spec.rsplit(".", 1)[-1] == name):
            continue
        target = index.resolve_written(w)
        if isinstance(target, str) and target != path:
            out.setdefault(target)
    return list(out)


def _reads_environment(ctx: RuleContext, path: str) -> bool:
    data, _problem = ctx.load_evidence(path)
    return data is None or reads_environment(path, data.decode("utf-8", "replace"))


def env_reader(
    ctx: RuleContext, module: Module, toggle: Toggle
) -> tuple[str, list[tuple[str, int]]]:
    """Whether some file reads ``toggle``'s environment variable: ``("reads", [(file, line)])``,
    else ``("elsewhere", wiring files testing a name whose origin is not followed)``, else
    ``("no", wiring files)``.

    A wiring file reads it when it reads the environment with the variable's name; when it
    tests a name imported from another file, or passes the variable's name to a function, the
    files it imports that from are read one step further (the name's origin must read it; a
    helper need only read the environment). A module's own file that reads it counts too (a
    module may switch itself off)."""
    assert toggle.env
    name = toggle.env
    index = ctx.index
    wiring = _wiring_files(index, module, toggle)
    verdicts = {p: _reading(ctx, p, name) for p in wiring}
    for p, v in verdicts.items():
        if v == "reads":
            return "reads", [(p, wiring[p])]
    elsewhere = []
    for p, v in verdicts.items():
        if v == "named" and any(_reads_environment(ctx, o) for o in _imports(index, p)):
            return "reads", [(p, wiring[p])]
        if v != "elsewhere":
            continue
        origins = [_reading(ctx, o, name) for o in _imports(index, p, name)]
        if "reads" in origins:
            return "reads", [(p, wiring[p])]
        if not origins or "elsewhere" in origins:
            elsewhere.append((p, wiring[p]))
    for p in index.module_files(module.name):
        if language_of(p) != "other" and _reading(ctx, p, name) == "reads":
            return "reads", [(p, 0)]
    if elsewhere:
        return "elsewhere", elsewhere
    return "no", list(wiring.items())


def env_toggle_findings(ctx: RuleContext) -> list[Finding]:
    """SM006 for `env` toggles: some file that wires the module (or one of its own) must read
    the variable."""
    out: list[Finding] = []
    reg = ctx.registry.rel_path
    for m in ctx.modules:
        level = severity("SM006", m.stage)
        if not level:
            continue
        for t in m.toggles:
            if not t.env:
                continue
            verdict, files = env_reader(ctx, m, t)
            if verdict == "reads":
                continue
            if verdict == "elsewhere":
                ctx.note(
                    *files[0],
                    f"the wiring of module '{m.name}' tests '{t.env}' as a name, not by reading "
                    "the environment here; where its value comes from is not followed (SM006 "
                    "not judged)",
                )
                continue
            where = f" ({len(files)} wiring file{'s' if len(files) != 1 else ''})" if files else ""
            out.append(
                Finding(
                    "SM006",
                    level,
                    m.name,
                    reg,
                    m.loc("toggles")[1] or None,
                    f"environment variable '{t.env}' of module '{m.name}' is read by no file that "
                    f"wires the module{where} and by none of its own (os.environ, os.getenv, getenv)",
                    f'read it where the module is wired, e.g. `if os.environ.get("{t.env}", "1") '
                    f'!= "{t.off}": from . import {m.name.replace("-", "_")}`',
                    evidence=t.env,
                )
            )
    return out


_NOT_WRAPPERS = frozenset({"if", "elseif", "else", "endif", "while", "set", "unset", "message"})


def _option_wrappers(ctx: RuleContext) -> tuple[dict[str, set[str]], dict[str, tuple[str, int]]]:
    """(first argument -> commands called with it, option wrapper -> (file, line) of its
    definition): the functions and macros whose body declares an option, directly or
    through another wrapper."""
    by_arg: dict[str, set[str]] = {}
    defining: set[str] = set()
    for c in ctx.index.cmake_calls():
        if c.command in ("function", "macro"):
            defining.add(c.path)
        elif c.command not in _NOT_WRAPPERS:
            by_arg.setdefault(c.arg, set()).add(c.command)
    definitions: dict[str, tuple[str, int, set[str]]] = {}
    for path in sorted(defining):
        data, _problem = ctx.load_evidence(path)
        if data is not None:
            for name, (line, calls) in cmake_definitions(data.decode("utf-8", "replace")).items():
                definitions.setdefault(name, (path, line, calls))
    options = {c.lower() for c in ctx.registry.project.cmake_option_commands}
    options |= {"option", "cmake_dependent_option"}
    wrappers = option_wrappers(definitions, options)
    return by_arg, {w: definitions[w][:2] for w in wrappers}


def with_wrapper_hint(ctx: RuleContext, finding: Finding) -> Finding:
    """An SM006 "declared by no option command" finding, with a hint naming the function or
    macro that declares the option when one is found: a command called with the toggle's name
    whose body calls ``option()`` (or another such wrapper)."""
    name = finding.evidence
    if not name or "declared by no CMake option command" not in finding.message:
        return finding
    by_arg, wrappers = ctx.shared(_option_wrappers, lambda: _option_wrappers(ctx))
    for wrapper in sorted(by_arg.get(name, set()) & set(wrappers)):
        path, line = wrappers[wrapper]
        return dataclasses.replace(
            finding,
            hint=f"'{name}' is declared through `{wrapper}()` ({path}:{line}), whose body "
            f'declares an option: add "{wrapper}" to project.cmake_option_commands',
        )
    return finding
