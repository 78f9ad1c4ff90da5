"""CPU of the readers alone over every file of a git repository, per language.

    python bench/readers.py /path/to/repo [--runs 5] [--lang py]

Reads the tracked files as the scan does (size and binary limits, UTF-8 with replacement),
then runs each file's reader ``--runs`` times and prints the best CPU time per language
(``time.process_time``: other load on the machine matters less) and a hash of all the facts,
which must not depend on whether the compiled readers ran (``SCOPED_PURE_PYTHON=1`` forces the
Python twins).
"""

from __future__ import annotations

import argparse
import hashlib
import marshal
import os
import subprocess
import time
from collections import defaultdict

from scoped_modules.app.scan import BINARY_PROBE, MAX_BYTES, _decode, _reader
from scoped_modules.readers.facts import language_of
from scoped_modules.readers.speedups import compiled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repo")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lang", help="only this language (py, cpp, cmake, ...)")
    args = ap.parse_args()
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=args.repo, capture_output=True, check=True
    ).stdout
    items: list[tuple[str, str]] = []
    for path in listed.decode("utf-8", "surrogateescape").split("\0"):
        lang = language_of(path) if path else "other"
        full = os.path.join(args.repo, path)
        if lang == "other" or (args.lang and lang != args.lang):
            continue
        if os.path.islink(full) or not os.path.isfile(full):
            continue
        with open(full, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES or b"\0" in data[:BINARY_PROBE]:
            continue
        items.append((lang, _decode(data)[0]))
    readers = {lang: _reader(lang) for lang, _ in items}
    best: dict[str, float] = defaultdict(lambda: float("inf"))
    total = float("inf")
    digest = hashlib.sha256()
    for run in range(args.runs):
        spent: dict[str, float] = defaultdict(float)
        start = time.process_time()
        for lang, text in items:
            t = time.process_time()
            facts = readers[lang](text)
            spent[lang] += time.process_time() - t
            if run == 0:
                digest.update(marshal.dumps(facts))
        total = min(total, time.process_time() - start)
        for lang, s in spent.items():
            best[lang] = min(best[lang], s)
    mode = "compiled" if compiled is not None else "pure Python"
    print(f"{len(items)} files, readers {mode}, best of {args.runs}: {total:.3f} s CPU")
    for lang in sorted(best):
        print(f"  {lang:8} {best[lang]:.3f} s")
    print(f"facts sha256 {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
