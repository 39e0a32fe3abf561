"""The backtest job: walk-forward forecasts of the network from each year-end, scored."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from hashpivot.config.files import read_checked_frame
from hashpivot.errors import InputError
from hashpivot.market.backtest import DailyHistory, origin_summary, walk_forward

FIRST_ORIGIN_YEAR = 2018
LAST_ORIGIN_YEAR = 2024


def _history(path_or_folder: str | Path | None) -> tuple[DailyHistory, str]:
    import pandas as pd

    from hashpivot.adapters.history import resolve_history_path

    path = resolve_history_path(path_or_folder)
    raw = read_checked_frame(path, pd.read_csv, field="--history", kind="CSV file")
    need = ["date", "price_usd", "hashrate_ths", "fees_usd", "issuance_usd", "height_end_est"]
    if any(c not in raw.columns for c in need):
        raise InputError("--history", str(path), f"a btc_daily.csv with columns {need}")
    try:
        days = pd.to_datetime(raw["date"], format="%Y-%m-%d").dt.date.to_numpy()
        cols = [raw[c].to_numpy(float) for c in need[1:]]
    except (ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0][:80]
        raise InputError("--history", str(path), f"dates and numbers ({first})") from None
    return (
        DailyHistory(
            dates=days,
            btc_price_usd=cols[0],
            hashrate_ths=cols[1],
            fees_usd=cols[2],
            issuance_usd=cols[3],
            height_end=cols[4],
        ),
        str(path),
    )


def backtest_network(
    history: str | Path | None = None,
    *,
    origin_years: list[int] | None = None,
    paths: int = 2000,
    seed: int = 2026,
    horizons_months: tuple[int, ...] = (12, 24),
    momentum: bool = False,
) -> dict[str, Any]:
    """Fit on the history up to each year-end (default 2018..2024), forecast 12 and 24 months
    conditional on the realised BTC prices and unconditionally, and score the P10-P90 coverage
    and the P50 error of monthly hashrate and hashprice (docs/methodology.md); ``momentum``:
    the hashrate model with the ASIC-pipeline term (off in the default model)."""
    from hashpivot.api.calibration import fleet_efficiency_fit

    years = origin_years or list(range(FIRST_ORIGIN_YEAR, LAST_ORIGIN_YEAR + 1))
    for y in years:
        if not FIRST_ORIGIN_YEAR - 1 <= y <= LAST_ORIGIN_YEAR:
            raise InputError(
                "--origin", y, f"a year in [{FIRST_ORIGIN_YEAR - 1}, {LAST_ORIGIN_YEAR}]"
            )
    if not 10 <= paths <= 100_000:
        raise InputError("--paths", paths, "an integer in [10, 100000]")
    daily, source = _history(history)
    forecasts, scores = walk_forward(
        daily,
        [date(y, 12, 31) for y in sorted(set(years))],
        paths=paths,
        seed=seed,
        fleet_efficiency_trend=lambda d: fleet_efficiency_fit(d).log_trend_per_year,
        horizons_months=horizons_months,
        momentum=momentum,
    )
    return {
        "source": source,
        "paths": paths,
        "seed": seed,
        "goal_coverage_frac": 0.8,
        "price_basis": "monthly average (conditional runs follow the realised monthly averages)",
        "drift_basis": "expected (mean) growth +10%/yr (unconditional runs)",
        "hashrate_momentum": momentum,
        "scores": [asdict(s) for s in scores],
        "origins": [origin_summary(f) for f in forecasts],
    }
