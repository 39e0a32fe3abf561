"""A real server for the service tests: ``hashpivot serve`` in a subprocess on 127.0.0.1 and a
free port, waited for until ``/openapi.json`` answers, stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

STARTUP_LIMIT_S = 90.0  # the bound of the wait for a starting server (2 shared cores)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A ``hashpivot serve`` process; ``log`` collects its stdout and stderr."""

    store: Path
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, timeout_s: float = 120.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout_s, headers=self.headers)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=60)


def start_server(
    store: Path, *, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Server:
    """Start ``hashpivot serve`` on the store and wait until it answers (or fail, with its log)."""
    port = free_port()
    log = store.parent / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hashpivot",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--store",
                str(store),
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    server = Server(store=store, port=port, proc=proc, log=log)
    token = (env or {}).get("HASHPIVOT_TOKEN")
    if token:
        server.headers["Authorization"] = f"Bearer {token}"
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(
                f"{server.url}/openapi.json", headers=server.headers, timeout=2
            ).is_success:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop(signal.SIGKILL)
    pytest.fail(f"server did not answer within {STARTUP_LIMIT_S} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session's API tests (its own store)."""
    server = start_server(tmp_path_factory.mktemp("store") / "runs.duckdb")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def schema_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose limits keep any generated run short (schemathesis)."""
    server = start_server(
        tmp_path_factory.mktemp("schema") / "runs.duckdb",
        env={"HASHPIVOT_MAX_PATHS": "5000", "HASHPIVOT_MAX_JOBS": "1"},
    )
    yield server
    server.stop()


@pytest.fixture
def client(api_server: Server) -> Iterator[httpx.Client]:
    with api_server.client() as c:
        yield c


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers of one test (stopped at its end)."""
    started: list[Server] = []

    def make(
        store: Path | None = None, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
    ) -> Server:
        s = start_server(store or tmp_path / "runs.duckdb", env=env, args=args)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop(signal.SIGKILL)


def _wait_job(c: httpx.Client, run_id: int, limit_s: float = 300.0) -> dict[str, Any]:
    """Poll a job until it leaves queued/running (bounded)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        status: dict[str, Any] = c.get(f"/v1/jobs/{run_id}").json()
        if status["status"] not in ("queued", "running"):
            return status
        time.sleep(0.3)
    pytest.fail(f"job {run_id} still running after {limit_s} s")


@pytest.fixture
def wait_job() -> Callable[..., dict[str, Any]]:
    """``wait_job(client, run_id)``: the job's status once it has finished."""
    return _wait_job
