"""The ``summary`` use case: the champion's technical summary of one module, from the facts
``check``, ``deps``, ``status``, ``activity`` and ``vote tally`` report (nothing judged again).

The result is plain data (the JSON of ``scoped summary --format json``); the Markdown renderer
reads the same data.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from ..errors import EnvironmentProblem, ScopedError
from ..readers.facts import language_of
from ..registry.model import Registry, iso
from ..rules.boundary import judged
from .lifecycle import recount_decision
from .options import CheckOptions

LANGUAGES = {"py": "Python", "cpp": "C/C++", "cmake": "CMake", "other": "other"}
AREA_DEPTH = 2  # outbound references are grouped by the first two directories of their target


def _area(path: str) -> str:
    parts = path.split("/")[:-1]
    return "/".join(parts[:AREA_DEPTH]) or "."


def _lines(root: Any, files: list[str]) -> dict[str, int]:
    """Lines per language of the module's files (binary and unreadable files count 0)."""
    out: Counter[str] = Counter()
    for f in files:
        try:
            with open(root / f, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        out[LANGUAGES[language_of(f)]] += data.count(b"\n") + (
            1 if data and not data.endswith(b"\n") else 0
        )
    return {lang: out[lang] for lang in LANGUAGES.values() if out[lang]}


def _decisions(registry: Registry, name: str, now: datetime) -> list[dict[str, Any]]:
    module = registry.modules[name]
    out = []
    for d in module.decisions:
        row: dict[str, Any] = {
            "id": d.id,
            "kind": d.kind,
            "rules": d.rules or registry.project.rules,
            "opened": iso(d.opened),
            "closes": iso(d.closes),
            "recorded": d.result,
            "recounted": None,
            "counts": None,
            "evidence": [e.path for e in d.evidence],
            "links": [],
        }
        rc = recount_decision(registry, module, d, now)
        if rc is not None and rc.result is not None:
            res = rc.result
            row["recounted"] = res.result
            row["counts"] = {"binding": dict(res.binding), "non_binding": dict(res.non_binding)}
            links = [b.source for b in res.ballots if b.source.startswith(("http://", "https://"))]
            row["links"] = sorted(set(links))[:3]
        out.append(row)
    return out


def summarise(
    registry: Registry, name: str, now: datetime | None = None, use_cache: bool = True
) -> dict[str, Any]:
    from ..report.status import status_rows
    from .activity import measure_activity
    from .analyse import build
    from .check import check

    if name not in registry.modules:
        known = ", ".join(sorted(registry.modules)) or "none"
        raise ScopedError(f"unknown module '{name}' (known: {known})")
    now = now or datetime.now(UTC)
    m = registry.modules[name]
    result = check(registry, CheckOptions(use_cache=use_cache, now=now))
    index = build(registry, CheckOptions(use_cache=use_cache, now=now))
    activity = None
    activity_note = None
    try:
        activity = measure_activity(registry, module=name, use_cache=use_cache)
    except EnvironmentProblem as exc:
        activity_note = exc.problems[0].splitlines()[0]
    (row,) = [r for r in status_rows(registry, result, activity) if r["name"] == name]
    files = index.module_files(name)
    inbound = index.inbound(name)
    outbound = index.outbound(name)
    areas: dict[str, dict[str, Any]] = {}
    for r in outbound:
        key = f"module {r.target_module}" if r.target_module else _area(r.target or "")
        a = areas.setdefault(key, {"area": key, "references": 0, "files": set()})
        a["references"] += 1
        a["files"].add(r.path)
    per_entry = {
        entry: len(fs) for (mod, entry), fs in index.membership.entry_files.items() if mod == name
    }
    act = activity.module(name) if activity is not None else None
    return {
        "schema": 1,
        "module": {
            "name": name,
            "stage": m.stage,
            "summary": m.summary,
            "rfc": m.rfc,
            "champion": m.champion,
            "owners": list(m.owners),
        },
        "history": [
            {
                "date": h.date.isoformat(),
                "stage": h.stage,
                "decision": h.decision,
                "reason": h.reason,
            }
            for h in m.history
        ],
        "paths": [{"entry": e, "files": n} for e, n in per_entry.items()],
        "files": len(files),
        "lines": _lines(registry.root, files),
        "toggle": row["toggle"],
        "inbound": {
            "judged": sum(1 for r in inbound if judged(r)),
            "wiring": sum(1 for r in inbound if r.wiring is not None),
            "references": [r.as_json() for r in inbound],
        },
        "outbound": {
            "references": len(outbound),
            "areas": sorted(
                ({**a, "files": len(a["files"])} for a in areas.values()),
                key=lambda a: (-a["references"], a["area"]),
            ),
        },
        "activity": (
            {"rev": activity.rev, "window": activity.window.as_json(), **act.as_json()}
            if activity is not None and act is not None
            else None
        ),
        "activity_note": activity_note,
        "decisions": _decisions(registry, name, now),
        "findings": [f.as_json() for f in result.findings if f.module == name],
        "verdict": row["verdict"],
    }
