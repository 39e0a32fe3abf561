"""CLI commands: the Bitcoin network (``subsidy``, ``hashprice``).

Thin: parse, call the library, render. ``--json`` prints exactly one JSON object.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.adapters.fetch.network import LiveNetworkSource
from hashpivot.adapters.history import history_day, load_btc_daily
from hashpivot.bitcoin.daily import spot_economics, subsidy_at
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
from hashpivot.config.defaults import SNAPSHOT, MarketSnapshot
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
    info = subsidy_at(height)
    _render(
        f"Block subsidy at height {height:,}",
        {
            "height": info.height,
            "subsidy_btc": info.subsidy_btc,
            "subsidy_sat": info.subsidy_sat,
            "era": info.era,
            "next_halving_height": info.next_halving_height,
        },
        as_json,
    )


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("--date", text, "a date YYYY-MM-DD") from None


def _snapshot_payload(snap: MarketSnapshot, source: str) -> dict[str, Any]:
    econ = spot_economics(
        price_usd=snap.btc_price_usd,
        difficulty=snap.difficulty,
        height=snap.height,
        fees_btc_per_block=snap.fees_btc_per_block,
    )
    return {
        "date": snap.as_of.isoformat(),
        "hashprice_usd_per_ph_day": econ.hashprice_usd_per_ph_day,
        "hashvalue_btc_per_ph_day": econ.hashvalue_btc_per_ph_day,
        "price_usd": snap.btc_price_usd,
        "difficulty": snap.difficulty,
        "fees_btc_per_block": econ.fees_btc_per_block,
        "subsidy_btc_per_block": econ.subsidy_btc_per_block,
        "height": snap.height,
        "source": source,
    }


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
        day = _parse_date(date_)
        row = history_day(load_btc_daily(history), day)
        payload: dict[str, Any] = {
            "date": row.date.isoformat(),
            "hashprice_usd_per_ph_day": row.hashprice_usd_per_ph_day,
            "hashvalue_btc_per_ph_day": row.hashvalue_btc_per_ph_day,
            "price_usd": row.price_usd,
            "difficulty": row.difficulty,
            "fees_btc_per_block": row.fees_btc_per_block,
            "subsidy_btc_per_block": row.subsidy_btc_per_block,
            "block_count": row.block_count,
            "height_end": row.height_end,
            "source": f"history: {row.source}",
        }
    elif live:
        source = LiveNetworkSource.from_urls(mempool_url, price_url)
        payload = _snapshot_payload(source.snapshot(), f"live: {source.url}")
    else:
        if history is not None:
            raise InputError("--history", str(history), "used only with --date")
        payload = _snapshot_payload(SNAPSHOT, f"snapshot {SNAPSHOT.as_of.isoformat()}")
    _render(f"Hashprice on {payload['date']}", payload, as_json)
