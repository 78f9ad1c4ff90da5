"""Registry loading and validation (SPEC §2): every problem at once, FILE:LINE:COL, exit 2."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from helpers import run_cli, write_tree
from hypothesis import HealthCheck, given, settings
from toml_docs import registries, walk

from scoped_modules.app.config import load_registry
from scoped_modules.errors import ConfigError
from scoped_modules.registry.edit import append_table, atomic_write
from scoped_modules.registry.load import load_roster_file
from scoped_modules.registry.locate import locate

GOOD = """
schema = 1

[project]
name = "demo"
python_roots = ["python"]

[[people.person]]
handle = "ada"
emails = ["ada@example.org"]
roles = [{ role = "pmc", since = 2020-01-01 }, { role = "committer", since = 2019-01-01, until = 2023-01-01 }]

[modules.uma]
stage = "s0"
paths = ["python/pkg/uma/"]
toggles = [{ cmake = "USE_UMA", define = "PKG_USE_UMA" }]
owners = ["ada"]
champion = "ada"

[[modules.uma.decisions]]
id = "uma-s0"
kind = "establish"
opened = 2022-06-01T00:00:00Z
closes = 2022-06-08
evidence = ["votes/uma.mbox", { path = "votes/uma.json", sha256 = "%s" }]
result = "passed"

[[modules.uma.history]]
date = 2022-06-08
stage = "s0"
decision = "uma-s0"
""" % ("a" * 64)


def problems(tmp_path: Path, text: str, extra: dict | None = None) -> list[str]:
    write_tree(tmp_path, {"scoped.toml": text, "python/__init__.py": "", **(extra or {})})
    with pytest.raises(ConfigError) as info:
        load_registry(cwd=tmp_path)
    return info.value.problems


def test_good_registry_loads_everything(tmp_path: Path) -> None:
    write_tree(tmp_path, {"scoped.toml": GOOD, "python/__init__.py": ""})
    reg = load_registry(cwd=tmp_path)
    m = reg.modules["uma"]
    assert m.stage == "s0" and m.paths == ["python/pkg/uma/"]
    assert m.toggles[0].names == ("USE_UMA", "PKG_USE_UMA")
    d = m.decisions[0]
    assert d.closes.isoformat() == "2022-06-08T00:00:00+00:00"
    assert d.evidence[0].sha256 is None and d.evidence[1].sha256 == "a" * 64
    ada = reg.person("ADA")
    assert ada is not None and ada.holds("pmc", d.opened)
    assert not ada.holds("committer", d.opened.replace(year=2023))
    assert reg.module_profile(m).min_binding_plus == 4
    assert m.loc("toggles")[1] == 15


def test_every_problem_reported_at_once_with_positions(tmp_path: Path) -> None:
    text = (
        GOOD.replace('name = "demo"', 'name = "demo"\nexclde = ["x"]')
        .replace('stage = "s0"\npaths', 'stage = "s7"\npaths')
        .replace("closes = 2022-06-08", "closes = 2022-06-08T00:00:00")
    )
    found = problems(tmp_path, text)
    assert any(
        p.endswith(":5:1: unknown key 'exclde' in [project]; did you mean 'exclude'?")
        for p in found
    ), found
    assert any("stage must be one of" in p and ":14:1:" in p for p in found), found
    assert any("has no UTC offset" in p and ":24:1:" in p for p in found), found
    assert all(p.startswith(str(tmp_path / "scoped.toml") + ":") for p in found)


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    found = problems(tmp_path, "schema = 1\n[modules.x\nstage = 's0'\n")
    assert len(found) == 1 and ":2:" in found[0] and "TOML syntax error" in found[0]


@pytest.mark.parametrize(
    "path,message",
    [
        ("/etc/passwd", "is absolute"),
        ("python/../../x", "contains '..'"),
    ],
)
def test_unsafe_paths_refused(tmp_path: Path, path: str, message: str) -> None:
    found = problems(tmp_path, GOOD.replace('"python/pkg/uma/"', f'"{path}"'))
    assert any(message in p for p in found), found


def test_symlink_escaping_root_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link").symlink_to(outside)
    found = problems(repo, GOOD.replace('"python/pkg/uma/"', '"link/"'))
    assert any("outside the repository through a symlink" in p for p in found), found


def test_duplicates_and_unknown_history_decision(tmp_path: Path) -> None:
    text = (
        GOOD
        + """
