"""Runs: store the inputs, call ``hashpivot.api.jobs``, store the outcome.

A direct run (mine, lease, gpu-cloud, deterministic compare) answers in the request; a job
(Monte Carlo compare, company) is queued on the :class:`~hashpivot.service.runner.JobRunner`.
Every run's files stay in its folder of the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hashpivot.adapters.store import RunRecord, RunStore
from hashpivot.api import jobs
from hashpivot.errors import InputError
from hashpivot.service.inputs import SiteDoc, SiteInput, resolve
from hashpivot.service.runner import JobRunner, Outcome, Progress, error_text

__all__ = ["DIRECT_KINDS", "JOB_KINDS", "Runs"]

DIRECT_KINDS = ("mine", "lease", "gpu-cloud", "compare-deterministic")
JOB_KINDS = ("compare", "company")


def _files(result: dict[str, Any], folder: Path) -> list[str]:
    """The report files' names (inside the run's folder); the result keeps names, not the
    server's paths."""
    names = [Path(f).name for f in result.get("report_files", [])]
    if names:
        result["report_files"] = names
    return [n for n in names if (folder / n).is_file()]


def _outcome(
    kind: str,
    site: Path,
    folder: Path,
    opts: dict[str, Any],
    progress: Progress | None,
    scheduler: str | None = None,
) -> Outcome:
    """Run ``kind`` on the site file ``site`` with the stored options."""
    if kind == "mine":
        return jobs.mine_result(site, scenario=opts.get("scenario")), None, []
    if kind == "lease":
        return jobs.lease_result(site), None, []
    if kind == "gpu-cloud":
        return jobs.gpu_cloud_result(site), None, []
    if kind == "company":

        def tick(_site: str, done: int, total: int) -> None:
            if progress:
                progress(done, total)

        out = jobs.company_result(
            site, paths=opts["paths"], seed=opts["seed"], report_dir=folder, progress=tick
        )
        return out, None, _files(out, folder)
    out, charts = jobs.compare_result(
        site,
        paths=opts.get("paths", 1),
        seed=opts.get("seed", 42),
        deterministic=kind == "compare-deterministic",
        scenario=opts.get("scenario"),
        months=opts.get("months"),
        sensitivity_of=opts.get("sensitivity"),
        report_dir=folder if opts.get("reports", True) else None,
        progress=progress,
        scheduler=scheduler if kind == "compare" else None,
    )
    return out, charts, _files(out, folder)


class Runs:
    """The service's runs on one store and one job runner."""

    def __init__(
        self, store: RunStore, runner: JobRunner, *, max_paths: int, scheduler: str | None = None
    ) -> None:
        self.store = store
        self.runner = runner
        self.max_paths = max_paths
        self.scheduler = scheduler

    def check_paths(self, paths: int) -> None:
        if paths > self.max_paths:
            raise InputError("paths", paths, f"at most max_paths_per_run = {self.max_paths:,}")

    def _create(self, kind: str, doc: SiteDoc, opts: dict[str, Any]) -> tuple[int, Path, Path]:
        run_id = self.store.create(
            kind=kind,
            site_name=doc.name,
            input_text=doc.text,
            input_format=doc.fmt,
            inputs=doc.inputs,
            options=opts,
            package_version=jobs.package_version(),
            snapshot_as_of=jobs.snapshot_as_of(),
            seed=opts.get("seed"),
            paths=opts.get("paths"),
        )
        folder = self.store.run_folder(run_id)
        return run_id, folder, doc.write(folder)

    def direct(self, kind: str, site: SiteInput, opts: dict[str, Any]) -> RunRecord:
        """Run and store; the stored record (``failed`` with the reason, re-raised)."""
        doc = resolve(site)
        run_id, folder, path = self._create(kind, doc, opts)
        self.store.set_running(run_id)
        try:
            result, charts, files = _outcome(kind, path, folder, opts, None)
        except BaseException as exc:
            self.store.fail(run_id, error_text(exc))
            raise
        self.store.finish(run_id, result=result, charts=charts, report_files=files)
        record = self.store.get(run_id)
        assert record is not None
        return record

    def job(
        self,
        kind: str,
        doc: SiteDoc,
        opts: dict[str, Any],
        write: Callable[[Path], Path] | None = None,
    ) -> int:
        """Queue a job; its run id (JobsFullError when no slot is free)."""
        self.check_paths(int(opts["paths"]))
        self.runner.reserve()
        run_id, folder, path = self._create(kind, doc, opts)
        if write is not None:
            path = write(folder)

        def work(progress: Progress) -> Outcome:
            return _outcome(kind, path, folder, opts, progress, self.scheduler)

        self.runner.submit(run_id, work)
        return run_id

    def rerun(self, record: RunRecord) -> tuple[int, RunRecord | None]:
        """Run a stored run again from its stored inputs and options: (new id, the record
        when it ran directly, None for a queued job)."""
        if record.kind == "company":
            raise InputError("kind", record.kind, "a site run (company runs re-run by POST)")
        overrides = record.options.get("overrides")
        if record.input_format == "json":
            site = SiteInput(site=json.loads(record.input_text), overrides=overrides)
        else:  # an example's or a file's text as submitted
            site = SiteInput(site_toml=record.input_text, overrides=overrides)
        if record.kind in DIRECT_KINDS:
            rec = self.direct(record.kind, site, dict(record.options))
            return rec.id, rec
        return self.job(record.kind, resolve(site), dict(record.options)), None


def run_view(record: RunRecord, *, full: bool) -> dict[str, Any]:
    """A run as the API shows it (``full``: with inputs, result and charts)."""
    out: dict[str, Any] = {
        "id": record.id,
        "kind": record.kind,
        "status": record.status,
        "created_at": record.created_at.isoformat() + "Z",
        "finished_at": None if record.finished_at is None else record.finished_at.isoformat() + "Z",
        "site_name": record.site_name,
        "input_format": record.input_format,
        "input_sha256": record.input_sha256,
        "package_version": record.package_version,
        "snapshot_as_of": record.snapshot_as_of,
        "seed": record.seed,
        "paths": record.paths,
        "options": record.options,
        "progress": {"done": record.progress_done, "total": record.progress_total},
        "report_files": record.report_files,
        "error": record.error,
    }
    if full:
        out |= {
            "input_text": record.input_text,
            "inputs": record.inputs,
            "result": record.result,
            "charts": record.charts,
        }
    view: dict[str, Any] = json.loads(json.dumps(out, default=str))
    return view
