"""``scoped activity``, ``propose``, ``transition`` and ``summary`` (SPEC §5, §7, §8): options in,
results out; the work lives in :mod:`scoped_modules.app.activity` and
:mod:`scoped_modules.app.lifecycle`."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from ..errors import ScopedError
from . import Context, _progress_printer, parse_when


def _known_module(registry, name: str | None) -> None:  # registry: Registry
    if name is not None and name not in registry.modules:
        known = ", ".join(sorted(registry.modules)) or "none"
        raise ScopedError(f"unknown module '{name}' (known: {known})")


@click.command("activity")
@click.option("--module", "module", default=None, help="Report only this module.")
@click.option("--rev", default="HEAD", show_default=True, help="Read history from this commit.")
@click.option(
    "--at",
    "at",
    default=None,
    metavar="DATE",
    help="End of the window (default: the commit date of --rev).",
)
@click.option(
    "--window-days",
    type=click.IntRange(min=1),
    default=None,
    help="Length of the window in days (default: [activity].window_days).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-cache", is_flag=True, help="Walk history again; do not use the cache.")
@click.pass_obj
def activity(
    obj: Context,
    module: str | None,
    rev: str,
    at: str | None,
    window_days: int | None,
    fmt: str,
    no_cache: bool,
) -> None:
    """Per module: commits, focused commits, each owner's activity, and a verdict."""
    from ..app.activity import measure_activity
    from ..report.activity import render_activity_json, render_activity_text

    when: datetime | None = parse_when(at, "--at") if at else None
    registry = obj.registry()
    _known_module(registry, module)
    report = measure_activity(
        registry,
        rev=rev,
        at=when,
        window_days=window_days,
        module=module,
        use_cache=not no_cache,
        progress=_progress_printer("reading history (commits)"),
    )
    if fmt == "json":
        click.echo(render_activity_json(report))
    else:
        click.echo(render_activity_text(report), nl=False)


def _toggle(value: str):  # -> Toggle
    """``cmake=USE_X``, ``env=NAME``, ``define=NAME``, comma-separated for one toggle."""
    from ..registry.model import Toggle

    names: dict[str, str] = {}
    for part in value.split(","):
        key, eq, name = part.partition("=")
        key, name = key.strip().lower(), name.strip()
        if not eq or key not in ("cmake", "define", "env") or not name or key in names:
            raise click.BadParameter(
                f"{value!r}: expected cmake=NAME, define=NAME or env=NAME (comma-separated for "
                "one toggle with several names)",
                param_hint="--toggle",
            )
        names[key] = name
    return Toggle(names.get("cmake"), names.get("define"), names.get("env"))


def _day(value: str | None):  # -> date | None
    if value is None:
        return None
    return parse_when(value, "--date").date()


def _echo_list(title: str, items: list[str], err: bool = False) -> None:
    if items:
        click.echo(title, err=err)
        for item in items:
            click.echo(f"  - {item}", err=err)


