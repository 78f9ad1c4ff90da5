"""Safe registry edits: append an array-of-tables element, touch nothing else, write atomically."""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers import only_insertion
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toml_docs import registry_module

from scoped_modules.app.config import load_registry
from scoped_modules.errors import ConfigError
from scoped_modules.registry.edit import (
    append_table,
    append_table_text,
    atomic_write,
    registry_lock,
)

DECISION = {
    "id": "uma-s0",
    "kind": "establish",
    "opened": datetime(2022, 6, 1, tzinfo=UTC),
    "closes": datetime(2022, 6, 8, tzinfo=UTC),
    "evidence": [
        {"path": "votes/a.mbox", "sha256": "0" * 64},
        {"path": "votes/b.json", "sha256": "1" * 64},
    ],
    "result": "passed",
}

BASE = """schema = 1  # top comment

[project]
name    =   "demo"   # odd spacing kept

[modules.uma]
stage = "proposed"
paths = ["uma/"]

[[modules.uma.decisions]]
id = "uma-old"
kind = "establish"
opened = 2021-06-01
closes = 2021-06-08
evidence = ["votes/old.mbox"]
result = "failed"

# history comes next
[[modules.uma.history]]
date = 2021-06-08
stage = "proposed"
reason = "first try"

[modules.other]
stage = "proposed"
paths = ["other/"]
"""


def test_append_after_the_last_element() -> None:
    new = append_table_text(BASE, ["modules", "uma", "decisions"], DECISION)
    inserted = only_insertion(BASE, new)
    assert "[[modules.uma.decisions]]" in inserted
    assert new.index('id = "uma-s0"') < new.index("# history comes next")
    doc = tomllib.loads(new)
    assert [d["id"] for d in doc["modules"]["uma"]["decisions"]] == ["uma-old", "uma-s0"]
    assert doc["modules"]["uma"]["decisions"][1]["evidence"][1] == {
        "path": "votes/b.json",
        "sha256": "1" * 64,
    }
    assert "opened = 2022-06-01T00:00:00Z" in new


def test_first_element_goes_after_the_module_family() -> None:
    new = append_table_text(BASE, ["modules", "other", "decisions"], DECISION)
    only_insertion(BASE, new)
    assert new.rstrip().endswith('result = "passed"')
    new = append_table_text(
        BASE.replace("[[modules.uma.decisions]]", "[[modules.uma.dec]]"),
        ["modules", "uma", "decisions"],
        DECISION,
    )
    assert new.index('id = "uma-s0"') < new.index("[modules.other]")


def test_inline_array_falls_back_to_tomlkit_and_keeps_the_rest() -> None:
    text = (
        'schema = 1\n# keep me\n[modules.uma]\nstage = "proposed"\ndecisions = []\npaths = ["u/"]\n'
    )
    new = append_table_text(text, ["modules", "uma", "decisions"], {"id": "x", "result": "open"})
    assert "# keep me" in new
    assert tomllib.loads(new)["modules"]["uma"]["decisions"] == [{"id": "x", "result": "open"}]


def test_crlf_files_keep_crlf() -> None:
    text = BASE.replace("\n", "\r\n")
    new = append_table_text(text, ["modules", "uma", "decisions"], DECISION)
    only_insertion(text, new)
    assert "\n" not in new.replace("\r\n", "")


def test_pyproject_prefix(tmp_path: Path) -> None:
    py = tmp_path / "pyproject.toml"
    py.write_text(
        '[project]\nname = "x"\n\n[tool.scoped]\nschema = 1\n\n[tool.scoped.modules.uma]\n'
        'stage = "proposed"\npaths = ["uma/"]\n',
        encoding="utf-8",
    )
    reg = load_registry(py, tmp_path)
    new = append_table(reg, ["modules", "uma", "decisions"], DECISION)
    assert "[[tool.scoped.modules.uma.decisions]]" in new
    atomic_write(reg.path, new, reg.text)
    assert load_registry(py, tmp_path).modules["uma"].decisions[0].id == "uma-s0"


