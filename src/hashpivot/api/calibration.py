"""The calibration job: read the daily history, fit the market processes, return a flat dict."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hashpivot.errors import InputError
from hashpivot.market.calibrate import calibrate_market


def _date(name: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(name, text, "a date YYYY-MM-DD") from None


def calibrate_from_history(
    history: str | Path | None, *, since: str | None = "2017-01-01", until: str | None = None
) -> dict[str, Any]:
    """Fit BTC price, hashrate response and fee share on ``btc_daily.csv``; the flat summary
    plus ``"market_table"``: the fitted values as ``[market]`` keys of a site file."""
    import pandas as pd

    from hashpivot.adapters.history import resolve_history_path

    path = resolve_history_path(history)
    raw = pd.read_csv(path)
    need = ["date", "price_usd", "hashrate_ths", "fees_usd", "issuance_usd"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise InputError("history", str(path), f"a btc_daily.csv with columns {need}")
    fit = calibrate_market(
        pd.to_datetime(raw["date"]).dt.date.to_numpy(),
        raw["price_usd"].to_numpy(float),
        raw["hashrate_ths"].to_numpy(float),
        raw["fees_usd"].to_numpy(float),
        raw["issuance_usd"].to_numpy(float),
        since=_date("--since", since),
        until=_date("--until", until),
    )
    return {"source": str(path), **fit.as_dict(), "market_table": fit.market_table()}


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
