"""The in-memory index: which module owns each file, and every reference resolved to a file.

Built once per run from the registry, the file set and the per-file facts; the rules read it and
do no I/O. Only references that cross a module boundary (or start inside a module) are kept:
core-to-core edges matter to no rule, and dropping them keeps 100,000-file runs small.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .readers import facts as F
from .readers.facts import ScanResult
from .readers.guards import Guard, conj, implies_on_search

if TYPE_CHECKING:
    from .resolve.includes import IncludeResolver
    from .resolve.pynames import PythonNames
from .registry.model import Module, Registry, Toggle
from .resolve.build_model import BuildModel

if TYPE_CHECKING:
    from .resolve.includes import IncludeResolver
    from .resolve.pynames import PythonNames

PUBLIC_KIND = {
    F.K_CMAKE_SUBDIR: F.K_CMAKE_PATH,
    F.K_CMAKE_INCLUDE: F.K_CMAKE_PATH,
}


@dataclass(slots=True)
class Reference:
    path: str  # the referencing file
    line: int
    kind: str  # public kind (SPEC §3 table)
    evidence: str
    target: str | None  # the file referenced; None for `pattern`
    target_module: str
    source_module: str | None  # None = core
    type_checking: bool = False
    optional: bool = False  # inside try/except ImportError
    guard: Guard = None
    lang: str = "other"
    wiring: str | None = None  # the first name of the toggle this reference is wiring for
    spec: str = ""  # the reference as written (after CMake variable substitution)
    flags: int = 0  # facts.F_* bits

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "evidence": self.evidence,
            "target": self.target,
            "type_checking": self.type_checking,
            "wiring": self.wiring,
        }

    @property
    def is_glob(self) -> bool:
        """A CMake ``file(GLOB ...)``/``GLOB_RECURSE`` pattern (or a wrapper's) that matched."""
        return bool(self.flags & (F.F_GLOB | F.F_GLOB_RECURSE))

    @property
    def builds(self) -> bool:
        """A CMake path that a building command compiles (the build model says so)."""
        from .resolve.build_model import F_BUILD

        return bool(self.flags & F_BUILD)


class CMakeCall(NamedTuple):
    """A CMake command whose first argument is a plain identifier: ``option(USE_X ...)``."""

    path: str
    command: str  # lower case
    arg: str
    line: int


class Membership:
    """Which module(s) claim each file, from the modules' ``paths`` entries (SPEC §2 Paths)."""

    def __init__(self, modules: list[Module], files: list[str], dirs: set[str]) -> None:
        self.entry_files: dict[tuple[str, str], list[str]] = {}  # (module, entry) -> files
        self.owner: dict[str, tuple[str, ...]] = {}
        by_dir: dict[str, list[tuple[str, str]]] = {}
        by_file: dict[str, list[tuple[str, str]]] = {}
        patterns: list[tuple[str, str]] = []
        file_set = set(files)
        for m in modules:
            for entry in m.paths:
                self.entry_files[(m.name, entry)] = []
                if any(ch in entry for ch in "*?["):
                    patterns.append((m.name, entry))
                elif entry.endswith("/"):
                    by_dir.setdefault(entry.rstrip("/") + "/", []).append((m.name, entry))
                elif entry in file_set:
                    by_file.setdefault(entry, []).append((m.name, entry))
                elif entry.rstrip("/") in dirs:
                    by_dir.setdefault(entry.rstrip("/") + "/", []).append((m.name, entry))
        firsts = {d.split("/", 1)[0] for d in by_dir}
        owner: dict[str, list[str]] = {}
        for f in files:
            claims: list[tuple[str, str]] = []
            hit = by_file.get(f)
            if hit:
                claims.extend(hit)
            slash = f.find("/")
            if slash > 0 and f[:slash] in firsts:
                pos = slash
                while pos > 0:
                    hit = by_dir.get(f[: pos + 1])
                    if hit:
                        claims.extend(hit)
                    pos = f.find("/", pos + 1)
            for mod, entry in claims:
                self.entry_files[(mod, entry)].append(f)
                lst = owner.setdefault(f, [])
                if mod not in lst:
                    lst.append(mod)
        if patterns:
            import pathspec

            for mod, entry in patterns:
                spec = pathspec.GitIgnoreSpec.from_lines(["/" + entry.lstrip("/")])
                for f in files:
                    if spec.match_file(f):
                        self.entry_files[(mod, entry)].append(f)
                        lst = owner.setdefault(f, [])
                        if mod not in lst:
                            lst.append(mod)
        self.owner = {f: tuple(ms) for f, ms in owner.items()}

    def module_of(self, path: str) -> str | None:
        ms = self.owner.get(path)
        return ms[0] if ms else None

    def in_module(self, path: str, module: str) -> bool:
        return module in self.owner.get(path, ())


@dataclass
class Index:
    registry: Registry
    files: list[str]
    dirs: set[str]
    membership: Membership
    scan: ScanResult
    refs: list[Reference] = field(default_factory=list)
    notes: list[tuple[str, int, str]] = field(default_factory=list)
    build: BuildModel | None = None  # the CMake build model, when the project has CMake
    # macros the build defines only under a condition: macro -> that condition
    derived: dict[str, Guard] = field(default_factory=dict)

    def module_files(self, module: str) -> list[str]:
        out: set[str] = set()
        for (m, _entry), fs in self.membership.entry_files.items():
            if m == module:
                out.update(fs)
        return sorted(out)

    def _group(self) -> None:
        self._by_target: dict[str, list[Reference]] = {}
        self._by_source: dict[str | None, list[Reference]] = {}
        for r in self.refs:
            self._by_target.setdefault(r.target_module, []).append(r)
            self._by_source.setdefault(r.source_module, []).append(r)

    def targeting(self, module: str) -> list[Reference]:
        """Every reference into the module, its own CMake files' included."""
        if not hasattr(self, "_by_target"):
            self._group()
        return self._by_target.get(module, [])

    def inbound(self, module: str) -> list[Reference]:
        return [r for r in self.targeting(module) if r.source_module != module]

    def outbound(self, module: str) -> list[Reference]:
        if not hasattr(self, "_by_source"):
            self._group()
        return [r for r in self._by_source.get(module, []) if r.target_module != module]

    # What the rules read of the files, by name: rules never read the readers' fact tuples.

    def cmake_calls(self, paths: Iterable[str] | None = None) -> Iterator[CMakeCall]:
        """The :class:`CMakeCall` s of the CMake files ``paths`` (default: every CMake file)."""
        facts = self.scan.facts
        for path in facts if paths is None else paths:
            f = facts.get(path)
            if f is None or f[0] != "cmake":
                continue
            for command, arg, line, _guard in f[3].get("calls", ()):
                yield CMakeCall(path, command, arg, line)

    def grouped_glob(self, path: str, line: int) -> str | None:
        """The variable the glob call at ``line`` of CMake file ``path`` fills, when only
        ``source_group()``-like calls of that file read it (IDE grouping: nothing built)."""
        f = self.scan.facts.get(path)
        if not f or f[0] != "cmake":
            return None
        var = f[3].get("glob_vars", {}).get(line)
        uses = f[3].get("var_uses", {}).get(var or "", [])
        return var if uses and all("source_group" in u for u in uses) else None

    def body_guard(self, path: str) -> Guard:
        """The condition covering every code line of C/C++ file ``path`` (None: unconditional,
        or not a C/C++ file)."""
        f = self.scan.facts.get(path)
        return f[3].get("body_guard") if f and f[0] == "cpp" else None


def all_dirs(files: list[str]) -> set[str]:
    dirs: set[str] = set()
    for f in files:
        d = posixpath.dirname(f)
        while d and d not in dirs:
            dirs.add(d)
            d = posixpath.dirname(d)
    return dirs


def toggle_names(t: Toggle, lang: str) -> frozenset[str]:
    """The names of toggle ``t`` that a guard in a file of language ``lang`` can test."""
    if lang == "cmake":
        return frozenset(n for n in (t.cmake,) if n)
    if lang == "cpp":
        return frozenset(n for n in (t.define, t.cmake) if n)
    return frozenset(t.names)


def wiring_for(guard: Guard, lang: str, toggles: list[Toggle]) -> str | None:
    if guard is None:
        return None
    for t in toggles:
        if implies_on_search(guard, toggle_names(t, lang)):
            return t.first_name
    return None


@dataclass
class Tables:
    """What resolution needs from the file list alone (built while the readers run)."""

    dirs: set[str]
    membership: Membership
    py_names: PythonNames
    includes: IncludeResolver


def prepare_tables(registry: Registry, files: list[str]) -> Tables:
    from .resolve.includes import IncludeResolver
    from .resolve.pynames import PythonNames

    dirs = all_dirs(files)
    membership = Membership(list(registry.modules.values()), files, dirs)
    return Tables(
        dirs,
        membership,
        PythonNames(files, registry.project.python_roots),
        IncludeResolver(set(files), registry.project.include_roots),
    )


def with_defines(g: Guard, derived: dict[str, Guard], memo: dict[int, Guard]) -> Guard:
    """A C/C++ guard where each macro the build defines only under C reads ``M AND C``."""
    if g is None or not derived:
        return g
    got = memo.get(id(g))
    if got is not None or id(g) in memo:
        return got
    tag = g[0]
    out: Guard = g
    if tag == "v":
        extra = [derived[n] for n in g[1] if n in derived]
        if extra:
            out = conj(g, *extra)
    elif tag == "not":
        inner = with_defines(g[1], derived, memo)
        out = g if inner is g[1] else ("not", inner)
    elif tag in ("and", "or"):
        kids = [with_defines(k, derived, memo) for k in g[1:]]
        if any(k is not o for k, o in zip(kids, g[1:], strict=True)):
            out = (tag, *kids)
    memo[id(g)] = out
    return out


def _cmake_model(
    registry: Registry, facts: dict[str, F.FileFacts], files: frozenset[str], dirs: set[str]
) -> tuple[BuildModel | None, list[tuple[str, int, str]]]:
    """The build model of the project's CMake files; None (and a note) when it gives up."""
    from .resolve.build_model import ModelGaveUp, build_model

    cmake = {p: f for p, f in facts.items() if f[0] == "cmake"}
    if not cmake:
        return None, []
    switches = {t.cmake for m in registry.modules.values() for t in m.toggles if t.cmake}
    cmakedefines = {
        p: list(f[3]["cmakedefines"])
        for p, f in facts.items()
        if f[0] == "cpp" and f[3].get("cmakedefines")
    }
    try:
        model = build_model(
            cmake,
            files,
            dirs,
            switches=switches,
            option_commands=registry.project.cmake_option_commands,
            cmakedefines=cmakedefines,
        )
    except ModelGaveUp as exc:
        return None, [("", 0, f"{exc}: CMake references are read file by file")]
    return model, model.notes


def build_index(
    registry: Registry, files: list[str], scan: ScanResult, tables: Tables | None = None
) -> Index:
    from .resolve.cmake import resolve_cmake
    from .resolve.includes import normalize
    from .resolve.pynames import AMBIGUOUS

    if tables is None:
        tables = prepare_tables(registry, files)
    dirs = tables.dirs
    modules = list(registry.modules.values())
    membership = tables.membership
    index = Index(registry, files, dirs, membership, scan)
    owner = membership.owner
    toggles = {m.name: m.toggles for m in modules}
    file_set = frozenset(files)

    def add(
        path: str,
        raw: F.RawRef,
        target: str | None,
        guard: Guard,
        lang: str,
        tmod: str | None = None,
    ) -> None:
        src_mods = owner.get(path)
        src = src_mods[0] if src_mods else None
        if tmod is not None:
            targets: tuple[str, ...] = (tmod,)
        else:
            targets = owner.get(target, ()) if target else ()
        if not targets and src is None:
            return
        kind, spec, line, evidence, _g, flags = raw
        kind = PUBLIC_KIND.get(kind, kind)
        tc, opt = bool(flags & F.F_TYPE_CHECKING), bool(flags & F.F_OPTIONAL)
        # a module's outbound reference into core has target module "" (core)
        for t in targets or ("",):
            if src_mods and t in src_mods and lang != "cmake":
                continue  # inside the module (a module's own CMake files matter to SM007)
            wiring = wiring_for(guard, lang, toggles.get(t, [])) if t else None
            index.refs.append(
                Reference(
                    path,
                    line,
                    kind,
                    evidence,
                    target,
                    t,
                    src,
                    tc,
                    opt,
                    guard,
                    lang,
                    wiring,
                    spec,
                    flags,
                )
            )

    py_names = tables.py_names
    includes = tables.includes
    model, model_notes = _cmake_model(registry, scan.facts, file_set, dirs)
    index.build = model
    index.notes.extend(model_notes)
    derived: dict[str, Guard] = {}
    build_cond: dict[str, Guard] = {}
    included: set[str] = set()
    if model is not None:
        build_cond = model.build_cond
        defined_in_code: set[str] = set()
        for facts in scan.facts.values():
            if facts[0] == "cpp":
                defined_in_code.update(facts[3].get("defines", ()))
                if build_cond:
                    for raw in facts[1]:
                        included.add(raw[1].rsplit("/", 1)[-1])
        derived = model.derived_defines(defined_in_code)
    index.derived = derived
    memo: dict[int, Guard] = {}

    def cpp_guard(path: str, g: Guard) -> Guard:
        """A reference in a C/C++ file: its own #if guards (with derived defines), AND the
        condition under which the build compiles it when it is a translation unit (a source
        that no other file includes)."""
        g = with_defines(g, derived, memo)
        bc = build_cond.get(path)
        if bc is not None and path.rsplit("/", 1)[-1] not in included:
            g = conj(bc, g)
        return g

    cmake_facts: dict[str, F.FileFacts] = {}
    # A core file's reference matters only if it can land in a module: a Python name must have
    # a module file's dotted name as a prefix, an include must end in a module file's name.
    # Checking that first skips resolving the bulk of core-to-core references.
    mod_dotted: set[str] = set()
    mod_names: set[str] = set()
    for f in owner:
        mod_names.add(f.rsplit("/", 1)[-1])
        if f.endswith(F.PY_SUFFIXES):
            d = py_names.dotted(f)
            if d:
                mod_dotted.add(d)

    reach: dict[str, bool] = {}  # specs repeat across files: decide each once

    def may_reach_module(spec: str) -> bool:
        if spec[:1] == "." or spec in mod_dotted:
            return True
        dot = spec.find(".")
        while dot > 0:
            if spec[:dot] in mod_dotted:
                return True
            dot = spec.find(".", dot + 1)
        return False

    # includes written from the root (<proj/x.h>) that name module files, when include_roots
    # lacks the root: counted per first directory, for one note each (never silent)
    from_root: dict[str, int] | None = None if "" in includes.roots else {}
    for path, facts in scan.facts.items():
        lang = facts[0]
        core = path not in owner
        if lang == "py":
            for raw in facts[1]:
                if core:
                    ok = reach.get(raw[1])
                    if ok is None:
                        ok = reach[raw[1]] = may_reach_module(raw[1])
                    if not ok:
                        continue
                target = py_names.resolve(raw[1], path, raw[5])
                if target is AMBIGUOUS:
                    if raw[0] == F.K_PY_ATTR:
                        continue  # the import statement already got its note
                    index.notes.append(
                        (
                            path,
                            raw[2],
                            f"'{raw[1]}' is ambiguous: it names files in several base directories; not counted as a reference",
                        )
                    )
                    continue
                if isinstance(target, str):
                    add(path, raw, target, raw[4], lang)
        elif lang == "cpp":
            for raw in facts[1]:
                if core and raw[1].rsplit("/", 1)[-1] not in mod_names:
                    continue
                target = includes.resolve(raw[1], path, bool(raw[5] & F.F_ANGLE))
                if target is not None:
                    add(path, raw, target, cpp_guard(path, raw[4]), lang)
                elif from_root is not None:
                    at_root = normalize(raw[1].strip())
                    if at_root is not None and at_root in owner and "/" in at_root:
                        top = at_root.split("/", 1)[0]
                        from_root[top] = from_root.get(top, 0) + 1
        elif lang == "cmake":
            cmake_facts[path] = facts
    for top, count in sorted((from_root or {}).items()):
        index.notes.append(
            (
                "",
                0,
                f"{count} include{'s' if count != 1 else ''} of the form <{top}/...> name module "
                f"files from the root but resolve to nothing; {top}/ exists at the root: "
                "add '.' to include_roots?",
            )
        )
    if cmake_facts:
        resolved = model.refs if model is not None else resolve_cmake(cmake_facts, file_set, dirs)
        for path, items in resolved.items():
            for raw, guard, targets in items:
                for target in targets:
                    add(path, raw, target, guard, "cmake")
    file_cond = model.file_cond if model is not None else {}
    for path, hits in scan.hits.items():
        if path == registry.rel_path:
            continue  # the registry names its modules' patterns; that is no dependency on them
        lang = F.language_of(path)
        for line, module, evidence, guard in hits:
            if module in registry.modules:
                if lang == "cpp":
                    guard = cpp_guard(path, guard)
                elif lang == "cmake" and file_cond.get(path) is not None:
                    guard = conj(file_cond[path], guard)  # the file is processed only then
                raw = (F.K_PATTERN, "", line, evidence, guard, 0)
                add(path, raw, None, guard, lang, tmod=module)
    # `from a import b, c` names one file through two specs: one reference per place and target
    unique: dict[tuple, Reference] = {}
    for r in index.refs:
        unique.setdefault((r.path, r.line, r.kind, r.target, r.target_module), r)
    index.refs = sorted(unique.values(), key=lambda r: (r.path, r.line, r.kind, r.target or ""))
    if model is not None and model.has_root:
        index.notes.extend(_not_compiled_notes(index, build_cond))
    return index


def _not_compiled_notes(index: Index, build_cond: dict[str, Guard]) -> list[tuple[str, int, str]]:
    """A C/C++ source that no CMake target compiles keeps its own #if guards only: say so
    where that matters (it references a module without being wiring)."""
    out: dict[str, None] = {}
    for r in index.refs:
        if (
            r.lang == "cpp"
            and r.wiring is None
            and r.target_module
            and r.source_module != r.target_module
            and r.path.lower().endswith(F.CPP_SOURCE_SUFFIXES)
            and r.path not in build_cond
        ):
            out.setdefault(r.path, None)
    return [
        (
            p,
            0,
            "no CMake target compiles this source: its references are judged by its own #if guards",
        )
        for p in out
    ]
