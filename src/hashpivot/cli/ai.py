"""CLI commands of the AI paths: ``hashpivot lease FILE`` and ``hashpivot gpu-cloud FILE``.

Thin: load and validate the file (config), value it (valuation), render a table or one JSON
object. Nothing is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.cli._app import JSON_OPTION, app, console, emit_json, safe
from hashpivot.compute.shell import deal_figures
from hashpivot.config.gpu_cloud import gpu_assumption_rows, load_gpu_cloud_file
from hashpivot.config.lease import lease_assumption_rows, load_lease_file
from hashpivot.valuation.projects import headline, value_gpu_cloud, value_lease

__all__ = ["gpu_cloud", "lease"]

FILE_ARG = typer.Argument(..., help="Lease / GPU file (TOML), or a site file with the table.")

_LABELS: list[tuple[str, str, str]] = [
    # key, label, format
    ("npv_usd", "NPV (unlevered, incl. exit)", "usd"),
    ("irr", "IRR (unlevered, annual)", "pct"),
    ("noi_usd_per_year", "NOI / EBITDA, first full year", "usd"),
    ("capex_usd", "Owner capex", "usd"),
    ("yield_on_cost_frac", "Unlevered yield on cost", "pct"),
    ("value_usd", "Value (NOI / cap rate, or capex + NPV)", "usd"),
    ("value_created_usd", "Value created", "usd"),
    ("value_created_usd_per_w_it", "Value created per W of critical IT", "usdw"),
    ("value_created_usd_per_w_gross", "Value created per W of gross power", "usdw"),
    ("equity_value_created_usd_per_w", "Equity value created per W (basis)", "usdw"),
    ("ev_per_mw_usd", "EV per MW (basis)", "usd"),
    ("payback_months", "Payback (months from start)", "months"),
    ("moic", "MOIC", "x"),
    ("year1_rent_usd_per_kw_month", "Year-1 rent ($/kW-month)", "usd2"),
    ("average_rent_usd_per_kw_month", "Average rent over the term ($/kW-month)", "usd2"),
    ("contract_value_usd", "Contract value (base term)", "usd"),
    ("announced_contract_value_usd", "Announced contract value", "usd"),
    ("contract_value_gap_frac", "Computed vs announced", "pct"),
]


def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "never" if kind == "months" else "n/a"
    if kind == "usd":
        return f"${value:,.0f}"
    if kind == "usd2":
        return f"${value:,.2f}"
    if kind == "usdw":
        return f"${value:,.2f}/W"
    if kind == "pct":
        return f"{value:.2%}"
    if kind == "x":
        return f"{value:.2f}x"
    return f"{value:,.1f}"


def _render(title: str, payload: Mapping[str, Any], assumptions: list[dict[str, str]]) -> None:
    res = Table(title=title, title_justify="left")
    res.add_column("Result")
    res.add_column("Value", justify="right")
    res.add_row("Basis of per-W figures", safe(payload["basis"]))
    for key, label, kind in _LABELS:
        if key in payload:
            res.add_row(label, _fmt(payload[key], kind))
    if payload.get("irr_status") not in (None, "ok"):
        res.add_row("IRR note", safe(payload["irr_status"]))
    lev = payload.get("levered")
    if lev:
        res.add_row("Levered equity NPV", _fmt(lev["npv_usd"], "usd"))
        res.add_row("Levered equity IRR", _fmt(lev["irr"], "pct"))
        res.add_row(
            "Debt / equity invested",
            f"{_fmt(lev['debt_usd'], 'usd')} / {_fmt(lev['equity_invested_usd'], 'usd')}",
        )
        res.add_row("Levered cash yield", _fmt(lev["cash_yield_frac"], "pct"))
        res.add_row(
            "Minimum annual DSCR",
            f"{_fmt(lev['min_dscr'], 'x')} ({'ok' if lev['dscr_ok'] else 'BREACH'})",
        )
    table = Table(title="Assumptions", title_justify="left")
    table.add_column("Assumption")
    table.add_column("Value")
    table.add_column("Source")
    for row in assumptions:
        table.add_row(safe(row["name"]), safe(row["value"]), safe(row["source"]))
    console.print(res)
    console.print(table)


def _add_payback_note(payload: dict[str, Any]) -> None:
    """A payback that never comes is "never" with its reason, not NaN (JSON: null + note)."""
    pb = payload.get("payback_months")
    if "payback_months" in payload and (pb is None or not math.isfinite(pb)):
        payload["payback_months"] = None
        payload["payback_note"] = "never: cumulative cash flow stays below zero over the horizon"


@app.command("lease")
def lease(path: Path = FILE_ARG, as_json: bool = JSON_OPTION) -> None:
    """Value a powered-shell / colocation lease of the converted site ($/W, NPV, IRR)."""
    case = load_lease_file(path)
    v = value_lease(
        case.terms, case.conversion, case.assumptions, start=case.start, months=case.months
    )
    payload: dict[str, Any] = {
        "command": "lease",
        "file": str(path),
        "name": case.name,
        "tenant": case.config.tenant,
        **headline(v),
        **deal_figures(case.terms, case.config.announced_contract_value_usd),
        "assumptions": lease_assumption_rows(case),
    }
    _add_payback_note(payload)
    if as_json:
        emit_json(payload)
        return
    _render(f"Lease: {safe(case.name)}", payload, payload["assumptions"])


@app.command("gpu-cloud")
def gpu_cloud(path: Path = FILE_ARG, as_json: bool = JSON_OPTION) -> None:
    """Value a GPU cloud on the converted site (NPV, IRR, $/W)."""
    case = load_gpu_cloud_file(path)
    v = value_gpu_cloud(
        case.terms, case.conversion, case.assumptions, start=case.start, months=case.months
    )
    cf = v.cash_flows
    extras = {} if cf is None else cf.extras
    payload: dict[str, Any] = {
        "command": "gpu-cloud",
        "file": str(path),
        "name": case.name,
        "gpu_model": case.terms.gpu.model.value,
        "gpus": float(extras["gpus"].max()) if "gpus" in extras else None,
        "contract_value_usd": float(extras["contract_value_usd"][0])
        if "contract_value_usd" in extras
        else None,
        "announced_contract_value_usd": case.config.announced_contract_value_usd,
        **headline(v),
        "assumptions": gpu_assumption_rows(case),
    }
    _add_payback_note(payload)
    if as_json:
        emit_json(payload)
        return
    _render(f"GPU cloud: {safe(case.name)}", payload, payload["assumptions"])
