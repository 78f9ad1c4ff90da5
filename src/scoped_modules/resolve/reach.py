"""Guards carried down a build's tree of files (Meson ``subdir()``, Maven ``<module>``)."""

from __future__ import annotations

from ..readers.guards import Guard, conj, disj


def reach_guards(
    roots: list[str], children: dict[str, list[tuple[str, Guard]]]
) -> dict[str, Guard]:
    """The condition under which each file is part of the build: None for the roots; for a
    file reached from others, the OR over every edge of (its parent's condition AND the edge's
    guard). Breadth first; a file is expanded once (both build systems forbid entering a file
    twice), later edges still widen its own condition."""
    reach: dict[str, Guard] = dict.fromkeys(roots)
    order = list(roots)
    seen = set(order)
    i = 0
    while i < len(order):
        parent = order[i]
        i += 1
        for child, g in children.get(parent, ()):
            via = conj(reach[parent], g)
            reach[child] = via if child not in reach else disj(reach[child], via)
            if child not in seen:
                seen.add(child)
                order.append(child)
    return reach
