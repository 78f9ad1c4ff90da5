"""Toggle rules: SM005 toggle-missing, SM006 toggle-undeclared, SM007 toggle-partial.

"Can be turned off through a feature toggle to contain the overall dependency from the rest of
the modules."
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..index import CMakeCall, Index, Reference, toggle_names, with_defines
from ..readers.facts import CPP_SOURCE_SUFFIXES, K_CMAKE_PATH, K_PY_IMPORT, language_of
from ..readers.guards import Guard, implies_on, implies_on_search, mentions
from ..readers.toggle_reads import (
    cmake_definitions,
    option_wrappers,
    reads_env,
    reads_environment,
)
from ..registry.model import Module, Toggle
from ..resolve.build_model import DefineSite
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
    blind: dict[tuple[str, int], set[str]] = {}  # in CMake files an unevaluated call may reach
    for ref in refs:
        if ref.kind != K_CMAKE_PATH or ref.wiring is not None or ref.target is None:
            continue
        if ref.blind:
            if blind_builds(ref, module):
                blind.setdefault((ref.path, ref.line), set()).add(ref.target)
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
    sure = [r for r in refs if not r.blind]
    out, notes = check_build_partial(index, module, sure)  # Meson, Maven, sbt, TableGen
    notes += _blind_notes(index, module, blind)
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


def blind_builds(ref: Reference, module: Module) -> bool:
    """A reference of a CMake file that only unevaluated calls may reach (``ref.blind``) that
    SM007 would judge: a module source it compiles or a module ``.td`` file it reads."""
    return (
        ref.kind == K_CMAKE_PATH
        and ref.wiring is None
        and ref.target is not None
        and ref.target_module == module.name
        and (
            ref.reads_tablegen
            or ref.builds
            and ref.target.lower().endswith(CPP_SOURCE_SUFFIXES)
            and _names_a_file(ref)
        )
    )


def _blind_notes(
    index: Index, module: Module, blind: dict[tuple[str, int], set[str]]
) -> list[tuple[str, int, str]]:
    """What SM007 would report from CMake files that no evaluated add_subdirectory()/include()
    reaches, but one the build model could not evaluate may (``foreach(t ${LIST})
    add_subdirectory(${t})``): whether CMake processes them is unknown, so one note per module
    and set of such calls, at the first command, instead of a finding per command."""
    model = index.build
    groups: dict[tuple, dict[tuple[str, int], set[str]]] = {}
    for place, targets in blind.items():
        calls = model.blind.get(place[0], ()) if model is not None else ()
        groups.setdefault(calls, {})[place] = targets
    out = []
    for places in groups.values():
        first = min(places)
        files = sorted(set().union(*places.values()))
        through = model.reached_only_through(first[0]) if model is not None else ""
        out.append(
            (
                first[0],
                first[1],
                f"module '{module.name}': {len(files)} file(s) built without the toggle by "
                f"{len(places)} command(s) {through}: not judged (SM007): {_listing(files)}",
            )
        )
    return sorted(out)


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
        summary=(
            "A toggle's option (CMake, Meson) or Maven profile is declared nowhere, its macro "
            "is not defined when the module is on, or its variable is read nowhere."
        ),
        what=(
            "Reports a `cmake` toggle that no call of a `project.cmake_option_commands` command "
            "(`option` and `cmake_dependent_option` by default) declares; when the option is "
            "declared through a function or macro whose body calls `option()` or sets a cache "
            "entry its caller names (directly or through another such wrapper, as TVM's "
            "`tvm_option`), the hint names it. A declared toggle missing from every `project.config_templates` file is also "
            "reported. An `env` toggle is reported when no file that wires the module, and none "
            "of the module's own files, reads the variable (`os.environ`, `os.getenv`, C's "
            "`getenv`, CMake's `$ENV{}`); a wiring that tests a name imported from another file "
            "is followed one step, further it is a note. A `meson` toggle is reported when no "
            "`option()` of a `meson.options` or `meson_options.txt` file declares it, a "
            "`maven_profile` toggle when no `pom.xml` defines a `<profile>` with that `<id>`. "
            "A `define` toggle is judged with the "
            "CMake build model, which knows where and under which condition the build defines "
            "each macro (`add_definitions(-DX)`, `add_compile_definitions`, "
            "`target_compile_definitions`, `-DX` in `CMAKE_CXX_FLAGS` or any flag, "
            "`COMPILE_DEFINITIONS` properties, `#cmakedefine X` in a header template given to "
            "`configure_file`): it is reported when nothing defines the macro (no such command "
            "and no `#define X` in C/C++ code), or when the build defines it only under other "
            "options and never because the module's `cmake` toggle is on. A plain definition "
            "that holds with the toggle off (`add_definitions(-DX)` outside `if(USE_X)`) is a "
            "warning: code under `#ifdef X` is then compiled whatever the toggle says. What the "
            "model cannot settle is a note, never a finding: no CMake (or the model gave up), "
            "a macro written in a file scoped does not read as a build (a Makefile, setup.py's "
            "`define_macros`, a CI script, the documentation of a `-DX` flag), a definition "
            "with a value (`-DX=${USE_X}`: `#if X` may follow the toggle), conditions that do not "
            "involve the toggle (platform checks, options that other CMake code `set()`s), a "
            "definition in a CMake file reached by nothing. A `define` without a `cmake` name is "
            "switched by whatever condition the build defines it under; it is a warning only "
            "when the build defines it unconditionally."
        ),
        quotes=(process.TOGGLE,),
        why=(
            "An option the build never declares cannot be switched from the command line or a "
            "cache, and one missing from the configuration template is invisible to the users "
            "who would turn it off: the toggle exists only on paper."
        ),
        severity_notes=(
            "A toggle missing from the configuration templates is always a warning, and so is "
            "a `define` that the build defines with the toggle off (the finding points at the "
            "defining command, where an inline suppression can say why it is intended)."
        ),
        fix=(
            "Declare the option with `option()` (or the project's wrapper, listed in "
            "`cmake_option_commands`) and add a line for it to each configuration template, "
            "e.g. `set(USE_UMA OFF)` in `cmake/config.cmake`. For Meson, declare it in "
            "`meson.options`: `option('uma', type: 'feature', value: 'auto')`; for Maven, "
            "define the profile in the parent `pom.xml`: `<profile><id>uma</id><modules>"
            "<module>uma</module></modules></profile>`. Define a `define` toggle's macro "
            "where the module is switched on, `if(USE_UMA) add_compile_definitions(TVM_USE_UMA) "
            "endif()`, or correct the registry's name to the macro the build does define."
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
        return found + env_toggle_findings(ctx) + define_toggle_findings(ctx)


class TogglePartial(Rule):
    id = "SM007"
    doc = RuleDoc(
        summary="The module's sources are built with its toggle off.",
        what=(
            "Reports a command that builds C/C++/CUDA sources of the module (`add_library`, "
            "`add_executable`, `target_sources`, `cuda_add_library`, LLVM's and MLIR's "
            "`add_mlir_library` and its kin (`add_mlir_dialect_library`, "
            "`add_mlir_conversion_library`, ..., `llvm_add_library`, `add_llvm_executable`: "
            "only the sources, not the `DEPENDS`, `LINK_LIBS`, `ADDITIONAL_HEADER_DIRS`, ... "
            "sections), a helper function that calls one, a command the build model does not "
            "know) when the CMake build model finds it compiles them with the toggle off; "
            "headers and directories do not count, and commands that only name a path "
            "(`install`, `source_group`, `set_source_files_properties`, `add_mlir_doc`, ...) "
            "never do. One finding per building command and module, with the number of sources "
            "and the first few. A module `.td` file (or `.pdll`) that a TableGen command reads "
            "with the toggle off is built too: `mlir_tablegen`/`tablegen` read "
            "`${LLVM_TARGET_DEFINITIONS}`, `add_mlir_dialect(Foo ...)` and "
            "`add_mlir_interface(Foo)` read `Foo.td` of the current source directory, "
            "`add_mlir_pdll_library` its input; one finding per file and CMake file, at the "
            "first command that reads it. In a Meson build it reports a target "
            "(`executable`, `library`, `*.extension_module`, ...), `install_sources()` or "
            "`install_subdir()` taking a module file outside `if get_option('x')` for the "
            "module's `meson` toggle (the module's own `meson.build` files count, reached "
            "through `subdir()`; a header listed as a source does not); in a JVM build, a Maven "
            "`<module>` or sbt `aggregate` of the module's build unit outside the `<modules>` of "
            "its `maven_profile` (the module's own build listing its parts does not)."
        ),
        quotes=(process.TOGGLE,),
        why=(
            "A toggle that leaves the module's sources in the build turns nothing off: the "
            "dependency is not contained, and a module that fails to compile breaks the build "
            "for everyone."
        ),
        severity_notes=(
            "A source whose whole body sits under the module's `define` compiles to nothing "
            "when the module is off: building it unguarded is a note, not SM007. So is a "
            "`.td` file whose whole body sits under `#ifdef` of the module's `define`, or of a "
            "macro the build defines only with the toggle on (a `-DX` in a command's "
            "arguments, as the flags a project passes to `mlir_tablegen`). What a CMake file "
            "builds is a note too when no add_subdirectory()/include() the model evaluates "
            "reaches the file but one it cannot evaluate may (`foreach(t ${ACCELERATORS}) "
            "add_subdirectory(${t}) endforeach()`): whether CMake processes it is unknown. One "
            "note per module names that call; where the call sits under the module's toggle "
            "(`if(ACCELERATORS)` around the loop, with `ACCELERATORS` as the toggle) the file "
            "is wiring and nothing is reported."
        ),
        fix=(
            "Move the source list or glob under `if(USE_UMA)` (with TableGen, the "
            "`set(LLVM_TARGET_DEFINITIONS ...)`/`mlir_tablegen` pair, or the "
            "`add_subdirectory()` that reaches it). `scoped toggles prove uma --cmake` "
            "configures the real build with the toggle off and lists the module sources still "
            "compiled. With Meson, put the target under `if get_option('uma')` (or the "
            "`subdir()` that reaches it); with Maven, list the module only in the `<modules>` of "
            "its profile."
        ),
        example=(
            registry(
                'toggles = [{ cmake = "USE_UMA" }]',
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


def _judged_toggles(ctx: RuleContext, kind: str) -> Iterator[tuple[Module, str, Toggle]]:
    """(module, SM006 severity at its stage, toggle) for every toggle with a ``kind`` name of
    the modules whose stage SM006 checks."""
    for m in ctx.modules:
        level = severity("SM006", m.stage)
        if level:
            for t in m.toggles:
                if getattr(t, kind):
                    yield m, level, t


def env_toggle_findings(ctx: RuleContext) -> list[Finding]:
    """SM006 for `env` toggles: some file that wires the module (or one of its own) must read
    the variable."""
    out: list[Finding] = []
    reg = ctx.registry.rel_path
    for m, level, t in _judged_toggles(ctx, "env"):
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


# ---------------------------------------------------------------------------------------------
# SM006 for `define` toggles: the build defines the macro when the module is on

# after a name, what makes it a setting of a CMake option: `-DNAME=ON`, `NAME = "ON"`, `NAME:BOOL=ON`
_SETTING = re.compile(r"\s*[:=]")
# before a name in a CMake file, what makes it a macro's definition rather than the option
_DEFINING = re.compile(r"(?:#\s*(?:cmake)?define(?:01)?\s+|[-/]D)$")
_DOC_SUFFIXES = (".md", ".rst", ".txt", ".adoc", ".html")


@dataclass(frozen=True)
class DefineVerdict:
    """How the build defines a ``define`` toggle's macro.

    ``verdict`` is ``defined`` (fine), ``nothing`` (no command, no ``#define``: SM006),
    ``other`` (defined only under other options: SM006), ``off`` (a plain definition that
    holds with the toggle off: SM006 warning) or ``unsure`` (a note: what is not understood).
    ``where`` is the file and line to cite (None: the registry's toggles line); ``detail`` is
    the short form the toggle state shows."""

    verdict: str
    message: str | None = None
    where: tuple[str, int] | None = None
    detail: str | None = None


def _atoms(g: Guard, names: set[str]) -> bool:
    """Collect the variable names of ``g`` into ``names``; False when it holds an unknown."""
    if g is None:
        return True
    tag = g[0]
    if tag == "v":
        names.update(g[1])
        return True
    if tag == "u":
        return False
    return all(_atoms(k, names) for k in g[1:]) if tag in ("and", "or", "not") else False


_FALSE: tuple = ("not", ("and",))


def _project_variables(index: Index) -> set[str]:
    """Variables the project ``set()`` s itself and declares as no option or toggle: unset
    until the build sets them (a ``-DNAME=`` on the command line aside)."""
    assigned = {c.arg for c in index.cmake_calls() if c.command == "set"}
    declared = _option_names(index)
    return {n for n in assigned - declared if not n.startswith("CMAKE_")}


def _unset(g: Guard, names: set[str], memo: dict[int, Guard]) -> Guard:
    """``g`` with the initial values of ``names`` false: ``if(USE_X) set(X_ON ON) endif()``
    then ``#cmakedefine X_ON`` defines X_ON only with USE_X on."""
    if g is None or id(g) in memo:
        return memo.get(id(g), g)
    tag = g[0]
    out: Guard = g
    if tag == "v" and names.issuperset(g[1]):
        out = _FALSE
    elif tag in ("and", "or", "not"):
        kids = [_unset(k, names, memo) for k in g[1:]]
        if any(k is not o for k, o in zip(kids, g[1:], strict=True)):
            out = (tag, *kids)
    memo[id(g)] = out
    return out


def _plain_options(index: Index) -> set[str]:
    """CMake variables that are nothing but user options: declared by a
    ``cmake_option_commands`` call (not ``cmake_dependent_option``, whose value follows other
    options) and set by no ``set()`` of the build (a ``set(USE_Y ON)`` under ``if(USE_X)``
    would tie them; the model leaves options free)."""
    options = {c.arg for c in option_calls(index) if c.command != "cmake_dependent_option"}
    dependent = {c.arg for c in index.cmake_calls() if c.command == "cmake_dependent_option"}
    templates = set(index.registry.project.config_templates)
    assigned = {
        c.arg for c in index.cmake_calls() if c.command == "set" and c.path not in templates
    }
    return options - dependent - assigned


def _option_names(index: Index) -> set[str]:
    """Names a CMake option or a registry ``cmake`` toggle may carry."""
    names = {c.arg for c in option_calls(index)}
    names |= {
        c.arg for c in index.cmake_calls() if c.command in ("option", "cmake_dependent_option")
    }
    names |= {t.cmake for m in index.registry.modules.values() for t in m.toggles if t.cmake}
    return names


def _mentions(ctx: RuleContext, name: str) -> list[tuple[str, int]]:
    """Where ``name`` is written in a file that scoped does not read as a build and that could
    define the macro (a Makefile, setup.py's ``define_macros``, a CI script's ``-DNAME``, a
    ``.h.cmake`` template, ...): every scanned file but C/C++ sources (they use the macro; a
    ``#define`` is counted apart) and the registry. When ``name`` is also a CMake option, the
    documentation and ``NAME=value`` settings speak of the option, and so do its mentions in
    CMake files but those written ``-DNAME`` or ``#define NAME`` (``file(WRITE ...)``)."""
    index = ctx.index
    is_option = name in ctx.shared(_option_names, lambda: _option_names(index))
    word = re.compile(rf"(?:(?<=[-/]D)|(?<![\w$])){re.escape(name)}(?!\w)")
    needle = name.encode()
    out: list[tuple[str, int]] = []
    for path in index.files:
        lang = language_of(path)
        if lang == "cpp" or path == index.registry.rel_path:
            continue
        if is_option and path.lower().endswith(_DOC_SUFFIXES):
            continue
        data, _problem = ctx.load_evidence(path)
        if data is None or needle not in data:
            continue
        text = data.decode("utf-8", "replace")
        for m in word.finditer(text):
            if is_option and lang == "cmake":
                if not _DEFINING.search(text, max(0, m.start() - 20), m.start()):
                    continue
            elif is_option and _SETTING.match(text, m.end()):
                continue
            out.append((path, text.count("\n", 0, m.start()) + 1))
            break
    return out


def _site(s: DefineSite) -> str:
    return f"{s.path}:{s.line}"


def define_verdict(ctx: RuleContext, module: Module, toggle: Toggle) -> DefineVerdict:
    """:func:`judge_define`, once per run for each module and toggle (SM006 and the state)."""
    key = (define_verdict, module.name, toggle)
    return ctx.shared(key, lambda: judge_define(ctx, module, toggle))


def judge_define(ctx: RuleContext, module: Module, toggle: Toggle) -> DefineVerdict:
    """Whether the build defines ``toggle.define`` when the module is on (SPEC §1: "a C/C++
    preprocessor macro the build defines when on"), from the CMake build model's definitions
    (``add_definitions``, ``add_compile_definitions``, ``target_compile_definitions``, ``-D``
    in flags, ``COMPILE_DEFINITIONS`` properties, ``#cmakedefine`` in configured headers) and
    the ``#define`` s of C/C++ files."""
    assert toggle.define
    name = toggle.define
    index = ctx.index
    model = index.build
    in_code = index.defining_files(name)
    if model is None:
        if in_code:
            return DefineVerdict("defined")
        return DefineVerdict(
            "unsure",
            f"define '{name}' of module '{module.name}': the project has no CMake build model "
            "(no CMake files, or the model gave up), so where the macro is defined is not judged",
            detail=f"where '{name}' is defined is not judged (no CMake build model)",
        )
    sites = [s for s in model.define_sites.get(name, ()) if s.cond != _FALSE]
    if not sites:
        if in_code:
            return DefineVerdict("defined")
        seen = _mentions(ctx, name)
        if seen:
            more = f" and {len(seen) - 1} more file(s)" if len(seen) > 1 else ""
            return DefineVerdict(
                "unsure",
                f"define '{name}' of module '{module.name}' is defined by no CMake command and "
                f"no #define, but it is written in {seen[0][0]}:{seen[0][1]}{more}, which "
                "scoped does not read as a build: not judged",
                seen[0],
                f"'{name}' is defined by no CMake command; written in {seen[0][0]} (not judged)",
            )
        if not model.has_root:
            return DefineVerdict(
                "unsure",
                f"define '{name}' of module '{module.name}' is defined by no CMake command and "
                "no #define, but the project has no root CMakeLists.txt: not judged",
                detail=f"where '{name}' is defined is not judged (no root CMakeLists.txt)",
            )
        return DefineVerdict(
            "nothing",
            f"define '{name}' of module '{module.name}' is defined by nothing the build runs "
            "(add_definitions, add_compile_definitions, target_compile_definitions, -D in "
            "flags, #cmakedefine in a configured header) and by no #define",
            detail=f"'{name}' is defined by nothing the build runs",
        )
    if not toggle.cmake:
        # a define-only toggle: the condition under which the build defines it is the switch
        always = [s for s in sites if s.cond is None and not s.standalone]
        plain = [s for s in always if not s.valued]
        if plain:
            return DefineVerdict(
                "off",
                f"define '{name}' of module '{module.name}' is defined unconditionally "
                f"({_site(plain[0])}): the module cannot be switched off",
                (plain[0].path, plain[0].line),
                f"'{name}' is defined unconditionally ({_site(plain[0])})",
            )
        return DefineVerdict("defined")
    on = frozenset({toggle.cmake})
    unset = ctx.shared(_project_variables, lambda: _project_variables(index))
    memo: dict[int, Guard] = {}
    sites = [dataclasses.replace(s, cond=_unset(s.cond, unset, memo)) for s in sites]
    sites = [s for s in sites if s.cond != _FALSE]
    loose = [s for s in sites if not implies_on_search(s.cond, on)]
    if not loose:
        return DefineVerdict("defined")
    sure = [s for s in loose if not s.standalone]
    plain_off = [s for s in sure if not s.valued and s.cond is None]
    if plain_off:
        s = plain_off[0]
        return DefineVerdict(
            "off",
            f"define '{name}' of module '{module.name}' is defined even with '{toggle.cmake}' "
            f"off ({s.path}:{s.line}): code under `#ifdef {name}` is compiled whatever the "
            "toggle says",
            (s.path, s.line),
            f"'{name}' is defined with '{toggle.cmake}' off ({s.path}:{s.line})",
        )
    good = len(loose) < len(sites)
    if not good and not in_code and len(sure) == len(loose):
        names: set[str] = set()
        known = all(_atoms(s.cond, names) for s in loose) and not any(s.valued for s in loose)
        options = ctx.shared(_plain_options, lambda: _plain_options(index))
        if known and names and toggle.cmake not in names and names <= options:
            s = loose[0]
            others = ", ".join(sorted(names))
            return DefineVerdict(
                "other",
                f"define '{name}' of module '{module.name}' is defined only under {others} "
                f"({s.path}:{s.line}), never because '{toggle.cmake}' is on",
                (s.path, s.line),
                f"'{name}' is defined only under {others}, not '{toggle.cmake}'",
            )
    s = loose[0]
    also = " also elsewhere," if good else ""
    if s.standalone and s.path in model.blind:
        why = model.reached_only_through(s.path)
    elif s.standalone:
        why = "in a CMake file the build reaches by no include()/add_subdirectory()"
    elif s.valued:
        why = (
            f"with a value when '{toggle.cmake}' may be off (`#if {name}` can follow the "
            f"toggle, `#ifdef {name}` cannot)"
        )
    elif mentions(s.cond, on):
        why = f"also when '{toggle.cmake}' is off, under other conditions"
    else:
        why = f"under conditions that do not involve '{toggle.cmake}'"
    return DefineVerdict(
        "unsure",
        f"define '{name}' of module '{module.name}' is defined{also} {why} "
        f"({s.path}:{s.line}); whether that matches the toggle is not judged",
        (s.path, s.line),
        f"where '{name}' is defined is judged only in part ({s.path}:{s.line})",
    )


def define_toggle_findings(ctx: RuleContext) -> list[Finding]:
    """SM006 for `define` toggles (see :func:`define_verdict`)."""
    out: list[Finding] = []
    reg = ctx.registry.rel_path
    for m, level, t in _judged_toggles(ctx, "define"):
        tline = m.loc("toggles")[1] or None
        v = define_verdict(ctx, m, t)
        if v.verdict == "defined":
            continue
        if v.verdict == "unsure":
            path, line = v.where or (reg, tline or 0)
            ctx.note(path, line, v.message or "")
            continue
        if v.verdict == "off":
            path, line = v.where or (reg, tline or 0)
            hint = (
                f"define it only under the toggle: `if({t.cmake}) "
                f"add_compile_definitions({t.define}) endif()`"
                if t.cmake
                else "define it only under a CMake option: `if(USE_X) "
                f"add_compile_definitions({t.define}) endif()`"
            )
            out.append(
                Finding(
                    "SM006",
                    "warning",
                    m.name,
                    path,
                    line,
                    v.message or "",
                    hint,
                    evidence=t.define,
                )
            )
            continue
        cmake = t.cmake or f"USE_{m.name.upper().replace('-', '_')}"
        out.append(
            Finding(
                "SM006",
                level,
                m.name,
                reg,
                tline,
                v.message or "",
                f"define it where the module is switched on, e.g. `if({cmake}) "
                f"add_compile_definitions({t.define}) endif()`, or a `#cmakedefine "
                f"{t.define}` in a configured header; if users pass it by hand, document the `-D{t.define}` flag",
                evidence=t.define,
            )
        )
    return out
