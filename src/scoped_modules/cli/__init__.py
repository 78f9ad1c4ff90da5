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
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise click.BadParameter(
            f"{value!r} is out of range: in UTC it falls outside years 1-9999", param_hint=what
        ) from None


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
        "baseline": ("scoped_modules.cli.adoption", "baseline"),
        "codeowners": ("scoped_modules.cli.adoption", "codeowners"),
        "activity": ("scoped_modules.cli.lifecycle", "activity"),
        "propose": ("scoped_modules.cli.lifecycle", "propose"),
        "transition": ("scoped_modules.cli.lifecycle", "transition"),
        "summary": ("scoped_modules.cli.lifecycle", "summary"),
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


def _progress_printer(what: str = "reading files"):
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        t = time.perf_counter()
        if done < total and t - last[0] < 0.1:
            return
        last[0] = t
        end = "\n" if done >= total else ""
        click.echo(f"\r{what}: {done}/{total}", err=True, nl=bool(end))

    return show


def _rule_list(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    from ..rules.selection import parse_rules

    ids, unknown = parse_rules(values)
    if unknown:
        raise click.BadParameter(
            f"{', '.join(map(repr, unknown))}: no such rule (see `scoped explain`)",
            ctx=ctx,
            param=param,
        )
    return ids


@main.command()
@click.option(
    "--changed",
    metavar="BASE",
    default=None,
    help="Check the change since the merge base of BASE and HEAD, working tree included (SM012).",
)
@click.option(
    "--only-changed",
    is_flag=True,
    help="With --changed: report findings in changed files only (the pre-commit speed path).",
)
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
    help="Known errors to tolerate, written by `scoped baseline` (default: [project].baseline).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    callback=_rule_list,
    help="Report only these rules (ids or names, comma-separated; repeatable).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULES",
    callback=_rule_list,
    help="Do not report these rules (ids or names, comma-separated; repeatable).",
)
@click.option("--strict", is_flag=True, help="Warnings and stale baseline entries count as errors.")
@click.option("--no-history", is_flag=True, help="Skip rules that read git history (SM011).")
@click.option(
    "--no-cache", is_flag=True, help="Read every file again; neither read nor write the caches."
)
@click.option(
    "--max-per-rule",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Text output: findings shown per module and rule (then a count).",
)
@click.option("--all", "show_all", is_flag=True, help="Text output: show every finding.")
@click.pass_obj
def check(
    obj: Context,
    changed: str | None,
    only_changed: bool,
    module: str | None,
    fmt: str,
    baseline: Path | None,
    select: list[str],
    ignore: list[str],
    strict: bool,
    no_history: bool,
    no_cache: bool,
    max_per_rule: int,
    show_all: bool,
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
    if only_changed and not changed:
        raise click.UsageError("--only-changed needs --changed BASE")
    recorder = _warm_recorder(registry, baseline) if not no_cache else None
    with _collector_paused():
        result = run_check(
            registry,
            CheckOptions(
                module=module,
                use_cache=not no_cache,
                now=obj.now,
                progress=_progress_printer(),
                select=select,
                ignore=ignore,
                baseline=baseline,
                changed=changed,
                only_changed=only_changed,
                strict=strict,
                history=not no_history,
            ),
        )
    color = use_color() if fmt == "text" else False

    def render(seconds: float) -> str:
        result.seconds = seconds
        if fmt == "text":
            from ..report.text import render as render_text

            out = render_text(result, color=color, max_per_rule=None if show_all else max_per_rule)
        else:
            out = RENDERERS[fmt](result, False)
        return out if out.endswith("\n") else out + "\n"

    click.echo(render(time.perf_counter() - STARTED), nl=False)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from ..report.github import job_summary

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(job_summary(result))
    failing = result.errors + (result.warnings if strict else 0)
    code = 1 if failing else 0
    if recorder is not None:
        recorder.save(render, color, code)
    sys.exit(code)


def _warm_recorder(registry, baseline: Path | None):  # -> app.warm.Recorder | None
    """Record this run for the thin warm path when the process came through the ``scoped``
    entry point (which knows the command line) and the registry sits at the git top level."""
    if RECORD_ARGV is None:
        return None
    from ..app.baseline import resolve_path
    from ..app.check import date_marks, input_files
    from ..app.warm import Recorder, find_root

    if find_root(Path.cwd()) != registry.root:
        return None
    marks = [d.timestamp() for d in date_marks(registry)]
    extra = input_files(registry)
    used = resolve_path(registry, baseline, Path.cwd())
    if used is not None:
        extra.append(str(used))  # its bytes decide which errors are shown
    return Recorder(RECORD_ARGV, registry.root, extra, marks)


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
@click.option("--no-history", is_flag=True, help="Leave the activity columns empty.")
@click.pass_obj
def status(obj: Context, fmt: str, no_cache: bool, no_history: bool) -> None:
    """One row per module: stage, owners (active/total), champion, toggle, inbound references,
    last focused commit, verdict."""
    from ..app.activity import measure_activity
    from ..app.check import check as run_check
    from ..app.options import CheckOptions
    from ..errors import EnvironmentProblem
    from ..report.status import render_status_json, render_status_text, status_rows

    registry = obj.registry()
    options = CheckOptions(use_cache=not no_cache, now=obj.now, history=not no_history)
    result = run_check(registry, options)
    activity = None
    if not no_history:
        try:
            activity = measure_activity(registry, use_cache=not no_cache)
        except EnvironmentProblem as exc:
            click.echo(f"note: no activity columns: {exc.problems[0].splitlines()[0]}", err=True)
    rows = status_rows(registry, result, activity)
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
