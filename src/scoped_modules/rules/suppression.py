"""Inline suppressions (SPEC §5): ``# scoped: ignore[SM003] reason`` on the referencing line.

Pure: the caller hands over file texts. A suppression counts only inside a real comment of the
file's own syntax (Python and TOML ``#``, C/C++ ``//`` and ``/* */``, CMake ``#`` and ``#[[ ]]``),
found with the readers' comment blankers, so the marker quoted in a string, a docstring or a test
fixture is never taken for one. Files of other kinds (a module's ``references`` patterns match in
any file) accept the marker after ``#``, ``//``, ``/*``, ``--``, ``;`` or ``<!--`` on the line,
but are never reported as stale: their syntax is not known well enough to be sure.

A suppression must give a reason; one without a reason suppresses nothing and is an error, and
so is one that suppresses nothing (stale), so the comments cannot outlive what they excuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..readers.facts import language_of
from .base import RULE_NAMES, Finding

# what `git grep` looks for: a pattern without special characters, which git matches as a fixed
# string (on 1.6 GB, 0.3 s of CPU against 14 s for the marker as an extended regular
# expression); the lines it finds are then matched with CANDIDATE
GREP_FIXED = "scoped:"
CANDIDATE = re.compile(r"scoped:\s*ignore\[")
_MARKER = re.compile(r"scoped:\s*ignore\[([^\]]*)\]\s*(.*)")
_OTHER_COMMENT = re.compile(r"(?:#|//|/\*|--|;|<!--)[^\n]*?(scoped:\s*ignore\[[^\n]*)")
_RULE = re.compile(r"SM\d{3}\Z")
_TRAILING = re.compile(r"\s*(?:\*/|-->)\s*\Z")


def _blanker(syntax: str) -> Callable[[str], str] | None:
    """The readers' comment blanker for a syntax (imported only when a file needs it)."""
    if syntax in ("py", "toml"):  # TOML strings and `#` comments lex like Python's
        from ..readers.python import blank_comments_py

        return blank_comments_py
    if syntax == "cpp":
        from ..readers.cpp import blank_comments_cpp

        return blank_comments_cpp
    if syntax == "cmake":
        from ..readers.cmake import blank_comments_cmake

        return blank_comments_cmake
    return None


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    rules: tuple[str, ...]  # rule ids, upper case
    reason: str  # empty when none was given
    unknown: tuple[str, ...] = ()  # bracket items that are no rule id
    known_syntax: bool = True  # found by the file's own comment syntax
    first_line: int = 0  # the statement the comment ends starts here (Python); 0: ``line``

    @property
    def lines(self) -> tuple[int, ...]:
        """The lines whose findings it suppresses: its own, and for a comment after a Python
        statement spanning lines (``from x import (\n a,\n)  # scoped: ...``), each of them."""
        if self.first_line and self.first_line < self.line:
            return tuple(range(self.first_line, self.line + 1))
        return (self.line,)


def syntax_of(path: str) -> str:
    """``py``, ``toml``, ``cpp``, ``cmake`` or ``other``."""
    if path.endswith(".toml"):
        return "toml"
    return language_of(path)


def comments_by_line(text: str, syntax: str, lines: Iterable[int]) -> dict[int, str]:
    """The comment text on each of ``lines`` (1-based) that carries the suppression marker."""
    wanted = sorted(set(lines))
    raw = text.split("\n")
    out: dict[int, str] = {}
    blank = _blanker(syntax)
    if blank is None:
        for n in wanted:
            if 1 <= n <= len(raw):
                m = _OTHER_COMMENT.search(raw[n - 1])
                if m:
                    out[n] = m.group(1)
        return out
    if not any(1 <= n <= len(raw) and "scoped:" in raw[n - 1] for n in wanted):
        return out
    blanked = blank(text).split("\n")
    if len(blanked) != len(raw):  # a blanker must keep lines; never guess when it did not
        return out
    for n in wanted:
        if not 1 <= n <= len(raw):
            continue
        line, kept = raw[n - 1], blanked[n - 1]
        if len(line) != len(kept) or line == kept:
            continue
        diff = [i for i, (a, b) in enumerate(zip(line, kept, strict=True)) if a != b]
        comment = line[diff[0] : diff[-1] + 1]
        at = comment.find("scoped:")
        if at >= 0:
            out[n] = comment[at:]
    return out


def parse(path: str, line: int, comment: str, known_syntax: bool = True) -> Suppression | None:
    """The suppression a comment (from the marker on) states, or None when it states none."""
    m = _MARKER.match(comment)
    if not m:
        return None
    items = [i.strip() for i in m.group(1).replace(";", ",").split(",") if i.strip()]
    by_name = {name: rid for rid, name in RULE_NAMES.items()}
    rules: list[str] = []
    unknown: list[str] = []
    for item in items:
        rid = item.upper() if _RULE.match(item.upper()) else by_name.get(item.lower())
        if rid is None or rid not in RULE_NAMES:
            unknown.append(item)
        elif rid not in rules:
            rules.append(rid)
    reason = _TRAILING.sub("", m.group(2)).strip()
    return Suppression(path, line, tuple(rules), reason, tuple(unknown), known_syntax)


