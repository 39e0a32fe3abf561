"""Mining economics: one formula per function, arrays ``(paths, months)`` or scalars.

Conventions: revenue after the pool fee (FPPS pools pay the expected value of the hashrate
supplied, less their fee); power billed on every MWh the site draws, cooling and losses
included; costs returned positive here and signed only when assembled into
:class:`~hashpivot.types.CashFlows`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.bitcoin.network import HASHES_PER_DIFFICULTY_1, SECONDS_PER_DAY

H_PER_TH = 1e12

F = NDArray[np.float64]


def _f(x: ArrayLike) -> F:
    return np.asarray(x, dtype=np.float64)


def breakeven_power_usd_per_mwh(
    hashprice_usd_per_ph_day: ArrayLike,
    efficiency_j_per_th: ArrayLike,
    pool_fee_frac: ArrayLike = 0.0,
) -> F:
    """Power price [USD/MWh] at which mining revenue just pays the ASICs' power.

    1 PH/s at e J/TH draws e kW, i.e. 0.024 x e MWh a day, so
    ``breakeven = hashprice x (1 - pool fee) / (0.024 x e)`` (Hashrate Index convention: in
    USD/kWh, hashprice / (24 x J/TH)). E.g. $40/PH/day at 17 J/TH -> $98.0/MWh.
    """
    return (
        _f(hashprice_usd_per_ph_day) * (1.0 - _f(pool_fee_frac)) / (0.024 * _f(efficiency_j_per_th))
    )


def btc_mined(
    fleet_hashrate_h_s: ArrayLike,
    network_hashrate_h_s: ArrayLike,
    subsidy_btc: ArrayLike,
    fees_btc: ArrayLike,
    pool_fee_frac: ArrayLike = 0.0,
) -> F:
    """BTC earned [BTC] = fleet share of network hashrate x (subsidy + fees found) x (1 - pool fee).

    ``subsidy_btc`` and ``fees_btc`` are the network totals over the period.
    """
    share = _f(fleet_hashrate_h_s) / _f(network_hashrate_h_s)
    return share * (_f(subsidy_btc) + _f(fees_btc)) * (1.0 - _f(pool_fee_frac))


def site_energy_mwh(
    asic_power_mw: ArrayLike, uptime_frac: ArrayLike, hours: ArrayLike, overhead_frac: float
) -> F:
    """Energy the site draws [MWh] = ASIC MW x uptime x hours / (1 - overhead share).

    Cooling, auxiliaries and losses are taken as a fixed share of the site's draw.
    """
    return _f(asic_power_mw) * _f(uptime_frac) * _f(hours) / (1.0 - overhead_frac)


def breakeven_btc_price_usd(cost_usd: ArrayLike, btc: ArrayLike) -> F:
    """BTC price [USD/BTC] at which revenue equals cost: cost / BTC mined (NaN where none mined)."""
    c, b = _f(cost_usd), _f(btc)
    return np.asarray(np.divide(c, b, out=np.full(np.broadcast(c, b).shape, np.nan), where=b > 0))


def breakeven_hashprice_usd_per_ph_day(
    cost_usd: ArrayLike, ph_days: ArrayLike, pool_fee_frac: ArrayLike = 0.0
) -> F:
    """Hashprice [USD/PH/day] at which revenue equals cost: cost / (PH-days x (1 - pool fee))."""
    denom = _f(ph_days) * (1.0 - _f(pool_fee_frac))
    c = _f(cost_usd)
    out = np.full(np.broadcast(c, denom).shape, np.nan)
    return np.asarray(np.divide(c, denom, out=out, where=denom > 0))


def btc_per_day(
    hashrate_th_s: ArrayLike,
    difficulty: ArrayLike,
    subsidy_btc: ArrayLike,
    fees_btc_per_block: ArrayLike,
    pool_fee_frac: ArrayLike = 0.0,
    uptime_frac: ArrayLike = 1.0,
) -> F:
    """BTC earned a day [BTC/day] by ``hashrate_th_s`` [TH/s] at ``difficulty`` [-]:

    ``hashrate [H/s] / (difficulty x 2^32) x 86,400 x (subsidy + fees) x (1 - pool fee) x uptime``

    ``difficulty x 2^32`` is the expected number of hashes per block (Bitcoin Core
    ``GetBlockProof``; Nakamoto 2008), so the first factor is the miner's expected blocks per
    second; ``subsidy_btc`` and ``fees_btc_per_block`` [BTC/block] are what a block pays.
    The one-day closed form of every web calculator (Braiins Insights, WhatToMine), with
    blocks found at the current difficulty (no retarget within the day).
    """
    hashes_per_block = _f(difficulty) * HASHES_PER_DIFFICULTY_1
    blocks_per_day = _f(hashrate_th_s) * H_PER_TH * SECONDS_PER_DAY / hashes_per_block
    return (
        blocks_per_day
        * (_f(subsidy_btc) + _f(fees_btc_per_block))
        * (1.0 - _f(pool_fee_frac))
        * _f(uptime_frac)
    )


def asic_energy_mwh_per_day(
    hashrate_th_s: ArrayLike, efficiency_j_per_th: ArrayLike, uptime_frac: ArrayLike = 1.0
) -> F:
    """Energy the ASICs draw in a day [MWh/day] = TH/s x J/TH [W] x 24 h x uptime / 1e6.

    ASIC power only (no cooling or losses: those are the site's ``overhead_frac``).
    """
    watts = _f(hashrate_th_s) * _f(efficiency_j_per_th)
    return watts * 24.0 * _f(uptime_frac) / 1e6
