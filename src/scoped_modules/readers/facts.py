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
        ``from . import x`` ... ``x.y`` gives ``.x.y``). Not in the facts: the Python reader
        lists only their dotted names (``extra["chains"]``), the index reads the chains of
        the few files where one of those can reach a module (``readers.python.python_refs``).
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

- ``lang``: ``"py"``, ``"cpp"``, ``"cmake"``, ``"td"`` (TableGen), ``"swig"``, ``"meson"``,
  ``"java"``, ``"scala"`` (also ``.sbt``), ``"kotlin"``, ``"maven"`` (``pom.xml``) or
  ``"other"``.
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
    py: ``"chains"``: the sorted dotted names (as python-attribute specs) that the file's
        attribute chains may have, a superset of them (absent when none).
    td and swig: ``"segments"``; swig: ``"module"``: the ``%module`` name or None; td:
        ``"body_guard"`` as for cpp (absent when some statement is unconditional).
    meson: see ``readers.meson``; java, scala, kotlin: see ``readers.jvm``; maven: see ``readers.maven``.

Specs of the kinds added for issue 12: tablegen-include and swig-include as cpp-include
(``F_ANGLE`` for ``<x>``); meson-path a path relative to the meson.build's directory (``subdir``
gives ``x/meson.build``); jvm-import a dotted name (``F_WILDCARD``: every member of it,
``F_RELATIVE``: Scala, may be relative); jvm-name a dotted name in code or, with ``F_SIMPLE``,
a simple type name; build-dependency / build-module per reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

READER_VERSION = 9

K_PY_IMPORT = "python-import"
K_PY_DYNAMIC = "python-dynamic"
K_PY_ATTR = "python-attribute"
K_CPP_INCLUDE = "cpp-include"
K_CMAKE_PATH = "cmake-path"
K_CMAKE_SUBDIR = "cmake-subdir"  # add_subdirectory(d): reported as cmake-path to d/CMakeLists.txt
K_CMAKE_INCLUDE = "cmake-include"  # include(f): reported as cmake-path; also the CMake graph
K_PATTERN = "pattern"
# TableGen, SWIG (issue 12): resolved like quoted C/C++ includes
K_TD_INCLUDE = "tablegen-include"  # `include "x.td"` in a .td file
K_SWIG_INCLUDE = "swig-include"  # `%include`/`%import` in a SWIG interface (#include in %{ %}: cpp)
# Meson: a path literal or subdir() of a meson.build, relative to its directory
K_MESON_PATH = "meson-path"  # checked to exist at configure time (SM003)
K_MESON_BUILD = "meson-build"  # a command compiles or ships the path (SM007, like cmake-path)
# JVM sources: imports and fully qualified names, resolved by package declarations
K_JVM_IMPORT = "jvm-import"
K_JVM_NAME = "jvm-name"
# Build files (Maven, sbt, Meson variables): one build unit depends on another / lists it
K_BUILD_DEPENDENCY = "build-dependency"  # <dependency>, <parent>, dependsOn(...), a variable
K_BUILD_MODULE = (
    "build-module"  # <module>, aggregate(...): builds the unit (SM007, like cmake-path)
)
# references SM003 does not judge: they say what the build builds (SM007's business)
BUILD_PATH_KINDS = frozenset({K_CMAKE_PATH, K_MESON_BUILD, K_BUILD_MODULE})

F_TYPE_CHECKING = 1  # python: under `if TYPE_CHECKING:`
F_OPTIONAL = 2  # python: inside `try:` whose handlers catch ImportError/ModuleNotFoundError
F_FROM = 4  # python: from-import, spec is `module.name`
F_CIMPORT = 8  # python: Cython cimport (prefers .pxd)
F_ANGLE = 16  # cpp: #include <x>
F_GLOB = 32  # cmake: argument of file(GLOB ...) or wrappers: a glob to expand
F_GLOB_RECURSE = 64  # cmake: argument of a GLOB_RECURSE call
F_FUNC = 128  # python: inside a function body
F_BUILDS = 256  # meson, maven, sbt: the reference makes the build compile or ship its target
F_WILDCARD = 512  # jvm: `import a.b.*` / `import a.b._`: the spec is a package or type
F_RELATIVE = 1024  # jvm (Scala): the import may be relative to the enclosing packages
F_SIMPLE = 2048  # jvm: a simple type name used in code (same package or a wildcard import)
F_SUBDIR = 4096  # meson: subdir('x'), spec x/meson.build

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
JVM_SUFFIXES = (".java", ".scala", ".kt", ".sbt")
MESON_FILES = ("meson.build", "meson.options", "meson_options.txt")


# Header templates that configure_file() turns into headers (``config.h.in``).
HEADER_TEMPLATE_SUFFIXES = (".h.in", ".hh.in", ".hpp.in", ".hxx.in")


def language_of(path: str) -> str:
    """The reader for a root-relative path, by file name."""
    name = path.rsplit("/", 1)[-1]
    if name == "CMakeLists.txt" or name.endswith(".cmake"):
        return "cmake"
    if name.endswith(HEADER_TEMPLATE_SUFFIXES):
        return "cpp"
    if name in MESON_FILES:
        return "meson"
    if name == "pom.xml":
        return "maven"
    dot = name.rfind(".")
    if dot < 0:
        return "other"
    suffix = name[dot:].lower() if name[dot:] != ".C" else ".cc"
    if suffix in PY_SUFFIXES:
        return "py"
    if suffix in CPP_SUFFIXES:
        return "cpp"
    return _OTHER_SUFFIXES.get(suffix, "other")


_OTHER_SUFFIXES = {
    ".td": "td",
    ".i": "swig",
    ".swig": "swig",
    ".java": "java",
    ".scala": "scala",
    ".sbt": "scala",
    ".kt": "kotlin",
}
JVM_LANGS = ("java", "scala", "kotlin")


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
    # set when ``facts`` hold only what the index reads of each file: a file's whole facts,
    # and what of them ``facts`` keeps (the view, see ``index.index_view``)
    full: Callable[[str], FileFacts | None] | None = None
    view: Callable[[str, FileFacts], FileFacts] | None = None


_COMMENT_EDGE = re.compile(r"/\*|\*/")


def block_comment_end(text: str, start: int, nested: bool) -> int:
    """The offset just after the ``*/`` that closes a block comment whose ``/*`` ends at
    ``start`` (``nested``: an inner ``/*`` opens another level, as in Scala, Kotlin and
    TableGen); ``len(text)`` when the comment is never closed."""
    depth, end = 1, start
    while depth:
        edge = _COMMENT_EDGE.search(text, end)
        if edge is None:
            return len(text)
        end = edge.end()
        if edge.group(0) == "*/":
            depth -= 1
        elif nested:
            depth += 1
    return end
