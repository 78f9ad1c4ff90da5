"""Reading every scanned file into facts: cache look-up, then the readers, over both cores."""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import select
import struct
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..adapters.cache import FactsCache, Shard
from ..adapters.files import (
    NOT_REGULAR_NOTE,
    FileSet,
    NotRegularFile,
    TooLarge,
    blob_id,
    read_regular,
)
from ..readers.facts import FileFacts, PatternHit, Patterns, ScanResult, language_of

if TYPE_CHECKING:
    from ..index import FactsView, Prefilter

MAX_BYTES = 5 * 1024 * 1024
BINARY_PROBE = 8192
STRICT_READERS_ENV = "SCOPED_STRICT_READERS"
PARALLEL_THRESHOLD = 400  # below this, forking costs more than it saves


def _reader(lang: str) -> Callable[[str], FileFacts]:
    if lang in _MORE_READERS:
        return _more(lang)[0]
    if lang == "py":
        from ..readers.python import read_python

        return read_python
    if lang == "cpp":
        from ..readers.cpp import read_cpp

        return read_cpp
    from ..readers.cmake import read_cmake

    return read_cmake


def _blanker(lang: str) -> Callable[[str], str] | None:
    if lang in _MORE_READERS:
        return _more(lang)[1]
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


# the readers of issue 12 (TableGen, SWIG, Meson, JVM sources, Maven POMs)
_MORE_READERS = ("td", "swig", "meson", "java", "scala", "kotlin", "maven")


def _more(lang: str) -> tuple[Callable[[str], FileFacts], Callable[[str], str]]:
    """(reader, comment blanker) of one of ``_MORE_READERS``."""
    if lang == "td":
        from ..readers import tablegen

        return tablegen.read_tablegen, tablegen.blank_comments_tablegen
    if lang == "swig":
        from ..readers import swig

        return swig.read_swig, swig.blank_comments_swig
    if lang == "meson":
        from ..readers import meson

        return meson.read_meson, meson.blank_comments_meson
    if lang in ("java", "scala", "kotlin"):
        from ..readers import jvm

        return jvm.READERS[lang], jvm.BLANKERS[lang]
    from ..readers import maven

    return maven.read_maven, maven.blank_comments_maven


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


# a Python file ``scan``'s ``skip`` left unread: what the index reads of it (nothing), never
# cached as facts (``ScanResult.full`` reads it when a rule wants its references as written)
UNREAD: FileFacts = ("py", [], [], {})
# how a file is read (the last field of a ``todo`` entry): as usual; a core Python file whose
# bytes the prefilter judges; one whose bytes it judged unneeded before (cached by blob id)
PLAIN, JUDGE, UNNEEDED = 0, 1, 2


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
    root: str,
    path: str,
    key: str,
    need_facts: bool,
    compiled: list[tuple[str, re.Pattern[str]]],
    skip: Prefilter | None = None,
) -> tuple[str, str, FileFacts | None, list[PatternHit] | None]:
    """Read one file: (path, key, facts or None, pattern hits or None). Never raises, unless
    ``strict_readers()`` and a reader fails. A Python file whose bytes ``skip`` judges
    unneeded is not read (:data:`UNREAD` facts)."""
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
    if skip is not None and lang == "py" and need_facts and not compiled and skip.unneeded(data):
        return path, key, UNREAD, None
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


def compile_patterns(patterns: Patterns) -> list[tuple[str, re.Pattern[str]]]:
    return [(m, re.compile(p, re.MULTILINE)) for m, ps in sorted(patterns.items()) for p in ps]


