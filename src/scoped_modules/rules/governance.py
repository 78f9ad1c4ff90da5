"""Governance rules: SM008 owners-insufficient, SM009 champion-invalid, SM010
decision-unsupported, SM013 unknown-person.

Their pages and ids live here, in core; their checks live with the vote-counting code
(:mod:`scoped_modules.governance.decisions`), a scoped module of this project that
``SCOPED_VOTING=0`` switches off (see the project's own scoped.toml). With the toggle off,
``scoped explain SM010`` still works and these rules find nothing; the vote-counting code is
imported only under the toggle. They read the registry and the evidence, not the index, so they
run while the readers work.
"""

from __future__ import annotations

import os
from types import ModuleType

from ..registry.model import Module
from . import process
from .base import Finding, Rule, RuleContext
from .page import PEOPLE_FILE, UMA_PACKAGE, RuleDoc, registry, roster, snippet


def voting() -> ModuleType | None:
    """The checks of the governance rules, or None when ``SCOPED_VOTING=0`` switches them off."""
    if os.environ.get("SCOPED_VOTING", "1") == "1":
        from ..governance import decisions

        return decisions
    return None


class _GovernanceRule(Rule):
    reads_index = False

    def check(self, ctx: RuleContext) -> list[Finding]:
        impl = voting()
        if impl is None:
            return []
        return [f for m in ctx.modules if self.severity(m.stage) for f in self.run(impl, ctx, m)]

    def run(self, impl: ModuleType, ctx: RuleContext, module: Module) -> list[Finding]:
        raise NotImplementedError


def _recounts(impl: ModuleType, ctx: RuleContext, module: Module) -> list:
    """The module's decisions counted again from their evidence, once for SM010 and SM013."""
    return ctx.shared(
        ("recounts", module.name),
        lambda: impl.recount_all(ctx.registry, module, ctx.load_evidence, ctx.now),
    )


_ALICE = ("alice", "committer", "2020-01-01")


class OwnersInsufficient(_GovernanceRule):
    id = "SM008"
    doc = RuleDoc(
        summary="Too few owners are committers.",
        what=(
            "Reports a module with fewer owners holding the `committer` or `pmc` role today "
            "than the rule profile's `min_owner_committers` (4 under the default `tvm-s0` "
            "profile)."
        ),
        quotes=(process.OWNERS,),
        why=(
            "A module nobody with commit rights maintains cannot be reviewed, fixed or kept "
            "building; the process asks for named maintainers before the code lands, not after."
        ),
        severity_notes=(
            "Roles are read as of now (`--now`, else the clock), with the profile of the "
            "module's establish decision, else `project.rules`."
        ),
        fix=(
            "Add committers who maintain the module to `owners`, or correct their roles in the "
            "roster. A module that has lost its maintainers is a candidate for deprecation "
            "(see SM011)."
        ),
        example=(
            registry('owners = ["alice", "bob"]', head=PEOPLE_FILE),
            roster(_ALICE, ("bob",)),
            UMA_PACKAGE,
        ),
        use_instead=(
            registry(
                'owners = ["alice", "bob", "carol", "dave"]  # all committers', head=PEOPLE_FILE
            ),
            roster(
                _ALICE,
                ("bob", "committer", "2021-03-01"),
                ("carol", "committer", "2019-05-01"),
                ("dave", "pmc", "2018-01-01"),
            ),
        ),
    )

    def run(self, impl: ModuleType, ctx: RuleContext, module: Module) -> list[Finding]:
        return impl.check_owners(ctx.registry, module, ctx.now)


class ChampionInvalid(_GovernanceRule):
    id = "SM009"
    doc = RuleDoc(
        summary="The module has no champion, or the champion is not a PMC member.",
        what=(
            "Reports a module without a `champion`, or whose champion does not hold the `pmc` "
            "role today, when the rule profile requires a champion (`require_champion`, true "
            "under the default `tvm-s0` profile)."
        ),
        quotes=(process.CHAMPION,),
        why=(
            "The champion is the PMC member who summarises the proposal and drives upstreaming "
            "and follow-up discussions; without one, nobody on the PMC is accountable for the "
            "module's path forward."
        ),
        severity_notes="Roles are read as of now (`--now`, else the clock).",
        fix="Name a current PMC member as `champion`, or fix the champion's roles in the roster.",
        example=(
            registry('champion = "alice"  # a committer, not on the PMC', head=PEOPLE_FILE),
            roster(_ALICE),
            UMA_PACKAGE,
        ),
        use_instead=(
            registry('champion = "kparzysz-quic"  # holds the pmc role', head=PEOPLE_FILE),
            roster(_ALICE, ("kparzysz-quic", "pmc", "2021-01-01")),
        ),
    )

    def run(self, impl: ModuleType, ctx: RuleContext, module: Module) -> list[Finding]:
        return impl.check_champion(ctx.registry, module, ctx.now)


