"""Bounded fuzzing of the registry reader, the TOML position locator and registry edits
(issue 13, "the campaign"). Registries are generated the many ways TOML allows
(``toml_docs.registries``), then mutated byte by byte or given hostile values (NaN, infinity,
dates at the ends of the calendar, invalid globs, deep nesting, wrong types). Reading may refuse
a registry with a ConfigError of ``FILE:LINE:COL: message`` lines; anything else (a traceback)
or an example running longer than ``SCOPED_FUZZ_SECONDS`` (default 20) is a failure.

``SCOPED_FUZZ_EXAMPLES`` sets the examples per target (default 30, as in ``make test``); each
target prints how many examples it ran. The helpers here (``fuzz``, ``mutated``) serve
``test_fuzz_governance`` too; ``fuzzing.run_examples`` runs the examples.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fuzzing import run_examples
from hypothesis import strategies as st
from toml_docs import registries

from scoped_modules.errors import ConfigError
from scoped_modules.registry.edit import append_table_text, only_insertion
from scoped_modules.registry.load import load_roster_file, read_registry
from scoped_modules.registry.locate import scan

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("SCOPED_FUZZ_EXAMPLES", "30"))


def fuzz(
    name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None], capsys: Any
) -> None:
    """Run ``check`` on ``EXAMPLES`` examples of ``strategy``; print how many ran."""
    run_examples(name, strategy, check, capsys, examples=EXAMPLES)


PUNCTUATION = b"\n\r\t \"'<>[]{}():;,.=#>-+*\\/\x00\x7f\xff\xc3"


@st.composite
def mutated(
    draw: st.DrawFn, seeds: list[bytes] | st.SearchStrategy[bytes], chunks: list[bytes]
) -> bytes:
    """A seed with a few bytes deleted, inserted, replaced, a slice duplicated, or cut short."""
    seed = st.sampled_from(seeds) if isinstance(seeds, list) else seeds
    data = bytearray(draw(seed))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "cut"]))
        if op == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(chunks))
        elif op == "replace":
            data[at] = draw(st.sampled_from(PUNCTUATION))
        elif op == "duplicate":
            end = min(len(data), at + draw(st.integers(min_value=1, max_value=200)))
            data[end:end] = data[at:end]
        else:
            del data[at:]
    return bytes(data)


# ---------------------------------------------------------------------------------------------
# Registries


REGISTRY_TEXTS = registries().map(lambda g: g[0].text(g[2]).encode())


CHUNKS = [
    b"\n[modules.x]\n",
    b"\n[[modules.x.decisions]]\n",
    b'"""',
    b"'''",
    b" = nan",
    b" = inf",
    b" = 0001-01-01T00:00:00+01:00",
    b' = ["[z-a]"]',
    b" = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    b"\xef\xbb\xbf",
    b"\nrules.x.ratio = nan\n",
    b'\npeople.file = "."\n',
    b'\nproject.python_roots = ["missing"]\n',
]
_POSITION = re.compile(r":\d+:\d+: |: ")


def read_or_refuse(root: Path, data: bytes) -> None:
    """Read a registry: it loads, or it is refused with messages naming the file."""
    path = root / "scoped.toml"
    path.write_bytes(data)
    try:
        reg = read_registry(path, root)
    except ConfigError as exc:
        assert exc.problems
        lines = len(re.split(rb"\r\n|\r|\n", data))  # the file is read with universal newlines
        for p in exc.problems:
            assert p.startswith(str(root)) and _POSITION.search(p), p
            m = re.match(re.escape(str(path)) + r":(\d+):(\d+): ", p)
            assert m is None or 1 <= int(m.group(1)) <= lines, p
        return
    for name in list(reg.modules)[:2]:
        try:
            new = append_table_text(reg.text, ["modules", name, "decisions"], {"id": "fz"})
        except ConfigError:
            continue
        assert only_insertion(reg.text, new)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for d in ("python", "include", "docs"):
        (tmp_path / d).mkdir()
    return tmp_path


def test_fuzz_registry_bytes(root: Path, capsys: Any) -> None:
    fuzz(
        "registry bytes", mutated(REGISTRY_TEXTS, CHUNKS), lambda b: read_or_refuse(root, b), capsys
    )


