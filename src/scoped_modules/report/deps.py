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


def _section(title: str, refs: list[Reference], who: str) -> list[str]:
    lines = [f"{title} ({len(refs)})"]
    if not refs:
        lines.append("  none")
    current = None
    for r in refs:
        if r.path != current:
            current = r.path
            owner = r.source_module if who == "source" else (r.target_module or None)
            lines.append(
                f"  {r.path}" + (f"  [{owner}]" if owner else "  [core]" if who == "source" else "")
            )
        mark = f"wiring: {r.wiring}" if r.wiring else ("type-checking" if r.type_checking else "")
        target = f" -> {r.target}" if r.target else ""
        lines.append(
            f"    {r.line:>5}  {r.kind:<17} {r.evidence}{target}" + (f"  ({mark})" if mark else "")
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
