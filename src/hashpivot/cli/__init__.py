"""Command-line interface: ``hashpivot COMMAND ... [--json]``.

:func:`run` is the console script (``hashpivot``, ``python -m hashpivot``). This package imports
nothing heavy: :func:`run` imports the commands (:mod:`hashpivot.cli._main`: numba, pypsa,
seconds) and runs one inside one guard, so Ctrl-C at any point before a result, the imports
included, prints one line, ``interrupted (no result)``, and exits 130, never a traceback.
``main`` and ``app`` are :mod:`hashpivot.cli._main`'s, imported on first use.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from hashpivot.cli._exit import EXIT_SIGINT, INTERRUPTED_LINE

__all__ = ["app", "main", "run"]


def run() -> None:
    """Console-script entry point: import the commands, run one, exit with its code (130 with
    one line on Ctrl-C before any result, even while importing)."""
    try:
        from hashpivot.cli._main import main

        code = main()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no traceback either
        sys.stderr.write(INTERRUPTED_LINE + "\n")
        sys.stderr.flush()
        code = EXIT_SIGINT
    sys.exit(code)


def __getattr__(name: str) -> Any:
    """``hashpivot.cli.main`` / ``.app``: imported from :mod:`hashpivot.cli._main` on use."""
    if name in ("main", "app"):
        from hashpivot.cli import _main

        return getattr(_main, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
