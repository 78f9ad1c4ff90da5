"""SM010 (decisions re-counted from pinned evidence), SM008, SM009 and SM013: the governance rules
of :data:`scoped_modules.rules.RULES` run on a registry and its evidence, without any index."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_governance_support import (
    ballots_toml,
    github_pages,
    registry_text,
    vote_mails,
    write_json,
    write_mbox,
)

from scoped_modules.app.config import load_registry
from scoped_modules.finding import Finding
from scoped_modules.registry.model import Module, Registry
from scoped_modules.rules import BY_ID
from scoped_modules.rules.base import EvidenceLoader, RuleContext

NOW = datetime(2022, 7, 1, tzinfo=UTC)
C4 = ballots_toml([{"voter": "c4", "vote": "+1", "at": "2022-06-03T00:00:00Z"}])


def sha(root: Path, rel: str) -> str:
    return hashlib.sha256((root / rel).read_bytes()).hexdigest()


def decision(
    root: Path,
    did: str = "uma-s0",
    result: str = "passed",
    kind: str = "establish",
    files: tuple[str, ...] = ("votes/uma.mbox", "votes/gh.json", "votes/c4.toml"),
    pin: bool = True,
) -> str:
    ev = ", ".join(
        f'{{ path = "{f}", sha256 = "{sha(root, f)}" }}'
        if pin and (root / f).exists()
        else f'"{f}"'
        for f in files
    )
    return (
        f'\n[[modules.uma.decisions]]\nid = "{did}"\nkind = "{kind}"\n'
        f"opened = 2022-06-01T00:00:00Z\ncloses = 2022-06-08T00:00:00Z\n"
        f'evidence = [{ev}]\nresult = "{result}"\n'
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    write_mbox(r / "votes/uma.mbox", vote_mails())
    write_json(r / "votes/gh.json", github_pages())
    (r / "votes/c4.toml").write_text(C4, encoding="utf-8")
    return r


def check(
    root: Path,
    decisions: str,
    stage: str = "s0",
    extra: str = "",
    history: str = "",
    now: datetime = NOW,
) -> list[dict]:
    (root / "scoped.toml").write_text(
        registry_text(decisions + history, stage, extra), encoding="utf-8"
    )
    reg = load_registry(root / "scoped.toml", root)

    def loader(path: str) -> tuple[bytes | None, str | None]:
        try:
            return (root / path).read_bytes(), None
        except OSError as exc:
            return None, exc.strerror

    return run(reg, reg.modules["uma"], now, GOVERNANCE, loader)


GOVERNANCE = ("SM008", "SM009", "SM010", "SM013")
PEOPLE = ("SM008", "SM009", "SM013")


def _no_evidence(path: str) -> tuple[bytes | None, str | None]:
    return None, "no evidence in this test"


def run(
    reg: Registry,
    m: Module,
    now: datetime,
    ids: tuple[str, ...] = PEOPLE,
    loader: EvidenceLoader = _no_evidence,
) -> list[Finding]:
    """The findings of the rules ``ids`` for module ``m``, through the Rule interface."""
    ctx = RuleContext(reg, [m], now, loader)
    out: list[Finding] = []
    for rule_id in ids:
        rule = BY_ID[rule_id]
        assert not rule.reads_index  # governance rules run before the index exists
        out += rule.check(ctx)
    return out


def rules(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.severity) for f in findings)


def test_a_reproduced_passing_decision_has_no_finding(root: Path) -> None:
    assert check(root, decision(root)) == []


def test_finding_shape(root: Path) -> None:
    (f,) = check(root, "")
    assert isinstance(f, Finding)
    assert (f.rule, f.module, f.path, f.severity) == (
        "SM010",
        "uma",
        "scoped.toml",
        "error",
    )
    assert "at stage s0 without a passing establish decision" in f.message
    text = (root / "scoped.toml").read_text(encoding="utf-8").splitlines()
    assert text[f.line - 1].startswith('stage = "s0"')
    assert "scoped vote record uma --kind establish" in f.hint


def test_editing_the_recorded_result_cannot_win_a_vote(root: Path) -> None:
    findings = check(root, decision(root, files=("votes/uma.mbox",)))
    (f,) = findings
    assert f.rule == "SM010" and f.severity == "error"
    assert "recorded as passed, but its evidence counts failed" in f.message
    assert "binding +1/0/-1: 4/0/0, non-binding +1/0/-1: 4/0/0" in f.message
    assert "owner-endorsements needs 4, has 2" in f.message
    text = (root / "scoped.toml").read_text(encoding="utf-8").splitlines()
    assert text[f.line - 1] == "[[modules.uma.decisions]]"


def test_a_changed_pinned_file(root: Path) -> None:
    dec = decision(root)
    with (root / "votes/gh.json").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    (f,) = check(root, dec)
    assert f.rule == "SM010" and f.severity == "error"
    assert "votes/gh.json" in f.message and "changed since it was pinned" in f.message


def test_an_unpinned_file_is_a_warning(root: Path) -> None:
    findings = check(root, decision(root, pin=False))
    assert rules(findings) == [("SM010", "warning")] * 3
    assert f'sha256 = "{sha(root, "votes/gh.json")}"' in next(
        f.hint for f in findings if "gh.json" in f.message
    )


def test_bad_and_missing_files_are_findings_and_the_check_goes_on(root: Path) -> None:
    (root / "votes/notes.txt").write_text("not a vote\n", encoding="utf-8")
    decs = (
        decision(root, "bad", files=("votes/notes.txt",))
        + decision(root, "gone", files=("votes/missing.mbox",))
        + decision(root, "uma-s0")
    )
    findings = check(root, decs)
    assert rules(findings) == [("SM010", "error"), ("SM010", "error")]
    bad = next(f for f in findings if "votes/notes.txt" in f.message)
    assert "in no known format" in bad.message
    assert bad.path == "scoped.toml"  # the decision that lists it
    gone = next(f for f in findings if "missing.mbox" in f.message)
    assert "cannot be read" in gone.message


def test_toml_ballot_errors_point_into_the_file(root: Path) -> None:
    (root / "votes/bad.toml").write_text(
        '[[ballot]]\nvoter = "c4"\nvote = "maybe"\nat = 2022-06-03\n', encoding="utf-8"
    )
    (f,) = [f for f in check(root, decision(root, files=("votes/bad.toml",))) if f.rule == "SM010"]
    assert (f.path, f.line) == ("votes/bad.toml", 3)
    assert "unknown vote value 'maybe'" in f.message


def test_unknown_toml_voter_is_sm013_even_when_proposed(root: Path) -> None:
    (root / "votes/c4.toml").write_text(
        ballots_toml(
            [
                {"voter": "c4", "vote": "+1", "at": "2022-06-03T00:00:00Z"},
                {"voter": "nobody", "vote": "+1", "at": "2022-06-03T00:00:00Z"},
            ]
        ),
        encoding="utf-8",
    )
    findings = check(root, decision(root, result="passed"), stage="proposed")
    (f,) = findings
    assert (f.rule, f.severity, f.path, f.line) == ("SM013", "error", "votes/c4.toml", 6)
    assert "'nobody'" in f.message


def test_open_vote_recorded_open_then_closed(root: Path) -> None:
    dec = decision(root, result="open")
    assert [
        f.rule for f in check(root, dec, stage="proposed", now=datetime(2022, 6, 5, tzinfo=UTC))
    ] == []
    mismatch, missing = check(root, dec, stage="s0", now=NOW)
    assert "recorded as open, but its evidence counts passed" in mismatch.message
    assert "without a passing establish decision" in missing.message


def test_stage_needs_its_kind(root: Path) -> None:
    findings = check(root, decision(root), stage="s1")
    assert [f.message for f in findings] == [
        "module 'uma' is at stage s1 without a passing integrate decision"
    ]


def test_deprecated_and_removed(root: Path) -> None:
    (f,) = check(root, "", stage="deprecated")
    assert "deprecated without a passing deprecate decision" in f.message
    snapshot = (
        '\n[[modules.uma.history]]\ndate = 2023-01-01\nstage = "deprecated"\n'
        'reason = "no maintainers"\nactivity = { verdict = "no-active-maintainers", active_owners = 0 }\n'
    )
    assert check(root, "", stage="deprecated", history=snapshot) == []
    # owners and champion are no conditions of a deprecate vote
    assert (
        check(
            root,
            decision(root, "dep", kind="deprecate", files=("votes/uma.mbox",)),
            stage="deprecated",
        )
        == []
    )
    (f,) = check(root, "", stage="removed")
    assert "no history entry records the removal" in f.message
    removed = '\n[[modules.uma.history]]\ndate = 2023-02-01\nstage = "removed"\nreason = "gone"\n'
    assert check(root, "", stage="removed", history=removed) == []


def test_rejected_modules_are_not_checked(root: Path) -> None:
    assert check(root, decision(root, files=("votes/missing.mbox",)), stage="rejected") == []


def test_people_rules(root: Path) -> None:
    people = (
        '\n[[people.person]]\nhandle = "c5"\nroles = [{ role = "committer", since = 2020-01-01, '
        "until = 2022-01-01 }]\n"
    )
    text = registry_text(decision(root), "s0", people)
    text = text.replace('owners = ["c1", "c2", "c3", "c4"]', 'owners = ["c1", "c2", "c5", "ghost"]')
    text = text.replace('champion = "p1"', 'champion = "p6"')
    (root / "scoped.toml").write_text(text, encoding="utf-8")
    reg = load_registry(root / "scoped.toml", root)
    m = reg.modules["uma"]
    findings = run(reg, m, datetime(2022, 6, 2, tzinfo=UTC))
    assert rules(findings) == [("SM008", "error"), ("SM009", "error"), ("SM013", "error")]
    sm008 = next(f for f in findings if f.rule == "SM008")
    assert (
        "has 2 owner(s) holding committer or pmc today; profile 'tvm-s0' needs 4" in sm008.message
    )
    assert "c5, ghost" in sm008.message
    assert "'ghost'" in next(f for f in findings if f.rule == "SM013").message
    # p6 holds pmc from 2022-06-03 on: SM009 reads roles as of now
    assert [f.rule for f in run(reg, m, NOW)] == ["SM008", "SM013"]
    m.stage = "proposed"
    assert rules(run(reg, m, NOW)) == [("SM008", "warning"), ("SM013", "error")]
    m.stage = "deprecated"
    assert rules(run(reg, m, NOW)) == [("SM013", "warning")]


def test_profiles_without_owner_or_champion_conditions(root: Path) -> None:
    text = (
        registry_text("", "s0")
        .replace('champion = "p1"\n', "")
        .replace('owners = ["c1", "c2", "c3", "c4"]', "owners = []")
    )
    text = text.replace(
        '[project]\nname = "demo"', '[project]\nname = "demo"\nrules = "apache-majority"'
    )
    (root / "scoped.toml").write_text(text, encoding="utf-8")
    reg = load_registry(root / "scoped.toml", root)
    assert run(reg, reg.modules["uma"], NOW) == []
    reg.project.rules = "tvm-s0"
    assert [f.rule for f in run(reg, reg.modules["uma"], NOW)] == ["SM008", "SM009"]
