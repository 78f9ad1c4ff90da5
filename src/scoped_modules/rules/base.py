"""The rule interface: a rule is an id, a page and a check (ruff's convention).

Every rule is a subclass of :class:`Rule` that declares its ``id`` (its kebab-case name and its
severity at each stage come from the table of SPEC §4 in :mod:`scoped_modules.finding`), its
documentation page ``doc`` (beside the code that implements it) and ``check(ctx)``, which reads
a :class:`RuleContext` and yields :class:`~scoped_modules.finding.Finding` objects. The list of all
rules, in id order, is :data:`scoped_modules.rules.RULES`: it drives ``scoped check``,
``scoped explain``, the SARIF rule metadata and the JUnit test cases.

A rule that does not define ``check`` yet is documented but not run: :attr:`Rule.checked` is
False and its page says "not yet checked", until the check is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..finding import RULE_NAMES, SEVERITY_ORDER, STAGES, Finding, severity
from .page import RuleDoc

if TYPE_CHECKING:
    from ..history.activity import ActivityReport
    from ..index import Index
    from ..registry.model import Module, Registry
    from .mixed_change import Change

__all__ = [
    "SEVERITY_ORDER",
    "STAGES",
    "EvidenceLoader",
    "Finding",
    "Rule",
    "RuleContext",
    "severity",
]

EvidenceLoader = Callable[[str], tuple[bytes | None, str | None]]
"""``load(root-relative path) -> (bytes, None)`` or ``(None, reason it cannot be read)``."""

T = TypeVar("T")


@dataclass
class RuleContext:
    """Everything a rule may read; rules do no I/O of their own.

    ``index`` is set once the repository is read: rules that declare ``reads_index = False``
    (the governance rules) run before that, while the readers work.
    """

    registry: Registry
    modules: list[Module]  # the modules checked: every stage but rejected and withdrawn
    now: datetime
    load_evidence: EvidenceLoader
    index_: Index | None = None
    notes: list[tuple[str, int, str]] = field(default_factory=list)
    change: Change | None = None  # `check --changed BASE`: what changed since BASE (SM012)
    activity: ActivityReport | None = None  # measured from git history (SM011)
    files: Sequence[str] = ()  # the scanned files, for rules that run without the index
    _shared: dict[Any, Any] = field(default_factory=dict)

    @property
    def index(self) -> Index:
        if self.index_ is None:
            raise RuntimeError("the index is not built yet: set reads_index = True on the rule")
        return self.index_

    def note(self, path: str, line: int, message: str) -> None:
        """A note of the run (something understood only in part, or not reported as a finding)."""
        self.notes.append((path, line, message))

    def shared(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per run for every rule asking with the same ``key`` (for example
        decisions re-counted once for SM010 and SM013)."""
        if key not in self._shared:
            self._shared[key] = compute()
        value: T = self._shared[key]
        return value


class Rule:
    """One rule of SPEC §4. Subclasses set ``id`` and ``doc`` and override :meth:`check`."""

    id: ClassVar[str]
    doc: ClassVar[RuleDoc]
    reads_index: ClassVar[bool] = True

    @property
    def name(self) -> str:
        return RULE_NAMES[self.id]

    @property
    def checked(self) -> bool:
        """Whether ``scoped check`` runs this rule: False until the rule defines :meth:`check`."""
        return type(self).check is not Rule.check

    def severity(self, stage: str) -> str | None:
        """``error``/``warning`` at ``stage``; None when the rule is not checked there."""
        return severity(self.id, stage)

    @property
    def severities(self) -> dict[str, str | None]:
        """Stage -> ``error``/``warning``/None, for the page's "Severity by stage" section."""
        return {stage: self.severity(stage) for stage in STAGES}

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """The findings of this rule for ``ctx.modules``; the base class checks nothing."""
        return ()

    def __repr__(self) -> str:
        return f"<rule {self.id} {self.name}>"
