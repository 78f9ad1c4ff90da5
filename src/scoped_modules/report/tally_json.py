"""``scoped vote tally --format json``: the SPEC §6 object, one ballot or ignored entry a line.

``json.dumps(indent=2)`` runs the pure-Python encoder, which costs more than the whole tally of
a 50,000-comment export; here each list item goes through the C encoder on a line of its own,
which stays readable and diff-friendly.
"""

from __future__ import annotations

import json
from typing import Any

_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def dumps(doc: dict[str, Any]) -> str:
    """``doc`` as JSON: top-level keys on their own lines, list items one a line."""
    parts = []
    for key, value in doc.items():
        head = f"  {json.dumps(key)}: "
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_compact(v)}" for v in value)
            parts.append(f"{head}[\n{items}\n  ]")
        else:
            parts.append(head + _compact(value))
    return "{\n" + ",\n".join(parts) + "\n}"