@click.command("propose")
@click.argument("name")
@click.option("--path", "paths", multiple=True, required=True, help="A path the module owns.")
@click.option("--owner", "owners", multiple=True, help="An initial owner (roster handle).")
@click.option("--champion", default=None, help="The PMC member who champions the proposal.")
@click.option(
    "--toggle",
    "toggles",
    multiple=True,
    metavar="cmake=USE_X|env=NAME|define=NAME",
    help="How the module is switched off; names of one toggle are comma-separated.",
)
@click.option("--summary", default=None, help="One line on what the module does.")
@click.option("--rfc", default=None, help="Link to the proposal's RFC or discussion.")
@click.option("--date", "day", default=None, metavar="DATE", help="Date of the history entry.")
@click.option("--dry-run", is_flag=True, help="Check and show; write nothing.")
@click.pass_obj
def propose(
    obj: Context,
    name: str,
    paths: tuple[str, ...],
    owners: tuple[str, ...],
    champion: str | None,
    toggles: tuple[str, ...],
    summary: str | None,
    rfc: str | None,
    day: str | None,
    dry_run: bool,
) -> None:
    """Add module NAME at stage `proposed` and write proposals/NAME.md from the template."""
    from ..app.lifecycle import apply_proposal, plan_proposal
    from ..registry.model import MODULE_NAME

    if not MODULE_NAME.match(name):
        raise click.BadParameter(
            f"{name!r}: a module name is lower-case letters, digits, '-' and '_', starting with "
            "a letter",
            param_hint="NAME",
        )
    parsed = [_toggle(t) for t in toggles]
    registry = obj.registry()
    plan = plan_proposal(
        registry,
        name,
        list(paths),
        list(owners),
        champion,
        parsed,
        summary,
        rfc,
        _day(day),
        obj.now,
    )
    if not plan.ok:
        _echo_list(f"refused: module '{name}' cannot be proposed:", plan.unmet, err=True)
        sys.exit(1)
    _echo_list("note:", plan.notes, err=True)
    if dry_run:
        click.echo(f"would add module '{name}' (proposed) and write {plan.document}")
        return
    apply_proposal(registry, plan)
    click.echo(
        f"added module '{name}' (proposed) to {registry.rel_path} and wrote {plan.document}; "
        f"fill in the proposal, then run `scoped check --module {name}`"
    )


@click.command("transition")
@click.argument("name")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Choice(["s0", "s1", "s2", "deprecated", "removed", "rejected", "withdrawn"]),
    help="The stage to enter.",
)
@click.option("--decision", default=None, metavar="ID", help="The decision that supports it.")
@click.option("--reason", default=None, metavar="TEXT", help="Why, when no decision is needed.")
@click.option("--rfc", default=None, metavar="URL", help="s0 -> s1: the integration RFC.")
@click.option("--date", "day", default=None, metavar="DATE", help="Date of the history entry.")
@click.option("--dry-run", is_flag=True, help="Evaluate the preconditions; write nothing.")
@click.option("--no-cache", is_flag=True, help="Read every file and history again.")
@click.pass_obj
def transition(
    obj: Context,
    name: str,
    target: str,
    decision: str | None,
    reason: str | None,
    rfc: str | None,
    day: str | None,
    dry_run: bool,
    no_cache: bool,
) -> None:
    """Check the preconditions of NAME's move to STAGE (SPEC §7), then record it."""
    from ..app.lifecycle import apply_transition, plan_transition

    registry = obj.registry()
    plan = plan_transition(
        registry,
        name,
        target,
        decision=decision,
        reason=reason,
        when=_day(day),
        now=obj.now,
        rfc=rfc,
        use_cache=not no_cache,
    )
    step = f"{name}: {plan.source} -> {plan.target}"
    if not plan.ok:
        _echo_list(f"refused: {step}; unmet preconditions:", plan.unmet, err=True)
        _echo_list("note:", plan.notes, err=True)
        sys.exit(1)
    _echo_list(f"{step}: preconditions met", plan.evidence)
    _echo_list("note:", plan.notes, err=True)
    cited = f"decision '{plan.decision}'" if plan.decision else f"reason: {plan.reason}"
    if dry_run:
        click.echo(f"would record stage {plan.target} on {plan.date} ({cited})")
        return
    apply_transition(registry, plan)
    click.echo(f"recorded stage {plan.target} on {plan.date} ({cited}) in {registry.rel_path}")


@click.command("summary")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown")
@click.option("--no-cache", is_flag=True, help="Read every file and history again.")
@click.pass_obj
def summary(obj: Context, name: str, fmt: str, no_cache: bool) -> None:
    """The champion's technical summary of module NAME: state, history, paths, toggle, inbound
    and outbound references, owners' activity, decisions and open findings."""
    from ..app.summary import summarise
    from ..report.summary import render_summary_json, render_summary_markdown

    registry = obj.registry()
    _known_module(registry, name)
    data = summarise(registry, name, obj.now, use_cache=not no_cache)
    if fmt == "json":
        click.echo(render_summary_json(data))
    else:
        click.echo(render_summary_markdown(data), nl=False)
