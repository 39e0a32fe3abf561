"""Named deterministic scenarios (bear / base / bull) as single-path market paths."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np

from hashpivot.calendar import month_starts
from hashpivot.market.snapshot import DeterministicScenario, MarketSnapshot
from hashpivot.types import MarketPaths


def mid_month_years(snapshot_date: date, months: int) -> np.ndarray:
    """Years from ``snapshot_date`` to the middle of each month from its month on [yr].

    Month 0 is the rest of the snapshot's month; its middle is halfway to the month's end.
    """
    edges = month_starts(snapshot_date, months + 1)
    out = np.empty(months)
    for i, (start, end) in enumerate(pairwise(edges)):
        first = max(start, snapshot_date)
        mid_days = (first - snapshot_date).days + (end - first).days / 2.0
        out[i] = mid_days / 365.25
    return out


def scenario_growth_paths(
    as_of: date,
    btc_price_usd: float,
    network_hashrate_eh_s: float,
    scenario: DeterministicScenario,
    months: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The one rule of every named deterministic path: BTC price [USD/BTC] and network
    hashrate [EH/s], ``(1, months)`` from ``as_of``'s month, each ``x(t) = x0 x (1 + g) ** t``
    at the scenario's constant annual rate ``g``, with ``t`` in years from ``as_of`` to the
    middle of the month (:func:`mid_month_years`)."""
    t = mid_month_years(as_of, months)[None, :]
    price = btc_price_usd * (1.0 + scenario.btc_price_growth_per_year) ** t
    hashrate = network_hashrate_eh_s * (1.0 + scenario.hashrate_growth_per_year) ** t
    return price, hashrate


def deterministic_market(
    snapshot: MarketSnapshot, scenario: DeterministicScenario, *, months: int
) -> MarketPaths:
    """One path of ``months`` months from the snapshot's month, growing at the scenario's
    constant annual rates (:func:`scenario_growth_paths`), for the mining model."""
    price, hashrate = scenario_growth_paths(
        snapshot.as_of,
        snapshot.btc_price_usd,
        snapshot.network_hashrate_eh_s,
        scenario,
        months,
    )
    first = date(snapshot.as_of.year, snapshot.as_of.month, 1)
    return MarketPaths(
        start=first,
        btc_price_usd=price,
        network_hashrate_eh_s=hashrate,
        fee_share_frac=np.full_like(price, scenario.fee_share_frac),
        first_month_elapsed_s=(snapshot.as_of - first).days * 86_400.0,
    )
