"""CLI commands: the Bitcoin network (``subsidy``, ``hashprice``).

Thin: parse, call :mod:`hashpivot.api.network`, render. ``--json`` prints exactly one JSON object.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.api import network as network_api
from hashpivot.cli._app import (
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    console,
    emit_json,
    safe,
)
from hashpivot.errors import InputError


def _render(title: str, payload: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(payload)
        return
    table = Table(title=safe(title), show_header=True)
    table.add_column("field")
    table.add_column("value", justify="right")
    for key, value in payload.items():
        if isinstance(value, float):
            text = f"{value:,.8g}"
        elif isinstance(value, int):
            text = f"{value:,}"
        else:
            text = str(value)
        table.add_row(safe(key), safe(text))
    console.print(table)


MAX_HEIGHT = 100_000_000  # ~1,900 years of blocks; the subsidy is zero from 6,930,000


def _parse_height(text: str) -> int:
    try:
        height = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise InputError("--height", text, "a whole block height >= 0") from None
    if not 0 <= height <= MAX_HEIGHT:
        raise InputError("--height", height, f"a whole block height in [0, {MAX_HEIGHT:,}]")
    return height


@app.command()
def subsidy(
    height_text: str = typer.Option(..., "--height", help="Block height (genesis = 0)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Block subsidy at a height (consensus rule), its halving era and the next halving."""
    height = _parse_height(height_text)
    _render(f"Block subsidy at height {height:,}", network_api.subsidy_report(height), as_json)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("--date", text, "a date YYYY-MM-DD") from None


@app.command()
def hashprice(
    date_: str | None = typer.Option(
        None, "--date", help="UTC day YYYY-MM-DD from the daily history."
    ),
    history: Path | None = typer.Option(
        None,
        "--history",
        help="btc_daily.csv or its folder (default: $HASHPIVOT_SHARED_DATA, ../shared/data).",
    ),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Hashprice (USD per PH/s per day) and hashvalue (BTC per PH/s per day).

    With --date: that day of the history; with --live: now, fetched; else the dated snapshot.
    """
    if date_ is not None:
        if live:
            raise InputError("--live", True, "either --date (history) or --live, not both")
        payload = network_api.history_hashprice(_parse_date(date_), history)
    elif live:
        payload = network_api.live_hashprice(mempool_url, price_url)
    else:
        if history is not None:
            raise InputError("--history", str(history), "used only with --date")
        payload = network_api.snapshot_hashprice()
    _render(f"Hashprice on {payload['date']}", payload, as_json)
