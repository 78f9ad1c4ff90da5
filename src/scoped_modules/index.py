"""The in-memory index: which module owns each file, and every reference resolved to a file.

Built once per run from the registry, the file set and the per-file facts; the rules read it and
do no I/O. Only references that cross a module boundary (or start inside a module) are kept:
core-to-core edges matter to no rule, and dropping them keeps 100,000-file runs small.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from .readers import facts as F
from .readers.facts import ScanResult
from .readers.guards import Guard, InvertedNames, conj, implies_on_search

if TYPE_CHECKING:
    from .resolve.includes import IncludeResolver
    from .resolve.pynames import PythonNames
from .registry.model import Module, Registry, Toggle
from .resolve.build_model import F_BLIND, BuildModel

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
    def is_subdir(self) -> bool:
        """A Meson ``subdir('x')`` (its spec names ``x/meson.build``)."""
        return bool(self.flags & F.F_SUBDIR)

    @property
    def builds(self) -> bool:
        """A CMake path that a building command compiles (the build model says so)."""
        from .resolve.build_model import F_BUILD

        return bool(self.flags & F_BUILD)

    @property
    def blind(self) -> bool:
        """A reference of a CMake file that no evaluated add_subdirectory()/include() reaches,
        but one the build model could not evaluate may: whether it is processed is unknown."""
        return bool(self.flags & F_BLIND)

    @property
    def reads_tablegen(self) -> bool:
        """A ``.td`` (or ``.pdll``) file that a TableGen command of the CMake build reads (the
        build model says so; it is then built, as :attr:`builds` says)."""
        from .resolve.build_model import F_TABLEGEN

        return bool(self.flags & F_TABLEGEN)


class CMakeCall(NamedTuple):
    """A CMake command whose first argument is a plain identifier: ``option(USE_X ...)``."""

    path: str
    command: str  # lower case
    arg: str
    line: int


@dataclass(slots=True)
class Written:
    """A reference as written in a file, before (and whether or not) it resolves."""

    path: str
    kind: str  # facts.K_* (``cmake-subdir``/``cmake-include`` kept apart from ``cmake-path``)
    spec: str  # see facts.RawRef
    line: int
    evidence: str
    _bits: int

    @property
    def from_import(self) -> bool:
        """``from a import b`` (spec ``a.b``: ``b`` may be an attribute of ``a``)."""
        return bool(self._bits & F.F_FROM)

    @property
    def angle(self) -> bool:
        """``#include <x>``."""
        return bool(self._bits & F.F_ANGLE)


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
    tables: Tables | None = None  # the name tables the references were resolved with
    # the text of a scanned file now (None: unreadable), to read a Python file's attribute
    # chains again where they matter (the facts keep only their dotted names)
    source: Callable[[str], str | None] | None = None
    _reread: set[str] = field(default_factory=set)  # files whose notes of that reading are in

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

    def build_options(self) -> tuple[set[str], set[str]]:
        """(Meson options declared by ``option()`` in meson.options / meson_options.txt, Maven
        profile ids defined by any POM)."""
        options: set[str] = set()
        profiles: set[str] = set()
        for path, facts in self.scan.facts.items():
            if facts[0] == "meson" and path.rsplit("/", 1)[-1] in (
                "meson.options",
                "meson_options.txt",
            ):
                options.update(name for name, _line, _type in facts[3].get("options", ()))
            elif facts[0] == "maven":
                profiles.update(pid for pid, _line in facts[3].get("profiles", ()))
        return options, profiles

    def grouped_glob(self, path: str, line: int) -> str | None:
        """The variable the glob call at ``line`` of CMake file ``path`` fills, when only
        ``source_group()``-like calls of that file read it (IDE grouping: nothing built)."""
        f = self.scan.facts.get(path)
        if not f or f[0] != "cmake":
            return None
        var = f[3].get("glob_vars", {}).get(line)
        uses = f[3].get("var_uses", {}).get(var or "", [])
        return var if uses and all("source_group" in u for u in uses) else None

    def written(
        self,
        langs: Iterable[str],
        paths: Iterable[str] | None = None,
        chains: Callable[[str], bool] | None = None,
    ) -> Iterator[Written]:
        """Every reference of the files of languages ``langs`` (of ``paths``, default all) as
        written, resolved or not (a removed file resolves to nothing: SM014 matches the written
        name instead). Python attribute chains are read again from the files: only those whose
        dotted name ``chains`` accepts, when given (the others may be left out)."""
        wanted = set(langs)
        facts = self.scan.facts
        full = self.scan.full  # the facts are a view (index_view): the whole ones on demand
        for path in facts if paths is None else paths:
            f = facts.get(path)
            if f is not None and full is not None and f[0] in wanted:
                f = full(path) or f
            if f is not None and f[0] in wanted:
                refs = self.python_refs(path, f, chains or _every) if f[0] == "py" else f[1]
                for kind, spec, line, evidence, _guard, bits in refs:
                    yield Written(path, kind, spec, line, evidence, bits)

    def python_refs(
        self, path: str, facts: F.FileFacts, keep: Callable[[str], bool]
    ) -> list[F.RawRef]:
        """The references of Python file ``path`` with its attribute chains whose dotted names
        ``keep`` accepts: the facts' own when ``keep`` accepts none of the names the facts list
        for its chains, else the file read again (``readers.python.python_refs``)."""
        from .readers.python import python_refs

        chains = facts[3].get("chains")
        if not chains or not any(map(keep, chains)):
            return facts[1]
        text = self.source(path) if self.source is not None else None
        now, refs = python_refs(text or "", keep)
        was = (facts[1], facts[3])
        view = self.scan.view  # the scan kept a view (index_view): compare what it keeps
        if text is None or (now[1::2] != was and (view is None or view(path, now)[1::2] != was)):
            # not the bytes scanned
            if path not in self._reread:
                self._reread.add(path)
                self.notes.append(
                    (path, 0, "changed while it was read: its attribute chains were not followed")
                )
            return facts[1]
        if path not in self._reread:  # what this reading noted besides what the scan did
            self._reread.add(path)
            known = {msg for _line, msg in facts[2]}
            self.notes.extend((path, line, msg) for line, msg in now[2] if msg not in known)
        return refs

    def resolve_written(self, w: Written) -> object:
        """The file a Python name or an include resolves to today: a path, None, or
        :data:`~scoped_modules.resolve.pynames.AMBIGUOUS` (a Python name in several bases)."""
        if self.tables is None:
            return None
        if w.kind == F.K_CPP_INCLUDE:
            return self.tables.includes.resolve(w.spec, w.path, w.angle)
        return self.tables.py_names.resolve(w.spec, w.path, w._bits)

    def body_guard(self, path: str) -> Guard:
        """The condition covering every code line of C/C++ (or TableGen) file ``path`` (None:
        unconditional, or not such a file)."""
        f = self.scan.facts.get(path)
        return f[3].get("body_guard") if f and f[0] in ("cpp", "td") else None

    def defining_files(self, macro: str) -> list[str]:
        """The C/C++ files that ``#define`` ``macro`` themselves (a config header), sorted."""
        table: dict[str, list[str]] | None = getattr(self, "_code_defines", None)
        if table is None:
            table = {}
            for path, f in sorted(self.scan.facts.items()):
                if f[0] == "cpp":
                    for name in f[3].get("defines", ()):
                        table.setdefault(name, []).append(path)
            self._code_defines = table
        return table.get(macro, [])


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
    names: frozenset[str]
    if lang == "cmake":
        names = frozenset(n for n in (t.cmake,) if n)
    elif lang == "cpp":
        names = frozenset(n for n in (t.define, t.cmake) if n)
    elif lang in BUILD_TOGGLE_KEY:
        name = getattr(t, BUILD_TOGGLE_KEY[lang])
        names = frozenset((name,)) if name else frozenset()
    else:
        names = frozenset(n for n in (t.cmake, t.define, t.env) if n)
    return InvertedNames(names) if t.inverted else names


