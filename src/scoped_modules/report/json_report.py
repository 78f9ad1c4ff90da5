"""``scoped check --format json``: exactly the SPEC §5 object, from ``CheckResult.as_json()``."""

from __future__ import annotations

import json

from ..result import CheckResult


def render(result: CheckResult, color: bool = False) -> str:
    """``color`` is ignored: machine formats are never coloured."""
    return json.dumps(result.as_json(), indent=2)
