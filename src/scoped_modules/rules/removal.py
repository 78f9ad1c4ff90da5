"""Removal rule: SM014 removal-remnant.

"Can be easily deprecated by removing the related namespaces."

A removed module's files are gone, so a reference into them resolves to nothing: SM014 matches
each reference *as written* against the paths the module had (its ``paths`` entries):

- a Python name (import, dynamic import, attribute chain; relative names made absolute) names
  the path ``BASE/a/b/c`` for a base directory ``BASE`` (the importing file's own base, a declared
  python root, or another base directory of the repository); it points into the module when a
  prefix of it is a module entry (the entry's directory, or the file without its suffix);
- an include string names ``DIR/x`` (the including file's directory, each include root), or,
  written from another root, a path that ends with it (``uma/api.h`` and an entry
  ``src/contrib/uma/``: the entry's last directories followed by the rest of the string);
- a CMake path literal names the path it spells after the directory variables are substituted,
  relative to the file's directory or the root; a glob points into the module when its literal
  directory does.

A name that still resolves to a file outside the module is alive, not a remnant. A match that
could as well name something else (a one-component Python name found through another file's
base directory, an include matched by its file name or one directory only, an ``#include <x>``
matched by suffix) is a note, never a finding. Entries written as glob patterns are matched by
CMake paths only.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from ..index import CMakeCall, Index, Reference
from ..readers import facts as F
from ..registry.model import Module
from ..resolve.pynames import AMBIGUOUS
from . import process
from .base import Finding, Rule, RuleContext, severity
from .boundary import VERBS
from .page import RuleDoc, registry, snippet
from .toggles import option_calls, template_settings

_PY_SUFFIXES = F.PY_SUFFIXES
_GLOB = frozenset("*?[")
_DIR_VARS = {
    "${CMAKE_CURRENT_SOURCE_DIR}": "dir",
    "${CMAKE_CURRENT_LIST_DIR}": "dir",
    "${PROJECT_SOURCE_DIR}": "root",
    "${CMAKE_SOURCE_DIR}": "root",
}
HINT = "delete it, or rewrite it without the removed module"
_VERBS = {**VERBS, F.K_CMAKE_PATH: "names a path of"}


def _verb(kind: str) -> str:
    return _VERBS.get(kind, "references")


def toggle_declarations(index: Index, module: Module) -> list[CMakeCall]:
    """Calls of ``project.cmake_option_commands`` that declare one of the module's toggles."""
    names = {t.cmake for t in module.toggles if t.cmake}
    return [c for c in option_calls(index) if c.arg in names] if names else []


def config_entries(index: Index, module: Module) -> list[CMakeCall]:
    """``set(USE_X ...)`` lines of the module's toggles in ``project.config_templates``."""
    names = {t.cmake for t in module.toggles if t.cmake}
    return [c for c in template_settings(index) or () if c.arg in names] if names else []


class _Entries:
    """The paths a module had, as matchable data (nothing needs to exist); ``own``: the files
    still under them."""

    def __init__(self, module: Module, own: frozenset[str] = frozenset()) -> None:
        self.own = own
        self.plain: list[str] = []  # entries as paths, no trailing slash
        self.patterns = []
        # last path component (a file without its Python suffix) -> entries ending with it
        self.by_last: dict[str, list[tuple[str, str]]] = {}
        for entry in module.paths:
            if any(ch in _GLOB for ch in entry):
                import pathspec

                self.patterns.append(pathspec.GitIgnoreSpec.from_lines(["/" + entry.lstrip("/")]))
                continue
            p = entry.strip("/")
            if not p:
                continue
            self.plain.append(p)
            stem = p
            if p.endswith(_PY_SUFFIXES):
                stem = p[: p.rfind(".")]
            self.by_last.setdefault(stem.rsplit("/", 1)[-1], []).append((stem, p))
            if stem != p:  # includes and CMake paths name the file with its suffix
                self.by_last.setdefault(p.rsplit("/", 1)[-1], []).append((p, p))

    def claims(self, path: str) -> bool:
        """Whether the module had ``path`` (a file or a directory, existing or not)."""
        for p in self.plain:
            if path == p or path.startswith(p + "/"):
                return True
        return any(spec.match_file(path) for spec in self.patterns)


