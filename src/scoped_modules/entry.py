"""The ``scoped`` command. A warm ``scoped check`` whose inputs are all unchanged replays its
recorded output (:mod:`scoped_modules.app.warm`) before click or the registry are even
imported; everything else goes to the command line in :mod:`scoped_modules.cli`."""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()


def main() -> None:
    argv = sys.argv[1:]
    try:
        from .app.warm import replay

        code = replay(argv, STARTED)
    except Exception:  # the thin path is an optimisation: any doubt runs the full path
        code = None
    if code is not None:
        sys.exit(code)
    from . import cli

    cli.RECORD_ARGV = argv  # the full path records its output for the next replay
    cli.main()


if __name__ == "__main__":  # pragma: no cover
    main()
