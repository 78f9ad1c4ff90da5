"""``scoped vote tally`` and ``scoped vote record`` (SPEC §5, §6): options in, results out.

The work is in ``governance/`` (readers, roster, tally) and ``registry/edit.py``; this module
only gathers the inputs, calls them and renders. Exit codes of ``tally``: 0 passed or open,
1 failed or invalid, 2 usage or input errors (raised as ScopedError, turned into exit 2 by the
main group).
"""

from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ConfigError, ScopedError
from ..registry.model import DECISION_KINDS

if TYPE_CHECKING:
    from ..governance.roster import Roster
    from ..governance.tally import TallyResult
    from ..registry.model import Decision, Module, Registry
    from ..registry.profiles import Profile

FORMATS = ("text", "json", "result-mail")


@click.group()
def vote() -> None:
    """Count votes from their evidence, and record decisions in the registry."""


def _find_registry(obj: Any) -> Registry | None:
    """The registry, or None when there is none (a broken one is still an error)."""
    from ..app.config import find_registry

    try:
        find_registry(obj.config, Path.cwd())
    except ConfigError:
        if obj.config is not None:
            raise
        return None
    return obj.registry()


def _when(value: str, option: str) -> datetime:
    from . import parse_when

    return parse_when(value, option)


def _display_path(path: Path, registry: Registry | None, given: str) -> str:
    if registry is not None:
        try:
            return path.resolve().relative_to(registry.root.resolve()).as_posix()
        except ValueError:
            pass
    return given


def _read_files(paths: list[tuple[Path, str]]) -> list[tuple[str, bytes]]:
    """(display path, bytes) of each file, once per file; every problem at once."""
    from ..governance.evidence import max_bytes, too_large

    limit = max_bytes()
    out: list[tuple[str, bytes]] = []
    seen: set[Path] = set()
    problems: list[str] = []
    for path, shown in paths:
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            if path.is_file() and path.stat().st_size > limit:
                problems.extend(too_large(shown, limit).problems)
                continue
            out.append((shown, path.read_bytes()))
        except FileNotFoundError:
            problems.append(f"{shown}: no such evidence file")
        except IsADirectoryError:
            problems.append(f"{shown}: is a directory; pass the evidence files themselves")
        except OSError as exc:
            problems.append(f"{shown}: cannot read: {exc.strerror}")
    if problems:
        raise ScopedError(problems)
    return out


def _roster(registry: Registry | None, roster_file: Path | None) -> Roster:
    from ..governance.roster import Roster
    from ..registry.load import load_roster_file

    bots = registry.activity.bots if registry is not None else ["*[bot]"]
    if roster_file is not None:
        return Roster(load_roster_file(roster_file), bots)
    if registry is None or not registry.people:
        where = f" ({registry.rel_path} lists no people)" if registry is not None else ""
        raise ScopedError(
            f"no roster{where}: pass --roster FILE (a TOML file of [[person]] tables) or list "
            "people in the registry ([[people.person]] or people.file)"
        )
    return Roster(registry.people, bots)


def _profile(registry: Registry | None, name: str | None) -> Profile:
    from ..registry.profiles import BUILTIN_PROFILES

    profiles = registry.profiles if registry is not None else BUILTIN_PROFILES
    chosen = name or (registry.project.rules if registry is not None else "tvm-s0")
    if chosen not in profiles:
        raise ScopedError(f"unknown rule profile '{chosen}' (known: {', '.join(sorted(profiles))})")
    return profiles[chosen]


def run_tally(
    files: list[tuple[str, bytes]],
    roster: Roster,
    profile: Profile,
    opened: datetime,
    closes: datetime,
    now: datetime,
    module: Module | None,
    kind: str | None,
    decision_id: str | None = None,
    subject: str | None = None,
) -> TallyResult:
    from ..governance.evidence import read_evidence
    from ..governance.tally import tally

    # Reading builds millions of small objects and no reference cycles: the cyclic collector
    # would only rescan them (a third of the time on a 50,000-comment export).
    collecting = gc.isenabled()
    gc.disable()
    try:
        ev = read_evidence(files, subject)
        res = tally(ev.entries, roster, profile, opened, closes, now, module, kind, decision_id)
    finally:
        if collecting:
            gc.enable()
    res.threads = ev.threads
    res.subjects = ev.subjects
    res.notes = ev.notes + res.notes
    return res


