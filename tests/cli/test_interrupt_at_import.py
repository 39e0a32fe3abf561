"""Ctrl-C while ``hashpivot`` imports its commands (numba, pypsa: seconds) prints one line and
exits 130, never a traceback. The test holds the CLI inside that import with an import hook of
its own (a ``sitecustomize`` on the child's PYTHONPATH: nothing ships in the product), so the
signal lands there whatever the machine's speed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hashpivot.cli._exit import EXIT_SIGINT, INTERRUPTED_LINE

REPO = Path(__file__).resolve().parents[2]
OZARK = REPO / "examples/sites/ozark-50mw-s19jpro.toml"

#: imported by the child at start-up: when the CLI imports its first command module, create
#: the READY file and wait for the test's signal (inside the import)
HOOK = """
import importlib.abc, os, pathlib, sys, time

class _Hold(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "hashpivot.cli.ai":
            sys.meta_path.remove(self)
            pathlib.Path(os.environ["HOLD_READY"]).touch()
            end = time.monotonic() + 120
            while time.monotonic() < end:
                time.sleep(0.05)
        return None

sys.meta_path.insert(0, _Hold())
"""


def _held_at_import(tmp: Path, entry: list[str]) -> tuple[subprocess.Popen[str], Path]:
    (tmp / "sitecustomize.py").write_text(HOOK)
    ready = tmp / "ready"
    path = os.pathsep.join(p for p in (str(tmp), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "HOLD_READY": str(ready)}
    proc = subprocess.Popen(
        [sys.executable, *entry, "mine", str(OZARK)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the CLI never reached the held import"
        time.sleep(0.05)
    return proc, ready


@pytest.mark.parametrize(
    "entry",
    [["-m", "hashpivot"], ["-c", "from hashpivot.cli import run; run()"]],
    ids=["python-m", "console-script"],
)
def test_ctrl_c_while_importing_exits_130_with_one_line(tmp_path: Path, entry: list[str]) -> None:
    proc, _ = _held_at_import(tmp_path, entry)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert proc.returncode == EXIT_SIGINT
    assert err.strip() == INTERRUPTED_LINE == "interrupted (no result)" and out == ""