# build files whose guards test a toggle name of their own kind (issue 12)
BUILD_TOGGLE_KEY = {"meson": "meson", "maven": "maven_profile"}
# build languages whose references inside their own module still count (SM007)
KEEP_INSIDE = ("cmake", "meson")


def wiring_for(guard: Guard, lang: str, toggles: list[Toggle]) -> str | None:
    if guard is None:
        return None
    for t in toggles:
        if implies_on_search(guard, toggle_names(t, lang)):
            return t.first_name
    return None


class Reach:
    """Whether a written reference can land in a file of a module, decided without resolving
    it: a Python name must be relative or have a module file's dotted name as a prefix (a name
    resolves to the file of its longest existing prefix); an include must have a module file's
    name as one of its components (the file it resolves to is named by its last one). A
    necessary condition only: what passes is resolved."""

    __slots__ = ("dotted", "names", "_heads", "_modules")

    def __init__(
        self, owner: Mapping[str, Iterable[str]] | Iterable[str], py_names: PythonNames
    ) -> None:
        self.dotted: set[str] = set()
        self.names: set[str] = set()
        # dotted name of a module's Python file -> its modules (when ``owner`` maps them)
        self._modules: dict[str, set[str]] = {}
        for f in owner:
            self.names.add(f.rsplit("/", 1)[-1])
            if f.endswith(F.PY_SUFFIXES):
                d = py_names.dotted(f)
                if d:
                    self.dotted.add(d)
                    if isinstance(owner, Mapping):
                        self._modules.setdefault(d, set()).update(owner[f])
        # the proper prefixes of those dotted names: a name whose head is none of them (and
        # not one of the names) has no longer head among the names either
        self._heads: set[str] = set()
        for d in self.dotted:
            dot = d.find(".")
            while dot > 0:
                self._heads.add(d[:dot])
                dot = d.find(".", dot + 1)

    def python(self, spec: str) -> bool:
        if spec[:1] == ".":
            return True
        mod_dotted, heads = self.dotted, self._heads
        dot = spec.find(".")
        while dot > 0:
            head = spec[:dot]
            if head in mod_dotted:
                return True
            if head not in heads:
                return False
            dot = spec.find(".", dot + 1)
        return spec in mod_dotted

    def python_other(self, name: str, own: Iterable[str]) -> bool:
        """Whether absolute Python ``name`` may resolve to a file of a module not in ``own``
        (the modules of the file it is written in): a prefix of it is the dotted name of one.
        Exact, and slower than :meth:`python`, which callers ask first."""
        modules = self._modules
        dot = name.find(".")
        while True:
            mods = modules.get(name if dot < 0 else name[:dot])
            if mods is not None and not mods.issubset(own):
                return True
            if dot < 0:
                return False
            dot = name.find(".", dot + 1)

    def include(self, spec: str) -> bool:
        names = self.names
        last = spec.rsplit("/", 1)[-1]
        if last in names:
            return True
        if "\\" not in last and last not in ("", ".", "..") and last == last.strip():
            return False  # the last component names the file
        return any(part in names for part in spec.strip().replace("\\", "/").split("/"))


