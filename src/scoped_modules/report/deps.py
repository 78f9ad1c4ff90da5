"""``scoped deps`` output: a module's inbound and outbound references."""

from __future__ import annotations

import json

from ..index import Reference


def render_deps_json(module: str, inbound: list[Reference], outbound: list[Reference]) -> str:
    return json.dumps(
        {
            "schema": 1,
            "module": module,
            "inbound": [r.as_json() for r in inbound],
            "outbound": [r.as_json() for r in outbound],
        },
        indent=2,
    )


def _mark(r: Reference) -> str:
    return f"wiring: {r.wiring}" if r.wiring else ("type-checking" if r.type_checking else "")


def _section(title: str, refs: list[Reference], who: str) -> list[str]:
    """One line per reference; the files one command line names together (a directory, a
    glob, a variable holding a list) are one line with their count."""
    lines = [f"{title} ({len(refs)})"]
    if not refs:
        lines.append("  none")
    current = None
    groups: dict[tuple, list[Reference]] = {}
    for r in refs:
        groups.setdefault((r.path, r.line, r.kind, r.evidence, _mark(r)), []).append(r)
    for (path, line, kind, evidence, mark), group in groups.items():
        r = group[0]
        if path != current:
            current = path
            owner = r.source_module if who == "source" else (r.target_module or None)
            lines.append(
                f"  {path}" + (f"  [{owner}]" if owner else "  [core]" if who == "source" else "")
            )
        if len(group) == 1:
            target = f" -> {r.target}" if r.target else ""
        else:
            shown = ", ".join(g.target or "" for g in group[:2])
            more = f", ... ({len(group) - 2} more)" if len(group) > 2 else ""
            target = f" -> {len(group)} files: {shown}{more}"
        lines.append(
            f"    {line:>5}  {kind:<17} {evidence}{target}" + (f"  ({mark})" if mark else "")
        )
    return lines


def render_deps_text(module: str, inbound: list[Reference], outbound: list[Reference]) -> str:
    wiring = sum(1 for r in inbound if r.wiring)
    lines = [
        f"module {module}: {len(inbound)} inbound ({wiring} wiring), {len(outbound)} outbound",
        "",
    ]
    lines += _section("inbound", inbound, "source")
    lines.append("")
    lines += _section("outbound", outbound, "target")
    return "\n".join(lines) + "\n"
