"""Dependency rules: SM003 inbound-reference, SM015 dependents-too-early.

"No disruptive change to the rest of the codebase" and "can be easily deprecated by removing the
related namespaces": nothing outside a module may depend on it, except through its toggle.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..index import Index, Reference
from ..readers.facts import BUILD_PATH_KINDS
from ..registry.model import Module
from . import process
from .base import Finding, Rule, RuleContext, severity
from .page import UMA_PACKAGE, RuleDoc, registry, snippet

VERBS = {
    "python-import": "imports",
    "python-dynamic": "imports (dynamically)",
    "python-attribute": "uses",
    "cpp-include": "includes",
    "pattern": "refers to",
    "tablegen-include": "includes",
    "swig-include": "includes",
    "meson-path": "names paths of",
    "jvm-import": "imports",
    "jvm-name": "uses",
    "build-dependency": "depends on",
}
HINT = "move the code into the module, guard it with the toggle, or integrate through an S1 RFC"
BREAKS = "deleting the module would break it"
OPTIONAL = "optional import: deleting the module leaves dead code here"
OPTIONAL_INCLUDE = (
    "optional include (under __has_include): deleting the module leaves dead code here"
)


def judged(ref: Reference) -> bool:
    """A reference SM003 judges: not wiring, not a build path (SM007's business), and not in
    a CMake file that only an add_subdirectory()/include() the model could not evaluate may
    reach (whether CMake processes it is unknown: a note, see :func:`blind_notes`)."""
    return ref.wiring is None and ref.kind not in BUILD_PATH_KINDS and not ref.blind


def _who(ref: Reference) -> str:
    return "core file" if ref.source_module is None else f"file of module '{ref.source_module}'"


def blind_notes(index: Index, module: Module, inbound: list[Reference]) -> list[tuple]:
    """The notes for references SM003 would judge but for their CMake file's reachability."""
    out = []
    for ref in inbound:
        if ref.blind and ref.wiring is None and ref.kind not in BUILD_PATH_KINDS:
            through = index.build.reached_only_through(ref.path) if index.build else ""
            out.append(
                (
                    ref.path,
                    ref.line,
                    f"{_who(ref)} {VERBS.get(ref.kind, 'references')} module '{module.name}' without "
                    f"the toggle, {through}: not judged (SM003)",
                )
            )
    return out


def _allowed_by_dependents(module: Module, path: str) -> str | None:
    for d in module.dependents:
        p = d.path
        if path == p or path.startswith(p.rstrip("/") + "/"):
            return d.rfc
    return None


def check_inbound(index: Index, module: Module, inbound: list[Reference]) -> list[Finding]:
    """SM003 for one module. An import under ``if TYPE_CHECKING:`` and an optional import
    (inside ``try:`` whose handler catches ImportError) are warnings: deleting the module breaks
    neither, the first is gone at run time and the second leaves dead code."""
    level = severity("SM003", module.stage)
    if not level:
        return []
    out = []
    for ref in inbound:
        if not judged(ref):
            continue
        if module.stage in ("s1", "s2") and _allowed_by_dependents(module, ref.path):
            continue
        soft = ref.type_checking or ref.optional
        sev = "warning" if soft and level == "error" else level
        verb = VERBS.get(ref.kind, "references")
        if ref.type_checking:
            what = f" (only under TYPE_CHECKING); {BREAKS}"
        elif ref.optional:
            what = f"; {OPTIONAL_INCLUDE if ref.kind == 'cpp-include' else OPTIONAL}"
        else:
            what = f"; {BREAKS}"
        out.append(
            Finding(
                "SM003",
                sev,
                module.name,
                ref.path,
                ref.line,
                f"{_who(ref)} {verb} module '{module.name}'{what}",
                HINT,
                kind=ref.kind,
                type_checking=ref.type_checking,
                evidence=ref.evidence,
                target=ref.target,
            )
        )
    return out


def check_dependents_stage(index: Index, module: Module) -> list[Finding]:
    level = severity("SM015", module.stage)
    if not level or not module.dependents:
        return []
    _f, line, _c = module.loc("dependents")
    return [
        Finding(
            "SM015",
            level,
            module.name,
            index.registry.rel_path,
            line or None,
            f"module '{module.name}' is at stage {module.stage} but declares dependents; only S1 and "
            "later modules may be depended on",
            "remove `dependents` until an integrate decision moves the module to s1",
            evidence=", ".join(d.path for d in module.dependents),
        )
    ]


class InboundReference(Rule):
    id = "SM003"
    doc = RuleDoc(
        summary="A file outside the module references a file inside it.",
        what=(
            "Reports a reference from a file outside the module (core or another module) to a "
            "file inside it that is not wiring, i.e. not guarded by one of the module's toggles. "
            "Every kind of reference counts: Python imports (also dynamic ones and dotted "
            "attribute chains), C/C++ includes and matches of the module's `references` "
            "patterns; CMake path references are left to SM007. Wiring is reported by "
            "`scoped deps`, never as a finding."
        ),
        quotes=(process.NO_DISRUPTION, process.REMOVAL),
        why=(
            "Each inbound reference is a place where the rest of the codebase depends on the "
            "module: turning its toggle off or deleting its namespace breaks that file. An "
            "S0 module earns its quick acceptance by promising that nothing depends on it."
        ),
        severity_notes=(
            "Imports under `if TYPE_CHECKING:` are warnings, and so are optional imports (inside "
            "`try:` with a handler for `ImportError`, `ModuleNotFoundError` or `Exception`) and "
            "optional includes (an `#include` under `#if __has_include` of the same header): "
            "deleting the module leaves dead code there rather than breaking the file. A "
            "pattern match in a CMake file that only an add_subdirectory()/include() the CMake "
            "model cannot evaluate may reach is a note: whether CMake processes it is unknown. "
            "From s1 "
            "on, references from paths declared in the module's `dependents` (each with the RFC "
            "that allowed it) are not reported; at s2 the rule is not checked."
        ),
        fix=(
            "Move the referencing code into the module, or guard the reference with the "
            "module's toggle so that it becomes wiring. An integration into existing flows is "
            "an S1 change: it needs its own RFC, after which the referencing path is declared "
            "in `dependents`. `scoped deps uma` lists every inbound reference."
        ),
        example=(
            registry(
                'toggles = [{ env = "USE_UMA" }]',
                head='[project]\npython_roots = ["python"]',
            ),
            UMA_PACKAGE,
            snippet("python/tvm/relax/transform.py (core)", "from tvm.contrib import uma"),
        ),
        use_instead=(
            snippet(
                "python/tvm/relax/transform.py (core)",
                """\
                import os

                if os.environ.get("USE_UMA") == "1":
                    from tvm.contrib import uma
                """,
            ),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in ctx.modules:
            inbound = ctx.index.inbound(m.name)
            if severity("SM003", m.stage):
                for note in blind_notes(ctx.index, m, inbound):
                    ctx.note(*note)
            yield from check_inbound(ctx.index, m, inbound)


_DEPENDENT = 'dependents = [{{ path = "python/tvm/relax/transform.py", rfc = "{}" }}]'


class DependentsTooEarly(Rule):
    id = "SM015"
    doc = RuleDoc(
        summary="A module declares dependents before stage s1.",
        what="Reports a `proposed` or `s0` module that declares `dependents`.",
        quotes=(process.LATER_RFC, process.S1_RFC),
        why=(
            "`dependents` record the places an S1 integration RFC allowed to depend on the "
            "module. Before s1 no such RFC has passed, and the references stay SM003 findings "
            "anyway: declaring them early only pretends an integration was approved."
        ),
        fix=(
            "Remove `dependents` until the integration RFC passes; then record the `integrate` "
            "decision, run `scoped transition uma --to s1` and declare each dependent with "
            "that RFC."
        ),
        example=(
            registry(_DEPENDENT.format("")),
            UMA_PACKAGE,
        ),
        use_instead=(
            registry(_DEPENDENT.format("https://github.com/apache/tvm-rfcs/pull/99"), stage="s1"),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in ctx.modules:
            yield from check_dependents_stage(ctx.index, m)
