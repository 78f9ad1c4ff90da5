"""What SM006 reads of a file on demand (pure: text -> answer), for the few files it asks about:
whether a file reads an environment variable, and which CMake functions or macros declare an
option for their caller (a wrapper such as TVM's ``tvm_option``)."""

from __future__ import annotations

import ast
import re
from typing import Literal

from .facts import language_of

Reading = Literal["reads", "named", "elsewhere", "no"]
_ENV_WORDS = frozenset({"environ", "environb", "getenv", "getenvb"})


def reads_env(path: str, text: str, name: str) -> Reading:
    """Whether the file reads environment variable ``name``:

    - ``reads``: it names the variable in a string literal and reads the environment
      (``os.environ``, ``os.getenv``, C's ``getenv``; CMake's ``$ENV{NAME}``);
    - ``named``: a Python file that names the variable in a string literal without reading the
      environment itself (``flag("NAME")``, ``libinfo().get("NAME")``: a helper may read it);
    - ``elsewhere``: a Python file that mentions ``name`` only as an identifier (a value read in
      another file and imported here);
    - ``no``: neither.
    """
    if name not in text:
        return "no"
    lang = language_of(path)
    if lang == "py":
        return _python(text, name)
    if lang == "cmake":
        from .cmake import blank_comments_cmake

        return "reads" if f"ENV{{{name}}}" in blank_comments_cmake(text) else "no"
    if lang == "cpp":
        from .cpp import blank_comments_cpp

        code = blank_comments_cpp(text)
        return "reads" if "getenv" in code and f'"{name}"' in code else "no"
    quoted = f'"{name}"' in text or f"'{name}'" in text
    return "reads" if quoted and any(w in text for w in _ENV_WORDS) else "no"


def _python(text: str, name: str) -> Reading:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):  # not Python 3: judged by its text, leniently
        quoted = f'"{name}"' in text or f"'{name}'" in text
        return "reads" if quoted and any(w in text for w in _ENV_WORDS) else "elsewhere"
    env = literal = used = imported = bound = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            env = env or node.attr in _ENV_WORDS
            used = used or node.attr == name
        elif isinstance(node, ast.Name):
            env = env or node.id in _ENV_WORDS
            if node.id == name:
                used = True
                bound = bound or isinstance(node.ctx, ast.Store)
        elif isinstance(node, ast.alias):
            env = env or node.name.rsplit(".", 1)[-1] in _ENV_WORDS
            imported = imported or (node.asname or node.name).rsplit(".", 1)[-1] == name
        elif isinstance(node, ast.Constant) and node.value == name:
            literal = True
    if env and literal:
        return "reads"
    if literal:
        return "named"
    # a name imported, or used and bound nowhere here (a star import): its value comes from
    # another file; a name bound here to something else reads nothing
    return "elsewhere" if imported or (used and not bound) else "no"


def reads_environment(path: str, text: str) -> bool:
    """Whether the file reads the environment at all (any variable)."""
    lang = language_of(path)
    if lang == "py":
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return any(w in text for w in _ENV_WORDS)
        for node in ast.walk(tree):
            word = (
                node.attr
                if isinstance(node, ast.Attribute)
                else node.id
                if isinstance(node, ast.Name)
                else node.name.rsplit(".", 1)[-1]
                if isinstance(node, ast.alias)
                else None
            )
            if word in _ENV_WORDS:
                return True
        return False
    if lang == "cpp":
        from .cpp import blank_comments_cpp

        return "getenv" in blank_comments_cpp(text)
    return any(w in text for w in _ENV_WORDS)


_DEFINITION = re.compile(r"(?im)^[ \t]*(function|macro)[ \t]*\([ \t]*([A-Za-z_][A-Za-z0-9_]*)")
_CALL = re.compile(r"(?m)(?<![A-Za-z0-9_${])([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")
# `set(${variable} ... CACHE ...)`: a cache entry named by the caller, as option() makes one
_SET_CACHE = re.compile(r"(?is)(?<![A-Za-z0-9_])set[ \t]*\(\s*\$\{[A-Za-z0-9_]+\}[^()]*?\bCACHE\b")
CACHE_ENTRY = "<set-cache>"


def cmake_definitions(text: str) -> dict[str, tuple[int, set[str]]]:
    """The functions and macros a CMake file defines: name (lower case) -> (line, the
    commands their bodies call, lower case; :data:`CACHE_ENTRY` for a ``set(${variable} ...
    CACHE ...)`` of a name the caller passes). Comments do not count."""
    from .cmake import blank_comments_cmake

    code = blank_comments_cmake(text)
    out: dict[str, tuple[int, set[str]]] = {}
    for m in _DEFINITION.finditer(code):
        kind, name = m.group(1).lower(), m.group(2).lower()
        end = re.compile(rf"(?i)(?<![A-Za-z0-9_])end{kind}[ \t]*\(").search(code, m.end())
        body = code[m.end() : end.start() if end else len(code)]
        calls = {c.lower() for c in _CALL.findall(body)}
        if _SET_CACHE.search(body):
            calls.add(CACHE_ENTRY)
        out.setdefault(name, (code.count("\n", 0, m.start()) + 1, calls))
    return out


def option_wrappers(
    definitions: dict[str, tuple[str, int, set[str]]], option_commands: set[str]
) -> set[str]:
    """The names among ``definitions`` (name -> (file, line, commands called)) whose body
    declares an option: it calls one of ``option_commands`` or sets a cache entry named by its
    caller, or calls another such wrapper (TVM's ``tvm_option`` calls ``__tvm_option``, which
    sets ``${variable}`` in the cache)."""
    declaring = {*option_commands, CACHE_ENTRY}
    found = {n for n, (_f, _l, calls) in definitions.items() if calls & declaring}
    grew = True
    while grew:
        grew = False
        for n, (_f, _l, calls) in definitions.items():
            if n not in found and calls & found:
                found.add(n)
                grew = True
    return found
