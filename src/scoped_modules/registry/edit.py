"""Safe edits of the registry (SPEC §2 "Edits").

A new array-of-tables element is inserted as text where the TOML locator (``locate.scan``) says
the array continues: after its last element's block (or after the parent table's family of
tables), inside an inline array, or inside the parent's inline table. Where that fails, tomlkit
edits the document. Either result is taken only when it is the old text with one run of text
inserted (every other byte unchanged) and it parses to the old document plus the new table.
Writes are atomic (temporary file in the same directory + ``os.replace``) and refused when the
file changed on disk since it was read; ``registry_lock`` serialises concurrent writers.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import os
import random
import re
import tempfile
import time as clock
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .locate import Layout, scan
from .model import Registry

_BARE = re.compile(r"[A-Za-z0-9_-]+")


# ---------------------------------------------------------------------------------------------
# Rendering TOML values


def toml_key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _string(key)


def _string(s: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; TOML also forbids raw DEL
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any, indent: str = "", inline: bool = False) -> str:
    """``value`` as TOML; lists of tables span lines unless ``inline`` (one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() == timedelta(0):
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(
            f"{toml_key(str(k))} = {toml_value(v, inline=True)}" for k, v in value.items()
        )
        return "{ " + inner + " }"
    if isinstance(value, list | tuple):
        items = [toml_value(v, indent + "  ", inline) for v in value]
        if not inline and len(items) > 1 and any(isinstance(v, dict) for v in value):
            return "[\n" + "".join(f"{indent}  {i},\n" for i in items) + indent + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def render_table(keys: list[str], table: dict[str, Any], array: bool = True) -> str:
    """``[[a.b.c]]`` (or ``[a.b.c]``) and its ``key = value`` lines, ending in a newline."""
    name = ".".join(toml_key(k) for k in keys)
    head = f"[[{name}]]" if array else f"[{name}]"
    body = "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in table.items())
    return head + "\n" + body


# ---------------------------------------------------------------------------------------------
# Placing a new element


def _line_end(text: str, offset: int) -> int:
    """The offset just after the line holding ``offset`` (its newline included)."""
    nl = text.find("\n", offset)
    return len(text) if nl < 0 else nl + 1


def _block_end(text: str, layout: Layout, first: int, keys: tuple[str, ...]) -> int:
    """Where the block of ``layout.headers[first]`` and its sub-tables ends: just after the line
    of its last key or value, so comments heading the next table stay with that table."""
    heads = layout.headers
    last = first
    while last + 1 < len(heads) and heads[last + 1].keys[: len(keys)] == keys:
        last += 1
    return _line_end(text, max(h.content_end for h in heads[first : last + 1]))


def _insert_block(text: str, at: int, block: str, newline: str) -> str:
    before, after = text[:at], text[at:]
    if before and not before.endswith("\n"):
        before += newline
    sep = newline if before.strip() and not before.endswith(newline * 2) else ""
    block = block.replace("\n", newline)
    if after.strip() and not after.startswith(newline):
        block += newline
    return before + sep + block + after


def _insert_text(text: str, keys: tuple[str, ...], table: dict[str, Any], newline: str) -> str:
    """``text`` with ``table`` inserted as text where the locator says the array continues."""
    layout = scan(text)
    heads = layout.headers
    same = [i for i, h in enumerate(heads) if h.array and h.keys == keys]
    if same:
        at = _block_end(text, layout, same[-1], keys)
        return _insert_block(text, at, render_table(list(keys), table), newline)
    inline = layout.containers.get(keys)
    if inline is not None and inline.kind == "array" and inline.close >= 0:
        item = toml_value(table, inline=True)
        at = inline.last_end
        return text[:at] + (", " + item if inline.count else item) + text[at:]
    parent = keys[:-1]
    owner = layout.containers.get(parent)
    if owner is not None and owner.kind == "table" and owner.close >= 0:
        item = f"{toml_key(keys[-1])} = [{toml_value(table, inline=True)}]"
        at = owner.last_end
        return text[:at] + (", " + item if owner.count else " " + item + " ") + text[at:]
    family = [i for i, h in enumerate(heads) if not h.array and h.keys == parent] if parent else []
    at = _block_end(text, layout, family[-1], parent) if family else len(text)
    return _insert_block(text, at, render_table(list(keys), table), newline)


def only_insertion(old: str, new: str) -> bool:
    """True when ``new`` is ``old`` with one run of text inserted and no other byte changed."""
    if len(new) < len(old):
        return False
    i = 0
    limit = len(old)
    while i < limit and old[i] == new[i]:
        i += 1
    j = 0
    while j < limit - i and old[-1 - j] == new[-1 - j]:
        j += 1
    return i + j == len(old)


def _expected(old: dict[str, Any], keys: tuple[str, ...], table: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(old)
    node: Any = doc
    for k in keys[:-1]:
        node = node.setdefault(k, {})
        if isinstance(node, list):  # the parent is itself an array of tables: its last element
            node = node[-1]
    node.setdefault(keys[-1], []).append(tomllib.loads(render_table(["x"], table))["x"][0])
    return doc


def _tomlkit_append(text: str, keys: tuple[str, ...], table: dict[str, Any]) -> str:
    import tomlkit

    doc = tomlkit.parse(text)
    node: Any = doc
    for k in keys[:-1]:
        if k not in node:
            node[k] = tomlkit.table(is_super_table=True)
        node = node[k]
        if isinstance(node, list):
            node = node[-1]
    target = node.get(keys[-1])
    if isinstance(target, tomlkit.items.AoT):
        target.append(tomlkit.parse(render_table(["x"], table))["x"][0])
    elif target is not None:  # an inline array: the new element is an inline table
        target.append(tomlkit.parse(f"x = {toml_value(table)}")["x"])
    else:
        item = tomlkit.parse(render_table(["x"], table))["x"][0]
        aot = tomlkit.aot()
        aot.append(item)
        node[keys[-1]] = aot
    return tomlkit.dumps(doc)


def append_table_text(text: str, keys: list[str], table: dict[str, Any], where: str = "") -> str:
    """``text`` with ``table`` appended to the array of tables at ``keys`` (full key path).

    A leading UTF-8 BOM is kept as it is."""
    if text.startswith("\ufeff"):
        return "\ufeff" + append_table_text(text[1:], keys, table, where)
    path = tuple(keys)
    try:
        old = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"{where}: cannot edit: not valid TOML ({exc})") from None
    expected = _expected(old, path, table)
    newline = "\r\n" if "\r\n" in text else "\n"
    # The text placed by the locator first (it keeps a comment that heads the next table with
    # that table); tomlkit for the shapes it cannot place. Either is taken only when every byte
    # outside the inserted text is unchanged and the document reads as the old one plus the table.
    candidates = (
        lambda: _insert_text(text, path, table, newline),
        lambda: _tomlkit_append(text, path, table),
    )
    for make in candidates:
        try:
            new = make()
            if only_insertion(text, new) and tomllib.loads(new) == expected:
                return new
        except Exception:  # a candidate that cannot place the table: try the next one
            continue
    raise ConfigError(
        f"{where}: cannot append to {'.'.join(keys)} without changing other entries; "
        "add the table by hand"
    )


def append_table(registry: Registry, keys: list[str], table: dict[str, Any]) -> str:
    """The registry's text with ``table`` appended to ``[[keys]]`` (``table_prefix`` honoured).

    Nothing is written; pass the result to ``atomic_write(registry.path, new, registry.text)``.
    """
    full = [*registry.table_prefix, *keys]
    return append_table_text(registry.text, full, table, str(registry.path))


# ---------------------------------------------------------------------------------------------
# Writing


def atomic_write(path: Path, new_text: str, expected_old_text: str | None) -> None:
    """Replace ``path`` by ``new_text`` atomically, unless it no longer holds ``expected_old_text``
    (``None``: the file must not exist, and a file created meanwhile is not overwritten).

    Line endings: when the file uses CRLF and the texts were read with universal newlines,
    ``new_text`` is written with CRLF too.
    """
    target = path.resolve()

    def current() -> str | None:
        try:
            return target.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            return "\0unreadable"

    def unchanged(text: str | None) -> bool:
        if expected_old_text is None or text is None:
            return text is None and expected_old_text is None
        return text.replace("\r\n", "\n") == expected_old_text.replace("\r\n", "\n")

    now_text = current()
    if not unchanged(now_text):
        what = "was created" if expected_old_text is None else "changed"
        raise ConfigError(
            f"{path}: {what} on disk since it was read; nothing written (run the command again)"
        )
    if now_text and "\r\n" in now_text and "\r\n" not in new_text:
        new_text = new_text.replace("\n", "\r\n")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new_text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        if now_text is not None:
            with contextlib.suppress(OSError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):  # mkstemp makes 0600; a new file gets the umask's
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        if not unchanged(current()):
            raise ConfigError(
                f"{path}: changed on disk while writing; nothing written (run the command again)"
            )
        if now_text is None:
            try:
                os.link(tmp, target)  # fails if the file appeared meanwhile
            except FileExistsError:
                raise ConfigError(f"{path}: was created while writing; nothing written") from None
            except OSError:  # no hard links here (some file systems): fall back to a rename
                os.replace(tmp, target)
            else:
                os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# Locking


@contextlib.contextmanager
def registry_lock(path: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for a read-check-write cycle (``vote record``).

    The lock is a file beside the registry, ``.NAME.lock``, removed on release: ``fcntl.flock``
    where it exists (a lock dies with its process, so a crash leaves nothing stale), else a file
    created with ``O_EXCL``. Other processes wait for it up to ``timeout`` seconds.
    """
    target = path.resolve()
    lock = target.parent / f".{target.name}.lock"
    deadline = clock.monotonic() + timeout
    try:
        import fcntl
    except ImportError:  # no flock here (Windows): an O_EXCL lock file
        fd = _exclusive_file(lock, target, deadline)
        try:
            yield
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(lock)
        return
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    while True:
        try:
            fd = os.open(lock, flags, 0o600)
        except OSError as exc:
            raise ConfigError(f"{target}: cannot create the lock file {lock}: {exc.strerror}")
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    _wait(target, lock, deadline)
            # the holder before us removes the file as it lets go: lock the file that is there
            here = os.fstat(fd)
            try:
                now = os.stat(lock, follow_symlinks=False)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_ino, now.st_dev) == (here.st_ino, here.st_dev):
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def _wait(target: Path, lock: Path, deadline: float) -> None:
    if clock.monotonic() > deadline:
        raise ConfigError(
            f"{target}: another scoped command is editing it (lock {lock.name}); try again"
        )
    clock.sleep(0.01 + random.random() * 0.04)


def _exclusive_file(lock: Path, target: Path, deadline: float) -> int:
    while True:
        try:
            return os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if clock.monotonic() > deadline:
                raise ConfigError(
                    f"{target}: locked by {lock}; if no scoped command is running, delete it"
                ) from None
            clock.sleep(0.05)
        except OSError as exc:
            raise ConfigError(f"{target}: cannot create the lock file {lock}: {exc.strerror}")
