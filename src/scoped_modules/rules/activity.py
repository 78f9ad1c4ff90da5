"""Activity rule: SM011 no-active-maintainers (documented; its check is not written yet).

"When a S0 module no longer has an active set of maintainers, the module will be deprecated."
"""

from __future__ import annotations

from . import process
from .base import Rule
from .page import UMA_PACKAGE, RuleDoc, registry, snippet


class NoActiveMaintainers(Rule):
    """Not yet checked: defining ``check`` makes ``scoped check`` run it and drops the marker."""

    id = "SM011"
    doc = RuleDoc(
        summary="No owner of the module was active in the activity window.",
        what=(
            "Reports a module none of whose owners made at least `min_focused_commits` focused "
            "commits (commits with at least `focus` of their changed files in the module) in "
            "the last `window_days` of history. It needs git history; `--no-history` skips it."
        ),
        quotes=(process.INACTIVE,),
        why=(
            "An unmaintained module still costs the project: it must keep building, its users "
            "get no fixes, and it blocks refactors of the code around it. Tree-wide commits do "
            "not count, so a module cannot look maintained because of someone else's rename."
        ),
        fix=(
            "If people still maintain the module, make them owners (their focused commits "
            "then count); `scoped activity --module uma` shows who committed what. Otherwise "
            "deprecate it: `scoped transition uma --to deprecated` records the activity "
            "snapshot in the history."
        ),
        example=(
            registry(
                'owners = ["alice", "bob", "carol", "dave"]', head="[activity]\nwindow_days = 365"
            ),
            UMA_PACKAGE,
            snippet(
                "$ git log --since=1.year --format=%an -- python/tvm/contrib/uma/",
                "dependabot[bot]",
            ),
        ),
        use_instead=(
            registry('owners = ["erin", "frank", "grace", "heidi"]  # committing to uma this year'),
        ),
    )
