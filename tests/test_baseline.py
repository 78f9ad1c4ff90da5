"""Baselines (SPEC §5): ``scoped baseline [FILE]`` records today's errors; ``check --baseline``
reports only new ones, lists fixed entries as stale, and fails on them under ``--strict``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpers import check_json, commit, git, make_repo, run_cli, write_tree
from hypothesis import given, settings
from hypothesis import strategies as st

from scoped_modules.app.baseline import read, render
from scoped_modules.rules.base import Finding
from scoped_modules.rules.baseline import Entry, entries_for, match

REGISTRY = """
schema = 1

[project]
name = "demo"
governance = false
{extra}

[modules.uma]
stage = "s0"
paths = ["python/pkg/uma/"]
toggles = [{{ env = "USE_UMA" }}]
"""


def _repo(tmp_path: Path, extra: str = "") -> Path:
    return make_repo(
        tmp_path / "repo",
        {
            "scoped.toml": REGISTRY.format(extra=extra),
            "python/pkg/__init__.py": "",
            "python/pkg/uma/__init__.py": (
                "import os\n\nON = os.environ.get('USE_UMA', '1') == '1'  # its toggle is read\n\n\n"
                "def run():\n    return 2\n"
            ),
            "python/pkg/core.py": "import os\nfrom pkg.uma import run\n",
            "python/pkg/util.py": "import pkg.uma\n",
        },
    )


def _errors(data: dict) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in data["findings"] if f["severity"] == "error"]


def test_recorded_violations_pass_and_the_file_reads_well(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, data = check_json(root)
    assert code == 1 and len(_errors(data)) == 2
    code, out, _err = run_cli(root, "baseline")
    assert code == 0 and "2 errors in 2 entries" in out
    text = (root / "scoped-baseline.toml").read_text()
    parsed = tomllib.loads(text)
    assert parsed["schema"] == 1
    assert [(e["rule"], e["module"], e["path"], e["evidence"]) for e in parsed["finding"]] == [
        ("SM003", "uma", "python/pkg/core.py", "from pkg.uma import run"),
        ("SM003", "uma", "python/pkg/util.py", "import pkg.uma"),
    ]
    assert all("line" not in e for e in parsed["finding"])  # keyed by evidence, not line
    code, data = check_json(root, "--baseline", "scoped-baseline.toml")
    assert code == 0 and _errors(data) == []
    assert any("2 known errors not shown" in n["message"] for n in data["notes"])
    # recording again gives the same bytes (a stable diff)
    run_cli(root, "baseline")
    assert (root / "scoped-baseline.toml").read_text() == text


def test_edits_above_and_reindenting_keep_entries_known(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run_cli(root, "baseline")
    write_tree(
        root,
        {
            "python/pkg/core.py": (
                '"""Core."""\n\nimport os\n\n\ndef f():\n    from   pkg.uma import run\n'
                "    return run\n"
            )
        },
    )
    code, data = check_json(root, "--baseline", "scoped-baseline.toml")
    assert code == 0 and _errors(data) == []


def test_new_violation_fails_and_only_it_is_reported(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run_cli(root, "baseline")
    write_tree(root, {"python/pkg/more.py": "from pkg.uma import run as go\n"})
    code, data = check_json(root, "--baseline", "scoped-baseline.toml")
    assert code == 1
    assert _errors(data) == [("SM003", "python/pkg/more.py", 1)]


def test_a_second_identical_violation_in_the_same_file_is_new(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run_cli(root, "baseline")
    write_tree(root, {"python/pkg/util.py": "import pkg.uma\n\n\ndef g():\n    import pkg.uma\n"})
    code, data = check_json(root, "--baseline", "scoped-baseline.toml")
    assert code == 1
    assert len(_errors(data)) == 1 and _errors(data)[0][1] == "python/pkg/util.py"


def test_fixed_violation_is_a_stale_note_and_an_error_under_strict(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run_cli(root, "baseline")
    write_tree(root, {"python/pkg/util.py": "import os\n"})
    code, data = check_json(root, "--baseline", "scoped-baseline.toml")
    assert code == 0
    [stale] = [f for f in data["findings"] if "stale baseline entry" in f["message"]]
    assert (stale["severity"], stale["path"], stale["evidence"]) == (
        "note",
        "python/pkg/util.py",
        "import pkg.uma",
    )
    code, data = check_json(root, "--baseline", "scoped-baseline.toml", "--strict")
    assert code == 1
    assert [f["severity"] for f in data["findings"] if "stale" in f["message"]] == ["error"]


def test_project_baseline_key_is_applied_and_written(tmp_path: Path) -> None:
    root = _repo(tmp_path, 'baseline = "ci/known.toml"')
    (root / "ci").mkdir()
    code, _out, err = run_cli(root, "check")
    assert code == 2 and "ci/known.toml" in err and "scoped baseline" in err
    code, out, _err = run_cli(root, "baseline")
    assert code == 0 and (root / "ci/known.toml").is_file()
    code, data = check_json(root)
    assert code == 0 and _errors(data) == []


def test_malformed_baseline_is_exit_2(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "b.toml").write_text('schema = 1\n[[finding]]\nrule = "SM003"\n')
    code, _out, err = run_cli(root, "check", "--baseline", "b.toml")
    assert code == 2 and "finding 1" in err
    (root / "c.toml").write_text("not toml [")
    code, _out, err = run_cli(root, "check", "--baseline", "c.toml")
    assert code == 2 and "c.toml" in err


def test_baseline_with_changed_branch(tmp_path: Path) -> None:
    """The adoption story: record on main, then a pull request adds one violation."""
    root = _repo(tmp_path)
    run_cli(root, "baseline")
    commit(root, message="baseline")
    git(root, "checkout", "-q", "-b", "pr")
    commit(root, {"python/pkg/new.py": "import pkg.uma.x\n", "python/pkg/uma/x.py": ""}, "new")
    code, data = check_json(root, "--baseline", "scoped-baseline.toml", "--changed", "main")
    assert code == 1
    assert [e[1] for e in _errors(data)] == ["python/pkg/new.py", "python/pkg/new.py"]
    assert {f["rule"] for f in data["findings"] if f["severity"] == "error"} == {"SM003", "SM012"}


# --- the pure matching and the file format ------------------------------------------------------


def _f(path: str, evidence: str | None, severity: str = "error", message: str = "m") -> Finding:
    return Finding("SM003", severity, "uma", path, 1, message, evidence=evidence)


def test_match_counts_and_ignores_warnings() -> None:
    known = entries_for([_f("a.py", "import x"), _f("a.py", "import  x"), _f("b.py", None)])
    assert [(e.path, e.count) for e in known] == [("a.py", 2), ("b.py", 1)]
    now = [_f("a.py", "import x"), _f("b.py", None, message="other"), _f("c.py", "w", "warning")]
    kept, covered, stale = match(now, known)
    assert covered == 1
    assert [(f.path, f.message) for f in kept] == [("b.py", "other"), ("c.py", "m")]
    assert [(e.path, e.count) for e in stale] == [("a.py", 1), ("b.py", 1)]


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Entry,
            rule=st.sampled_from(["SM001", "SM003", "SM010"]),
            module=st.one_of(st.none(), _text),
            path=st.one_of(st.none(), _text),
            hash=st.text("0123456789abcdef", min_size=16, max_size=16),
            evidence=_text,
            count=st.integers(1, 5),
        ),
        max_size=6,
    )
)
def test_file_round_trip(tmp_path_factory, entries: list[Entry]) -> None:
    path = tmp_path_factory.mktemp("b") / "baseline.toml"
    path.write_text(render(entries), encoding="utf-8")
    assert read(path) == entries


def test_the_baseline_file_is_not_scanned(tmp_path: Path) -> None:
    """It quotes evidence: a module's `references` pattern must not match its own entries."""
    root = _repo(tmp_path)
    text = (root / "scoped.toml").read_text() + 'references = ["pkg\\\\.uma"]\n'
    (root / "scoped.toml").write_text(text)
    run_cli(root, "baseline")
    assert "pkg.uma" in (root / "scoped-baseline.toml").read_text()
    code, data = check_json(root, "--baseline", "scoped-baseline.toml")
    assert code == 0, data["findings"]
    assert not [f for f in data["findings"] if f["path"] == "scoped-baseline.toml"]
