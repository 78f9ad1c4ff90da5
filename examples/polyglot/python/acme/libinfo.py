"""Build information, as the compiled library reports it."""

import os


def libinfo() -> dict:
    """Which optional parts were built (read from the environment in this example)."""
    return {
        "USE_FASTMATH": os.environ.get("USE_FASTMATH", "OFF"),
        "USE_ACCEL": os.environ.get("USE_ACCEL", "OFF"),
    }
