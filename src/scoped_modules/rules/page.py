"""A rule's documentation page as data; :mod:`scoped_modules.rules.docs` renders it.

Pages follow ruff's shape: "What it does", "Why is this bad?" (quoting, verbatim, the sentences
of the scoped-module process the rule enforces, from :mod:`scoped_modules.rules.process`),
"Severity by stage" (generated from SPEC §4's table, never retyped), "How to fix", "Example" and
"Use instead".

The example is a real repository: the files of ``example`` (a registry with ``schema = 1`` and the
files it talks about). "Use instead" lists only the files that change: the example's files with
those replaced or added. The rule fires on the first repository and not on the second, which a
test checks by running ``scoped check`` on both. A snippet whose label starts with ``$`` is a
shell command and its output, not a file of either repository: it says what git history the
repository has (``git diff --name-only BASE`` and ``git log -1``: a change; ``git log
--since=1.year --format='%an <%ae>' -- PATH``: who committed under PATH in the last year), and the
test builds that history and runs the command to check its output.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Snippet:
    """One file of an example repository; ``label`` is its root-relative path (optionally
    followed by a remark in parentheses) or a shell command starting with ``$``."""

    label: str
    text: str

    @property
    def is_command(self) -> bool:
        return self.label.startswith("$")

    @property
    def path(self) -> str | None:
        """The file's root-relative path; None for a shell command."""
        return None if self.is_command else self.label.split()[0]

    @property
    def language(self) -> str:
        head = self.label.split()[0]
        if head == "$":
            return "console"
        if head.endswith(".toml"):
            return "toml"
        if head.endswith((".py", ".pyi")):
            return "python"
        if head.endswith(("CMakeLists.txt", ".cmake")):
            return "cmake"
        if head.endswith((".cc", ".cpp", ".h", ".cu")):
            return "cpp"
        return "text"


def snippet(label: str, text: str) -> Snippet:
    """A snippet from an indented triple-quoted string (dedented, outer blank lines dropped)."""
    return Snippet(label, textwrap.dedent(text).strip("\n"))


@dataclass(frozen=True, slots=True)
class RuleDoc:
    summary: str  # one line
    what: str  # "What it does"
    quotes: tuple[str, ...]  # verbatim sentences of the process the rule enforces
    why: str  # what goes wrong, after the quotes
    fix: str  # "How to fix"
    example: tuple[Snippet, ...]
    use_instead: tuple[Snippet, ...]
    severity_notes: str = ""  # qualifications of the stage table (SPEC §4 footnotes)

    def example_files(self) -> dict[str, str]:
        """The example repository: root-relative path -> text."""
        return _files(self.example)

    def use_instead_files(self) -> dict[str, str]:
        """The repository of "Use instead": the example's files with its snippets applied."""
        return {**self.example_files(), **_files(self.use_instead)}


def _files(snippets: tuple[Snippet, ...]) -> dict[str, str]:
    return {s.path: s.text + "\n" for s in snippets if s.path is not None}


# Builders for the files most examples share. Every example is about a module `uma` (TVM's
# Universal Modular Accelerator interface); the rendered pages show the files in full.

UMA_PATH = "python/tvm/contrib/uma/"
UMA_PACKAGE = Snippet(f"{UMA_PATH}__init__.py", '"""The UMA backend."""')
PEOPLE_FILE = '[people]\nfile = "governance/people.toml"'  # a registry head: the roster's file


def registry(
    *module_lines: str, head: str = "", stage: str = "s0", paths: tuple[str, ...] = (UMA_PATH,)
) -> Snippet:
    """An example's ``scoped.toml``: ``schema = 1``, the tables of ``head``, then module ``uma``
    at ``stage`` with ``paths`` and ``module_lines``."""
    shown = ", ".join(f'"{p}"' for p in paths)
    parts = ["schema = 1", textwrap.dedent(head).strip()] if head else ["schema = 1"]
    module = ["[modules.uma]", f'stage = "{stage}"', f"paths = [{shown}]", *module_lines]
    return Snippet("scoped.toml", "\n\n".join([*parts, "\n".join(module)]))


def roster(*people: tuple[str, ...]) -> Snippet:
    """``governance/people.toml`` with one ``[[person]]`` per ``(handle, role, since)`` (or
    ``(handle,)`` for a person without a role)."""
    tables = []
    for handle, *role in people:
        table = f'[[person]]\nhandle = "{handle}"'
        if role:
            table += f'\nroles = [{{ role = "{role[0]}", since = {role[1]} }}]'
        tables.append(table)
    return Snippet("governance/people.toml", "\n\n".join(tables))
