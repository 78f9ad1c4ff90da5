"""What a module's toggle switches off, read from the index: the static prediction that
``scoped toggles prove --cmake`` compares with the real build, and the toggle state of
``status`` and ``check`` (SPEC §5: ``wired``, ``partial``, ``undeclared``, ``missing``).

Every question "which module sources are built with the toggle off?" goes through
:func:`built_with_toggle_off`, so that the symbolic build model replaces SM007's reading in one
place.
"""

from __future__ import annotations

import dataclasses

from ..index import Index
from ..readers.guards import implies_on
from ..registry.model import Module
from .toggles import check_partial


def built_with_toggle_off(index: Index, module: Module) -> list[str]:
    """The module's C/C++ sources that the build compiles with its toggles off, whatever its
    stage: the sources of SM007's findings."""
    if not module.toggles:
        return []
    judged = dataclasses.replace(module, stage="s0")  # SM007 is checked at s0
    findings, _notes = check_partial(index, judged, index.targeting(module.name))
    return sorted({f.target for f in findings if f.target})


def compiles_to_nothing(index: Index, module: Module, source: str) -> bool:
    """A source whose whole body sits under the module's ``define`` (or ``cmake``) name: built
    with the toggle off, it compiles to nothing (a note, not SM007)."""
    from ..index import toggle_names

    body = index.body_guard(source)
    return body is not None and any(
        implies_on(body, toggle_names(t, "cpp")) for t in module.toggles
    )