@dataclass
class Tables:
    """What resolution needs from the file list alone."""

    dirs: set[str]
    membership: Membership
    py_names: PythonNames
    includes: IncludeResolver
    reach: Reach


def prepare_tables(registry: Registry, files: list[str]) -> Tables:
    from .resolve.includes import IncludeResolver
    from .resolve.pynames import PythonNames

    dirs = all_dirs(files)
    membership = Membership(list(registry.modules.values()), files, dirs)
    py_names = PythonNames(files, registry.project.python_roots)
    return Tables(
        dirs,
        membership,
        py_names,
        IncludeResolver(set(files), registry.project.include_roots),
        Reach(membership.owner, py_names),
    )


class Prefilter:
    """Which core Python files need not be read (``scan``'s ``skip``), see
    :func:`python_prefilter`: those it :meth:`applies` to whose bytes are :meth:`unneeded`. The
    verdict on the bytes depends on them and on :attr:`fingerprint` alone (the scan caches it
    per blob)."""

    __slots__ = ("fingerprint", "_owner", "_under", "_words")

    def __init__(self, words: Iterable[bytes], under: Iterable[str], owner: Mapping) -> None:
        self._words = sorted(set(words), key=lambda w: (-len(w), w))
        self._under = tuple(sorted(under))
        self._owner = owner
        self.fingerprint = hashlib.sha1(b"\0".join(self._words)).hexdigest()[:16]

    def applies(self, path: str) -> bool:
        """A core Python file, in no package whose core files are all read."""
        return path not in self._owner and not (self._under and path.startswith(self._under))

    def unneeded(self, data: bytes) -> bool:
        """ASCII, and spells none of the words."""
        return data.isascii() and not any(w in data for w in self._words)


