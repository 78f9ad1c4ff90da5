"""Vote rule profiles (SPEC §6): built-in ones and custom ``[rules.NAME]`` tables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

MAJORITY_CHOICES = ("members", "votes-cast", "none")


@dataclass(frozen=True)
class Profile:
    name: str
    min_binding_plus: int = 4
    majority_of: str = "members"
    ratio: float = 0.0
    veto: bool = False
    min_owner_committers: int = 4
    require_champion: bool = True
    min_hours: float = 72.0


BUILTIN_PROFILES: dict[str, Profile] = {
    "tvm-s0": Profile("tvm-s0"),
    "apache-majority": Profile(
        "apache-majority",
        min_binding_plus=3,
        majority_of="votes-cast",
        min_owner_committers=0,
        require_champion=False,
    ),
    "apache-consensus": Profile(
        "apache-consensus",
        min_binding_plus=3,
        majority_of="none",
        veto=True,
        min_owner_committers=0,
        require_champion=False,
    ),
    "lazy-two-thirds": Profile(
        "lazy-two-thirds",
        min_binding_plus=3,
        majority_of="none",
        ratio=2.0,
        min_owner_committers=0,
        require_champion=False,
    ),
}

PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "min_binding_plus": (int,),
    "majority_of": (str,),
    "ratio": (int, float),
    "veto": (bool,),
    "min_owner_committers": (int,),
    "require_champion": (bool,),
    "min_hours": (int, float),
}


def derive(name: str, base: Profile, overrides: dict[str, Any]) -> Profile:
    """A custom profile: ``base`` with ``overrides`` (already validated)."""
    values = {k: (float(v) if k in ("ratio", "min_hours") else v) for k, v in overrides.items()}
    return replace(base, name=name, **values)  # type: ignore[arg-type]
