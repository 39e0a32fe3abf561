"""/v1/runs: list, fetch, diff and re-run past runs; download their reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from hashpivot.adapters.store import RunRecord
from hashpivot.service.routes import ERRORS, _record, _runs
from hashpivot.service.runs import run_view

__all__ = ["flatten", "router"]

router = APIRouter(prefix="/v1/runs")

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Nested tables as ``a.b[0].c`` -> value."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out |= flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list) and any(isinstance(v, dict | list) for v in obj):
        for i, v in enumerate(obj):
            out |= flatten(v, f"{prefix}[{i}]")
    else:
        out[prefix] = obj
    return out


def _npv(record: RunRecord) -> dict[str, Any]:
    strategies = (record.result or {}).get("strategies") or {}
    return {k: v.get("npv_mean_usd") for k, v in strategies.items() if isinstance(v, dict)}


@router.get("")
def list_runs(
    request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)
) -> dict[str, Any]:
    """Past runs, latest first, with their inputs' hash and options."""
    records = _runs(request).store.list(limit=limit, offset=offset)
    return {"runs": [run_view(r, full=False) for r in records]}


@router.get("/diff")
def diff_runs(request: Request, a: int, b: int) -> dict[str, Any]:
    """The inputs and options that differ between runs ``a`` and ``b``, and each strategy's
    mean NPV in both [USD]."""
    ra, rb = _record(request, a), _record(request, b)
    # the overrides are already in the effective site inputs
    fa = flatten({"site": ra.inputs, "options": {**ra.options, "overrides": None}})
    fb = flatten({"site": rb.inputs, "options": {**rb.options, "overrides": None}})
    changed = [
        {"field": k, "a": fa.get(k), "b": fb.get(k)}
        for k in sorted(set(fa) | set(fb))
        if fa.get(k) != fb.get(k)
    ]
    na, nb = _npv(ra), _npv(rb)
    npv = [
        {"strategy": k, "a_usd": na.get(k), "b_usd": nb.get(k)} for k in sorted(set(na) | set(nb))
    ]
    return {"a": a, "b": b, "inputs": changed, "npv_mean_usd": npv}


@router.get("/{run_id}")
def get_run(request: Request, run_id: int) -> dict[str, Any]:
    """One run: inputs as submitted and effective, options, versions, result, charts."""
    return run_view(_record(request, run_id), full=True)


@router.post("/{run_id}/rerun", responses=ERRORS)
async def rerun(request: Request, run_id: int) -> dict[str, Any]:
    """Run a stored run again from its stored inputs (a new run; jobs are queued)."""
    record = _record(request, run_id)
    new_id, done = await run_in_threadpool(_runs(request).rerun, record)
    if done is None:
        return {"id": new_id, "status": "queued"}
    return run_view(done, full=True)


@router.get("/{run_id}/report.{fmt}", response_class=FileResponse)
def report(request: Request, run_id: int, fmt: str) -> FileResponse:
    """A run's Excel (``xlsx``) or HTML (``html``) report."""
    if fmt not in MEDIA:
        raise HTTPException(404, "report formats: xlsx, html")
    record = _record(request, run_id)
    names = [n for n in record.report_files if n.endswith("." + fmt)]
    if not names:
        raise HTTPException(404, f"run {run_id} has no {fmt} report")
    path = _runs(request).store.folder / "runs" / str(run_id) / names[0]
    if not path.is_file():
        raise HTTPException(404, f"run {run_id}'s {fmt} report is missing")
    return FileResponse(path, media_type=MEDIA[fmt], filename=f"run-{run_id}-{names[0]}")
