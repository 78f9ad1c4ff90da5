"""The ``activity`` use case (SPEC §8): git history in, each module's activity out.

Git is read once per commit id: one streaming ``git log`` over the window, one ``git
check-mailmap`` for every distinct identity; the commit records are cached by the commit id
and window start, the measure itself (:mod:`scoped_modules.history.activity`) is pure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import git
from ..adapters.cache import HistoryCache
from ..errors import EnvironmentProblem
from ..registry.model import ActivitySettings, Registry, iso
from ..rules.base import severity

if TYPE_CHECKING:  # the measure loads the index and the roster: only when history is read
    from ..history.activity import ActivityReport, Commit, Window

CACHE_VERSION = 3
Progress = Callable[[int, int], None]


def _day(ts: datetime) -> str:
    return ts.astimezone(UTC).date().isoformat()


def read_history(
    root: Path,
    rev: str,
    window_days: int,
    at: datetime | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> tuple[str, Window, list[Commit], list[str], tuple[str, int] | None]:
    """(commit id of ``rev``, the window, its commits with ``.mailmap`` applied, the path table
    their path ids index, the root commit where history starts when it starts inside the
    window: (id, author time) or None).

    Exit-2 problems (:class:`EnvironmentProblem`): outside git, a rev that names no commit, a
    shallow clone whose history stops inside the window (never reported as inactivity)."""
    from ..history.activity import Commit, Window, contact, parse_contact

    top = git.toplevel(root)
    if top is None:
        raise EnvironmentProblem(f"{root}: not a git repository; activity is read from git history")
    found = git.resolve_commit(root, rev)
    if found is None:
        raise EnvironmentProblem(f"'{rev}' names no commit in {root} (no history to read)")
    sha, committed = found
    end = at or datetime.fromtimestamp(committed, UTC)
    window = Window.ending(end, window_days)
    since = int(window.start.timestamp())
    cache = HistoryCache(root, use_cache)
    key = f"v{CACHE_VERSION}|{sha}|{since}"
    raw = cache.load(key)
    if raw is None:
        raw = _walk(root, sha, since, window, progress)
        cache.save(key, raw)
    records = raw["commits"]
    # every distinct identity through .mailmap once: authors as (name, email), co-authors as
    # their trailer text
    pairs = sorted({(r[2], r[3]) for r in records})
    trailers = sorted({c for r in records for c in r[4]})
    contacts = [contact(n, e) for n, e in pairs] + trailers
    mapped = git.check_mailmap(root, contacts) or contacts
    parsed = [parse_contact(m) for m in mapped]
    by_pair: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
        p: (parsed[i],) for i, p in enumerate(pairs)
    }
    by_trailer = {t: parsed[len(pairs) + i] for i, t in enumerate(trailers)}
    commits = []
    for c_sha, when, name, email, co, ids in records:
        authors = by_pair[(name, email)]
        for c in co:
            if by_trailer[c] not in authors:
                authors = (*authors, by_trailer[c])
        commits.append(Commit(c_sha, when, authors, ids))
    start = window.start.timestamp()
    roots = [tuple(r) for r in raw["roots"] if r[1] > start]
    first = min(roots, key=lambda r: r[1]) if roots else None
    return sha, window, commits, _below(raw["paths"], top, root), first


def _below(paths: list[str], top: Path, root: Path) -> list[str]:
    """Git's top-level-relative paths made relative to the registry root; a path outside the
    root keeps a ``../`` so it counts as a changed file that no module claims."""
    try:
        prefix = root.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return paths
    if prefix in ("", "."):
        return paths
    base = prefix + "/"
    n = len(base)
    return [p[n:] if p.startswith(base) else "../" + p for p in paths]


def _walk(root: Path, sha: str, since: int, window: Window, progress: Progress | None) -> dict:
    """The raw commit records (paths interned) of one ``git log`` from ``sha`` back to ``since``."""
    boundary = git.shallow_boundary(root)
    total = git.count_commits(root, sha, since) if progress is not None else None
    table = git.PathTable()
    records = []
    roots = []
    cut: tuple[str, int] | None = None
    try:
        for n, (c_sha, when, name, email, co, paths, parentless) in enumerate(
            git.history(root, sha, since, table), 1
        ):
            if c_sha in boundary:
                cut = cut or (c_sha, when)
            elif parentless:
                roots.append((c_sha, when))
            records.append((c_sha, when, name, email, co, paths))
            if progress is not None and total and n % 500 == 0 and n < total:
                progress(n, total)
    except (OSError, RuntimeError) as exc:
        raise EnvironmentProblem(f"{root}: cannot read git history: {exc}")
    if progress is not None and total:
        progress(total, total)
    if cut is not None:
        day_before = _day(window.start - timedelta(days=1))
        raise EnvironmentProblem(
            f"{root}: this is a shallow clone whose history stops at commit {cut[0][:12]} "
            f"(authored {_day(datetime.fromtimestamp(cut[1], UTC))}), inside the activity window "
            f"that starts {iso(window.start)}; deepen it, then run the command again:\n"
            f"  git fetch --shallow-since={day_before} && git fetch --deepen=1\n"
            "  (or fetch the whole history: git fetch --unshallow)"
        )
    return {"paths": table.decoded(), "commits": records, "roots": roots}


def measure_activity(
    registry: Registry,
    rev: str = "HEAD",
    at: datetime | None = None,
    window_days: int | None = None,
    module: str | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> ActivityReport:
    from ..history.activity import measure

    settings = registry.activity
    if window_days is not None:
        settings = ActivitySettings(
            window_days, settings.focus, settings.min_focused_commits, list(settings.bots)
        )
    sha, window, commits, paths, start = read_history(
        registry.root, rev, settings.window_days, at, use_cache, progress
    )
    modules = [registry.modules[module]] if module else None
    report = measure(commits, paths, registry, window, sha, modules, settings)
    report.history_start = start
    return report


def activity_for_check(
    registry: Registry,
    use_history: bool,
    use_cache: bool,
    notes: list[tuple[str, int, str]],
) -> ActivityReport | None:
    """The activity SM011 judges in ``check`` (``--no-history`` skips it), or None with a note
    saying why it was not evaluated (outside git, a shallow clone, a young history)."""
    if not use_history or not any(severity("SM011", m.stage) for m in registry.modules.values()):
        return None
    try:
        report = measure_activity(registry, use_cache=use_cache)
    except EnvironmentProblem as exc:
        first = exc.problems[0].split("\n", 1)[0]
        notes.append((registry.rel_path, 0, f"SM011 not evaluated: {first}"))
        return None
    if report.incomplete:
        notes.append((registry.rel_path, 0, f"SM011 not evaluated: {report.incomplete}"))
        return None
    return report
