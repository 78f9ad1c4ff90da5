"""The parallel scan (app/scan.py): processes take small chunks from a shared ticket pipe; the
result must be what one process reading every file in order gives, even when a child fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scoped_modules.adapters.cache import FactsCache
from scoped_modules.adapters.files import list_files
from scoped_modules.app import scan as scanner

N = 700  # above PARALLEL_THRESHOLD


def _files() -> dict[str, str]:
    files: dict[str, str] = {}
    for i in range(N):
        if i % 3 == 0:
            files[f"python/pkg/m{i:04d}.py"] = f"import pkg.m{(i * 7) % N:04d}\nx = {i}\n" * (
                1 + i % 50  # uneven sizes, so that the processes finish at different times
            )
        elif i % 3 == 1:
            files[f"src/u{i:04d}.cc"] = f'#include "u{(i * 5) % N:04d}.h"\nint f{i}();\n'
        else:
            files[f"cmake/c{i:04d}.cmake"] = f"if(USE_X{i})\n  add_subdirectory(d{i})\nendif()\n"
    return files


def _scan(root: Path, jobs: int, patterns=None, background=None, early=None) -> tuple[list, list]:
    fileset = list_files(root, True, [])
    cache = FactsCache(root, enabled=False)
    result = scanner.scan(
        fileset, patterns or {}, cache, jobs=jobs, background=background, early=early
    )
    return list(result.facts.items()), list(result.hits.items())


def test_parallel_scan_equals_sequential(repo) -> None:
    root = repo(_files())
    ran: list[int] = []
    patterns = {"mod": [r"^import pkg\.m00\d\d"]}
    one = _scan(root, 1, patterns)
    two = _scan(root, 2, patterns, background=lambda: ran.append(os.getpid()))
    four = _scan(root, 4, patterns)
    assert len(one[0]) == N and len(one[1]) == N
    assert two == one and four == one  # same facts, same hits, same order
    assert ran == [os.getpid()]  # background ran once, in this process


def test_a_failing_child_is_made_up_for(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(_files())
    expected = _scan(root, 1)
    parent = os.getpid()
    original = scanner.read_one

    def fails_in_children(*args):
        if os.getpid() != parent:
            raise RuntimeError("a child failed")
        return original(*args)

    monkeypatch.setattr(scanner, "read_one", fails_in_children)
    assert _scan(root, 2) == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_early_files_are_read_here_first_and_the_result_is_unchanged(repo, jobs: int) -> None:
    """The build model's files are read by this process before its background work, and handed
    over while the other processes read; the result keeps the file list's order."""
    root = repo(_files())
    patterns = {"mod": [r"^import pkg\.m00\d\d"]}
    expected = _scan(root, 1, patterns)
    got: list[tuple[int, list[str]]] = []
    order: list[str] = []

    def use(facts: dict) -> None:
        got.append((os.getpid(), list(facts)))
        order.append("early")

    result = _scan(
        root,
        jobs,
        patterns,
        background=lambda: order.append("background"),
        early=(lambda p: p.endswith(".cmake"), use),
    )
    assert result == expected
    cmake = [p for p, _f in expected[0] if p.endswith(".cmake")]
    assert got == [(os.getpid(), cmake)]
    assert order == ["early", "background"]
