"""``hashpivot serve --scheduler``: Monte Carlo jobs on a real Dask scheduler (a LocalCluster
on 127.0.0.1 in the test process) give the in-process server's numbers for the same seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from dask.distributed import LocalCluster

BODY = {"example": "permian-west-100mw-s21", "paths": 5_000, "seed": 3, "sensitivity": "none"}


def _job(c: httpx.Client, wait_job: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    run_id = c.post("/v1/jobs/compare", json=BODY).json()["id"]
    assert wait_job(c, run_id)["status"] == "done"
    result: dict[str, Any] = c.get(f"/v1/jobs/{run_id}/result").json()["result"]
    return result


def test_a_job_on_a_dask_scheduler_gives_the_local_numbers(
    client: httpx.Client,
    server_factory: Callable[..., Any],
    wait_job: Callable[..., dict[str, Any]],
) -> None:
    local = _job(client, wait_job)
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        server = server_factory(args=("--scheduler", cluster.scheduler_address))
        with server.client() as c:
            remote = _job(c, wait_job)
        assert cluster.scheduler.task_prefixes  # the batches ran on the cluster
    assert remote["strategies"] == local["strategies"]
    assert remote["recommendation"] == local["recommendation"]