@dataclass(frozen=True, slots=True)
class _Match:
    path: str
    line: int
    kind: str
    evidence: str
    target: str  # the path of the module the reference names
    sure: bool  # False: it could as well name something else (a note)


def _suffix_base(stem: str, joined: str) -> str | None:
    """``BASE`` when ``stem`` is ``BASE/joined`` (``""`` when equal), else None."""
    if stem == joined:
        return ""
    if stem.endswith("/" + joined):
        return stem[: -len(joined) - 1]
    return None


_Lasts = dict[str, list[tuple[str, str, str]]]  # last component -> (module, stem, entry)


def _lasts(removed: dict[str, _Entries]) -> _Lasts:
    out: _Lasts = {}
    for name, entries in removed.items():
        for last, pairs in entries.by_last.items():
            out.setdefault(last, []).extend((name, stem, entry) for stem, entry in pairs)
    return out


def _aligned(lasts: _Lasts, comps: list[str]) -> Iterator[tuple[int, str, str, str, str]]:
    """``(k, module, stem, entry, base)`` for each entry whose path (``stem``) ends with the
    first ``k`` components of a written name, ``base`` being the rest of its path; ``k``
    ascending."""
    for k in range(1, len(comps) + 1):
        for name, stem, entry in lasts.get(comps[k - 1], ()):
            base = _suffix_base(stem, "/".join(comps[:k]))
            if base is not None:
                yield k, name, stem, entry, base


def _absolute(spec: str, dotted: str | None, is_pkg: bool) -> str | None:
    """A relative Python name made absolute against the importing file's dotted name."""
    if not spec.startswith("."):
        return spec
    if dotted is None:
        return None
    level = len(spec) - len(spec.lstrip("."))
    parts = dotted.split(".")
    if not is_pkg:
        parts.pop()
    if level - 1 > len(parts) or level - 1 < 0:
        return None
    keep = parts[: len(parts) - (level - 1)]
    rest = spec[level:]
    return ".".join([*keep, rest] if rest else keep) or None


_Found = tuple[str, _Match]  # (module, match)


def _python_matches(index: Index, removed: dict[str, _Entries]) -> Iterator[_Found]:
    tables = index.tables
    lasts = _lasts(removed)
    if tables is None or not lasts:
        return
    names = tables.py_names
    roots = set(names.roots)
    bases = {names.base(f) for f in index.files if f.endswith(_PY_SUFFIXES)} | roots
    kinds = (F.K_PY_IMPORT, F.K_PY_DYNAMIC, F.K_PY_ATTR)

    def named(spec: str) -> bool:  # the cheap test first: a component is the last of an entry
        return any(c in lasts for c in spec.lstrip(".").split("."))

    for w in index.written(("py",), chains=named):
        if w.kind not in kinds or not named(w.spec):
            continue
        comps = w.spec.lstrip(".").split(".")
        own = names.base(w.path)
        spec = _absolute(w.spec, names.dotted(w.path), w.path.endswith("/__init__.py"))
        if spec is None:
            continue
        comps = spec.split(".")
        found: dict[str, tuple[int, str, bool]] = {}  # module -> (k, stem, sure)
        for k, name, stem, _entry, base in _aligned(lasts, comps):
            if w.path in removed[name].own or (base not in bases and base != own):
                continue
            if name in found and k > found[name][0]:
                continue  # the shortest prefix in the module decides
            sure = k >= 2 or base == own or base in roots
            if name not in found or (sure and not found[name][2]):
                found[name] = (k, stem, sure)
        if not found:
            continue
        alive = index.resolve_written(w)
        if alive is AMBIGUOUS:
            continue  # the name exists in several base directories: alive somewhere
        depth = len((names.dotted(alive) or "").split(".")) if isinstance(alive, str) else 0
        for name, (k, stem, sure) in found.items():
            # how deep the name must resolve to be alive: an attribute chain or the last name
            # of a from-import may be an attribute; every other part must be a file
            need = k if w.kind == F.K_PY_ATTR else max(k, len(comps) - (1 if w.from_import else 0))
            if isinstance(alive, str) and not removed[name].claims(alive) and depth >= need:
                continue  # the name still resolves to a file outside the module
            yield name, _Match(w.path, w.line, w.kind, w.evidence, stem, sure)


