"""Market model commands: ``hashpivot backtest``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from hashpivot.api.backtest import backtest_network
from hashpivot.cli._app import JSON_OPTION, app, console, emit_json, safe


@app.command()
def backtest(
    history: Path | None = typer.Option(
        None, "--history", help="btc_daily.csv (default: shared data)."
    ),
    origin: list[int] | None = typer.Option(
        None, "--origin", help="Origin year (its Dec 31); repeat; default 2018..2024."
    ),
    paths: int = typer.Option(2000, "--paths", help="Sample paths per origin."),
    seed: int = typer.Option(2026, "--seed", help="Random seed."),
    momentum: bool = typer.Option(
        False, "--momentum", help="Fit and simulate with the ASIC-pipeline momentum term."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Walk-forward backtest of the network model: P10-P90 coverage and P50 error."""
    out = backtest_network(
        history, origin_years=origin or None, paths=paths, seed=seed, momentum=momentum
    )
    if as_json:
        emit_json(out)
        return
    t = Table(title=f"Backtest on {safe(out['source'])}: share inside P10-P90 (goal 80%)")
    for col in ("mode", "months", "hashrate in band", "hashprice in band", "P50 err hr/hp"):
        t.add_column(col, justify="right")
    for s in out["scores"]:
        t.add_row(
            safe(s["mode"]),
            f"1-{s['horizon_months']} (n={s['n_months']})",
            f"{s['hashrate_coverage_frac']:.0%}",
            f"{s['hashprice_coverage_frac']:.0%}",
            f"{s['hashrate_median_error_frac']:+.0%} / {s['hashprice_median_error_frac']:+.0%}",
        )
    console.print(t)
