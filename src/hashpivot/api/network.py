"""The network jobs: block subsidy, hashprice (history, live, snapshot) and the market snapshot
every command starts from (the dated default, or one fetched now)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hashpivot.adapters.fetch.network import MEMPOOL_URL_ENV, PRICE_URL_ENV, LiveNetworkSource
from hashpivot.adapters.history import history_day, load_btc_daily
from hashpivot.bitcoin.daily import spot_economics, subsidy_at
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot

__all__ = [
    "MEMPOOL_URL_ENV",
    "PRICE_URL_ENV",
    "MarketSnapshot",
    "history_hashprice",
    "live_hashprice",
    "market_snapshot",
    "snapshot_hashprice",
    "subsidy_report",
]


def market_snapshot(live: bool, mempool_url: str | None, price_url: str | None) -> MarketSnapshot:
    """The dated default snapshot, or (``live``) one fetched now from the network sources;
    a failed fetch is a :class:`~hashpivot.errors.FetchError` naming the URL (exit 2)."""
    if not live:
        return SNAPSHOT
    return LiveNetworkSource.from_urls(mempool_url, price_url).snapshot()


def subsidy_report(height: int) -> dict[str, Any]:
    """Block subsidy at ``height`` [BTC, sat], its halving era and the next halving height."""
    info = subsidy_at(height)
    return {
        "height": info.height,
        "subsidy_btc": info.subsidy_btc,
        "subsidy_sat": info.subsidy_sat,
        "era": info.era,
        "next_halving_height": info.next_halving_height,
    }


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


def history_hashprice(day: date, history: Path | None) -> dict[str, Any]:
    """Hashprice [USD/PH/day] and hashvalue [BTC/PH/day] of one UTC day of the daily history."""
    row = history_day(load_btc_daily(history), day)
    return {
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


def live_hashprice(mempool_url: str | None, price_url: str | None) -> dict[str, Any]:
    """Hashprice now, from the network and price fetched from the live sources."""
    source = LiveNetworkSource.from_urls(mempool_url, price_url)
    return _snapshot_payload(source.snapshot(), f"live: {source.url}")


def snapshot_hashprice() -> dict[str, Any]:
    """Hashprice at the dated default snapshot (:data:`hashpivot.market.snapshot.SNAPSHOT`)."""
    return _snapshot_payload(SNAPSHOT, f"snapshot {SNAPSHOT.as_of.isoformat()}")
