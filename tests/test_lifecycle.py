"""`scoped propose` and `scoped transition` (SPEC §7) on generated repositories with git history
and recorded votes: every allowed edge succeeds with its evidence, every other edge is refused
with its reasons, and the registry edits leave every other byte alone."""

from __future__ import annotations

import difflib
import itertools
import tomllib
from pathlib import Path

import pytest
from helpers import check_json, commit, git, pmc, private_copy, run_cli, write_tree

from scoped_modules.app.config import load_registry
from scoped_modules.app.lifecycle import EDGES, apply_transition, plan_transition
from scoped_modules.errors import ConfigError

NOW = "2025-06-01T00:00:00Z"
PMC = ["p1", "p2", "p3", "p4", "p5"]

REGISTRY = (
    """\
# The registry of a project with comments everywhere; edits must keep all of them.
schema = 1

[project]
name = "demo"   # trailing comment

[activity]
window_days = 365   # one year

# --- people ---
"""
    + pmc(*PMC)
    + """# --- modules ---

# A module established long ago whose owners left.
[modules.old]
stage = "s0"   # established 2023
summary = "An old accelerator backend"
paths = ["old/"]
toggles = [{ cmake = "USE_OLD" }]
owners = [
  "p1",  # the original author
  "p2",
  "p3",
  "p4",
]
champion = "p5"

[[modules.old.decisions]]
id = "old-s0"
kind = "establish"
opened = 2023-01-01T00:00:00Z
closes = 2023-01-08T00:00:00Z
evidence = [{ path = "votes/old-s0.toml", sha256 = "{OLD_SHA}" }]
result = "passed"

[[modules.old.history]]
date = 2023-01-09
stage = "s0"
decision = "old-s0"

# end of the registry
"""
)

CMAKE = """\
cmake_minimum_required(VERSION 3.18)
project(demo CXX)
option(USE_OLD "old backend" OFF)
option(USE_GIZMO "gizmo" OFF)
"""


def ballots(opened: str, voters: list[str], vote: str = "+1") -> str:
    rows = []
    for i, v in enumerate(voters):
        rows.append(
            f'[[ballot]]\nvoter = "{v}"\nvote = "{vote}"\nat = {opened[:8]}{int(opened[8:10]) + 1:02d}'
            f'T{i:02d}:00:00Z\nsource = "https://lists.example.org/{v}"\n'
        )
    return "\n".join(rows)


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write_tree(
        root,
        {
            "CMakeLists.txt": CMAKE,
            "core/main.py": "print('core')\n",
            "old/backend.py": "def run():\n    return 1\n",
            "votes/old-s0.toml": ballots("2023-01-01", PMC),
        },
    )
    text = REGISTRY.replace("{OLD_SHA}", sha256(root / "votes/old-s0.toml"))
    (root / "scoped.toml").write_text(text, encoding="utf-8")
    commit(root, {}, "old backend", author="P1 <p1@example.org>", date="2023-01-10T00:00:00Z")
    # two years of core work; nobody touches old/ any more
    commit(
        root,
        {"core/main.py": "1\n"},
        author="Core Dev <dev@example.net>",
        date="2025-05-01T00:00:00Z",
    )
    return root


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("lifecycle") / "repo")


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    return private_copy(template, tmp_path)


def scoped(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(root, "--now", NOW, *args)


def registry(root: Path) -> dict:
    return tomllib.loads((root / "scoped.toml").read_text(encoding="utf-8"))


def record_vote(
    root: Path,
    name: str,
    kind: str,
    opened: str,
    voters: list[str],
    vote: str = "+1",
    did: str | None = None,
) -> str:
    """Ballots of ``voters`` in a TOML file, recorded with ``scoped vote record``."""
    did = did or f"{name}-{kind}"
    rel = f"votes/{did}.toml"
    write_tree(root, {rel: ballots(opened, voters, vote)})
    closes = f"{opened[:8]}{int(opened[8:10]) + 7:02d}T00:00:00Z"
    code, out, err = scoped(
        root,
        "vote",
        "record",
        name,
        "--kind",
        kind,
        "--opened",
        f"{opened}T00:00:00Z",
        "--closes",
        closes,
        "--id",
        did,
        rel,
    )
    assert code in (0, 1), err
    return did


def only_additions_and(old: str, new: str, changed: set[str]) -> list[str]:
    """The lines ``new`` adds; fails unless every old line is kept byte for byte, except the
    lines in ``changed`` (old line -> replaced in place)."""
    added = []
    sm = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True), autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        removed = old.splitlines(True)[i1:i2]
        assert all(line in changed for line in removed), removed
        added += new.splitlines(True)[j1:j2]
    return added