def _render(res: TallyResult, fmt: str) -> str:
    if fmt == "json":
        from ..report.tally_json import dumps

        return dumps(res.to_json())
    if fmt == "result-mail":
        from ..report.result_mail import render as render_mail

        return render_mail(res)
    from ..report.tally_text import render as render_text

    return render_text(res)


@vote.command("tally")
@click.argument("evidence", nargs=-1, type=click.Path(path_type=Path))
@click.option("--module", "module_name", default=None, help="The module the vote is about.")
@click.option(
    "--kind", type=click.Choice(DECISION_KINDS), default=None, help="The decision's kind."
)
@click.option(
    "--decision",
    "decision_id",
    default=None,
    help="A recorded decision: its window, module, kind, rules and pinned evidence.",
)
@click.option(
    "--rules", default=None, help="Rule profile (default: the decision's, else project.rules)."
)
@click.option(
    "--roster",
    "roster_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A TOML file of [[person]] tables that replaces the registry's roster.",
)
@click.option(
    "--opened", default=None, metavar="DATETIME", help="When the vote opened (with offset)."
)
@click.option(
    "--closes", default=None, metavar="DATETIME", help="When the vote closes (with offset)."
)
@click.option(
    "--subject",
    default=None,
    metavar="TEXT",
    help="Pick the [VOTE] thread whose subject contains TEXT.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text")
@click.pass_obj
def tally_command(
    obj: Any,
    evidence: tuple[Path, ...],
    module_name: str | None,
    kind: str | None,
    decision_id: str | None,
    rules: str | None,
    roster_file: Path | None,
    opened: str | None,
    closes: str | None,
    subject: str | None,
    fmt: str,
) -> None:
    """Count the ballots in EVIDENCE (mbox archives, GitHub comment exports, TOML ballots).

    Exit 0 when the vote passed or is still open, 1 when it failed or is invalid. A file larger
    than $SCOPED_MAX_EVIDENCE_BYTES (default 1GiB) once decompressed is refused (exit 2).
    """
    registry = _find_registry(obj)
    decision: Decision | None = None
    module: Module | None = None
    if decision_id is not None:
        if registry is None:
            raise ScopedError(f"--decision {decision_id}: no registry found to look it up in")
        decision = registry.decision(decision_id)
        if decision is None:
            raise ScopedError(f"unknown decision '{decision_id}'")
        if module_name and module_name != decision.module:
            raise ScopedError(
                f"decision '{decision_id}' is about module '{decision.module}', not '{module_name}'"
            )
        if kind and kind != decision.kind:
            raise ScopedError(
                f"decision '{decision_id}' is of kind '{decision.kind}', not '{kind}'"
            )
        module_name, kind = decision.module, decision.kind
    if module_name is not None:
        if registry is None:
            raise ScopedError(f"--module {module_name}: no registry found to look it up in")
        module = registry.modules.get(module_name)
        if module is None:
            known = ", ".join(sorted(registry.modules)) or "none"
            raise ScopedError(f"unknown module '{module_name}' (known: {known})")
        if kind is None:
            raise ScopedError(f"--module {module_name} needs --kind ({', '.join(DECISION_KINDS)})")
    if (opened is None) != (closes is None):
        raise ScopedError("pass both --opened and --closes")
    if opened is not None and closes is not None:
        t_open, t_close = _when(opened, "--opened"), _when(closes, "--closes")
    elif decision is not None:
        t_open, t_close = decision.opened, decision.closes
    else:
        raise ScopedError(
            "no window: pass --opened and --closes, or --decision ID (a window is never guessed)"
        )
    if t_close <= t_open:
        raise ScopedError("--closes must be later than --opened")
    roster = _roster(registry, roster_file)
    profile = _profile(registry, rules or (decision.rules if decision else None))

    pinned: dict[str, str | None] = {}
    if evidence:
        paths = [(p, _display_path(p, registry, str(p))) for p in evidence]
    elif decision is not None and registry is not None:
        paths = [(registry.root / e.path, e.path) for e in decision.evidence]
        pinned = {e.path: e.sha256 for e in decision.evidence}
    else:
        raise ScopedError(
            "no evidence: pass EVIDENCE files, or --decision ID to use its pinned files"
        )
    files = _read_files(paths)
    now = obj.now or datetime.now(UTC)
    res = run_tally(
        files,
        roster,
        profile,
        t_open,
        t_close,
        now,
        module,
        kind,
        decision.id if decision else None,
        subject,
    )
    if pinned:
        from ..governance.evidence import sha256_hex

        for shown, data in files:
            want = pinned.get(shown)
            if want is None:
                res.notes.append(f"evidence {shown} is not pinned by sha256")
            elif want.lower() != sha256_hex(data):
                res.notes.append(f"evidence {shown} changed since it was pinned (sha256 differs)")
    click.echo(_render(res, fmt))
    sys.exit(0 if res.result in ("passed", "open") else 1)


