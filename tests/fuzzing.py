"""Shared by the fuzz targets in tests/fuzz/ (`make fuzz`).

``run_examples`` runs a check on ``SCOPED_FUZZ_EXAMPLES`` generated inputs (default 500; a
target may ask for another default), each bounded in time (an example running longer than
``SCOPED_FUZZ_SECONDS``, default 20, is a hang and fails the target), and prints how many it
ran. ``Guards`` checks the guard expressions of a
reader's facts (``readers/facts.py``) once per distinct node.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("SCOPED_FUZZ_EXAMPLES", "500"))
EXAMPLE_SECONDS = float(os.environ.get("SCOPED_FUZZ_SECONDS", "20"))


@contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than ``seconds`` (POSIX)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"one example ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_examples(
    name: str,
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], None],
    capsys: Any,
    share: float = 1.0,
    examples: int = EXAMPLES,
) -> None:
    """Run ``check`` on ``share`` of ``examples`` inputs drawn from ``strategy`` (a target whose
    examples are large takes a smaller share); print how many ran."""
    count = 0

    @settings(
        max_examples=max(1, int(examples * share)),
        deadline=None,  # the bound is `bounded`, per example, and the count overall
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def target(value: Any) -> None:
        nonlocal count
        count += 1
        with bounded(EXAMPLE_SECONDS):
            check(value)

    target()
    with capsys.disabled():
        print(f"\n[fuzz] {name}: {count} examples")


class Guards:
    """Guards checked and numbered once per distinct node (readers share subtrees: walking each
    reference's guard anew would cost the square of a long condition chain). Numbers follow the
    order of first appearance, so two results built alike number alike, unknown atoms too."""

    TAGS = ("v", "u", "not", "and", "or", "dead")

    def __init__(self) -> None:
        self.by_id: dict[int, int] = {}
        self.by_shape: dict[tuple, int] = {}
        self.keep: list[object] = []  # keeps the nodes (and so their ids) alive

    def number(self, g: object) -> int:
        """A number equal for equal guards; asserts that ``g`` is well formed."""
        if g is None:
            return -1
        known = self.by_id.get(id(g))
        if known is not None:
            return known
        assert isinstance(g, tuple) and g and g[0] in self.TAGS, g
        tag = g[0]
        if tag == "v":
            assert len(g) == 2 and g[1] and all(isinstance(n, str) and n for n in g[1]), g
            shape: tuple = g
        elif tag in ("u", "dead"):
            assert len(g) == 1, g
            shape = ("u", id(g)) if tag == "u" else g  # each unknown is its own atom
        else:
            assert len(g) == 2 if tag == "not" else len(g) >= 3, g
            shape = (tag, *[self.number(c) for c in g[1:]])
        number = self.by_shape.setdefault(shape, len(self.by_shape))
        self.by_id[id(g)] = number
        self.keep.append(g)
        return number


def check_facts(facts: tuple, text: str, lang: str, kinds: tuple[str, ...]) -> Guards:
    """What every reader's facts on ``text`` must be (``readers/facts.py``): the language, notes
    and references with lines in the file, short evidence, well-formed guards, segments in line
    order, and a round trip through marshal (the facts cache). Returns the guards' numbering."""
    import marshal

    got_lang, refs, notes, extra = facts
    last_line = text.count("\n") + 1
    assert got_lang == lang
    assert not any("reader failed" in msg for _line, msg in notes), notes
    assert all(0 <= line <= last_line and msg for line, msg in notes)
    guards = Guards()
    for kind, spec, line, evidence, guard, flags in refs:
        assert kind in kinds and isinstance(spec, str) and spec
        assert 1 <= line <= last_line and isinstance(evidence, str) and len(evidence) <= 200
        assert isinstance(flags, int)
        guards.number(guard)
    lines = [line for line, _g in extra.get("segments", ())]
    assert lines == sorted(lines)
    for _line, g in extra.get("segments", ()):
        guards.number(g)
    marshal.loads(marshal.dumps(facts))
    return guards


def texts(pieces: list[str], max_pieces: int = 120) -> st.SearchStrategy[str]:
    """Text shaped like a language (its ``pieces`` strung together) or any text at all."""
    return st.one_of(
        st.lists(st.sampled_from(pieces), max_size=max_pieces).map("".join), st.text(max_size=400)
    )
