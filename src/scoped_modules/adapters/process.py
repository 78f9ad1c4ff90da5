"""Running a user's command on explicit request (``remove --prove``, ``toggles prove``): in a
directory of our choosing, with a clean environment, a timeout that kills the whole process
group, and its output kept in a log file (never a pipe that could fill up and block it)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# What a clean environment keeps: enough to find programs, a home and a locale.
KEPT = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "TERM")
GRACE_SECONDS = 3.0  # between SIGTERM and SIGKILL


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of :data:`KEPT` that are set here, plus ``extra``."""
    env = {k: os.environ[k] for k in KEPT if k in os.environ}
    env.update(extra or {})
    return env


TAIL_LINES = 40


@dataclass
class Outcome:
    returncode: int | None  # None: killed at the timeout
    seconds: float
    tail: str  # the last TAIL_LINES lines of stdout and stderr, interleaved

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _tail(log: Path, lines: int = TAIL_LINES) -> str:
    try:
        text = log.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL after a grace period; reaps the leader."""
    if not hasattr(os, "killpg"):  # pragma: no cover - Windows
        proc.kill()
        proc.wait()
        return
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            if sig == signal.SIGTERM:
                # the leader is gone; its children may not be
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue


def run_bounded(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float, log: Path
) -> Outcome:
    """Run ``argv`` in its own process group, its output going to the file ``log``; kill the
    group at ``timeout`` seconds, or when this process is interrupted (the interrupt is raised
    again afterwards)."""
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code: int | None = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            code = None
        except BaseException:
            _kill_group(proc)
            raise
    return Outcome(code, time.monotonic() - started, _tail(log))


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP received while cleaning up mattered."""


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Inside, SIGTERM and SIGHUP raise :class:`Interrupted` (as Ctrl-C raises
    KeyboardInterrupt), so that ``finally`` blocks run and temporary worktrees are removed."""

    def raise_interrupt(signum: int, _frame: object) -> None:
        raise Interrupted(signal.Signals(signum).name)

    saved: list[tuple[int, object]] = []
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            saved.append((sig, signal.signal(sig, raise_interrupt)))
        except ValueError:  # not the main thread: signals stay as they are
            break
    try:
        yield
    finally:
        for sig, old in saved:
            signal.signal(sig, old)  # type: ignore[arg-type]
