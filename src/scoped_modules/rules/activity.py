"""SM011 no-active-maintainers: no owner made a focused commit in the activity window.

"S0 -> deprecation when a S0 module no longer has an active set of maintainers."
Pure: the activity comes measured (:func:`scoped_modules.history.activity.measure`).
"""

from __future__ import annotations

from ..history.activity import ActivityReport
from ..registry.model import Registry
from .base import Finding, severity


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
