"""Helpers shared by the tests of the issue-12 readers (TableGen, SWIG, Meson, JVM)."""

from __future__ import annotations


def holds(guard: object, on: set[str]) -> bool:
    """A reader's guard evaluated with exactly the switches in ``on`` set (macros, options,
    profiles); an unknown atom fails the test, which must know every condition."""
    if guard is None:
        return True
    assert isinstance(guard, tuple), guard
    tag = guard[0]
    if tag == "v":
        return bool(on.intersection(guard[1]))
    if tag == "not":
        return not holds(guard[1], on)
    if tag == "and":
        return all(holds(g, on) for g in guard[1:])
    if tag == "or":
        return any(holds(g, on) for g in guard[1:])
    raise AssertionError(f"unexpected guard {guard!r}")


def boundary(report: dict) -> list[tuple]:
    """(rule, path, line, kind, target) of the SM003, SM006 and SM007 findings of a report."""
    return [
        (f["rule"], f["path"], f["line"], f["kind"], f["target"])
        for f in report["findings"]
        if f["rule"] in ("SM003", "SM006", "SM007")
    ]
