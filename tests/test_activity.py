"""`scoped activity` and SM011 on generated git histories (SPEC §8, §4).

The expected numbers are worked out by hand from the history each test writes (authors, dates,
files), not copied from the tool's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import (
    check_json,
    commit,
    git,
    identity,
    person,
    private_copy,
    run_cli,
    write_tree,
)

ROSTER = (
    person("alice", name="Alice Liddell", emails=["alice@example.org"])
    + person("bob-gh", name="Bob Builder", emails=["bob@example.org"])
    + person("carol", name="Carol Danvers", emails=["carol@example.org"])
    + person("dave", emails=["dave@example.org"])
    + person("erin", aliases=["Erin E."])
    + person("gina", emails=["gina@example.org"])
    + person("ci-bot", emails=["ci@example.org"], bot=True)
)

REGISTRY = f"""\
schema = 1

[activity]
window_days = 365
bots = ["*[bot]"]

{ROSTER}[modules.uma]
stage = "s0"
paths = ["uma/"]
owners = ["alice", "bob-gh"]

[modules.dead]
stage = "s0"
paths = ["dead/"]
owners = ["carol", "dave"]

[modules.botmod]
stage = "s1"
paths = ["botmod/"]
owners = ["gina"]

[modules.fresh]
stage = "proposed"
paths = ["fresh/"]
owners = ["gina"]
"""

END = "2025-06-01T12:00:00Z"


def refactor(n: int) -> dict[str, str]:
    return {f"core/c{i}.py": f"x = {n}\n" for i in range(9)}


def build_history(root: Path) -> Path:
    """The history every test below reads (window: 2024-06-01T12:00Z .. 2025-06-01T12:00Z)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write_tree(
        root,
        {
            "scoped.toml": REGISTRY,
            ".mailmap": "Alice Liddell <alice@example.org> <alice@old.example>\n",
            **refactor(0),
        },
    )
    commit(root, {}, "initial", author="Init <init@example.org>", date="2023-01-01T00:00:00Z")
    # outside the window: dave's focused commit does not count
    commit(
        root, {"dead/x.py": "1\n"}, author="Dave <dave@example.org>", date="2024-01-01T00:00:00Z"
    )
    # alice under an old address that .mailmap maps to her roster email
    commit(
        root, {"uma/a.py": "1\n"}, author="A. L. <alice@old.example>", date="2024-08-01T00:00:00Z"
    )
    commit(
        root,
        {"uma/a.py": "2\n", "uma/b.py": "1\n"},
        author="Alice Liddell <alice@example.org>",
        date="2024-09-01T00:00:00Z",
    )
    # bob through a GitHub noreply address under another name
    commit(
        root,
        {"uma/c.py": "1\n"},
        author="Robert B. <12345+bob-gh@users.noreply.github.com>",
        date="2024-10-01T00:00:00Z",
    )
    # carol's only commit: a tree-wide refactor (1 of 11 files in dead, 1 in uma)
    commit(
        root,
        {"dead/x.py": "2\n", "uma/a.py": "3\n", **refactor(1)},
        author="Carol Danvers <carol@example.org>",
        date="2024-11-01T00:00:00Z",
    )
    # an unknown author and a co-author known by alias: focused on dead, no owner among them
    commit(
        root,
        {"dead/y.py": "1\n"},
        author="Frank <frank@example.net>",
        date="2024-12-01T00:00:00Z",
        trailers=("Co-authored-by: Erin E. <erin@elsewhere.example>",),
    )
    # bob as co-author of an unknown author's commit
    commit(
        root,
        {"uma/d.py": "1\n"},
        author="Grace <grace@example.net>",
        date="2025-01-01T00:00:00Z",
        trailers=("Co-authored-by: Bob Builder <bob@example.org>",),
    )
    # bots: many commits in botmod, none counts
    for i in range(12):
        commit(
            root,
            {"botmod/requirements.txt": f"pkg=={i}\n"},
            author="dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
            date=f"2025-02-{i + 1:02d}T00:00:00Z",
        )
    for i in range(3):
        commit(
            root,
            {"botmod/lock.txt": f"{i}\n"},
            author="CI <ci@example.org>",
            date=f"2025-03-{i + 1:02d}T00:00:00Z",
        )
    # a side branch with a focused commit on dead, merged by dave with an evil merge
    git(root, "checkout", "-q", "-b", "side")
    commit(
        root, {"dead/z.py": "1\n"}, author="Hank <hank@example.net>", date="2025-04-01T00:00:00Z"
    )
    git(root, "checkout", "-q", "main")
    commit(
        root, {"README.md": "hi\n"}, author="Init <init@example.org>", date="2025-04-02T00:00:00Z"
    )
    env = identity("Dave <dave@example.org>", "2025-04-03T00:00:00Z")
    git(root, "merge", "-q", "--no-ff", "--no-commit", "side", env=env)
    write_tree(root, {"dead/x.py": "merged\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "merge side", env=env)
    commit(root, {"README.md": "end\n"}, author="Init <init@example.org>", date=END)
    return root


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_history(tmp_path_factory.mktemp("activity") / "repo")


@pytest.fixture
def fresh(history: Path, tmp_path: Path) -> Path:
    return private_copy(history, tmp_path)


def activity_json(root: Path, *args: str) -> dict:
    code, out, err = run_cli(root, "activity", "--format", "json", "--no-cache", *args)
    assert code == 0, err
    return json.loads(out)


def by_name(report: dict) -> dict[str, dict]:
    return {m["name"]: m for m in report["modules"]}


def test_window_and_rev(history: Path) -> None:
    report = activity_json(history)
    head = git(history, "rev-parse", "HEAD").strip()
    assert report["schema"] == 1 and report["rev"] == head
    assert report["window"] == {"start": "2024-06-01T12:00:00Z", "end": "2025-06-01T12:00:00Z"}


def test_active_module_counts_mailmap_noreply_and_coauthors(history: Path) -> None:
    uma = by_name(activity_json(history))["uma"]
    # in the window, uma is touched by: alice x2, bob (noreply), carol's refactor, grace+bob
    assert uma["commits"] == 5
    assert uma["focused_commits"] == 4  # carol's refactor has 1 of 11 files in uma
    assert uma["owners"] == [
        {"handle": "alice", "focused_commits": 2, "last_focused": "2024-09-01", "active": True},
        {"handle": "bob-gh", "focused_commits": 2, "last_focused": "2025-01-01", "active": True},
    ]
    assert uma["active_owners"] == 2 and uma["verdict"] == "active"
    assert uma["top_contributors"] == [
        {"identity": "Grace <grace@example.net>", "focused_commits": 1}
    ]


def test_refactors_bots_merges_and_old_commits_do_not_keep_a_module_alive(history: Path) -> None:
    mods = by_name(activity_json(history))
    dead = mods["dead"]
    # carol's refactor, frank+erin, hank (the merge is skipped; dave's commit is too old)
    assert dead["commits"] == 3 and dead["focused_commits"] == 2
    assert [(o["handle"], o["focused_commits"], o["active"]) for o in dead["owners"]] == [
        ("carol", 0, False),
        ("dave", 0, False),
    ]
    assert dead["verdict"] == "no-active-maintainers" and dead["active_owners"] == 0
    assert dead["top_contributors"] == [
        {"identity": "erin", "focused_commits": 1},
        {"identity": "Frank <frank@example.net>", "focused_commits": 1},
        {"identity": "Hank <hank@example.net>", "focused_commits": 1},
    ]
    botmod = mods["botmod"]
    assert botmod["commits"] == 0 and botmod["bot_commits"] == 15
    assert botmod["verdict"] == "no-active-maintainers"


def test_unresolved_authors_are_listed_most_first(history: Path) -> None:
    report = activity_json(history)
    assert report["unresolved_authors"] == [
        {"identity": "Frank <frank@example.net>", "commits": 1},
        {"identity": "Grace <grace@example.net>", "commits": 1},
        {"identity": "Hank <hank@example.net>", "commits": 1},
    ]


def test_window_days_and_at_move_the_window(history: Path) -> None:
    # 200 days before 2025-06-01T12:00Z is 2024-11-13T12:00Z: alice and bob's own commits drop out
    uma = by_name(activity_json(history, "--window-days", "200"))["uma"]
    assert [(o["handle"], o["focused_commits"]) for o in uma["owners"]] == [
        ("alice", 0),
        ("bob-gh", 1),
    ]
    report = activity_json(history, "--at", "2024-01-02", "--window-days", "10")
    dead = by_name(report)["dead"]
    assert report["window"]["end"] == "2024-01-02T00:00:00Z"
    assert dead["owners"][1] == {
        "handle": "dave",
        "focused_commits": 1,
        "last_focused": "2024-01-01",
        "active": True,
    }


def test_module_option_and_text_output(history: Path) -> None:
    report = activity_json(history, "--module", "dead")
    assert [m["name"] for m in report["modules"]] == ["dead"]
    # only commits touching dead count for the unresolved list
    assert [a["identity"] for a in report["unresolved_authors"]] == [
        "Frank <frank@example.net>",
        "Hank <hank@example.net>",
    ]
    code, out, _ = run_cli(history, "activity", "--module", "uma")
    assert code == 0
    assert "uma (s0): active; 2/2 owners active" in out
    assert "Grace <grace@example.net>" in out
    code, _, err = run_cli(history, "activity", "--module", "nope")
    assert code == 2 and "unknown module 'nope'" in err


def test_sm011_in_check_and_no_history(history: Path) -> None:
    _, report = check_json(history, "--no-cache")
    sm011 = sorted((f["module"], f["severity"]) for f in report["findings"] if f["rule"] == "SM011")
    # uma is active; fresh is proposed (SM011 does not apply)
    assert sm011 == [("botmod", "warning"), ("dead", "warning")]
    (dead,) = [f for f in report["findings"] if f["rule"] == "SM011" and f["module"] == "dead"]
    assert dead["path"] == "scoped.toml" and dead["line"] == 47  # owners = [...] of dead
    assert "between 2024-06-01 and 2025-06-01" in dead["message"]
    _, quiet = check_json(history, "--no-cache", "--no-history")
    assert not [f for f in quiet["findings"] if f["rule"] == "SM011"]


def test_warm_check_uses_the_cache_and_follows_new_commits(fresh: Path) -> None:
    _, cold = check_json(fresh)
    assert {f["module"] for f in cold["findings"] if f["rule"] == "SM011"} == {"botmod", "dead"}
    assert any(p.name.startswith("history-") for p in (fresh / ".git" / "scoped").iterdir())
    _, warm = check_json(fresh)
    assert warm["findings"] == cold["findings"]
    # carol makes a focused commit: a new HEAD, nothing else changed in the checked files
    commit(
        fresh,
        {"dead/w.py": "1\n"},
        author="Carol Danvers <carol@example.org>",
        date="2025-06-02T00:00:00Z",
    )
    _, after = check_json(fresh)
    assert {f["module"] for f in after["findings"] if f["rule"] == "SM011"} == {"botmod"}


def test_outside_git_is_exit_2(tmp_path: Path) -> None:
    write_tree(tmp_path, {"scoped.toml": REGISTRY})
    code, _, err = run_cli(tmp_path, "activity")
    assert code == 2 and "not a git repository" in err
    # check still runs and says why SM011 was not evaluated
    _, report = check_json(tmp_path)
    assert not [f for f in report["findings"] if f["rule"] == "SM011"]
    assert any("SM011 not evaluated" in n["message"] for n in report["notes"])


def test_shallow_clone_is_exit_2_with_the_fetch_that_fixes_it(
    history: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history}", str(clone))
    code, out, err = run_cli(clone, "activity")
    assert code == 2 and out == ""
    assert "shallow clone" in err
    fetch = [line.strip() for line in err.splitlines() if "git fetch --shallow-since" in line]
    assert fetch == ["git fetch --shallow-since=2024-05-31 && git fetch --deepen=1"]
    # check: no SM011 verdict from a cut history, a note instead
    _, report = check_json(clone, "--no-cache")
    assert not [f for f in report["findings"] if f["rule"] == "SM011"]
    assert any("SM011 not evaluated" in n["message"] for n in report["notes"])
    # running the suggested commands makes the clone's activity equal the full history's
    for cmd in fetch[0].split(" && "):
        git(clone, *cmd.split()[1:])
    assert activity_json(clone) == activity_json(history)


SMALL = """\
schema = 1

[activity]
window_days = 100
bots = ["*[bot]", "ci-?"]

[[people.person]]
handle = "alice"
emails = ["alice@example.org"]

[modules.uma]
stage = "s0"
paths = ["uma/"]
owners = ["alice"]
"""


def small_repo(root: Path, first: str = "2020-01-01T00:00:00Z") -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {"scoped.toml": SMALL, ".mailmap": "<alice@example.org> <al@old.example>\n"})
    commit(root, {}, "initial", author="Init <init@example.org>", date=first)
    return root


def test_coauthors_go_through_mailmap_and_bot_globs_are_literal(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo")
    # alice only as a co-author under her old address, which .mailmap maps to her roster email
    commit(
        root,
        {"uma/a.py": "1\n"},
        author="Abbot <abbot@example.net>",
        date="2025-05-01T00:00:00Z",
        trailers=("Co-authored-by: Al <al@old.example>",),
    )
    # "ci-?" matches ci-1 but not ci-10; "*[bot]" matches the literal suffix only
    commit(root, {"uma/b.py": "1\n"}, author="ci-1 <ci1@example.net>", date="2025-05-02T00:00:00Z")
    commit(
        root, {"uma/c.py": "1\n"}, author="ci-10 <ci10@example.net>", date="2025-05-03T00:00:00Z"
    )
    commit(
        root, {"uma/d.py": "1\n"}, author="Robot <robot@example.net>", date="2025-05-04T00:00:00Z"
    )
    report = activity_json(root)
    uma = by_name(report)["uma"]
    assert uma["owners"] == [
        {"handle": "alice", "focused_commits": 1, "last_focused": "2025-05-01", "active": True}
    ]
    assert (uma["commits"], uma["bot_commits"]) == (3, 1)
    assert report["unresolved_authors"] == [
        {"identity": "Abbot <abbot@example.net>", "commits": 1},
        {"identity": "Robot <robot@example.net>", "commits": 1},
        {"identity": "ci-10 <ci10@example.net>", "commits": 1},
    ]
    assert report["history_start"] is None


def test_history_starting_inside_the_window_is_no_verdict_for_sm011(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo", first="2025-04-01T00:00:00Z")
    commit(
        root, {"uma/a.py": "1\n"}, author="Other <other@example.net>", date="2025-05-01T00:00:00Z"
    )
    report = activity_json(root)
    first = git(root, "rev-list", "--max-parents=0", "HEAD").strip()
    assert report["history_start"] == {"commit": first, "date": "2025-04-01"}
    assert by_name(report)["uma"]["verdict"] == "no-active-maintainers"
    _, checked = check_json(root, "--no-cache")
    assert not [f for f in checked["findings"] if f["rule"] == "SM011"]
    (note,) = [n for n in checked["notes"] if "SM011 not evaluated" in n["message"]]
    assert "history starts at commit" in note["message"]
    code, _, err = run_cli(root, "transition", "uma", "--to", "deprecated", "--dry-run")
    assert code == 1 and "no activity verdict: the history starts at commit" in err


def test_status_shows_the_activity_columns(history: Path, tmp_path: Path) -> None:
    code, out, _ = run_cli(history, "status", "--format", "json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)["modules"]}
    assert rows["uma"]["owners"] == {"active": 2, "total": 2}
    assert rows["uma"]["last_focused_commit"] == "2025-01-01"
    assert rows["dead"]["owners"] == {"active": 0, "total": 2}
    assert rows["dead"]["last_focused_commit"] == "2025-04-01"  # hank's commit
    assert rows["botmod"]["last_focused_commit"] is None  # bots only
    code, out, _ = run_cli(history, "status", "--format", "json", "--no-history")
    rows = {r["name"]: r for r in json.loads(out)["modules"]}
    assert rows["uma"]["owners"] == {"active": None, "total": 2}
    assert rows["uma"]["last_focused_commit"] is None
    code, out, _ = run_cli(history, "status")
    (uma,) = [line for line in out.splitlines() if line.startswith("uma ")]
    assert uma.split()[2:3] == ["2/2"] and "2025-01-01" in uma


def test_registry_below_the_top_level(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {"sub/scoped.toml": SMALL})
    commit(root, {}, "initial", author="Init <init@example.org>", date="2020-01-01T00:00:00Z")
    # paths are relative to sub/: uma/ is sub/uma/, and top-level uma/ is not the module
    commit(
        root, {"sub/uma/a.py": "1\n"}, author="A <alice@example.org>", date="2025-05-01T00:00:00Z"
    )
    commit(root, {"uma/x.py": "1\n"}, author="A <alice@example.org>", date="2025-05-02T00:00:00Z")
    code, out, err = run_cli(root, "--config", "sub/scoped.toml", "activity", "--format", "json")
    assert code == 0, err
    (uma,) = json.loads(out)["modules"]
    assert (uma["commits"], uma["focused_commits"]) == (1, 1)
    assert uma["owners"][0]["last_focused"] == "2025-05-01"
