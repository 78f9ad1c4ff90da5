# Stub of the compiled twins in _speedups.c (see readers/speedups.py).
from collections.abc import Sequence

SOURCE_SHA256: str

def name_dots(text: str, names: Sequence[str], /) -> list[tuple[str, list[int]]]: ...
def tails(text: str, ends: Sequence[int], /) -> list[str]: ...