def _include_matches(index: Index, removed: dict[str, _Entries]) -> Iterator[_Found]:
    from ..resolve.includes import normalize

    tables = index.tables
    if tables is None:
        return
    includes = tables.includes
    lasts = _lasts(removed)
    # an include can name a module's file without naming its last component only through an
    # include root inside the module, or a glob entry
    everything = any(e.patterns for e in removed.values()) or any(
        e.claims(r.rstrip("/")) for e in removed.values() for r in includes.roots if r
    )
    for w in index.written(("cpp",)):
        if w.kind != F.K_CPP_INCLUDE:
            continue
        spec = w.spec.strip()
        norm = normalize(spec)
        comps = norm.split("/") if norm else []
        if not everything and not any(c in lasts for c in comps):
            continue
        cands = [] if w.angle else [posixpath.join(posixpath.dirname(w.path), spec)]
        cands += [r + spec for r in includes.roots]
        exact = [c for c in map(normalize, cands) if c is not None]
        hits: dict[str, tuple[str, bool]] = {}
        for name, entries in removed.items():
            if w.path in entries.own:
                continue
            got = next((c for c in exact if entries.claims(c)), None)
            if got is not None:
                hits[name] = (got, True)
        best: dict[str, tuple[str, int]] = {}
        for j, name, stem, entry, base in _aligned(lasts, comps):
            if stem != entry or name in hits or w.path in removed[name].own:
                continue  # (a Python file's stem: includes name files with their suffix)
            dirs = j if j < len(comps) else j - 1  # aligned directory components
            if name not in best or dirs > best[name][1]:
                best[name] = ("/".join(filter(None, [base, norm])), dirs)
        for name, (target, dirs) in best.items():
            hits[name] = (target, dirs >= 2 and not w.angle)
        if hits and index.resolve_written(w) is None:  # an existing file: alive, or left over
            for name, (target, sure) in hits.items():
                yield name, _Match(w.path, w.line, w.kind, w.evidence, target, sure)


def _cmake_candidates(spec: str, path: str) -> list[str]:
    """The root-relative paths a CMake literal can spell in file ``path``."""
    from ..resolve.includes import normalize

    here = posixpath.dirname(path)
    for var, where in _DIR_VARS.items():
        if spec.startswith(var):
            rest = spec[len(var) :].lstrip("/")
            bases = [here, ""] if where == "dir" else [""]
            break
    else:
        rest, bases = spec, [here, ""]
    if "${" in rest or "$<" in rest or rest.startswith("/") or not rest:
        return []
    out = []
    for b in dict.fromkeys(bases):
        c = normalize(f"{b}/{rest}" if b else rest)
        if c:
            out.append(c)
    return out


def _cmake_target(spec: str, path: str, kind: str, entries: _Entries) -> str | None:
    """The path of the module a CMake literal written in ``path`` names, if it names one: a
    path in the module, or a glob whose literal directory is in the module (a parent directory
    or a glob over one names core, even when it covers files left in the module)."""
    if kind == F.K_CMAKE_PATH and "/" not in spec and "." not in spec:
        return None  # a bare word (a target or variable name) is no path of a file
    for cand in _cmake_candidates(spec, path):
        if any(ch in _GLOB for ch in cand):
            parts = cand.split("/")
            cut = next(i for i, p in enumerate(parts) if any(ch in _GLOB for ch in p))
            cand = "/".join(parts[:cut])
            if not cand:
                continue
        if entries.claims(cand):
            return cand
    return None


def _cmake_matches(index: Index, removed: dict[str, _Entries]) -> Iterator[_Found]:
    kinds = (F.K_CMAKE_PATH, F.K_CMAKE_SUBDIR, F.K_CMAKE_INCLUDE)
    for w in index.written(("cmake",)):
        if w.kind not in kinds:
            continue
        for name, entries in removed.items():
            if w.path in entries.own:
                continue
            target = _cmake_target(w.spec, w.path, w.kind, entries)
            if target is not None:
                yield name, _Match(w.path, w.line, F.K_CMAKE_PATH, w.evidence, target, True)


