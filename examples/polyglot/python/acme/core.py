"""Core tensor operations.

Example (not code, so not a reference)::

    import acme.contrib.fastmath
    from acme.contrib.accel import device
"""

from typing import TYPE_CHECKING

import acme.contrib.legacy_io.reader

from .libinfo import libinfo

# from acme.contrib.accel import device   <- a comment, not a reference

if TYPE_CHECKING:
    from acme.contrib.legacy_io.reader import Reader  # noqa: F401  typing only: a warning

RUNTIME_ONLY = False

if not RUNTIME_ONLY and libinfo().get("USE_FASTMATH", "OFF") == "ON":
    from acme.contrib import fastmath  # wiring: only when the toggle is on
else:
    fastmath = None

try:
    from acme.contrib.legacy_io import compat  # optional, yet not guarded by the toggle
except ImportError:
    compat = None


def dot(a, b):
    if fastmath is not None:
        return fastmath.dot(a, b)
    return sum(x * y for x, y in zip(a, b, strict=True))


def load(path):
    return acme.contrib.legacy_io.reader.read(path)
