"""Errors that end a command with exit code 2 (usage, configuration, environment)."""

from __future__ import annotations


class ScopedError(Exception):
    """A problem the user must fix before the command can run; exit code 2.

    ``problems`` holds every message (``FILE:LINE:COL: message`` where a place is known), so
    that all of them are reported at once.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class ConfigError(ScopedError):
    """The registry (or a file it names) is invalid."""


class EnvironmentProblem(ScopedError):
    """The environment cannot serve the command (no git, shallow clone, ...)."""
