"""The ``toggles prove`` use case: switch a module's toggle off in the real build (CMake) or
the real interpreter (Python) and list what of the module is still compiled or loaded.

Both run the user's build or code, so only on explicit request, in a temporary directory, with
a timeout that kills the whole process group. A configure or a statement that fails is
reported with the tail of its output, never as a verdict about the toggle.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..adapters.process import Outcome, interruptible, run_bounded
from ..errors import EnvironmentProblem, ScopedError
from ..readers.facts import CPP_SOURCE_SUFFIXES
from ..registry.model import Module, Registry
from ..rules.toggle_state import built_with_toggle_off, compiles_to_nothing
from .analyse import build
from .options import CheckOptions


@dataclass
class CMakeProof:
    module: str
    command: list[str]  # the configure command line (its build directory is gone)
    outcome: Outcome
    compiled: list[str] = field(default_factory=list)  # module sources in compile_commands.json
    predicted: list[str] = field(default_factory=list)  # what the static build model says
    empty: list[str] = field(default_factory=list)  # compiled, but to nothing (whole body guarded)
    problem: str | None = None  # why there is no verdict (configure failed, no database, ...)


@dataclass
class PythonProof:
    module: str
    statement: str
    environment: dict[str, str]  # the toggle variables set to their off values
    outcome: Outcome
    loaded: list[tuple[str, str]] = field(default_factory=list)  # (module name, file)
    problem: str | None = None


def _failed(outcome: Outcome, what: str, timeout: float) -> str | None:
    """Why a run gives no verdict: killed at the timeout, or failed; None when it succeeded."""
    if outcome.timed_out:
        return f"the {what} did not finish in {timeout:g}s; it was killed"
    if not outcome.ok:
        return f"the {what} failed (exit {outcome.returncode})"
    return None


def _cmake_names(module: Module) -> list[str]:
    names = [t.cmake for t in module.toggles if t.cmake]
    if not names:
        raise ScopedError(
            f"module '{module.name}' has no cmake toggle: `toggles prove --cmake` switches one off"
        )
    return names


def _under(root: Path, file: str, directory: str) -> str | None:
    """``file`` (absolute, or relative to ``directory``) as a path relative to ``root``."""
    p = Path(file)
    if not p.is_absolute():
        p = Path(directory) / p
    try:
        return Path(os.path.realpath(p)).relative_to(root).as_posix()
    except ValueError:
        return None  # outside the repository: a generated source in the build directory


def prove_cmake(
    registry: Registry, name: str, defines: list[str], timeout: float, use_cache: bool = True
) -> CMakeProof:
    """Configure the project with the module's toggles OFF in a temporary build directory and
    read ``compile_commands.json``."""
    module = registry.modules[name]
    names = _cmake_names(module)
    inverted = {t.cmake for t in module.toggles if t.cmake and t.inverted}  # ON switches it off
    cmake = shutil.which("cmake")
    if cmake is None:
        raise EnvironmentProblem(
            "cmake not found on PATH: `toggles prove --cmake` configures the real build with it"
        )
    root = Path(os.path.realpath(registry.root))
    if not (root / "CMakeLists.txt").is_file():
        raise EnvironmentProblem(f"{root}: no CMakeLists.txt at the repository root to configure")
    tmp = Path(tempfile.mkdtemp(prefix="scoped-toggle-"))
    out = tmp / "build"
    command = [
        cmake,
        "-S",
        str(root),
        "-B",
        str(out),
        *(f"-D{n}={'ON' if n in inverted else 'OFF'}" for n in names),
        "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
        *(f"-D{d}" for d in defines),
    ]
    try:
        with interruptible():
            outcome = run_bounded(command, tmp, dict(os.environ), timeout, tmp / "configure.log")
        proof = CMakeProof(name, command, outcome, problem=_failed(outcome, "configure", timeout))
        if proof.problem:
            return proof
        database = out / "compile_commands.json"
        try:
            entries = json.loads(database.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            proof.problem = (
                f"no readable compile_commands.json ({exc}); the generator must support "
                "CMAKE_EXPORT_COMPILE_COMMANDS (Makefiles or Ninja)"
            )
            return proof
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    index = build(registry, CheckOptions(use_cache=use_cache))
    mine = set(index.module_files(name))
    compiled = set()
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, dict) and isinstance(e.get("file"), str):
            rel = _under(root, e["file"], str(e.get("directory", root)))
            if rel in mine:
                compiled.add(rel)
    proof.compiled = sorted(compiled)
    # compile_commands.json lists translation units: a .td file that TableGen reads is none
    proof.predicted = [
        f for f in built_with_toggle_off(index, module) if f.lower().endswith(CPP_SOURCE_SUFFIXES)
    ]
    proof.empty = sorted(f for f in compiled if compiles_to_nothing(index, module, f))
    return proof


_WRAPPER = """\
import json, sys
out, statement = sys.argv[1], sys.argv[2]
sys.argv = ["-c"]
try:
    exec(compile(statement, "<statement>", "exec"), {"__name__": "__main__"})
finally:
    loaded = {}
    for name, mod in list(sys.modules.items()):
        where = getattr(mod, "__file__", None)
        paths = list(getattr(mod, "__path__", None) or [])
        loaded[name] = [where] if where else [str(p) for p in paths]
    with open(out, "w") as fh:
        json.dump(loaded, fh)
"""


def prove_python(registry: Registry, name: str, statement: str, timeout: float) -> PythonProof:
    """Run ``statement`` in a new interpreter with the module's ``env`` toggles at their off
    values, in a temporary directory, and list the module's packages left in ``sys.modules``."""
    module = registry.modules[name]
    off = {t.env: t.off for t in module.toggles if t.env}
    if not off:
        raise ScopedError(
            f"module '{name}' has no env toggle: `toggles prove --python` sets one to its off value"
        )
    root = Path(os.path.realpath(registry.root))
    roots = [str(root / r) for r in registry.project.python_roots] or [str(root)]
    path = os.pathsep.join([*roots, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {**os.environ, **off, "PYTHONPATH": path}
    tmp = Path(tempfile.mkdtemp(prefix="scoped-toggle-"))
    dump = tmp / "modules.json"
    try:
        with interruptible():
            outcome = run_bounded(
                [sys.executable, "-c", _WRAPPER, str(dump), statement],
                tmp,
                env,
                timeout,
                tmp / "python.log",
            )
        proof = PythonProof(
            name, statement, off, outcome, problem=_failed(outcome, "statement", timeout)
        )
        if proof.problem:
            return proof
        try:
            loaded = json.loads(dump.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            proof.problem = f"the interpreter left no list of its modules ({exc})"
            return proof
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    index = build(registry, CheckOptions())
    mine = set(index.module_files(name))
    # a namespace package has no file: its directory must lie in a directory entry
    dirs = tuple(e.strip("/") for e in module.paths if e.endswith("/") and e.strip("/"))

    def in_dirs(rel: str) -> bool:
        return any(rel == d or rel.startswith(d + "/") for d in dirs)

    found = []
    for mod_name, files in sorted(loaded.items()):
        for f in files:
            rel = _under(root, f, str(root))
            if rel is not None and (rel in mine or in_dirs(rel)):
                found.append((mod_name, rel))
                break
    proof.loaded = found
    return proof
