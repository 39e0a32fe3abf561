"""The calibration job: read the daily history, fit the market processes, return a flat dict."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hashpivot.config.files import read_checked_frame
from hashpivot.errors import InputError
from hashpivot.market.calibrate import (
    FleetEfficiencyFit,
    calibrate_market,
    fit_fleet_efficiency_trend,
)


def _date(name: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(name, text, "a date YYYY-MM-DD") from None


def fleet_efficiency_fit(until: date | None = None) -> FleetEfficiencyFit:
    """The technology term: the log trend of ASIC efficiency [J/TH] over the release dates of
    the models of the ASIC catalogue (config/catalogue/asic.csv) released by ``until`` (all when
    None); fewer than 3 such models: the whole catalogue (the rate was on public roadmaps)."""
    from hashpivot.config.catalogue import asic_catalogue

    models = list(asic_catalogue().values())
    if until is not None:
        known = [m for m in models if m.release <= f"{until:%Y-%m}"]
        models = known if len(known) >= 3 else models
    years = [int(m.release[:4]) + (int(m.release[5:7]) - 1) / 12 for m in models]
    return fit_fleet_efficiency_trend(years, [m.power_w / m.hashrate_th_s for m in models])


def calibrate_from_history(
    history: str | Path | None, *, since: str | None = "2017-01-01", until: str | None = None
) -> dict[str, Any]:
    """Fit BTC price, hashrate response and fee share on ``btc_daily.csv``; the flat summary
    plus ``"market_table"``: the fitted values as ``[market]`` keys of a site file."""
    import pandas as pd

    from hashpivot.adapters.history import resolve_history_path

    path = resolve_history_path(history)
    raw = read_checked_frame(path, pd.read_csv, field="--history", kind="CSV file")
    need = ["date", "price_usd", "hashrate_ths", "fees_usd", "issuance_usd"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise InputError("history", str(path), f"a btc_daily.csv with columns {need}")
    try:
        days = pd.to_datetime(raw["date"], format="%Y-%m-%d").dt.date.to_numpy()
        columns = [raw[c].to_numpy(float) for c in need[1:]]
    except (ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0][:80]
        raise InputError(
            "--history", str(path), f"dates YYYY-MM-DD and numbers ({first})"
        ) from None
    end = _date("--until", until) or max(days)
    tech = fleet_efficiency_fit(end)
    try:
        fit = calibrate_market(
            days,
            *columns,
            since=_date("--since", since),
            until=_date("--until", until),
            fleet_efficiency_log_trend_per_year=tech.log_trend_per_year,
        )
    except InputError as exc:
        if exc.field != "window":
            raise
        # the window is the user's --since / --until: name the flags, not the internal field
        raise InputError("--since/--until", f"{since} .. {until or 'end'}", exc.allowed) from None
    return {
        "source": str(path),
        "fleet_efficiency.models": tech.n_models,
        "fleet_efficiency.j_per_th_2020": str(tech.j_per_th_2020),
        **fit.as_dict(),
        "market_table": fit.market_table(),
    }


def market_table_toml(fitted: dict[str, Any]) -> str:
    """The ``[market]`` table of a :func:`calibrate_from_history` result, as TOML text to
    append to a site file."""
    table = dict(fitted["market_table"])
    corr = table.pop("correlation")

    def value(v: Any) -> str:
        return f'"{v}"' if isinstance(v, str) else repr(v)

    lines = [
        f"# fitted by `hashpivot calibrate` on {fitted.get('source', 'the history')}, "
        f"{fitted['window']}",
        "# (the BTC expected growth and today's levels keep their defaults: docs/site-file.md)",
        "[market]",
        *(f"{k} = {value(v)}" for k, v in table.items()),
        "",
        "[market.correlation]",
        *(f'"{k}" = {value(v)}' for k, v in corr.items()),
    ]
    return "\n".join(lines) + "\n"
