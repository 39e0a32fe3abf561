"""Named deterministic scenarios (bear / base / bull) as the engine's one-path market."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np

from hashpivot.bitcoin.chain import simulate_chain
from hashpivot.calendar import month_seconds, month_starts
from hashpivot.market.scenarios import MarketParams, MarketScenarios, StartState, simulate
from hashpivot.market.snapshot import DeterministicScenario, MarketSnapshot


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


def scenario_paths(
    snapshot: MarketSnapshot,
    scenario: DeterministicScenario,
    start: StartState,
    params: MarketParams,
    *,
    months: int,
) -> MarketScenarios:
    """A named deterministic scenario as the engine's one-path :class:`MarketScenarios`.

    BTC price and network hashrate grow at the scenario's constant annual rates from today's
    (``x(t) = x0 (1 + g)^t``, t in years from the snapshot to mid-month, as
    :func:`scenario_growth_paths`); the fee share is the scenario's constant, turned into fees
    per block along the blocks the chain actually produces on that hashrate path (so each
    month's fees are ``subsidy x share / (1 - share)`` of that month's blocks, halving
    included); rent, GPU rate and power price follow the zero-volatility paths of ``params``.
    """
    price, hashrate = scenario_growth_paths(
        snapshot.as_of, start.btc_price_usd, start.network_hashrate_eh_s, scenario, months
    )
    first = date(snapshot.as_of.year, snapshot.as_of.month, 1)
    chain = simulate_chain(
        snapshot.network_state,
        hashrate,
        month_seconds(first, months),
        first_month_elapsed_s=(snapshot.as_of - first).days * 86_400.0,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        subsidy = np.where(chain.blocks > 0, chain.subsidy_btc / chain.blocks, 0.0)
    share = scenario.fee_share_frac
    quiet = simulate(params.with_zero_volatility(), start, months, 1, np.random.default_rng(0))
    return MarketScenarios(
        start=first,
        btc_price_usd=price,
        network_hashrate_eh_s=hashrate,
        fees_btc_per_block=subsidy * share / (1.0 - share),
        rent_usd_per_kw_month=quiet.rent_usd_per_kw_month,
        gpu_rate_usd_per_gpu_hour=quiet.gpu_rate_usd_per_gpu_hour,
        power_price_usd_per_mwh=quiet.power_price_usd_per_mwh,
        subsidy_btc_per_block=subsidy[0],
    )
