"""The readers' compiled twins (``_speedups.c``), when they are built and wanted.

Each compiled function has a pure-Python twin in the reader that uses it; the twin defines the
behaviour and the results are equal (tests compare both). ``SCOPED_PURE_PYTHON=1`` makes the
readers use the Python twins; so does a module built from other source than the ``.c`` file
next to it (a development checkout where the C changed and was not rebuilt: ``make`` rebuilds).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from types import ModuleType

PURE_ENV = "SCOPED_PURE_PYTHON"
SOURCE = Path(__file__).with_name("_speedups.c")


def _load() -> ModuleType | None:
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ImportError:
        return None
    try:
        digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    except OSError:
        return _speedups  # an install without the source: the module is the one it came with
    if digest != _speedups.SOURCE_SHA256:
        warnings.warn(
            f"{_speedups.__file__} was built from other source than {SOURCE.name}; "
            "using the pure-Python readers (rebuild: python hatch_build.py)",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return _speedups


compiled: ModuleType | None = _load()