def scan(
    fileset: FileSet,
    patterns: Patterns,
    cache: FactsCache,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
    background: Callable[[], None] | None = None,
    view: FactsView | None = None,
    early: tuple[Callable[[str], bool], Callable[[dict[str, FileFacts]], None]] | None = None,
    skip: Prefilter | None = None,
) -> ScanResult:
    """Facts for every file: from the cache, else from the readers (in worker processes for
    large sets). ``background`` runs in this process while the workers read, or right away.

    With ``view`` (see ``index.index_view``) the result keeps, of each file's facts, only what
    the view returns; the readers' processes apply it before sending anything back, so the whole
    facts of all files are never in one process. The cache gets the whole facts (each process
    writes its own to a shard of the cache) and ``ScanResult.full`` gives them again.

    ``early`` is (which files, what to do with their facts): this process reads those files
    first, at the start of ``background``, and hands their facts (viewed) to the second
    function while the other processes read the rest (the build model reads the CMake files).
    ``skip`` (see ``index.python_prefilter``) tells, from a core Python file's bytes, that the
    index needs nothing of it: it is not read (:data:`UNREAD`). Its verdict on each blob is
    cached beside the pattern hits (under the prefilter's fingerprint), so that a file judged
    once is neither opened again nor served from cached facts: the same files are read, cache
    or no cache."""
    root = str(fileset.root)
    fp = patterns_fingerprint(patterns) if any(patterns.values()) else ""
    pcache = cache.patterns.setdefault(fp, {}) if fp else {}
    result = ScanResult({}, {})
    # (path, key, facts cached, pattern hits needed): the cached facts are decoded (and viewed)
    # by the worker processes as well, which at 100,000 files takes seconds
    todo: list[tuple[str, str, bool, bool, int]] = []
    verdicts = cache.patterns.setdefault("skip:" + skip.fingerprint, {}) if skip else {}
    reads = 0
    for path, key in fileset.keys.items():
        cached = bool(key) and key in cache
        need_hits = bool(fp) and (not key or key not in pcache)
        if fp and key in pcache:
            result.hits[path] = pcache[key]
        lang = language_of(path)
        how = PLAIN
        if skip is not None and lang == "py" and not need_hits and skip.applies(path):
            verdict = verdicts.get(key) if key else None
            how = UNNEEDED if verdict is True else JUDGE
            cached = how == UNNEEDED or (cached and verdict is False)
        if cached or need_hits or lang != "other":
            todo.append((path, key, cached, need_hits, how))
            reads += not cached
    total = len(todo)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    # decoding a cached entry costs a small part of reading the file
    if not (workers > 1 and reads + len(todo) // 8 >= PARALLEL_THRESHOLD):
        workers = 1
    if not hasattr(os, "fork"):
        workers = 1
    shards: list[Shard | None] = [cache.shard() if reads else None for _ in range(workers)]
    first: list[Any] = []
    if early is not None:
        pick, use = early
        place = {t[0]: i for i, t in enumerate(todo)}
        first = [t for t in todo if pick(t[0])]
        todo = [t for t in todo if not pick(t[0])]
        later = background

        def read_first() -> None:
            compiled = compile_patterns(patterns)
            first[:] = _read_chunk(
                root, first, (0, len(first)), compiled, shards[0], view, cache, skip
            )
            use({out[0]: out[2] for out in first if out[2] is not None})
            if later is not None:
                later()

        background = read_first

    outputs: list[Any] = []
    if todo:
        if progress:
            progress(0, total)
        if workers > 1:
            outputs = _parallel(
                root, todo, patterns, shards, view, cache, progress, background, skip
            )
            background = None
        else:
            compiled = compile_patterns(patterns)
            for i in range(0, len(todo), 32):
                outputs += _read_chunk(
                    root, todo, (i, i + 32), compiled, shards[0], view, cache, skip
                )
                if progress:
                    progress(i, total)
    if background is not None:
        background()
    if first:  # back in the order of the file list
        outputs = sorted([*outputs, *first], key=lambda out: place[out[0]])
    if outputs:
        for path, key, facts, hits, where, verdict in outputs:
            fileset.keys[path] = key
            if verdict is not None and key and verdicts.get(key) is not verdict:
                verdicts[key] = verdict
                cache.dirty = True
            if facts is not None:
                result.facts[path] = facts
            if where is not None:
                cache.add(key, where)
            if hits is not None and fp:
                result.hits[path] = hits
                pcache[key] = hits
                cache.dirty = True
        if progress:
            progress(total, total)
    for path, facts in result.facts.items():
        for line, msg in facts[2]:
            result.notes.append((path, line, msg))
    if view is not None:
        result.full = _whole_facts(root, fileset, cache)
        result.view = view
    return result


def _whole_facts(
    root: str, fileset: FileSet, cache: FactsCache
) -> Callable[[str], FileFacts | None]:
    """A file's whole facts: from the cache, else read again (they depend on its bytes alone)."""

    def full(path: str) -> FileFacts | None:
        key = fileset.keys.get(path, "")
        facts = cache.get(key) if key else None
        if facts is None or (facts[0] != language_of(path) and facts[0] != "skip"):
            facts = read_one(root, path, key, True, [])[2]
        return facts

    return full


def _read_chunk(
    root: str,
    todo: list,
    bounds: tuple[int, int],
    compiled: list,
    shard: Shard | None,
    view: FactsView | None,
    cache: FactsCache,
    skip: Prefilter | None = None,
) -> list:
    """The facts of ``todo[lo:hi]``, from the cache or read: (path, key, facts or their view,
    pattern hits, where the whole facts went in the cache, the prefilter's verdict on the
    bytes read) each."""
    out: list[tuple[Any, ...]] = []
    for path, key, cached, need_hits, how in todo[bounds[0] : bounds[1]]:
        if how == UNNEEDED:
            out.append((path, key, UNREAD, None, None, None))
            continue
        lang = language_of(path)
        facts = cache.get(key) if cached else None
        if facts is not None and facts[0] != lang and facts[0] != "skip":
            facts = None  # the same bytes read by another reader (an interface and a header)
        hits, where, verdict = None, None, None
        need_facts = facts is None and lang != "other"
        if need_facts or need_hits:
            path, key, read, hits = read_one(
                root,
                path,
                key,
                need_facts,
                compiled if need_hits else [],
                skip if how == JUDGE else None,
            )
            if read is not None:
                facts = read
                if how == JUDGE:
                    verdict = read is UNREAD
                if shard is not None and key and read is not UNREAD:
                    where = shard.put(read)
        if facts is not None and view is not None:
            facts = view(path, facts)
        out.append((path, key, facts, hits if need_hits else None, where, verdict))
    return out


def _parallel(
    root: str,
    todo: list,
    patterns: Patterns,
    shards: list[Shard | None],
    view: FactsView | None,
    cache: FactsCache,
    progress: Callable[[int, int], None] | None,
    background: Callable[[], None] | None = None,
    skip: Prefilter | None = None,
) -> list:
    """Read ``todo`` over ``len(shards)`` processes: this one and forked children.

    The files are cut into small chunks (see ``_chunks``) whose numbers are written, as
    fixed-size tickets, into one pipe shared by every process: each process takes the next
    ticket when it is free, so a process that meets a long file or runs ``background`` (this
    one, first) simply takes fewer chunks, and neither waits for the other. A child sends its
    chunks' results back through its own pipe with ``marshal`` (the views of the facts: the
    whole facts go to its cache shard). Far less overhead than a process pool (no task queue,
    one fork per child), which matters when the whole scan takes a fraction of a second. The
    readers of the languages to read are imported first, so that no child compiles their
    patterns again. The result is in ``todo`` order.
    """
    compiled = compile_patterns(patterns)
    for lang in {language_of(t[0]) for t in todo if not t[2]}:
        if lang != "other":
            _reader(lang)
            _blanker(lang)
    chunks = _chunks(len(todo), len(shards))
    tickets_r, tickets_w = os.pipe()
    children: list[tuple[int, int]] = []
    for shard in shards[1:]:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read, send, leave without running any cleanup
            code = 0
            try:
                os.close(rfd)
                os.close(tickets_w)
                done = [
                    (c, _read_chunk(root, todo, chunks[c], compiled, shard, view, cache, skip))
                    for c in _take(tickets_r)
                ]
                with os.fdopen(wfd, "wb") as fh:
                    fh.write(marshal.dumps(done))
            except BaseException:
                code = 1
            os._exit(code)
        os.close(wfd)
        children.append((pid, rfd))
    # every write of at most PIPE_BUF bytes is atomic, and each holds whole tickets, so a
    # 4-byte read always returns one whole ticket
    tickets = b"".join(_TICKET.pack(c) for c in range(len(chunks)))
    step = (select.PIPE_BUF // _TICKET.size) * _TICKET.size
    for lo in range(0, len(tickets), step):
        os.write(tickets_w, tickets[lo : lo + step])
    os.close(tickets_w)
    if background is not None:
        background()  # the children start on the chunks meanwhile
    parts: dict[int, list] = {}
    for c in _take(tickets_r):
        parts[c] = _read_chunk(root, todo, chunks[c], compiled, shards[0], view, cache, skip)
        if progress:
            progress(chunks[c][0], len(todo))
    os.close(tickets_r)
    for pid, rfd in children:
        with os.fdopen(rfd, "rb") as fh:
            data = fh.read()
        _pid, status = os.waitpid(pid, 0)
        try:
            done = marshal.loads(data) if status == 0 else []
        except (EOFError, ValueError, TypeError):
            done = []
        del data
        for c, part in done:
            if len(part) == chunks[c][1] - chunks[c][0]:
                parts[c] = part
    out: list[Any] = []
    for c, (lo, hi) in enumerate(chunks):
        # a chunk taken by a child that failed is read here
        out.extend(
            parts.get(c)
            or _read_chunk(root, todo, (lo, hi), compiled, shards[0], view, cache, skip)
        )
    return out


_TICKET = struct.Struct("<I")


def _take(fd: int) -> Iterator[int]:
    """Chunk numbers from the ticket pipe until it is empty and closed."""
    while len(ticket := os.read(fd, _TICKET.size)) == _TICKET.size:
        yield _TICKET.unpack(ticket)[0]


def _chunks(n: int, workers: int) -> list[tuple[int, int]]:
    """(start, stop) of small chunks of ``n`` files: small enough that the last ones even out the
    processes' finishing times (~48 per process at least), large enough that taking a ticket
    costs nothing (at least 4 files). No stat() per file: at 100,000 files that alone costs a
    good part of a second."""
    size = max(4, min(32, n // (48 * workers)))
    return [(lo, min(n, lo + size)) for lo in range(0, n, size)]