def python_prefilter(tables: Tables, files: Iterable[str]) -> Prefilter | None:
    """Whether a core Python file's bytes show that none of its references can reach a module,
    so that it need not be read: it is ASCII and spells none of the names below (None: read
    every file). The facts stay a pure function of the bytes; this only decides which files'
    facts the index needs.

    A name reaches a module's file (dotted name ``a.b.c``) only if ``a.b.c`` is a prefix of
    it (:class:`Reach`), and every component of a name that a file means is spelled in it (an
    import statement, an attribute chain, an alias), except those a relative import takes from
    the file's own package. So, for each module Python file, the first component (from the top)
    whose directory holds no core Python file must be spelled in any core file that reaches it
    (a core file in a package of that directory does not exist), or the file's own name when
    each of its directories holds core files. A module's ``__init__`` in a package that holds
    core files is reached by ``from . import x`` in them: every core file under it is read.
    Identifiers are NFKC-normalised: a file with any non-ASCII byte is always read."""
    owner = tables.membership.owner
    py_names = tables.py_names
    core_dirs: set[str] = set()  # directories holding a core Python file, and their ancestors
    for f in files:
        if f not in owner and f.endswith(F.PY_SUFFIXES):
            d = posixpath.dirname(f)
            while d and d not in core_dirs:
                core_dirs.add(d)
                d = posixpath.dirname(d)
    spelled: set[bytes] = set()
    everywhere: set[str] = set()  # packages whose core files are all read
    for f in owner:
        dotted = py_names.dotted(f) if f.endswith(F.PY_SUFFIXES) else None
        if not dotted:
            continue
        names = dotted.split(".")
        init = posixpath.basename(f).split(".", 1)[0] == "__init__"
        parts = posixpath.dirname(f).split("/") if init else f.split("/")
        top = len(parts) - len(names)  # where the dotted name's directories start
        if top < 0 or [x.split(".", 1)[0] for x in parts[top:]] != names:
            return None  # a dotted name that is not the path's: read everything
        for i in range(len(names) - (0 if init else 1)):
            if "/".join(parts[: top + i + 1]) not in core_dirs:
                spelled.add(names[i].encode())
                break
        else:
            spelled.add(names[-1].encode())
            if init:
                everywhere.add(posixpath.dirname(f) + "/")
    return Prefilter(spelled, everywhere, owner)


# the last components of every include of a C/C++ file whose view dropped some (index_view)
INCLUDE_NAMES = "include_names"
FactsView = Callable[[str, F.FileFacts], F.FileFacts]


def index_view(registry: Registry, tables: Tables, outbound: bool = True) -> FactsView | None:
    """What :func:`build_index` and the rules read of one file's facts, for the scan to keep
    instead of all of them (at 100,000 files the facts of every Python attribute chain take
    most of a gigabyte; a few of them can reach a module). None: keep everything.

    Python and C/C++ references that cannot reach a module (:class:`Reach`) are dropped, as
    ``build_index`` would skip them, except in a module's own files when ``outbound`` (its
    references into core); in a module's files, an import that resolves to several bases is
    kept for its note. The names of a C/C++ file's dropped includes stay (``INCLUDE_NAMES``:
    whether a source is included somewhere decides its build condition). Everything else stays
    as read. A module at stage ``removed`` makes SM014 read every reference as written: then
    nothing is dropped. Rules that read one file's references as written get them whole
    (``ScanResult.full``)."""
    from .resolve.pynames import AMBIGUOUS

    if any(m.stage == "removed" for m in registry.modules.values()):
        return None
    reach = tables.reach
    owner = tables.membership.owner
    py_names = tables.py_names

    def view(path: str, facts: F.FileFacts) -> F.FileFacts:
        lang, refs, notes, extra = facts
        if not refs or (outbound and path in owner):
            return facts
        if lang == "py":
            mine = path in owner
            kept = [
                raw
                for raw in refs
                if reach.python(raw[1])
                or (
                    mine
                    and raw[0] != F.K_PY_ATTR
                    and py_names.resolve(raw[1], path, raw[5]) is AMBIGUOUS
                )
            ]
        elif lang == "cpp":
            kept = [raw for raw in refs if reach.include(raw[1])]
            if len(kept) < len(refs):
                from sys import intern

                names = {intern(raw[1].rsplit("/", 1)[-1]) for raw in refs}
                extra = {**extra, INCLUDE_NAMES: tuple(sorted(names))}
        else:
            return facts
        return facts if len(kept) == len(refs) else (lang, kept, notes, extra)

    return view


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


