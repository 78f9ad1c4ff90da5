"""Dependency rules: SM003 inbound-reference, SM015 dependents-too-early.

"No disruptive change to the rest of the codebase" and "can be easily deprecated by removing the
related namespaces": nothing outside a module may depend on it, except through its toggle.
"""

from __future__ import annotations

from ..index import Index, Reference
from ..readers.facts import BUILD_PATH_KINDS
from ..registry.model import Module
from .base import Finding, severity

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


def judged(ref: Reference) -> bool:
    """A reference SM003 judges: not wiring and not a build path (SM007's business)."""
    return ref.wiring is None and ref.kind not in BUILD_PATH_KINDS


def _allowed_by_dependents(module: Module, path: str) -> str | None:
    for d in module.dependents:
        p = d.path
        if path == p or path.startswith(p.rstrip("/") + "/"):
            return d.rfc
    return None


def check_inbound(index: Index, module: Module, inbound: list[Reference]) -> list[Finding]:
    level = severity("SM003", module.stage)
    if not level:
        return []
    out = []
    for ref in inbound:
        if not judged(ref):
            continue
        if module.stage in ("s1", "s2") and _allowed_by_dependents(module, ref.path):
            continue
        sev = "warning" if ref.type_checking and level == "error" else level
        who = "core file" if ref.source_module is None else f"file of module '{ref.source_module}'"
        verb = VERBS.get(ref.kind, "references")
        extra = ""
        if ref.type_checking:
            extra = " (only under TYPE_CHECKING)"
        elif ref.optional:
            extra = " (optional import: guarded by try/except ImportError, but not by the toggle)"
        out.append(
            Finding(
                "SM003",
                sev,
                module.name,
                ref.path,
                ref.line,
                f"{who} {verb} module '{module.name}'{extra}; deleting the module would break it",
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
