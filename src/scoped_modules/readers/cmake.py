"""CMake reader: path literals, ``add_subdirectory``/``include`` edges and their ``if()`` guards.

A tokenizer of the CMake language (command invocations spanning lines, quoted arguments
with escapes, bracket arguments and comments, nested parentheses) feeds a small
interpreter that tracks ``if/elseif/else/endif`` conditions (SPEC §3.3) and variables
``set()`` to literals earlier in the file (SPEC §3.2). Resolution against the file tree is
left to ``cmakegraph``.

Conditions follow CMake's own evaluation order (checked against ``cmake -P``): parentheses,
then unary and binary tests, then ``NOT``, then ``AND`` and ``OR`` *from left to right with
equal precedence* (``A OR B AND C`` is ``(A OR B) AND C`` in CMake).
"""

from __future__ import annotations

import re
from typing import Any

from .facts import (
    F_GLOB,
    F_GLOB_RECURSE,
    K_CMAKE_INCLUDE,
    K_CMAKE_PATH,
    K_CMAKE_SUBDIR,
    FileFacts,
    RawRef,
    evidence_text,
)
from .guards import Cond, cond_and, cond_not, cond_or, fresh_unknown, segment_value

# Tokens inside an argument list; group numbers are the kinds below.
_ARG_TOKEN = re.compile(
    r"""
     [ \t\r\n\f\v]*
     (?:
      (\#\[(=*)\[.*?(?:\]\2\]|\Z))         # 1 bracket comment
     |(\#[^\n]*)                          # 3 line comment
     |(\()                                # 4
     |(\))                                # 5
     |(\[(=*)\[.*?(?:\]\7\]|\Z))           # 6 bracket argument
     |("(?:[^"\\]++|\\.)*+(?:"|\Z))         # 8 quoted argument
     |((?:[^\s()\#"\\]++|\\.|\\\Z)++)       # 9 unquoted argument
     |(.)                                 # 10 anything else
     |(\Z)                                # 11 end of text
     )
    """,
    re.S | re.X,
)
_K_BCOM, _K_LCOM, _K_LP, _K_RP, _K_BRK, _K_QUO, _K_UNQ, _K_OTHER, _K_END = (
    1,
    3,
    4,
    5,
    6,
    8,
    9,
    10,
    11,
)
# Whitespace and comments, then a command name and its opening parenthesis.
_HEAD = re.compile(
    r"(?:[ \t\r\n\f\v]++|\#\[(=*)\[.*?(?:\]\1\]|\Z)|\#[^\n]*+)*+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(",
    re.S,
)
_SKIP = re.compile(r"(?:[ \t\r\n\f\v]++|\#\[(=*)\[.*?(?:\]\1\]|\Z)|\#[^\n]*+)*+", re.S)
_SPECIAL = re.compile(r'["#\[\\(]')
_WORD = re.compile(r"\S+")
# Comments and what can hide a `#` (quoted and bracket arguments), for blanking.
_COMMENTS = re.compile(
    r'"(?:[^"\\]++|\\.)*+(?:"|\Z)|\[(=*)\[.*?(?:\]\1\]|\Z)|(\#\[(=*)\[.*?(?:\]\3\]|\Z)|\#[^\n]*)',
    re.S,
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORD = re.compile(r"[A-Z][A-Z0-9_]*")
_VAR_REF = re.compile(r"\$\{([^${}]*)\}")
_ESCAPE = re.compile(r"\\(\r?\n|.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", ";": "\\;", "\n": "", "\r\n": ""}
_BUILD_INTERFACE = re.compile(r"\$<BUILD_INTERFACE:([^<>]*)>")

# Directory variables kept as written (the index substitutes them).
DIR_VARS = frozenset(
    {"CMAKE_CURRENT_SOURCE_DIR", "CMAKE_CURRENT_LIST_DIR", "PROJECT_SOURCE_DIR", "CMAKE_SOURCE_DIR"}
)
_KEEP_OPEN = "\x00{"  # a kept `${` while substituting
_MAX_VALUE = 100_000  # longest variable value tracked

# Commands whose arguments are never paths.
_NO_PATH_COMMANDS = frozenset(
    {
        "if",
        "elseif",
        "else",
        "endif",
        "while",
        "endwhile",
        "endforeach",
        "function",
        "endfunction",
        "macro",
        "endmacro",
        "block",
        "endblock",
        "return",
        "break",
        "continue",
        "option",
        "cmake_dependent_option",
        "message",
        "cmake_minimum_required",
        "cmake_policy",
        "project",
        "unset",
        "math",
        "string",
        "mark_as_advanced",
        "find_package",
        "find_library",
        "find_program",
        "cmake_parse_arguments",
        "add_definitions",
        "add_compile_definitions",
        "add_compile_options",
        "target_compile_definitions",
        "target_compile_options",
        "target_link_options",
        "add_link_options",
        "enable_language",
        "set_property",
        "get_property",
        "set_target_properties",
        "get_target_property",
        "define_property",
        "target_link_libraries",
        "link_libraries",
        "add_dependencies",
        "target_link_directories",
    }
)
# Commands whose first argument is a variable, target or sub-command name, not a path.
_FIRST_IS_NAME = frozenset(
    {
        "set",
        "list",
        "file",
        "get_filename_component",
        "cmake_path",
        "foreach",
        "add_library",
        "add_executable",
        "add_custom_target",
        "add_test",
    }
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")

_TRUE = frozenset({"1", "ON", "YES", "TRUE", "Y"})
_FALSE = frozenset({"0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", ""})
_UNARY_TESTS = frozenset(
    {
        "EXISTS",
        "COMMAND",
        "DEFINED",
        "TARGET",
        "POLICY",
        "TEST",
        "IS_DIRECTORY",
        "IS_SYMLINK",
        "IS_ABSOLUTE",
        "IS_READABLE",
        "IS_WRITABLE",
        "IS_EXECUTABLE",
    }
)
_BINARY_TESTS = frozenset(
    {
        "EQUAL",
        "LESS",
        "LESS_EQUAL",
        "GREATER",
        "GREATER_EQUAL",
        "STREQUAL",
        "STRLESS",
        "STRLESS_EQUAL",
        "STRGREATER",
        "STRGREATER_EQUAL",
        "VERSION_EQUAL",
        "VERSION_LESS",
        "VERSION_LESS_EQUAL",
        "VERSION_GREATER",
        "VERSION_GREATER_EQUAL",
        "MATCHES",
        "IN_LIST",
        "IS_NEWER_THAN",
        "PATH_EQUAL",
    }
)


_unknown = fresh_unknown
_and = cond_and
_or = cond_or
_not = cond_not


# ------------------------------------------------------------------------------------------
# Tokens and commands

# An argument: (value, quoted, line). Bracket arguments count as quoted; the unquoted
# parentheses nested in an argument list are arguments "(" and ")".
Arg = tuple[str, bool, int]


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw)


def _bracket_content(tok: str) -> str:
    open_len = tok.index("[", 1) + 1
    body = tok[open_len:]
    close = "]" + "=" * (open_len - 2) + "]"
    if body.endswith(close):
        body = body[: -len(close)]
    if body.startswith("\r\n"):
        body = body[2:]
    elif body.startswith("\n"):
        body = body[1:]
    return body


class _Command:
    __slots__ = ("name", "line", "start", "end", "args")

    def __init__(self, name: str, line: int, start: int) -> None:
        self.name = name
        self.line = line
        self.start = start
        self.end = start
        self.args: list[Arg] = []


def _commands(text: str, notes: list[tuple[int, str]]) -> list[_Command]:
    """Every command invocation of ``text``, in order; never raises."""
    out: list[_Command] = []
    n = len(text)
    pos = 0
    line = 1
    junk_noted = False
    while pos < n:
        m = _HEAD.match(text, pos)
        if m is None:
            end = _SKIP.match(text, pos).end()
            if end >= n:
                break
            if end == pos:  # not a command: skip the rest of the line
                if not junk_noted:
                    notes.append((line, "text outside a command invocation ignored"))
                    junk_noted = True
                nl = text.find("\n", pos)
                end = n if nl < 0 else nl + 1
            line += text.count("\n", pos, end)
            pos = end
            continue
        start = m.start(2)
        line += text.count("\n", pos, start)
        cmd = _Command(m.group(2), line, start)
        pos = m.end()
        line += text.count("\n", start, pos)
        close = text.find(")", pos)
        if close >= 0:
            seg = text[pos:close]
            if _SPECIAL.search(seg) is None:  # plain words only: the fast path
                if "\n" not in seg:
                    cmd.args = [(w, False, line) for w in seg.split()]
                else:
                    at = pos
                    for w in _WORD.finditer(seg):
                        line += text.count("\n", at, pos + w.start())
                        at = pos + w.start()
                        cmd.args.append((w.group(0), False, line))
                    line += text.count("\n", at, close)
                pos = close + 1
                cmd.end = pos
                out.append(cmd)
                continue
        pos, line, closed = _arguments(text, pos, line, cmd)
        cmd.end = pos
        out.append(cmd)
        if not closed:
            notes.append((cmd.line, f"unbalanced parentheses: {cmd.name}() is not closed"))
            break
    return out


def _arguments(text: str, pos: int, line: int, cmd: _Command) -> tuple[int, int, bool]:
    """Read the arguments of ``cmd`` from ``pos``: (end position, line there, closed)."""
    depth = 0
    args = cmd.args
    while True:
        m = _ARG_TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the pattern always matches
            return len(text), line, False
        kind = m.lastindex
        tstart = m.start(kind) if kind else pos
        line += text.count("\n", pos, tstart)
        pos = m.end()
        if kind == _K_END:
            return pos, line, False
        tok = m.group(kind)
        tline = line
        if kind == _K_RP:
            if depth == 0:
                return pos, line, True
            depth -= 1
            args.append((")", False, tline))
            continue
        if kind == _K_LP:
            depth += 1
            args.append(("(", False, tline))
            continue
        if kind in (_K_BCOM, _K_BRK, _K_QUO, _K_UNQ):
            line += tok.count("\n")
        if kind == _K_QUO:
            body = tok[1:-1] if len(tok) >= 2 and tok.endswith('"') else tok[1:]
            args.append((_unescape(body), True, tline))
        elif kind == _K_BRK:
            args.append((_bracket_content(tok), True, tline))
        elif kind in (_K_UNQ, _K_OTHER):
            args.append((_unescape(tok), False, tline))


def blank_comments_cmake(text: str) -> str:
    """``text`` with ``#`` line comments and ``#[[ ]]`` bracket comments replaced by spaces."""
    try:
        if "#" not in text:
            return text
        parts: list[str] = []
        last = 0
        for m in _COMMENTS.finditer(text):
            if m.group(2) is None:
                continue
            tok = m.group(2)
            parts.append(text[last : m.start()])
            if "\n" in tok:
                parts.append("".join(c if c in "\r\n" else " " for c in tok))
            else:
                parts.append(" " * len(tok))
            last = m.end()
        parts.append(text[last:])
        return "".join(parts)
    except Exception:  # pragma: no cover - defensive
        return text


# ------------------------------------------------------------------------------------------
# Conditions


def _atom(value: str, quoted: bool) -> Cond:
    """The truth of a single ``if()`` argument."""
    up = value.upper()
    if up in _TRUE or up in _FALSE or up.endswith("-NOTFOUND"):
        return up in _TRUE
    if _NUMBER.fullmatch(value):
        return float(value) != 0
    name = _var_name(value)
    if name is not None:
        return ("v", (name,))
    if not quoted and _IDENT.fullmatch(value):
        return ("v", (value,))
    return _unknown()


def _var_name(value: str) -> str | None:
    """``NAME`` when ``value`` is exactly ``${NAME}``."""
    if value.startswith("${") and value.endswith("}"):
        inner = value[2:-1]
        if _IDENT.fullmatch(inner):
            return inner
    return None


def _switch_name(value: str, quoted: bool) -> str | None:
    """The variable an ``if()`` argument stands for: ``${NAME}``, or an unquoted ``NAME``."""
    name = _var_name(value)
    if name is not None:
        return name
    if not quoted and _IDENT.fullmatch(value):
        up = value.upper()
        if up not in _TRUE and up not in _FALSE:
            return value
    return None


def _strequal(lhs: tuple[str, bool], rhs: tuple[str, bool]) -> Cond:
    """``NAME STREQUAL "ON"`` and the like; the name may be on either side."""
    for a, b in ((lhs, rhs), (rhs, lhs)):
        name = _switch_name(*a)
        if name is None or _switch_name(*b) is not None:
            continue
        value = b[0].upper()
        if value in _TRUE:
            return ("v", (name,))
        if value in _FALSE or value.endswith("-NOTFOUND"):
            return ("not", ("v", (name,)))
        # equal to any other non-empty text (`USE_DNNL STREQUAL "JSON"`): the variable holds
        # a value that is not a false constant, so `if(NAME)` would be true: the switch is on
        if value:
            return ("v", (name,))
    return _unknown()


# Items while reducing a condition: ("a", value, quoted) raw argument, ("c", cond) computed.
_Item = tuple


def _reduce(items: list[_Item]) -> Cond:
    """Evaluate one parenthesis-free level the way CMake does."""
    # unary tests
    out: list[_Item] = []
    i = 0
    while i < len(items):
        it = items[i]
        if it[0] == "a" and not it[2] and it[1] in _UNARY_TESTS and i + 1 < len(items):
            # `IS_DIRECTORY ${USE_X}` / `EXISTS ${USE_X}`: the switch holds a path, so it is on
            nxt = items[i + 1]
            name = (
                _var_name(nxt[1]) if nxt[0] == "a" and it[1] in ("IS_DIRECTORY", "EXISTS") else None
            )
            out.append(("c", ("v", (name,)) if name else _unknown()))
            i += 2
            continue
        out.append(it)
        i += 1
    items = out
    # binary tests
    out = []
    i = 0
    while i < len(items):
        it = items[i]
        if (
            i + 2 < len(items)
            and items[i + 1][0] == "a"
            and not items[i + 1][2]
            and items[i + 1][1] in _BINARY_TESTS
        ):
            op = items[i + 1][1]
            rhs = items[i + 2]
            if op == "STREQUAL" and it[0] == "a" and rhs[0] == "a":
                out.append(("c", _strequal((it[1], it[2]), (rhs[1], rhs[2]))))
            else:
                out.append(("c", _unknown()))
            i += 3
            continue
        out.append(it)
        i += 1
    items = out
    # NOT (right to left, so NOT NOT x works)
    out = []
    for it in reversed(items):
        if it[0] == "a" and not it[2] and it[1] == "NOT" and out:
            out[-1] = ("c", _not(_value(out[-1])))
        else:
            out.append(it)
    items = out[::-1]
    # AND / OR, left to right with equal precedence
    if not items:
        return _unknown()
    acc = _value(items[0])
    i = 1
    while i < len(items):
        op = items[i]
        if op[0] == "a" and not op[2] and op[1] in ("AND", "OR") and i + 1 < len(items):
            rhs = _value(items[i + 1])
            acc = _and(acc, rhs) if op[1] == "AND" else _or(acc, rhs)
            i += 2
            continue
        return _unknown()  # not a well-formed condition
    return acc


def _value(it: _Item) -> Cond:
    if it[0] == "c":
        return it[1]
    return _atom(it[1], it[2])


def parse_condition(args: list[Arg]) -> Cond:
    """The condition of ``if(args)`` as True, False or a guard expression. Never raises."""
    try:
        stack: list[list[_Item]] = [[]]
        for value, quoted, _line in args:
            if not quoted and value == "(":
                stack.append([])
            elif not quoted and value == ")":
                if len(stack) == 1:
                    return _unknown()
                inner = stack.pop()
                stack[-1].append(("c", _reduce(inner)))
            else:
                stack[-1].append(("a", value, quoted))
        if len(stack) != 1:
            return _unknown()
        return _reduce(stack[0])
    except Exception:  # pragma: no cover - defensive
        return _unknown()


# ------------------------------------------------------------------------------------------
# Variables


def _substitute(value: str, variables: dict[str, str]) -> str | None:
    """``value`` with known variables substituted; None when one remains unresolved."""
    if "$" not in value:
        return value
    if "$<" in value:
        value = _BUILD_INTERFACE.sub(lambda m: m.group(1), value)
        if "$<" in value:
            return None
    for _ in range(8):
        if "${" not in value:
            break
        unresolved = False

        def repl(m: re.Match[str]) -> str:
            nonlocal unresolved
            name = m.group(1)
            if name in DIR_VARS:
                return _KEEP_OPEN + name + "}"
            got = variables.get(name)
            if got is None:
                unresolved = True
                return m.group(0)
            return got

        value = _VAR_REF.sub(repl, value)
        if unresolved:
            return None
    if "${" in value or "$ENV{" in value or "$CACHE{" in value:
        return None
    return value.replace(_KEEP_OPEN, "${")


# ------------------------------------------------------------------------------------------
# The reader


class _Frame:
    __slots__ = ("conds", "cum", "seen_else", "line")

    def __init__(self, cond: Cond, outer: Cond, line: int) -> None:
        self.conds: list[Cond] = [cond]
        self.cum: Cond = _and(outer, cond)
        self.seen_else = False
        self.line = line


def read_cmake(text: str) -> FileFacts:
    """Facts of one CMake file: path literals with guards, and ``extra["calls"]``."""
    try:
        return _read_cmake(text)
    except Exception as exc:  # pragma: no cover - defensive: a reader never raises
        return ("cmake", [], [(0, f"CMake reader failed: {type(exc).__name__}")], {"calls": []})


def _looks_like_path(value: str | None) -> bool:
    if not value or len(value) > 1000 or "\n" in value or value[0] == "-":
        return False
    return not _KEYWORD.fullmatch(value)


# An expanded argument: (value or None when a variable stayed unresolved, line, is a keyword)
_Expanded = tuple[str | None, int, bool]


def _expand(args: list[Arg], variables: dict[str, str]) -> list[_Expanded]:
    """Arguments after variable substitution, split into list elements."""
    out: list[_Expanded] = []
    for value, quoted, aline in args:
        sub = _substitute(value, variables)
        if sub is None:
            out.append((None, aline, False))
        elif sub is value:  # nothing substituted
            if ";" in value and not quoted:
                out.extend((part, aline, False) for part in value.split(";") if part)
            else:
                out.append((value, aline, not quoted and _KEYWORD.fullmatch(value) is not None))
        elif ";" in sub:
            out.extend((part, aline, False) for part in sub.split(";") if part or quoted)
        elif sub or quoted:  # an empty unquoted expansion is no argument at all
            out.append((sub, aline, False))
    return out


# Commands that read rather than write a variable named by a bare argument.
_READS_ONLY = frozenset({"if", "elseif", "while", "message", "set", "option", "add_subdirectory"})


_VAR_USE = re.compile(r"\$\{([A-Za-z0-9_.+-]+)\}")


def _read_cmake(text: str) -> FileFacts:
    refs: list[RawRef] = []
    notes: list[tuple[int, str]] = []
    calls: list[tuple[str, str, int, Any]] = []
    glob_vars: dict[int, str] = {}  # line of a GLOB call -> the variable it fills
    var_uses: dict[str, list[str]] = {}  # variable -> commands that read `${VAR}`
    segments: list[tuple[int, Any]] = []  # (first line, condition) where the condition changes
    variables: dict[str, str] = {}
    stack: list[_Frame] = []
    cum: Cond = True
    lines: list[str] | None = None

    for cmd in _commands(text, notes):
        name = cmd.name.lower()
        args = cmd.args
        guard = None if cum is True or cum is False else cum
        if args and _IDENT.fullmatch(args[0][0]):
            if name in ("elseif", "else", "endif"):
                outer_cum = stack[-2].cum if len(stack) > 1 else True
                if outer_cum is not False:
                    calls.append((name, args[0][0], cmd.line, _guard_of(outer_cum)))
            elif cum is not False:
                calls.append((name, args[0][0], cmd.line, guard))

        if name == "if":
            frame = _Frame(parse_condition(args), cum, cmd.line)
            stack.append(frame)
            cum = frame.cum
            segments.append((cmd.line + 1, segment_value(cum)))
            continue
        if name in ("elseif", "else"):
            if not stack:
                notes.append((cmd.line, f"{name}() without if()"))
                continue
            frame = stack[-1]
            outer = stack[-2].cum if len(stack) > 1 else True
            if frame.seen_else:
                notes.append((cmd.line, f"{name}() after else()"))
                cond: Cond = False
            elif name == "else":
                cond = True
                frame.seen_else = True
            else:
                cond = parse_condition(args)
            branch: Cond = cond
            for prior in frame.conds:
                branch = _and(branch, _not(prior))
            frame.conds.append(cond)
            frame.cum = _and(outer, branch)
            cum = frame.cum
            segments.append((cmd.line + 1, segment_value(cum)))
            continue
        if name == "endif":
            if not stack:
                notes.append((cmd.line, "endif() without if()"))
                continue
            stack.pop()
            cum = stack[-1].cum if stack else True
            segments.append((cmd.line + 1, segment_value(cum)))
            continue
        if cum is False:
            continue  # dead code: if(FALSE), if(0), ...
        for value, _quoted, _aline in args:
            if "${" in value:
                for var in _VAR_USE.findall(value):
                    var_uses.setdefault(var, []).append(name)
        for i, (value, quoted, _aline) in enumerate(args[:-1]):
            if not quoted and value in ("GLOB", "GLOB_RECURSE"):
                for arg in args:  # refs carry their argument's own line
                    glob_vars[arg[2]] = args[i + 1][0]
                break

        expanded = _expand(args, variables)
        if name == "set" or (name == "list" and len(args) >= 2 and args[0][0] == "APPEND"):
            _track_set(name, args, expanded, variables)
        elif name not in _READS_ONLY and variables:
            # a command that may write a variable named by a bare argument (file(GLOB X ...),
            # list(REMOVE_ITEM X ...), unset(X), ...): its literal value is no longer known
            for value, quoted, _aline in args:
                if not quoted and value in variables:
                    del variables[value]

        if name in _NO_PATH_COMMANDS:
            continue
        if lines is None:
            lines = text.split("\n")
        whole = " ".join(text[cmd.start : cmd.end].split())
        long_command = len(whole) > 200

        if name in ("add_subdirectory", "include"):
            if not expanded:
                continue
            spec, aline, _kw = expanded[0]
            if not spec or spec.startswith("-"):
                continue
            if name == "include":
                if "/" not in spec and not spec.endswith(".cmake"):
                    continue  # a module name, looked up in CMAKE_MODULE_PATH
                kind = K_CMAKE_INCLUDE
            else:
                kind = K_CMAKE_SUBDIR
            ev = _arg_evidence(cmd, lines, aline) if long_command else whole
            refs.append((kind, spec, aline, ev, guard, 0))
            continue

        flags = 0
        words = {a[0] for a in args if not a[1]}
        if "GLOB_RECURSE" in words:
            flags = F_GLOB_RECURSE
        elif "GLOB" in words:
            flags = F_GLOB
        skip_next = False
        seen: set[tuple[str, int]] = set()
        for idx, (value, aline, keyword) in enumerate(expanded):
            if skip_next:
                skip_next = False
                continue
            if keyword:
                # the output variable after GLOB/GLOB_RECURSE, the base after RELATIVE
                if flags and value in ("GLOB", "GLOB_RECURSE", "RELATIVE"):
                    skip_next = True
                continue
            if idx == 0 and (name in _FIRST_IS_NAME or name.startswith("target_")):
                continue
            if idx == 1 and name == "list":
                continue
            if value is None or not _looks_like_path(value) or (value, aline) in seen:
                continue
            seen.add((value, aline))
            ev = _arg_evidence(cmd, lines, aline) if long_command else whole
            refs.append((K_CMAKE_PATH, value, aline, ev, guard, flags))
    if stack:
        notes.append((stack[-1].line, f"{len(stack)} if() not closed by endif()"))
    return (
        "cmake",
        refs,
        notes,
        {"calls": calls, "glob_vars": glob_vars, "var_uses": var_uses, "segments": segments},
    )


def _guard_of(cond: Cond) -> Any:
    return None if cond is True or cond is False else cond


def _track_set(
    name: str, args: list[Arg], expanded: list[_Expanded], variables: dict[str, str]
) -> None:
    """Record ``set(NAME literal...)`` and ``list(APPEND NAME literal...)``."""
    if name == "set":
        var = args[0][0] if args else ""
        values = expanded[1:]
    else:
        var = args[1][0]
        values = expanded[2:]
    if not var or "$" in var:
        return
    words: list[str] = []
    for value, _aline, _kw in values:
        if value is None:
            variables.pop(var, None)  # not a literal
            return
        words.append(value)
    if name == "set":
        if "CACHE" in words:
            words = words[: words.index("CACHE")]
        elif words and words[-1] == "PARENT_SCOPE":
            words = words[:-1]
        value = ";".join(words)
    else:
        old = variables.get(var)
        if old is None:
            return  # appending to a variable whose value is unknown
        value = ";".join([old, *words]) if old else ";".join(words)
    if len(value) > _MAX_VALUE:
        variables.pop(var, None)  # `set(A ${A} ${A})` in a loop of lines: stop doubling
        return
    variables[var] = value


def _arg_evidence(cmd: _Command, lines: list[str], aline: int) -> str:
    """Evidence for one argument of a long command: its name and the argument's own line."""
    own = lines[aline - 1].strip() if 0 < aline <= len(lines) else ""
    if own.lower().startswith(cmd.name.lower()):
        return evidence_text(own)
    return evidence_text(f"{cmd.name}(... {own}")
