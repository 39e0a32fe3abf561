"""/v1 endpoints that validate a site and run it (directly, or as a job)."""

from __future__ import annotations

import re
import tomllib
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from hashpivot.api import jobs
from hashpivot.errors import InputError
from hashpivot.service.inputs import OVERRIDE_FIELDS, SiteDoc, SiteInput, example_names, resolve
from hashpivot.service.runs import Runs, run_view

__all__ = ["router"]

router = APIRouter(prefix="/v1")

ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid input: {error: {field, message}} (the CLI's message)"},
    413: {"description": "Request body over max_body_bytes"},
    429: {"description": "max_concurrent_jobs jobs already queued or running"},
}

Scenario = Annotated[str | None, Field(None, pattern="^(bear|base|bull)$")]


class MineRequest(SiteInput):
    scenario: Scenario = None


class DeterministicRequest(SiteInput):
    scenario: Scenario = None
    months: int | None = Field(None, ge=1, le=600, description="horizon override [months]")
    sensitivity: str | None = Field(None, description="a strategy, or 'none' to skip")
    reports: bool = Field(True, description="write the Excel and HTML reports")


class CompareJobRequest(SiteInput):
    paths: int = Field(10_000, ge=1, description="Monte Carlo paths")
    seed: int = Field(42, ge=0, le=2**63 - 1)
    months: int | None = Field(None, ge=1, le=600, description="horizon override [months]")
    sensitivity: str | None = Field(None, description="a strategy, or 'none' to skip")


class CompanyJobRequest(BaseModel):
    """A company file's text and its site files' texts by the names it gives them."""

    model_config = ConfigDict(extra="forbid")
    company_toml: str
    sites: dict[str, str] = Field(default_factory=dict, description="file name -> TOML text")
    paths: int = Field(2_000, ge=1)
    seed: int = Field(42, ge=0, le=2**63 - 1)


def _runs(request: Request) -> Runs:
    runs: Runs = request.app.state.runs
    return runs


def _opts(body: BaseModel) -> dict[str, Any]:
    """The run's options as stored: the form's overrides and the request's options."""
    keep = set(SiteInput.model_fields) - {"overrides"}
    opts = body.model_dump(exclude=keep)
    if opts.get("overrides") is not None:
        opts["overrides"] = {k: v for k, v in opts["overrides"].items() if v is not None}
    return opts


@router.get("/examples")
def examples(request: Request) -> dict[str, Any]:
    """The example sites, the form's fields with units, and the limits."""
    s = request.app.state.settings
    return {
        "examples": example_names(),
        "overrides": {
            k: {"table": t, "key": n, "unit": u} for k, (t, n, u) in OVERRIDE_FIELDS.items()
        },
        "limits": {
            "max_paths_per_run": s.max_paths_per_run,
            "max_body_bytes": s.max_body_bytes,
            "max_concurrent_jobs": s.max_concurrent_jobs,
        },
    }


def _validate(request: Request, site: SiteInput) -> dict[str, Any]:
    doc = resolve(site)
    tmp = _runs(request).store.folder / "tmp"
    tmp.mkdir(exist_ok=True)
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp) as d:
        from pathlib import Path

        return {"valid": True, **jobs.check_site(doc.write(Path(d)))}


@router.post("/sites/validate", responses=ERRORS)
async def validate(request: Request, body: SiteInput) -> dict[str, Any]:
    """Validate a site (JSON): its name, size and strategies, or 422 naming the field."""
    return await run_in_threadpool(_validate, request, body)


@router.post("/sites/validate/upload", responses=ERRORS)
async def validate_upload(request: Request, file: UploadFile = File(...)) -> dict[str, Any]:
    """Validate an uploaded site file (TOML, parsed, never executed)."""
    raw = await file.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("file", file.filename or "(upload)", "a UTF-8 TOML file") from None
    return await run_in_threadpool(_validate, request, SiteInput(site_toml=text))


def _direct(request: Request, kind: str, body: SiteInput) -> dict[str, Any]:
    return run_view(_runs(request).direct(kind, body, _opts(body)), full=True)


@router.post("/mine", responses=ERRORS)
async def mine(request: Request, body: MineRequest) -> dict[str, Any]:
    """``hashpivot mine --json``: the keep-mining path on the site's scenario (a stored run)."""
    return await run_in_threadpool(_direct, request, "mine", body)


@router.post("/lease", responses=ERRORS)
async def lease(request: Request, body: SiteInput) -> dict[str, Any]:
    """``hashpivot lease --json`` on the site."""
    return await run_in_threadpool(_direct, request, "lease", body)


@router.post("/gpu-cloud", responses=ERRORS)
async def gpu_cloud(request: Request, body: SiteInput) -> dict[str, Any]:
    """``hashpivot gpu-cloud --json`` on the site."""
    return await run_in_threadpool(_direct, request, "gpu-cloud", body)


