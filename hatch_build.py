"""Build hook: compiles the readers' C twins (``src/scoped_modules/readers/_speedups.c``).

With the compiler and flags the running Python was built with (``sysconfig``; ``CC`` and
``CFLAGS`` from the environment win, as with setuptools), so no setuptools is needed. Without a
compiler, or when the compilation fails, it prints one warning and the wheel is pure Python:
the readers then use their Python twins, which give the same facts, only slower.

For an editable install (``pip install -e``, ``make venv``) the module is built in place, next
to its source (ignored by git), where the ``src`` path finds it. ``python hatch_build.py``
does the same without pip (``make`` runs it when the C source changed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

SOURCE = Path("src/scoped_modules/readers/_speedups.c")
PACKAGE_DIR = "scoped_modules/readers"


def module_name() -> str:
    return "_speedups" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")


def compile_module(root: Path, out: Path) -> str | None:
    """Build the extension at ``out``; the reason when it could not be built."""
    src = root / SOURCE
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC")
    ldshared = sysconfig.get_config_var("LDSHARED")
    if not cc or not ldshared:
        return "no C compiler is configured for this Python"
    ld = shlex.split(ldshared)
    if os.environ.get("CC"):
        ld[:1] = shlex.split(cc)  # link with the chosen compiler, as setuptools does
    cflags = shlex.split(os.environ.get("CFLAGS") or sysconfig.get_config_var("CFLAGS") or "")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    include = sysconfig.get_paths()["include"]
    with tempfile.TemporaryDirectory() as tmp:
        obj = Path(tmp) / "_speedups.o"
        tmp_out = Path(tmp) / out.name
        steps = [
            [
                *shlex.split(cc),
                *cflags,
                *shlex.split(sysconfig.get_config_var("CCSHARED") or ""),
                f'-DSCOPED_SOURCE_SHA256="{digest}"',
                f"-I{include}",
                "-c",
                str(src),
                "-o",
                str(obj),
            ],
            [*ld, str(obj), "-o", str(tmp_out)],
        ]
        for cmd in steps:
            try:
                run = subprocess.run(cmd, capture_output=True, text=True)
            except OSError as exc:
                return f"{cmd[0]}: {exc.strerror}"
            if run.returncode != 0:
                last = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
                return f"{shlex.join(cmd[:1])} failed ({run.returncode}): {last[0]}"
        out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_out, out)  # atomic: a reader never sees half a module
    return None


def warn(reason: str) -> None:
    print(
        f"WARNING: scoped-modules: the compiled readers were not built ({reason}); "
        "installing the pure-Python readers (same results, slower).",
        file=sys.stderr,
    )


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, without hatchling
    BuildHookInterface = object  # type: ignore[assignment,misc]


class SpeedupsHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        if version == "editable":
            out = root / "src" / PACKAGE_DIR / module_name()
        else:
            out = Path(self.directory) / ".speedups-build" / module_name()
        reason = compile_module(root, out)
        if reason is not None:
            if version == "editable":
                out.unlink(missing_ok=True)  # never leave a module built from older source
            warn(reason)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(out)] = f"{PACKAGE_DIR}/{out.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.target_name == "wheel" and version != "editable":
            built = Path(self.directory) / ".speedups-build" / module_name()
            built.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                built.parent.rmdir()


if __name__ == "__main__":  # in place, for a development checkout
    here = Path(__file__).resolve().parent
    target = here / "src" / PACKAGE_DIR / module_name()
    why = compile_module(here, target)
    if why is not None:
        target.unlink(missing_ok=True)
        warn(why)
