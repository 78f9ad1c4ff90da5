"""Every call to git in one place: the work tree's top level and the files git knows."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path


@functools.lru_cache(maxsize=8)
def toplevel(cwd: Path) -> Path | None:
    """The git work tree root containing ``cwd``, or None outside git (asked once per run)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return Path(out.stdout.strip())


def popen(root: Path, *args: str) -> subprocess.Popen:
    """``git ARGS`` in ``root`` with stdout and stderr piped (started, not waited for)."""
    return subprocess.Popen(
        ["git", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
