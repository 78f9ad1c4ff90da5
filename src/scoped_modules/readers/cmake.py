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
_QUANTIFIED_GROUP = re.compile(r"\)[*+?{]")

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
            skipped = _SKIP.match(text, pos)  # matches the empty string at least
            end = skipped.end() if skipped is not None else pos
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
        tok = m.group(kind or 0)
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


# ------------------------------------------------------------------------------------------
# Conditions

# A value the build model could not work out, standing for itself inside ``if()`` arguments.
PLACEHOLDER = "\x00?"


class CondEnv:
    """What the build model knows while it evaluates an ``if()``; the reader passes none.

    Each hook returns None when it knows nothing, and the reader's lexical reading applies:
    a bare name is the switch ``on(NAME)``, anything else is unknown.
    """

    def name_truth(self, name: str) -> Cond | None:
        """``if(NAME)``: the truth of the variable's value."""
        return None

    def name_values(self, name: str) -> list[tuple[str | None, Cond]] | None:
        """The alternatives of the value of variable ``name`` (text None: unknown)."""
        return None

    def placeholder_truth(self, value: str) -> Cond:
        """The truth of an argument the model could not expand."""
        return _unknown()

    def unary(self, op: str, value: str, quoted: bool) -> Cond | None:
        """``EXISTS path``, ``DEFINED name``, ``TARGET name``, ``COMMAND name`` ..."""
        return None

    def version(self, op: str, lhs: str, rhs: str) -> Cond | None:
        """``CMAKE_VERSION VERSION_LESS 3.12`` and the like."""
        return None

    def switch_value(self, name: str, exact: bool) -> str | None:
        """The value of a variable the model leaves free, as a placeholder (None: not known);
        ``exact``: the operand is that value (a bare name or a quoted ``"${NAME}"``, which
        CMake neither splits nor reads as the name of another variable)."""
        return None

    def unknown_test(self, op: str, lhs: str | None, rhs: str | None) -> Cond:
        """A binary test of values the reader cannot compare: each operand a known text, a
        placeholder (a value the model knows only by identity), or None (nothing known)."""
        return _unknown()


def _truth_of_text(text: str) -> bool:
    """How ``if()`` reads a constant: true unless a false constant (numbers by value)."""
    up = text.upper()
    if up in _TRUE:
        return True
    if up in _FALSE or up.endswith("-NOTFOUND"):
        return False
    if _NUMBER.fullmatch(text):
        return float(text) != 0
    return True


def _atom(value: str, quoted: bool, env: CondEnv | None = None) -> Cond:
    """The truth of a single ``if()`` argument."""
    up = value.upper()
    if up in _TRUE or up in _FALSE or up.endswith("-NOTFOUND"):
        return up in _TRUE
    if _NUMBER.fullmatch(value):
        return float(value) != 0
    if env is not None and value.startswith(PLACEHOLDER):
        return env.placeholder_truth(value)
    name = _var_name(value)
    if name is not None:
        return ("v", (name,))
    if not quoted and _IDENT.fullmatch(value):
        if env is not None:
            got = env.name_truth(value)
            if got is not None:
                return got
        return ("v", (value,))
    if env is not None and quoted:
        return False  # a quoted string that is not a true constant is false
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


_Alts = list[tuple[str | None, Cond]]


def _free_value(arg: tuple[str, bool], env: CondEnv) -> str | None:
    """The value of the switch an operand names, as the model knows it (None: unknown)."""
    name = _switch_name(*arg)
    if name is None:
        return None
    return env.switch_value(name, arg[1] or _var_name(arg[0]) is None)


def _is_unknown(text: str | None) -> bool:
    """An alternative the reader cannot compare: nothing known, or a model's placeholder."""
    return text is None or text.startswith(PLACEHOLDER)


def _side(value: str, quoted: bool, env: CondEnv) -> _Alts | None:
    """The alternatives of one operand of a binary test; None: an unknown variable."""
    if value.startswith(PLACEHOLDER):
        return [(value, True)]
    if _var_name(value) is not None:
        return None
    if not quoted and _IDENT.fullmatch(value):
        return env.name_values(value)
    return [(value, True)]


