"""Network economics: hashrate <-> difficulty, hashprice, hashvalue, hashcost.

Definitions (Luxor Hashrate Index conventions):
- hashvalue [BTC per PH/s per day]: the BTC a miner with 1 PH/s earns in one day at a given
  difficulty, with subsidy + fees per block:
  ``86,400 x 1e15 x (subsidy + fees) / (difficulty x 2^32)``.
- hashprice [USD per PH/s per day] = hashvalue x BTC price.
- implied network hashrate [H/s] = difficulty x 2^32 / 600.

All functions take scalars or numpy arrays and broadcast.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.bitcoin.protocol import TARGET_BLOCK_INTERVAL_S

HASHES_PER_DIFFICULTY_1 = 2.0**32  # expected hashes per block at difficulty 1
SECONDS_PER_DAY = 86_400.0
H_PER_PH = 1e15
H_PER_EH = 1e18
H_PER_TH = 1e12

F = NDArray[np.float64]


def _f(x: ArrayLike) -> F:
    return np.asarray(x, dtype=np.float64)


def hashrate_h_s_from_difficulty(difficulty: ArrayLike, block_interval_s: ArrayLike = 600.0) -> F:
    """Network hashrate [H/s] that finds a block every ``block_interval_s`` at ``difficulty``.

    ``hashrate = difficulty x 2^32 / block_interval_s`` (difficulty 1 needs 2^32 hashes on average).
    """
    return _f(difficulty) * HASHES_PER_DIFFICULTY_1 / _f(block_interval_s)


def hashrate_eh_s_from_difficulty(difficulty: ArrayLike) -> F:
    """Implied network hashrate [EH/s] at the 600 s target interval."""
    return hashrate_h_s_from_difficulty(difficulty, TARGET_BLOCK_INTERVAL_S) / H_PER_EH


def difficulty_from_hashrate_eh_s(hashrate_eh_s: ArrayLike) -> F:
    """Difficulty [-] at which ``hashrate_eh_s`` finds a block every 600 s on average."""
    return _f(hashrate_eh_s) * H_PER_EH * TARGET_BLOCK_INTERVAL_S / HASHES_PER_DIFFICULTY_1


def block_rate_per_s(hashrate_h_s: ArrayLike, difficulty: ArrayLike) -> F:
    """Expected blocks per second [1/s] found by ``hashrate_h_s`` at ``difficulty``."""
    return _f(hashrate_h_s) / (_f(difficulty) * HASHES_PER_DIFFICULTY_1)


def hashvalue_btc_per_ph_day(
    difficulty: ArrayLike, subsidy_btc: ArrayLike, fees_btc_per_block: ArrayLike = 0.0
) -> F:
    """Hashvalue [BTC per PH/s per day] = 86,400 x 1e15 x (subsidy + fees) / (difficulty x 2^32)."""
    blocks_per_ph_day = SECONDS_PER_DAY * H_PER_PH / (_f(difficulty) * HASHES_PER_DIFFICULTY_1)
    return blocks_per_ph_day * (_f(subsidy_btc) + _f(fees_btc_per_block))


def hashprice_from_difficulty(
    price_usd: ArrayLike,
    difficulty: ArrayLike,
    subsidy_btc: ArrayLike,
    fees_btc_per_block: ArrayLike = 0.0,
) -> F:
    """Hashprice [USD per PH/s per day] = hashvalue x BTC price [USD/BTC].

    Example: price $87,000, difficulty 152e12, subsidy 3.125, fees 0.02 BTC/block -> ~$36.2.
    """
    return hashvalue_btc_per_ph_day(difficulty, subsidy_btc, fees_btc_per_block) * _f(price_usd)


def fee_share(subsidy_btc: ArrayLike, fees_btc_per_block: ArrayLike) -> F:
    """Fees as a share [0-1] of miner block revenue = fees / (subsidy + fees)."""
    s, fee = _f(subsidy_btc), _f(fees_btc_per_block)
    return fee / (s + fee)


def fees_from_share(subsidy_btc: ArrayLike, fee_share_frac: ArrayLike) -> F:
    """Fees per block [BTC] that make ``fee_share_frac`` of revenue: subsidy x s / (1 - s)."""
    s = _f(fee_share_frac)
    return _f(subsidy_btc) * s / (1.0 - s)


def hashcost_usd_per_ph_day(
    power_price_usd_per_mwh: ArrayLike,
    efficiency_j_per_th: ArrayLike,
    other_cost_usd_per_ph_day: ArrayLike = 0.0,
) -> F:
    """Hashcost [USD per PH/s per day]: the daily cost of running 1 PH/s.

    Power: 1 PH/s at e J/TH draws e kW, i.e. 0.024 x e MWh per day, so power cost =
    ``0.024 x e x price_usd_per_mwh``; plus any other cost expressed per PH/s per day.
    """
    mwh_per_ph_day = 24.0 * _f(efficiency_j_per_th) / 1000.0
    return mwh_per_ph_day * _f(power_price_usd_per_mwh) + _f(other_cost_usd_per_ph_day)


def cost_to_mine_one_btc_usd(
    hashcost_usd_per_ph_day_: ArrayLike, hashvalue_btc_per_ph_day_: ArrayLike
) -> F:
    """Cost to mine one BTC [USD/BTC] = hashcost / hashvalue (both per PH/s per day)."""
    return _f(hashcost_usd_per_ph_day_) / _f(hashvalue_btc_per_ph_day_)