def is_model_input(path: str) -> bool:
    """Whether the build model reads this file's facts: a CMake file, or a header template that
    may ``#cmakedefine`` (any C/C++ file may, which :class:`CMakeModel` checks afterwards)."""
    return F.language_of(path) == "cmake" or path.endswith(F.HEADER_TEMPLATE_SUFFIXES)


@dataclass
class CMakeModel:
    """The build model of the project's CMake files (None, and a note, when it gives up) and
    the inputs it was built from that the file list does not give: so that it can be built
    while the rest of the files are read, from the facts of :func:`is_model_input` files, and
    used only if the whole facts give the same inputs."""

    model: BuildModel | None
    notes: list[tuple[str, int, str]]
    cmake: list[str]
    cmakedefines: dict[str, list[str]]

    def fits(self, facts: Mapping[str, F.FileFacts]) -> bool:
        cmake, cmakedefines = _model_inputs(facts)
        return list(cmake) == self.cmake and cmakedefines == self.cmakedefines


def _model_inputs(
    facts: Mapping[str, F.FileFacts],
) -> tuple[dict[str, F.FileFacts], dict[str, list[str]]]:
    cmake = {p: f for p, f in facts.items() if f[0] == "cmake"}
    cmakedefines = {
        p: list(f[3]["cmakedefines"])
        for p, f in facts.items()
        if f[0] == "cpp" and f[3].get("cmakedefines")
    }
    return cmake, cmakedefines


def cmake_model(
    registry: Registry, facts: Mapping[str, F.FileFacts], files: frozenset[str], dirs: set[str]
) -> CMakeModel:
    """The build model of the CMake files among ``facts``."""
    cmake, cmakedefines = _model_inputs(facts)
    model, notes = _cmake_model(registry, cmake, cmakedefines, files, dirs)
    return CMakeModel(model, notes, list(cmake), cmakedefines)


def _cmake_model(
    registry: Registry,
    cmake: dict[str, F.FileFacts],
    cmakedefines: dict[str, list[str]],
    files: frozenset[str],
    dirs: set[str],
) -> tuple[BuildModel | None, list[tuple[str, int, str]]]:
    """The build model of the project's CMake files; None (and a note) when it gives up."""
    from .resolve.build_model import ModelGaveUp, build_model

    if not cmake:
        return None, []
    switches = {t.cmake for m in registry.modules.values() for t in m.toggles if t.cmake}
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
    # a config template (cmake/config.cmake) is copied into build directories by users, not
    # included by the build: that nothing reaches it is expected, not a blind spot
    templates = set(registry.project.config_templates)
    unreached = "CMake file reached by no add_subdirectory()"
    notes = [n for n in model.notes if not (n[0] in templates and n[2].startswith(unreached))]
    return model, notes


