"""Each rule page's Example and "Use instead" are real repositories: `scoped check` on the first
reports the rule, on the second it does not (SPEC §4: "Every rule has a documentation page ...
an example"). A page's shell snippets say what history the repository has: a change (``git
diff --name-only BASE``, ``git log -1``) or a year of commits (``git log --since=1.year``)."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import check_json, commit, git, make_repo, write_tree

from scoped_modules.rules import RULES
from scoped_modules.rules.base import Rule

DIFF = "$ git diff --name-only "
LOG = "$ git log -1 --format=%B"
YEAR = "$ git log --since=1.year --format='%an <%ae>' -- "


def _year_of_history(root: Path, files: dict[str, str], label: str, shown: str) -> None:
    """The repository whose ``git log --since=1.year --format='%an <%ae>' -- PATH`` prints
    ``shown``: the files committed two years ago, then, for each line of ``shown`` (newest
    first, as git prints them), one commit by that author under PATH, a month apart, the newest
    a month ago. The page's command is then run and must print exactly what the page shows."""
    now = datetime.now(UTC)

    def ago(days: int) -> str:
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    commit(root, {p: t.encode() for p, t in files.items()}, "initial", date=ago(730))
    path = label.removeprefix(YEAR).strip()
    authors = shown.splitlines()
    for months, author in reversed(list(enumerate(authors, 1))):
        change = {f"{path}change-{months}.txt": f"{author}\n".encode()}
        commit(root, change, "uma: a change", author=author, date=ago(30 * months))
    assert git(root, *shlex.split(label)[2:]).splitlines() == authors


def _commands(rule: Rule, use_instead: bool) -> dict[str, str]:
    """The page's shell snippets (``$ git diff --name-only BASE``, ``$ git log -1 ...``)."""
    snippets = (*rule.doc.example, *(rule.doc.use_instead if use_instead else ()))
    return {s.label: s.text for s in snippets if s.label.startswith("$")}


def _rules_reported(root: Path, files: dict[str, str], commands: dict[str, str]) -> set[str]:
    diff = next(((label, text) for label, text in commands.items() if label.startswith(DIFF)), None)
    year = next(((label, text) for label, text in commands.items() if label.startswith(YEAR)), None)
    if year is not None:
        _year_of_history(root, files, *year)
        _code, report = check_json(root, "--no-cache")
    elif diff is None:
        # files are written as given (already dedented): no further dedent by make_repo
        make_repo(root, {path: text.encode() for path, text in files.items()})
        _code, report = check_json(root, "--no-cache")
    else:
        # a change: the base commit holds what the diff does not list, the next commit the rest
        changed = diff[1].split()
        base = {p: t.encode() for p, t in files.items() if p not in changed}
        make_repo(root, base)
        write_tree(root, {p: files.get(p, "# changed\n").encode() for p in changed})
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", commands.get(LOG, "a change"))
        _code, report = check_json(root, "--no-cache", "--changed", "HEAD~1")
    return {f["rule"] for f in report["findings"] if f["severity"] != "note"}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_the_rule_fires_on_its_example_and_not_on_use_instead(rule: Rule, tmp_path: Path) -> None:
    example = rule.doc.example_files()
    fixed = rule.doc.use_instead_files()
    assert "scoped.toml" in example
    fired = _rules_reported(tmp_path / "example", example, _commands(rule, False))
    still = _rules_reported(tmp_path / "use-instead", fixed, _commands(rule, True))
    if not rule.checked:
        pytest.skip(f"{rule.id} is not yet checked: both repositories load, nothing to compare")
    assert (fixed, _commands(rule, True)) != (example, _commands(rule, False)), (
        "Use instead changes nothing of the example"
    )
    assert rule.id in fired, f"{rule.id} does not fire on its Example (found {sorted(fired)})"
    assert rule.id not in still, f"{rule.id} still fires on its Use instead"
