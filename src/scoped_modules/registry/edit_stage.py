"""Registry edits that :mod:`scoped_modules.registry.edit` does not provide: set one key of an
existing table (a module's ``stage``, ``rfc``) and add a new table (a proposed module).

The same guarantees (SPEC §2 "Edits"): every byte outside the edited key or the added table stays
as it was, which is verified by parsing the result again and comparing it with the old document
plus the intended change, and by comparing the untouched lines; writing stays
:func:`scoped_modules.registry.edit.atomic_write`'s job.
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from typing import Any

from ..errors import ConfigError
from .edit import render_table, toml_key, toml_value
from .locate import locate
from .model import Registry


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: cannot edit: not valid TOML ({exc})")


def _node(doc: Any, keys: list[str]) -> Any:
    for k in keys:
        doc = doc[k]
    return doc


def _changed_lines(old: str, new: str) -> list[str]:
    """The old lines that the edit replaced or removed."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out = []
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            out.extend(a[i1:i2])
    return out


_SCALAR = re.compile(
    r"""^(?P<head>[ \t]*[^=]+?=[ \t]*)"""
    r"""(?P<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_.:+-]+)"""
    r"""(?P<tail>[ \t]*(?:#.*)?\r?\n?)$""",
    re.DOTALL,
)


def _in_place(text: str, table: list[str], key: str, value: Any, after: str | None) -> str | None:
    """The text edit itself: the value of ``key``'s line replaced (its spacing and comment
    kept), or a ``key = value`` line added below the line of ``after`` (or the table's header).
    None when the key is written in a way this cannot edit (a multi-line value, ...)."""
    locs = locate(text)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    here = tuple(table)
    if here + (key,) in locs:
        i = locs[here + (key,)][0] - 1
        m = _SCALAR.match(lines[i])
        if m is None:
            return None
        lines[i] = m.group("head") + toml_value(value) + m.group("tail")
        return "".join(lines)
    anchor = locs.get(here + (after,)) if after else None
    anchor = anchor or locs.get(here)
    if anchor is None:
        return None
    i = anchor[0] - 1
    if not lines[i].endswith("\n"):
        lines[i] += newline
    lines.insert(i + 1, f"{toml_key(key)} = {toml_value(value)}{newline}")
    return "".join(lines)


def _tomlkit_set(
    text: str, table: list[str], key: str, value: Any, _after: str | None
) -> str | None:
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
    """``text`` with ``key = value`` in the existing table at ``table`` (full key path): the
    value on the key's line is replaced in place (the line's spacing and comment kept), or a
    new line goes below the line of the key ``after`` (else below the table's header)."""
    old = _parse(text, where)
    try:
        node = _node(old, table)
    except (KeyError, TypeError, IndexError):
        raise ConfigError(f"{where}: no table [{'.'.join(table)}] to edit")
    if not isinstance(node, dict):
        raise ConfigError(f"{where}: [{'.'.join(table)}] is not a table")
    expected = copy.deepcopy(old)
    _node(expected, table)[key] = tomllib.loads(f"x = {toml_value(value)}")["x"]
    if old == expected:
        return text
    own = (key, toml_value(key))
    for make in (_in_place, _tomlkit_set):
        new = make(text, table, key, value, after)
        if new is None or new == text:
            continue
        try:
            same = tomllib.loads(new) == expected
        except tomllib.TOMLDecodeError:
            continue
        # the document changed as intended, and no line but the key's own was rewritten
        if same and all(line.lstrip().startswith(own) for line in _changed_lines(text, new)):
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


def set_module_key(registry: Registry, module: str, key: str, value: Any, text: str) -> str:
    """``text`` (the registry's, possibly already edited) with ``modules.MODULE.KEY = value``."""
    keys = [*registry.table_prefix, "modules", module]
    return set_key_text(text, keys, key, value, str(registry.path), after="stage")


def add_module(registry: Registry, module: str, table: dict[str, Any]) -> str:
    """The registry's text with a new ``[modules.MODULE]`` table at its end."""
    keys = [*registry.table_prefix, "modules", module]
    return add_table_text(registry.text, keys, table, str(registry.path))
