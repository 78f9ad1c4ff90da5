"""The CMake build model: what the build compiles, and under which condition (SPEC §3.3).

The per-file facts of every CMake file hold its command stream (``extra["cmds"]``). This pass
evaluates those streams symbolically from the root ``CMakeLists.txt``, every toggle a free
boolean: ``add_subdirectory``/``include``/``find_package`` are followed, functions and macros
are expanded with their arguments, variables hold lists whose items each carry the condition
under which they are there, ``if()`` conditions are computed from those values, ``return()``
guards the rest of its file or function, ``foreach`` runs over known lists, ``file(GLOB)`` is
evaluated against the file tree. It yields:

- every ``cmake-path`` reference with the condition under which the command that holds it
  runs, and the references of *building* commands (``add_library``, ``add_executable``,
  ``target_sources``, ``cuda_add_library``, commands the model does not know) marked
  ``F_BUILD`` and placed at the command of the processed file that causes them (the call of a
  helper function, not the helper's body);
- the **build condition** of every source file: the OR of the conditions of every building
  command that compiles it (LLVM's and MLIR's commands included: ``add_mlir_library`` compiles
  what its ``cmake_parse_arguments`` levels leave unparsed, ``mlir_tablegen`` and
  ``add_mlir_dialect`` read a ``.td`` file, which is then built, ``F_TABLEGEN``);
- the condition under which each CMake file is processed, and the macros the build defines
  (``add_definitions(-DX)``, ``target_compile_definitions``, ``#cmakedefine`` in configured
  headers) with the condition under which it does, and where (:class:`DefineSite`: SM006
  judges a ``define`` toggle from them).

What the model cannot decide stays unknown, and unknown implies nothing: a fresh unknown atom
in a condition, an unknown value (not a path), a note where a construct was not understood.
A CMake file reached by nothing is read on its own, unconditionally, and noted; one that only
an add_subdirectory()/include() the model could not evaluate may reach (``foreach(t ${LIST})
add_subdirectory(${t})``) is read on its own under what those calls' conditions share AND an
unknown, its references marked ``F_BLIND`` (the rules make notes of them). Conditions
only ever get *stronger* than the lexical ones when the build really needs them: a value set
or appended under ``if(C)`` keeps ``C``; a file processed only under ``C`` passes ``C`` on.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count, product, repeat
from typing import Any

from ..readers.cmake import (
    _FIRST_IS_NAME,
    _KEYWORD,
    _NO_PATH_COMMANDS,
    PLACEHOLDER,
    CondEnv,
    _truth_of_text,
    parse_condition,
)
from ..readers.facts import (
    CPP_SOURCE_SUFFIXES,
    F_GLOB,
    F_GLOB_RECURSE,
    K_CMAKE_INCLUDE,
    K_CMAKE_PATH,
    K_CMAKE_SUBDIR,
    FileFacts,
    RawRef,
)
from ..readers.guards import Guard
from .cmake import Resolved, _Resolver, _Tree

F_BUILD = 1 << 16  # a reference that a building command compiles (Reference.flags)
F_TABLEGEN = 1 << 17  # with F_BUILD: a .td (or .pdll) file a TableGen command reads
# a reference of a CMake file that no evaluated add_subdirectory()/include() reaches, read
# because one the model could not evaluate may (``BuildModel.blind`` says which)
F_BLIND = 1 << 18

ROOT = "/__scoped_source__"  # CMAKE_SOURCE_DIR inside the model
BUILD = "/__scoped_build__"  # CMAKE_BINARY_DIR: nothing there is scanned

MAX_STEPS = 3_000_000  # commands evaluated in one run before the model gives up
MAX_DEPTH = 48  # nested files, functions and macros
MAX_ITEMS = 5_000  # foreach iterations of one loop
MAX_ALTS = 24  # alternatives of one expanded string
MAX_VALUE = 20_000  # items of one variable

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFINE_FLAG = re.compile(r"(?:^|[\s;\"'])[-/]D\s*([A-Za-z_]\w*)")
# `-DNAME` written literally in an argument whose expansion is unknown (`"${FLAGS} -DNAME"`)
_RAW_DEFINE_FLAG = re.compile(r"(?:^|[\s;\"'])[-/]D\s*([A-Za-z_]\w*)(?![\w$])")
# `NAME=${VALUE}` given to add_compile_definitions(): the name is literal, the value is not
_RAW_VALUED_DEFINE = re.compile(r"(?:[-/]D)?([A-Za-z_]\w*)=")
_SYCL_FLAG = re.compile(r"(?:^|[\s;\"'])-fsycl(?:$|[\s;\"'])")  # SYCL mode, not -fsycl-targets
_GLOB_CHARS = re.compile(r"[*?\[]")
# The inputs of try-compile checks (check_c_source_compiles() and kin), whose results the model
# does not know anyway: never followed, so that a macro saving, extending and restoring them
# under conditions in a loop (ggml's FindSIMD.cmake) does not grow their values call after
# call (it cost ggml's model 5 s of its 7). Read, each is a free unknown, as a switch.
_CHECK_INPUTS = frozenset(
    "CMAKE_REQUIRED_" + s
    for s in ("FLAGS", "DEFINITIONS", "INCLUDES", "LIBRARIES", "LINK_OPTIONS", "QUIET")
)

# Commands that compile the sources they name.
_BUILDING = frozenset(
    {"add_library", "add_executable", "target_sources", "cuda_add_library", "cuda_add_executable"}
)
# Commands of CMake and of its standard modules: none of them compiles a path it is given
# (the building ones above excepted). A command outside this set that the project does not
# define itself (``pybind11_add_module``) is taken to build what it names.
_KNOWN = frozenset(
    """
    block break cmake_host_system_information cmake_language cmake_minimum_required
    cmake_parse_arguments cmake_path cmake_policy configure_file continue else elseif endblock
    endforeach endfunction endif endmacro endwhile execute_process file find_file find_library
    find_package find_path find_program foreach function get_cmake_property
    get_directory_property get_filename_component get_property if include include_guard list
    macro mark_as_advanced math message option return separate_arguments set
    set_directory_properties set_property site_name string unset variable_watch while
    add_compile_definitions add_compile_options add_custom_command add_custom_target
    add_definitions add_dependencies add_link_options add_subdirectory add_test
    aux_source_directory build_command create_test_sourcelist define_property enable_language
    enable_testing export fltk_wrap_ui get_source_file_property get_target_property
    get_test_property include_directories include_external_msproject include_regular_expression
    install link_directories link_libraries load_cache project remove_definitions
    set_source_files_properties set_target_properties set_tests_properties source_group
    target_compile_definitions target_compile_features target_compile_options
    target_include_directories target_link_directories target_link_libraries target_link_options
    target_precompile_headers try_compile try_run build_name exec_program
    export_library_dependencies install_files install_programs install_targets load_command
    make_directory output_required_files qt_wrap_cpp qt_wrap_ui remove subdir_depends subdirs
    use_mangled_mesa utility_source variable_requires write_file
    check_c_compiler_flag check_cxx_compiler_flag check_compiler_flag check_linker_flag
    check_c_source_compiles check_cxx_source_compiles check_source_compiles
    check_c_source_runs check_cxx_source_runs check_source_runs check_include_file
    check_include_files check_include_file_cxx check_function_exists check_symbol_exists
    check_cxx_symbol_exists check_library_exists check_type_size check_struct_has_member
    check_language check_ipo_supported check_variable_exists check_prototype_definition
    check_fortran_compiler_flag check_fortran_source_compiles check_fortran_function_exists
    cmake_dependent_option cmake_push_check_state cmake_pop_check_state cmake_reset_check_state
    find_package_handle_standard_args find_package_message find_dependency
    fetchcontent_declare fetchcontent_makeavailable fetchcontent_populate
    fetchcontent_getproperties externalproject_add externalproject_get_property
    externalproject_add_step externalproject_add_steptargets write_basic_package_version_file
    configure_package_config_file gtest_discover_tests gtest_add_tests
    select_library_configurations cpack_add_component cpack_add_component_group
    feature_summary set_package_properties add_feature_info print_enabled_features
    pkg_check_modules pkg_search_module pkg_get_variable cmake_print_variables
    cmake_print_properties generate_export_header test_big_endian cmake_determine_compile_features
    check_cxx_accepts_flag check_pie_supported
    """.split()  # noqa: SIM905 - a word list reads better than 190 quoted strings
)
# Commands of CMake that may write a variable named by a bare argument.
_WRITER_PREFIXES = ("check_", "cmake_path", "cmake_host_system_information", "site_name", "get_")
# Commands that read a variable named by a bare argument rather than write it.
_READS_ONLY = frozenset(
    {"if", "elseif", "while", "message", "option", "add_subdirectory", "include", "return"}
)


# ------------------------------------------------------------------------------------------
# Conditions: True, False, or a guard expression (readers.guards) whose nodes are interned,
# so that equal conditions are the same object: ``a is b`` decides equality, sets of ids
# find duplicates and contradictions in O(1). Unknown atoms are ("u", n), each its own.
# A condition that grows past MAX_COND nodes is weakened: its large parts become one fresh
# unknown (which a later reader may choose freely, so nothing true is lost).

MAX_COND = 400
_ids = count(1)
_NODES: dict[tuple, tuple] = {}
_SIZES: dict[int, int] = {}
_SEQ: dict[int, int] = {}  # creation order: a canonical order that is the same every run
_JOINS: dict[tuple[str, int, int], Any] = {}  # (tag, id, id) -> what _combine made of them
_WEAK: dict[int, Any] = {}  # id of a condition too large -> the weaker one it became


def _order(n: Any) -> int:
    return _SEQ.get(id(n), 0)


def _intern(key: tuple, node: tuple, size: int) -> tuple:
    _NODES[key] = node
    _SIZES[id(node)] = size
    _SEQ[id(node)] = len(_SEQ) + 1
    return node


def _node(tag: str, *kids: Any) -> tuple:
    key = (tag, *[id(k) for k in kids])
    got = _NODES.get(key)
    if got is None:
        got = _intern(key, (tag, *kids), 1 + sum(_SIZES.get(id(k), 1) for k in kids))
    return got


def _var(names: tuple) -> tuple:
    key = ("v", names)
    got = _NODES.get(key)
    if got is None:
        got = _intern(key, ("v", names), 1)
    return got


def _fresh() -> tuple:
    n = next(_ids)
    return _intern(("u", n), ("u", n), 1)


def _canon(g: Any, memo: dict[int, Any] | None = None, depth: int = 0) -> Any:
    """A reader's condition as interned nodes (each of its unknown atoms a fresh one)."""
    if g is True or g is False or id(g) in _SIZES:
        return g
    if depth > 200:
        return _fresh()  # deeper than any real condition: unknown
    if memo is None:
        memo = {}
    got = memo.get(id(g))
    if got is not None:
        return got
    tag = g[0]
    if tag == "v":
        out: Any = _var(tuple(g[1]))
    elif tag == "u":
        out = _fresh()
    elif tag == "not":
        out = _not(_canon(g[1], memo, depth + 1))
    elif tag in ("and", "or"):
        out = tag == "and"
        for k in g[1:]:
            c = _canon(k, memo, depth + 1)
            out = _and(out, c) if tag == "and" else _or(out, c)
    else:
        out = _fresh()
    memo[id(g)] = out
    return out


def _not(a: Any) -> Any:
    if a is True:
        return False
    if a is False:
        return True
    if a[0] == "not":
        return a[1]
    return _node("not", a)


def _negation(a: tuple) -> Any:
    """``NOT a`` if that node exists already, else None: only an existing node can be among
    the operands of a combination (``_not`` would intern a new one on every test, which cost
    half of ggml's build model)."""
    if a[0] == "not":
        return a[1]
    return _NODES.get(("not", id(a)))


def _combine(tag: str, a: Any, b: Any) -> Any:
    """``a AND b`` or ``a OR b`` of two nodes, flattened, deduplicated and in canonical order.

    Memoised on the operands' identities: the model joins the same two conditions again and
    again (a value read under the same branch, the same call condition), and a combination
    is a pure function of its (interned) operands, its weakening included (``_weaken``)."""
    key = (tag, id(a), id(b))
    got = _JOINS.get(key)
    if got is not None:
        return got
    xs = list(a[1:]) if a[0] == tag else [a]
    ys = b[1:] if b[0] == tag else (b,)
    if len(xs) + len(ys) > 24:
        n = _JOINS[key] = _weaken(_node(tag, a, b))
        return n
    seen = set(map(id, xs))
    get = _NODES.get
    # the sizes of the parts, kept as they are added (a node's size is one more than theirs)
    parts = _SIZES[id(a)] - 1 if a[0] == tag else _SIZES.get(id(a), 1)
    for y in ys:
        iy = id(y)
        if iy in seen:
            continue
        neg = y[1] if y[0] == "not" else get(("not", iy))
        if neg is not None and id(neg) in seen:
            _JOINS[key] = out = tag == "or"  # x AND NOT x is false, x OR NOT x is true
            return out
        seen.add(iy)
        xs.append(y)
        parts += _SIZES.get(iy, 1)
    if tag == "and":
        # A AND B AND NOT (A AND B) is false: a negated conjunction whose parts all hold
        for x in xs:
            if x[0] == "not" and x[1][0] == "and" and seen.issuperset(map(id, x[1][1:])):
                _JOINS[key] = False
                return False
    if len(xs) == 1:
        _JOINS[key] = xs[0]
        return xs[0]
    xs.sort(key=_order)
    nkey = (tag, *[id(x) for x in xs])
    made = get(nkey)
    n = _intern(nkey, (tag, *xs), 1 + parts) if made is None else made
    n = _JOINS[key] = _weaken(n)
    return n