def _compare(op: str, a: str, b: str) -> Cond:
    if op == "STREQUAL":
        return a == b
    if op == "MATCHES":
        # CMake regexes are a subset of Python's; a quantified group could backtrack badly
        if len(b) > 200 or len(a) > 1000 or _QUANTIFIED_GROUP.search(b):
            return _unknown()
        try:
            return re.search(b, a) is not None
        except re.error:
            return _unknown()
    if op in ("EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"):
        if not (_NUMBER.fullmatch(a) and _NUMBER.fullmatch(b)):
            return _unknown()
        x, y = float(a), float(b)
        return {
            "EQUAL": x == y,
            "LESS": x < y,
            "LESS_EQUAL": x <= y,
            "GREATER": x > y,
            "GREATER_EQUAL": x >= y,
        }[op]
    return _unknown()


def _binary(op: str, lhs: tuple[str, bool], rhs: tuple[str, bool], env: CondEnv | None) -> Cond:
    if env is not None and op.startswith("VERSION_"):
        got = env.version(op, _var_name(lhs[0]) or lhs[0], rhs[0])
        if got is not None:
            return got
    if env is not None and op in (
        "STREQUAL",
        "MATCHES",
        "EQUAL",
        "LESS",
        "LESS_EQUAL",
        "GREATER",
        "GREATER_EQUAL",
        "IN_LIST",
    ):
        left = _side(lhs[0], lhs[1], env)
        if op == "IN_LIST":
            right = env.name_values(rhs[0]) if not rhs[1] and _IDENT.fullmatch(rhs[0]) else None
            if left is None or right is None:
                return _unknown()
            out: Cond = False
            for a, ca in left:
                for b, cb in right:
                    hit: Cond = _unknown() if _is_unknown(a) or _is_unknown(b) else a == b
                    out = _or(out, _and(_and(ca, cb), hit))
            return out
        right = _side(rhs[0], rhs[1], env)
        if op == "STREQUAL" and (left is None or right is None):
            # one side is a switch the model leaves free: the lexical reading, per alternative
            known, switch = (right, lhs) if left is None else (left, rhs)
            if known is None:
                return _strequal(lhs, rhs)
            free = _free_value(switch, env)
            out = False
            for text, c in known:
                if _is_unknown(text):
                    pair = (free, text) if left is None else (text, free)
                    hit = env.unknown_test(op, *pair)
                else:
                    hit = _strequal(switch, (text, True))  # type: ignore[arg-type]
                out = _or(out, _and(c, hit))
            return out
        # a switch the model leaves free is one unknown value, the same in every test
        if left is None:
            left = [(_free_value(lhs, env), True)]
        if right is None:
            right = [(_free_value(rhs, env), True)]
        out = False
        for a, ca in left:
            for b, cb in right:
                if _is_unknown(a) or _is_unknown(b):
                    hit = env.unknown_test(op, a, b)
                else:
                    hit = _compare(op, a, b)  # type: ignore[arg-type]
                out = _or(out, _and(_and(ca, cb), hit))
        return out
    if op == "STREQUAL":
        return _strequal(lhs, rhs)
    return _unknown()


# Items while reducing a condition: ("a", value, quoted) raw argument, ("c", cond) computed.
_Item = tuple


def _reduce(items: list[_Item], env: CondEnv | None = None) -> Cond:
    """Evaluate one parenthesis-free level the way CMake does."""
    # unary tests
    out: list[_Item] = []
    i = 0
    while i < len(items):
        it = items[i]
        if it[0] == "a" and not it[2] and it[1] in _UNARY_TESTS and i + 1 < len(items):
            nxt = items[i + 1]
            got: Cond | None = None
            if env is not None and nxt[0] == "a":
                got = env.unary(it[1], nxt[1], nxt[2])
            if got is None:
                # `IS_DIRECTORY ${USE_X}` / `EXISTS ${USE_X}`: the switch holds a path: on
                name = (
                    _var_name(nxt[1])
                    if nxt[0] == "a" and it[1] in ("IS_DIRECTORY", "EXISTS")
                    else None
                )
                got = ("v", (name,)) if name else _unknown()
            out.append(("c", got))
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
            if it[0] == "a" and rhs[0] == "a":
                out.append(("c", _binary(op, (it[1], it[2]), (rhs[1], rhs[2]), env)))
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
            out[-1] = ("c", _not(_value(out[-1], env)))
        else:
            out.append(it)
    items = out[::-1]
    # AND / OR, left to right with equal precedence
    if not items:
        return _unknown()
    acc = _value(items[0], env)
    i = 1
    while i < len(items):
        op = items[i]
        if op[0] == "a" and not op[2] and op[1] in ("AND", "OR") and i + 1 < len(items):
            rhs = _value(items[i + 1], env)
            acc = _and(acc, rhs) if op[1] == "AND" else _or(acc, rhs)
            i += 2
            continue
        return _unknown()  # not a well-formed condition
    return acc


