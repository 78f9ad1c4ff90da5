"""The rules of SPEC §4: one :class:`~scoped_modules.rules.base.Rule` per id, each with its page
in the module that implements it (ruff's convention).

:data:`RULES` is the one list that ``scoped check`` runs, ``scoped explain`` and ``docs/rules.md``
document, and the SARIF and JUnit renderers describe.
"""

from __future__ import annotations

from .activity import NoActiveMaintainers
from .base import Rule
from .boundary import DependentsTooEarly, InboundReference
from .changes import MixedChange
from .governance import ChampionInvalid, DecisionUnsupported, OwnersInsufficient, UnknownPerson
from .paths import MissingPath, OverlappingPaths, StrayFile
from .removal import RemovalRemnant
from .toggles import ToggleMissing, TogglePartial, ToggleUndeclared

RULES: tuple[Rule, ...] = (
    MissingPath(),
    OverlappingPaths(),
    InboundReference(),
    StrayFile(),
    ToggleMissing(),
    ToggleUndeclared(),
    TogglePartial(),
    OwnersInsufficient(),
    ChampionInvalid(),
    DecisionUnsupported(),
    NoActiveMaintainers(),
    MixedChange(),
    UnknownPerson(),
    RemovalRemnant(),
    DependentsTooEarly(),
)
BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