def _weaken(n: tuple) -> Any:
    """``n`` itself, or, past MAX_COND nodes, its small parts and one unknown standing for
    the large ones: the same unknown for the same condition (it stands for those parts, so
    two weakenings of one condition are one fact), a fresh one for any other."""
    if _SIZES[id(n)] <= MAX_COND:
        return n
    got = _WEAK.get(id(n))
    if got is not None:
        return got
    small = [k for k in n[1:] if _SIZES.get(id(k), 1) <= MAX_COND // 8]
    if n[0] in ("and", "or") and small:
        small.append(_fresh())
        small.sort(key=_order)
        out = _node(n[0], *small)
    else:
        out = _fresh()
    _WEAK[id(n)] = out
    return out


def _join2(tag: str, a: Any, b: Any) -> Any:
    """AND (``tag`` "and") or OR of two conditions, constants folded."""
    absorbing = tag == "or"  # False absorbs an AND, True an OR
    if a is absorbing or b is absorbing:
        return absorbing
    if a is (not absorbing):
        return b
    if b is (not absorbing) or a is b:
        return a
    return _combine(tag, a, b)


def _and(a: Any, b: Any) -> Any:
    return _join2("and", a, b)


def _or(a: Any, b: Any) -> Any:
    return _join2("or", a, b)


def _or_factored(a: Any, b: Any) -> Any:
    """``a OR b`` with the conjuncts they share kept outside: ``(P AND x) OR (P AND y)`` is
    ``P AND (x OR y)``. A macro defined in many places (xgboost passes ``-fsycl`` to six
    targets, each under PLUGIN_SYCL and conditions of its own) then keeps ``P`` however far
    the rest grows, instead of growing past ``MAX_COND`` and being weakened into an unknown."""
    if a is True or b is True or a is False or b is False:
        return _or(a, b)
    xs = a[1:] if a[0] == "and" else (a,)
    ys = b[1:] if b[0] == "and" else (b,)
    in_b = {id(y) for y in ys}
    common = [x for x in xs if id(x) in in_b]
    if not common:
        return _or(a, b)
    shared = {id(x) for x in common}
    out = _or(
        _and_parts([x for x in xs if id(x) not in shared]),
        _and_parts([y for y in ys if id(y) not in shared]),
    )
    if out is False:
        return False
    width = (len(out) - 1 if out[0] == "and" else 1) if out is not True else 0
    if width + len(common) <= 24 and _SIZES.get(id(out), 1) + _weight(common) < MAX_COND:
        # small enough that the fold below never weakens: one join gives what it would
        return _and(out, _and_parts(common))
    for x in common:
        out = _and(out, x)
    return out


def _weight(parts: list) -> int:
    return sum(map(_SIZES.get, map(id, parts), repeat(1)))


def _and_parts(parts: list) -> Any:
    """The conjunction of ``parts``, some of the conjuncts of one condition (so none
    contradicts another): what ``_and`` folded over them gives, without making a node for
    each step (the fold made ``_or_factored`` quadratic: 64,000 joins for ggml's 6,900
    definitions under shared conditions). Parts that a fold would flatten or weaken are
    folded as before."""
    if len(parts) < 2:
        return parts[0] if parts else True
    if 1 + _weight(parts) > MAX_COND or any(p[0] == "and" for p in parts):
        out: Any = True
        for p in parts:
            out = _and(out, p)
        return out
    parts.sort(key=_order)
    return _node("and", *parts)


def _guard(c: Any) -> Guard:
    """A condition as a reference guard: None when always true."""
    return None if c is True else ("not", ("and",)) if c is False else c


# ------------------------------------------------------------------------------------------
# Values: a CMake variable holds a list; each item carries the condition under which it is
# there. An item the model could not work out is an ``_Unk``.


class _Unk:
    __slots__ = ("truth", "name", "base")

    def __init__(self, truth: Any, name: str | None = None, base: _Unk | None = None) -> None:
        self.truth = truth  # how if() reads it
        self.name = name  # the variable it is the untouched value of, if any
        # the unknown it was made from where it is not that value itself (``_part``), else
        # itself: only an unknown that is its own base is one value wherever it is met
        self.base: _Unk = self if base is None else base

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<unknown {self.name or ''}>"


Text = str | _Unk
Item = tuple[Text, Any]
Value = tuple[Item, ...]
_EMPTY: Value = ()


def _unk() -> _Unk:
    return _Unk(_fresh())


def _part(t: Text) -> Text:
    """What the model keeps of an unknown value where the value made from it may differ (a
    transformation the model does not compute, an item a list may have split into): read
    as before (the same truth, the same variable), but no longer that value itself, so that
    no test of it is taken for a test of the value it was made from."""
    return _Unk(t.truth, t.name, t.base) if isinstance(t, _Unk) else t


def _untouched(value: Value, name: str, syms: dict[str, _Unk]) -> bool:
    """Whether ``value`` is the untouched value of variable ``name`` (a free switch)."""
    if len(value) != 1 or value[0][1] is not True:
        return False
    t = value[0][0]
    return isinstance(t, _Unk) and t.base is syms.get(name)


def _joined(value: Value) -> list[tuple[Text, Any]]:
    """The alternatives of a value read as one string (``"${X}"``, ``${X}/suffix``)."""
    if not value:
        return [("", True)]
    if all(c is True for _t, c in value):
        if any(isinstance(t, _Unk) for t, _c in value):
            return [(value[0][0] if len(value) == 1 else _unk(), True)]
        return [(";".join(t for t, _c in value), True)]  # type: ignore[misc]
    if len(value) > 8:
        return [(_unk(), True)]
    out: list[tuple[Text, Any]] = [(t, c) for t, c in value]
    none: Any = True
    for _t, c in value:
        none = _and(none, _not(c))
    if none is not False:
        out.append(("", none))
    return out


def _alone(alts: list[tuple[Text, Any]], k: int) -> bool:
    """Whether alternative ``k`` of a value read as one string holds only where no other does:
    the string is then that item (``_joined`` takes items that may be there together as
    alternatives, which reads as one an item that is only part of the string)."""
    c = alts[k][1]
    return all(j == k or _and(c, cj) is False for j, (_t, cj) in enumerate(alts))


def _truth(value: Value) -> Any:
    """``if(NAME)`` of a variable holding ``value``."""
    out: Any = False
    for t, c in value:
        out = _or(out, _and(c, t.truth if isinstance(t, _Unk) else _truth_of_text(t)))
    return out


# ------------------------------------------------------------------------------------------
# Strings with variable references and generator expressions


class _Ref:
    __slots__ = ("kind", "name")

    def __init__(self, kind: str, name: list) -> None:
        self.kind = kind  # "" (${}), "ENV", "CACHE"
        self.name = name  # segments


class _Genex:
    __slots__ = ("parts",)

    def __init__(self, parts: list[list]) -> None:
        self.parts = parts  # head, then the arguments split at ':' and ','


_PARSED: dict[str, list] = {}


def _parse(s: str) -> list:
    got = _PARSED.get(s)
    if got is None:
        got, _end = _parse_at(s, 0, "")
        if len(_PARSED) < 200_000:
            _PARSED[s] = got
    return got


def _parse_at(s: str, i: int, stop: str) -> tuple[list, int]:
    """Segments of ``s`` from ``i`` up to a character in ``stop`` (at depth 0)."""
    out: list = []
    buf: list[str] = []
    n = len(s)
    while i < n:
        ch = s[i]
        if ch in stop:
            break
        if ch == "$" and i + 1 < n:
            kind = None
            j = i + 1
            if s[j] == "{":
                kind, j = "", j + 1
            elif s.startswith("ENV{", j):
                kind, j = "ENV", j + 4
            elif s.startswith("CACHE{", j):
                kind, j = "CACHE", j + 6
            if kind is not None:
                name, k = _parse_at(s, j, "}")
                if k < n:
                    if buf:
                        out.append("".join(buf))
                        buf = []
                    out.append(_Ref(kind, name))
                    i = k + 1
                    continue
            elif s[j] == "<":
                parts: list[list] = []
                k = j + 1
                closed = False
                while k <= n:
                    seg, k = _parse_at(s, k, ":,>")
                    parts.append(seg)
                    if k >= n:
                        break
                    if s[k] == ">":
                        closed = True
                        break
                    k += 1
                if closed:
                    if buf:
                        out.append("".join(buf))
                        buf = []
                    out.append(_Genex(parts))
                    i = k + 1
                    continue
        buf.append(ch)
        i += 1
    if buf:
        out.append("".join(buf))
    return out, i


def _literal(segs: list) -> str | None:
    if not segs:
        return ""
    if len(segs) == 1 and isinstance(segs[0], str):
        return segs[0]
    return None


# ------------------------------------------------------------------------------------------
# Evaluation state


class _Scope:
    __slots__ = ("vars", "parent")

    def __init__(self, parent: _Scope | None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent

    def get(self, name: str) -> Value | None:
        s: _Scope | None = self
        while s is not None:
            got = s.vars.get(name)
            if got is not None:
                return got
            s = s.parent
        return None


class _File:
    """A CMake file's commands with their block structure."""

    __slots__ = ("path", "cmds", "ends", "branches", "is_project")

    def __init__(self, path: str, cmds: list) -> None:
        self.path = path
        self.cmds = cmds
        self.ends: dict[int, int] = {}
        self.branches: dict[int, list[int]] = {}
        self.is_project = False
        openers = {
            "foreach": "endforeach",
            "while": "endwhile",
            "function": "endfunction",
            "macro": "endmacro",
            "block": "endblock",
        }
        closers = {v: k for k, v in openers.items()}
        stack: list[tuple[str, int]] = []
        for i, c in enumerate(cmds):
            name = c[0]
            if name == "project":
                self.is_project = True
            if name == "if" or name in openers:
                stack.append((name, i))
                if name == "if":
                    self.branches[i] = [i]
            elif name in ("elseif", "else"):
                if stack and stack[-1][0] == "if":
                    self.branches[stack[-1][1]].append(i)
            elif name == "endif" or name in closers:
                want = "if" if name == "endif" else closers[name]
                if stack and stack[-1][0] == want:
                    _kind, start = stack.pop()
                    if want == "if":
                        self.branches[start].append(i)
                    else:
                        self.ends[start] = i
        for name, start in stack:  # not closed: the block runs to the end of the file
            if name == "if":
                self.branches[start].append(len(cmds))
            else:
                self.ends[start] = len(cmds)


# Commands whose effect stays inside a function's own scope (or is a message): a function
# made of these alone changes nothing the model follows, and its calls are not expanded.
_LOCAL_ONLY = frozenset(
    """
    set unset string list math get_filename_component cmake_path message source_group
    cmake_parse_arguments if elseif else endif foreach endforeach while endwhile break continue
    return
    """.split()  # noqa: SIM905 - a word list
)
_LOCAL_FILE_SUBCOMMANDS = frozenset(
    {"RELATIVE_PATH", "TO_CMAKE_PATH", "TO_NATIVE_PATH", "REAL_PATH", "READ", "STRINGS", "SIZE"}
)


class _Def:
    __slots__ = ("kind", "params", "file", "lo", "hi", "local")

    def __init__(self, kind: str, params: list[str], file: _File, lo: int, hi: int) -> None:
        self.kind = kind
        self.params = params
        self.file = file
        self.lo = lo
        self.hi = hi
        # a function whose body only computes local variables (IDE grouping, padding
        # strings): calling it changes nothing outside, so the model does not run it
        self.local = kind == "function" and all(_local_only(c) for c in file.cmds[lo:hi])

    def same_as(self, other: _Def) -> bool:
        """The same body: the same command of the same file, with the same parameters."""
        return (
            self.file.path == other.file.path
            and self.lo == other.lo
            and self.hi == other.hi
            and self.kind == other.kind
            and self.params == other.params
        )


def _local_only(cmd: tuple) -> bool:
    name, args = cmd[0], cmd[2]
    words = {a[0] for a in args if not a[1]}
    if "PARENT_SCOPE" in words or "CACHE" in words:
        return False
    if name == "file":
        return bool(args) and args[0][0] in _LOCAL_FILE_SUBCOMMANDS
    return name in _LOCAL_ONLY


class _Frame:
    """A file or function being processed: ``ret`` is the condition (relative to ``base``)
    under which a ``return()`` was reached in it."""

    __slots__ = ("base", "ret", "file", "fdef")

    def __init__(self, base: Any, file: _File, fdef: _Def | None = None) -> None:
        self.base = base
        self.ret: list[Any] = [False]
        self.file = file  # the CMake file being processed (CMAKE_CURRENT_LIST_FILE)
        self.fdef = fdef


class _Env:
    __slots__ = (
        "scope",
        "src",
        "frame",
        "mbind",
        "kills",
        "pc",
        "site",
        "loop",
        "standalone",
        "code",
        "memo",
    )

    def __init__(
        self,
        scope: _Scope,
        src: str,
        frame: _Frame,
        site: tuple | None,
        standalone: bool,
        mbind: dict[str, Value] | None = None,
    ) -> None:
        self.scope = scope
        self.src = src  # CMAKE_CURRENT_SOURCE_DIR, root-relative
        self.frame = frame
        self.mbind = mbind  # macro arguments, substituted as text
        self.kills: tuple[list[Any], ...] = (frame.ret,)
        self.pc: Any = True  # if() branches and loop items within the frame
        self.site = site  # the command of the processed file this evaluation serves
        self.loop: tuple[list[Any], list[Any]] | None = None  # (break, continue)
        self.standalone = standalone
        self.code = frame.file.path  # the file whose commands run (a function's own file)
        self.memo: tuple = ()  # (pc, kill conditions, eff, absolute pc) last computed

    def copy(self) -> _Env:
        e = _Env.__new__(_Env)
        e.scope, e.src, e.frame, e.mbind = self.scope, self.src, self.frame, self.mbind
        e.kills, e.pc, e.site, e.loop = self.kills, self.pc, self.site, self.loop
        e.standalone, e.code, e.memo = self.standalone, self.code, self.memo
        return e

    def eff(self) -> Any:
        """The condition of the next command within its frame: the if() branches, and no
        return(), break() or continue() reached before it."""
        if len(self.kills) == 1:
            key: tuple = (self.pc, self.kills[0][0])
        else:
            key = (self.pc, *[cell[0] for cell in self.kills])
        memo = self.memo
        if memo and memo[0] == key:  # interned conditions: equal only when identical
            return memo[1]
        c = self.pc
        for cell in self.kills:
            if cell[0] is not False:
                c = _and(c, _not(cell[0]))
        self.memo = (key, c, None)
        return c

    def absolute(self) -> Any:
        """``eff()`` AND the condition under which the frame runs at all (made only when
        asked: an if() tests its branch's ``eff()`` before it knows the branch runs)."""
        self.eff()
        key, c, got = self.memo
        if got is None:
            got = _and(self.frame.base, c)
            self.memo = (key, c, got)
        return got


class _Stop(Exception):
    """The model ran out of its step budget."""


# ------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class DefineSite:
    """A command that defines a macro: where, under which condition, whether with a value
    (``-DX=1``, ``X=${V}``: ``#if X`` reads the value, ``#ifdef X`` does not), and whether its
    file is reached by nothing (read on its own, so its condition is not the build's)."""

    path: str
    line: int
    cond: Guard
    valued: bool
    standalone: bool


@dataclass
class BuildModel:
    refs: Resolved = field(default_factory=dict)
    # reached CMake files: the condition under which they are processed (None: always)
    file_cond: dict[str, Guard] = field(default_factory=dict)
    # source files some target compiles: the OR of the conditions of those places
    build_cond: dict[str, Guard] = field(default_factory=dict)
    # macros the build defines: macro -> the condition under which it does (None: always)
    defines: dict[str, Guard] = field(default_factory=dict)
    # the commands behind ``defines``: macro -> every site that defines it
    define_sites: dict[str, list[DefineSite]] = field(default_factory=dict)
    notes: list[tuple[str, int, str]] = field(default_factory=list)
    has_root: bool = False
    # CMake files reached by no evaluated add_subdirectory()/include() that one the model
    # could not evaluate may reach, and the files those reach: file -> the unevaluated
    # calls, (file, line, command) each. Their references carry F_BLIND.
    blind: dict[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)

    def reached_only_through(self, path: str) -> str:
        """Where a reference marked F_BLIND sits, as a phrase: in a file that only calls the
        model could not evaluate may reach (naming them), or a list that only such files read."""
        calls = self.blind.get(path, ())
        if not calls:
            return (
                "in a list that only CMake files reached by an add_subdirectory()/include() the "
                "model could not evaluate read"
            )
        more = f" (and {len(calls) - 1} more)" if len(calls) > 1 else ""
        return (
            f"in CMake files reached only through {calls[0][2]} at {calls[0][0]}:{calls[0][1]}"
            f"{more}, which the model could not evaluate"
        )

    # CMake files of a separate project (a CMakeLists.txt with project() that nothing reaches
    # from the root, and what it reaches): file -> that project's CMakeLists.txt
    separate: dict[str, str] = field(default_factory=dict)
    # the work it took: commands evaluated, and condition nodes made (what the tests hold
    # linear in the size of a build, where timing it would prove nothing)
    steps: int = 0
    conditions: int = 0

    def derived_defines(self, defined_in_code: Iterable[str] = ()) -> dict[str, Guard]:
        """Macros whose every definition sits under a condition: ``#ifdef M`` implies it.

        A macro that C/C++ code ``#define``s itself is left out (it may be defined always)."""
        skip = set(defined_in_code)
        return {
            m: g
            for m, g in self.defines.items()
            if g is not None and g != ("not", ("and",)) and m not in skip
        }


# ------------------------------------------------------------------------------------------
# The evaluator


class _Model(CondEnv):
    def __init__(
        self,
        facts: dict[str, FileFacts],
        files: frozenset[str] | set[str],
        dirs: set[str],
        switches: Iterable[str],
        cmakedefines: dict[str, list[str]],
    ) -> None:
        self.facts = facts
        self.tree = _Tree(files, dirs)
        self.res = _Resolver(self.tree)
        self.switches = set(switches) | {"BUILD_TESTING"} | _CHECK_INPUTS
        self.cmakedefines = cmakedefines
        self.files: dict[str, _File] = {}
        # function and macro definitions: name -> [(condition, definition)]; a definition
        # under if() replaces the earlier ones only where its condition holds
        self.functions: dict[str, list[tuple[Any, _Def]]] = {}
        self.targets: dict[str, Any] = {}
        self.global_props: dict[str, Value] = {}
        self.steps = 0
        self.depth = 0
        self.active: list[str] = []  # files being processed (include cycles)
        self.file_cond: dict[str, Any] = {}
        self.build_cond: dict[str, Any] = {}
        self.defines: dict[str, Any] = {}
        self.define_joins: dict[tuple[int, int], Any] = {}  # ids -> what _or_factored made
        # (macro, file, line, valued, standalone) -> condition: the sites of ``defines``
        self.define_sites: dict[tuple[str, str, int, bool, bool], Any] = {}
        self.at: tuple[str, int, bool] = ("", 0, False)  # the command being evaluated
        self.notes: dict[tuple[str, int, str], None] = {}
        # (file, line, kind, spec, flags) -> {targets: [cond, evidence]}
        self.refs: dict[tuple[str, int, str, str, int], dict[tuple[str, ...], list[Any]]] = {}
        # variables read unset in a file read on its own: name -> read in a stray file (one
        # no unevaluated call may reach) rather than only in blind ones
        self.unknown_reads: dict[str, bool] = {}
        # add_subdirectory()/include() calls of a path the model does not know, in files the
        # root reaches (or blind ones): (command, file, line, text, the literal end of the
        # argument) -> the conjuncts every condition it was met under shares
        self.unevaluated: dict[tuple[str, str, int, str, str], tuple] = {}
        # while a blind file (and what it reaches) is processed: the calls that may reach it
        self.blind: tuple[tuple[str, int, str], ...] | None = None
        self.blind_files: dict[str, tuple[tuple[str, int, str], ...]] = {}
        self.named_vars: dict[tuple[str, int, str, str, int], str] = {}
        self.placeholders: dict[str, _Unk] = {}
        self.syms: dict[str, _Unk] = {}
        # (test, value, value) -> the unknown it gives (values: texts or _Unk objects, kept
        # alive here so that no other object takes their ids)
        self.tests: dict[tuple[str, Text, Text], Any] = {}
        self.once = 0  # within a loop body read once for many iterations
        self.exact: set[str] = set()  # placeholders that stand for one whole value
        # free switches a command may have changed (the model leaves them untouched): their
        # untouched value is no longer one value
        self.written: set[str] = set()
        self.env: _Env | None = None  # for the CondEnv hooks
        self.min_version: tuple[int, ...] | None = None  # from cmake_minimum_required()

    # -- files ----------------------------------------------------------------------------

    def file(self, path: str) -> _File | None:
        got = self.files.get(path)
        if got is None:
            facts = self.facts.get(path)
            if facts is None or facts[0] != "cmake":
                return None
            got = _File(path, facts[3].get("cmds", []))
            self.files[path] = got
        return got

    def note(self, path: str, line: int, msg: str) -> None:
        self.notes.setdefault((path, line, msg), None)

    def process(self, path: str, scope: _Scope, src: str, base: Any, standalone: bool) -> None:
        """Run a CMake file from directory ``src`` in ``scope``, under condition ``base``."""
        f = self.file(path)
        if f is None:
            return
        if path in self.active or self.depth >= MAX_DEPTH:
            self.note(
                path, 0, "CMake file reached again while it is being processed; not re-entered"
            )
            return
        self.file_cond[path] = _or(self.file_cond.get(path, False), base)
        if self.blind is not None:
            self.blind_files.setdefault(path, self.blind)
        frame = _Frame(base, f)
        env = _Env(scope, src, frame, None, standalone)
        self.active.append(path)
        self.depth += 1
        try:
            self.run(f, 0, len(f.cmds), env)
        finally:
            self.depth -= 1
            self.active.pop()

    # -- the command loop -----------------------------------------------------------------

    def run(self, f: _File, lo: int, hi: int, env: _Env) -> None:
        cmds = f.cmds
        env.code = f.path
        # the commands of a processed file (not of a function or macro body) are sites:
        # what a helper builds is reported at the call that makes it build
        top = env.mbind is None and env.frame.fdef is None
        i = lo
        while i < hi:
            eff = env.eff()
            if eff is False:
                return
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise _Stop
            cmd = cmds[i]
            name = cmd[0]
            if top:
                env.site = (f.path, cmd[1], cmd[3])
            pc = env.absolute()
            if name == "if":
                i = self.do_if(f, i, env)
                continue
            if name in ("foreach", "while", "function", "macro", "block"):
                end = f.ends.get(i, len(cmds))
                if name == "foreach":
                    self.do_foreach(f, i, end, env, pc)
                elif name == "while":
                    self.note(
                        f.path,
                        cmd[1],
                        "while() loop not understood: its body is read once, under an unknown condition",
                    )
                    sub = env.copy()
                    sub.pc = _and(env.pc, _fresh())
                    self.once += 1
                    try:
                        self.run(f, i + 1, end, sub)
                    finally:
                        self.once -= 1
                elif name == "block":
                    sub = env.copy()
                    sub.scope = _Scope(env.scope)
                    self.run(f, i + 1, end, sub)
                else:
                    self.define(f, i, end, env)
                i = end + 1
                continue
            if name in (
                "elseif",
                "else",
                "endif",
                "endforeach",
                "endwhile",
                "endfunction",
                "endmacro",
                "endblock",
            ):
                i += 1
                continue
            if name == "return":
                env.frame.ret[0] = _or(env.frame.ret[0], eff)
                i += 1
                continue
            if name in ("break", "continue"):
                if env.loop is not None:
                    cell = env.loop[0] if name == "break" else env.loop[1]
                    cell[0] = _or(cell[0], eff)
                i += 1
                continue
            self.command(f, cmd, env, pc)
            i += 1

    def do_if(self, f: _File, i: int, env: _Env) -> int:
        idxs = f.branches.get(i, [i, len(f.cmds)])
        none_before: Any = True
        for k in range(len(idxs) - 1):
            at = idxs[k]
            cmd = f.cmds[at]
            if cmd[0] == "else":
                test: Any = True
            else:
                sub = env.copy()
                sub.pc = _and(env.pc, none_before)
                if sub.eff() is False:
                    break
                test = self.condition(cmd[2], sub)
            branch = _and(test, none_before)
            none_before = _and(none_before, _not(test))
            if branch is not False:
                sub = env.copy()
                sub.pc = _and(env.pc, branch)
                if sub.eff() is not False:
                    self.run(f, at + 1, idxs[k + 1], sub)
            if none_before is False:
                break
        return idxs[-1] + 1

    def define(self, f: _File, i: int, end: int, env: _Env) -> None:
        args = self.expand_args(f.cmds[i][2], env)
        words = [t for a in args for t, _c in a[0] if isinstance(t, str)]
        if not words:
            return
        kind = f.cmds[i][0]
        new = _Def(kind, words[1:], f, i + 1, end)
        pc = env.absolute()
        old = self.functions.get(words[0].lower(), [])
        npc = _not(pc)
        # The same definition met again (a file that defines its helper macro, included once
        # per call of a function, as ggml's FindSIMD.cmake is under each of its 45 CPU
        # variants) is one definition in force where either is: a call runs that body
        # whichever of them holds, as CMake would, not once per place it was met. Kept
        # apart, each call ran the body once per earlier definition whose condition the
        # model could not rule out, quadratic in the number of variants.
        where = pc
        others: list[tuple[Any, _Def]] = []
        for c, d in old:
            if d.same_as(new):
                where = _or(where, _and(c, npc))
            else:
                others.append((_and(c, npc), d))
        defs = [(where, new), *others]
        self.functions[words[0].lower()] = [(c, d) for c, d in defs if c is not False]

    def do_foreach(self, f: _File, i: int, end: int, env: _Env, pc: Any) -> None:
        cmd = f.cmds[i]
        raw = cmd[2]
        if not raw:
            return
        entries = self.expand_args(raw, env)
        if not entries:
            return
        var_texts = entries[0][0]
        var = var_texts[0][0] if var_texts and isinstance(var_texts[0][0], str) else None
        rest = entries[1:]
        words = [e[0][0][0] if e[3] and len(e[0]) == 1 else None for e in rest]
        items: list[Item] = []
        understood = var is not None
        if rest and words[0] == "RANGE":
            nums = [e[0][0][0] if len(e[0]) == 1 else None for e in rest[1:]]
            try:
                vals = [int(str(n)) for n in nums]
            except ValueError:
                vals = []
            if len(vals) == 1:
                vals = [0, vals[0]]
            if len(vals) in (2, 3) and (len(vals) == 2 or vals[2] > 0):
                step = vals[2] if len(vals) == 3 else 1
                rng = range(vals[0], vals[1] + 1, step)
                if len(rng) <= MAX_ITEMS:
                    items = [(str(n), True) for n in rng]
                else:
                    understood = False
            else:
                understood = False
        elif rest and words[0] == "IN":
            mode = None
            for e, w in zip(rest[1:], words[1:], strict=True):
                if w in ("LISTS", "ITEMS", "ZIP_LISTS"):
                    mode = w
                    continue
                if mode == "ITEMS":
                    items.extend(e[0])
                elif mode == "LISTS":
                    for t, c in e[0]:
                        if isinstance(t, str):
                            items.extend(
                                (it, _and(c, ic)) for it, ic in _split(self.lookup(t, env))
                            )
                        else:
                            understood = False
                else:
                    understood = False
        else:
            for e in rest:
                items.extend(e[0])
        # an item there only where the loop does not run (the old value of a variable set in
        # a file processed under a condition, where the file is not processed) is never seen
        items = [(t, c) for t, c in items if c is True or _and(c, pc) is not False]
        if any(isinstance(t, _Unk) for t, _c in items) or len(items) > MAX_ITEMS:
            understood = False
        if not understood or var is None:
            self.note(
                f.path,
                cmd[1],
                "foreach() over a list the model does not know: its body is read once, with an unknown value",
            )
            items = [(_unk(), _fresh())]
            if var is None:
                return
        brk: list[Any] = [False]
        saved = env.scope.vars.get(var)
        for text, c in items:
            cont: list[Any] = [False]
            sub = env.copy()
            sub.pc = _and(env.pc, c)
            sub.loop = (brk, cont)
            sub.kills = (*env.kills, brk, cont)
            if sub.eff() is False:
                continue
            env.scope.vars[var] = ((text, True),)
            # a body read once for many iterations: its tests are not one fact each
            self.once += not understood
            try:
                self.run(f, i + 1, end, sub)
            finally:
                self.once -= not understood
        if saved is None:
            env.scope.vars.pop(var, None)
        else:
            env.scope.vars[var] = saved

    # -- expansion --------------------------------------------------------------------------

    def sym(self, name: str) -> _Unk:
        got = self.syms.get(name)
        if got is None:
            got = self.syms[name] = _Unk(_var((name,)), name)
        return got

    def special(self, name: str, env: _Env) -> Value | None:
        if name == "CMAKE_SOURCE_DIR":
            return ((ROOT, True),)
        if name == "CMAKE_CURRENT_SOURCE_DIR":
            return ((_join(ROOT, env.src), True),)
        if name == "CMAKE_CURRENT_LIST_DIR":
            return ((_join(ROOT, posixpath.dirname(env.frame.file.path)), True),)
        if name == "CMAKE_CURRENT_LIST_FILE":
            return ((_join(ROOT, env.frame.file.path), True),)
        if name in ("CMAKE_BINARY_DIR", "PROJECT_BINARY_DIR"):
            return ((BUILD, True),)
        if name == "CMAKE_CURRENT_BINARY_DIR":
            return ((_join(BUILD, env.src), True),)
        if name in ("CMAKE_CURRENT_FUNCTION_LIST_DIR", "CMAKE_CURRENT_FUNCTION_LIST_FILE"):
            fdef = env.frame.fdef
            if fdef is None:
                return ((_unk(), True),)
            p = fdef.file.path
            return ((_join(ROOT, p if name.endswith("FILE") else posixpath.dirname(p)), True),)
        if name == "PROJECT_SOURCE_DIR" and env.scope.get(name) is None:
            return ((ROOT, True),)
        return None

    def lookup(self, name: str, env: _Env) -> Value:
        if env.mbind is not None:
            got = env.mbind.get(name)
            if got is not None:
                return got
        got = self.special(name, env)
        if got is not None:
            return got
        got = env.scope.get(name)  # a switch is never set(): only bound as a parameter
        if got is None:
            if env.standalone:
                self.unknown_reads[name] = self.unknown_reads.get(name, False) or (
                    self.blind is None
                )
            return ((self.sym(name), True),)
        return got

    def expand(self, segs: list, env: _Env) -> list[tuple[Text, Any]]:
        """The alternatives of a parsed string, each with its condition."""
        alts: list[tuple[Text, Any]] = [("", True)]
        for seg in segs:
            if isinstance(seg, str):
                part: list[tuple[Text, Any]] = [(seg, True)]
            elif isinstance(seg, _Ref):
                part = self.expand_ref(seg, env)
            else:
                part = self.expand_genex(seg, env)
            if len(part) == 1 and part[0][1] is True:
                t = part[0][0]
                alts = [(_cat(a, t), c) for a, c in alts]
                continue
            alts = _cross(alts, part)
        return alts

    def expand_ref(self, ref: _Ref, env: _Env) -> list[tuple[Text, Any]]:
        if ref.kind:
            return [(_unk(), True)]  # $ENV{...}, $CACHE{...}
        out: list[tuple[Text, Any]] = []
        for name, c in self.expand(ref.name, env):
            if isinstance(name, _Unk):
                out.append((_unk(), c))
                continue
            for t, tc in _joined(self.lookup(name, env)):
                cc = _and(c, tc)
                if cc is not False:
                    out.append((t, cc))
        return out

    def expand_genex(self, g: _Genex, env: _Env) -> list[tuple[Text, Any]]:
        """A generator expression: ``$<BUILD_INTERFACE:x>`` is x, ``$<cond:x>`` is x where
        the condition holds; the others the model does not know."""
        args = g.parts[1:]
        out: list[tuple[Text, Any]] = []
        for h, hc in self.expand(g.parts[0], env):
            if isinstance(h, _Unk):
                return [(_unk(), True)]
            if h in ("BUILD_INTERFACE", "BUILD_LOCAL_INTERFACE", "1"):
                part = self.expand(_rejoin(args), env)
            elif h in ("INSTALL_INTERFACE", "INSTALL_PREFIX", "0", ""):
                part = [("", True)]
            else:
                cond = self.genex_bool(h, args, env)
                if cond is None:
                    return [(_unk(), True)]
                part = [(x, c) for x, c in (("1", cond), ("0", _not(cond))) if c is not False]
            for t, c in part:
                both = _and(hc, c)
                if both is not False:
                    out.append((t, both))
        return out if len(out) <= MAX_ALTS else [(_unk(), True)]

    def genex_bool(self, h: str, args: list[list], env: _Env) -> Any:
        """``$<BOOL:x>``, ``$<NOT:b>``, ``$<AND:..>``, ``$<OR:..>``; tests of the platform or
        configuration are unknown. None: not a boolean expression."""
        if h == "BOOL":
            out: Any = False
            for t, c in self.expand(_rejoin(args), env):
                out = _or(out, _and(c, t.truth if isinstance(t, _Unk) else _truth_of_text(t)))
            return out
        if h in ("NOT", "AND", "OR"):
            vals = []
            for a in args:
                v: Any = False
                for t, c in self.expand(a, env):
                    b = (
                        _fresh()
                        if isinstance(t, _Unk)
                        else (t == "1" if t in ("0", "1") else _fresh())
                    )
                    v = _or(v, _and(c, b))
                vals.append(v)
            if h == "NOT":
                return _not(vals[0]) if len(vals) == 1 else _fresh()
            acc: Any = h == "AND"
            for v in vals:
                acc = _and(acc, v) if h == "AND" else _or(acc, v)
            return acc
        if h in (
            "CONFIG",
            "PLATFORM_ID",
            "COMPILE_LANGUAGE",
            "COMPILE_LANG_AND_ID",
            "LINK_LANGUAGE",
            "CXX_COMPILER_ID",
            "C_COMPILER_ID",
            "CUDA_COMPILER_ID",
            "CXX_COMPILER_VERSION",
            "C_COMPILER_VERSION",
            "VERSION_LESS",
            "VERSION_GREATER",
            "VERSION_EQUAL",
            "VERSION_LESS_EQUAL",
            "VERSION_GREATER_EQUAL",
            "STREQUAL",
            "EQUAL",
            "IN_LIST",
            "TARGET_EXISTS",
            "BOOL_TARGET",
        ):
            return _fresh()
        return None

    def expand_args(self, raw: list, env: _Env) -> list[tuple[Value, int, bool, bool]]:
        """Arguments after expansion: (value, line, quoted, literal). An unquoted argument
        becomes one entry per list item; a quoted one stays one entry."""
        out: list[tuple[Value, int, bool, bool]] = []
        for value, quoted, line in raw:
            if "$" not in value:
                if quoted:
                    out.append((((value, True),), line, True, True))
                elif ";" in value:
                    out.extend((((p, True),), line, False, False) for p in value.split(";") if p)
                else:
                    out.append((((value, True),), line, False, True))
                continue
            segs = _parse(value)
            if len(segs) == 1 and isinstance(segs[0], _Ref) and not segs[0].kind:
                names = self.expand(segs[0].name, env)
                if len(names) == 1 and isinstance(names[0][0], str) and names[0][1] is True:
                    val = self.lookup(names[0][0], env)
                    if quoted:
                        out.append((val, line, True, False))
                    else:
                        for t, c in val:
                            if isinstance(t, str) and ";" in t:
                                out.extend(
                                    (((p, c),), line, False, False) for p in t.split(";") if p
                                )
                            elif t != "":
                                out.append((((t, c),), line, False, False))
                    continue
            alts = self.expand(segs, env)
            if quoted:
                out.append((tuple(alts), line, True, False))
                continue
            for t, c in alts:
                if isinstance(t, str):
                    for p in t.split(";") if ";" in t else [t]:
                        if p:
                            out.append((((p, c),), line, False, False))
                else:
                    out.append((((t, c),), line, False, False))
        return out

    # -- the CondEnv hooks (if() evaluation) -----------------------------------------------

    def condition(self, raw: list, env: _Env) -> Any:
        prepared: list[list[tuple[str, bool, int, Any]]] = []
        for value, quoted, line in raw:
            if "$" not in value:
                prepared.append([(value, quoted, line, True)])
                continue
            segs = _parse(value)
            if len(segs) == 1 and isinstance(segs[0], _Ref) and not segs[0].kind:
                nm = _literal(segs[0].name)
                if nm is not None and _IDENT.fullmatch(nm):
                    val = self.lookup(nm, env)
                    if _untouched(val, nm, self.syms):
                        prepared.append([(value, quoted, line, True)])  # a free switch
                        continue
            choices = []
            alts = self.expand(segs, env)
            for k, (t, c) in enumerate(alts):
                if isinstance(t, _Unk):
                    # quoted, one string: CMake neither splits it nor reads it as a name
                    key = self.placeholder(t, quoted and _alone(alts, k))
                    choices.append((key, True, line, c))
                elif not quoted and ";" in t:
                    choices.append((self.placeholder(_unk(), False), True, line, c))
                else:
                    choices.append((t, quoted, line, c))
            prepared.append(choices)
        combos = 1
        for p in prepared:
            combos *= len(p)
        if combos > 16:
            return _fresh()
        saved = self.env
        self.env = env
        try:
            out: Any = False
            for combo in product(*prepared):
                both: Any = True
                for _v, _q, _l, cc in combo:
                    both = _and(both, cc)
                if both is False:
                    continue
                got = _canon(parse_condition([(v, q, ln) for v, q, ln, _c in combo], self))
                out = _or(out, _and(both, got))
            return out
        finally:
            self.env = saved
            self.placeholders.clear()
            self.exact.clear()

    def name_truth(self, name: str) -> Any:
        env = self.env
        assert env is not None
        val = self.lookup(name, env)
        if _untouched(val, name, self.syms):
            return None
        return _truth(val)

    def name_values(self, name: str) -> list[tuple[str | None, Any]] | None:
        env = self.env
        assert env is not None
        val = self.lookup(name, env)
        if _untouched(val, name, self.syms):
            return None
        # a bare name reads the variable's value as one string (a macro's parameter of that
        # name is not that variable: the model reads it so, but knows no more of it)
        whole = env.mbind is None or name not in env.mbind
        alts = _joined(val)
        return [
            (self.placeholder(t, whole and _alone(alts, k)) if isinstance(t, _Unk) else t, c)
            for k, (t, c) in enumerate(alts)
        ]

    def placeholder_truth(self, value: str) -> Any:
        unk = self.placeholders.get(value)
        return unk.truth if unk is not None else _fresh()

    def placeholder(self, unk: _Unk, exact: bool) -> str:
        """An unknown value as an if() argument: a placeholder the reader passes back.
        ``exact``: the argument is that value, one string, wherever it is read (not one of
        several items that may be there at once, nor split or read as a name by CMake)."""
        key = f"{PLACEHOLDER}{id(unk)}"
        self.placeholders[key] = unk
        if exact and unk.base is unk:
            self.exact.add(key)
        return key

    def operand(self, arg: str) -> Text | None:
        """An operand of a test as one value: its text, or the unknown it is where that is
        the whole of it and has not changed unseen; None: not one value."""
        if not arg.startswith(PLACEHOLDER):
            return arg
        unk = self.placeholders.get(arg)
        if unk is None or arg not in self.exact:
            return None
        if unk.name is not None and unk.name in self.written:
            return None
        return unk

    def switch_value(self, name: str, exact: bool) -> str | None:
        # the untouched value itself, not one made from it that the model reads as it
        env = self.env
        assert env is not None
        sym = self.sym(name)
        val = self.lookup(name, env)
        return self.placeholder(sym, exact and len(val) == 1 and val[0][0] is sym)

    def unknown_test(self, op: str, lhs: str | None, rhs: str | None) -> Any:
        """The same test of the same values is the same unknown: two tests of one unchanged
        value are one fact (issue 8). A value is the same when it is the same text, or the
        same ``_Unk`` standing for the whole of it (``operand``: the model makes a new one
        wherever a value may change). Each test stays its own unknown, as before, in a body
        read once for many iterations (``self.once``), and in a CMake file read on its own
        or reached only through calls the model could not evaluate (its variables' values
        are not those of the build's run)."""
        env = self.env
        assert env is not None
        if lhs is None or rhs is None or self.once or env.standalone or self.blind is not None:
            return _fresh()
        a = self.operand(lhs)
        b = self.operand(rhs)
        if a is None or b is None:
            return _fresh()
        key = (op, a, b)
        got = self.tests.get(key)
        if got is None:
            got = self.tests[key] = _fresh()
        return got

    def version(self, op: str, lhs: str, rhs: str) -> Any:
        """CMake is at least the version ``cmake_minimum_required()`` asks for."""
        if lhs != "CMAKE_VERSION" or self.min_version is None:
            return None
        want = _version(rhs)
        if want is None:
            return None
        low = self.min_version
        if op in ("VERSION_GREATER_EQUAL", "VERSION_GREATER"):
            return True if (want <= low if op.endswith("EQUAL") else want < low) else None
        if op in ("VERSION_LESS", "VERSION_LESS_EQUAL", "VERSION_EQUAL"):
            return False if (want <= low if op == "VERSION_LESS" else want < low) else None
        return None

    def unary(self, op: str, value: str, quoted: bool) -> Any:
        env = self.env
        assert env is not None
        if op in ("EXISTS", "IS_DIRECTORY"):
            path = self.rel_path(value, env)
            if path is not None and (
                (op == "EXISTS" and path in self.tree.files) or self.tree.is_dir(path)
            ):
                return True
            return None if value.startswith("${") else _fresh()
        if op == "DEFINED":
            if value.startswith("ENV{") or value.startswith("CACHE{") or value in self.switches:
                return _fresh()
            got = (
                env.scope.get(value)
                if env.mbind is None or value not in env.mbind
                else env.mbind[value]
            )
            if got is not None and any(c is True and not isinstance(t, _Unk) for t, c in got):
                return True
            return _fresh()
        if op == "TARGET":
            c = self.targets.get(value)
            return True if c is True else _fresh()
        if op == "COMMAND":
            low = value.lower()
            return True if low in self.functions or low in _KNOWN or low in _BUILDING else _fresh()
        return _fresh()

    # -- paths and references ---------------------------------------------------------------

    def rel_path(self, text: str, env: _Env) -> str | None:
        """The root-relative path a value names in the current directory; None outside."""
        if text.startswith(ROOT):
            rest = text[len(ROOT) :].lstrip("/")
            return posixpath.normpath(rest) if rest else ""
        if text.startswith("/") or (len(text) > 1 and text[1] == ":") or "${" in text:
            return None
        joined = (
            posixpath.normpath(posixpath.join(env.src, text))
            if env.src
            else posixpath.normpath(text)
        )
        return None if joined.startswith("..") else ("" if joined == "." else joined)

    def spec_of(self, text: str) -> str | None:
        """A value as a reference spec for ``_Resolver``: root-anchored values keep a
        ``${CMAKE_SOURCE_DIR}`` prefix; anything else absolute is outside the tree."""
        if text.startswith(ROOT):
            return "${CMAKE_SOURCE_DIR}" + text[len(ROOT) :]
        if text.startswith("/") or text.startswith("${"):
            return None
        return text

    def add_ref(
        self,
        env: _Env,
        line: int,
        kind: str,
        text: str,
        ev: str,
        cond: Any,
        flags: int,
        file: str | None = None,
    ) -> tuple[str, ...]:
        spec = self.spec_of(text)
        if spec is None or cond is False:
            return ()
        path = file or env.code
        targets: tuple[str, ...] = ()
        rest = text[len(ROOT) + 1 :] if kind == K_CMAKE_PATH and text.startswith(ROOT + "/") else ""
        if rest and rest in self.tree.files:
            targets = (rest,)  # a file the model globbed or computed: the common case, quickly
        else:
            listdir = posixpath.dirname(env.frame.file.path)
            targets, relative = self.res.targets(kind, spec, flags & ~F_BUILD, env.src, listdir)
            if not targets and relative and env.src:
                targets, _ = self.res.targets(kind, spec, flags & ~F_BUILD, "", listdir)
        if not targets:
            return ()
        if self.blind is not None:
            flags |= F_BLIND
        key = (path, line, kind, spec, flags)
        slot = self.refs.setdefault(key, {})
        got = slot.get(targets)
        if got is None:
            slot[targets] = [cond, ev]
        else:
            got[0] = _or(got[0], cond)
        return targets

    # -- commands ---------------------------------------------------------------------------

    def command(self, f: _File, cmd: tuple, env: _Env, pc: Any) -> None:
        name, line, raw, ev, argev = cmd
        defs = self.functions.get(name)
        if defs is None and name.startswith("_") and (name[1:] in _KNOWN or name[1:] in _BUILDING):
            name = name[1:]  # `_add_library`: the original of a command the project overrides
        args = self.expand_args(raw, env)
        # a definition is placed, as a building command is, at the command of the processed
        # file that causes it (the call of a helper function, not the helper's body)
        site = env.site or (f.path, line)
        self.at = (site[0], site[1], env.standalone)
        self.scan_defines(name, args, pc, raw)
        if defs is not None:
            self.naming_refs(name, cmd, args, env, pc)
            self.call_all(defs, args, env, pc)
            if name == "tablegen":  # LLVM's own TableGen.cmake (in-tree): the file it reads
                _td_input(self, cmd, self.lookup("LLVM_TARGET_DEFINITIONS", env), env, pc)
            return
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, f, cmd, args, env, pc)
        elif name in _BUILDING:
            self.build(name, cmd, args, env, pc)
        elif name not in _KNOWN:
            self.build(name, cmd, args, env, pc)  # a command the model does not know
            self.clobber(name, args, env, pc)
        else:
            self.naming_refs(name, cmd, args, env, pc)
            if name.startswith(_WRITER_PREFIXES):
                self.clobber(name, args, env, pc)

    def arg_ev(self, cmd: tuple, line: int) -> str:
        argev = cmd[4]
        if argev is None:
            return str(cmd[3])
        for al, ev in argev:
            if al == line:
                return str(ev)
        return str(cmd[3])

    def naming_refs(self, name: str, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
        """``cmake-path`` references of a command that names paths (as the reader reads them)."""
        if name in _NO_PATH_COMMANDS or name in ("add_subdirectory", "include"):
            return
        flags = 0
        words = {a[0][0][0] for a in args if a[3] and not a[2]}
        if "GLOB_RECURSE" in words:
            flags = F_GLOB_RECURSE
        elif "GLOB" in words:
            flags = F_GLOB
        var_name = None
        if name in ("set", "list") and args:
            k = 0 if name == "set" else 1
            if len(args) > k and len(args[k][0]) == 1 and isinstance(args[k][0][0][0], str):
                var_name = args[k][0][0][0]
        skip_next = False
        idx = -1
        for value, line, quoted, literal in args:
            for text, c in value:
                idx += 1
                if skip_next:
                    skip_next = False
                    continue
                if isinstance(text, _Unk):
                    continue
                if literal and not quoted and _KEYWORD.fullmatch(text):
                    if flags and text in ("GLOB", "GLOB_RECURSE", "RELATIVE"):
                        skip_next = True
                    continue
                if idx == 0 and (name in _FIRST_IS_NAME or name.startswith("target_")):
                    continue
                if idx == 1 and name == "list":
                    continue
                if not _path_like(text):
                    continue
                ev = self.arg_ev(cmd, line)
                kflags = flags
                targets = self.add_ref(env, line, K_CMAKE_PATH, text, ev, _and(pc, c), kflags)
                if targets and var_name is not None:
                    spec = self.spec_of(text) or ""
                    if self.blind is not None:
                        kflags |= F_BLIND
                    self.named_vars[(env.code, line, K_CMAKE_PATH, spec, kflags)] = var_name

    def build(self, name: str, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
        """References of a command that compiles what it names, at the site that causes it."""
        words = [a[0][0][0] for a in args if a[3] and not a[2] and len(a[0]) == 1]
        if name in ("add_library", "add_executable") and any(
            w in ("IMPORTED", "ALIAS", "INTERFACE") for w in words[1:]
        ):
            if args and "IMPORTED" not in words and "ALIAS" not in words:
                self.declare(args, pc)
            self.naming_refs(name, cmd, args, env, pc)
            return
        tcond: Any = True
        if name in ("add_library", "add_executable", "cuda_add_library", "cuda_add_executable"):
            self.declare(args, pc)
        elif name == "target_sources" and args:
            tname = args[0][0][0][0]
            if isinstance(tname, str):
                tcond = self.targets.get(tname, True)
        site = env.site or (env.code, cmd[1], cmd[3])
        idx = -1
        skip_first = name in _BUILDING or name in _FIRST_IS_NAME
        for value, _line, quoted, literal in args:
            if name.startswith("cuda_add_") and literal and value[0][0] == "OPTIONS":
                break
            for text, c in value:
                idx += 1
                if idx == 0 and skip_first:
                    continue
                if isinstance(text, _Unk):
                    continue
                if literal and not quoted and _KEYWORD.fullmatch(text):
                    continue
                if not _path_like(text):
                    continue
                cond = _and(_and(pc, c), tcond)
                targets = self.add_ref(
                    env, site[1], K_CMAKE_PATH, text, str(site[2]), cond, F_BUILD, file=site[0]
                )
                if targets:
                    self.compiled(text, targets, cond)

    def compiled(self, text: str, targets: tuple[str, ...], cond: Any) -> None:
        base = posixpath.basename(text.rstrip("/"))
        glob = _GLOB_CHARS.search(text) is not None
        for t in targets:
            if not t.lower().endswith(CPP_SOURCE_SUFFIXES):
                continue
            if glob or posixpath.basename(t) == base:
                self.build_cond[t] = _or(self.build_cond.get(t, False), cond)

    def declare(self, args: list, pc: Any) -> None:
        if args and isinstance(args[0][0][0][0], str):
            tname = args[0][0][0][0]
            self.targets[tname] = _or(self.targets.get(tname, False), pc)

    def clobber(self, name: str, args: list, env: _Env, pc: Any) -> None:
        """A command the model does not evaluate may write a variable a bare argument names:
        it gets an unknown item, and keeps the items it had (the cautious reading)."""
        if name in _READS_ONLY:
            return
        for value, _line, quoted, literal in args:
            if quoted or not literal:
                continue
            t = value[0][0]
            if isinstance(t, str) and t not in self.switches and env.scope.get(t) is not None:
                self.append(env, t, ((_unk(), True),), pc)
            elif isinstance(t, str):
                self.written.add(t)  # left untouched (a free switch), yet it may change

    def scan_defines(self, name: str, args: list, pc: Any, raw: list | None = None) -> None:
        for value, _line, _q, _lit in args:
            for t, c in value:
                if isinstance(t, str) and "D" in t:
                    for m in _DEFINE_FLAG.finditer(t):
                        self.define_macro(m.group(1), _and(pc, c), t[m.end() : m.end() + 1] == "=")
                if isinstance(t, str) and "-fsycl" in t and _SYCL_FLAG.search(t):
                    # the compiler predefines it in SYCL mode (xgboost's core headers include
                    # the SYCL plugin under `#if defined(SYCL_LANGUAGE_VERSION)`)
                    self.define_macro("SYCL_LANGUAGE_VERSION", _and(pc, c))
        # a flag written beside an unknown value: `set(CMAKE_CXX_FLAGS "${CMAKE_CXX_FLAGS} -DX")`
        for text, _quoted, _line in raw or ():
            if "$" in text and "D" in text:
                for m in _RAW_DEFINE_FLAG.finditer(text):
                    valued = text[m.end() : m.end() + 1] == "="
                    self.define_macro(m.group(1), pc, valued)

    def define_macro(self, macro: str, cond: Any, valued: bool = False) -> None:
        old = self.defines.get(macro, False)
        ids = (id(old), id(cond))
        got = self.define_joins.get(ids)
        if got is None:
            # memoised as _combine is (a third of ggml's 10,900 definitions repeat one: the
            # same variant's flags met once per architecture branch)
            got = self.define_joins[ids] = _or_factored(old, cond)
        self.defines[macro] = got
        path, line, standalone = self.at
        key = (macro, path, line, valued, standalone)
        self.define_sites[key] = _or(self.define_sites.get(key, False), cond)

    # -- variables --------------------------------------------------------------------------

    def assign(
        self, env: _Env, var: str, value: Value, pc: Any, scope: _Scope | None = None
    ) -> None:
        """``set(var value)`` under ``pc``: the old items stay where ``pc`` is false."""
        if var in self.switches:
            self.written.add(var)
            return
        target = scope or env.scope
        if len(value) > MAX_VALUE:
            value = ((_unk(), True),)
        if pc is True:
            new = tuple((t, c) for t, c in value if c is not False)
        else:
            old = target.get(var)
            if old is None:
                old = ((self.sym(var), True),)
            npc = _not(pc)
            new = _norm(
                [*((t, _and(c, pc)) for t, c in value), *((t, _and(c, npc)) for t, c in old)]
            )
            if len(new) > MAX_VALUE:
                new = ((_unk(), True),)
        target.vars[var] = new

    def append(self, env: _Env, var: str, value: Value, pc: Any, front: bool = False) -> None:
        if var in self.switches:
            self.written.add(var)
            return
        old = env.scope.get(var)
        if old is None:
            old = _EMPTY
        add = tuple((t, _and(c, pc)) for t, c in value)
        add = tuple((t, c) for t, c in add if c is not False)
        new = add + old if front else old + add
        if len(new) > MAX_VALUE:
            new = ((_unk(), True),)
        env.scope.vars[var] = new

    def parent_scope(self, env: _Env) -> _Scope | None:
        return env.scope.parent

    # -- functions and macros ---------------------------------------------------------------

    def call_all(self, defs: list[tuple[Any, _Def]], args: list, env: _Env, pc: Any) -> None:
        """Call a function or macro: each definition where it is the one in force."""
        for c, fdef in defs:
            if len(defs) == 1 or c is True:
                self.call(fdef, args, env, pc)
                continue
            when = _and(pc, c)
            if when is False:
                continue
            sub = env.copy()
            sub.pc = _and(env.pc, c)
            self.call(fdef, args, sub, when)

    def call(self, fdef: _Def, args: list, env: _Env, pc: Any) -> None:
        if fdef.local:
            return
        if self.depth >= MAX_DEPTH:
            self.note(
                fdef.file.path,
                fdef.file.cmds[fdef.lo - 1][1],
                "function or macro nested too deep: not expanded",
            )
            return
        values = [a[0] for a in args]
        # an unquoted unknown may be no argument or several: the parameters from it on may
        # hold other values than the model binds them to
        for k, (v, _line, quoted, _lit) in enumerate(args):
            if not quoted and any(isinstance(t, _Unk) for t, _c in v):
                values[k:] = [tuple((_part(t), c) for t, c in v) for v in values[k:]]
                break
        argv: Value = tuple(it for v in values for it in v)
        argn: Value = tuple(it for v in values[len(fdef.params) :] for it in v)
        count_known = all(c is True for v in values for _t, c in v)
        binds: dict[str, Value] = {
            "ARGV": argv,
            "ARGN": argn,
            "ARGC": ((str(len(values)), True),) if count_known else ((_unk(), True),),
        }
        for k, v in enumerate(values):
            binds[f"ARGV{k}"] = v
        for k, p in enumerate(fdef.params):
            binds[p] = values[k] if k < len(values) else _EMPTY
        self.depth += 1
        try:
            if fdef.kind == "macro":
                sub = env.copy()
                sub.mbind = binds
                self.run(fdef.file, fdef.lo, fdef.hi, sub)
            else:
                scope = _Scope(env.scope)
                scope.vars.update(binds)
                frame = _Frame(pc, env.frame.file, fdef)
                sub = _Env(scope, env.src, frame, env.site, env.standalone)
                self.run(fdef.file, fdef.lo, fdef.hi, sub)
        finally:
            self.depth -= 1

    # -- results ----------------------------------------------------------------------------

    def result(self, has_root: bool) -> BuildModel:
        out = BuildModel(has_root=has_root)
        # a variable a file read on its own cannot see may still reach a building command
        # there: keep what was set into it buildable, where it was written (as before)
        # (only where a blind file may be processed, when no stray file reads it)
        upgraded: dict[tuple, dict] = {}
        for key, var in self.named_vars.items():
            stray = self.unknown_reads.get(var)
            if stray is not None and key in self.refs:
                path, line, kind, spec, flags = key
                flags |= F_BUILD if stray else F_BUILD | F_BLIND
                upgraded[(path, line, kind, spec, flags)] = self.refs[key]
        for key, slot in upgraded.items():
            mine = self.refs.setdefault(key, {})
            for targets, (cond, ev) in slot.items():
                mine[targets] = [cond, ev]
                self.compiled(key[3], targets, cond)
        built: dict[tuple[str, int], set[str]] = {}
        for (path, line, _kind, _spec, flags), slot in self.refs.items():
            if flags & F_BUILD:
                bucket = built.setdefault((path, line), set())
                for targets in slot:
                    bucket.update(targets)
        resolved: Resolved = {}
        for (path, line, kind, spec, flags), slot in sorted(
            self.refs.items(), key=lambda kv: kv[0][:4]
        ):
            for targets, (cond, ev) in slot.items():
                if not flags & F_BUILD and (path, line) in built:
                    # a path the same command also builds: the building reference says it
                    targets = tuple(t for t in targets if t not in built[(path, line)])
                    if not targets:
                        continue
                raw: RawRef = (kind, spec, line, ev, None, flags)
                resolved.setdefault(path, []).append((raw, _guard(cond), targets))
        out.refs = resolved
        out.file_cond = {p: _guard(c) for p, c in self.file_cond.items()}
        out.build_cond = {p: _guard(c) for p, c in self.build_cond.items()}
        out.defines = {m: _guard(c) for m, c in self.defines.items()}
        for (macro, path, line, valued, standalone), c in self.define_sites.items():
            if c is not False:
                site = DefineSite(path, line, _guard(c), valued, standalone)
                out.define_sites.setdefault(macro, []).append(site)
        out.notes = sorted(self.notes)
        out.blind = dict(self.blind_files)
        return out

    def unevaluated_call(self, f: _File, cmd: tuple, env: _Env, cond: Any) -> None:
        """An add_subdirectory()/include() of a path the model does not know: noted, and kept
        (unless its file is a stray) for the files nothing evaluated reaches."""
        self.note(f.path, cmd[1], f"{cmd[0]}() of a path the model does not know: {cmd[3]}")
        if not env.standalone or self.blind is not None:
            # what the argument's text ends with after its last variable (`${NAME}.cmake`)
            text = str(cmd[2][0][0]) if cmd[2] else ""
            tail = text[max(text.rfind("}"), text.rfind(">")) + 1 :].rstrip("/")
            if "$" in tail or "." in tail.split("/") or ".." in tail.split("/"):
                tail = ""
            self.unevaluated_at((cmd[0], f.path, cmd[1], str(cmd[3]), tail), cond)

    def unevaluated_at(self, key: tuple[str, str, int, str, str], cond: Any) -> None:
        """Keep an unevaluated call, with the conjuncts of ``cond`` that every condition it
        was met under shares: what any file it reaches is processed under at least (the
        whole OR of long conditions would be weakened to nothing)."""
        if cond is False:
            return
        parts = () if cond is True else cond[1:] if cond[0] == "and" else (cond,)
        old = self.unevaluated.get(key)
        if old is not None:
            ids = {id(p) for p in parts}
            parts = tuple(p for p in old if id(p) in ids)
        self.unevaluated[key] = parts

    def blind_calls(self, path: str) -> dict[tuple[str, str, int, str, str], tuple]:
        """The unevaluated calls that may reach ``path``: an include() a file whose path
        ends as its argument does (``${X}.cmake``; a module name ``${X}Name`` is found as
        ``...Name.cmake``), an add_subdirectory() a ``CMakeLists.txt`` whose directory does."""
        out = {}
        listfile = path == "CMakeLists.txt" or path.endswith("/CMakeLists.txt")
        for key, parts in self.unevaluated.items():
            tail = key[4]
            if key[0] == "include":
                if path.endswith(tail) or path.endswith(tail + ".cmake"):
                    out[key] = parts
            elif listfile and posixpath.dirname(path).endswith(tail):
                out[key] = parts
        return out


def _split(value: Value) -> Value:
    """A value with each text holding ``;`` split into its list items."""
    if not any(isinstance(t, str) and ";" in t for t, _c in value):
        return value
    out: list[Item] = []
    for t, c in value:
        if isinstance(t, str) and ";" in t:
            out.extend((p, c) for p in t.split(";") if p)
        else:
            out.append((t, c))
    return tuple(out)


def _norm(items: list[Item]) -> Value:
    """Items with equal text merged (OR of their conditions); the unknowns the model made
    up merged into one, present always (a value that may be anything)."""
    out: dict[Any, list[Any]] = {}
    unknown = False
    for t, c in items:
        if c is False:
            continue
        if isinstance(t, _Unk):
            if t.name is None:
                unknown = True
                continue
            key: Any = ("sym", t.name)
        else:
            key = t
        got = out.get(key)
        if got is None:
            out[key] = [t, c]
        else:
            got[1] = _or(got[1], c)
            if got[0] is not t:  # a value and one made from it, read as one: neither
                got[0] = _part(got[0])
    res: list[Item] = [(t, c) for t, c in out.values()]
    if unknown:
        res.append((_unk(), True))
    return tuple(res)


def _version(text: str) -> tuple[int, ...] | None:
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() for p in parts):
        return None
    out = [int(p) for p in parts]
    return tuple(out + [0] * (4 - len(out)))


def _join(base: str, rel: str) -> str:
    return f"{base}/{rel}" if rel else base


def _cat(a: Text, b: Text) -> Text:
    if isinstance(a, _Unk) or isinstance(b, _Unk):
        if a == "" and isinstance(b, _Unk):
            return b
        if b == "" and isinstance(a, _Unk):
            return a
        return _unk()
    return a + b


def _rejoin(args: list[list]) -> list:
    """Generator-expression arguments split at ``,`` or ``:`` joined back with ``,``."""
    out: list = []
    for k, a in enumerate(args):
        if k:
            out.append(",")
        out.extend(a)
    return out


def _path_like(value: str) -> bool:
    if not value or len(value) > 1000 or "\n" in value or value[0] == "-" or "$<" in value:
        return False
    return not _KEYWORD.fullmatch(value)


def _words(value: Value) -> list[str]:
    """The texts of a value as list items (a quoted ``"A;B"`` is two)."""
    return [w for t, _c in value if isinstance(t, str) for w in t.split(";") if w]


def _only_text(args: list, k: int) -> str | None:
    if len(args) > k and len(args[k][0]) == 1:
        t = args[k][0][0][0]
        if isinstance(t, str) and args[k][0][0][1] is True:
            return t
    return None


# ------------------------------------------------------------------------------------------
# Command handlers: (model, file, cmd, expanded args, env, pc)


def _h_set(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    m.naming_refs("set", cmd, args, env, pc)
    var = _only_text(args, 0)
    if var is None:
        return  # a computed name: no variable the model follows changes
    if var.startswith("ENV{"):
        return
    rest = args[1:]
    lits = [a[0][0][0] if a[3] and not a[2] and len(a[0]) == 1 else None for a in rest]
    if "CACHE" in lits:
        m.switches.add(var)  # a cache entry the user sets: a free switch from now on
        m.written.add(var)
        return
    scope = env.scope
    if lits and lits[-1] == "PARENT_SCOPE":
        rest = rest[:-1]
        parent = m.parent_scope(env)
        if parent is None:
            return
        if env.scope.vars.get(var) is None:
            cur = env.scope.get(var)
            if cur is not None:
                env.scope.vars[var] = cur  # this scope keeps what it saw
        scope = parent
    value: Value = tuple(it for a in rest for it in a[0])
    if not rest:
        value = _EMPTY  # set(X): unset
    m.assign(env, var, value, pc, scope)


def _h_unset(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    var = _only_text(args, 0)
    if var is None:
        return
    words = [_only_text(args, k) for k in range(1, len(args))]
    if "CACHE" in words:
        m.written.add(var)
        return
    scope = m.parent_scope(env) if "PARENT_SCOPE" in words else env.scope
    if scope is not None:
        m.assign(env, var, _EMPTY, pc, scope)


def _h_list(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    m.naming_refs("list", cmd, args, env, pc)
    sub = _only_text(args, 0)
    var = _only_text(args, 1)
    if sub is None or var is None:
        m.note(f.path, cmd[1], "list() with a computed sub-command or variable: not understood")
        return
    values: Value = tuple(it for a in args[2:] for it in a[0])
    if sub in ("APPEND", "PREPEND"):
        m.append(env, var, values, pc, front=sub == "PREPEND")
    elif sub == "INSERT":
        m.append(env, var, tuple(it for a in args[3:] for it in a[0]), pc)
    elif sub == "REMOVE_ITEM":
        old = env.scope.get(var)
        if old is None or var in m.switches:
            return
        new: list[Item] = []
        for t, c in old:
            keep = c
            if isinstance(t, str):
                for rt, rc in values:
                    if isinstance(rt, str) and rt == t:
                        keep = _and(keep, _not(_and(pc, rc)))
            if keep is not False:
                new.append((t, keep))
        env.scope.vars[var] = tuple(new)
    elif sub == "FILTER":
        old = env.scope.get(var)
        words = _words(values)
        if (
            old is None
            or len(words) != 3
            or words[1] != "REGEX"
            or words[0] not in ("INCLUDE", "EXCLUDE")
        ):
            return  # keeping every item is the cautious reading
        try:
            rx = re.compile(words[2])
        except re.error:
            return
        include = words[0] == "INCLUDE"
        keep_items: list[Item] = []
        for t, c in old:
            if isinstance(t, str) and (rx.search(t) is not None) != include:
                c = _and(c, _not(pc))
            if c is not False:
                keep_items.append((t, c))
        env.scope.vars[var] = tuple(keep_items)
    elif sub == "TRANSFORM":
        _list_transform(m, f, cmd, args, env, pc, var)
    elif sub in ("REMOVE_DUPLICATES", "SORT", "REVERSE", "REMOVE_AT", "POP_BACK", "POP_FRONT"):
        # order does not matter to the model; removing by position is not followed
        # (keeping the items is the cautious reading)
        if sub in ("POP_BACK", "POP_FRONT"):
            for a in args[2:]:
                popped = a[0][0][0] if len(a[0]) == 1 else None
                if isinstance(popped, str):
                    m.assign(env, popped, ((_unk(), True),), pc)
    elif sub == "JOIN" and len(args) >= 4:
        out = _only_text(args, 3)
        glue = _only_text(args, 2)
        old = env.scope.get(var) or _EMPTY
        if out is not None:
            if glue is not None and all(c is True and isinstance(t, str) for t, c in old):
                m.assign(env, out, ((glue.join(str(t) for t, _c in old), True),), pc)
            else:
                m.assign(env, out, ((_unk(), True),), pc)
    elif sub in ("LENGTH", "GET", "FIND", "SUBLIST"):
        out = _only_text(args, len(args) - 1)
        if out is not None:
            old = env.scope.get(var) or _EMPTY
            if sub == "LENGTH" and all(c is True for _t, c in old):
                m.assign(env, out, ((str(len(old)), True),), pc)
            elif sub == "GET" and len(args) == 4 and all(c is True for _t, c in old):
                k = _only_text(args, 2)
                try:
                    got_t, got_c = old[int(k or "x")]
                    m.assign(env, out, ((_part(got_t), got_c),), pc)
                except (ValueError, IndexError):
                    m.assign(env, out, ((_unk(), True),), pc)
            else:
                m.assign(env, out, ((_unk(), True),), pc)


def _list_transform(
    m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any, var: str
) -> None:
    words = [_only_text(args, k) for k in range(2, len(args))]
    old = env.scope.get(var)
    out_var = var
    if "OUTPUT_VARIABLE" in words:
        k = words.index("OUTPUT_VARIABLE")
        if k + 1 < len(words) and words[k + 1]:
            out_var = str(words[k + 1])
        words = words[:k]
    if old is None:
        return
    action = words[0] if words else None
    new: list[Item] = []
    if action in ("APPEND", "PREPEND") and len(words) == 2 and words[1] is not None:
        s = words[1]
        for t, c in old:
            nt: Text = _unk() if isinstance(t, _Unk) else (t + s if action == "APPEND" else s + t)
            new.append((nt, c))
    elif action in ("TOLOWER", "TOUPPER", "STRIP") and len(words) == 1:
        for t, c in old:
            if isinstance(t, _Unk):
                new.append((_part(t), c))
            else:
                new.append(
                    (
                        t.lower()
                        if action == "TOLOWER"
                        else t.upper()
                        if action == "TOUPPER"
                        else t.strip(),
                        c,
                    )
                )
    else:
        new = [(_unk(), True)]
    m.assign(env, out_var, tuple(new), pc)


def _str_inputs(args: list, k: int) -> list[tuple[Text, Any]]:
    """The alternatives of the inputs of ``string()`` from argument ``k``, concatenated."""
    alts: list[tuple[Text, Any]] = [("", True)]
    for a in args[k:]:
        alts = _cross(alts, _joined(a[0]))
    return alts


def _cross(
    left: list[tuple[Text, Any]], right: list[tuple[Text, Any]], prepend: bool = False
) -> list[tuple[Text, Any]]:
    """Every concatenation of an alternative of ``left`` and one of ``right`` (``right``
    first with ``prepend``), under both conditions; one unknown when there are too many."""
    out: list[tuple[Text, Any]] = []
    for (x, cx), (y, cy) in product(left, right):
        c = _and(cx, cy)
        if c is not False:
            out.append((_cat(y, x) if prepend else _cat(x, y), c))
    return out if len(out) <= MAX_ALTS else [(_unk(), True)]


def _map_alts(alts: list[tuple[Text, Any]], fn: Any) -> Value:
    return tuple((_part(t) if isinstance(t, _Unk) else fn(t), c) for t, c in alts)


def _h_string(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    sub = _only_text(args, 0)
    if sub is None:
        return
    if sub in ("TOUPPER", "TOLOWER", "STRIP", "MAKE_C_IDENTIFIER") and len(args) >= 3:
        out = _only_text(args, 2)
        if out is None:
            return
        fns = {
            "TOUPPER": str.upper,
            "TOLOWER": str.lower,
            "STRIP": str.strip,
            "MAKE_C_IDENTIFIER": lambda s: re.sub(r"[^A-Za-z0-9_]", "_", s),
        }
        m.assign(env, out, _map_alts(_joined(args[1][0]), fns[sub]), pc)
    elif sub == "REPLACE" and len(args) >= 4:
        match, repl, out = _only_text(args, 1), _only_text(args, 2), _only_text(args, 3)
        if out is None:
            return
        if match is None or repl is None or match == "":
            m.assign(env, out, ((_unk(), True),), pc)
            return
        m.assign(env, out, _map_alts(_str_inputs(args, 4), lambda s: s.replace(match, repl)), pc)
    elif sub in ("APPEND", "PREPEND") and len(args) >= 2:
        var = _only_text(args, 1)
        if var is None:
            return
        alts = _cross(_joined(m.lookup(var, env)), _str_inputs(args, 2), sub == "PREPEND")
        m.assign(env, var, tuple(alts), pc)
    elif sub == "CONCAT" and len(args) >= 2:
        out = _only_text(args, 1)
        if out is not None:
            m.assign(env, out, tuple(_str_inputs(args, 2)), pc)
    elif sub == "JOIN" and len(args) >= 3:
        glue, out = _only_text(args, 1), _only_text(args, 2)
        if out is None:
            return
        items = [a[0] for a in args[3:]]
        if glue is not None and all(
            len(v) == 1 and v[0][1] is True and isinstance(v[0][0], str) for v in items
        ):
            m.assign(env, out, ((glue.join(str(v[0][0]) for v in items), True),), pc)
        else:
            m.assign(env, out, ((_unk(), True),), pc)
    elif sub == "SUBSTRING" and len(args) >= 5:
        out = _only_text(args, 4)
        if out is None:
            return
        try:
            b = int(_only_text(args, 2) or "x")
            n = int(_only_text(args, 3) or "x")
        except ValueError:
            m.assign(env, out, ((_unk(), True),), pc)
            return
        m.assign(
            env, out, _map_alts(_joined(args[1][0]), lambda s: s[b:] if n < 0 else s[b : b + n]), pc
        )
    else:
        # LENGTH, FIND, REGEX, COMPARE, HASH, ...: the output variable is not followed
        out_at = {
            "LENGTH": 2,
            "FIND": 3,
            "COMPARE": 4,
            "RANDOM": -1,
            "TIMESTAMP": 1,
            "UUID": 1,
            "REPEAT": 3,
            "ASCII": -1,
            "HEX": 2,
            "GENEX_STRIP": 2,
            "CONFIGURE": 2,
            "JSON": 1,
        }.get(sub)
        if sub == "REGEX" and len(args) >= 4:
            out_at = 3
        elif sub in (
            "MD5",
            "SHA1",
            "SHA224",
            "SHA256",
            "SHA384",
            "SHA512",
            "SHA3_224",
            "SHA3_256",
            "SHA3_384",
            "SHA3_512",
        ):
            out_at = 1
        if out_at is not None:
            out = _only_text(args, out_at if out_at >= 0 else len(args) - 1)
            if out is not None:
                m.assign(env, out, ((_unk(), True),), pc)


def _h_file(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    m.naming_refs("file", cmd, args, env, pc)
    sub = _only_text(args, 0)
    if sub in ("GLOB", "GLOB_RECURSE"):
        var = _only_text(args, 1)
        if var is None:
            return
        m.assign(env, var, _glob(m, args[2:], env, sub == "GLOB_RECURSE"), pc)
        return
    out_at = {
        "READ": 2,
        "STRINGS": 2,
        "TIMESTAMP": 2,
        "SIZE": 2,
        "READ_SYMLINK": 2,
        "RELATIVE_PATH": 1,
        "TO_CMAKE_PATH": 2,
        "TO_NATIVE_PATH": 2,
        "REAL_PATH": 2,
        "MD5": 2,
        "SHA1": 2,
        "SHA256": 2,
        "SHA512": 2,
    }.get(sub or "")
    if out_at is not None:
        out = _only_text(args, out_at)
        if out is not None:
            m.assign(env, out, ((_unk(), True),), pc)


def _glob(m: _Model, args: list, env: _Env, recursive: bool) -> Value:
    relative: str | None = None
    out: list[Item] = []
    skip = 0
    for k, (value, _line, quoted, literal) in enumerate(args):
        if skip:
            skip -= 1
            continue
        word = value[0][0] if literal and not quoted and len(value) == 1 else None
        if word in ("CONFIGURE_DEPENDS", "FOLLOW_SYMLINKS"):
            continue
        if word == "LIST_DIRECTORIES":
            skip = 1
            continue
        if word == "RELATIVE":
            if k + 1 < len(args) and len(args[k + 1][0]) == 1:
                t = args[k + 1][0][0][0]
                relative = t if isinstance(t, str) else None
                if relative is not None:
                    relative = m.rel_path(relative, env)
            skip = 1
            continue
        for t, c in value:
            if isinstance(t, _Unk):
                out.append((_part(t), c))
                continue
            path = m.rel_path(t, env)
            if path is None:
                continue
            for hit in m.tree.glob(path, recursive):
                if relative is not None:
                    text = posixpath.relpath(hit, relative or ".")
                else:
                    text = _join(ROOT, hit)
                out.append((text, c))
    return tuple(out)


def _h_aux_source_directory(
    m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any
) -> None:
    d, var = _only_text(args, 0), _only_text(args, 1)
    if var is None:
        return
    path = m.rel_path(d, env) if d is not None else None
    if path is None:
        m.assign(env, var, ((_unk(), True),), pc)
        return
    found = tuple(
        (_join(ROOT, p), True)
        for p in m.tree.under(path)
        if "/" not in p[len(path) + 1 if path else 0 :] and p.lower().endswith(CPP_SOURCE_SUFFIXES)
    )
    m.append(env, var, found, pc)


def _h_include(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    if not args:
        return
    words = [_only_text(args, k) for k in range(1, len(args))]
    result_var = None
    if "RESULT_VARIABLE" in words:
        k = words.index("RESULT_VARIABLE")
        result_var = words[k + 1] if k + 1 < len(words) else None
    for t, c in args[0][0]:
        cond = _and(pc, c)
        if isinstance(t, _Unk):
            m.unevaluated_call(f, cmd, env, cond)
            continue
        target = None
        if "/" in t or t.endswith(".cmake"):
            path = m.rel_path(t, env)
            if path is not None:
                m.add_ref(env, args[0][1], K_CMAKE_INCLUDE, t, m.arg_ev(cmd, args[0][1]), cond, 0)
                target = path if path in m.tree.files else None
                if target is None and m.spec_of(t) is not None and not t.startswith(ROOT):
                    alt = posixpath.normpath(t)
                    target = alt if alt in m.tree.files else None
        else:
            target = _module_file(m, t, env)
            if target is not None:
                m.add_ref(
                    env,
                    args[0][1],
                    K_CMAKE_INCLUDE,
                    _join(ROOT, target),
                    m.arg_ev(cmd, args[0][1]),
                    cond,
                    0,
                )
        if target is None or m.file(target) is None:
            continue
        _include_file(m, target, env, cond)
    if result_var:
        m.assign(env, result_var, ((_unk(), True),), pc)


def _module_file(m: _Model, name: str, env: _Env) -> str | None:
    for t, _c in m.lookup("CMAKE_MODULE_PATH", env):
        if isinstance(t, _Unk):
            continue
        d = m.rel_path(t, env)
        if d is None:
            continue
        cand = f"{d}/{name}.cmake" if d else f"{name}.cmake"
        if cand in m.tree.files:
            return cand
    return None


def _include_file(m: _Model, target: str, env: _Env, cond: Any) -> None:
    """``include()``: the file runs in the includer's scope and directory."""
    m.process(target, env.scope, env.src, cond, env.standalone)


def _h_add_subdirectory(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    if not args:
        return
    for t, c in args[0][0]:
        cond = _and(pc, c)
        if isinstance(t, _Unk):
            m.unevaluated_call(f, cmd, env, cond)
            continue
        path = m.rel_path(t, env)
        m.add_ref(env, args[0][1], K_CMAKE_SUBDIR, t, m.arg_ev(cmd, args[0][1]), cond, 0)
        if path is None:
            continue
        target = f"{path}/CMakeLists.txt" if path else "CMakeLists.txt"
        if target not in m.tree.files and env.src and not t.startswith(ROOT):
            # as the reader resolves it: a relative path that names nothing is tried at the root
            alt = posixpath.normpath(t)
            if f"{alt}/CMakeLists.txt" in m.tree.files:
                path, target = alt, f"{alt}/CMakeLists.txt"
        if m.file(target) is None:
            continue
        m.process(target, _Scope(env.scope), path, cond, env.standalone)


def _h_externalproject_add(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    """``ExternalProject_Add(name SOURCE_DIR dir)``: a project of the tree configured at build
    time, only where this call runs: its files carry the call's condition (like a guarded
    ``add_subdirectory()``), in a scope of their own."""
    m.naming_refs(cmd[0], cmd, args, env, pc)
    words = [_only_text(args, k) for k in range(len(args))]
    if "SOURCE_DIR" not in words:
        return
    k = words.index("SOURCE_DIR")
    sub = words[words.index("SOURCE_SUBDIR") + 1] if "SOURCE_SUBDIR" in words[:-1] else None
    for t, c in args[k + 1][0] if k + 1 < len(args) else ():
        path = None if isinstance(t, _Unk) else m.rel_path(t, env)
        if path is None:
            continue
        if sub:
            path = posixpath.normpath(posixpath.join(path, sub))
        target = f"{path}/CMakeLists.txt" if path else "CMakeLists.txt"
        if m.file(target) is not None:
            m.process(target, _Scope(None), path, _and(pc, c), True)


def _h_find_package(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    name = _only_text(args, 0)
    if name is None:
        return
    target = _module_file(m, f"Find{name}", env)
    if target is not None:
        _include_file(m, target, env, pc)


def _h_cmake_minimum_required(
    m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any
) -> None:
    words = [_only_text(args, k) for k in range(len(args))]
    if "VERSION" in words and m.min_version is None:
        k = words.index("VERSION")
        text = words[k + 1] if k + 1 < len(words) else None
        got = _version(text.split("...")[0]) if text else None
        if got is not None:
            m.min_version = got


def _h_option(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    name = _only_text(args, 0)
    if name is not None:
        m.switches.add(name)
        m.written.add(name)


def _h_project(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    name = _only_text(args, 0)
    src = _join(ROOT, env.src)
    m.assign(env, "PROJECT_SOURCE_DIR", ((src, True),), pc)
    if name is not None:
        m.assign(env, f"{name}_SOURCE_DIR", ((src, True),), pc)
        m.assign(env, "PROJECT_NAME", ((name, True),), pc)


def _h_cmake_parse_arguments(
    m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any
) -> None:
    first = _only_text(args, 0)
    if first == "PARSE_ARGV":
        n = _only_text(args, 1)
        prefix = _only_text(args, 2)
        spec = args[3:6]
        try:
            start = int(n or "x")
        except ValueError:
            return
        inputs: list[Value] = []
        k = start
        while True:
            got = env.scope.get(f"ARGV{k}")
            if got is None:
                break
            inputs.append(got)
            k += 1
        items = [it for v in inputs for it in v]
    else:
        prefix = first
        spec = args[1:4]
        items = [it for a in args[4:] for it in a[0]]
    if prefix is None or len(spec) < 3:
        return
    # an unknown item may be several, keywords among them: what it fills is made from it
    items = [(_part(t), c) for t, c in items]
    options, singles, multis = (set(_words(s[0])) for s in spec)
    keywords = options | singles | multis
    found: dict[str, list[Item]] = {}
    unparsed: list[Item] = []
    current: str | None = None
    for t, c in items:
        if isinstance(t, str) and t in keywords:
            if t in options:
                found.setdefault(t, []).append(("TRUE", c))
                current = None
            else:
                found.setdefault(t, [])
                current = t
            continue
        if current is None:
            unparsed.append((t, c))
        else:
            found[current].append((t, c))
            if current in singles:
                current = None
    for o in options:
        got_o = found.get(o)
        if not got_o:
            m.assign(env, f"{prefix}_{o}", (("FALSE", True),), pc)
        else:
            present: Any = False
            for _t, c in got_o:
                present = _or(present, c)
            val: Value = (("TRUE", present),) + (
                (("FALSE", _not(present)),) if present is not True else ()
            )
            m.assign(env, f"{prefix}_{o}", val, pc)
    for kw in singles | multis:
        m.assign(env, f"{prefix}_{kw}", tuple(found.get(kw, ())), pc)
    m.assign(env, f"{prefix}_UNPARSED_ARGUMENTS", tuple(unparsed), pc)


def _h_get_filename_component(
    m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any
) -> None:
    out, mode = _only_text(args, 0), _only_text(args, 2)
    if out is None:
        return
    if len(args) < 3 or mode is None:
        m.assign(env, out, ((_unk(), True),), pc)
        return

    def comp(s: str) -> Text:
        if mode in ("DIRECTORY", "PATH"):
            return posixpath.dirname(s)
        if mode == "NAME":
            return posixpath.basename(s)
        if mode == "NAME_WE":
            b = posixpath.basename(s)
            return b.split(".", 1)[0]
        if mode == "NAME_WLE":
            return posixpath.splitext(posixpath.basename(s))[0]
        if mode == "EXT":
            b = posixpath.basename(s)
            return "." + b.split(".", 1)[1] if "." in b else ""
        if mode == "LAST_EXT":
            return posixpath.splitext(s)[1]
        if mode in ("ABSOLUTE", "REALPATH"):
            if s.startswith("/"):
                return posixpath.normpath(s)
            p = m.rel_path(s, env)
            return _unk() if p is None else _join(ROOT, p)
        return _unk()

    alts = _joined(args[1][0])
    m.assign(
        env, out, tuple((_part(t) if isinstance(t, _Unk) else comp(t), c) for t, c in alts), pc
    )


def _h_math(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    out = _only_text(args, 1)
    if out is None:
        return
    expr = _only_text(args, 2)
    value: Text = _unk()
    if expr is not None and re.fullmatch(r"[0-9+\-*/%() \t]{1,200}", expr):
        try:
            value = str(int(_safe_int_eval(expr)))
        except (ValueError, ZeroDivisionError, SyntaxError):
            value = _unk()
    m.assign(env, out, ((value, True),), pc)


def _safe_int_eval(expr: str) -> int:
    import ast

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, (ast.Div, ast.FloorDiv)):
                return int(a / b)
            if isinstance(node.op, ast.Mod):
                return a % b
        raise ValueError(expr)

    return ev(ast.parse(expr.replace("/", "//"), mode="eval"))


def _h_configure_file(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    m.naming_refs("configure_file", cmd, args, env, pc)
    if not args:
        return
    for t, c in args[0][0]:
        if isinstance(t, _Unk):
            continue
        path = m.rel_path(t, env)
        if path is None:
            continue
        for macro in m.cmakedefines.get(path, ()):
            # `#cmakedefine M`: defined when the CMake variable M is true at this point
            m.define_macro(macro, _and(_and(pc, c), _truth(m.lookup(macro, env))))


def _h_compile_definitions(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    name = cmd[0]
    tcond: Any = True
    start = 0
    if name == "target_compile_definitions":
        tname = _only_text(args, 0)
        tcond = m.targets.get(tname or "", True) if tname is not None else True
        start = 1
    for value, _line, quoted, literal in args[start:]:
        for t, c in value:
            if not isinstance(t, str):
                continue
            if literal and not quoted and t in ("PUBLIC", "PRIVATE", "INTERFACE"):
                continue
            macro = t[2:] if t.startswith(("-D", "/D")) else t
            mm = _IDENT.match(macro)
            if mm is not None:
                valued = macro[mm.end() : mm.end() + 1] == "="
                m.define_macro(mm.group(0), _and(_and(pc, c), tcond), valued)
    for text, _quoted, _line in cmd[2][start:]:
        if "$" in text:  # `NAME=${VALUE}`: an unknown value, a literal name
            vm = _RAW_VALUED_DEFINE.match(text)
            if vm is not None:
                m.define_macro(vm.group(1), _and(pc, tcond), True)


def _h_set_property(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    words = [a[0][0][0] if len(a[0]) == 1 else None for a in args]
    if "PROPERTY" not in words:
        return
    k = words.index("PROPERTY")
    prop = words[k + 1] if k + 1 < len(words) else None
    values = [it for a in args[k + 2 :] for it in a[0]]
    if words and words[0] == "GLOBAL" and isinstance(prop, str):
        old = (
            m.global_props.get(prop, _EMPTY)
            if ("APPEND" in words[:k] or "APPEND_STRING" in words[:k])
            else _EMPTY
        )
        add = tuple((t, _and(c, pc)) for t, c in values)
        m.global_props[prop] = old + tuple(it for it in add if it[1] is not False)
    elif prop == "COMPILE_DEFINITIONS":
        for t, c in values:
            if isinstance(t, str):
                mm = _IDENT.match(t)
                if mm is not None:
                    m.define_macro(mm.group(0), _and(pc, c), t[mm.end() : mm.end() + 1] == "=")
    elif prop == "SOURCES" and words and words[0] == "TARGET":
        m.build("target_sources", cmd, [args[1], *args[k + 2 :]], env, pc)


def _h_get_property(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    out = _only_text(args, 0)
    if out is None:
        return
    words = [_only_text(args, k) for k in range(len(args))]
    if len(words) > 3 and words[1] == "GLOBAL" and words[2] == "PROPERTY" and words[3]:
        m.assign(env, out, m.global_props.get(str(words[3]), _EMPTY), pc)
    else:
        m.assign(env, out, ((_unk(), True),), pc)


def _h_set_target_properties(
    m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any
) -> None:
    words = [a[0][0][0] if len(a[0]) == 1 else None for a in args]
    for k, w in enumerate(words):
        if w == "COMPILE_DEFINITIONS" and k + 1 < len(args):
            for t, c in args[k + 1][0]:
                if isinstance(t, str):
                    for part in t.split(";"):
                        mm = _IDENT.match(part)
                        if mm is not None:
                            valued = part[mm.end() : mm.end() + 1] == "="
                            m.define_macro(mm.group(0), _and(pc, c), valued)
    m.naming_refs(cmd[0], cmd, args, env, pc)


def _h_cmake_language(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    sub = _only_text(args, 0)
    name = _only_text(args, 1)
    if sub == "CALL" and name is not None:
        low = name.lower()
        inner: tuple = (low, cmd[1], [], cmd[3], cmd[4])
        defs = m.functions.get(low)
        rest = args[2:]
        m.scan_defines(low, rest, pc, cmd[2][2:])
        if defs is not None:
            m.call_all(defs, rest, env, pc)
        elif low in _HANDLERS:
            _HANDLERS[low](m, f, inner, rest, env, pc)
        elif low in _BUILDING or low not in _KNOWN:
            m.build(low, inner, rest, env, pc)
        return
    m.note(f.path, cmd[1], f"cmake_language({sub or '...'}) not understood: {cmd[3]}")
    m.build("cmake_language", cmd, args[1:], env, pc)
    code = str(cmd[3]).lower()
    for called in ("add_subdirectory", "include"):
        if called in code and (not env.standalone or m.blind is not None):
            m.unevaluated_at((called, f.path, cmd[1], str(cmd[3]), ""), pc)


def _h_separate_arguments(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    out = _only_text(args, 0)
    if out is not None:
        m.assign(env, out, ((_unk(), True),), pc)


def _h_get_out_first(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    out = _only_text(args, 0)
    if out is not None:
        m.assign(env, out, ((_unk(), True),), pc)
    m.naming_refs(cmd[0], cmd, args, env, pc)


def _h_execute_process(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    words = [_only_text(args, k) for k in range(len(args))]
    for k, w in enumerate(words[:-1]):
        if w in ("OUTPUT_VARIABLE", "ERROR_VARIABLE", "RESULT_VARIABLE", "RESULTS_VARIABLE"):
            out = words[k + 1]
            if out:
                m.assign(env, out, ((_unk(), True),), pc)
    m.naming_refs("execute_process", cmd, args, env, pc)


def _h_naming(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    m.naming_refs(cmd[0], cmd, args, env, pc)


# ------------------------------------------------------------------------------------------
# LLVM and MLIR building commands (AddLLVM.cmake, AddMLIR.cmake, TableGen.cmake). An
# out-of-tree MLIR project (torch-mlir, a dialect of one's own) gets them from
# find_package(MLIR): the model never sees their definitions and knows their argument
# handling instead, as those files parse it. A project that defines them itself (llvm-project)
# has them expanded like any function.

_Level = tuple[frozenset[str], frozenset[str], frozenset[str]]  # cmake_parse_arguments()


def _level(options: str, singles: str, multis: str) -> _Level:
    return frozenset(options.split()), frozenset(singles.split()), frozenset(multis.split())


# The keywords of each parsing function, as the union over LLVM releases (a keyword one
# release lacks would be a source file named like a keyword there: a broken build).
_PROCESS_SOURCES = _level(  # llvm_process_sources(): what is left are the sources
    "PARTIAL_SOURCES_INTENDED", "", "ADDITIONAL_HEADERS ADDITIONAL_HEADER_DIRS"
)
_LLVM_ADD_LIBRARY = _level(
    "MODULE SHARED STATIC OBJECT DISABLE_LLVM_LINK_LLVM_DYLIB SONAME NO_INSTALL_RPATH "
    "COMPONENT_LIB DISABLE_PCH_REUSE",
    "OUTPUT_NAME PLUGIN_TOOL ENTITLEMENTS BUNDLE_PATH",
    "ADDITIONAL_HEADERS DEPENDS LINK_COMPONENTS LINK_LIBS OBJLIBS",
)
_ADD_MLIR_LIBRARY = _level(
    "SHARED INSTALL_WITH_TOOLCHAIN EXCLUDE_FROM_LIBMLIR DISABLE_INSTALL ENABLE_AGGREGATION "
    "OBJECT STANDALONE",
    "",
    "ADDITIONAL_HEADERS DEPENDS LINK_COMPONENTS LINK_LIBS",
)
_ADD_LLVM_LIBRARY = _level("SHARED BUILDTREE_ONLY MODULE INSTALL_WITH_TOOLCHAIN NO_EXPORT", "", "")
_ADD_LLVM_EXECUTABLE = _level(  # with generate_llvm_objects()
    "DISABLE_LLVM_LINK_LLVM_DYLIB IGNORE_EXTERNALIZE_DEBUGINFO NO_INSTALL_RPATH SUPPORT_PLUGINS "
    "EXPORT_SYMBOLS EXPORT_SYMBOLS_FOR_PLUGINS GENERATE_DRIVER",
    "ENTITLEMENTS BUNDLE_PATH",
    "DEPENDS",
)
_ADD_TABLEGEN = _level("", "DESTINATION EXPORT", "")
_MLIR_LIBRARY = (_ADD_MLIR_LIBRARY, _LLVM_ADD_LIBRARY, _PROCESS_SOURCES)

# command -> (positional parameters before the parsed ones, parsing levels outermost first)
_LLVM_BUILDERS: dict[str, tuple[int, tuple[_Level, ...]]] = {
    "add_mlir_library": (1, _MLIR_LIBRARY),
    "add_mlir_dialect_library": (1, _MLIR_LIBRARY),
    "add_mlir_conversion_library": (1, _MLIR_LIBRARY),
    "add_mlir_translation_library": (1, _MLIR_LIBRARY),
    "add_mlir_extension_library": (1, _MLIR_LIBRARY),
    "add_mlir_public_c_api_library": (1, _MLIR_LIBRARY),
    "add_mlir_example_library": (1, _MLIR_LIBRARY),
    "llvm_add_library": (1, (_LLVM_ADD_LIBRARY, _PROCESS_SOURCES)),
    "add_llvm_library": (1, (_ADD_LLVM_LIBRARY, _LLVM_ADD_LIBRARY, _PROCESS_SOURCES)),
    "add_llvm_executable": (1, (_ADD_LLVM_EXECUTABLE, _PROCESS_SOURCES)),
    "add_tablegen": (2, (_ADD_TABLEGEN, _ADD_LLVM_EXECUTABLE, _PROCESS_SOURCES)),
}
_LLVM_KEYWORDS = frozenset(
    w for _n, levels in _LLVM_BUILDERS.values() for level in levels for part in level for w in part
)

# (text, condition, the argument it came from)
_Arg = tuple[Text, Any, tuple]


def _parse_level(
    items: list[_Arg], level: _Level, first: bool, strict: bool
) -> tuple[list[_Arg], set[str], str]:
    """``cmake_parse_arguments`` of one level: the unparsed items, the keywords present, and a
    problem (empty when understood). On the first level a word like a keyword that no level
    knows starts a section of its own (a keyword of a newer release: its arguments are not
    sources); with ``strict``, an unknown value there may be a keyword: the items after it are
    left out."""
    options, singles, multis = level
    out: list[_Arg] = []
    found: set[str] = set()
    current: str | None = None
    for k, (text, c, arg) in enumerate(items):
        if isinstance(text, _Unk):
            if strict and first and current is None and k + 1 < len(items):
                return out, found, "an argument the model does not know may be a keyword"
            if current is None:
                out.append((text, c, arg))
            elif current in singles:
                current = None
            continue
        if text in options or text in singles or text in multis:
            if c is not True:
                return out, found, f"keyword {text} is there only under a condition"
            found.add(text)
            current = None if text in options else text
        elif (
            first
            and current is None
            and text not in _LLVM_KEYWORDS
            and _KEYWORD.fullmatch(text) is not None
        ):
            return out, found, f"keyword {text} is not one the model knows"
        elif current is None:
            out.append((text, c, arg))
        elif current in singles:
            current = None
    return out, found, ""


def _llvm_sources(
    items: list[_Arg], levels: tuple[_Level, ...], strict: bool
) -> tuple[list[_Arg], set[str], str]:
    """The items every level leaves unparsed (the sources), the keywords found, the first
    problem; what comes before a problem is parsed the same whatever the rest means."""
    found: set[str] = set()
    first_problem = ""
    for k, level in enumerate(levels):
        items, got, problem = _parse_level(items, level, k == 0, strict)
        found |= got
        first_problem = first_problem or problem
    if "OBJLIBS" in found:
        items = []  # llvm_add_library() then builds from object libraries, not sources
    return items, found, first_problem


def _h_llvm_builder(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    """``add_mlir_library(Name a.cpp b.cpp ADDITIONAL_HEADER_DIRS ... DEPENDS ... LINK_LIBS
    ...)`` and its kin: the sources are what every ``cmake_parse_arguments`` level leaves
    unparsed; the keyword sections are not compiled."""
    name = cmd[0]
    npos, levels = _LLVM_BUILDERS[name]
    if len(args) < npos:
        return
    items: list[_Arg] = []
    for arg in args[npos:]:
        value = arg[0]
        if len(value) > 1 and any(  # a quoted string with alternatives: one argument
            isinstance(t, _Unk) or _KEYWORD.fullmatch(t) for t, _c in value
        ):
            items.append((_unk(), True, arg))
            continue
        items.extend((t, c, arg) for t, c in value if t != "")
    got, found, problem = _llvm_sources(items, levels, strict=True)
    if problem.startswith("an argument"):
        # an unknown value where a keyword would change the parse: say so only when it
        # changes what is built (a value in a section of a deeper level changes nothing)
        loose = _llvm_sources(items, levels, strict=False)[0]
        if [(t, a[1]) for t, _c, a in loose] == [(t, a[1]) for t, _c, a in got]:
            problem = ""
    if problem:
        m.note(
            f.path,
            cmd[1],
            f"{name}(): {problem}: the arguments after it are not counted as sources",
        )
    if "MODULE" in found:
        pc = _and(pc, _fresh())  # a loadable module is built only when plugins are enabled
    sources = [(((t, c),), arg[1], arg[2], arg[3]) for t, c, arg in got]
    m.build("add_library", cmd, [args[0], *sources], env, pc)


def _td_input(m: _Model, cmd: tuple, value: Value, env: _Env, pc: Any, builds: bool = True) -> None:
    """The TableGen (or PDLL) file a command reads: ``${LLVM_TARGET_DEFINITIONS}`` or the
    ``Foo.td`` a command implies, relative to ``CMAKE_CURRENT_SOURCE_DIR`` as ``tablegen()``
    makes it absolute. Read to generate code the build compiles, it is built: a reference
    marked ``F_BUILD | F_TABLEGEN`` at the site, and a build condition of its own."""
    site = env.site or (env.code, cmd[1], cmd[3])
    for text, c in value:
        cond = _and(pc, c)
        if cond is False:
            continue
        if isinstance(text, _Unk):
            what = f"{text.name}, which" if text.name is not None else "a file whose path"
            m.note(site[0], site[1], f"{cmd[0]}() reads {what} the model does not know here")
            continue
        rel = m.rel_path(text, env) if text else None
        if rel is None or rel not in m.tree.files:
            continue
        if not builds:
            m.add_ref(env, cmd[1], K_CMAKE_PATH, _join(ROOT, rel), str(cmd[3]), cond, 0)
            continue
        m.add_ref(
            env,
            site[1],
            K_CMAKE_PATH,
            _join(ROOT, rel),
            str(site[2]),
            cond,
            F_BUILD | F_TABLEGEN,
            file=site[0],
        )
        m.build_cond[rel] = _or(m.build_cond.get(rel, False), cond)


def _h_tablegen(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    """``mlir_tablegen(out.inc -gen-...)``, ``tablegen(PROJECT out.inc ...)``: they read
    ``${LLVM_TARGET_DEFINITIONS}``."""
    m.naming_refs(cmd[0], cmd, args, env, pc)
    _td_input(m, cmd, m.lookup("LLVM_TARGET_DEFINITIONS", env), env, pc)


# command -> (the argument naming the input, its suffix, the target it declares, builds)
_MLIR_TD: dict[str, tuple[int, str, str, bool]] = {
    "add_mlir_dialect": (0, ".td", "MLIR{}IncGen", True),
    "add_mlir_interface": (0, ".td", "MLIR{}IncGen", True),
    "add_mlir_type_interface": (0, ".td", "MLIR{}IncGen", True),
    "add_sharded_ops": (0, ".td", "MLIR{}ShardGen", True),
    "add_mlir_pdll_library": (1, "", "", True),
    "add_mlir_doc": (0, ".td", "", False),  # documentation: names the file, builds nothing
}


def _h_mlir_td(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    """``add_mlir_dialect(Foo foo)`` reads ``Foo.td`` of the current source directory (as
    ``add_mlir_interface(Foo)``, ``add_mlir_pdll_library(t Foo.pdll out)``, ...)."""
    at, suffix, target, builds = _MLIR_TD[cmd[0]]
    if len(args) <= at:
        return
    value = args[at][0]
    _td_input(
        m,
        cmd,
        tuple((t if isinstance(t, _Unk) else t + suffix, c) for t, c in value),
        env,
        pc,
        builds,
    )
    if target:
        for t, c in value:
            if isinstance(t, str):
                tname = target.format(t)
                m.targets[tname] = _or(m.targets.get(tname, False), _and(pc, c))
    if cmd[0] == "add_sharded_ops":
        m.assign(env, "SHARDED_SRCS", ((_unk(), True),), pc)  # generated sources


def _h_declare_target(m: _Model, f: _File, cmd: tuple, args: list, env: _Env, pc: Any) -> None:
    """``add_public_tablegen_target(T)``: a target of generated headers, no source built."""
    m.declare(args, pc)


_HANDLERS: dict[str, Any] = {
    "set": _h_set,
    "unset": _h_unset,
    "list": _h_list,
    "string": _h_string,
    "file": _h_file,
    "aux_source_directory": _h_aux_source_directory,
    "include": _h_include,
    "add_subdirectory": _h_add_subdirectory,
    "externalproject_add": _h_externalproject_add,
    "find_package": _h_find_package,
    "option": _h_option,
    "cmake_minimum_required": _h_cmake_minimum_required,
    "cmake_dependent_option": _h_option,
    "project": _h_project,
    "cmake_parse_arguments": _h_cmake_parse_arguments,
    "get_filename_component": _h_get_filename_component,
    "math": _h_math,
    "configure_file": _h_configure_file,
    "add_compile_definitions": _h_compile_definitions,
    "target_compile_definitions": _h_compile_definitions,
    "set_property": _h_set_property,
    "get_property": _h_get_property,
    "get_cmake_property": _h_get_out_first,
    "get_target_property": _h_get_out_first,
    "get_directory_property": _h_get_out_first,
    "get_source_file_property": _h_get_out_first,
    "find_file": _h_get_out_first,
    "find_library": _h_get_out_first,
    "find_path": _h_get_out_first,
    "find_program": _h_get_out_first,
    "try_compile": _h_get_out_first,
    "try_run": _h_get_out_first,
    "set_target_properties": _h_set_target_properties,
    "set_source_files_properties": _h_set_target_properties,
    "cmake_language": _h_cmake_language,
    "separate_arguments": _h_separate_arguments,
    "execute_process": _h_execute_process,
    "message": _h_naming,
    **dict.fromkeys(_LLVM_BUILDERS, _h_llvm_builder),
    "mlir_tablegen": _h_tablegen,
    "tablegen": _h_tablegen,
    **dict.fromkeys(_MLIR_TD, _h_mlir_td),
    "add_public_tablegen_target": _h_declare_target,
    "add_mlir_dialect_tablegen_target": _h_declare_target,
    "add_mlir_generic_tablegen_target": _h_declare_target,
}


# ------------------------------------------------------------------------------------------
# Entry point


def build_model(
    facts: dict[str, FileFacts],
    files: frozenset[str] | set[str],
    dirs: set[str],
    switches: Iterable[str] = (),
    option_commands: Iterable[str] = ("option", "cmake_dependent_option"),
    cmakedefines: dict[str, list[str]] | None = None,
) -> BuildModel:
    """Evaluate the CMake files of ``facts`` from the root ``CMakeLists.txt``.

    ``switches`` are variables the model leaves free (the registry's toggle names); every
    name an option command declares (``option_commands``, from the facts' calls) is free too.
    ``cmakedefines`` maps configured-header templates to the macros they ``#cmakedefine``.
    """
    cmake = {p: f for p, f in facts.items() if f and f[0] == "cmake"}
    names = set(switches)
    option_set = {c.lower() for c in option_commands}
    for f in cmake.values():
        for call in f[3].get("calls", ()):
            if call[0] in option_set:
                names.add(call[1])
    global _ids
    _ids = count(1)
    _NODES.clear()
    _SIZES.clear()
    _SEQ.clear()
    _JOINS.clear()
    _WEAK.clear()
    _PARSED.clear()
    m = _Model(cmake, files, dirs, names, cmakedefines or {})
    has_root = "CMakeLists.txt" in cmake
    separate: dict[str, str] = {}
    try:
        if has_root:
            m.process("CMakeLists.txt", _Scope(None), "", True, standalone=False)
        order = sorted(
            cmake, key=lambda p: (p.count("/"), p.rsplit("/", 1)[-1] != "CMakeLists.txt", p)
        )
        if has_root:
            _blind_files(m, order)
        for p in order:
            if p in m.file_cond:
                continue
            cf = m.file(p)
            if cf is None:
                continue
            if has_root and not cf.is_project:
                m.note(
                    p,
                    0,
                    "CMake file reached by no add_subdirectory()/include() from the root CMakeLists.txt: read on its own, unconditionally",
                )
            before = set(m.file_cond)
            m.process(p, _Scope(None), posixpath.dirname(p), True, standalone=True)
            if has_root and cf.is_project:
                separate.update((q, p) for q in m.file_cond if q not in before)
        out = m.result(has_root)
        out.separate = separate
        out.steps = m.steps
        out.conditions = len(_SEQ)
        return out
    except _Stop:
        raise ModelGaveUp(f"the CMake model stopped after {MAX_STEPS} commands") from None
    finally:
        _NODES.clear()
        _SIZES.clear()
        _SEQ.clear()
        _JOINS.clear()
    _WEAK.clear()


def _blind_files(m: _Model, order: list[str]) -> None:
    """Files no evaluated call reaches, but an add_subdirectory()/include() the model could not
    evaluate may (``foreach(t ${LIST}) add_subdirectory(${t})``): each is read under the OR of
    those calls' conditions AND an unknown one, its references marked F_BLIND. A blind file's
    own unevaluated include() may reach any other file: a second round takes those."""
    rounds = 0
    while m.unevaluated and rounds < 2:
        rounds += 1
        includes = sum(1 for k in m.unevaluated if k[0] == "include")
        for p in order:
            cf = m.file(p)
            if p in m.file_cond or cf is None or cf.is_project:
                continue
            calls = m.blind_calls(p)
            if not calls:
                continue
            # what every call's conditions share (each reaches p only under its own)
            shared: tuple | None = None
            for parts in calls.values():
                ids = {id(x) for x in parts}
                shared = parts if shared is None else tuple(x for x in shared if id(x) in ids)
            cond: Any = _fresh()
            for x in shared or ():
                cond = _and(cond, x)
            m.blind = tuple((k[1], k[2], k[3]) for k in sorted(calls, key=lambda k: k[1:3]))
            first = m.blind[0]
            more = f" and {len(m.blind) - 1} more" if len(m.blind) > 1 else ""
            m.note(
                p,
                0,
                "CMake file reached by no add_subdirectory()/include() the model could evaluate;"
                f" {first[2]} at {first[0]}:{first[1]}{more} may reach it: read under what the "
                "conditions of those calls share, and an unknown condition",
            )
            try:
                m.process(p, _Scope(None), posixpath.dirname(p), cond, True)
            finally:
                m.blind = None
        if sum(1 for k in m.unevaluated if k[0] == "include") == includes:
            break


class ModelGaveUp(Exception):
    """The CMake files are too large or too deep for the model: callers fall back."""
