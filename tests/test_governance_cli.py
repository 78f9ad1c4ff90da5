"""`scoped vote tally` and `scoped vote record` end to end, on generated evidence."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from helpers import only_insertion, run_cli
from test_governance_support import (
    at,
    ballots_toml,
    github_pages,
    mail,
    registry_text,
    truncated_message,
    vote_mails,
    write_json,
    write_mbox,
)

NOW = ("--now", "2022-07-01T00:00:00Z")
WINDOW = ("--opened", "2022-06-01T00:00:00Z", "--closes", "2022-06-08T00:00:00Z")
EVIDENCE = ("votes/uma.mbox", "votes/gh.json", "votes/ballots.toml")
RECORD = (*NOW, "vote", "record", "uma", "--kind", "establish", *WINDOW)  # then the evidence
C4_BALLOT = ballots_toml(
    [
        {
            "voter": "c4",
            "vote": "+1",
            "at": "2022-06-03T00:00:00Z",
            "source": "https://lists.apache.org/thread/c4",
        }
    ]
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    (r / "scoped.toml").write_text(registry_text(), encoding="utf-8")
    write_mbox(r / "votes/uma.mbox", vote_mails(), raw_tail=b"\n" + truncated_message())
    write_json(r / "votes/gh.json", github_pages())
    (r / "votes/ballots.toml").write_text(C4_BALLOT, encoding="utf-8")
    return r


def tally(root: Path, *args: str) -> tuple[int, dict | str, str]:
    code, out, err = run_cli(root, *NOW, "vote", "tally", *args)
    if "--format" in args and args[args.index("--format") + 1] != "json":
        return code, out, err
    return code, (json.loads(out) if out.strip() else {}), err


def test_tally_reference_scenario_json(root: Path) -> None:
    code, doc, err = tally(
        root, *EVIDENCE, "--module", "uma", "--kind", "establish", *WINDOW, "--format", "json"
    )
    assert code == 0, err
    assert doc["result"] == "passed"
    ballots = {b["voter"]: b for b in doc["ballots"]}
    assert {v for v, b in ballots.items() if b["binding"]} == {"p1", "p2", "p4", "p5"}
    assert set(ballots) == {
        "p1",
        "p2",
        "p4",
        "p5",
        "c1",
        "c2",
        "c3",
        "c4",
        "p6",
        "sam@elsewhere.example",
        "visitor",
    }
    assert ballots["sam@elsewhere.example"]["ambiguous"] == ["s1", "s2"]
    assert ballots["sam@elsewhere.example"]["resolved"] is False
    assert ballots["c2"]["declared_binding"] is True and ballots["c2"]["binding"] is False
    assert ballots["p1"]["source"] == "votes/uma.mbox#p1@mail"
    assert ballots["c4"]["source"] == "https://lists.apache.org/thread/c4"
    assert ballots["p4"]["source"] == "votes/uma.mbox#p4b@mail"  # the changed vote
    reasons = {i["source"].rsplit("#", 1)[-1]: i["reason"] for i in doc["ignored"]}
    assert reasons == {
        "root@lists": "template",
        "broken@mail": "unreadable",
        "other@mail": "other-thread",
        "p3a@mail": "quoted",
        "p4a@mail": "superseded",
        "issuecomment-1002": "bot",
        "issuecomment-1003": "edited-after-close",
        "relay@github": "bot",
        "result@mail": "result-post",
        "p3late@mail": "outside-window",
    }
    assert doc["counts"] == {
        "binding": {"+1": 4, "0": 0, "-1": 0},
        "non_binding": {"+1": 7, "0": 0, "-1": 0},
    }
    assert [(c["id"], c["met"]) for c in doc["conditions"]] == [
        ("min-duration", True),
        ("pmc-endorsements", True),
        ("pmc-majority", True),
        ("owner-endorsements", True),
        ("champion", True),
    ]
    assert "c2 wrote '(binding)' but holds no pmc role at 2022-06-01" in doc["notes"]
    assert any("p6" in n and "after the vote opened" in n for n in doc["notes"])
    assert any("matches several people (s1, s2)" in n for n in doc["notes"])
    keys = [(b["at"], b["source"]) for b in doc["ballots"]]
    assert keys == sorted(keys)
    assert list(doc) == [
        "schema",
        "decision",
        "ballots",
        "ignored",
        "counts",
        "conditions",
        "notes",
        "result",
    ]


def test_same_file_twice_changes_nothing(root: Path) -> None:
    _, once, _ = tally(root, *EVIDENCE, *WINDOW, "--format", "json")
    _, twice, _ = tally(
        root, *EVIDENCE, "votes/uma.mbox", "./votes/gh.json", *WINDOW, "--format", "json"
    )
    assert once == twice


def test_tally_text_and_result_mail(root: Path) -> None:
    code, text, _ = tally(
        root, *EVIDENCE, "--module", "uma", "--kind", "establish", *WINDOW, "--format", "text"
    )
    assert code == 0
    assert "Result: PASSED" in text
    assert "VOTER" in text and "REASON" in text
    assert "More than three PMC members endorse the S0-level proposal" in text
    code, mail_text, _ = tally(
        root,
        *EVIDENCE,
        "--module",
        "uma",
        "--kind",
        "establish",
        *WINDOW,
        "--format",
        "result-mail",
    )
    assert code == 0
    lines = mail_text.splitlines()
    assert lines[0] == "Subject: [RESULT][VOTE] Establish UMA as an S0 module"
    block = mail_text.split("Binding +1 (4):\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "  * Ada Lovelace (p1)",
        "  * Jürgen Müller (p2)",
        "  * Quinn Four (p4)",
        "  * Robin Five (p5)",
    ]
    assert "Non-binding +1 (7):" in mail_text and "  * Sam" in mail_text
    assert "https://github.com/apache/tvm-rfcs/pull/60" in mail_text
    assert "votes/uma.mbox#root@lists" in mail_text


def test_failed_vote_exits_1(root: Path) -> None:
    code, doc, _ = tally(
        root,
        "votes/uma.mbox",
        "--module",
        "uma",
        "--kind",
        "establish",
        *WINDOW,
        "--format",
        "json",
    )
    assert code == 1
    assert doc["result"] == "failed"
    owners = next(c for c in doc["conditions"] if c["id"] == "owner-endorsements")
    assert (owners["required"], owners["actual"], owners["met"]) == (4, 2, False)


def test_invalid_without_a_module_and_open_before_closing(root: Path) -> None:
    code, doc, _ = tally(root, *EVIDENCE, *WINDOW, "--format", "json")
    assert (code, doc["result"]) == (1, "invalid")  # owners and champion not evaluated
    code, out, _ = run_cli(
        root,
        "--now",
        "2022-06-05T00:00:00Z",
        "vote",
        "tally",
        *EVIDENCE,
        *WINDOW,
        "--format",
        "json",
    )
    assert (code, json.loads(out)["result"]) == (0, "open")


def test_rules_option(root: Path) -> None:
    code, doc, _ = tally(root, *EVIDENCE, *WINDOW, "--rules", "apache-majority", "--format", "json")
    assert code == 0 and doc["decision"]["rules"] == "apache-majority"
    code, _, err = tally(root, *EVIDENCE, *WINDOW, "--rules", "nope", "--format", "json")
    assert code == 2 and "unknown rule profile 'nope'" in err


def test_roster_file_replaces_the_registry_roster(root: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.toml"
    roster.write_text(
        '[[person]]\nhandle = "p1"\nemails = ["ada@example.org"]\n'
        'roles = [{ role = "pmc", since = 2020-01-01 }]\n',
        encoding="utf-8",
    )
    code, doc, _ = tally(
        root, "votes/uma.mbox", *WINDOW, "--roster", str(roster), "--format", "json"
    )
    assert [b["voter"] for b in doc["ballots"] if b["binding"]] == ["p1"]
    # no registry at all: the roster file is enough
    (root / "scoped.toml").unlink()
    code, doc, err = tally(
        root,
        "votes/uma.mbox",
        *WINDOW,
        "--roster",
        str(roster),
        "--rules",
        "apache-majority",
        "--format",
        "json",
    )
    assert code == 1, err
    assert doc["counts"]["binding"]["+1"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("votes/uma.mbox",), "no window"),
        (("votes/uma.mbox", "--opened", "2022-06-01T00:00:00", "--closes", "2022-06-08"), "offset"),
        (("votes/uma.mbox", "--opened", "2022-06-01"), "both --opened and --closes"),
        (("votes/uma.mbox", "--opened", "2022-06-08", "--closes", "2022-06-01"), "later than"),
        (("votes/missing.mbox", *WINDOW), "votes/missing.mbox: no such evidence file"),
        (("scoped.toml", *WINDOW), "scoped.toml: TOML without [[ballot]] tables"),
        (("votes/uma.mbox", "--module", "uma", *WINDOW), "needs --kind"),
        (
            ("votes/uma.mbox", "--module", "nope", "--kind", "establish", *WINDOW),
            "unknown module 'nope'",
        ),
        (("--decision", "nope"), "unknown decision 'nope'"),
        ((*WINDOW,), "no evidence"),
    ],
)
def test_usage_and_input_errors_exit_2(root: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = run_cli(root, *NOW, "vote", "tally", *args)
    assert code == 2
    assert message in err


def test_bad_evidence_files_are_named(root: Path) -> None:
    (root / "votes/notes.txt").write_text("we should vote on this\n", encoding="utf-8")
    (root / "votes/bad.toml").write_text(
        '[[ballot]]\nvoter = "p1"\nvote = "yes"\nat = 2022-06-02T10:00:00Z\n', encoding="utf-8"
    )
    code, _, err = run_cli(
        root, *NOW, "vote", "tally", "votes/notes.txt", "votes/bad.toml", *WINDOW
    )
    assert code == 2
    assert "votes/notes.txt: in no known format" in err
    assert "votes/bad.toml:3:1: ballot 1: unknown vote value 'yes'" in err


def test_no_roster_exits_2(tmp_path: Path) -> None:
    r = tmp_path / "r"
    r.mkdir()
    (r / "scoped.toml").write_text('schema = 1\n[project]\nname = "x"\n', encoding="utf-8")
    write_mbox(r / "v.mbox", vote_mails()[:2])
    code, _, err = run_cli(r, "vote", "tally", "v.mbox", *WINDOW)
    assert code == 2 and "no roster" in err
    (r / "scoped.toml").unlink()
    code, _, err = run_cli(r, "vote", "tally", "v.mbox", *WINDOW)
    assert code == 2 and "no roster" in err and "--roster" in err


def test_several_vote_threads_need_subject(root: Path) -> None:
    extra = mail(
        ("Ada Lovelace", "ada@example.org"),
        "+1",
        at(2),
        "rel@x",
        subject="[VOTE] Release 1.0",
        parent=None,
    )
    write_mbox(root / "votes/uma.mbox", [extra])  # appends to the archive
    code, _, err = tally(root, "votes/uma.mbox", *WINDOW)
    assert code == 2 and "--subject" in err and "[VOTE] Release 1.0" in err
    code, doc, err = tally(
        root,
        "votes/uma.mbox",
        *WINDOW,
        "--subject",
        "Establish UMA",
        "--rules",
        "apache-majority",
        "--format",
        "json",
    )
    assert code == 0, err
    assert "votes/uma.mbox#rel@x" in {
        i["source"] for i in doc["ignored"] if i["reason"] == "other-thread"
    }


def test_record_appends_a_pinned_decision_and_preserves_the_file(root: Path) -> None:
    before = (root / "scoped.toml").read_text(encoding="utf-8")
    code, out, err = run_cli(root, *RECORD, *EVIDENCE)
    assert code == 0, err
    assert "recorded decision 'uma-establish' (passed)" in out
    after = (root / "scoped.toml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # the decision goes after the module's table
    added = after[len(before.rstrip("\n")) :]
    assert added.lstrip("\n").startswith('[[modules.uma.decisions]]\nid = "uma-establish"')
    doc = tomllib.loads(after)
    (dec,) = doc["modules"]["uma"]["decisions"]
    assert dec["result"] == "passed" and dec["kind"] == "establish"
    assert [e["path"] for e in dec["evidence"]] == list(EVIDENCE)
    for e in dec["evidence"]:
        assert e["sha256"] == hashlib.sha256((root / e["path"]).read_bytes()).hexdigest()
    assert 'stage = "proposed"   # keep this comment' in after
    # the recorded decision tallies again from its pinned files alone
    code, doc2, err = tally(root, "--decision", "uma-establish", "--format", "json")
    assert code == 0, err
    assert doc2["result"] == "passed" and doc2["decision"]["id"] == "uma-establish"
    # a second record gets the next free id
    code, out, _ = run_cli(root, *RECORD, "votes/uma.mbox")
    assert code == 0 and "uma-establish-2' (failed)" in out


def test_record_refuses_outside_files_and_known_ids(root: Path, tmp_path: Path) -> None:
    outside = write_mbox(tmp_path / "elsewhere.mbox", vote_mails()[:2])
    code, _, err = run_cli(root, *RECORD, str(outside))
    assert code == 2 and "inside the repository" in err
    run_cli(root, *RECORD, *EVIDENCE, "--id", "uma-s0")
    code, _, err = run_cli(root, *RECORD, *EVIDENCE, "--id", "uma-s0")  # again
    assert code == 2 and "already used" in err


def test_tally_decision_notes_a_changed_pin(root: Path) -> None:
    run_cli(root, *RECORD, *EVIDENCE)
    with (root / "votes/ballots.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    code, doc, _ = tally(root, "--decision", "uma-establish", "--format", "json")
    assert (
        "evidence votes/ballots.toml changed since it was pinned (sha256 differs)" in doc["notes"]
    )


@pytest.mark.parametrize("option", ["--now", "--opened"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"])
def test_out_of_range_datetime_option_is_exit_2(root: Path, option: str, value: str) -> None:
    args = ["vote", "tally", *EVIDENCE, *WINDOW]
    if option == "--now":
        args = ["--now", value, *args]
    else:
        args[args.index("--opened") + 1] = value
    code, out, err = run_cli(root, *args)
    assert code == 2 and "out of range" in err and "Traceback" not in err, err


def test_gzip_bomb_and_deep_ballots_exit_2(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    (root / "votes/bomb.mbox.gz").write_bytes(gzip.compress(b"\0" * (2 << 20)))
    (root / "votes/deep.toml").write_text(
        '[[ballot]]\nvoter = "p1"\nvote = "+1"\nat = 2022-06-02\nnote = '
        + "[" * 3000
        + "]" * 3000
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SCOPED_MAX_EVIDENCE_BYTES", "1MiB")
    code, _out, err = run_cli(root, "vote", "tally", "votes/bomb.mbox.gz", *WINDOW)
    assert code == 2 and "votes/bomb.mbox.gz: too large" in err and "Traceback" not in err, err
    code, _out, err = run_cli(root, "vote", "tally", "votes/deep.toml", *WINDOW)
    assert code == 2 and "votes/deep.toml:5:" in err and "nested too deeply" in err, err
    monkeypatch.setenv("SCOPED_MAX_EVIDENCE_BYTES", "a lot")
    code, _out, err = run_cli(root, "vote", "tally", "votes/ballots.toml", *WINDOW)
    assert code == 2 and "SCOPED_MAX_EVIDENCE_BYTES" in err, err


# Issue 13 defect 13: parallel `vote record` runs on one registry: each exits 0 and no decision
# is lost (a lock beside the registry serialises read-check-rename).
def test_parallel_records_lose_no_decision(root: Path) -> None:
    import subprocess
    import sys

    runs = 12
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "scoped_modules.cli", *NOW, "vote", "record", "uma"]
            + ["--kind", "establish", *WINDOW, "votes/ballots.toml", "--id", f"uma-{n}"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(runs)
    ]
    errors = [(p.wait(), p.stderr.read() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in errors), errors
    doc = tomllib.loads((root / "scoped.toml").read_text(encoding="utf-8"))
    ids = sorted(d["id"] for d in doc["modules"]["uma"]["decisions"])
    assert ids == sorted(f"uma-{n}" for n in range(runs))
    assert sorted(p.name for p in root.iterdir()) == ["scoped.toml", "votes"]  # no lock left


def test_record_into_dotted_keys_and_inline_tables(tmp_path: Path) -> None:
    """Issue 13 defect 12 end to end: every byte outside the new decision stays."""
    text = (
        "schema = 1\n"
        'people.person = [{ handle = "c4", roles = [{ role = "pmc", since = 2020-01-01 }] }]\n'
        'modules.uma = { stage = "proposed", paths = ["uma/"] }  # inline\n'
    )
    (tmp_path / "scoped.toml").write_text(text, encoding="utf-8")
    (tmp_path / "votes").mkdir()
    (tmp_path / "votes/ballots.toml").write_text(C4_BALLOT, encoding="utf-8")
    code, _out, err = run_cli(tmp_path, *RECORD, "votes/ballots.toml")
    assert code == 0, err
    new = (tmp_path / "scoped.toml").read_text(encoding="utf-8")
    assert "decisions = [{ id = " in only_insertion(text, new)
    assert tomllib.loads(new)["modules"]["uma"]["decisions"][0]["result"] == "failed"
