"""The ``remove`` use case: plan a module's removal, prove it in a temporary worktree, delete
its paths, record stage ``removed``, and say what is left (SM014).

The user's tree is touched only by the removal itself: the proof runs in a detached
``git worktree`` of HEAD under a temporary directory, which is removed afterwards whatever
happens (a failing or hanging command, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..adapters import git
from ..adapters.process import Outcome, clean_env, interruptible, run_bounded
from ..errors import EnvironmentProblem, ScopedError
from ..finding import Finding
from ..registry.edit import append_table_text, atomic_write
from ..registry.edit_stage import set_module_key
from ..registry.load import read_registry
from ..registry.model import Registry
from ..rules.removal import PlanItem, RemovalPlan, check_remnants, removal_plan
from .analyse import build
from .options import CheckOptions

SHELL = "/bin/sh"


def _plain_entries(paths: list[str]) -> list[str]:
    return [p.strip("/") for p in paths if p.strip("/") and not any(c in p for c in "*?[")]


def _with_line_text(root: Path, item: PlanItem) -> PlanItem:
    """``item`` with the text of its line as evidence (a CMake call knows only its name)."""
    try:
        text = (root / item.path).read_text("utf-8", "replace").splitlines()[(item.line or 1) - 1]
    except (OSError, IndexError):
        return item
    return replace(item, evidence=" ".join(text.split())[:200])


def plan(registry: Registry, name: str, use_cache: bool = True) -> RemovalPlan:
    """The removal plan of module ``name``, with the line count of every file to delete.

    The files are the module's scanned files and, in git, every tracked file under its path
    entries (also those ``exclude`` hides from the scan, and binary files)."""
    module = registry.modules[name]
    index = build(registry, CheckOptions(use_cache=use_cache))
    result = removal_plan(index, module)
    root = registry.root
    if git.toplevel(root) is not None:
        entries = [p for p in _plain_entries(module.paths) if (root / p).exists()]
        extra = git.tracked(root, entries) - set(result.files)
        result.files = sorted({*result.files, *extra})
    result.declarations = [_with_line_text(root, i) for i in result.declarations]
    result.config = [_with_line_text(root, i) for i in result.config]
    lines: dict[str, int] = {}
    for f in result.files:
        try:
            data = (root / f).read_bytes()
        except OSError:
            lines[f] = 0
            continue
        lines[f] = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    result.lines = lines
    return result


@dataclass
class Proof:
    command: str
    outcome: Outcome
    base: str  # what the worktree held: "HEAD"


def _delete(root: Path, files: list[str], entries: list[str]) -> None:
    """Delete ``files`` below ``root``, then the directories of ``entries`` left empty."""
    for f in files:
        with contextlib.suppress(FileNotFoundError):
            (root / f).unlink()
    dirs = {os.path.dirname(f) for f in files} | set(entries)
    for d in sorted(dirs, key=lambda d: d.count("/"), reverse=True):
        cur = d
        while cur and any(cur == e or cur.startswith(e + "/") for e in entries):
            try:
                (root / cur).rmdir()
            except OSError:
                break
            cur = os.path.dirname(cur)


def prove(registry: Registry, removal: RemovalPlan, command: str, timeout: float) -> Proof:
    """Run ``command`` with ``/bin/sh -c`` in a temporary worktree of HEAD without the module's
    files, in a clean environment, killed with its process group at ``timeout`` seconds."""
    root = registry.root
    top = git.toplevel(root)
    if top is None:
        raise EnvironmentProblem(f"{root}: `scoped remove --prove` needs a git work tree")
    below = root.resolve().relative_to(top.resolve())  # the registry's root in the worktree
    entries = _plain_entries(registry.modules[removal.module].paths)
    tmp = Path(tempfile.mkdtemp(prefix="scoped-prove-"))
    tree = tmp / "tree"
    try:
        with interruptible():
            git.worktree_add(root, tree)
            _delete(tree / below, removal.files, entries)
            outcome = run_bounded(
                [SHELL, "-c", command], tree / below, clean_env(), timeout, tmp / "prove.log"
            )
            return Proof(command, outcome, "HEAD")
    finally:
        git.worktree_remove(root, tree)
        shutil.rmtree(tmp, ignore_errors=True)


def history_entry(
    registry: Registry, name: str, when: date, decision: str | None, reason: str | None
) -> dict:
    """The history row of the removal: a cited decision (given, else the module's latest
    passing ``remove`` decision) or a reason."""
    module = registry.modules[name]
    if decision is not None and reason is not None:
        raise ScopedError("give --decision or --reason, not both")
    if decision is not None:
        if not any(d.id == decision for d in module.decisions):
            known = ", ".join(d.id for d in module.decisions) or "none"
            raise ScopedError(f"module '{name}' has no decision '{decision}' (known: {known})")
        return {"date": when, "stage": "removed", "decision": decision}
    if reason is None:
        passed = [d for d in module.decisions if d.kind == "remove" and d.result == "passed"]
        if passed:
            latest = max(passed, key=lambda d: d.closes)
            return {"date": when, "stage": "removed", "decision": latest.id}
        reason = "paths deleted with `scoped remove`"
    return {"date": when, "stage": "removed", "reason": reason}


def registry_text_removed(registry: Registry, name: str, entry: dict) -> str:
    """The registry's new text: stage ``removed`` and the history row appended."""
    text = set_module_key(registry, name, "stage", "removed")
    keys = [*registry.table_prefix, "modules", name, "history"]
    return append_table_text(text, keys, entry, str(registry.path))


@dataclass
class Removed:
    deleted: int  # files deleted
    remnants: list[Finding]  # SM014 after the removal
    notes: list[tuple[str, int, str]]


def remove(registry: Registry, removal: RemovalPlan, entry: dict) -> Removed:
    """Delete the module's files (``git rm`` for tracked ones), record stage ``removed``, and
    check SM014 on the result. The registry text is computed before anything is deleted."""
    root = registry.root
    name = removal.module
    new_text = registry_text_removed(registry, name, entry)
    in_git = git.toplevel(root) is not None
    if not in_git:
        raise EnvironmentProblem(f"{root}: `scoped remove` needs a git work tree")
    tracked = git.tracked(root, removal.files)
    git.remove_tracked(root, sorted(tracked))
    _delete(root, removal.files, _plain_entries(registry.modules[name].paths))
    try:
        atomic_write(registry.path, new_text, registry.text)
    except ScopedError as exc:
        raise ScopedError(
            [
                *exc.problems,
                f"the files of module '{name}' are deleted; set its stage to \"removed\" and add "
                "a history entry by hand",
            ]
        ) from None
    after = read_registry(registry.path, registry.root)
    index = build(after, CheckOptions())
    findings, notes = check_remnants(index, after.modules[name])
    return Removed(len(removal.files), findings, notes)


def dirty(registry: Registry) -> list[str]:
    """The work tree's uncommitted changes (``git status --porcelain`` lines)."""
    if git.toplevel(registry.root) is None:
        raise EnvironmentProblem(f"{registry.root}: `scoped remove` needs a git work tree")
    return git.changes(registry.root)