def _value(it: _Item, env: CondEnv | None = None) -> Cond:
    if it[0] == "c":
        return it[1]
    return _atom(it[1], it[2], env)


def parse_condition(args: list[Arg] | tuple[Arg, ...], env: CondEnv | None = None) -> Cond:
    """The condition of ``if(args)`` as True, False or a guard expression.

    ``env`` (the build model) supplies variable values; without it, names are free switches.
    """
    stack: list[list[_Item]] = [[]]
    for value, quoted, _line in args:
        if not quoted and value == "(":
            stack.append([])
        elif not quoted and value == ")":
            if len(stack) == 1:
                return _unknown()
            inner = stack.pop()
            stack[-1].append(("c", _reduce(inner, env)))
        else:
            stack[-1].append(("a", value, quoted))
    if len(stack) != 1:
        return _unknown()
    cond = _reduce(stack[0], env)
    # a condition nested deeper than any real one (hundreds of alternating AND/OR or
    # parentheses) would overflow the recursive walks of its readers: it is unknown
    return _unknown() if _deeper_than(cond, MAX_GUARD_DEPTH) else cond


MAX_GUARD_DEPTH = 64


def _deeper_than(g: Cond, limit: int) -> bool:
    todo = [(g, 0)]
    while todo:
        node, depth = todo.pop()
        if not isinstance(node, tuple) or not node or node[0] in ("v", "u"):
            continue
        if depth >= limit:
            return True
        todo.extend((k, depth + 1) for k in node[1:])
    return False


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
    """One ``if()`` block.

    The negations of the tests read so far are kept as balanced AND-trees whose sizes are
    distinct powers of two (a binary counter): a new test adds one node (amortised), and the
    condition of a branch is the AND of O(log n) shared trees. A chain of n ``elseif()`` costs
    O(n log n) and its guards stay O(log n) deep, where flat conjunctions cost O(n^2).
    """

    __slots__ = ("negs", "outer", "cum", "seen_else", "line")

    def __init__(self, cond: Cond, outer: Cond, line: int) -> None:
        self.outer = outer
        self.negs: list[tuple[int, Cond]] = []
        self.add_test(cond)
        self.cum: Cond = _and(outer, cond)
        self.seen_else = False
        self.line = line

    def add_test(self, cond: Cond) -> None:
        chunk = (1, _not(cond))
        while self.negs and self.negs[-1][0] == chunk[0]:
            size, prev = self.negs.pop()
            chunk = (size * 2, and_pair(prev, chunk[1]))
        self.negs.append(chunk)

    @property
    def none_before(self) -> Cond:
        """The AND of the negations of every test read so far."""
        out: Cond = True
        for _size, c in self.negs:
            out = and_pair(out, c)
        return out


def and_pair(a: Cond, b: Cond) -> Cond:
    """AND of two conditions without flattening: O(1), shares both operands."""
    if a is True or a is False or b is True or b is False:
        return _and(a, b)  # a constant: folded
    return ("and", a, b)