def build_index(
    registry: Registry,
    files: list[str],
    scan: ScanResult,
    tables: Tables | None = None,
    outbound: bool = True,
    source: Callable[[str], str | None] | None = None,
    early: CMakeModel | None = None,
) -> Index:
    """The references between files and modules. With ``outbound`` False, a module's references
    into core (target module ``""``: only ``deps`` and ``summary`` read them) are not built.
    ``source`` gives a file's text now, to read the attribute chains of the few Python files
    where they matter (without it, no chain is followed: a note says so per file). ``early``
    is the build model made while the files were read; it is used if it fits their facts."""
    from .resolve.cmake import resolve_cmake
    from .resolve.includes import normalize
    from .resolve.pynames import AMBIGUOUS

    if tables is None:
        tables = prepare_tables(registry, files)
    dirs = tables.dirs
    modules = list(registry.modules.values())
    membership = tables.membership
    index = Index(registry, files, dirs, membership, scan, tables=tables, source=source)
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
        if not targets and (src is None or not outbound):
            return
        kind, spec, line, evidence, _g, flags = raw
        kind = PUBLIC_KIND.get(kind, kind)
        tc, opt = bool(flags & F.F_TYPE_CHECKING), bool(flags & F.F_OPTIONAL)
        # a module's outbound reference into core has target module "" (core)
        for t in targets or ("",):
            if src_mods and t in src_mods and lang not in KEEP_INSIDE:
                continue  # inside the module (a module's own build files matter to SM007)
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
    if early is None or not early.fits(scan.facts):
        early = cmake_model(registry, scan.facts, file_set, dirs)
    model, model_notes = early.model, early.notes
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
                    included.update(facts[3].get(INCLUDE_NAMES, ()))
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
    more_facts: dict[str, dict[str, F.FileFacts]] = {lang: {} for lang in MORE_LANGS}
    # A core file's reference matters only if it can land in a module (see Reach): checking
    # that first skips resolving the bulk of core-to-core references. A Python name must also
    # reach a module other than the one of the file it is written in.
    reach = tables.reach
    # (name, the modules of the file it is written in) -> whether it may reach another module
    reached: dict[tuple[str, tuple[str, ...]], bool] = {}  # only names that pass Reach

    def reaches(spec: str, path: str) -> bool:
        """Whether a Python name written in ``path`` can resolve to a file of a module other
        than the file's own: a prefix of the dotted name it means must be the dotted name of
        one (a relative name means one in the file's package, where it resolves if at all)."""
        name = py_names.absolute(spec, path) if spec[:1] == "." else spec
        if name is None or not reach.python(name):
            return False
        key = (name, owner.get(path, ()))
        ok = reached.get(key)
        if ok is None:
            ok = reached[key] = reach.python_other(*key)
        return ok

    twins: set[tuple[str, str]] = set()  # (module file, file of core or another module)
    # includes written from the root (<proj/x.h>) that name module files, when include_roots
    # lacks the root: counted per first directory, for one note each (never silent)
    from_root: dict[str, int] | None = None if "" in includes.roots else {}
    for path, facts in scan.facts.items():
        lang = facts[0]
        core = path not in owner
        if lang == "py":
            # attribute chains: only those that can land in a module, but every one of a
            # module's own files when its references into core are built
            if core or not outbound:
                keep: Callable[[str], bool] = partial(reaches, path=path)
            else:
                keep = _every
            for raw in index.python_refs(path, facts, keep):
                if core and not reaches(raw[1], path):
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
                    if target in owner and not raw[5] & F.F_CIMPORT:
                        twin = _python_twin(target, file_set, owner)
                        if twin is not None:
                            twins.add((target, twin))
                            continue
                    add(path, raw, target, raw[4], lang)
        elif lang == "cpp":
            for raw in facts[1]:
                if core and not reach.include(raw[1]):
                    continue
                target = includes.resolve(raw[1], path, bool(raw[5] & F.F_ANGLE))
                if target is not None and (outbound or target in owner):
                    add(path, raw, target, cpp_guard(path, raw[4]), lang)
                elif from_root is not None:
                    at_root = normalize(raw[1].strip())
                    if at_root is not None and at_root in owner and "/" in at_root:
                        top = at_root.split("/", 1)[0]
                        from_root[top] = from_root.get(top, 0) + 1
        elif lang == "cmake":
            cmake_facts[path] = facts
        elif lang in MORE_LANGS:
            more_facts[lang][path] = facts
    for target, twin in sorted(twins):
        mods = ", ".join(f"'{m}'" for m in owner[target])
        index.notes.append(
            (
                target,
                0,
                f"'{twin}' provides the same Python module as this file of module {mods} (one "
                "is compiled when the other is not): imports of it do not depend on the module",
            )
        )
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
        separate = model.separate if model is not None else {}
        own_projects: set[tuple[str, str]] = set()
        for path, items in resolved.items():
            project = separate.get(path)
            in_module = owner.get(project, ()) if project is not None else ()
            for raw, guard, targets in items:
                for target in targets:
                    tmods = owner.get(target, ())
                    if in_module and tmods and all(t in in_module for t in tmods):
                        # a module's own separate CMake project (built on its own, against an
                        # installed core) naming the module's files: not the main build
                        own_projects.update((project or "", t) for t in tmods)
                        continue
                    add(path, raw, target, guard, "cmake")
        for project, mod in sorted(own_projects):
            index.notes.append(
                (
                    project,
                    0,
                    f"a separate CMake project inside module '{mod}' (it calls project() and the "
                    "root CMakeLists.txt reaches it by no add_subdirectory()): what it builds is "
                    "not judged against the toggle",
                )
            )
    _more_languages(index, more_facts, tables, add)
    file_cond = model.file_cond if model is not None else {}
    blind = model.blind if model is not None else {}
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
                flags = F_BLIND if lang == "cmake" and path in blind else 0
                raw = (F.K_PATTERN, "", line, evidence, guard, flags)
                add(path, raw, None, guard, lang, tmod=module)
    # `from a import b, c` names one file through two specs: one reference per place and target
    unique: dict[tuple, Reference] = {}
    for r in index.refs:
        unique.setdefault((r.path, r.line, r.kind, r.target, r.target_module), r)
    index.refs = sorted(unique.values(), key=lambda r: (r.path, r.line, r.kind, r.target or ""))
    if model is not None and model.has_root:
        index.notes.extend(_not_compiled_notes(index, build_cond))
    return index