@vote.command("record")
@click.argument("name")
@click.argument("evidence", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kind", type=click.Choice(DECISION_KINDS), required=True, help="The decision's kind."
)
@click.option(
    "--opened", required=True, metavar="DATETIME", help="When the vote opened (with offset)."
)
@click.option(
    "--closes", required=True, metavar="DATETIME", help="When the vote closed (with offset)."
)
@click.option("--id", "decision_id", default=None, help="Decision id (default: NAME-KIND).")
@click.option("--rules", default=None, help="Rule profile to record (default: project.rules).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    help="How to print the tally before recording it.",
)
@click.pass_obj
def record_command(
    obj: Any,
    name: str,
    evidence: tuple[Path, ...],
    kind: str,
    opened: str,
    closes: str,
    decision_id: str | None,
    rules: str | None,
    fmt: str,
) -> None:
    """Tally EVIDENCE and append the decision to module NAME, each file pinned by sha256."""
    from ..app.config import find_registry
    from ..governance.evidence import sha256_hex
    from ..registry.edit import append_table, atomic_write, registry_lock

    # read, check and write under one lock, held until the command ends: two runs at once
    # both land, one after the other
    path, _root = find_registry(obj.config, Path.cwd())
    click.get_current_context().with_resource(registry_lock(path))
    registry = obj.registry()
    module = registry.modules.get(name)
    if module is None:
        known = ", ".join(sorted(registry.modules)) or "none"
        raise ScopedError(f"unknown module '{name}' (known: {known})")
    t_open, t_close = _when(opened, "--opened"), _when(closes, "--closes")
    if t_close <= t_open:
        raise ScopedError("--closes must be later than --opened")
    if decision_id is None:
        decision_id = f"{name}-{kind}"
        n = 2
        while registry.decision(decision_id) is not None:
            decision_id = f"{name}-{kind}-{n}"
            n += 1
    elif registry.decision(decision_id) is not None:
        raise ScopedError(f"decision id '{decision_id}' is already used; pass another --id")
    root = registry.root.resolve()
    paths: list[tuple[Path, str]] = []
    outside = []
    for p in evidence:
        try:
            rel = p.resolve().relative_to(root).as_posix()
        except ValueError:
            outside.append(f"{p}: evidence must be inside the repository ({root}) to be pinned")
            continue
        paths.append((p, rel))
    if outside:
        raise ScopedError(outside)
    profile = _profile(registry, rules)
    files = _read_files(paths)
    now = obj.now or datetime.now(UTC)
    try:
        res = run_tally(
            files, _roster(registry, None), profile, t_open, t_close, now, module, kind, decision_id
        )
    except ScopedError as exc:
        if any("--subject" in p for p in exc.problems):
            raise ScopedError(
                [p.split("; pick one")[0] for p in exc.problems]
                + [
                    "a recorded decision is re-counted from its files alone: keep only the vote's "
                    "thread in the archive you record"
                ]
            ) from None
        raise
    table: dict[str, Any] = {"id": decision_id, "kind": kind}
    if rules:
        table["rules"] = profile.name
    table.update(
        {
            "opened": t_open,
            "closes": t_close,
            "evidence": [{"path": shown, "sha256": sha256_hex(data)} for shown, data in files],
            "result": res.result,
        }
    )
    new_text = append_table(registry, ["modules", name, "decisions"], table)
    atomic_write(registry.path, new_text, registry.text)
    click.echo(_render(res, fmt))
    click.echo(
        f"recorded decision '{decision_id}' ({res.result}) in {registry.rel_path}",
        err=fmt != "text",
    )
    if res.result == "open":
        click.echo(
            f"note: the vote is still open until {t_close.isoformat()}; `scoped check` will ask "
            "for the final result once it closes",
            err=True,
        )
