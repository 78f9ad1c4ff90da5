"""``scoped baseline`` and ``scoped codeowners``: adopting ``scoped`` on a project as it is."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import Context


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.pass_obj
def baseline(obj: Context, file: Path | None, no_cache: bool) -> None:
    """Record today's error findings in FILE (default: [project].baseline, else
    scoped-baseline.toml at the root), so that `scoped check --baseline FILE` fails only on new
    ones."""
    from ..app.baseline import DEFAULT_FILE, write
    from ..app.check import check as run_check
    from ..app.options import CheckOptions

    registry = obj.registry()
    if file is None:
        file = registry.root / (registry.project.baseline or DEFAULT_FILE)
    result = run_check(
        registry, CheckOptions(use_cache=not no_cache, now=obj.now, use_baseline=False)
    )
    entries = write(file, result.findings)
    total = sum(e.count for e in entries)
    click.echo(f"wrote {file}: {total} errors in {len(entries)} entries")
    if registry.project.baseline is None:
        click.echo(
            f'note: `scoped check --baseline {file}` applies it; or set baseline = "{file.name}" '
            "in [project]",
            err=True,
        )


@click.command()
@click.option("--check", "verify", is_flag=True, help="Exit 1 when the section is out of date.")
@click.option("--write", "write", is_flag=True, help="Write the section into the CODEOWNERS file.")
@click.pass_obj
def codeowners(obj: Context, verify: bool, write: bool) -> None:
    """Render the modules' owners as a CODEOWNERS section: print it, --check it or --write it
    (into .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS, whichever exists)."""
    from ..app.codeowners import Refused, plan

    if verify and write:
        raise click.UsageError("--check and --write exclude each other")
    registry = obj.registry()
    try:
        result = plan(registry)
    except Refused as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    for name in result.skipped:
        click.echo(f"note: module '{name}' has no owners; it gets no CODEOWNERS entry", err=True)
    if not verify and not write:
        click.echo(result.section, nl=False)
        return
    for line in result.overridden_by():
        click.echo(
            f"warning: {result.display}: '{line}' comes after the scoped section and overrides "
            "it where both match (the last match wins)",
            err=True,
        )
    if write:
        changed = result.write()
        click.echo(f"{'wrote' if changed else 'up to date:'} {result.display}")
        return
    if result.up_to_date:
        click.echo(f"{result.display}: the scoped section is up to date")
        return
    click.echo(
        f"{result.display}: the scoped section is out of date; run `scoped codeowners --write`"
    )
    click.echo(result.diff(), nl=False)
    sys.exit(1)