# ---------------------------------------------------------------------------------------------
# propose


def test_propose_writes_the_module_and_the_proposal(repo: Path) -> None:
    before = (repo / "scoped.toml").read_text(encoding="utf-8")
    code, out, err = scoped(
        repo,
        "propose",
        "gizmo",
        "--path",
        "gizmo/",
        "--owner",
        "p1",
        "--owner",
        "p2",
        "--owner",
        "p3",
        "--owner",
        "p4",
        "--champion",
        "p5",
        "--toggle",
        "cmake=USE_GIZMO,define=DEMO_USE_GIZMO",
        "--summary",
        "A gizmo",
    )
    assert code == 0, err
    after = (repo / "scoped.toml").read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: every existing byte kept
    gizmo = registry(repo)["modules"]["gizmo"]
    assert gizmo["stage"] == "proposed" and gizmo["paths"] == ["gizmo/"]
    assert gizmo["toggles"] == [{"cmake": "USE_GIZMO", "define": "DEMO_USE_GIZMO"}]
    assert gizmo["owners"] == ["p1", "p2", "p3", "p4"] and gizmo["champion"] == "p5"
    assert gizmo["history"][0]["stage"] == "proposed"
    doc = (repo / "proposals/gizmo.md").read_text(encoding="utf-8")
    for section in (
        "Summary",
        "Who needs it",
        "Namespace",
        "Toggle",
        "Relation to existing modules and overlap",
        "Owners",
        "Champion",
        "Path to S1/S2",
        "Removal plan",
    ):
        assert f"\n## {section}\n" in doc
    assert "- @p1" in doc and "`USE_GIZMO`" in doc and "`gizmo/`" in doc
    # check notes the sections still to write, and stops once they are written
    _, report = check_json(repo, "--no-cache")
    (note,) = [n for n in report["notes"] if "proposal of module 'gizmo'" in n["message"]]
    assert note["path"] == "proposals/gizmo.md"
    assert "Who needs it (empty)" in note["message"] and "Removal plan (empty)" in note["message"]
    assert "Owners" not in note["message"] and "Summary" not in note["message"]
    filled = doc.replace("<!--", "Written.\n<!--")
    (repo / "proposals/gizmo.md").write_text(filled.replace("## Removal plan", "## Removal"))
    _, report = check_json(repo)
    (note,) = [n for n in report["notes"] if "proposal of module 'gizmo'" in n["message"]]
    assert note["message"].endswith("lacks section(s): Removal plan (missing)")


def test_propose_refuses_an_existing_name_and_overlapping_paths(repo: Path) -> None:
    before = (repo / "scoped.toml").read_bytes()
    code, _, err = scoped(repo, "propose", "old", "--path", "new/")
    assert code == 1 and "module 'old' exists already" in err
    code, _, err = scoped(repo, "propose", "inner", "--path", "old/backend.py")
    assert code == 1 and "overlap module 'old': 1 file(s) claimed by both (old/backend.py)" in err
    code, _, err = scoped(repo, "propose", "deeper", "--path", "old/sub/")  # no file there yet
    assert code == 1 and "path 'old/sub/' overlaps path 'old/' of module 'old'" in err
    code, _, err = scoped(repo, "propose", "Bad", "--path", "x/")
    assert code == 2
    code, _, err = scoped(repo, "propose", "esc", "--path", "../outside/")
    assert code == 2 and "scoped.toml" in err
    assert (repo / "scoped.toml").read_bytes() == before
    assert not (repo / "proposals").exists()


# ---------------------------------------------------------------------------------------------
# transition: the walks of the process


def propose_gizmo(root: Path) -> None:
    args = ["propose", "gizmo", "--path", "gizmo/", "--champion", "p5"]
    for p in PMC[:4]:
        args += ["--owner", p]
    code, _, err = scoped(root, *args, "--toggle", "cmake=USE_GIZMO")
    assert code == 0, err
    write_tree(root, {"gizmo/gizmo.py": "X = 1\n"})


