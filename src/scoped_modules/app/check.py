"""The ``check`` use case: registry → files → (result cache | analysis) → one CheckResult.

A warm run with nothing changed reads the registry, lists the files, hashes the inputs and loads
the cached result; only a cold run imports the readers, the index and the rules (``analyse``).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import time
from datetime import UTC, datetime

from .. import __version__
from ..adapters.cache import ResultCache, code_fingerprint
from ..adapters.files import FileSet, fill_content_keys
from ..finding import Finding
from ..readers.facts import READER_VERSION
from ..registry.model import Registry
from ..result import CheckResult, ModuleRow, Note
from .gate import gate
from .lifecycle import lifecycle_key
from .options import CheckOptions, list_registry_files


def date_marks(registry: Registry) -> list[datetime]:
    """The registry's dates, sorted: results that read roles today or open votes change only
    when "now" crosses one of them."""
    marks: set[datetime] = set()
    for p in registry.people:
        for r in p.roles:
            marks.add(r.since)
            if r.until:
                marks.add(r.until)
    for m in registry.modules.values():
        for d in m.decisions:
            marks.update((d.opened, d.closes))
    return sorted(marks)


def input_files(registry: Registry) -> list[str]:
    """The files besides the scanned ones whose bytes a check reads (roster, evidence)."""
    extra = [registry.people_file] if registry.people_file else []
    extra += [e.path for m in registry.modules.values() for d in m.decisions for e in d.evidence]
    return extra


def result_key(registry: Registry, fileset: FileSet, now: datetime) -> str:
    """A hash of every input of ``check``."""
    h = hashlib.sha256()
    voting = os.environ.get("SCOPED_VOTING", "1")
    epoch = bisect.bisect_right(date_marks(registry), now)
    h.update(f"{__version__}|{code_fingerprint()}|{READER_VERSION}|{voting}|{epoch}\n".encode())
    h.update(registry.text.encode())
    for rel in input_files(registry):
        try:
            h.update(hashlib.sha256((registry.root / rel).read_bytes()).digest())
        except OSError:
            h.update(b"missing:" + rel.encode())
    for path, key in sorted(fileset.keys.items()):
        h.update(f"{path}\0{key}\n".encode())
    for path, line, msg in fileset.notes:
        h.update(f"{path}\0{line}\0{msg}\n".encode())
    return h.hexdigest()


def check(registry: Registry, options: CheckOptions) -> CheckResult:
    started = time.perf_counter()
    now = options.now or datetime.now(UTC)
    fileset = list_registry_files(registry)
    cache = ResultCache(registry.root, options.use_cache)
    key = ""
    if options.use_cache:
        # the key needs the content of untracked and modified files; without a cache the
        # readers hash them as they read them, so nothing is read twice
        fill_content_keys(fileset)
        key = result_key(registry, fileset, now) + lifecycle_key(registry, options.history)
    data = cache.load(key)
    if data is None:
        from .analyse import analyse  # the cold path: readers, index, rules
        from .suppress import finish, start

        grep = start(fileset)  # suppression comments, found while the analysis runs
        data = analyse(registry, options, fileset, now)
        data["suppressions"] = finish(grep, fileset)
        cache.save(key, data)
    findings = [Finding(*f) for f in data["findings"]]
    notes = [(p, line, msg, mod) for p, line, msg, mod in data["notes"]]
    rows = list(data["rows"])
    if "suppressions" not in data:  # a result cached by a version without suppressions
        from .suppress import finish, start

        data["suppressions"] = finish(start(fileset), fileset)
        cache.save(key, data)
    gated = gate(registry, options, fileset, findings, notes, rows, data["suppressions"])
    want = options.module
    return CheckResult(
        root=str(registry.root),
        registry_path=registry.rel_path,
        files=data["files"],
        modules=[ModuleRow(*r) for r in gated.rows if not want or r[0] == want],
        findings=[f for f in gated.findings if not want or f.module == want],
        notes=[Note(p, line, msg) for p, line, msg, mod in gated.notes if not want or mod == want],
        seconds=time.perf_counter() - started,
    )
