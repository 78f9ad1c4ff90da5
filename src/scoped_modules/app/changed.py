"""``check --changed BASE``: the change since the merge base of BASE and HEAD, and SM012.

The change is every path that differs between the merge base and the working tree (committed,
staged, modified or untracked), so the same command serves a pull request in CI and a commit
about to be made. A ``Scoped-Core-Change: <URL>`` trailer on any commit of ``MERGE_BASE..HEAD``
acknowledges a mixed change.
"""

from __future__ import annotations

from pathlib import Path

from ..adapters.git import changed_paths, merge_base, toplevel, trailer_values
from ..errors import EnvironmentProblem
from ..finding import Finding
from ..registry.model import Registry
from ..rules.mixed_change import TRAILER, Change


def read_change(registry: Registry, base: str) -> Change:
    """What changed since ``base`` (git); an EnvironmentProblem outside git or for a bad BASE."""
    root = registry.root
    top = toplevel(root)
    if top is None:
        raise EnvironmentProblem(f"--changed {base}: {root} is not in a git repository")
    since = merge_base(root, base)
    paths = changed_paths(root, since)
    prefix = _prefix(root, top)
    if prefix:  # the registry's root is below the git top level: keep and re-root its paths
        paths = [p[len(prefix) :] for p in paths if p.startswith(prefix)]
    acknowledged = trailer_values(root, f"{since}..HEAD", TRAILER)
    return Change(base, since, paths, acknowledged)


def _prefix(root: Path, top: Path) -> str:
    try:
        rel = root.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def mixed_change(
    registry: Registry, change: Change, scanned: list[str]
) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    """SM012 through its rule (``rules/changes.py``), after the cached analysis: the change is
    not an input of the result cache."""
    from datetime import UTC, datetime

    from ..rules import BY_ID
    from ..rules.base import RuleContext

    ctx = RuleContext(
        registry,
        list(registry.modules.values()),
        datetime.now(UTC),
        lambda _rel: (None, "no evidence is read by SM012"),
        change=change,
        files=scanned,
    )
    return list(BY_ID["SM012"].check(ctx)), ctx.notes


def in_change(finding: Finding, changed: set[str]) -> bool:
    """``--only-changed``: the finding's file is part of the change."""
    return finding.path is not None and finding.path in changed