[[people.person]]
handle = "Ada"
emails = ["ada@example.org"]

[modules.other]
stage = "proposed"
paths = ["x/"]

[[modules.other.decisions]]
id = "uma-s0"
kind = "establish"
opened = 2022-06-01
closes = 2022-06-08
evidence = []
result = "open"

[[modules.other.history]]
date = 2022-06-08
stage = "s0"
decision = "nope"
"""
    )
    found = problems(tmp_path, text)
    joined = "\n".join(found)
    assert "duplicate handle 'Ada'" in joined
    assert "email 'ada@example.org' is listed for both" in joined
    assert "duplicate decision id 'uma-s0'" in joined
    assert "cites unknown decision 'nope'" in joined


def test_profiles_custom_and_builtin_redefinition(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "scoped.toml": GOOD
            + '\n[rules.strict]\nextends = "lazy-two-thirds"\nmin_binding_plus = 5\n',
            "python/__init__.py": "",
        },
    )
    reg = load_registry(cwd=tmp_path)
    p = reg.profiles["strict"]
    assert (p.min_binding_plus, p.ratio, p.majority_of) == (5, 2.0, "none")
    found = problems(tmp_path, GOOD + "\n[rules.tvm-s0]\nmin_hours = 1\n")
    assert any("built in and cannot be redefined" in p for p in found)


def test_pyproject_tool_table_and_both_is_error(tmp_path: Path) -> None:
    body = GOOD.replace("[project]", "[tool.scoped.project]").replace(
        "[[people.person]]", "[[tool.scoped.people.person]]"
    )
    body = body.replace("[modules.uma]", "[tool.scoped.modules.uma]").replace(
        "[[modules.uma.", "[[tool.scoped.modules.uma."
    )
    body = body.replace("schema = 1", "[tool.scoped]\nschema = 1")
    write_tree(
        tmp_path, {"pyproject.toml": '[project]\nname = "x"\n' + body, "python/__init__.py": ""}
    )
    reg = load_registry(cwd=tmp_path)
    assert reg.table_prefix == ("tool", "scoped") and "uma" in reg.modules
    write_tree(tmp_path, {"scoped.toml": GOOD})
    with pytest.raises(ConfigError, match="both scoped.toml and"):
        load_registry(cwd=tmp_path)


def test_roster_file_is_merged(tmp_path: Path) -> None:
    text = GOOD.replace("[project]", '[people]\nfile = "people.toml"\n\n[project]')
    write_tree(
        tmp_path,
        {
            "scoped.toml": text,
            "people.toml": '[[person]]\nhandle = "bob"\nemails = ["bob@example.org"]\n',
            "python/__init__.py": "",
        },
    )
    reg = load_registry(cwd=tmp_path)
    assert reg.person("bob") is not None and reg.person("ada") is not None
    write_tree(tmp_path, {"people.toml": '[[person]]\nhandle = "ada"\nnme = "x"\n'})
    with pytest.raises(ConfigError) as info:
        load_registry(cwd=tmp_path)
    joined = "\n".join(info.value.problems)
    assert "people.toml:3:1: unknown key 'nme' in a person; did you mean 'name'?" in joined
    assert "duplicate handle 'ada'" in joined


def test_cli_exit_2_and_messages_on_stderr(tmp_path: Path) -> None:
    write_tree(tmp_path, {"scoped.toml": "schema = 2\n"})
    code, out, err = run_cli(tmp_path, "check")
    assert code == 2 and out == ""
    assert "scoped.toml:1:1: schema must be 1" in err


# ---------------------------------------------------------------------------------------------
# The one TOML position locator (issue 6, layout): checked against documents whose true
# positions are known by construction, and against tomllib for what exists.


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries())
def test_locator_finds_every_key_where_it_was_written(generated: tuple) -> None:
    doc, _modules, newline = generated
    text = doc.text(newline)
    parsed = tomllib.loads(text)
    found = locate(text)
    wrong = {p: (found.get(p), want) for p, want in doc.where.items() if found.get(p) != want}
    assert not wrong, text
    missing = [p for p in walk(parsed) if p not in found]
    assert not missing, text


def test_locator_corners() -> None:
    text = (
        's = """\n[not.a.header]\nx = 1"""\n'
        "[a]  # [b]\n"
        '\'q.k\'."r\\u0041" = [ 1, [2, {z = 3}], "]" ]\n'
        "[[t]]\n[[t.u]]\n[[t]]\n[[t.u]]\nv = 1979-05-27 07:32:00Z\n"
    )
    found = locate(text)
    assert ("not",) not in found and found[("s",)] == (1, 1)
    assert found[("a", "q.k", "rA")] == (5, 1)
    assert found[("a", "q.k", "rA", 1, 1, "z")] == (5, 29)
    assert found[("a", "q.k", "rA", 2)] == (5, 38)
    assert found[("t", 1, "u", 0, "v")] == (10, 1)  # nested arrays of tables count per parent
    assert found[("t", 1, "u", 0)] == (9, 1)
    # unterminated (text tomllib refuses): what was seen, no exception
    assert locate("x = [[[\n") == {("x",): (1, 1), ("x", 0): (1, 6), ("x", 0, 0): (1, 7)}


# Issue 13 defect 8: a role's `since` or a decision's window out of range once in UTC.
@pytest.mark.parametrize(
    "old,new,line",
    [
        ("since = 2020-01-01 }", "since = 0001-01-01T00:00:00+01:00 }", 10),
        ("opened = 2022-06-01T00:00:00Z", "opened = 0001-01-01T00:00:00+01:00", 22),
        ("closes = 2022-06-08", "closes = 9999-12-31T23:00:00-05:00", 23),
    ],
)
def test_datetime_out_of_range_is_a_registry_error(
    tmp_path: Path, old: str, new: str, line: int
) -> None:
    found = problems(tmp_path, GOOD.replace(old, new))
    assert any(f"scoped.toml:{line}:" in p and "out of range" in p for p in found), found


# Issue 13 defect 9: an invalid glob is a registry error naming the entry, not a traceback.
@pytest.mark.parametrize(
    "old,new,line,col",
    [
        ('python_roots = ["python"]', 'exclude = ["docs/**", "[z-a]"]', 5, 23),
        ('paths = ["python/pkg/uma/"]', 'paths = ["python/pkg/uma/", "x/[z-a]/*.py"]', 14, 29),
        ('python_roots = ["python"]', 'mixed_change_exempt = [\n  "a\\\\",\n]', 6, 3),
    ],
)
def test_invalid_glob_is_a_registry_error(
    tmp_path: Path, old: str, new: str, line: int, col: int
) -> None:
    found = problems(tmp_path, GOOD.replace(old, new))
    assert any(f"scoped.toml:{line}:{col}: " in p and "pattern" in p for p in found), found


def test_invalid_glob_through_the_cli_is_exit_2(tmp_path: Path) -> None:
    write_tree(tmp_path, {"scoped.toml": GOOD.replace("python_roots", 'exclude = ["[z-a]"]\n#')})
    (tmp_path / "python").mkdir()
    code, _out, err = run_cli(tmp_path, "check")
    assert code == 2 and "scoped.toml:5:12: " in err and "Traceback" not in err, err


# Issue 13 defect 10: 3,000 nested arrays are a clear error, not a RecursionError.
DEEP = "[" * 3000 + "]" * 3000


@pytest.mark.parametrize("name", ["scoped.toml", "pyproject.toml", "people.toml"])
def test_deeply_nested_arrays_are_a_clear_error(tmp_path: Path, name: str) -> None:
    files = {"scoped.toml": f"schema = 1\nx = {DEEP}\n"}
    if name == "pyproject.toml":
        files = {"pyproject.toml": f"[tool.scoped]\nschema = 1\nx = {DEEP}\n"}
    elif name == "people.toml":
        files = {
            "scoped.toml": 'schema = 1\n[people]\nfile = "people.toml"\n',
            "people.toml": f'[[person]]\nhandle = "a"\naliases = {DEEP}\n',
        }
    write_tree(tmp_path, files)
    code, _out, err = run_cli(tmp_path, "check")
    assert code == 2 and "nested too deeply" in err and "Traceback" not in err, err
    assert f"{name}:" in err


# Issue 14 item 4: profile values that are not finite numbers.
@pytest.mark.parametrize("value", ["nan", "inf", "+inf", "-nan"])
@pytest.mark.parametrize("param", ["ratio", "min_hours"])
def test_profile_values_must_be_finite(tmp_path: Path, param: str, value: str) -> None:
    found = problems(tmp_path, GOOD + f"\n[rules.strict]\n{param} = {value}\n")
    assert any(f"scoped.toml:33:1: rules.strict.{param}" in p and "finite" in p for p in found), (
        found
    )


# Issue 14 item 5: a registry (or roster) starting with a UTF-8 BOM is read like any other.
def test_registry_with_a_bom_is_accepted_and_edited(tmp_path: Path) -> None:
    (tmp_path / "python").mkdir()
    (tmp_path / "scoped.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.lstrip("\n").encode())
    (tmp_path / "people.toml").write_bytes(b'\xef\xbb\xbf[[person]]\nhandle = "bob"\n')
    reg = load_registry(cwd=tmp_path)
    assert "uma" in reg.modules and reg.person("ada") is not None
    assert load_roster_file(tmp_path / "people.toml")[0].handle == "bob"
    new = append_table(
        reg,
        ["modules", "uma", "history"],
        {"date": reg.modules["uma"].history[0].date, "stage": "s0", "reason": "again"},
    )
    atomic_write(reg.path, new, reg.text)
    raw = (tmp_path / "scoped.toml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfschema = 1\n") and raw.count(b"\xef\xbb\xbf") == 1
    assert len(load_registry(cwd=tmp_path).modules["uma"].history) == 2
    py = tmp_path / "sub"
    (py / "python").mkdir(parents=True)
    (py / "pyproject.toml").write_bytes(b"\xef\xbb\xbf[tool.scoped]\nschema = 1\n")
    assert load_registry(cwd=py).modules == {}


# Issue 14 item 6: people.file naming a directory says so.
def test_people_file_naming_a_directory(tmp_path: Path) -> None:
    (tmp_path / "governance").mkdir()
    (tmp_path / "python").mkdir()
    text = GOOD.replace("[project]", '[people]\nfile = "governance"\n\n[project]')
    found = problems(tmp_path, text)
    assert any("scoped.toml:4:1: people.file 'governance' is a directory" in p for p in found), (
        found
    )


# Issue 6 defect 8 (first half): python_roots and include_roots entries must exist.
def test_roots_that_do_not_exist_are_registry_errors(tmp_path: Path) -> None:
    (tmp_path / "python").mkdir()
    (tmp_path / "afile").write_text("x")
    text = GOOD.replace(
        'python_roots = ["python"]',
        'python_roots = ["python", "src"]\ninclude_roots = [\n  "include",\n  "afile",\n]',
    )
    found = problems(tmp_path, text)
    assert any(
        "scoped.toml:5:27: project.python_roots: 'src' does not exist" in p for p in found
    ), found
    assert any(
        "scoped.toml:7:3: project.include_roots: 'include' does not exist" in p for p in found
    ), found
    assert any(
        "scoped.toml:8:3: project.include_roots: 'afile' is not a directory" in p for p in found
    ), found
