"""Rule documentation (SPEC §4, STYLE "ruff"): one page per rule, one source for every output.

The rule table is checked against sources independent of the code: a table written here by hand
from SPEC §4, and SPEC §4 itself, parsed from ../shared/SPEC.md when that reference data sits
beside the checkout (tests that need it skip with the reason otherwise).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import shared_file

from scoped_modules.finding import RULE_IDS, RULE_NAMES, STAGES
from scoped_modules.rules import BY_ID, RULES
from scoped_modules.rules.base import Rule
from scoped_modules.rules.docs import (
    NOT_YET_CHECKED,
    REGENERATE,
    SECTIONS,
    lookup,
    render_all_markdown,
    render_doc,
    render_markdown,
    suggest,
)

REPO = Path(__file__).parents[1]

# SPEC §4, copied by hand: id, name, severity at proposed, s0, s1, s2, deprecated, removed
SPEC_TABLE = """
SM001 missing-path          W E E E E -
SM002 overlapping-paths     E E E E E -
SM003 inbound-reference     E E E - E -
SM004 stray-file            W W W - W -
SM005 toggle-missing        W E W - - -
SM006 toggle-undeclared     W E E - - -
SM007 toggle-partial        W E E - - -
SM008 owners-insufficient   W E E E - -
SM009 champion-invalid      W E E - - -
SM010 decision-unsupported  - E E E E E
SM011 no-active-maintainers - W W - - -
SM012 mixed-change          - E W - - -
SM013 unknown-person        E E E E W -
SM014 removal-remnant       - - - - - E
SM015 dependents-too-early  E E - - - -
"""
LEVEL = {"E": "error", "W": "warning", "-": None}
NOT_CHECKED_YET: set[str] = set()  # issue 6, defect 7: every rule runs now


def _table(rows: list[list[str]]) -> dict[str, tuple[str, dict[str, str | None]]]:
    return {
        rid: (name, {stage: LEVEL[level] for stage, level in zip(STAGES, levels, strict=True)})
        for rid, name, *levels in rows
    }


def _spec_rows() -> list[list[str]]:
    """The rows of SPEC §4's table: id, name and one letter per stage (footnote marks dropped)."""
    spec = shared_file("SPEC.md")  # skipped without ../shared, failed in CI
    section = spec.read_text(encoding="utf-8").split("## 4. Rules", 1)[1].split("\n## ", 1)[0]
    header = next(line for line in section.splitlines() if line.startswith("| id |"))
    assert [c.strip() for c in header.strip("|").split("|")][2:8] == list(STAGES)
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if re.fullmatch(r"SM\d{3}", cells[0]):
            rows.append([cells[0], cells[1], *(re.sub(r"[^EW-]", "", c) for c in cells[2:8])])
    return rows


def _code_table() -> dict[str, tuple[str, dict[str, str | None]]]:
    return {r.id: (r.name, r.severities) for r in RULES}


def test_rules_are_the_table_of_the_spec_copied_by_hand() -> None:
    assert _code_table() == _table([line.split() for line in SPEC_TABLE.strip().splitlines()])
    assert [r.id for r in RULES] == list(RULE_IDS) == sorted(RULE_IDS)


def test_rules_are_the_table_of_spec_section_4() -> None:
    rows = _spec_rows()
    assert len(rows) == 15
    assert _code_table() == _table(rows)


def test_every_rule_has_a_page() -> None:
    assert tuple(BY_ID) == RULE_IDS
    for rule in RULES:
        doc = rule.doc
        assert rule.name == RULE_NAMES[rule.id]
        assert doc.summary and "\n" not in doc.summary
        for text in (doc.what, doc.why, doc.fix):
            assert len(text) > 40, (rule.id, text)
        assert doc.quotes and doc.example and doc.use_instead


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_pages_have_every_section_in_order(rule_id: str) -> None:
    for text, heading in (
        (render_doc(rule_id), "\n{}\n"),
        (render_markdown(rule_id), "\n### {}\n"),
    ):
        positions = [text.find(heading.format(section)) for section in SECTIONS]
        assert -1 not in positions, (rule_id, positions)
        assert positions == sorted(positions)
    assert render_doc(rule_id).startswith(f"{rule_id} {RULE_NAMES[rule_id]}\n")


