"""The ``scoped`` command line: option parsing and exit codes only; the work lives elsewhere.

Exit codes: 0 success / no error findings; 1 error findings or a refused precondition;
2 usage, configuration or environment error.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from .. import __version__
from ..errors import ScopedError

STARTED = time.perf_counter()
# set by the `scoped` entry point (scoped_modules.entry): its command line, which a full
# `check` records with its output for the thin warm path; None when called otherwise
RECORD_ARGV: list[str] | None = None


@dataclass
class Context:
    now: datetime | None
    config: Path | None

    def registry(self):  # -> Registry
        from ..app.config import load_registry

        return load_registry(self.config, Path.cwd())


def parse_when(value: str, what: str) -> datetime:
    """A datetime with offset (``Z`` or ``+hh:mm``) or a bare date (00:00 UTC)."""
    text = value.strip()
    try:
        if len(text) == 10:
            d = datetime.strptime(text, "%Y-%m-%d")
            return d.replace(tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (2022-06-01) or a datetime with offset (2022-06-01T00:00:00Z)",
            param_hint=what,
        )
    if parsed.tzinfo is None:
        raise click.BadParameter(
            f"{value!r} has no UTC offset; add 'Z' or '+hh:mm'", param_hint=what
        )
    return parsed.astimezone(UTC)


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def voting_enabled() -> bool:
    """The toggle of this project's optional `voting` module (see its scoped.toml)."""
    return os.environ.get("SCOPED_VOTING", "1") == "1"


def fail(problems: list[str]) -> None:
    for p in problems:
        click.echo(f"error: {p}" if not p[:1].isspace() else p, err=True)
    sys.exit(2)


