"""``scoped status``: one row per module."""

from __future__ import annotations

import json

from ..history.activity import ActivityReport
from ..registry.model import Registry
from ..result import CheckResult
from .activity import columns


def status_rows(
    registry: Registry, result: CheckResult, activity: ActivityReport | None = None
) -> list[dict]:
    """The rows of SPEC §5; the activity columns stay null without history."""
    rows = []
    by_module = {r.name: r for r in result.modules}
    for m in registry.modules.values():
        row = by_module.get(m.name)
        act = activity.module(m.name) if activity is not None else None
        mine = [f for f in result.findings if f.module == m.name]
        rules = {f.rule for f in mine if f.severity in ("error", "warning")}
        names = sorted({n for t in m.toggles for n in t.names})
        if not m.toggles:
            state = "missing"
        elif "SM006" in rules:
            state = "undeclared"
        elif rules & {"SM007", "SM003"}:
            state = "partial"
        elif row and row.wiring:
            state = "wired"
        else:
            state = None
        rows.append(
            {
                "name": m.name,
                "stage": m.stage,
                "owners": {
                    # no count from a history shorter than the window (SM011 is not evaluated)
                    "active": (
                        act.active_owners
                        if act is not None and activity is not None and not activity.incomplete
                        else None
                    ),
                    "total": len(m.owners),
                },
                "champion": m.champion,
                "toggle": {"names": names, "state": state},
                "inbound": row.inbound if row else 0,
                "last_focused_commit": (
                    act.last_focused.isoformat() if act is not None and act.last_focused else None
                ),
                "verdict": row.status if row else "ok",
            }
        )
    return rows


def render_status_json(rows: list[dict]) -> str:
    return json.dumps({"schema": 1, "modules": rows}, indent=2)


def render_status_text(rows: list[dict]) -> str:
    header = (
        "module",
        "stage",
        "owners",
        "champion",
        "toggle",
        "state",
        "inbound",
        "last focused",
        "verdict",
    )
    table = [header]
    for r in rows:
        active = r["owners"]["active"]
        table.append(
            (
                r["name"],
                r["stage"],
                f"{'n/a' if active is None else active}/{r['owners']['total']}",
                r["champion"] or "n/a",
                ",".join(r["toggle"]["names"]) or "-",
                r["toggle"]["state"] or "n/a",
                str(r["inbound"]),
                r["last_focused_commit"] or "n/a",
                r["verdict"],
            )
        )
    return "\n".join(columns(table)) + "\n"
