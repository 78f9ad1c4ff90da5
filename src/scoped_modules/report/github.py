"""GitHub Actions workflow commands, one per finding: ``::error file=…,line=…,title=…::message``,
and the job summary (Markdown the CLI appends to ``$GITHUB_STEP_SUMMARY``).

Escaping follows ``@actions/core`` (``toolkit/packages/core/src/command.ts``): in the message
``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D``, ``%0A``; in properties ``:`` and ``,`` also
become ``%3A`` and ``%2C``. Errors come first, because GitHub shows only the first few annotations
of each level per step; a plain summary line ends the output. Control characters from scanned
files are shown as ``\\xNN``, so they cannot restyle the log.
"""

from __future__ import annotations

from ..finding import SEVERITY_ORDER, Finding
from ..result import CheckResult
from ._common import first_line, summary_line, visible

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    props = {}
    if finding.path is not None:
        props["file"] = finding.path
        if finding.line is not None:
            props["line"] = str(finding.line)
    props["title"] = f"{finding.rule} {finding.name}"
    message = [finding.message]
    evidence = first_line(finding.evidence)
    if evidence:
        message.append(evidence)
    if finding.hint:
        message.append(f"hint: {finding.hint}")
    joined = ",".join(f"{key}={escape_property(visible(value))}" for key, value in props.items())
    name = _COMMAND.get(finding.severity, "notice")
    return f"::{name} {joined}::{escape_data(visible(chr(10).join(message)))}"


def render(result: CheckResult, color: bool = False) -> str:
    """``color`` is ignored: workflow commands are read by the runner, not a person."""
    findings = sorted(
        result.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.sort_key())
    )
    return "\n".join([*(command(f) for f in findings), f"scoped: {summary_line(result)}"])


SUMMARY_FINDINGS = 50  # findings listed in the job summary; the table counts all of them


def _cell(text: str) -> str:
    """Markdown table cell text: pipes escaped, markup characters shown literally."""
    flat = " ".join(visible(text).split())
    for ch in "\\`*_[]<>|":
        flat = flat.replace(ch, "\\" + ch)
    return flat


def job_summary(result: CheckResult) -> str:
    """Markdown for the job summary page: counts per module and rule, then the first errors and
    warnings with their places."""
    head = "## scoped check"
    lines = [head, "", summary_line(result), ""]
    counts: dict[tuple[str, str], list[int]] = {}
    column = {"error": 0, "warning": 1, "note": 2}
    for f in sorted(result.findings, key=Finding.sort_key):
        key = (f.module or "(project)", f"{f.rule} {f.name}")
        counts.setdefault(key, [0, 0, 0])[column.get(f.severity, 2)] += 1
    if not counts:
        lines.append("No findings.")
        return "\n".join(lines) + "\n"
    lines += ["| module | rule | errors | warnings | notes |", "|---|---|--:|--:|--:|"]
    for (module, rule), (e, w, n) in counts.items():
        lines.append(f"| {_cell(module)} | {_cell(rule)} | {e} | {w} | {n} |")
    serious = sorted(
        (f for f in result.findings if f.severity in ("error", "warning")),
        key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.sort_key()),
    )
    if serious:
        lines += ["", "| | where | rule | message |", "|---|---|---|---|"]
        for f in serious[:SUMMARY_FINDINGS]:
            where = f.path or ""
            if f.path and f.line:
                where += f":{f.line}"
            icon = ":x:" if f.severity == "error" else ":warning:"
            lines.append(f"| {icon} | {_cell(where)} | {f.rule} | {_cell(f.message)} |")
        more = len(serious) - SUMMARY_FINDINGS
        if more > 0:
            lines += ["", f"… and {more} more (see the annotations or the SARIF upload)."]
    return "\n".join(lines) + "\n"