def test_walk_proposed_s0_s1_s2_with_every_step_recorded(repo: Path) -> None:
    propose_gizmo(repo)
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s0")
    assert code == 1
    assert "SM010: module 'gizmo' is at stage s0 without a passing establish decision" in err
    record_vote(repo, "gizmo", "establish", "2025-03-01", PMC)
    before = (repo / "scoped.toml").read_text(encoding="utf-8")
    code, out, err = scoped(repo, "transition", "gizmo", "--to", "s0", "--date", "2025-03-09")
    assert code == 0, err
    assert "decision 'gizmo-establish' (establish) re-counted from its evidence: passed" in out
    after = (repo / "scoped.toml").read_text(encoding="utf-8")
    added = only_additions_and(before, after, {'stage = "proposed"\n'})
    assert added[0] == 'stage = "s0"\n'
    gizmo = registry(repo)["modules"]["gizmo"]
    assert gizmo["stage"] == "s0"
    assert gizmo["history"][-1] == {
        "date": __import__("datetime").date(2025, 3, 9),
        "stage": "s0",
        "decision": "gizmo-establish",
    }
    _, report = check_json(repo, "--no-history")
    assert not [
        f for f in report["findings"] if f["module"] == "gizmo" and f["severity"] == "error"
    ]

    # s0 -> s1: an integrate decision and an RFC
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s1")
    assert code == 1
    assert "without a passing integrate decision" in err and "--rfc URL" in err
    record_vote(repo, "gizmo", "integrate", "2025-04-01", PMC)
    code, _, err = scoped(
        repo, "transition", "gizmo", "--to", "s1", "--rfc", "https://rfcs.example.org/9"
    )
    assert code == 0, err
    gizmo = registry(repo)["modules"]["gizmo"]
    assert (gizmo["stage"], gizmo["rfc"]) == ("s1", "https://rfcs.example.org/9")
    assert gizmo["history"][-1]["decision"] == "gizmo-integrate"

    # s1 -> s2: an evolve decision; a failed one does not do
    failed = record_vote(repo, "gizmo", "evolve", "2025-05-01", PMC, vote="-1", did="evolve-1")
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s2", "--decision", failed)
    assert code == 1 and "decision 'evolve-1' is recorded as failed" in err
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s2")
    assert code == 1 and "without a passing evolve decision" in err
    assert registry(repo)["modules"]["gizmo"]["stage"] == "s1"
    passed = record_vote(repo, "gizmo", "evolve", "2025-05-10", PMC, did="evolve-2")
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s2")
    assert code == 0, err
    assert registry(repo)["modules"]["gizmo"]["history"][-1]["decision"] == passed
    stages = [h["stage"] for h in registry(repo)["modules"]["gizmo"]["history"]]
    assert stages == ["proposed", "s0", "s1", "s2"]


def test_walk_s0_deprecated_removed_with_the_activity_snapshot(repo: Path) -> None:
    before = (repo / "scoped.toml").read_text(encoding="utf-8")
    code, out, err = scoped(repo, "transition", "old", "--to", "deprecated", "--date", "2025-05-02")
    assert code == 0, err
    assert "0 of 4 owners active" in out
    after = (repo / "scoped.toml").read_text(encoding="utf-8")
    added = only_additions_and(before, after, {'stage = "s0"   # established 2023\n'})
    assert added[0] == 'stage = "deprecated"   # established 2023\n'
    entry = registry(repo)["modules"]["old"]["history"][-1]
    assert entry["stage"] == "deprecated" and "no active maintainers" in entry["reason"]
    snap = entry["activity"]
    assert snap["verdict"] == "no-active-maintainers" and snap["active_owners"] == 0
    assert snap["commits"] == 0 and snap["rev"] == git(repo, "rev-parse", "HEAD").strip()
    assert snap["owners"] == {h: {"focused_commits": 0} for h in PMC[:4]}
    # SM010 accepts the deprecation: the history carries the snapshot
    _, report = check_json(repo, "--no-history")
    assert not [f for f in report["findings"] if f["module"] == "old" and f["rule"] == "SM010"]

    code, _, err = scoped(repo, "transition", "old", "--to", "removed")
    assert code == 1 and "SM014 old/backend.py: 1 file still under 'old/'" in err
    assert "SM014 CMakeLists.txt:3: toggle 'USE_OLD' of removed module 'old'" in err
    git(repo, "rm", "-q", "-r", "old/")
    cmake = repo / "CMakeLists.txt"
    cmake.write_text(cmake.read_text().replace('option(USE_OLD "old backend" OFF)\n', ""))
    code, out, err = scoped(repo, "transition", "old", "--to", "removed", "--reason", "gone")
    assert code == 0, err
    old = registry(repo)["modules"]["old"]
    assert old["stage"] == "removed" and old["history"][-1]["reason"] == "gone"
    assert [h["stage"] for h in old["history"]] == ["s0", "deprecated", "removed"]
    _, report = check_json(repo, "--no-history")
    assert not [f for f in report["findings"] if f["module"] == "old"]


