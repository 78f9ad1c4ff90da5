"""One renderer per output format over :class:`~scoped_modules.result.CheckResult`.

Each format lives in its own module with ``render(result, color=False) -> str`` (the text without
a final newline); :data:`RENDERERS` imports a format's module only when it is first used, so
``scoped check --format text`` never loads the SARIF or JUnit code.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..result import CheckResult


class Renderer(Protocol):
    def __call__(self, result: CheckResult, color: bool = False) -> str: ...


def _lazy(module: str) -> Renderer:
    def render(result: CheckResult, color: bool = False) -> str:
        return import_module(f"{__name__}.{module}").render(result, color)

    render.__name__ = f"render_{module}"
    render.__qualname__ = render.__name__
    return render


RENDERERS: dict[str, Renderer] = {
    "text": _lazy("text"),
    "json": _lazy("json_report"),
    "sarif": _lazy("sarif"),
    "junit": _lazy("junit"),
    "github": _lazy("github"),
}
FORMATS = tuple(RENDERERS)