class ScopedGroup(click.Group):
    """Turns every ScopedError into its messages on stderr and exit code 2; loads the command
    groups that need heavier imports (mail parsing, ...) only when they are invoked."""

    lazy: dict[str, tuple[str, str]] = {
        "remove": ("scoped_modules.cli.removal", "remove"),
        "toggles": ("scoped_modules.cli.removal", "toggles"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        extra = ["vote"] if voting_enabled() else []
        return sorted({*super().list_commands(ctx), *self.lazy, *extra})

    def get_command(self, ctx: click.Context, name: str):
        if name == "vote" and name not in self.commands:
            # the wiring of the `voting` module (this project's own scoped.toml): imported only
            # when its toggle is on, so SCOPED_VOTING=0 never loads the vote-counting code
            if os.environ.get("SCOPED_VOTING", "1") == "1":
                from .vote import vote

                self.add_command(vote, name)
            else:
                ctx.fail("'scoped vote' is switched off (SCOPED_VOTING=0); unset it to count votes")
        if name in self.lazy and name not in self.commands:
            import importlib

            modname, attr = self.lazy[name]
            self.add_command(getattr(importlib.import_module(modname), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ScopedError as exc:
            fail(exc.problems)


@click.group(cls=ScopedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scoped")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Registry file to use; the repository root is then its directory.",
)
@click.option(
    "--now",
    "now",
    default=None,
    metavar="DATETIME",
    help="Fix 'now' (roles today, open votes), e.g. 2022-06-10T00:00:00Z.",
)
@click.pass_context
def main(ctx: click.Context, config: Path | None, now: str | None) -> None:
    """Check and govern scoped modules: namespaces, toggles, owners and votes."""
    ctx.obj = Context(parse_when(now, "--now") if now else None, config)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The scan allocates many small, long-lived tuples and frees none of them: the cyclic
    collector only costs time there. Paused for the run, restored afterwards (also when the
    CLI is called in-process, as the tests do)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _progress_printer():
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        t = time.perf_counter()
        if done < total and t - last[0] < 0.1:
            return
        last[0] = t
        end = "\n" if done >= total else ""
        click.echo(f"\rreading files: {done}/{total}", err=True, nl=bool(end))

    return show


@main.command()
@click.option("--changed", metavar="BASE", default=None, help="Check the change from BASE (SM012).")
@click.option("--module", "module", default=None, help="Report only this module.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "junit", "github"]),
    default="text",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Known findings to tolerate (see `scoped baseline`).",
)
@click.option("--strict", is_flag=True, help="Warnings count as errors.")
@click.option("--no-history", is_flag=True, help="Skip rules that read git history (SM011).")
@click.option(
    "--no-cache", is_flag=True, help="Read every file again; neither read nor write the caches."
)
@click.pass_obj
def check(
    obj: Context,
    changed: str | None,
    module: str | None,
    fmt: str,
    baseline: Path | None,
    strict: bool,
    no_history: bool,
    no_cache: bool,
) -> None:
    """Run every rule; exit 1 when there are error findings."""
    from ..app.check import check as run_check
    from ..app.options import CheckOptions
    from ..report import RENDERERS

    registry = obj.registry()
    if module and module not in registry.modules:
        raise ScopedError(
            f"unknown module '{module}' (known: {', '.join(sorted(registry.modules)) or 'none'})"
        )
    if changed:
        click.echo(
            "note: --changed (SM012) is not implemented yet; checking the whole tree", err=True
        )
    if baseline:
        click.echo("note: --baseline is not implemented yet; every finding is reported", err=True)
    recorder = _warm_recorder(registry) if not no_cache else None
    with _collector_paused():
        result = run_check(
            registry,
            CheckOptions(
                module=module, use_cache=not no_cache, now=obj.now, progress=_progress_printer()
            ),
        )
    color = use_color() if fmt == "text" else False

    def render(seconds: float) -> str:
        result.seconds = seconds
        out = RENDERERS[fmt](result, color=color)
        return out if out.endswith("\n") else out + "\n"

    click.echo(render(time.perf_counter() - STARTED), nl=False)
    failing = result.errors + (result.warnings if strict else 0)
    code = 1 if failing else 0
    if recorder is not None:
        recorder.save(render, color, code)
    sys.exit(code)


def _warm_recorder(registry):  # -> app.warm.Recorder | None
    """Record this run for the thin warm path when the process came through the ``scoped``
    entry point (which knows the command line) and the registry sits at the git top level."""
    if RECORD_ARGV is None:
        return None
    from ..app.check import date_marks, input_files
    from ..app.warm import Recorder, find_root

    if find_root(Path.cwd()) != registry.root:
        return None
    marks = [d.timestamp() for d in date_marks(registry)]
    return Recorder(RECORD_ARGV, registry.root, input_files(registry), marks)


@main.command()
@click.argument("module")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.pass_obj
def deps(obj: Context, module: str, fmt: str, no_cache: bool) -> None:
    """MODULE's inbound references (wiring marked) and outbound references."""
    from ..app.analyse import build
    from ..app.options import CheckOptions
    from ..report.deps import render_deps_json, render_deps_text

    registry = obj.registry()
    if module not in registry.modules:
        raise ScopedError(
            f"unknown module '{module}' (known: {', '.join(sorted(registry.modules)) or 'none'})"
        )
    index = build(registry, CheckOptions(use_cache=not no_cache))
    inbound, outbound = index.inbound(module), index.outbound(module)
    if fmt == "json":
        click.echo(render_deps_json(module, inbound, outbound))
    else:
        click.echo(render_deps_text(module, inbound, outbound), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.pass_obj
def status(obj: Context, fmt: str, no_cache: bool) -> None:
    """One row per module: stage, owners, champion, toggle, inbound references, verdict."""
    from ..app.check import check as run_check
    from ..app.options import CheckOptions
    from ..report.status import render_status_json, render_status_text, status_rows

    registry = obj.registry()
    result = run_check(registry, CheckOptions(use_cache=not no_cache, now=obj.now))
    rows = status_rows(registry, result)
    click.echo(
        render_status_json(rows) if fmt == "json" else render_status_text(rows), nl=fmt == "json"
    )


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of RULE (an id such as SM003 or a name such as inbound-reference)."""
    from ..rules import BY_ID
    from ..rules.docs import lookup, render_doc, suggest

    found = lookup(rule)
    if found is None:
        close = suggest(rule)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ScopedError(f"unknown rule '{rule}'{hint} (known: {', '.join(BY_ID)})")
    click.echo(render_doc(found))


@main.command()
@click.option("--force", is_flag=True, help="Overwrite an existing scoped.toml.")
def init(force: bool) -> None:
    """Write a starting scoped.toml from what the repository holds (no modules)."""
    from ..app.init import write_initial_registry

    path = write_initial_registry(Path.cwd(), force=force)
    click.echo(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
