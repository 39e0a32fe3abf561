"""The job runner: Monte Carlo compare and company runs on a small thread pool, with progress
in the store and cancellation at the next batch."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pydantic

from hashpivot.adapters.store import RunStore
from hashpivot.api.jobs import as_input_error
from hashpivot.errors import HashpivotError

__all__ = ["CancelledError", "JobRunner", "JobsFullError", "Outcome", "Progress"]

log = logging.getLogger("hashpivot.service")

Progress = Callable[[int, int], None]
#: what a job returns: (result, charts or None, report file names)
Outcome = tuple[dict[str, Any], dict[str, Any] | None, list[str]]


class CancelledError(Exception):
    """Raised from a job's progress callback after DELETE /v1/jobs/{id}."""


class JobsFullError(Exception):
    """``max_concurrent_jobs`` jobs are already queued or running."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"max_concurrent_jobs = {limit} jobs are already queued or running")


def error_text(exc: BaseException) -> str:
    """A run's failure as the CLI words it (no traceback, no server path)."""
    if isinstance(exc, pydantic.ValidationError):
        exc = as_input_error(exc)
    if isinstance(exc, HashpivotError):
        return str(exc)
    return f"internal error ({type(exc).__name__}); see the server log"


class JobRunner:
    """At most ``max_jobs`` jobs queued or running; each on its own pool thread."""

    def __init__(self, store: RunStore, max_jobs: int) -> None:
        self.store = store
        self.max_jobs = max_jobs
        self._pool = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._active: dict[int, threading.Event] = {}

    def reserve(self) -> None:
        """Raise :class:`JobsFullError` when no slot is free (checked before the run is stored)."""
        with self._lock:
            if len(self._active) >= self.max_jobs:
                raise JobsFullError(self.max_jobs)

    def submit(self, run_id: int, job: Callable[[Progress], Outcome]) -> None:
        with self._lock:
            if len(self._active) >= self.max_jobs:
                self.store.fail(run_id, str(JobsFullError(self.max_jobs)))
                raise JobsFullError(self.max_jobs)
            stop = threading.Event()
            self._active[run_id] = stop
        self._pool.submit(self._run, run_id, job, stop)

    def cancel(self, run_id: int) -> bool:
        """Ask a queued or running job to stop; False when it is not active."""
        with self._lock:
            stop = self._active.get(run_id)
        if stop is None:
            return False
        stop.set()
        return True

    def _run(self, run_id: int, job: Callable[[Progress], Outcome], stop: threading.Event) -> None:
        def progress(done: int, total: int) -> None:
            if stop.is_set():
                raise CancelledError
            self.store.set_progress(run_id, done, total)

        try:
            if stop.is_set():
                raise CancelledError
            self.store.set_running(run_id)
            result, charts, files = job(progress)
            self.store.finish(run_id, result=result, charts=charts, report_files=files)
        except CancelledError:
            self.store.fail(run_id, "cancelled by request", status="cancelled")
        except Exception as exc:
            if not isinstance(exc, HashpivotError | pydantic.ValidationError):
                log.exception("run %d failed", run_id)
            self.store.fail(run_id, error_text(exc))
        finally:
            with self._lock:
                self._active.pop(run_id, None)

    def shutdown(self) -> None:
        with self._lock:
            for stop in self._active.values():
                stop.set()
        self._pool.shutdown(wait=True, cancel_futures=False)
