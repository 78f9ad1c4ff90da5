"""The Python reader against `ast` on the running interpreter's own standard library.

Every import, dynamic import and attribute chain, with its line, flags and guard, compared
exactly (the oracle, `python_oracle.py`, walks the syntax tree; its docstring states the
semantics). Here a fixed sample of a few hundred files; the whole library runs in
`tests/fuzz/test_fuzz_python.py` (`make fuzz`).
"""

from __future__ import annotations

from python_oracle import check_file, sample, stdlib_files

SAMPLE = 300


def test_a_sample_of_the_standard_library_agrees_with_ast() -> None:
    files = sample(stdlib_files(), SAMPLE)
    assert len(files) == SAMPLE
    problems = [p for f in files for p in check_file(f)]
    assert problems == [], "\n".join(problems[:50])
