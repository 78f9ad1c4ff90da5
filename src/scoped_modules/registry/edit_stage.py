"""Registry edits that :mod:`scoped_modules.registry.edit` does not provide: set one key of an
existing table (a module's ``stage``, ``rfc``: ``scoped transition``, ``scoped remove``) and add
a new table (a proposed module: ``scoped propose``).

The same guarantees (SPEC §2 "Edits"): every byte outside the edited value, the added line or
the added table stays as it was. Each candidate text (the line edit first, tomlkit for layouts
the line edit does not handle) is taken only when it parses to the old document plus the
intended change and the bytes around the edit are the old ones: setting an existing key
rewrites nothing but that key's own line, adding a key or a table only inserts text. Writing
stays :func:`scoped_modules.registry.edit.atomic_write`'s job.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from typing import Any

from ..errors import ConfigError
from .edit import only_insertion, render_table, toml_key, toml_value
from .locate import locate
from .model import Registry


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"{where}: cannot edit: not valid TOML ({exc})") from None


def _node(doc: Any, keys: list[str]) -> Any:
    for k in keys:
        doc = doc[k]
    return doc


# a one-line value after a key's ``=``: a basic or literal string or a bare token (number, bool,
# date), followed by the end of the line, a comment, or the next pair of an inline table
_VALUE = re.compile(
    r"""[ \t]*(?P<value>"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[A-Za-z0-9_.:+-]+)"""
    r"""(?=[ \t]*(?:[,}#]|\r?\n|$))"""
)


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every line (lines end at ``\\n``, as TOML's do), its line
    break included."""
    spans, at = [], 0
    for line in text.split("\n"):
        end = min(at + len(line) + 1, len(text))
        spans.append((at, end))
        at = end
    return spans


def _replace_value(text: str, line: int, col: int, value: Any) -> str | None:
    """The value written after the key at (``line``, ``col``) replaced; None when it is not a
    one-line value this can replace (a multi-line string or array, ...)."""
    start, end = _line_spans(text)[line - 1]
    eq = text.find("=", start + col - 1, end)
    m = _VALUE.match(text, eq + 1, end) if eq >= 0 else None
    if m is None:
        return None
    return text[: m.start("value")] + toml_value(value) + text[m.end("value") :]


def _insert_line(text: str, line: int, col: int, after: str | None, key: str, value: Any) -> str:
    """A ``key = value`` line below line ``line``: with the indentation of the key ``after``
    written there and its dotted prefix (``uma.stage = …`` gives ``uma.KEY = …``)."""
    spans = _line_spans(text)
    start, end = spans[line - 1]
    newline = "\r\n" if "\r\n" in text else "\n"
    here = text[start:end]
    indent, prefix = "", ""
    if after is not None:
        indent = here[: len(here) - len(here.lstrip(" \t"))]
        written = here[col - 1 :].split("=", 1)[0].strip()
        if written.endswith("." + toml_key(after)):
            prefix = written[: -len(toml_key(after))]
    head = text[:end] if here.endswith("\n") else text[:end] + newline
    return f"{head}{indent}{prefix}{toml_key(key)} = {toml_value(value)}{newline}{text[end:]}"


def _only_line_changed(old: str, new: str, line: int) -> bool:
    """True when ``new`` is ``old`` with nothing but line ``line`` rewritten (as one line)."""
    start, end = _line_spans(old)[line - 1]
    tail = len(old) - end
    if not (new.startswith(old[:start]) and new.endswith(old[end:]) and len(new) >= start + tail):
        return False
    rewritten = new[start : len(new) - tail]
    ends = old[start:end].endswith("\n")
    body = rewritten.removesuffix("\n") if ends else rewritten
    return rewritten.endswith("\n") == ends and "\n" not in body


def _tomlkit_set(text: str, table: list[str], key: str, value: Any) -> str | None:
    """tomlkit's edit, for layouts the line edit does not handle (verified like it)."""
    import tomlkit

    try:
        doc = tomlkit.parse(text)
        _node(doc, table)[key] = tomlkit.parse(f"x = {toml_value(value)}")["x"]
        return tomlkit.dumps(doc)
    except Exception:  # tomlkit cannot place it
        return None


def set_key_text(
    text: str,
    table: list[str],
    key: str,
    value: Any,
    where: str = "",
    after: str | None = None,
) -> str:
    """``text`` with ``key = value`` in the existing table at ``table`` (full key path; a
    ``[header]`` table, a dotted-key table or an inline table). An existing key's value is
    replaced on its line (the line's spacing, comment and other pairs kept); a missing key gets
    a new line below the line of the key ``after`` (else below the table's header). A leading
    UTF-8 BOM is kept as it is."""
    if text.startswith("\ufeff"):
        return "\ufeff" + set_key_text(text[1:], table, key, value, where, after)
    old = _parse(text, where)
    try:
        node = _node(old, table)
    except (KeyError, TypeError, IndexError):
        raise ConfigError(f"{where}: no table [{'.'.join(table)}] to edit") from None
    if not isinstance(node, dict):
        raise ConfigError(f"{where}: [{'.'.join(table)}] is not a table")
    expected = copy.deepcopy(old)
    _node(expected, table)[key] = tomllib.loads(f"x = {toml_value(value)}")["x"]
    if old == expected:
        return text
    locs = locate(text)
    here = tuple(table)
    own = locs.get((*here, key))
    candidates: list[Callable[[], str | None]] = []
    if own is not None:
        candidates.append(lambda: _replace_value(text, own[0], own[1], value))
    else:
        anchor = (*here, after) if after and (*here, after) in locs else here
        if anchor in locs:
            line, col = locs[anchor]
            name = after if anchor != here else None
            candidates.append(lambda: _insert_line(text, line, col, name, key, value))
    candidates.append(lambda: _tomlkit_set(text, table, key, value))
    for make in candidates:
        new = make()
        if new is None or new == text:
            continue
        try:
            same = tomllib.loads(new) == expected
        except tomllib.TOMLDecodeError:
            continue
        untouched = (
            _only_line_changed(text, new, own[0]) if own is not None else only_insertion(text, new)
        )
        if same and untouched:
            return new
    raise ConfigError(
        f"{where}: cannot set {'.'.join([*table, key])} without changing other entries; "
        "edit it by hand"
    )


def add_table_text(text: str, keys: list[str], table: dict[str, Any], where: str = "") -> str:
    """``text`` with a new table ``[keys]`` appended at the end of the file."""
    old = _parse(text, where)
    node: Any = old
    for k in keys[:-1]:
        node = node.get(k, {}) if isinstance(node, dict) else {}
    if isinstance(node, dict) and keys[-1] in node:
        raise ConfigError(f"{where}: [{'.'.join(keys)}] exists already")
    expected = copy.deepcopy(old)
    parent: Any = expected
    for k in keys[:-1]:
        parent = parent.setdefault(k, {})
    parent[keys[-1]] = tomllib.loads(render_table(["x"], table, array=False))["x"]
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text
    if body and not body.endswith("\n"):
        body += newline
    if body.strip() and not body.endswith(newline * 2):
        body += newline
    new = body + render_table(keys, table, array=False).replace("\n", newline)
    try:
        if tomllib.loads(new) == expected:
            return new
    except tomllib.TOMLDecodeError:
        pass
    raise ConfigError(
        f"{where}: cannot add [{'.'.join(keys)}] without changing other entries (are the "
        "modules written as inline tables?); add the table by hand"
    )


def set_module_key(
    registry: Registry, module: str, key: str, value: Any, text: str | None = None
) -> str:
    """The registry's text (or ``text``, an edit of it) with ``modules.MODULE.KEY = value``
    (``table_prefix`` honoured). Nothing is written: pass the result to ``atomic_write``."""
    keys = [*registry.table_prefix, "modules", module]
    base = registry.text if text is None else text
    return set_key_text(base, keys, key, value, str(registry.path), after="stage")


def add_module(registry: Registry, module: str, table: dict[str, Any]) -> str:
    """The registry's text with a new ``[modules.MODULE]`` table at its end."""
    keys = [*registry.table_prefix, "modules", module]
    return add_table_text(registry.text, keys, table, str(registry.path))
