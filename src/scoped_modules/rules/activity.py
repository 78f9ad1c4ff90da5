"""Activity rule: SM011 no-active-maintainers: no owner made a focused commit in the window.

"When a S0 module no longer has an active set of maintainers, the module will be deprecated."
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import process
from .base import Finding, Rule, RuleContext, severity
from .page import PEOPLE_FILE, UMA_PACKAGE, UMA_PATH, RuleDoc, registry, roster, snippet

if TYPE_CHECKING:
    from ..history.activity import ActivityReport
    from ..registry.model import Registry


class NoActiveMaintainers(Rule):
    """Judges the activity measured from git history (``ctx.activity``; None with
    ``--no-history``, outside git, or on a history too short to judge: nothing is reported)."""

    id = "SM011"
    reads_index = False
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
            "If people still maintain the module, make them owners and add them to the "
            "roster (their focused commits then count); `scoped activity --module uma` shows "
            "who committed what. Otherwise deprecate it: `scoped transition uma --to "
            "deprecated` records the activity snapshot in the history."
        ),
        example=(
            registry(
                'owners = ["alice", "bob", "carol", "dave"]',
                head=f"{PEOPLE_FILE}\n\n[activity]\nwindow_days = 365",
            ),
            roster(("alice",), ("bob",), ("carol",), ("dave",)),
            UMA_PACKAGE,
            snippet(
                f"$ git log --since=1.year --format='%an <%ae>' -- {UMA_PATH}",
                "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
            ),
        ),
        use_instead=(
            registry(
                'owners = ["erin", "frank", "grace", "heidi"]  # committing to uma this year',
                head=PEOPLE_FILE,
            ),
            roster(("erin",), ("frank",), ("grace",), ("heidi",)),
            snippet(
                f"$ git log --since=1.year --format='%an <%ae>' -- {UMA_PATH}",
                """
                Heidi <4104+heidi@users.noreply.github.com>
                Grace <4103+grace@users.noreply.github.com>
                Frank <4102+frank@users.noreply.github.com>
                Erin <4101+erin@users.noreply.github.com>
                """,
            ),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        if ctx.activity is None:
            return ()
        return check_activity(ctx.registry, ctx.activity)


def check_activity(registry: Registry, report: ActivityReport) -> list[Finding]:
    """SM011 for every module of the report whose stage is checked for it (s0, s1)."""
    out: list[Finding] = []
    start = report.window.start.date().isoformat()
    end = report.window.end.date().isoformat()
    need = report.settings.min_focused_commits
    for act in report.modules:
        module = registry.modules.get(act.name)
        level = severity("SM011", act.stage)
        if module is None or not level or act.verdict == "active":
            continue
        if act.owners:
            counts = ", ".join(f"{o.handle} {o.focused_commits}" for o in act.owners)
            who = f"focused commits by owner: {counts}"
        else:
            who = "the module has no owners"
        others = ", ".join(f"{n} ({c})" for n, c in act.top_contributors)
        evidence = (
            f"{act.commits} commit(s) touch the module, {act.focused_commits} focused"
            + (f", {act.bot_commits} by bots" if act.bot_commits else "")
            + (f"; most focused commits: {others}" if others else "")
        )
        many = "a focused commit" if need == 1 else f"{need} focused commits"
        fix = (
            "if people still maintain the module, make them owners (see `scoped activity "
            f"--module {act.name}`); otherwise `scoped transition {act.name} --to deprecated`"
        )
        out.append(
            Finding(
                "SM011",
                level,
                act.name,
                registry.rel_path,
                module.loc("owners")[1] or module.loc("")[1] or None,
                f"no owner of module '{act.name}' has {many} between {start} and {end} ({who})",
                fix,
                evidence=evidence,
            )
        )
    return out