@router.post("/compare/deterministic", responses=ERRORS)
async def compare_deterministic(request: Request, body: DeterministicRequest) -> dict[str, Any]:
    """``hashpivot compare --deterministic --json``: every strategy on one named path."""
    return await run_in_threadpool(_direct, request, "compare-deterministic", body)


class CalcRequest(BaseModel):
    """``hashpivot calc``'s inputs: machines (hashrate and efficiency, or a catalogue model and a
    count) and the power price; market values left out come from the dated snapshot."""

    model_config = ConfigDict(extra="forbid")
    power_usd_per_mwh: float
    hashrate_th_s: float | None = None
    efficiency_j_per_th: float | None = None
    model: str | None = None
    count: int | None = None
    difficulty: float | None = None
    btc_price_usd: float | None = None
    fees_btc_per_block: float | None = None
    pool_fee_frac: float | None = None
    uptime_frac: float | None = None


@router.post("/calc", responses=ERRORS)
async def calc(body: CalcRequest) -> dict[str, Any]:
    """``hashpivot calc --json``: one day of mining (BTC, revenue, power cost, profit, hashprice,
    breakevens) at the snapshot's network unless given. Not stored (no site, nothing to re-run)."""
    from hashpivot.api.calc import calc_day
    from hashpivot.api.jsonable import to_jsonable

    out: dict[str, Any] = to_jsonable(
        await run_in_threadpool(lambda: calc_day(**body.model_dump()))
    )
    return out


@router.post("/jobs/compare", status_code=202, responses=ERRORS)
async def compare_job(request: Request, body: CompareJobRequest) -> dict[str, Any]:
    """Queue a Monte Carlo compare; poll GET /v1/jobs/{id}."""
    runs = _runs(request)
    doc = await run_in_threadpool(resolve, body)
    run_id = await run_in_threadpool(runs.job, "compare", doc, _opts(body))
    return {"id": run_id, "status": "queued"}


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.toml$")


@router.post("/jobs/company", status_code=202, responses=ERRORS)
async def company_job(request: Request, body: CompanyJobRequest) -> dict[str, Any]:
    """Queue a company valuation; its ``[[site]] file`` names are keys of ``sites``."""
    for name in body.sites:
        if not _NAME.match(name):
            raise InputError("sites", name, "a plain file name NAME.toml (letters, digits, ._-)")
    try:
        entries = tomllib.loads(body.company_toml).get("site", [])
    except tomllib.TOMLDecodeError as exc:
        raise InputError("company_toml", str(exc), "valid TOML") from None
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        file = entry.get("file") if isinstance(entry, dict) else None
        if file not in body.sites:  # a company reads only the files sent with it
            raise InputError(f"site[{i}].file", file, "a name among the keys of sites")
    doc = SiteDoc(
        text=body.company_toml,
        fmt="toml",
        inputs={"sites": sorted(body.sites)},
        name="company",
        original=None,
    )

    def write(folder: Any) -> Any:
        for name, text in body.sites.items():
            (folder / name).write_text(text, encoding="utf-8")
        out = folder / "company.toml"
        out.write_text(body.company_toml, encoding="utf-8")
        return out

    opts = {"paths": body.paths, "seed": body.seed}
    run_id = await run_in_threadpool(_runs(request).job, "company", doc, opts, write)
    return {"id": run_id, "status": "queued"}


def _record(request: Request, run_id: int) -> Any:
    record = _runs(request).store.get(run_id)
    if record is None:
        raise HTTPException(404, f"no run {run_id}")
    return record


@router.get("/jobs/{run_id}")
def job_status(request: Request, run_id: int) -> dict[str, Any]:
    """A job's status and progress (batches done of total)."""
    return run_view(_record(request, run_id), full=False)


@router.get("/jobs/{run_id}/result", responses={409: {"description": "not finished"}})
def job_result(request: Request, run_id: int) -> dict[str, Any]:
    """A finished job's result and charts (409 while it is queued or running)."""
    record = _record(request, run_id)
    if record.status != "done":
        raise HTTPException(409, f"run {run_id} is {record.status}: {record.error or 'wait'}")
    return run_view(record, full=True)


@router.delete("/jobs/{run_id}", status_code=202, responses={409: {"description": "not active"}})
def cancel_job(request: Request, run_id: int) -> dict[str, Any]:
    """Cancel a queued or running job (it stops at its next batch)."""
    record = _record(request, run_id)
    if not _runs(request).runner.cancel(run_id):
        raise HTTPException(409, f"run {run_id} is {record.status}, not queued or running")
    return {"id": run_id, "status": "cancelling"}