def _written_matches(index: Index, modules: list[Module]) -> dict[str, list[_Match]]:
    """References as written that point into the paths of ``modules`` (one pass each over
    the Python, C/C++ and CMake references, whatever the number of modules)."""
    removed = {m.name: _Entries(m, frozenset(index.module_files(m.name))) for m in modules}
    out: dict[str, list[_Match]] = {m.name: [] for m in modules}
    for finder in (_python_matches, _include_matches, _cmake_matches):
        for name, match in finder(index, removed):
            out[name].append(match)
    return out


def check_remnants(
    index: Index, module: Module, matches: list[_Match] | None = None
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM014 for one module at stage ``removed``: (findings, notes). ``matches``: the written
    references into its paths, when already found for several modules at once."""
    level = severity("SM014", module.stage)
    if not level:
        return [], []
    name = module.name
    out: list[Finding] = []
    notes: list[tuple[str, int, str]] = []

    def add(
        path: str | None,
        line: int | None,
        message: str,
        kind: str | None = None,
        evidence: str | None = None,
        target: str | None = None,
        type_checking: bool | None = None,
    ) -> None:
        out.append(
            Finding(
                "SM014",
                level,
                name,
                path,
                line,
                message,
                HINT,
                kind,
                type_checking,
                evidence,
                target,
            )
        )

    for entry in module.paths:
        left = sorted(index.membership.entry_files.get((name, entry), []))
        if left:
            shown = ", ".join(left[:5]) + (", ..." if len(left) > 5 else "")
            add(
                left[0],
                None,
                f"{len(left)} file{'s' if len(left) != 1 else ''} still under '{entry}' of removed module '{name}'",
                evidence=shown,
            )
    for call in toggle_declarations(index, module):
        add(
            call.path,
            call.line,
            f"toggle '{call.arg}' of removed module '{name}' is still declared ({call.command}())",
            evidence=call.arg,
        )
    for call in config_entries(index, module):
        add(
            call.path,
            call.line,
            f"config template still sets '{call.arg}' of removed module '{name}'",
            evidence=call.arg,
        )
    seen: set[tuple[str, int]] = set()
    # CMake paths are matched as written below: a parent directory resolves to the files left
    # in the module too, but names core
    refs: list[Reference] = [
        r for r in index.targeting(name) if r.source_module != name and r.kind != F.K_CMAKE_PATH
    ]
    for r in refs:
        if (r.path, r.line) in seen:
            continue
        seen.add((r.path, r.line))
        add(
            r.path,
            r.line,
            f"still {_verb(r.kind)} removed module '{name}' ('{r.target or r.evidence}' was left behind)"
            if r.kind != F.K_PATTERN
            else f"still matches a `references` pattern of removed module '{name}'",
            kind=r.kind,
            type_checking=r.type_checking,
            evidence=r.evidence,
            target=r.target,
        )
    if matches is None:
        matches = _written_matches(index, [module])[name]
    for m in sorted(matches, key=lambda m: (m.path, m.line)):
        if (m.path, m.line) in seen:
            continue
        seen.add((m.path, m.line))
        if not m.sure:
            notes.append(
                (
                    m.path,
                    m.line,
                    f"'{m.evidence}' may name '{m.target}' of removed module '{name}' (or something "
                    "outside the repository): not reported as SM014",
                )
            )
            continue
        add(
            m.path,
            m.line,
            f"still {_verb(m.kind)} removed module '{name}' ('{m.target}' is gone)",
            kind=m.kind,
            type_checking=False,
            evidence=m.evidence,
            target=m.target,
        )
    return out, notes


class RemovalRemnant(Rule):
    id = "SM014"
    doc = RuleDoc(
        summary="Something of a removed module is still there.",
        what=(
            "For a module at stage `removed`, reports files still under its paths, "
            "declarations of its toggles or entries in configuration templates still present, "
            "and references still pointing into its paths. A removed file resolves to nothing, "
            "so references are matched as written (a Python name, an include string, a CMake "
            "path) against the paths the module had; `references` patterns still matching are "
            "reported too. A match that could as well name something outside the repository "
            "(an include matched by its file name only) is a note."
        ),
        quotes=(process.DEPRECATE, process.REMOVAL),
        why=(
            "A removal that leaves an option, a config line or a dangling import behind is not "
            "clean: users still see a switch that does nothing, and the next build or import "
            "of the remaining reference fails."
        ),
        fix=(
            "Delete what is left. `scoped remove NAME` deletes a deprecated module's paths and "
            "records the removal; `--prove CMD` first runs CMD (e.g. the build and tests) in a "
            "temporary worktree without the module."
        ),
        example=(
            registry(
                'toggles = [{ cmake = "USE_UMA" }]',
                'history = [{ date = 2024-01-01, stage = "removed", reason = "no maintainers" }]',
                stage="removed",
                paths=("src/contrib/uma/",),
            ),
            snippet(
                "CMakeLists.txt",
                """\
                option(USE_UMA "Build the UMA backend" OFF)
                add_library(tvm src/core.cc)
                """,
            ),
            snippet("src/core.cc", '#include "contrib/uma/uma.h"\nint core() { return 0; }'),
        ),
        use_instead=(
            snippet("CMakeLists.txt", "add_library(tvm src/core.cc)"),
            snippet("src/core.cc", "int core() { return 0; }"),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        removed = [m for m in ctx.modules if m.stage == "removed"]
        matches = _written_matches(ctx.index, removed) if removed else {}
        for m in removed:
            findings, notes = check_remnants(ctx.index, m, matches[m.name])
            for path, line, message in notes:
                ctx.note(path, line, message)
            yield from findings


# ---------------------------------------------------------------------------------------------
# The plan of `scoped remove` (what deleting a module's paths takes), from the same index


@dataclass(frozen=True, slots=True)
class PlanItem:
    path: str
    line: int | None
    evidence: str
    what: str  # "import, wiring for USE_UMA", "option()", "config entry", ...


@dataclass
class RemovalPlan:
    module: str
    stage: str
    files: list[str]
    wiring: list[PlanItem]  # guarded references: edit them out with the module
    declarations: list[PlanItem]  # the toggles' option() calls
    config: list[PlanItem]  # the toggles' config-template entries
    breaking: list[PlanItem]  # unguarded references: they break when the paths go
    lines: dict[str, int] | None = None  # lines of each file (filled by whoever reads them)


def removal_plan(index: Index, module: Module) -> RemovalPlan:
    """What removing ``module`` deletes, what must be edited, and what would break. A CMake
    path counts when it names a path of the module, not a parent directory (or a glob over
    one) that also covers the module's files."""
    wiring: list[PlanItem] = []
    breaking: list[PlanItem] = []
    seen: set[tuple[str, int, bool]] = set()
    entries = _Entries(module)
    inbound = index.inbound(module.name)
    # files a glob found: the command that builds them (the build model places the reference
    # there) breaks nothing when they go, the glob just finds less
    globbed = {r.target for r in inbound if r.is_glob}
    for r in inbound:
        if r.kind == F.K_CMAKE_PATH and _cmake_target(r.spec, r.path, r.kind, entries) is None:
            continue
        if r.kind == F.K_CMAKE_PATH and r.builds and not r.is_glob and r.target in globbed:
            continue
        key = (r.path, r.line, r.wiring is not None)
        if key in seen:
            continue
        seen.add(key)
        if r.wiring is not None:
            wiring.append(PlanItem(r.path, r.line, r.evidence, f"{r.kind}, wiring for {r.wiring}"))
            continue
        soft = (
            " (TYPE_CHECKING only)"
            if r.type_checking
            else " (optional import)"
            if r.optional
            else ""
        )
        breaking.append(PlanItem(r.path, r.line, r.evidence, f"{r.kind}{soft}"))
    return RemovalPlan(
        module.name,
        module.stage,
        index.module_files(module.name),
        wiring,
        [
            PlanItem(c.path, c.line, c.arg, f"{c.command}() declares toggle {c.arg}")
            for c in toggle_declarations(index, module)
        ],
        [
            PlanItem(c.path, c.line, c.arg, f"config template sets {c.arg}")
            for c in config_entries(index, module)
        ],
        breaking,
    )
