"""Rule documentation (SPEC §4, STYLE "ruff"): one page per rule, one source for every output."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import shared_file

from scoped_modules.rules.base import RULE_IDS, RULE_NAMES, severity
from scoped_modules.rules.docs import (
    REGENERATE,
    RULE_DOCS,
    SECTIONS,
    lookup,
    render_all_markdown,
    render_doc,
    render_markdown,
    suggest,
)

REPO = Path(__file__).parents[1]


def test_every_rule_has_a_page_with_its_base_name() -> None:
    assert tuple(RULE_DOCS) == RULE_IDS
    for rule_id, doc in RULE_DOCS.items():
        assert doc.id == rule_id
        assert doc.name == RULE_NAMES[rule_id]
        assert doc.summary and "\n" not in doc.summary
        for text in (doc.what, doc.why, doc.fix):
            assert len(text) > 40, (rule_id, text)
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
    for quote in RULE_DOCS[rule_id].quotes:
        assert quote in process, f"{rule_id}: not a sentence of the process RFC: {quote!r}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_severity_section_is_generated_from_the_base_table(rule_id: str) -> None:
    doc = RULE_DOCS[rule_id]
    stages = ("proposed", "s0", "s1", "s2", "deprecated", "removed")
    assert doc.severities == {stage: severity(rule_id, stage) for stage in stages}
    row = "| " + " | ".join(severity(rule_id, s) or "-" for s in stages) + " |"
    assert row in render_markdown(rule_id)
    levels = render_doc(rule_id).split("Severity by stage\n")[1].splitlines()[1].split()
    assert levels == [severity(rule_id, s) or "-" for s in stages]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_examples_are_well_formed(rule_id: str) -> None:
    """TOML snippets parse and Python snippets compile, so a page never shows broken input."""
    doc = RULE_DOCS[rule_id]
    for snippet in (*doc.example, *doc.use_instead):
        assert snippet.text.strip()
        if snippet.language == "toml":
            tomllib.loads(snippet.text)
        elif snippet.language == "python":
            compile(snippet.text, snippet.label, "exec")
    assert len(doc.example[0].text.splitlines()) <= 12


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
    doc = lookup(text)
    assert (doc.id if doc else None) == expected


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


def test_docs_page_is_generated_from_the_docs_module() -> None:
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