def _process_text() -> str:
    rfc = shared_file("background", "scoped-module-process-rfc.txt")
    return " ".join(rfc.read_text(encoding="utf-8").split())


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_why_quotes_the_process_verbatim(rule_id: str) -> None:
    process = _process_text()
    for quote in BY_ID[rule_id].doc.quotes:
        assert quote in process, f"{rule_id}: not a sentence of the process RFC: {quote!r}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_severity_section_shows_the_spec_table(rule_id: str) -> None:
    _name, levels = _table([line.split() for line in SPEC_TABLE.strip().splitlines()])[rule_id]
    row = "| " + " | ".join(levels[s] or "-" for s in STAGES) + " |"
    assert row in render_markdown(rule_id)
    shown = render_doc(rule_id).split("Severity by stage\n")[1].splitlines()
    assert shown[0].split() == list(STAGES)
    assert shown[1].split() == [levels[s] or "-" for s in STAGES]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_examples_are_well_formed(rule_id: str) -> None:
    """TOML snippets parse and Python snippets compile, so a page never shows broken input;
    whether the rule fires on them is tests/test_rules_examples.py."""
    doc = BY_ID[rule_id].doc
    for snippet in (*doc.example, *doc.use_instead):
        assert snippet.text.strip()
        if snippet.language == "toml":
            tomllib.loads(snippet.text)
        elif snippet.language == "python":
            compile(snippet.text, snippet.label, "exec")
    assert doc.example[0].path == "scoped.toml"
    assert tomllib.loads(doc.example[0].text)["schema"] == 1
    assert len(doc.example[0].text.splitlines()) <= 12


# --- rules that do not run yet (issue 6, defect 7) ------------------------------------------------


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_pages_say_plainly_which_rules_are_not_checked_yet(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    assert rule.checked == (rule_id not in NOT_CHECKED_YET)
    text = " ".join(render_doc(rule_id).split())
    markdown = render_markdown(rule_id)
    if rule.checked:
        assert "not yet checked" not in text.lower() and NOT_YET_CHECKED not in markdown
    else:
        assert text.startswith(f"{rule_id} {rule.name} ")
        assert "Not yet checked: `scoped check` does not run this rule yet" in text
        assert NOT_YET_CHECKED in markdown
        assert f"| [{rule_id}]" in render_all_markdown().split(f"## {rule_id}")[0]


def test_writing_the_check_removes_the_marker() -> None:
    """The marker is a property of the rule: a rule without ``check`` is not checked, and its
    page says so; defining ``check`` removes the marker."""
    written = BY_ID["SM014"]

    class Pending(Rule):
        id = written.id
        doc = written.doc

    pending = Pending()
    assert not pending.checked and written.checked
    assert "Not yet checked" in render_doc(pending) and "Not yet checked" not in render_doc(written)
    assert Rule().checked is False


# --- lookup and the docs page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SM003", "SM003"),
        ("sm003", "SM003"),
        (" Sm003 ", "SM003"),
        ("inbound-reference", "SM003"),
        ("INBOUND_REFERENCE", "SM003"),
        ("toggle-partial", "SM007"),
        ("SM016", None),
        ("inbound", None),
        ("", None),
    ],
)
def test_lookup(text: str, expected: str | None) -> None:
    rule = lookup(text)
    assert (rule.id if rule else None) == expected


def test_suggest_offers_close_ids_and_names() -> None:
    assert "SM003" in suggest("SM03")
    assert suggest("inbound-refs") == ["inbound-reference"]
    assert suggest("zzzzzz") == []


def test_render_doc_rejects_unknown_rules() -> None:
    with pytest.raises(KeyError):
        render_doc("SM999")


def test_explain_text_is_plain_and_fits_a_terminal() -> None:
    text = render_doc("inbound-reference")
    assert "\x1b" not in text
    assert '> "No disruptive change to the rest of the codebase"' in text
    assert "from tvm.contrib import uma" in text
    assert not any(line != line.rstrip() for line in text.splitlines())


def test_docs_page_is_generated_from_the_rule_pages() -> None:
    page = REPO / "docs" / "rules.md"
    expected = render_all_markdown()
    actual = page.read_text(encoding="utf-8") if page.exists() else ""
    assert actual == expected, f"docs/rules.md is out of date; regenerate it with: {REGENERATE}"


def test_docs_page_links_every_rule() -> None:
    page = render_all_markdown()
    for rule_id, name in RULE_NAMES.items():
        assert f"## {rule_id} {name}\n" in page
        assert f"(#{rule_id.lower()}-{name})" in page
    assert re.search(r"^<!-- Regenerate: python -m scoped_modules\.rules\.docs", page, re.M)


def test_module_entry_point_prints_the_docs_page() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scoped_modules.rules.docs"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert out.stdout == render_all_markdown()
    assert out.stderr == ""
