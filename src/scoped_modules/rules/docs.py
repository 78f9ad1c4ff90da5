"""Rendering of the rule pages: the one source of ``scoped explain``, SARIF rule metadata and
``docs/rules.md``.

Each page is data beside the rule that it documents (``Rule.doc``, see
:mod:`scoped_modules.rules.page`); this module only lays it out, as plain text for the terminal
and as Markdown. "Severity by stage" is generated from SPEC §4's table
(:mod:`scoped_modules.finding`), and a rule whose check is not written yet says so plainly.

Regenerate the docs page with ``python -m scoped_modules.rules.docs > docs/rules.md``.
"""

from __future__ import annotations

import difflib
import sys
import textwrap

from . import BY_ID, RULES
from .base import Rule
from .page import Snippet
from .process import SOURCE as PROCESS_SOURCE

SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Severity by stage",
    "How to fix",
    "Example",
    "Use instead",
)
REGENERATE = "python -m scoped_modules.rules.docs > docs/rules.md"
NOT_YET_CHECKED = (
    "Not yet checked: `scoped check` does not run this rule yet, so a clean run says nothing "
    "about it."
)
_WIDTH = 79
_BY_NAME = {rule.name: rule for rule in RULES}


def lookup(text: str) -> Rule | None:
    """The rule for an id (``SM003``, ``sm003``) or name (``inbound-reference``), else None."""
    key = text.strip()
    return BY_ID.get(key.upper()) or _BY_NAME.get(key.lower().replace("_", "-"))


def suggest(text: str) -> list[str]:
    """Close rule ids or names, for a "did you mean" after a failed :func:`lookup`."""
    candidates = {rid.lower(): rid for rid in BY_ID} | {name: name for name in _BY_NAME}
    found = difflib.get_close_matches(text.strip().lower(), candidates, n=3, cutoff=0.6)
    return [candidates[c] for c in found]


def _get(rule: str | Rule) -> Rule:
    if isinstance(rule, Rule):
        return rule
    found = lookup(rule)
    if found is None:
        raise KeyError(f"unknown rule {rule!r}")
    return found


def _wrap(text: str, indent: str = "") -> str:
    """Fill each paragraph of ``text`` for the terminal."""
    return "\n\n".join(
        textwrap.fill(
            " ".join(par.split()),
            width=_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
        for par in text.split("\n\n")
    )


def _severity_rows(rule: Rule) -> tuple[list[str], list[str]]:
    levels = rule.severities
    return list(levels), [levels[stage] or "-" for stage in levels]


def _severity_text(rule: Rule) -> str:
    stages, levels = _severity_rows(rule)
    widths = [max(len(a), len(b)) for a, b in zip(stages, levels, strict=True)]
    line1 = "  ".join(s.ljust(w) for s, w in zip(stages, widths, strict=True)).rstrip()
    line2 = "  ".join(s.ljust(w) for s, w in zip(levels, widths, strict=True)).rstrip()
    out = f"    {line1}\n    {line2}\n\n" + _wrap(
        "`-`: not checked at that stage; modules rejected or withdrawn are never checked.",
        "    ",
    )
    if rule.doc.severity_notes:
        out += "\n\n" + _wrap(rule.doc.severity_notes, "    ")
    return out


def _snippets_text(snippets: tuple[Snippet, ...]) -> str:
    parts = []
    for snip in snippets:
        head = snip.label if snip.is_command else f"{snip.label}:"
        body = textwrap.indent(snip.text, "        ")
        parts.append(f"    {head}\n{body}")
    return "\n\n".join(parts)


def _summary(rule: Rule) -> str:
    return rule.doc.summary if rule.checked else f"{rule.doc.summary}\n\n{NOT_YET_CHECKED}"


def render_doc(rule: str | Rule) -> str:
    """The rule's page as plain text for the terminal (``scoped explain``)."""
    rule = _get(rule)
    doc = rule.doc
    title = f"{rule.id} {rule.name}"
    quotes = "\n    >\n".join(_wrap(f'"{q}"', "    > ") for q in doc.quotes)
    sections = {
        "What it does": _wrap(doc.what, "    "),
        "Why is this bad?": "\n".join(
            (quotes, _wrap(f"— {PROCESS_SOURCE}", "    "), "", _wrap(doc.why, "    "))
        ),
        "Severity by stage": _severity_text(rule),
        "How to fix": _wrap(doc.fix, "    "),
        "Example": _snippets_text(doc.example),
        "Use instead": _snippets_text(doc.use_instead),
    }
    body = "\n\n".join(f"{name}\n{text}" for name, text in sections.items())
    return f"{title}\n{'=' * len(title)}\n{_wrap(_summary(rule))}\n\n{body}"


def _snippets_markdown(snippets: tuple[Snippet, ...]) -> str:
    parts = []
    for snip in snippets:
        if snip.is_command:
            parts.append(f"```console\n{snip.label}\n{snip.text}\n```")
        else:
            path, _, remark = snip.label.partition(" ")
            caption = f"`{path}` {remark}".rstrip()
            parts.append(f"{caption}:\n\n```{snip.language}\n{snip.text}\n```")
    return "\n\n".join(parts)


def _severity_markdown(rule: Rule) -> str:
    stages, levels = _severity_rows(rule)
    out = (
        f"| {' | '.join(stages)} |\n|{'---|' * len(stages)}\n| {' | '.join(levels)} |\n\n"
        "`-`: not checked at that stage; modules `rejected` or `withdrawn` are never checked."
    )
    if rule.doc.severity_notes:
        out += f"\n\n{rule.doc.severity_notes}"
    return out


def render_markdown(rule: str | Rule) -> str:
    """The rule's page as Markdown (the docs page, SARIF ``help.markdown``)."""
    rule = _get(rule)
    doc = rule.doc
    quotes = "\n>\n".join(f'> "{q}"' for q in doc.quotes)
    sections = {
        "What it does": doc.what,
        "Why is this bad?": f"{quotes}\n\n— {PROCESS_SOURCE}\n\n{doc.why}",
        "Severity by stage": _severity_markdown(rule),
        "How to fix": doc.fix,
        "Example": _snippets_markdown(doc.example),
        "Use instead": _snippets_markdown(doc.use_instead),
    }
    body = "\n\n".join(f"### {name}\n\n{text}" for name, text in sections.items())
    summary = doc.summary if rule.checked else f"{doc.summary}\n\n**{NOT_YET_CHECKED}**"
    return f"## {rule.id} {rule.name}\n\n{summary}\n\n{body}\n"


def render_all_markdown() -> str:
    """The whole ``docs/rules.md`` page."""
    index = "\n".join(
        f"| [{r.id}](#{r.id.lower()}-{r.name}) | `{r.name}` | {r.doc.summary}"
        f"{'' if r.checked else ' *(not yet checked)*'} |"
        for r in RULES
    )
    pages = "\n".join(render_markdown(r) for r in RULES)
    return (
        "<!-- Generated from the rule pages in src/scoped_modules/rules/; do not edit. -->\n"
        f"<!-- Regenerate: {REGENERATE} -->\n\n"
        "# Rules\n\n"
        "Each rule of `scoped check` enforces a sentence of the scoped-module process: "
        f"{PROCESS_SOURCE}. `scoped explain RULE` prints a rule's page in the terminal. "
        "Each page's Example is a repository on which the rule fires; Use instead shows the "
        "files that change so that it does not.\n\n"
        "| id | name | reports |\n|---|---|---|\n"
        f"{index}\n\n{pages}"
    )


if __name__ == "__main__":
    sys.stdout.write(render_all_markdown())
