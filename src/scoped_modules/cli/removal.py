"""``scoped remove`` and ``scoped toggles prove``: the commands that delete a module, and that
run the user's build or code (on explicit request only) to prove a toggle or a removal."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from ..errors import ScopedError
from . import Context


def _module(obj: Context, name: str):  # -> (Registry, Module)
    registry = obj.registry()
    if name not in registry.modules:
        known = ", ".join(sorted(registry.modules)) or "none"
        raise ScopedError(f"unknown module '{name}' (known: {known})")
    return registry, registry.modules[name]


def _refuse(reasons: list[str]) -> None:
    for r in reasons:
        click.echo(f"refused: {r}", err=True)
    sys.exit(1)


def _show_tail(tail: str) -> None:
    if tail:
        click.echo("--- last lines of its output ---", err=True)
        click.echo(tail, err=True)
        click.echo("---", err=True)


def _timeout(default: float, help: str):  # -> a click option decorator
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=default,
        show_default=True,
        help=help,
    )


@click.command("remove")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option(
    "--force",
    is_flag=True,
    help="Remove a module that is not deprecated, or from a work tree with uncommitted changes.",
)
@click.option(
    "--prove",
    "prove_cmd",
    metavar="CMD",
    default=None,
    help="First run CMD (with /bin/sh) in a temporary worktree without the module; stop if it fails.",
)
@_timeout(1800.0, "Seconds before the --prove command is killed.")
@click.option("--decision", default=None, help="Cite this decision in the history entry.")
@click.option("--reason", default=None, help="The history entry's reason (instead of a decision).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.pass_obj
def remove(
    obj: Context,
    name: str,
    dry_run: bool,
    force: bool,
    prove_cmd: str | None,
    timeout: float,
    decision: str | None,
    reason: str | None,
    fmt: str,
    no_cache: bool,
) -> None:
    """Delete deprecated module NAME's paths and record stage `removed`.

    The dry run prints the plan: the files to delete, the wiring to edit (guarded references,
    toggle declarations, config entries) and the unguarded references that would break."""
    from ..app import removal as app
    from ..report.removal import render_leftovers, render_plan_json, render_plan_text

    registry, module = _module(obj, name)
    if module.stage == "removed" and not dry_run:
        _refuse([f"module '{name}' is already removed; `scoped check` lists what is left (SM014)"])
    if dry_run:
        the_plan = app.plan(registry, name, use_cache=not no_cache)
        out = render_plan_json(the_plan) if fmt == "json" else render_plan_text(the_plan)
        click.echo(out, nl=fmt == "json")
        sys.exit(0)
    reasons = []
    if module.stage != "deprecated" and not force:
        reasons.append(
            f"module '{name}' is at stage '{module.stage}': only a deprecated module is removed "
            "(`scoped transition` first, or --force)"
        )
    changes = app.dirty(registry)
    if changes and not force:
        shown = ", ".join(c[3:] for c in changes[:5]) + (", ..." if len(changes) > 5 else "")
        reasons.append(
            f"the work tree has {len(changes)} uncommitted change(s) ({shown}): commit or stash "
            "them first, or --force"
        )
    if reasons:
        _refuse(reasons)
    when = (obj.now or datetime.now(UTC)).date()
    entry = app.history_entry(registry, name, when, decision, reason)
    the_plan = app.plan(registry, name, use_cache=not no_cache)
    if prove_cmd is not None:
        if changes:
            click.echo(
                "note: the proof runs on HEAD; your uncommitted changes are not part of it",
                err=True,
            )
        click.echo(
            f"proving: `{prove_cmd}` in a temporary worktree of HEAD without the "
            f"{len(the_plan.files)} files of module '{name}' (timeout {timeout:g}s)",
            err=True,
        )
        proof = app.prove(registry, the_plan, prove_cmd, timeout)
        outcome = proof.outcome
        if outcome.timed_out:
            click.echo(
                f"proof failed: `{prove_cmd}` did not finish in {timeout:g}s; it was killed "
                "with its process group. Nothing was removed.",
                err=True,
            )
            _show_tail(outcome.tail)
            sys.exit(1)
        if not outcome.ok:
            click.echo(
                f"proof failed: `{prove_cmd}` exited with {outcome.returncode} without module "
                f"'{name}'. Nothing was removed.",
                err=True,
            )
            _show_tail(outcome.tail)
            sys.exit(1)
        click.echo(
            f"proof passed: `{prove_cmd}` exited with 0 in {outcome.seconds:.1f}s without module "
            f"'{name}'",
            err=True,
        )
    done = app.remove(registry, the_plan, entry)
    cited = f"decision {entry['decision']}" if "decision" in entry else f"reason: {entry['reason']}"
    lines = sum((the_plan.lines or {}).values())
    click.echo(
        f"removed module '{name}': {done.deleted} files ({lines} lines) deleted; stage 'removed' "
        f"recorded in {registry.rel_path} ({cited})"
    )
    click.echo(render_leftovers(name, done.remnants, done.notes), nl=False)
    sys.exit(1 if done.remnants else 0)


@click.group("toggles")
def toggles() -> None:
    """Prove a module's toggle against the real build or the real interpreter."""


@toggles.command("prove")
@click.argument("name")
@click.option(
    "--cmake", "use_cmake", is_flag=True, help="Configure the real build with the toggle OFF."
)
@click.option(
    "-D",
    "defines",
    multiple=True,
    metavar="VAR=VALUE",
    help="With --cmake: passed on to cmake (e.g. -DUSE_CUDA=OFF); repeatable.",
)
@click.option(
    "--python",
    "statement",
    metavar="STMT",
    default=None,
    help="Run STMT in a new interpreter with the env toggle at its off value.",
)
@_timeout(600.0, "Seconds before the configure or the statement is killed.")
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.pass_obj
def prove(
    obj: Context,
    name: str,
    use_cmake: bool,
    defines: tuple[str, ...],
    statement: str | None,
    timeout: float,
    no_cache: bool,
) -> None:
    """Switch module NAME's toggle off for real and list what is still compiled or loaded.

    Exit 0: nothing of the module is compiled or loaded; 1: something is; 2: no verdict (the
    configure or the statement failed, cmake is missing)."""
    from ..app import toggles as app
    from ..report.toggles import render_cmake_proof, render_python_proof

    if not use_cmake and statement is None:
        raise click.UsageError("say what to prove: --cmake, --python STMT, or both")
    if defines and not use_cmake:
        raise click.UsageError("-D is passed on to cmake: use it with --cmake")
    registry, _module_ = _module(obj, name)
    codes = []
    if use_cmake:
        proof = app.prove_cmake(registry, name, list(defines), timeout, use_cache=not no_cache)
        click.echo(render_cmake_proof(proof), nl=False)
        if proof.problem:
            _show_tail(proof.outcome.tail)
            codes.append(2)
        else:
            codes.append(1 if set(proof.compiled) - set(proof.empty) else 0)
    if statement is not None:
        py = app.prove_python(registry, name, statement, timeout)
        click.echo(render_python_proof(py), nl=False)
        if py.problem:
            _show_tail(py.outcome.tail)
            codes.append(2)
        else:
            codes.append(1 if py.loaded else 0)
    sys.exit(max(codes))
