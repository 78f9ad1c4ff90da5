"""``scoped remove``: the plan (dry run), the proof's outcome, and what is left after removal."""

from __future__ import annotations

import json

from ..finding import Finding
from ..rules.removal import PlanItem, RemovalPlan


def _items(title: str, items: list[PlanItem], empty: str) -> list[str]:
    out = [f"{title} ({len(items)}):"]
    if not items:
        return [*out, f"  {empty}"]
    for it in items:
        where = f"{it.path}:{it.line}" if it.line else it.path
        out.append(f"  {where}: {it.what}")
        out.append(f"      {it.evidence}")
    return out


def render_plan_text(plan: RemovalPlan) -> str:
    lines = plan.lines or {}
    total = sum(lines.values())
    out = [
        f"removal plan of module '{plan.module}' (stage {plan.stage})",
        "",
        f"files to delete ({len(plan.files)}, {total} lines):",
    ]
    out += [f"  {f} ({lines.get(f, 0)} lines)" for f in plan.files] or ["  none"]
    out.append("")
    out += _items("wiring to edit: guarded references", plan.wiring, "none")
    out += _items("wiring to edit: toggle declarations", plan.declarations, "none")
    out += _items("wiring to edit: config-template entries", plan.config, "none")
    out.append("")
    out += _items(
        "unguarded references that would break",
        plan.breaking,
        "none: nothing else needs the module",
    )
    return "\n".join(out) + "\n"


def _item_json(it: PlanItem) -> dict:
    return {"path": it.path, "line": it.line, "evidence": it.evidence, "what": it.what}


def render_plan_json(plan: RemovalPlan) -> str:
    lines = plan.lines or {}
    return json.dumps(
        {
            "schema": 1,
            "module": plan.module,
            "stage": plan.stage,
            "files": [{"path": f, "lines": lines.get(f, 0)} for f in plan.files],
            "lines": sum(lines.values()),
            "wiring": [_item_json(i) for i in plan.wiring],
            "declarations": [_item_json(i) for i in plan.declarations],
            "config": [_item_json(i) for i in plan.config],
            "breaking": [_item_json(i) for i in plan.breaking],
        },
        indent=2,
    )


def render_leftovers(
    module: str, findings: list[Finding], notes: list[tuple[str, int, str]]
) -> str:
    """What SM014 finds after the removal: the work left to do by hand."""
    if not findings and not notes:
        return f"nothing of module '{module}' is left (SM014 finds no remnant)\n"
    out = [f"left to clean by hand ({len(findings)}):"] if findings else []
    for f in sorted(findings, key=Finding.sort_key):
        where = f"{f.path}:{f.line}" if f.line else (f.path or "")
        out.append(f"  {where}: {f.message}")
        if f.evidence:
            out.append(f"      {f.evidence}")
    if notes:
        out.append(f"notes ({len(notes)}):")
        out += [f"  {p}:{line}: {msg}" if line else f"  {p}: {msg}" for p, line, msg in notes]
    return "\n".join(out) + "\n"
