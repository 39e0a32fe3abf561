"""CLI command: ``hashpivot supply SITE.toml [--size] [--json]``. Thin: parse, call, render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.api import supply as supply_api
from hashpivot.cli._app import JSON_OPTION, app, console, emit_json, safe

_ROWS = (
    ("ai_load_served_frac", "AI load served by own power"),
    ("ai_load_met_frac", "AI load met (any source)"),
    ("own_generation_mwh", "own generation [MWh]"),
    ("grid_import_mwh", "grid import [MWh]"),
    ("grid_export_mwh", "grid export [MWh]"),
    ("mining_uptime_frac", "mining uptime"),
    ("unserved_ai_mwh", "AI load unserved [MWh]"),
    ("unserved_ai_hours", "hours with AI load unserved"),
    ("emissions_tco2", "emissions [tCO2]"),
    ("capex_usd", "plant capital [USD]"),
    ("npv_usd", "plant NPV on its own [USD]"),
    ("irr_frac", "plant IRR"),
    ("usd_per_kw", "plant capital [$/kW]"),
    ("gas_lcoe_usd_per_mwh", "gas LCOE [$/MWh]"),
    ("solar_lcoe_usd_per_mwh", "solar LCOE [$/MWh]"),
    ("site_npv_gain_usd", "plant NPV as part of the site [USD]"),
    ("solve_s", "LP solve [s]"),
    ("gas_price", "gas price (assumption)"),
)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 1 else f"{value:,.0f}"
    return str(value)


@app.command("supply")
def supply(
    site: Path = typer.Argument(..., help="Site file (TOML) with a [generation] table."),
    size: bool = typer.Option(False, "--size", help="Choose the least-cost capacities first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Own generation behind the meter: dispatch (or size) the site's plant over its price
    year with the PyPSA/HiGHS site model; needs the supply extra."""
    report = supply_api.supply_report(site, size=size)
    if as_json:
        emit_json(report)
        return
    table = Table(title=f"{safe(report['site'])}: own generation ({safe(report['prices'])})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, label in _ROWS:
        if key in report:
            table.add_row(safe(label), safe(_fmt(report[key])))
    for tech, mw in report["capacities_mw"].items():
        table.add_row(safe(f"{tech} capacity [MW]"), safe(_fmt(float(mw))))
    console.print(table)