def _statement_starts(text: str, lines: set[int]) -> dict[int, int]:
    """For each of ``lines`` that ends a Python statement spanning several lines, the line the
    statement starts on (Python's own tokenizer; nothing when it cannot read the file)."""
    import io
    import tokenize

    out: dict[int, int] = {}
    start = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            if tok.type == tokenize.NEWLINE:
                if start and tok.start[0] in lines and start < tok.start[0]:
                    out[tok.start[0]] = start
                start = 0
            elif not start:
                start = tok.start[0]
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return out


def _cmake_command_starts(text: str, lines: set[int]) -> dict[int, int]:
    """For each of ``lines`` inside a CMake command spanning several lines, the line the command
    starts on (a finding of a building command sits at its first line)."""
    from ..readers.cmake import blank_comments_cmake

    code = blank_comments_cmake(text)
    out: dict[int, int] = {}
    line, depth, start, i, n = 1, 0, 0, 0, len(code)
    while i < n:
        c = code[i]
        if c == "\n":
            line += 1
        elif c == '"':
            i += 1
            while i < n and code[i] != '"':
                if code[i] == "\\":
                    i += 1
                elif code[i] == "\n":
                    line += 1
                i += 1
        elif c == "(":
            if depth == 0:
                start = line
            depth += 1
        elif c == ")" and depth:
            depth -= 1
            if depth == 0 and line > start:
                for ln in lines:
                    if start < ln <= line:
                        out[ln] = start
        i += 1
    return out


def find_in_text(path: str, text: str, lines: Iterable[int]) -> list[Suppression]:
    """The suppressions on ``lines`` of one file's ``text``."""
    syntax = syntax_of(path)
    found = []
    comments = comments_by_line(text, syntax, lines)
    starts: dict[int, int] = {}
    if comments and syntax == "py":
        starts = _statement_starts(text, set(comments))
    elif comments and syntax == "cmake":
        starts = _cmake_command_starts(text, set(comments))
    for n, comment in sorted(comments.items()):
        s = parse(path, n, comment, syntax != "other")
        if s is not None:
            found.append(replace(s, first_line=starts.get(n, 0)))
    return found


def apply_suppressions(
    findings: list[Finding], suppressions: Iterable[Suppression], active: Callable[[str], bool]
) -> tuple[list[Finding], list[Finding], list[tuple[str, int, str]]]:
    """(findings with the suppressed ones turned into notes, errors, notes) about suppressions.

    A finding is suppressed by a suppression with a reason on its own line naming its rule. The
    errors: a suppression without a reason, and a rule named that has no finding on that line
    (stale). Rules that did not run (``active`` says False: not selected, ignored, governance
    off) are never stale. A bracket item that is no rule id is a note: it suppresses nothing."""
    listed = list(suppressions)
    at: dict[tuple[str, int], Suppression] = {}
    for sup in listed:
        for n in sup.lines:
            at.setdefault((sup.path, n), sup)
    used: set[tuple[str, int, str]] = set()
    out: list[Finding] = []
    for f in findings:
        s = at.get((f.path, f.line)) if f.path and f.line else None
        if s is None or f.rule not in s.rules:
            out.append(f)
            continue
        used.add((s.path, s.line, f.rule))
        if not s.reason:
            out.append(f)
            continue
        out.append(
            Finding(
                f.rule,
                "note",
                f.module,
                f.path,
                f.line,
                f"suppressed ({s.reason}): {f.message}",
                None,
                f.kind,
                f.type_checking,
                f.evidence,
                f.target,
            )
        )
    problems: list[Finding] = []
    notes: list[tuple[str, int, str]] = []
    for s in sorted(listed, key=lambda s: (s.path, s.line)):
        marker = f"scoped: ignore[{','.join(s.rules)}]"
        for item in s.unknown:
            notes.append(
                (
                    s.path,
                    s.line,
                    f"'{item}' in a `scoped: ignore[...]` comment is not a rule id "
                    "such as SM003 (or a rule name); it suppresses nothing",
                )
            )
        for rid in s.rules:
            if not s.reason and (s.path, s.line, rid) in used:
                problems.append(
                    _problem(
                        s,
                        rid,
                        f"`{marker}` gives no reason, so it suppresses nothing; say why after "
                        "the bracket",
                    )
                )
            elif (s.path, s.line, rid) not in used and s.known_syntax and active(rid):
                problems.append(
                    _problem(
                        s,
                        rid,
                        f"stale suppression: no {rid} finding on this line; remove `{marker}`",
                    )
                )
    return out, problems, notes


def _problem(s: Suppression, rule: str, message: str) -> Finding:
    return Finding(
        rule,
        "error",
        None,
        s.path,
        s.line,
        message,
        "a suppression names the rule and says why: `# scoped: ignore[SM003] <reason>`",
        evidence=f"scoped: ignore[{','.join(s.rules)}] {s.reason}".rstrip(),
    )
