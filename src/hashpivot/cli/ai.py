"""CLI commands of the AI paths: ``hashpivot lease FILE`` and ``hashpivot gpu-cloud FILE``.

Thin: :mod:`hashpivot.api.projects` loads, validates and values the file; this renders a table
or one JSON object. Nothing is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from hashpivot.api import projects as projects_api
from hashpivot.api.answer import money, months_text, pct, per_unit, project_answer
from hashpivot.cli._app import JSON_OPTION, app, console, emit_json, safe

__all__ = ["gpu_cloud", "lease"]

FILE_ARG = typer.Argument(..., help="Lease / GPU file (TOML), or a site file with the table.")

_LABELS: list[tuple[str, str, str]] = [
    # key, label, format
    ("npv_usd", "NPV (unlevered, incl. exit)", "usd"),
    ("project_npv_usd", "Project NPV on its own (its term, cap-rate exit)", "usd"),
    ("npv_all_at_site_rate_usd", "  NPV with every flow at the site rate", "usd"),
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
    if kind == "months":
        return months_text(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if kind == "usd":
        return money(value)
    if kind == "usd2":
        return money(value, 2)
    if kind == "usdw":
        return per_unit(value, "W")
    if kind == "pct":
        return pct(value, 2)
    if kind == "x":
        return f"{value:.2f}x"
    return f"{value:,.1f}"


_PARTS = {
    "revenue": "revenue",
    "revenue_contracted": "contracted revenue",
    "revenue_merchant": "merchant revenue",
    "opex": "opex",
    "capex": "capex (facility, equipment)",
    "terminal_value": "terminal value",
    "tax": "income tax",
}


def _decomposition_rows(res: Table, payload: Mapping[str, Any], npv_key: str) -> None:
    """Rows of the present values by line under the NPV ``npv_key`` they sum to."""
    parts = payload.get(npv_key.replace("npv_usd", "npv_decomposition_usd"))
    if npv_key not in ("npv_usd", "project_npv_usd") or not isinstance(parts, Mapping):
        return
    for key, value in (parts or {}).items():
        res.add_row(f"  PV of {_PARTS.get(key, key)}", _fmt(value, "usd"))


def _render(
    title: str,
    payload: Mapping[str, Any],
    assumptions: list[dict[str, str]],
    con: Console | None = None,
    *,
    kind: str = "lease",
) -> None:
    """Print a lease / GPU cloud report on ``con`` (the CLI's console unless given), its answer
    in one sentence first."""
    c = con or console
    c.print(f"[bold]{safe(project_answer(dict(payload), kind))}[/]", highlight=False)
    res = Table(title=title, title_justify="left")
    res.add_column("Result")
    res.add_column("Value", justify="right")
    if "npv_basis" in payload:
        res.add_row("NPV basis", safe(payload["npv_basis"]))
    res.add_row("Basis of per-W figures", safe(payload["basis"]))
    for key, label, kind in _LABELS:
        if key in payload:
            res.add_row(label, _fmt(payload[key], kind))
            _decomposition_rows(res, payload, key)
    if payload.get("irr") is None and payload.get("irr_display"):
        res.add_row("IRR note", safe(payload["irr_display"]))
    lev = payload.get("levered")
    if lev:
        res.add_row("Levered equity NPV", _fmt(lev["npv_usd"], "usd"))
        res.add_row("Levered equity IRR", safe(lev["irr_display"]))
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
    c.print(res)
    c.print(table)


@app.command("lease")
def lease(path: Path = FILE_ARG, as_json: bool = JSON_OPTION) -> None:
    """Value a powered-shell / colocation lease of the converted site ($/W, NPV, IRR)."""
    payload = projects_api.lease_report(path)
    if as_json:
        emit_json(payload)
        return
    _render(f"Lease: {safe(payload['name'])}", payload, payload["assumptions"])


@app.command("gpu-cloud")
def gpu_cloud(path: Path = FILE_ARG, as_json: bool = JSON_OPTION) -> None:
    """Value a GPU cloud on the converted site (NPV, IRR, $/W)."""
    payload = projects_api.gpu_cloud_report(path)
    if as_json:
        emit_json(payload)
        return
    _render(
        f"GPU cloud: {safe(payload['name'])}", payload, payload["assumptions"], kind="gpu_cloud"
    )
