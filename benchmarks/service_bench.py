"""Load on the HTTP service: concurrent deterministic compares on loopback.

Starts ``hashpivot serve`` on 127.0.0.1 (a free port, a temporary store), sends ``--requests``
POST /v1/compare/deterministic with ``--concurrency`` in flight at once (the example site, no
sensitivity, no report files: the run itself plus the store), and reports requests per second,
p50/p95 latency, the error count, and the ratio of HTTP p95 to the same call in process
(``hashpivot.api.jobs.compare_result``, timed sequentially). A sequential HTTP p95 is reported
too: the service's own cost per request without queueing.

Usage: python benchmarks/service_bench.py [--requests 50] [--concurrency 50] [--json]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from hashpivot.api.jobs import compare_result

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"
BODY = {"example": SITE.stem, "sensitivity": "none", "reports": False}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    cmd = [sys.executable, "-m", "hashpivot", "serve", "--port", str(port), "--store", str(store)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/openapi.json", timeout=2).is_success:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def _load(url: str, requests: int, concurrency: int) -> tuple[list[float], int, float]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:

        async def one() -> None:
            nonlocal errors
            async with gate:
                t = time.perf_counter()
                r = await client.post("/v1/compare/deterministic", json=BODY)
                latencies.append(time.perf_counter() - t)
                errors += r.status_code != 200

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        wall = time.perf_counter() - t0
    return latencies, errors, wall


def _in_process(n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        compare_result(SITE, paths=1, seed=42, deterministic=True, sensitivity_of="none")
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    local = _in_process(20)
    with tempfile.TemporaryDirectory() as d:
        proc, url = _start(Path(d) / "runs.duckdb")
        try:
            asyncio.run(_load(url, 5, 1))  # warm-up (imports, compiled kernels)
            seq, seq_errors, _ = asyncio.run(_load(url, 20, 1))
            lat, errors, wall = asyncio.run(_load(url, args.requests, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    p95 = float(np.percentile(lat, 95))
    local_p95 = float(np.percentile(local, 95))
    out: dict[str, Any] = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "errors": errors + seq_errors,
        "requests_per_s": args.requests / wall,
        "http_p50_s": float(np.percentile(lat, 50)),
        "http_p95_s": p95,
        "http_sequential_p95_s": float(np.percentile(seq, 95)),
        "in_process_p95_s": local_p95,
        "ratio_http_p95_to_in_process": p95 / local_p95,
        "ratio_sequential_http_p95_to_in_process": float(np.percentile(seq, 95)) / local_p95,
    }
    if not args.json:
        for k, v in out.items():
            print(f"{k:>42}: {v:.4g}" if isinstance(v, float) else f"{k:>42}: {v}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