def test_deprecation_refused_while_owners_are_active(repo: Path) -> None:
    commit(
        repo, {"old/backend.py": "fix\n"}, author="P2 <p2@example.org>", date="2025-05-20T00:00:00Z"
    )
    code, _, err = scoped(repo, "transition", "old", "--to", "deprecated")
    assert code == 1
    assert "has active maintainers between 2024-05-20 and 2025-05-20: p2 (1 focused" in err
    # a passing deprecate vote is the other way
    did = record_vote(repo, "old", "deprecate", "2025-05-21", PMC)
    code, out, err = scoped(repo, "transition", "old", "--to", "deprecated")
    assert code == 0, err
    entry = registry(repo)["modules"]["old"]["history"][-1]
    assert entry["decision"] == did and "activity" not in entry


def test_rejected_and_withdrawn(repo: Path) -> None:
    propose_gizmo(repo)
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "rejected")
    assert code == 1 and "needs a reason (--reason TEXT) or a failed decision" in err
    did = record_vote(repo, "gizmo", "establish", "2025-03-01", PMC, vote="-1")
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "rejected", "--decision", did)
    assert code == 0, err
    assert registry(repo)["modules"]["gizmo"]["history"][-1]["decision"] == did


def test_withdrawn_with_a_reason(repo: Path) -> None:
    propose_gizmo(repo)
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "withdrawn", "--reason", "moved")
    assert code == 0, err
    assert registry(repo)["modules"]["gizmo"]["stage"] == "withdrawn"


# ---------------------------------------------------------------------------------------------
# transition: refusals


STAGES = ["proposed", "s0", "s1", "s2", "deprecated", "removed", "rejected", "withdrawn"]
TARGETS = ["s0", "s1", "s2", "deprecated", "removed", "rejected", "withdrawn"]


@pytest.mark.parametrize(
    "source,target",
    [(a, b) for a, b in itertools.product(STAGES, TARGETS) if (a, b) not in EDGES],
)
def test_every_other_edge_is_refused(template: Path, tmp_path: Path, source: str, target: str):
    root = private_copy(template, tmp_path)
    text = (root / "scoped.toml").read_text(encoding="utf-8")
    (root / "scoped.toml").write_text(
        text.replace('stage = "s0"   # established', f'stage = "{source}"   # established')
    )
    before = (root / "scoped.toml").read_bytes()
    code, _, err = scoped(root, "transition", "old", "--to", target, "--reason", "r")
    assert code == 1
    if source == target:
        assert f"module 'old' is at stage {target} already" in err
    else:
        assert f"no transition from {source} to {target}" in err
    assert (root / "scoped.toml").read_bytes() == before


def test_s0_gate_lists_every_unmet_rule(repo: Path) -> None:
    args = ["propose", "bare", "--path", "bare/", "--owner", "p1"]
    code, _, err = scoped(repo, *args)
    assert code == 0, err
    write_tree(
        repo, {"bare/__init__.py": "", "bare/x.py": "X = 1\n", "core/use.py": "import bare.x\n"}
    )
    code, _, err = scoped(repo, "transition", "bare", "--to", "s0", "--no-cache")
    assert code == 1
    for reason in (
        "SM003 (core/use.py:1): core file imports module 'bare'",
        "SM005: module 'bare' declares no toggle",
        "SM008: module 'bare' has 1 owner(s)",
        "SM009: module 'bare' has no champion",
        "SM010: module 'bare' is at stage s0 without a passing establish decision",
    ):
        assert reason in err, reason


