"""Each rule page's Example and "Use instead" are real repositories: `scoped check` on the first
reports the rule, on the second it does not (SPEC §4: "Every rule has a documentation page ...
an example")."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_json, make_repo

from scoped_modules.rules import RULES
from scoped_modules.rules.base import Rule

NOW = "2024-01-01T00:00:00Z"


def _rules_reported(root: Path, files: dict[str, str]) -> set[str]:
    # files are written as given (already dedented): no further dedent by make_repo
    make_repo(root, {path: text.encode() for path, text in files.items()})
    _code, report = check_json(root, "--no-cache")
    return {f["rule"] for f in report["findings"]}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_the_rule_fires_on_its_example_and_not_on_use_instead(rule: Rule, tmp_path: Path) -> None:
    example = rule.doc.example_files()
    fixed = rule.doc.use_instead_files()
    assert "scoped.toml" in example
    fired = _rules_reported(tmp_path / "example", example)
    still = _rules_reported(tmp_path / "use-instead", fixed)
    if not rule.checked:
        pytest.skip(f"{rule.id} is not yet checked: both repositories load, nothing to compare")
    assert fixed != example, "Use instead changes no file of the example"
    assert rule.id in fired, f"{rule.id} does not fire on its Example (found {sorted(fired)})"
    assert rule.id not in still, f"{rule.id} still fires on its Use instead"
