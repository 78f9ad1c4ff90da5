"""Removal rule: SM014 removal-remnant (documented; its check is not written yet).

"Can be easily deprecated by removing the related namespaces."
"""

from __future__ import annotations

from . import process
from .base import Rule
from .page import RuleDoc, registry, snippet


class RemovalRemnant(Rule):
    """Not yet checked: defining ``check`` makes ``scoped check`` run it and drops the marker."""

    id = "SM014"
    doc = RuleDoc(
        summary="Something of a removed module is still there.",
        what=(
            "For a module at stage `removed`, reports files still under its paths, "
            "declarations of its toggles or entries in configuration templates still present, "
            "and references still pointing into its paths."
        ),
        quotes=(process.DEPRECATE, process.REMOVAL),
        why=(
            "A removal that leaves an option, a config line or a dangling import behind is not "
            "clean: users still see a switch that does nothing, and the next build or import "
            "of the remaining reference fails."
        ),
        fix=(
            "Delete what is left. `scoped remove NAME` deletes a deprecated module's paths and "
            "records the removal; `--prove CMD` first runs CMD (e.g. the build and tests) in a "
            "temporary worktree without the module."
        ),
        example=(
            registry(
                'toggles = [{ cmake = "USE_UMA" }]', stage="removed", paths=("src/contrib/uma/",)
            ),
            snippet("CMakeLists.txt", 'option(USE_UMA "Build the UMA backend" OFF)'),
        ),
        use_instead=(snippet("CMakeLists.txt", "# no USE_UMA option left"),),
    )
