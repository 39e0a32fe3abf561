"""A test hook: hold the CLI while its commands import, so a test can press Ctrl-C there.

With ``HASHPIVOT_PAUSE_AT_IMPORT=PATH`` set, importing this module (the first thing
:mod:`hashpivot.cli._main` imports before the commands, numba and pypsa) creates ``PATH`` and
waits up to :data:`PAUSE_S` seconds for a signal; without it, nothing happens. The test of
``hashpivot`` interrupted while it imports (tests/cli/test_interrupt_at_import.py) sends SIGINT
once ``PATH`` exists, so it never depends on how long the imports take.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["PAUSE_ENV", "PAUSE_S", "pause_if_asked"]

PAUSE_ENV = "HASHPIVOT_PAUSE_AT_IMPORT"
#: the longest the hook waits for the test's signal [s]
PAUSE_S = 120.0


def pause_if_asked() -> None:
    """Create the file named by :data:`PAUSE_ENV` and sleep (a signal ends the sleep)."""
    ready = os.environ.get(PAUSE_ENV)
    if not ready:
        return
    Path(ready).touch()
    end = time.monotonic() + PAUSE_S
    while time.monotonic() < end:
        time.sleep(0.05)


pause_if_asked()
