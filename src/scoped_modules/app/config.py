"""Finding and loading the registry: the repository root comes from git (an adapter), the
registry's text is read and validated by :mod:`scoped_modules.registry.load`."""

from __future__ import annotations

from pathlib import Path

from ..adapters.git import toplevel
from ..errors import ConfigError
from ..registry.load import loads, read_registry
from ..registry.locate import locate
from ..registry.model import Registry


def find_registry(config: Path | None, cwd: Path) -> tuple[Path, Path]:
    """(registry file, root). ``--config`` wins; else scoped.toml or [tool.scoped] at the root."""
    if config is not None:
        config = config if config.is_absolute() else cwd / config
        if not config.is_file():
            raise ConfigError(f"{config}: no such registry file")
        return config, config.parent
    root = toplevel(cwd) or cwd
    scoped = root / "scoped.toml"
    pyproject = root / "pyproject.toml"
    has_tool = False
    if pyproject.is_file():
        try:
            text = pyproject.read_text("utf-8")
            has_tool = "scoped" in loads(text, str(pyproject)).get("tool", {})
        except ConfigError:
            # a pyproject.toml that cannot be read: an error only when it holds [tool.scoped]
            if ("tool", "scoped") in locate(text):
                raise
        except (OSError, UnicodeDecodeError):
            has_tool = False
    if scoped.is_file() and has_tool:
        raise ConfigError(
            f"{scoped}: both scoped.toml and [tool.scoped] in pyproject.toml exist; keep one "
            "(or pass --config)"
        )
    if scoped.is_file():
        return scoped, root
    if has_tool:
        return pyproject, root
    raise ConfigError(
        f"{root}: no scoped.toml and no [tool.scoped] in pyproject.toml; run `scoped init` "
        "to write a starting registry"
    )


def load_registry(config: Path | None = None, cwd: Path | None = None) -> Registry:
    cwd = (cwd or Path.cwd()).resolve()
    path, root = find_registry(config, cwd)
    return read_registry(path, root.resolve())
