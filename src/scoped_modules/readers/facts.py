"""Per-file facts: what a reader finds in one file's bytes, before any resolution.

Facts are a pure function of (file bytes, reader version), so they are cached by git blob id.
They are plain tuples of str/int/bool/None (marshal-able, cheap to load).

Raw reference tuple layout (``RawRef``)::

    (kind, spec, line, evidence, guard, flags)

- ``kind``: one of the ``K_*`` constants below.
- ``spec``: the reference as written:
    python-import / python-dynamic: dotted name, relative ones keep their leading dots
        (``..b.c``); ``from a import b`` yields spec ``a.b`` with flag ``F_FROM`` (the resolver
        takes the longest prefix naming a file, so ``a.b`` falls back to ``a``);
        for ``importlib.import_module(".b", package="a")`` the reader joins it to ``a.b``.
    python-attribute: the dotted chain with its first name replaced by the dotted name an
        import binds it to (``import numpy as np`` ... ``np.ma.array`` gives ``numpy.ma.array``;
        ``from . import x`` ... ``x.y`` gives ``.x.y``).
    cpp-include: the include string without delimiters; ``F_ANGLE`` for ``<x>``.
    cmake-path: the literal argument after substituting variables set() to literals earlier in
        the same file; the four directory variables are kept as written, e.g.
        ``${CMAKE_CURRENT_SOURCE_DIR}/src/x.cc`` (the index substitutes them).
    cmake-subdir / cmake-include: the argument of add_subdirectory()/include(), as cmake-path.
- ``line``: 1-based line of the statement.
- ``evidence``: the statement text, one line, stripped, at most 200 characters.
- ``guard``: the condition the reference sits under (``None`` = unconditional), see below.
- ``flags``: bit set of ``F_*``.

Guard expressions (registry-independent; matched against toggle names later)::

    ("v", (NAME, ...))      a name test that is true when the named switch is on: the
                            reader could not tell which of the NAMEs is the toggle, so any of
                            them being one of the toggle's names makes this ``on(T)``
    ("and", e1, e2, ...)    conjunction
    ("or", e1, e2, ...)     disjunction
    ("not", e)              negation (``off(T)`` is ``("not", ("v", names))``)
    ("u",)                  unknown: a condition the reader cannot relate to any switch

Which toggle names a ``"v"`` leaf is compared with depends on the language of the file:
CMake leaves match a toggle's ``cmake`` name; C/C++ leaves its ``define`` or ``cmake``
name; Python leaves any of its names.

File facts tuple (``FileFacts``)::

    (lang, refs, notes, extra)

- ``lang``: ``"py"``, ``"cpp"``, ``"cmake"`` or ``"other"``.
- ``refs``: list of RawRef.
- ``notes``: list of ``(line, message)`` (line 0 when the note concerns the whole file).
- ``extra``: dict of language-specific facts:
    cmake: ``"cmds"``: every command invocation in order, ``(name_lower, line, args, evidence,
        arg_evidence)`` with ``args`` a list of ``(value, quoted, line)`` (escapes resolved,
        variables not substituted), ``evidence`` the whole command on one line (at most 200
        characters) and ``arg_evidence`` None, or for a longer command ``[(line, evidence)]``
        per line holding arguments: what the build model (resolve.build_model) evaluates;
        ``"calls"``: list of ``(command_lower, first_arg, line, guard)`` for every command
        whose first argument is a plain identifier (used for option declarations, set() in
        config templates); ``"glob_vars"``: {line of a GLOB call: the variable it fills};
        ``"var_uses"``: {variable: names of the commands that read ``${variable}``};
    cpp: ``"body_guard"``: guard covering every code line of the file, or None;
        ``"defines"``: sorted names the file ``#define``s (absent when none);
        ``"cmakedefines"``: sorted names a header template ``#cmakedefine``s (absent when none);
    cpp and cmake: ``"segments"``: ``(first line, condition)`` wherever the condition changes
        (None = unconditional, ``guards.DEAD`` = never compiled), for pattern hits;
    py: nothing required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

READER_VERSION = 6

K_PY_IMPORT = "python-import"
K_PY_DYNAMIC = "python-dynamic"
K_PY_ATTR = "python-attribute"
K_CPP_INCLUDE = "cpp-include"
K_CMAKE_PATH = "cmake-path"
K_CMAKE_SUBDIR = "cmake-subdir"  # add_subdirectory(d): reported as cmake-path to d/CMakeLists.txt
K_CMAKE_INCLUDE = "cmake-include"  # include(f): reported as cmake-path; also the CMake graph
K_PATTERN = "pattern"

F_TYPE_CHECKING = 1  # python: under `if TYPE_CHECKING:`
F_OPTIONAL = 2  # python: inside `try:` whose handlers catch ImportError/ModuleNotFoundError
F_FROM = 4  # python: from-import, spec is `module.name`
F_CIMPORT = 8  # python: Cython cimport (prefers .pxd)
F_ANGLE = 16  # cpp: #include <x>
F_GLOB = 32  # cmake: argument of file(GLOB ...) or wrappers: a glob to expand
F_GLOB_RECURSE = 64  # cmake: argument of a GLOB_RECURSE call
F_FUNC = 128  # python: inside a function body

RawRef = tuple[str, str, int, str, Any, int]
FileFacts = tuple[str, list[RawRef], list[tuple[int, str]], dict[str, Any]]

PY_SUFFIXES = (".py", ".pyi", ".pyx", ".pxd")
CPP_SUFFIXES = (
    ".c",
    ".cc",
    ".cpp",
    ".cxx",
    ".c++",
    ".h",
    ".hh",
    ".hpp",
    ".hxx",
    ".cu",
    ".cuh",
    ".inl",
    ".ipp",
    ".m",
    ".mm",
)
CPP_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".c++", ".cu", ".m", ".mm")


# Header templates that configure_file() turns into headers (``config.h.in``).
HEADER_TEMPLATE_SUFFIXES = (".h.in", ".hh.in", ".hpp.in", ".hxx.in")


def language_of(path: str) -> str:
    """The reader for a root-relative path, by file name."""
    name = path.rsplit("/", 1)[-1]
    if name == "CMakeLists.txt" or name.endswith(".cmake"):
        return "cmake"
    if name.endswith(HEADER_TEMPLATE_SUFFIXES):
        return "cpp"
    dot = name.rfind(".")
    if dot < 0:
        return "other"
    suffix = name[dot:].lower() if name[dot:] != ".C" else ".cc"
    if suffix in PY_SUFFIXES:
        return "py"
    if suffix in CPP_SUFFIXES:
        return "cpp"
    return "other"


def evidence_text(text: str) -> str:
    """Normalise a statement to one evidence line."""
    one = " ".join(text.split())
    return one if len(one) <= 200 else one[:197] + "..."


# module name -> its `references` regexes
Patterns = dict[str, list[str]]
# (line, module, evidence, guard): the guard is the condition the matched line sits under
PatternHit = tuple[int, str, str, Any]


@dataclass
class ScanResult:
    facts: dict[str, FileFacts]
    hits: dict[str, list[PatternHit]]
    notes: list[tuple[str, int, str]] = field(default_factory=list)
