"""Reading every scanned file into facts: cache look-up, then the readers, over both cores."""

from __future__ import annotations

import hashlib
import marshal
import os
import re
from collections.abc import Callable
from typing import Any

from ..adapters.cache import FactsCache
from ..adapters.files import (
    NOT_REGULAR_NOTE,
    FileSet,
    NotRegularFile,
    TooLarge,
    blob_id,
    read_regular,
)
from ..readers.facts import FileFacts, PatternHit, Patterns, ScanResult, language_of

MAX_BYTES = 5 * 1024 * 1024
BINARY_PROBE = 8192
STRICT_READERS_ENV = "SCOPED_STRICT_READERS"
PARALLEL_THRESHOLD = 400  # below this, forking costs more than it saves


def _reader(lang: str) -> Callable[[str], FileFacts]:
    if lang == "py":
        from ..readers.python import read_python

        return read_python
    if lang == "cpp":
        from ..readers.cpp import read_cpp

        return read_cpp
    from ..readers.cmake import read_cmake

    return read_cmake


def _blanker(lang: str) -> Callable[[str], str] | None:
    if lang == "py":
        from ..readers.python import blank_comments_py

        return blank_comments_py
    if lang == "cpp":
        from ..readers.cpp import blank_comments_cpp

        return blank_comments_cpp
    if lang == "cmake":
        from ..readers.cmake import blank_comments_cmake

        return blank_comments_cmake
    return None


def patterns_fingerprint(patterns: Patterns) -> str:
    text = repr(sorted((m, list(p)) for m, p in patterns.items() if p))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def find_patterns(text: str, compiled: list[tuple[str, re.Pattern[str]]]) -> list[PatternHit]:
    hits: list[PatternHit] = []
    if not compiled:
        return hits
    lines: list[str] | None = None
    for module, rx in compiled:
        seen: set[int] = set()
        for m in rx.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            if line in seen:
                continue
            seen.add(line)
            if lines is None:
                lines = text.split("\n")
            hits.append((line, module, " ".join(lines[line - 1].split())[:200], None))
    hits.sort()
    return hits


def _decode(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), "not UTF-8; read with replacement characters"


def strict_readers() -> bool:
    """Whether a reader's exception propagates (tests set ``SCOPED_STRICT_READERS=1``) instead
    of becoming a note that names the file (production: a reader bug must not stop the scan)."""
    return os.environ.get(STRICT_READERS_ENV, "") not in ("", "0")


def read_one(
    root: str, path: str, key: str, need_facts: bool, compiled: list[tuple[str, re.Pattern[str]]]
) -> tuple[str, str, FileFacts | None, list[PatternHit] | None]:
    """Read one file: (path, key, facts or None, pattern hits or None). Never raises, unless
    ``strict_readers()`` and a reader fails."""
    lang = language_of(path)
    full = os.path.join(root, path)
    notes: list[tuple[int, str]] = []
    try:
        data = read_regular(full, MAX_BYTES)
    except NotRegularFile:
        return path, key or f"special:{path}", ("skip", [], [(0, NOT_REGULAR_NOTE)], {}), []
    except TooLarge as exc:
        return (
            path,
            key or f"size:{path}:{exc.size}",
            ("skip", [], [(0, f"skipped: larger than 5 MiB ({exc.size} bytes)")], {}),
            [],
        )
    except OSError as exc:
        return (
            path,
            key or f"unreadable:{path}",
            ("skip", [], [(0, f"unreadable: {exc.strerror}")], {}),
            [],
        )
    if not key:
        key = blob_id(data)
    if b"\0" in data[:BINARY_PROBE]:
        return path, key, ("skip", [], [(0, "binary file skipped")], {}), []
    text, note = _decode(data)
    if note:
        notes.append((0, note))
    facts: FileFacts | None = None
    if need_facts and lang != "other":
        try:
            facts = _reader(lang)(text)
        except Exception as exc:  # a reader bug must not stop the scan (tests: it must)
            if strict_readers():
                raise
            facts = (
                lang,
                [],
                [(0, f"reader failed ({type(exc).__name__}); no references read")],
                {},
            )
        if notes:
            facts = (facts[0], facts[1], notes + list(facts[2]), facts[3])
    elif need_facts:
        facts = ("other", [], notes, {})
    hits = None
    if compiled:
        blank = _blanker(lang)
        try:
            hits = find_patterns(blank(text) if blank else text, compiled)
        except Exception:
            if strict_readers():
                raise
            hits = find_patterns(text, compiled)
        if hits and lang != "other":
            hits = _with_guards(hits, lang, text, facts)
    return path, key, facts, hits


def _with_guards(hits: list, lang: str, text: str, facts: FileFacts | None) -> list:
    """Attach to each pattern hit the condition its line sits under (dead code drops out)."""
    from ..readers.guards import DEAD, guard_at

    try:
        if lang == "py":
            from ..readers.python import guards_at_lines

            at = guards_at_lines(text, [h[0] for h in hits])
            return [(*h[:3], at.get(h[0])) for h in hits]
        if facts is None or facts[0] != lang:
            facts = _reader(lang)(text)
        segments = facts[3].get("segments", [])
        out = []
        for h in hits:
            g = guard_at(segments, h[0])
            if g != DEAD:
                out.append((*h[:3], g))
        return out
    except Exception:  # a guard is a refinement: without one the hit stays a plain reference
        if strict_readers():
            raise
        return [(*h[:3], None) for h in hits]


