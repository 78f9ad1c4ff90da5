"""Setting one key of an existing table of the registry (``stage = "removed"``), under the
same guarantees as :mod:`scoped_modules.registry.edit`: only the value's text changes, and the
result, parsed again, must equal the old document with that one value replaced.

Kept apart from ``edit.py`` (which appends tables) so that commands that change a module's stage
(``scoped remove``; ``scoped transition`` may share it) have one primitive to call.
"""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

from ..errors import ConfigError
from .edit import toml_value
from .locate import locate
from .model import Registry

# a value on the key's line: a basic or literal string, or a bare token (number, bool, date)
_VALUE = re.compile(r"""[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s#,\]}]+)""")


def _expected(old: dict[str, Any], keys: tuple[str, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(old)
    node: Any = doc
    for k in keys[:-1]:
        node = node[k]
    if keys[-1] not in node:
        raise KeyError(keys[-1])
    node[keys[-1]] = value
    return doc


def _replace_on_line(text: str, keys: tuple[str, ...], value: Any) -> str:
    pos = locate(text).get(keys)
    if pos is None:
        raise KeyError(".".join(keys))
    lines = text.splitlines(keepends=True)
    line = lines[pos[0] - 1]
    eq = line.find("=", pos[1] - 1)
    m = _VALUE.match(line, eq + 1) if eq >= 0 else None
    if m is None:
        raise ValueError("no value on the key's line")
    lines[pos[0] - 1] = line[: m.start(1)] + toml_value(value) + line[m.end(1) :]
    return "".join(lines)


def _tomlkit_set(text: str, keys: tuple[str, ...], value: Any) -> str:
    import tomlkit

    doc = tomlkit.parse(text)
    node: Any = doc
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return tomlkit.dumps(doc)


def set_value_text(text: str, keys: list[str], value: Any, where: str = "") -> str:
    """``text`` with the existing key at ``keys`` (full key path) set to ``value``."""
    path = tuple(keys)
    try:
        old = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: cannot edit: not valid TOML ({exc})") from None
    try:
        expected = _expected(old, path, value)
    except (KeyError, TypeError):
        raise ConfigError(f"{where}: cannot edit: no key {'.'.join(keys)}") from None
    for make in (_replace_on_line, _tomlkit_set):
        try:
            new = make(text, path, value)
            if tomllib.loads(new) == expected:
                return new
        except Exception:  # a way that cannot place the value: try the next one
            continue
    raise ConfigError(
        f"{where}: cannot set {'.'.join(keys)} without changing other entries; edit it by hand"
    )


def set_value(registry: Registry, keys: list[str], value: Any, text: str | None = None) -> str:
    """The registry's text (or ``text``, an edit of it) with ``keys`` set to ``value``
    (``table_prefix`` honoured). Nothing is written: pass the result to ``atomic_write``."""
    full = [*registry.table_prefix, *keys]
    return set_value_text(registry.text if text is None else text, full, value, str(registry.path))
