"""Exit codes tell the truth: 0 a full run, 2 bad input, 3 a run interrupted after a partial
summary (its first printed line says "interrupted"), 130 interrupted before any result."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hashpivot.cli import main
from hashpivot.cli._app import EXIT_CODES_EPILOG, EXIT_INTERRUPTED

REPO = Path(__file__).resolve().parents[2]
OZARK = REPO / "examples/sites/ozark-50mw-s19jpro.toml"


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Exit codes: 0 the full run completed; 2 bad input" in text
    assert "3 interrupted" in text and "130 interrupted before any result" in text
    readme = " ".join((REPO / "README.md").read_text().split())
    assert "`3` when a run was interrupted" in readme
    assert EXIT_INTERRUPTED == 3 and "3 interrupted" in EXIT_CODES_EPILOG


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process [s] (Linux /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds_to_import() -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "import hashpivot.cli._main"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_ctrl_c_mid_run(as_json: bool) -> None:
    # 10 million paths take minutes; Ctrl-C after a few seconds lands mid-run
    args = [
        sys.executable,
        "-c",
        "from hashpivot.cli import run; run()",
        "compare",
        str(OZARK),
        "--paths",
        "10000000",
    ]
    args += ["--sensitivity", "none", *(["--json"] if as_json else [])]
    import_cpu_s = _cpu_seconds_to_import()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait on the child's CPU time, not the clock: past its imports (and numba's compiling) it
    # is simulating, however loaded the machine is; 10 million paths take ~100 CPU-s
    while _cpu_seconds(proc.pid) < 1.5 * import_cpu_s + 4.0 and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err
    if proc.returncode == 130:  # a slow machine: still importing or on the first batch
        assert err.strip() == "interrupted (no result)" and out == ""
        return
    assert proc.returncode == EXIT_INTERRUPTED, err
    first = (err if as_json else out).strip().splitlines()[0]
    assert first.startswith("interrupted: partial result on ")
    assert first.endswith("of 10,000,000 paths (exit code 3)")
    if as_json:
        import json

        payload = json.loads(out)
        assert payload["interrupted"] is True and payload["paths"] < 10_000_000
