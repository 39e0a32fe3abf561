"""Ctrl-C while ``hashpivot`` imports its commands (numba, pypsa: seconds) prints one line and
exits 130, never a traceback. The CLI is held inside the import by its test hook
(``HASHPIVOT_PAUSE_AT_IMPORT``), so the signal lands there whatever the machine's speed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hashpivot.cli._exit import EXIT_SIGINT, INTERRUPTED_LINE
from hashpivot.cli._import_pause import PAUSE_ENV

REPO = Path(__file__).resolve().parents[2]
OZARK = REPO / "examples/sites/ozark-50mw-s19jpro.toml"


def _held_at_import(ready: Path, entry: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, PAUSE_ENV: str(ready)}
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
        assert time.monotonic() < deadline, "the CLI never reached its import hook"
        time.sleep(0.05)
    return proc


@pytest.mark.parametrize(
    "entry",
    [["-m", "hashpivot"], ["-c", "from hashpivot.cli import run; run()"]],
    ids=["python-m", "console-script"],
)
def test_ctrl_c_while_importing_exits_130_with_one_line(tmp_path: Path, entry: list[str]) -> None:
    proc = _held_at_import(tmp_path / "ready", entry)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert proc.returncode == EXIT_SIGINT
    assert err.strip() == INTERRUPTED_LINE == "interrupted (no result)" and out == ""


def test_the_hook_does_nothing_unless_asked(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "hashpivot", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 and "Exit codes" in done.stdout
