"""SM012 mixed-change: one change touches the files of a module and core files.

"Clean isolation of changes from existing modules: when the change touches existing modules,
they should be discussed separately." A pure function over the change (the paths that differ
from the merge base, read by the ``--changed`` use case through git), the registry's modules and
the trailers of the range; it reads no file. Its documentation page is ``RULE_DOCS["SM012"]``
in :mod:`scoped_modules.rules.docs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..index import Membership, all_dirs
from ..registry.model import Module
from .base import Finding, severity

TRAILER = "Scoped-Core-Change"
SHOWN = 10  # core files named in the message; the evidence lists all of them


@dataclass
class Change:
    """What ``--changed BASE`` saw: the range and its files, the trailers acknowledging it."""

    base: str  # as the user wrote it
    merge_base: str  # the commit the change is measured from
    paths: list[str]  # changed paths (root-relative, deleted ones included), sorted
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (commit, URL)


def default_exempt(registry_path: str) -> list[str]:
    """SPEC §2: without ``mixed_change_exempt``, the registry file and Markdown are exempt."""
    return ["/" + registry_path, "*.md"]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:SHOWN])
    more = len(paths) - SHOWN
    return f"{shown} (+{more} more)" if more > 0 else shown


def check_mixed_change(
    modules: Iterable[Module],
    change: Change,
    exempt: Sequence[str],
    scanned: Iterable[str] = (),
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM012 findings (one per module whose files changed together with core files) and notes
    (a module changed together with exempt core files only).

    ``exempt`` holds gitignore-style patterns; ``scanned`` the repository's files (their
    directories tell which module ``paths`` entries without a trailing ``/`` are directories)."""
    import pathspec

    modules = list(modules)
    spec = pathspec.GitIgnoreSpec.from_lines(exempt)
    dirs = all_dirs([*scanned, *change.paths])
    membership = Membership(modules, change.paths, dirs)
    core = [p for p in change.paths if not membership.owner.get(p)]
    blocking = [p for p in core if not spec.match_file(p)]
    exempted = [p for p in core if spec.match_file(p)]
    urls = sorted({url for _commit, url in change.acknowledged})
    findings: list[Finding] = []
    notes: list[tuple[str, int, str]] = []
    for m in modules:
        level = severity("SM012", m.stage)
        mine = [p for p in change.paths if m.name in membership.owner.get(p, ())]
        if not level or not mine or not core:
            continue
        touched = (
            f"the change since {change.base} touches {_count(len(mine), 'file')} of module "
            f"'{m.name}'"
        )
        if not blocking:
            notes.append(
                ("", 0, f"{touched} and exempt core files only: {_names(exempted)} (not SM012)")
            )
            continue
        message = f"{touched} and {_count(len(blocking), 'core file')}: {_names(blocking)}"
        if exempted:
            message += f"; exempt: {_names(exempted)}"
        hint: str | None = (
            "split the core part into its own change, discussed as such; when it was agreed, "
            f"add a commit trailer `{TRAILER}: <URL of the discussion>`"
        )
        if urls:
            level = "note"
            message = f"acknowledged by {TRAILER}: {', '.join(urls)}: {message}"
            hint = None
        findings.append(
            Finding(
                "SM012",
                level,
                m.name,
                blocking[0],
                None,
                message,
                hint,
                evidence="\n".join(blocking),
            )
        )
    return findings, notes
