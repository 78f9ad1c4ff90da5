"""``scoped activity``, ``propose``, ``transition`` and ``summary`` (SPEC §5, §7, §8): options in,
results out; the work lives in :mod:`scoped_modules.app.activity` and
:mod:`scoped_modules.app.lifecycle`."""

from __future__ import annotations

import sys
import time
from datetime import datetime

import click

from ..errors import ScopedError
from . import Context, parse_when


def _known_module(registry, name: str | None) -> None:  # registry: Registry
    if name is not None and name not in registry.modules:
        known = ", ".join(sorted(registry.modules)) or "none"
        raise ScopedError(f"unknown module '{name}' (known: {known})")


def _history_progress():  # -> Callable[[int, int], None] | None
    """``reading history: N/M commits`` on a terminal's stderr; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        t = time.perf_counter()
        if done < total and t - last[0] < 0.1:
            return
        last[0] = t
        click.echo(f"\rreading history: {done}/{total} commits", err=True, nl=done >= total)

    return show


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
        progress=_history_progress(),
    )
    if fmt == "json":
        click.echo(render_activity_json(report))
    else:
        click.echo(render_activity_text(report), nl=False)
