"""Cost of the Python reader: per file on the running interpreter's standard library, and how it
grows with long condition chains and long lines (issue 14: reading must stay linear).

    python bench/python_reader.py [--runs 3]

Prints CPU seconds (best of ``--runs``), so that other load on the machine matters less; a
ratio close to the size ratio (20 for 100 -> 2,000 branches, 16 for 1,000 -> 16,000
statements) means linear cost.
"""

from __future__ import annotations

import argparse
import sysconfig
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from scoped_modules.readers.python import read_python


def best(fn: Callable[[], object], runs: int) -> float:
    out = float("inf")
    for _ in range(runs):
        t = time.process_time()
        fn()
        out = min(out, time.process_time() - t)
    return out


def elif_chain(n: int) -> str:
    body = "".join(f"elif X{i}:\n    import a{i}\n" for i in range(1, n))
    return "if X0:\n    import a0\n" + body


def one_line(n: int) -> str:
    return "import a;" * n + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    texts = [p.read_bytes().decode("utf-8", "replace") for p in files]
    size = sum(map(len, texts))

    def read_all() -> None:
        for t in texts:
            read_python(t)

    total = best(read_all, args.runs)
    print(f"standard library: {len(texts)} files, {size / 1e6:.1f} MB")
    print(f"  {total:.2f} s CPU, {total / len(texts) * 1e6:.0f} us per file")
    for label, make, small, large in (
        ("elif chain, branches", elif_chain, 100, 2000),
        ("`import a;` on one line", one_line, 1000, 16000),
    ):
        a = best(partial(read_python, make(small)), args.runs)
        b = best(partial(read_python, make(large)), args.runs)
        print(
            f"{label}: {small} -> {a * 1e3:.1f} ms, {large} -> {b * 1e3:.1f} ms, "
            f"ratio {b / a:.1f} (linear: {large / small:.0f})"
        )


if __name__ == "__main__":
    main()