HOSTILE = [
    "nan",
    "-inf",
    "1e400",
    "-1",
    "0",
    "9223372036854775807",
    "true",
    '""',
    '"[z-a]"',
    '"a\\\\"',
    '"/etc/passwd"',
    '"../x"',
    '"python"',
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-00:01",
    "2022-06-01T00:00:00",
    "07:00:00",
    "[]",
    '["[z-a]", "*.md"]',
    "[1, 2]",
    "{}",
    '{ role = "pmc", since = 0001-01-01T00:00:00+01:00 }',
    '[{ role = "pmc", since = 2020-01-01, until = 2019-01-01 }]',
    "[" * 40 + "]" * 40,
]
KEYS = [
    ("project", "rules"),
    ("project", "python_roots"),
    ("project", "include_roots"),
    ("project", "exclude"),
    ("project", "mixed_change_exempt"),
    ("activity", "focus"),
    ("activity", "window_days"),
    ("activity", "bots"),
    ("rules", "x", "ratio"),
    ("rules", "x", "min_hours"),
    ("rules", "x", "majority_of"),
    ("rules", "x", "extends"),
    ("people", "file"),
    ("people", "person"),
]


@st.composite
def hostile_registries(draw: st.DrawFn) -> bytes:
    """A generated registry with hostile values set at keys the reader validates."""
    doc, modules, newline = draw(registries())
    lines = list(doc.lines)
    tables: dict[str, list[str]] = {}
    for keys in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        line = f"{keys[-1]} = {draw(st.sampled_from(HOSTILE))}"
        if keys[0] == "project":  # the table exists: the key goes right below its header
            lines.insert(doc.where[("project",)][0], line)
        else:
            tables.setdefault(".".join(keys[:-1]), []).append(line)
    for module in draw(st.lists(st.sampled_from(modules), max_size=2, unique=True)):
        key = draw(st.sampled_from(["stage", "paths", "toggles", "references", "owners", "x"]))
        value = draw(st.sampled_from(HOSTILE))
        tables[f"modules.{module}-h"] = ['stage = "s0"', f"{key} = {value}"]
    extra = [f"[{name}]{newline}{newline.join(body)}" for name, body in tables.items()]
    text = newline.join(lines + extra) + newline
    try:  # keep what TOML accepts: a table defined twice is a syntax error, not a hostile value
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        text = doc.text(newline)
    return text.encode()


def test_fuzz_registry_values(root: Path, capsys: Any) -> None:
    fuzz("registry values", hostile_registries(), lambda b: read_or_refuse(root, b), capsys)


def test_fuzz_roster_file(root: Path, capsys: Any) -> None:
    seeds = [
        b'[[person]]\nhandle = "a"\nemails = ["a@x"]\nroles = [{ role = "pmc", since = 2020-01-01 }]\n',
        b'person = [{ handle = "b", bot = true }, { handle = "B" }]\n',
    ]

    def check(data: bytes) -> None:
        path = root / "people.toml"
        path.write_bytes(data)
        with contextlib.suppress(ConfigError):
            load_roster_file(path)

    fuzz("roster file", mutated(seeds, CHUNKS), check, capsys)


def test_fuzz_locator_on_any_text(capsys: Any) -> None:
    texts = st.one_of(
        st.text(max_size=300),
        st.text(alphabet="[]{}\"'=.,#\n\r\t abc123-_\\", max_size=300),
        mutated(REGISTRY_TEXTS, CHUNKS).map(lambda b: b.decode("utf-8", "replace")),
    )

    def check(text: str) -> None:
        layout = scan(text)
        lines = text.count("\n") + 1
        assert all(1 <= line <= lines and col >= 1 for line, col in layout.positions.values())
        for h in layout.headers:
            assert text[h.start] == "["

    fuzz("toml locator", texts, check, capsys)


def test_hostile_values_are_refused_with_positions(root: Path) -> None:
    """A few of the values above, checked by hand: each is a registry error at its line."""
    text = (
        'schema = 1\n[project]\nexclude = ["[z-a]"]\npython_roots = ["nope"]\n'
        "[rules.x]\nratio = nan\nmin_hours = 1e400\n"
        '[[people.person]]\nhandle = "a"\nroles = [{ role = "pmc", since = 0001-01-01T00:00:00+01:00 }]\n'
        f"[activity]\nfocus = 0.5\nbots = {'[' * 40 + ']' * 40}\n"
    )
    (root / "scoped.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_registry(root / "scoped.toml", root)
    lines = sorted(int(p.split(":")[1]) for p in info.value.problems)
    assert lines == [3, 4, 6, 7, 10, 13], info.value.problems
