"""``scoped summary``: the champion's technical summary, as JSON or as Markdown that pastes
cleanly into a mailing-list post or a GitHub comment (plain tables, no HTML but one footer)."""

from __future__ import annotations

import json
from typing import Any

from ._common import plural, printable

MAX_ROWS = 20


def render_summary_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2)


def _cell(text: Any) -> str:
    """Table-safe text: one line, pipes escaped."""
    return printable(str(text)).replace("|", "\\|") if text is not None else "n/a"


def _code(text: str) -> str:
    text = printable(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        out.append(f"\n…and {len(rows) - MAX_ROWS} more.")
    return out


def _people(handles: list[str]) -> str:
    return ", ".join(f"@{h}" for h in handles) or "none"


def _stage_line(data: dict[str, Any]) -> str:
    m = data["module"]
    since = next((h for h in reversed(data["history"]) if h["stage"] == m["stage"]), None)
    stage = f"**Stage:** {m['stage']}"
    if since:
        how = f"decision `{since['decision']}`" if since["decision"] else _cell(since["reason"])
        stage += f" since {since['date']} ({how})"
    parts = [stage]
    if m["rfc"]:
        parts.append(f"**RFC:** {m['rfc']}")
    parts.append(f"**Champion:** {_people([m['champion']] if m['champion'] else [])}")
    act = data["activity"]
    active = f" ({act['active_owners']}/{len(m['owners'])} active)" if act else ""
    parts.append(f"**Owners:** {_people(m['owners'])}{active}")
    return " · ".join(parts)


def _code_section(data: dict[str, Any]) -> list[str]:
    lines = data["lines"]
    total = sum(lines.values())
    by_lang = " · ".join(f"{lang} {n:,}" for lang, n in lines.items())
    out = [
        "### Code",
        "",
        f"{plural(data['files'], 'file')}, {plural(total, 'line')}"
        + (f": {by_lang}" if by_lang else "")
        + ".",
        "",
    ]
    out += _table(["path", "files"], [[_code(p["entry"]), str(p["files"])] for p in data["paths"]])
    return out


def _toggle_section(data: dict[str, Any]) -> list[str]:
    t = data["toggle"]
    wiring = data["inbound"]["wiring"]
    if not t["names"]:
        text = "No toggle is declared: the module cannot be switched off yet."
    else:
        names = ", ".join(_code(n) for n in t["names"])
        state = {
            "wired": f"wired: {wiring} guarded reference(s) switch the module on",
            "partial": "partial: parts of the module are built or imported with the toggle off",
            "undeclared": "declared in the registry, but no build option declares it",
            None: "declared; no guarded reference switches the module on yet",
        }.get(t["state"], t["state"])
        text = f"{names}: {state}."
    return ["### Toggle", "", text]


def _inbound_section(data: dict[str, Any]) -> list[str]:
    inbound = data["inbound"]
    refs = [r for r in inbound["references"] if r["wiring"] is None]
    out = ["### What depends on it", ""]
    if not refs:
        out.append(
            "Nothing outside the module references it"
            + (
                f", apart from {inbound['wiring']} guarded reference(s) (its wiring)."
                if inbound["wiring"]
                else "."
            )
        )
        return out
    out.append(
        f"{len(refs)} reference(s) from outside the module are not guarded by its toggle "
        f"({inbound['judged']} judged by SM003; CMake paths are SM007's):"
    )
    out.append("")
    rows = [[_code(f"{r['path']}:{r['line']}"), r["kind"], _code(r["evidence"])] for r in refs]
    return out + _table(["where", "kind", "reference"], rows)


def _outbound_section(data: dict[str, Any]) -> list[str]:
    ob = data["outbound"]
    out = ["### What it uses of the codebase", ""]
    if not ob["areas"]:
        return out + ["No reference from the module to the rest of the codebase."]
    out.append(
        f"{ob['references']} reference(s) from the module to the rest of the codebase, by area:"
    )
    out.append("")
    rows = [
        [
            _code(a["area"]) if not a["area"].startswith("module ") else a["area"],
            str(a["references"]),
            str(a["files"]),
        ]
        for a in ob["areas"]
    ]
    return out + _table(["area", "references", "module files"], rows)


def _activity_section(data: dict[str, Any]) -> list[str]:
    act = data["activity"]
    out = ["### Owners and activity", ""]
    if act is None:
        return out + [f"Activity not measured: {_cell(data['activity_note'])}."]
    w = act["window"]
    out.append(
        f"From {w['start'][:10]} to {w['end'][:10]} at `{act['rev'][:12]}`: {act['commits']} "
        f"commit(s) touch the module, {act['focused_commits']} focused on it"
        + (f", {act['bot_commits']} by bots (not counted)" if act["bot_commits"] else "")
        + f". Verdict: **{act['verdict']}**."
    )
    out.append("")
    rows = [
        [
            f"@{o['handle']}",
            str(o["focused_commits"]),
            o["last_focused"] or "n/a",
            "yes" if o["active"] else "no",
        ]
        for o in act["owners"]
    ]
    if rows:
        out += _table(["owner", "focused commits", "last focused", "active"], rows)
    if act["top_contributors"]:
        others = ", ".join(
            f"{_cell(c['identity'])} ({c['focused_commits']})" for c in act["top_contributors"]
        )
        out += ["", f"Others with focused commits: {others}."]
    return out


def _decisions_section(data: dict[str, Any]) -> list[str]:
    out = ["### Decisions", ""]
    if not data["decisions"]:
        return out + ["No decision is recorded."]
    rows = []
    for d in data["decisions"]:
        c = d["counts"]
        counts = (
            f"{c['binding']['+1']}/{c['binding']['0']}/{c['binding']['-1']}"
            f" ({c['non_binding']['+1']}/{c['non_binding']['0']}/{c['non_binding']['-1']})"
            if c
            else "n/a"
        )
        result = d["recorded"]
        if d["recounted"] is None:
            result += " (not re-counted)"
        elif d["recounted"] != d["recorded"]:
            result += f" (evidence counts {d['recounted']})"
        links = ", ".join(d["links"]) or ", ".join(_code(e) for e in d["evidence"])
        rows.append(
            [
                _code(d["id"]),
                d["kind"],
                f"{d['opened'][:10]} – {d['closes'][:10]}",
                result,
                counts,
                _cell(links),
            ]
        )
    return out + _table(
        ["decision", "kind", "vote", "result", "binding +1/0/-1 (non-binding)", "evidence"], rows
    )


def _findings_section(data: dict[str, Any]) -> list[str]:
    out = ["### Open findings", ""]
    if not data["findings"]:
        return out + [f"None: `scoped check` reports nothing for `{data['module']['name']}`."]
    for f in data["findings"][:MAX_ROWS]:
        place = f"{f['path']}:{f['line']}" if f["line"] else f["path"]
        where = f" {_code(place)}" if f["path"] else ""
        out.append(
            f"- **{f['severity']}** {f['rule']} {f['name']}{where}: {printable(f['message'])}"
        )
    if len(data["findings"]) > MAX_ROWS:
        out.append(
            f"- …and {len(data['findings']) - MAX_ROWS} more (`scoped check --module {data['module']['name']}`)."
        )
    return out


def render_summary_markdown(data: dict[str, Any]) -> str:
    m = data["module"]
    out = [f"## Scoped module `{m['name']}`: state at stage {m['stage']}", ""]
    if m["summary"]:
        out += [f"> {printable(m['summary'])}", ""]
    out += [_stage_line(data), ""]
    if data["history"]:
        out += ["### History", ""]
        out += _table(
            ["date", "stage", "by"],
            [
                [
                    h["date"],
                    h["stage"],
                    f"decision `{h['decision']}`" if h["decision"] else _cell(h["reason"]),
                ]
                for h in data["history"]
            ],
        )
        out.append("")
    for section in (
        _code_section,
        _toggle_section,
        _inbound_section,
        _outbound_section,
        _activity_section,
        _decisions_section,
        _findings_section,
    ):
        out += section(data) + [""]
    out.append(
        f"<sub>Generated by `scoped summary {m['name']}` from the repository's registry, code and history.</sub>"
    )
    return "\n".join(out) + "\n"