def _every(_name: str) -> bool:
    return True


def _python_twin(target: str, files: frozenset[str], owner: dict) -> str | None:
    """A ``.py`` and a ``.pyx`` of one name side by side are one Python module built two ways
    (SciPy compiles ``_group_columns.py`` with Pythran, else ``_group_columns.pyx`` with
    Cython): when the other one lies outside ``target``'s modules, deleting them leaves it."""
    dot = target.rfind(".")
    if dot < 0 or target[dot:].lower() not in (".py", ".pyx"):
        return None
    for suffix in (".py", ".pyx"):
        other = target[:dot] + suffix
        if other != target and other in files and owner.get(other) != owner.get(target):
            return other
    return None


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


# ------------------------------------------------------------------------------------------
# Issue 12: TableGen, SWIG, Meson, JVM sources and Maven/sbt builds (one block per language)

MORE_LANGS = ("td", "swig", "meson", "java", "scala", "kotlin", "maven")
AddRef = Callable[..., None]


def _more_languages(
    index: Index, more: dict[str, dict[str, F.FileFacts]], tables: Tables, add: AddRef
) -> None:
    _include_like(more["td"], tables, add, index, tablegen=True)
    _include_like(more["swig"], tables, add, index)
    if more["meson"]:
        _meson(index, more["meson"], tables, add)
    if more["java"] or more["scala"] or more["kotlin"] or more["maven"]:
        _jvm(index, more, tables, add)


def _include_like(
    facts_by_path: dict[str, F.FileFacts],
    tables: Tables,
    add: AddRef,
    index: Index,
    tablegen: bool = False,
) -> None:
    """TableGen and SWIG includes resolve like C/C++ includes; their guards test C names, and a
    macro the build defines only under a condition reads with it there too (faiss's
    swigfaiss.swig tests ``GPU_WRAPPER``, which faiss/python/CMakeLists.txt defines only with
    the GPU on). For TableGen, a ``.td`` file that a TableGen command of the CMake build reads,
    and no other ``.td`` includes, is judged under the condition of that build too."""
    includes = tables.includes
    build_cond = index.build.build_cond if tablegen and index.build is not None else {}
    derived = index.derived
    memo: dict[int, Guard] = {}
    included: set[str] = set()
    if build_cond:
        included = {raw[1].rsplit("/", 1)[-1] for f in facts_by_path.values() for raw in f[1]}
    for path, facts in facts_by_path.items():
        bc = build_cond.get(path)
        if bc is not None and path.rsplit("/", 1)[-1] in included:
            bc = None
        for raw in facts[1]:
            target = includes.resolve(raw[1], path, bool(raw[5] & F.F_ANGLE))
            if target is not None:
                g = with_defines(raw[4], derived, memo)
                add(path, raw, target, g if bc is None else conj(bc, g), "cpp")


def _meson(index: Index, facts: dict[str, F.FileFacts], tables: Tables, add: AddRef) -> None:
    """Meson paths along the subdir() tree; a variable that only module files assign, read by
    another file, is a build dependency on the module."""
    from .resolve.meson import resolve_meson

    res = resolve_meson(facts, frozenset(index.files), tables.dirs)
    index.notes.extend(res.notes)
    owner = tables.membership.owner
    reps = _DirRepresentatives(index)
    for path, raw, guard, target, is_dir in res.refs:
        if raw[0] == F.K_BUILD_DEPENDENCY:
            assigning = sorted(res.assigns.get(raw[1], ()))
            mods = {(owner.get(p) or (None,))[0] for p in assigning}
            if assigning and len(mods) == 1 and None not in mods:
                add(path, raw, assigning[0], guard, "meson")
        elif is_dir:
            for rep in reps.under(target):
                add(path, raw, rep, guard, "meson")
        else:
            add(path, raw, target, guard, "meson")