def read_cmake(text: str) -> FileFacts:
    """Facts of one CMake file: path literals with guards, ``extra["calls"]`` and the
    command stream ``extra["cmds"]`` the build model evaluates (see ``facts``)."""
    return _read_cmake(text)


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
    cmds: list[tuple[str, int, tuple[Arg, ...], str, Any]] = []
    glob_vars: dict[int, str] = {}  # line of a GLOB call -> the variable it fills
    var_uses: dict[str, list[str]] = {}  # variable -> commands that read `${VAR}`
    segments: list[tuple[int, Any]] = []  # (first line, condition) where the condition changes
    variables: dict[str, str] = {}
    stack: list[_Frame] = []
    # `return()` seen so far in the file (index 0) and in each enclosing function or macro
    # body: what follows runs only when none of them was reached
    returned: list[Cond] = [False]
    cum: Cond = True  # the if() conditions around the current command
    eff: Cond = True  # cum, and no return() reached before
    lines: list[str] | None = None

    for cmd in _commands(text, notes):
        name = cmd.name.lower()
        args = cmd.args
        if lines is None:
            lines = text.split("\n")
        whole = " ".join(text[cmd.start : cmd.end].split())
        long_command = len(whole) > 200
        argev: Any = None
        if long_command:
            argev = [(al, _arg_evidence(cmd, lines, al)) for al in sorted({a[2] for a in args})]
        cmds.append((name, cmd.line, tuple(args), evidence_text(whole), argev))
        guard = _guard_of(eff)
        if args and _IDENT.fullmatch(args[0][0]):
            if name in ("elseif", "else", "endif"):
                if stack:
                    before = stack[-1].outer
                    if name == "elseif":
                        before = and_pair(stack[-1].none_before, before)
                    before = and_pair(before, _not(returned[-1]))
                    if before is not False:
                        calls.append((name, args[0][0], cmd.line, _guard_of(before)))
            elif eff is not False:
                calls.append((name, args[0][0], cmd.line, guard))

        if name in ("if", "elseif", "else", "endif"):
            end_line = cmd.line + text.count("\n", cmd.start, cmd.end)
            if name == "if":
                frame = _Frame(parse_condition(args), cum, cmd.line)
                stack.append(frame)
                cum = frame.cum
            elif not stack:
                notes.append((cmd.line, f"{name}() without if()"))
                continue
            elif name == "endif":
                stack.pop()
                cum = stack[-1].cum if stack else True
            else:
                frame = stack[-1]
                if frame.seen_else:
                    notes.append((cmd.line, f"{name}() after else()"))
                    cond: Cond = False
                elif name == "else":
                    cond = True
                    frame.seen_else = True
                else:
                    # the test itself runs only when every earlier test was false
                    test_at = and_pair(and_pair(frame.outer, frame.none_before), _not(returned[-1]))
                    segments.append((cmd.line, segment_value(test_at)))
                    cond = parse_condition(args)
                branch = and_pair(cond, frame.none_before)
                frame.add_test(cond)
                frame.cum = _and(frame.outer, branch)
                cum = frame.cum
            eff = _and(cum, _not(returned[-1]))
            segments.append((end_line + 1, segment_value(eff)))
            continue
        if name in ("function", "macro"):
            returned.append(False)
        elif name in ("endfunction", "endmacro") and len(returned) > 1:
            returned.pop()
            eff = _and(cum, _not(returned[-1]))
            segments.append((cmd.line + 1, segment_value(eff)))
            continue
        if eff is False:
            continue  # dead code: if(FALSE), if(0), after an unconditional return(), ...
        if name == "return":
            # `if(NOT USE_X) return() endif()`: the rest of the file (or body) needs USE_X
            returned[-1] = _or(returned[-1], eff)
            eff = _and(cum, _not(returned[-1]))
            segments.append((cmd.line + 1, segment_value(eff)))
            continue
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
            ev = _arg_ev(argev, aline, whole)
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
        for idx, (item, aline, keyword) in enumerate(expanded):
            if skip_next:
                skip_next = False
                continue
            if keyword:
                # the output variable after GLOB/GLOB_RECURSE, the base after RELATIVE
                if flags and item in ("GLOB", "GLOB_RECURSE", "RELATIVE"):
                    skip_next = True
                continue
            if idx == 0 and (name in _FIRST_IS_NAME or name.startswith("target_")):
                continue
            if idx == 1 and name == "list":
                continue
            if item is None or not _looks_like_path(item) or (item, aline) in seen:
                continue
            seen.add((item, aline))
            refs.append((K_CMAKE_PATH, item, aline, _arg_ev(argev, aline, whole), guard, flags))
    if stack:
        notes.append((stack[-1].line, f"{len(stack)} if() not closed by endif()"))
    return (
        "cmake",
        refs,
        notes,
        {
            "calls": calls,
            "glob_vars": glob_vars,
            "var_uses": var_uses,
            "segments": segments,
            "cmds": cmds,
        },
    )


def _arg_ev(argev: Any, aline: int, whole: str) -> str:
    """The evidence of an argument on line ``aline``: the whole command when it is short."""
    if argev is None:
        return whole
    for line, ev in argev:
        if line == aline:
            return str(ev)
    return evidence_text(whole)


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
