"""A comparison run once per test process, as a user runs it: ``hashpivot compare --json
--report DIR`` in a child process (its JSON and its report folder)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"
COMPARE_PATHS = 1_000  # enough for every chart and the switch policy; a few seconds


@pytest.fixture(scope="session")
def compare_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """(the JSON of ``hashpivot compare``, the folder holding compare.html / compare.xlsx)."""
    folder = tmp_path_factory.mktemp("compare-report")
    cmd = [
        sys.executable,
        "-c",
        "from hashpivot.cli import run; run()",
        "compare",
        str(SITE),
        "--paths",
        str(COMPARE_PATHS),
        "--seed",
        "11",
        "--report",
        str(folder),
        "--json",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), folder
