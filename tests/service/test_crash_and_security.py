"""SIGKILL during a Monte Carlo job, the token off loopback, and the refusal to serve off
loopback without one; each on its own real server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from hashpivot.adapters.store import INTERRUPTED

EXAMPLE = {"example": "permian-west-100mw-s21"}
WAIT_LIMIT_S = 120.0


def _wait_running(c: httpx.Client, run_id: int) -> None:
    """Until the job has started (bounded)."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        if c.get(f"/v1/jobs/{run_id}").json()["status"] == "running":
            return
        time.sleep(0.1)
    raise AssertionError(f"job {run_id} did not start within {WAIT_LIMIT_S} s")


def test_sigkill_during_a_job_then_restart(
    server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    store = tmp_path / "runs.duckdb"
    server = server_factory(store)
    with server.client() as c:
        done = c.post("/v1/compare/deterministic", json={**EXAMPLE, "sensitivity": "none"}).json()
        job = c.post("/v1/jobs/compare", json={**EXAMPLE, "paths": 200_000, "seed": 5}).json()
        _wait_running(c, job["id"])
    server.stop(signal.SIGKILL)
    assert server.proc.returncode == -signal.SIGKILL
    again = server_factory(store)
    with again.client() as c:
        kept = c.get(f"/v1/runs/{done['id']}").json()
        assert kept["status"] == "done"
        assert kept["result"] == done["result"]
        lost = c.get(f"/v1/runs/{job['id']}").json()
        assert lost["status"] == "failed" and lost["error"] == INTERRUPTED
        xlsx = c.get(f"/v1/runs/{done['id']}/report.xlsx")
        assert xlsx.status_code == 200


def test_with_a_token_every_request_needs_it_and_the_log_never_shows_it(
    server_factory: Callable[..., Any],
) -> None:
    token = "s3cret-token-for-the-test-0123456789"
    server = server_factory(env={"HASHPIVOT_TOKEN": token})
    assert httpx.get(f"{server.url}/openapi.json").status_code == 401
    assert httpx.get(f"{server.url}/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    with server.client() as c:
        assert c.get("/v1/runs").status_code == 200
        assert c.post("/v1/mine", json=EXAMPLE).status_code == 200
    cookie = httpx.get(f"{server.url}/v1/runs", cookies={"hashpivot_token": token})
    assert cookie.status_code == 200
    server.stop()
    assert token not in server.log.read_text()


def test_off_loopback_without_a_token_it_refuses_to_start(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hashpivot",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "1",
            "--store",
            str(tmp_path / "runs.duckdb"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "HASHPIVOT_TOKEN" in lines[0], proc.stderr
    assert not (tmp_path / "runs.duckdb").exists()