def test_a_decision_of_the_wrong_kind_or_module_is_refused(repo: Path) -> None:
    propose_gizmo(repo)
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s0", "--decision", "old-s0")
    assert code == 1 and "decision 'old-s0' is not a decision of module 'gizmo'" in err
    did = record_vote(repo, "gizmo", "evolve", "2025-03-01", PMC)
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s0", "--decision", did)
    assert code == 1 and f"decision '{did}' has kind evolve; proposed -> s0 needs establish" in err


def test_an_edited_result_cannot_move_a_module(repo: Path) -> None:
    propose_gizmo(repo)
    did = record_vote(repo, "gizmo", "establish", "2025-03-01", PMC, vote="-1")
    text = (repo / "scoped.toml").read_text(encoding="utf-8")
    (repo / "scoped.toml").write_text(text.replace('result = "failed"', 'result = "passed"'))
    code, _, err = scoped(repo, "transition", "gizmo", "--to", "s0")
    assert code == 1
    assert f"decision '{did}' is recorded as passed, but its evidence counts failed" in err


def test_dry_run_writes_nothing(repo: Path) -> None:
    before = (repo / "scoped.toml").read_bytes()
    code, out, _ = scoped(repo, "transition", "old", "--to", "deprecated", "--dry-run")
    assert code == 0 and "would record stage deprecated" in out
    assert (repo / "scoped.toml").read_bytes() == before


def test_a_concurrent_change_is_detected(repo: Path) -> None:
    reg = load_registry(repo / "scoped.toml", repo)
    plan = plan_transition(reg, "old", "withdrawn", reason="x")
    assert not plan.ok  # s0 -> withdrawn is not an edge
    plan = plan_transition(reg, "old", "deprecated", reason="owners left")
    assert plan.ok, plan.unmet
    # someone edits the registry meanwhile
    path = repo / "scoped.toml"
    edited = path.read_text(encoding="utf-8") + "# a comment added meanwhile\n"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(ConfigError, match="changed on disk since it was read"):
        apply_transition(reg, plan)
    assert path.read_text(encoding="utf-8") == edited


# ---------------------------------------------------------------------------------------------
# summary


def test_summary_gathers_the_facts_of_check_deps_activity_and_tally(repo: Path) -> None:
    propose_gizmo(repo)
    write_tree(
        repo,
        {
            "pkg/__init__.py": "",
            "pkg/util.py": "def f():\n    return 1\n",
            "pkg/ops/__init__.py": "",
            "pkg/ops/add.py": "def add(a, b):\n    return a + b\n",
            "gizmo/__init__.py": "",
            "gizmo/g.py": "import pkg.util\nfrom pkg.ops import add\n\nX = add.add(1, 2)\n",
            "gizmo/native.cc": "int f() {\n  return 1;\n}\n",
            "core/use.py": "import gizmo.g\n",
        },
    )
    did = record_vote(repo, "gizmo", "establish", "2025-03-01", PMC)
    code, out, err = scoped(repo, "summary", "gizmo", "--format", "json")
    assert code == 0, err
    data = __import__("json").loads(out)
    assert data["module"]["stage"] == "proposed" and data["module"]["champion"] == "p5"
    assert [h["stage"] for h in data["history"]] == ["proposed"]
    assert data["paths"] == [{"entry": "gizmo/", "files": 4}]
    # gizmo.py (1 line), __init__.py (0), g.py (4), native.cc (3)
    assert data["files"] == 4 and data["lines"] == {"Python": 5, "C/C++": 3}
    assert data["toggle"]["names"] == ["USE_GIZMO"]
    assert data["inbound"]["judged"] == 1
    assert [(r["path"], r["line"]) for r in data["inbound"]["references"]] == [("core/use.py", 1)]
    # `add.add(1, 2)` goes through the name `from pkg.ops import add` binds: a python-attribute
    # reference to pkg/ops/add.py (SPEC §3), besides the import itself
    assert data["outbound"] == {
        "references": 3,
        "areas": [
            {"area": "pkg/ops", "references": 2, "files": 1},
            {"area": "pkg", "references": 1, "files": 1},
        ],
    }
    (dec,) = data["decisions"]
    assert (dec["id"], dec["recorded"], dec["recounted"]) == (did, "passed", "passed")
    assert dec["counts"]["binding"] == {"+1": 5, "0": 0, "-1": 0}
    assert ("SM003", "error") in {(f["rule"], f["severity"]) for f in data["findings"]}
    assert data["activity"]["verdict"] == "no-active-maintainers"  # owners never committed

    code, md, err = scoped(repo, "summary", "gizmo")
    assert code == 0, err
    assert md.startswith("## Scoped module `gizmo`: state at stage proposed\n")
    for heading in (
        "### History",
        "### Code",
        "### Toggle",
        "### What depends on it",
        "### What it uses of the codebase",
        "### Owners and activity",
        "### Decisions",
        "### Open findings",
    ):
        assert f"\n{heading}\n" in md
    assert "4 files, 8 lines: Python 5 · C/C++ 3." in md
    assert "| `core/use.py:1` | python-import | `import gizmo.g` |" in md
    assert f"| `{did}` | establish | 2025-03-01 – 2025-03-08 | passed | 5/0/0 (0/0/0) |" in md
    assert "- **error** SM003 inbound-reference `core/use.py:1`:" in md


