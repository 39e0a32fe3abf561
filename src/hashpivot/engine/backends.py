"""Where the batches of a comparison run: in process, or on a Dask cluster.

Both backends give identical numbers for one seed: the random numbers are fixed per block of
paths (:data:`hashpivot.engine.compare.BLOCK_PATHS`), every batch is valued independently, and
the results are combined in batch order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from hashpivot.engine.compare import MapFn, local_map
from hashpivot.errors import InputError

SCHEDULER_TIMEOUT_S = 10  # connect + handshake with a --scheduler [s] (Dask's default is 30)


class Backend(StrEnum):
    LOCAL = "local"
    DASK = "dask"


class DaskMap:
    """``map`` over a ``dask.distributed.Client``: tasks run on the workers, results come back
    in the order of the inputs."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        futures = self.client.map(fn, list(items), pure=False)
        return list(self.client.gather(futures))


@contextmanager
def open_backend(
    backend: Backend | str = Backend.LOCAL,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Iterator[MapFn]:
    """Yield a map function: in process, on the Dask scheduler at ``scheduler``, or on a
    ``LocalCluster`` of ``workers`` processes (started and stopped here)."""
    kind = Backend(backend) if backend in {b.value for b in Backend} else None
    if kind is None:
        raise InputError("--backend", backend, "local or dask")
    if kind is Backend.LOCAL:
        yield local_map
        return
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)  # type: ignore[no-untyped-call]
        except Exception as exc:  # dask raises OSError, TimeoutError, MemoryError on garbage...
            msg = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
            raise InputError("--scheduler", scheduler, f"a Dask scheduler ({msg})") from None
        with client:
            yield DaskMap(client)
        return
    n = workers or 2
    if n < 1:
        raise InputError("--workers", n, "an integer >= 1")
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port
    )
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield DaskMap(client)