def _batch(args: tuple[str, list[tuple[str, str, bool]], Patterns]) -> list:
    root, items, patterns = args
    compiled = compile_patterns(patterns)
    return [read_one(root, p, k, nf, compiled) for p, k, nf in items]


def compile_patterns(patterns: Patterns) -> list[tuple[str, re.Pattern[str]]]:
    return [(m, re.compile(p, re.MULTILINE)) for m, ps in sorted(patterns.items()) for p in ps]


def scan(
    fileset: FileSet,
    patterns: Patterns,
    cache: FactsCache,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
    background: Callable[[], None] | None = None,
) -> ScanResult:
    """Facts for every file: from the cache, else from the readers (in worker processes for
    large sets). ``background`` runs in this process while the workers read, or right away."""
    root = str(fileset.root)
    fp = patterns_fingerprint(patterns) if any(patterns.values()) else ""
    pcache = cache.patterns.setdefault(fp, {}) if fp else {}
    result = ScanResult({}, {})
    todo: list[tuple[str, str, bool]] = []
    for path, key in fileset.keys.items():
        lang = language_of(path)
        facts = cache.facts.get(key) if key else None
        need_facts = facts is None and lang != "other"
        need_hits = bool(fp) and (not key or key not in pcache)
        if facts is not None:
            result.facts[path] = facts
        if fp and key in pcache:
            result.hits[path] = pcache[key]
        if need_facts or need_hits:
            todo.append((path, key, need_facts))
    if todo:
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
            outputs = _parallel(root, todo, patterns, workers, progress, background)
            background = None
        else:
            compiled = compile_patterns(patterns)
            outputs = []
            for i, (p, k, nf) in enumerate(todo):
                outputs.append(read_one(root, p, k, nf, compiled))
                if progress and i % 500 == 0:
                    progress(i, len(todo))
        for path, key, facts, hits in outputs:
            fileset.keys[path] = key
            if facts is not None:
                result.facts[path] = facts
                cache.facts[key] = facts
            if hits is not None and fp:
                result.hits[path] = hits
                pcache[key] = hits
        cache.dirty = True
        if progress:
            progress(len(todo), len(todo))
    if background is not None:
        background()
    for path, facts in result.facts.items():
        for line, msg in facts[2]:
            result.notes.append((path, line, msg))
    return result


def _parallel(
    root: str,
    todo: list,
    patterns: Patterns,
    workers: int,
    progress: Callable[[int, int], None] | None,
    background: Callable[[], None] | None = None,
) -> list:
    """Read ``todo`` over ``workers`` processes: this one and ``workers - 1`` forked children.

    A child reads every ``workers``-th file and sends its results back through a pipe with
    ``marshal``; this process reads its own share, runs ``background``, then collects. Far less
    overhead than a process pool (no task queue, one fork per child), which matters when the
    whole scan takes a fraction of a second. Without ``fork`` (Windows) it reads sequentially.
    """
    if not hasattr(os, "fork"):
        compiled = compile_patterns(patterns)
        seq = [read_one(root, p, k, nf, compiled) for p, k, nf in todo]
        if background is not None:
            background()
        return seq
    shares = _shares(todo, workers, own_weight=0.7 if background is not None else 1.0)
    children: list[tuple[int, int, list]] = []
    for share in shares[1:]:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read, send, leave without running any cleanup
            code = 0
            try:
                os.close(rfd)
                data = marshal.dumps(_batch((root, share, patterns)))
                with os.fdopen(wfd, "wb") as fh:
                    fh.write(data)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(wfd)
        children.append((pid, rfd, share))
    compiled = compile_patterns(patterns)
    own = shares[0]
    out: list[Any] = []
    for i, (p, k, nf) in enumerate(own):
        out.append(read_one(root, p, k, nf, compiled))
        if progress and i % 200 == 0:
            progress(i * workers, len(todo))
    if background is not None:
        background()  # while the children finish
    for pid, rfd, share in children:
        with os.fdopen(rfd, "rb") as fh:
            data = fh.read()
        _pid, status = os.waitpid(pid, 0)
        try:
            part = marshal.loads(data) if status == 0 else None
        except (EOFError, ValueError, TypeError):
            part = None
        if part is None or len(part) != len(share):  # a child failed: read its share here
            part = [read_one(root, p, k, nf, compiled) for p, k, nf in share]
        out.extend(part)
    return out


def _shares(todo: list, workers: int, own_weight: float) -> list[list]:
    """Deal the files out in turn (neighbours in path order are alike, so the shares come out
    even); this process (share 0) takes ``own_weight`` of a fair share, leaving room for its
    background work. No stat() per file: at 100,000 files that alone costs a good part of a
    second."""
    slots = [0] * round(own_weight * 10) + [w for w in range(1, workers) for _ in range(10)]
    shares: list[list] = [[] for _ in range(workers)]
    n = len(slots)
    for i, item in enumerate(todo):
        shares[slots[i % n]].append(item)
    return shares