# ---------------------------------------------------------------------------------------------
# safe edits


def test_edits_keep_crlf_and_refuse_what_they_cannot_place(tmp_path: Path) -> None:
    from scoped_modules.registry.edit_stage import add_table_text, set_key_text

    text = (
        "schema = 1\r\n# people\r\n[modules.a]   # the a module\r\n"
        'stage   =   "s0"    # since 2023\r\npaths = [\r\n  "a/",  # all of it\r\n]\r\n'
    )
    new = set_key_text(text, ["modules", "a"], "stage", "s1")
    assert new == text.replace('"s0"    # since', '"s1"    # since')
    new = set_key_text(new, ["modules", "a"], "rfc", "https://x/1", after="stage")
    assert new.split("\r\n")[4] == 'rfc = "https://x/1"' and "\n" not in new.replace("\r\n", "")
    added = add_table_text(text, ["modules", "b"], {"stage": "proposed", "paths": ["b/"]})
    assert added.startswith(text) and added.endswith('paths = ["b/"]\r\n')
    assert tomllib.loads(added)["modules"]["b"] == {"stage": "proposed", "paths": ["b/"]}
    # a module written as an inline table: its stage is set in place, but it cannot get a new
    # line (an rfc): refused, not corrupted
    inline = 'schema = 1\nmodules.a = { stage = "s0", paths = ["a/"] }\n'
    assert set_key_text(inline, ["modules", "a"], "stage", "s1") == inline.replace("s0", "s1")
    with pytest.raises(ConfigError, match="cannot set modules.a.rfc"):
        set_key_text(inline, ["modules", "a"], "rfc", "https://x/1", after="stage")
    with pytest.raises(ConfigError, match="exists already"):
        add_table_text(inline, ["modules", "a"], {"stage": "proposed"})
    whole = 'schema = 1\nmodules = { a = { stage = "s0" } }\n'
    with pytest.raises(ConfigError, match="cannot add"):
        add_table_text(whole, ["modules", "b"], {"stage": "proposed"})


def test_propose_and_transition_in_pyproject(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_tree(
        root,
        {
            "pyproject.toml": (
                '[project]\nname = "demo"  # keep me\n\n[tool.scoped]\nschema = 1\n\n'
                "[tool.ruff]\nline-length = 100\n"
            ),
            "x/a.py": "A = 1\n",
        },
    )
    before = (root / "pyproject.toml").read_text(encoding="utf-8")
    code, _, err = scoped(root, "propose", "x", "--path", "x/")
    assert code == 0, err
    code, _, err = scoped(root, "transition", "x", "--to", "withdrawn", "--reason", "no need")
    assert code == 0, err
    after = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert after.startswith(before)
    x = tomllib.loads(after)["tool"]["scoped"]["modules"]["x"]
    assert x["stage"] == "withdrawn"
    assert [(h["stage"], h["reason"]) for h in x["history"]] == [
        ("proposed", "proposal: proposals/x.md"),
        ("withdrawn", "no need"),
    ]