class _DirRepresentatives:
    """For a directory named by a build file: one file of each module that contains the
    directory. A module merely below it is not referenced: deleting it leaves the directory."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._files: dict[str, list[str]] = {}

    def under(self, directory: str) -> list[str]:
        from bisect import bisect_left

        prefix = directory.rstrip("/") + "/" if directory else ""
        out = []
        for m in sorted(_modules_of_dir(self.index.registry, directory)):
            files = self._files.get(m)
            if files is None:
                files = self._files[m] = self.index.module_files(m)
            k = bisect_left(files, prefix)
            if k < len(files) and files[k].startswith(prefix):
                out.append(files[k])
        return out


def _jvm(
    index: Index, more: dict[str, dict[str, F.FileFacts]], tables: Tables, add: AddRef
) -> None:
    """Maven and sbt build units, then Java/Scala/Kotlin names by package declaration."""
    from .resolve.jvm import build_model

    model = build_model(more["maven"], more["scala"], frozenset(index.files), tables.dirs)
    index.notes.extend(model.notes)
    reps = _DirRepresentatives(index)
    owner = tables.membership.owner
    by_place: dict[tuple[str, F.RawRef], list[str]] = {}
    for path, raw, _guard, target, is_dir in model.refs:
        if not is_dir:
            by_place.setdefault((path, raw), []).append(target)
    for path, raw, guard, target, is_dir in model.refs:
        if not is_dir:
            # a dependency that core also satisfies (two POMs of one artifactId) is no
            # dependency of a core POM on the module
            if path in owner or all(t in owner for t in by_place[(path, raw)]):
                add(path, raw, target, guard, "maven")
            continue
        # an sbt project: the reference belongs to the project that declares it
        source_dir = model.sbt_dirs.get((_sbt_build_root(path), raw[1].partition(">")[0]))
        inside = _modules_of_dir(index.registry, source_dir) if source_dir is not None else set()
        for rep in reps.under(target):
            if not inside.intersection(owner.get(rep, ())):
                add(path, raw, rep, guard, "maven")
    sources: dict[str, dict[str, F.FileFacts]] = {}  # build -> its sources
    outside: dict[str, int] = {}
    for lang in F.JVM_LANGS:
        for path, facts in more[lang].items():
            build = model.build_of(path)
            if build is not None:
                sources.setdefault(build, {})[path] = facts
            elif (
                not path.endswith(".sbt")
                and posixpath.basename(posixpath.dirname(path)) != "project"
            ):
                top = path.split("/", 1)[0] if "/" in path else "."
                outside[top] = outside.get(top, 0) + 1
    for top, count in sorted(outside.items()):
        index.notes.append(
            (
                "",
                0,
                f"{count} JVM source{'s lie' if count != 1 else ' lies'} under '{top}/' outside "
                "every source root the build files declare (pom.xml, sbt); not read as code",
            )
        )
    _jvm_names(index, sources, tables, add)


def _sbt_build_root(path: str) -> str:
    d = posixpath.dirname(path)
    return posixpath.dirname(d) if path.endswith(".scala") else d


def _modules_of_dir(registry: Registry, directory: str) -> set[str]:
    """The modules whose directory entries contain ``directory``."""
    out: set[str] = set()
    probe = directory.rstrip("/") + "/"
    for m in registry.modules.values():
        for entry in m.paths:
            if not any(ch in entry for ch in "*?[") and probe.startswith(entry.rstrip("/") + "/"):
                out.add(m.name)
    return out


def _jvm_names(
    index: Index, builds: dict[str, dict[str, F.FileFacts]], tables: Tables, add: AddRef
) -> None:
    """Names resolve within one build (a Maven reactor, an sbt build): another build of the
    repository compiles against published artifacts, not against these files."""
    from .resolve.jvm import resolve_names

    def emit(path: str, raw: F.RawRef, target: str) -> None:
        add(path, raw, target, None, raw_lang[path])

    raw_lang = {p: f[0] for sources in builds.values() for p, f in sources.items()}
    for sources in builds.values():
        resolve_names(sources, tables.membership.owner, emit, index.notes)