_BALLOTS = snippet(
    "governance/votes/uma-s0.toml",
    """\
    [[ballot]]
    voter = "ann"
    vote = "+1"
    at = 2022-06-02T10:00:00Z

    [[ballot]]
    voter = "ben"
    vote = "+1"
    at = 2022-06-03T08:30:00Z

    [[ballot]]
    voter = "cho"
    vote = "+1"
    at = 2022-06-05T17:00:00Z
    """,
)
# the pin shown on the page, checked by the test that runs the example (a wrong one is SM010)
_BALLOTS_SHA256 = "f738d46ef57d4ebe72c20a5670a9bd0d3b595c0469868ecc050626364e6b41ac"


class DecisionUnsupported(_GovernanceRule):
    id = "SM010"
    doc = RuleDoc(
        summary="The module's stage is not backed by a passing, re-countable decision.",
        what=(
            "Reports a stage without a passing decision of its kind (s0: `establish`, s1: "
            "`integrate`, s2: `evolve`); a decision whose evidence, counted again, gives "
            "another result than the one recorded; and a pinned evidence file whose sha256 "
            "changed. Unpinned evidence is a warning."
        ),
        quotes=(process.ENDORSE, process.MAJORITY, process.S1_RFC),
        why=(
            "A stage is a community decision, not a line anyone can edit. `scoped` recounts "
            "the votes from the pinned evidence, so editing a recorded `result` cannot win a "
            "vote and a changed mail archive is noticed."
        ),
        severity_notes=(
            "A deprecated module needs a passing `deprecate` decision or a history entry "
            "carrying an activity snapshot with no active owner; a removed module needs a "
            "history entry."
        ),
        fix=(
            "Record the vote with `scoped vote record uma --kind establish --opened T "
            "--closes T EVIDENCE...`, which tallies the evidence and pins each file. When a "
            "recount disagrees, `scoped vote tally --decision ID` shows every ballot and "
            "condition."
        ),
        example=(registry(), UMA_PACKAGE),
        use_instead=(
            registry(
                "",
                "[[modules.uma.decisions]]",
                'id = "uma-s0"',
                'kind = "establish"',
                'rules = "apache-consensus"  # three binding +1, no veto',
                "opened = 2022-06-01T00:00:00Z",
                "closes = 2022-06-08T00:00:00Z",
                f'evidence = [{{ path = "{_BALLOTS.path}", sha256 = "{_BALLOTS_SHA256}" }}]',
                'result = "passed"',
                head=PEOPLE_FILE,
            ),
            roster(
                ("ann", "pmc", "2019-01-01"),
                ("ben", "pmc", "2020-01-01"),
                ("cho", "pmc", "2021-01-01"),
            ),
            _BALLOTS,
        ),
    )

    def run(self, impl: ModuleType, ctx: RuleContext, module: Module) -> list[Finding]:
        recounts = _recounts(impl, ctx, module)
        return impl.check_decisions(ctx.registry, module, recounts)


class UnknownPerson(_GovernanceRule):
    id = "SM013"
    doc = RuleDoc(
        summary="An owner, champion or TOML ballot voter is not in the roster.",
        what=(
            "Reports an owner or champion of a module, or the `voter` of a TOML ballot, whose "
            "handle the roster does not know (handles match case-insensitively). Mail and "
            "GitHub voters outside the roster are community votes, not findings."
        ),
        quotes=(process.OWNERS, process.CHAMPION),
        why=(
            "Roles live in the roster: for a person it does not know, `scoped` cannot tell "
            "whether they are a committer or on the PMC, so a typo silently weakens the "
            "owner and champion checks."
        ),
        fix="Correct the handle, or add the person to the roster with their roles.",
        example=(
            registry('owners = ["alice", "bbo"]', head=PEOPLE_FILE),
            roster(("alice",), ("bob",)),
            UMA_PACKAGE,
        ),
        use_instead=(registry('owners = ["alice", "bob"]', head=PEOPLE_FILE),),
    )

    def run(self, impl: ModuleType, ctx: RuleContext, module: Module) -> list[Finding]:
        recounts = _recounts(impl, ctx, module)
        return impl.check_people(ctx.registry, module, recounts)
