"""Change rule: SM012 mixed-change (runs with ``scoped check --changed BASE``).

"Clean isolation of changes from existing modules, when the change touches existing modules,
they should be discussed separately."
"""

from __future__ import annotations

from collections.abc import Iterable

from ..finding import Finding
from . import process
from .base import Rule, RuleContext
from .mixed_change import check_mixed_change
from .page import RuleDoc, registry, snippet


class MixedChange(Rule):
    """Only a run with ``--changed BASE`` has a change to judge (``ctx.change``)."""

    id = "SM012"
    reads_index = False
    doc = RuleDoc(
        summary="One change touches both the module and core files.",
        what=(
            "With `scoped check --changed BASE`, reports a module whose files changed together "
            "with core files that `project.mixed_change_exempt` does not cover (by default the "
            "registry file and `*.md`)."
        ),
        quotes=(process.SEPARATE, process.NO_DISRUPTION),
        why=(
            "A module change is reviewed under the module's relaxed rules; a core change hidden "
            "in it skips the deliberation core changes get. Splitting them keeps each review "
            "honest and each revert clean."
        ),
        severity_notes=(
            "A commit trailer `Scoped-Core-Change: <URL>` in the range acknowledges the core "
            "change: the finding becomes a note quoting the URL."
        ),
        fix=(
            "Split the change: the core part in its own pull request, discussed as such. When "
            "the core part was discussed and agreed, add the trailer `Scoped-Core-Change: "
            "<URL of the discussion>` to a commit of the range."
        ),
        example=(
            registry(),
            snippet("python/tvm/contrib/uma/api.py", '"""The UMA backend API."""'),
            snippet(
                "$ git diff --name-only origin/main",
                """\
                python/tvm/contrib/uma/api.py
                python/tvm/relax/transform.py
                """,
            ),
        ),
        use_instead=(
            snippet(
                "$ git log -1 --format=%B",
                """\
                Register the UMA pass in the relax pipeline

                Scoped-Core-Change: https://discuss.tvm.apache.org/t/uma-pass-hook
                """,
            ),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        if ctx.change is None:
            return ()
        findings, notes = check_mixed_change(
            ctx.modules, ctx.change, ctx.registry.project.mixed_change_exempt, ctx.files
        )
        ctx.notes.extend(notes)
        return findings