def test_atomic_write_refuses_a_file_changed_meanwhile(tmp_path: Path) -> None:
    p = tmp_path / "scoped.toml"
    p.write_text(BASE, encoding="utf-8")
    os.chmod(p, 0o640)
    new = append_table_text(BASE, ["modules", "uma", "decisions"], DECISION)
    p.write_text(BASE + "# someone else\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="changed on disk"):
        atomic_write(p, new, BASE)
    assert p.read_text(encoding="utf-8") == BASE + "# someone else\n"
    p.write_text(BASE, encoding="utf-8")
    atomic_write(p, new, BASE)
    assert p.read_text(encoding="utf-8") == new
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["scoped.toml"]  # no temporary left


def test_atomic_write_keeps_crlf_when_text_was_read_with_universal_newlines(tmp_path: Path) -> None:
    p = tmp_path / "scoped.toml"
    p.write_bytes(BASE.replace("\n", "\r\n").encode())
    read = p.read_text(encoding="utf-8")  # universal newlines: "\n"
    atomic_write(p, append_table_text(read, ["modules", "uma", "decisions"], DECISION), read)
    raw = p.read_bytes()
    assert (
        raw.startswith(BASE.replace("\n", "\r\n").encode()[:40])
        and b'\r\n[[modules.uma.decisions]]\r\nid = "uma-s0"' in raw
    )


scalars = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.dates(),
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    ),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.lists(
        st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), scalars, max_size=3),
        max_size=3,
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), values, min_size=1, max_size=5))
def test_any_table_round_trips(table: dict) -> None:
    new = append_table_text(BASE, ["modules", "uma", "decisions"], table)
    only_insertion(BASE, new)
    got = tomllib.loads(new)["modules"]["uma"]["decisions"][-1]
    assert got == table
    assert all(isinstance(v, date) for v in [d for d in table.values() if isinstance(d, date)])


def test_atomic_write_creates_a_new_file_only_when_absent(tmp_path: Path) -> None:
    p = tmp_path / "new.toml"
    atomic_write(p, "schema = 1\n", None)
    assert p.read_text(encoding="utf-8") == "schema = 1\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    with pytest.raises(ConfigError, match="was created on disk"):
        atomic_write(p, "schema = 2\n", None)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["new.toml"]


# Issue 13 defect 12: dotted keys and inline tables elsewhere in the file stay byte for byte.
DOTTED_PEOPLE = """schema = 1
people.person = [{ handle = "a", roles = [{ role = "pmc", since = 2020-01-01 }] }]

[modules.uma]
stage = "s0"
paths = ["python/uma/"]
decisions = [{ id = "old", kind = "establish", opened = 2021-01-01, closes = 2021-02-01, evidence = [], result = "failed" }]
"""
INLINE_MODULE = """schema = 1
people.person = [{ handle = "a" }]
modules.uma = { stage = "s0", paths = ["python/uma/"] }  # inline
modules.other = { stage = "s0", paths = ["o/"], decisions = [] }
"""
DOTTED_MODULE = """schema = 1
[modules]
uma.stage = "s0"   # dotted
uma.paths = ["python/uma/"]
other = { stage = "s0", paths = ["o/"] }
"""


@pytest.mark.parametrize(
    ("text", "module"),
    [
        (DOTTED_PEOPLE, "uma"),
        (INLINE_MODULE, "uma"),
        (INLINE_MODULE, "other"),
        (DOTTED_MODULE, "uma"),
        (DOTTED_MODULE, "other"),
    ],
)
def test_dotted_keys_and_inline_tables_keep_every_other_byte(text: str, module: str) -> None:
    new = append_table_text(text, ["modules", module, "decisions"], DECISION)
    only_insertion(text, new)
    got = tomllib.loads(new)["modules"][module]["decisions"][-1]
    assert got["id"] == "uma-s0" and got["evidence"][1]["sha256"] == "1" * 64


# Issue 6 (layout): edits keep every byte outside the edit, on registries written every way TOML
# allows, full of comments (positions of the tables are known by construction).
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registry_module())
def test_edit_round_trip_keeps_bytes_outside_the_new_table(generated: tuple) -> None:
    _doc, text, module, _newline = generated
    old = tomllib.loads(text)
    new = append_table_text(text, ["modules", module, "decisions"], DECISION)
    inserted = only_insertion(text, new)
    assert "uma-s0" in inserted
    doc_new = tomllib.loads(new)
    before = old["modules"][module].get("decisions", [])
    assert doc_new["modules"][module]["decisions"][: len(before)] == before
    assert doc_new["modules"][module]["decisions"][-1]["id"] == "uma-s0"
    doc_new["modules"][module]["decisions"].pop()
    if not before:
        del doc_new["modules"][module]["decisions"]
    assert doc_new == old


@pytest.mark.parametrize("flock", [True, False])
def test_registry_lock_is_exclusive_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flock: bool
) -> None:
    if not flock:
        monkeypatch.setitem(sys.modules, "fcntl", None)  # as on Windows: an O_EXCL file
    p = tmp_path / "scoped.toml"
    p.write_text(BASE, encoding="utf-8")
    with registry_lock(p):
        assert (tmp_path / ".scoped.toml.lock").exists()
        with pytest.raises(ConfigError, match="scoped.toml"), registry_lock(p, timeout=0.2):
            pass
    assert sorted(x.name for x in tmp_path.iterdir()) == ["scoped.toml"]
    with registry_lock(p):  # free again
        pass
