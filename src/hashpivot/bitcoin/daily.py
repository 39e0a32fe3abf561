"""Per-day network economics from a daily history: subsidy, fees, hashvalue, hashprice.

Pure functions over arrays of days (no I/O): the history *loader* lives in
:mod:`hashpivot.adapters.history` and calls :func:`daily_economics`.

A day's blocks are taken to be heights ``height_end - block_count + 1 .. height_end``
(``height_end`` = height of the day's last block). Their mean subsidy is computed exactly from
the protocol (:func:`hashpivot.bitcoin.protocol.cumulative_subsidy_btc`), so a halving day mixes
the two subsidies in the right proportion. Hashvalue and hashprice then follow the Luxor Hashrate
Index definition (:mod:`hashpivot.bitcoin.network`) with the day's mean difficulty.

References
----------
- Luxor Hashrate Index, "hashprice" = expected USD per PH/s per day:
  ``86,400 x 1e15 x (subsidy + fees per block) x price / (difficulty x 2^32)``.
- Bitcoin Core ``GetBlockSubsidy`` (the subsidy schedule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.bitcoin.network import hashvalue_btc_per_ph_day
from hashpivot.bitcoin.protocol import (
    HALVING_INTERVAL_BLOCKS,
    cumulative_subsidy_btc,
    next_halving_height,
    subsidy_btc,
    subsidy_sat,
)
from hashpivot.errors import InputError
from hashpivot.types import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyEconomics:
    """Per-day miner economics; every array has one value per day.

    fees_btc_per_block : mean transaction fees per block [BTC/block]
    subsidy_btc_per_block : mean block subsidy of the day's blocks [BTC/block]
    hashvalue_btc_per_ph_day : expected BTC earned by 1 PH/s in a day [BTC/(PH/s)/day]
    hashprice_usd_per_ph_day : expected USD earned by 1 PH/s in a day [USD/(PH/s)/day]
    """

    fees_btc_per_block: FloatArray
    subsidy_btc_per_block: FloatArray
    hashvalue_btc_per_ph_day: FloatArray
    hashprice_usd_per_ph_day: FloatArray


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _require(ok: NDArray[np.bool_], values: FloatArray, field: str, allowed: str) -> None:
    """Raise InputError naming the first value where ``ok`` is false."""
    ok_b = np.broadcast_to(np.asarray(ok, dtype=bool), values.shape)
    if not ok_b.all():
        bad = values[~ok_b] if values.ndim else values
        raise InputError(field, float(np.ravel(bad)[0]), allowed)


def mean_subsidy_btc_per_block(height_end: ArrayLike, block_count: ArrayLike) -> FloatArray:
    """Mean subsidy [BTC/block] of the blocks ``height_end - block_count + 1 .. height_end``.

    ``(cumulative_subsidy_btc(height_end + 1) - cumulative_subsidy_btc(height_end + 1 - n)) / n``:
    exact across a halving, e.g. 147 blocks at 6.25 and 4 at 3.125 (2024-04-19 in Coin Metrics'
    day assignment) give 931.25 / 151 = 6.16721854 BTC/block.

    Parameters
    ----------
    height_end : height of the last block of each day [-]
    block_count : blocks found that day [-], > 0
    """
    h_end = _f(height_end)
    n = _f(block_count)
    if np.any(~np.isfinite(n)) or np.any(n <= 0):
        raise InputError("block_count", float(np.nanmin(n)), "a number of blocks > 0 per day")
    if np.any(~np.isfinite(h_end)) or np.any(h_end + 1 - n < 0):
        raise InputError("height_end", float(np.nanmin(h_end)), "a block height >= block_count - 1")
    issued = cumulative_subsidy_btc(h_end + 1.0) - cumulative_subsidy_btc(h_end + 1.0 - n)
    return np.asarray(issued / n, dtype=np.float64)


def daily_economics(
    *,
    price_usd: ArrayLike,
    difficulty: ArrayLike,
    fees_btc: ArrayLike,
    block_count: ArrayLike,
    height_end: ArrayLike,
) -> DailyEconomics:
    """Hashvalue and hashprice per day from the day's price, difficulty, fees and blocks.

    Parameters
    ----------
    price_usd : BTC price [USD/BTC]
    difficulty : mean difficulty of the day's blocks [-]
    fees_btc : total transaction fees of the day [BTC/day]
    block_count : blocks found that day [-], > 0
    height_end : height of the day's last block [-]

    Returns
    -------
    DailyEconomics with ``fees_btc_per_block = fees_btc / block_count``, the exact mean subsidy
    (:func:`mean_subsidy_btc_per_block`), ``hashvalue = 86,400 x 1e15 x (subsidy + fees per
    block) / (difficulty x 2^32)`` and ``hashprice = hashvalue x price``.

    Example: 2025-09-22, price $112,727.7077, difficulty 142,342,602,928,674.9, 150 blocks with
    3.39577662 BTC of fees -> hashvalue 4.4484e-4 BTC, hashprice ~$50.15 per PH/s per day.
    """
    price = _f(price_usd)
    diff = _f(difficulty)
    fees = _f(fees_btc)
    _require(np.isfinite(price) & (price >= 0), price, "price_usd", "a BTC price >= 0 (USD/BTC)")
    _require(np.isfinite(diff) & (diff > 0), diff, "difficulty", "a difficulty > 0")
    _require(np.isfinite(fees) & (fees >= 0), fees, "fees_btc", "fees >= 0 (BTC/day)")
    subsidy = mean_subsidy_btc_per_block(height_end, block_count)
    fees_per_block = fees / _f(block_count)
    hashvalue = hashvalue_btc_per_ph_day(diff, subsidy, fees_per_block)
    return DailyEconomics(
        fees_btc_per_block=np.asarray(fees_per_block, dtype=np.float64),
        subsidy_btc_per_block=subsidy,
        hashvalue_btc_per_ph_day=np.asarray(hashvalue, dtype=np.float64),
        hashprice_usd_per_ph_day=np.asarray(hashvalue * price, dtype=np.float64),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SubsidyAt:
    """The block subsidy at one height.

    height : block height [-]
    subsidy_sat : subsidy [satoshi], exact
    subsidy_btc : subsidy [BTC]
    era : halvings before ``height`` (0 for heights 0..209,999) [-]
    next_halving_height : first halving height above ``height`` [-]
    """

    height: int
    subsidy_sat: int
    subsidy_btc: float
    era: int
    next_halving_height: int


def subsidy_at(height: int) -> SubsidyAt:
    """Subsidy, era and next halving at ``height`` (protocol rules; InputError if < 0)."""
    sat = int(subsidy_sat(height))
    return SubsidyAt(
        height=height,
        subsidy_sat=sat,
        subsidy_btc=float(subsidy_btc(height)),
        era=height // HALVING_INTERVAL_BLOCKS,
        next_halving_height=next_halving_height(height),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SpotEconomics:
    """Miner economics at one moment (units as :class:`DailyEconomics`)."""

    subsidy_btc_per_block: float
    fees_btc_per_block: float
    hashvalue_btc_per_ph_day: float
    hashprice_usd_per_ph_day: float


def spot_economics(
    *, price_usd: float, difficulty: float, height: int, fees_btc_per_block: float
) -> SpotEconomics:
    """Hashvalue and hashprice now, with the subsidy of block ``height`` (e.g. a snapshot).

    Parameters
    ----------
    price_usd : BTC price [USD/BTC]
    difficulty : difficulty in force [-]
    height : height of the next block [-]
    fees_btc_per_block : mean fees per block [BTC/block]

    Example: the 2025-11-27 snapshot (price $91,000, difficulty 149.30e12, height 925,344, fees
    0.038 BTC/block) -> 86,400e15 x 3.163 x 91,000 / (149.30e12 x 2^32) = $38.78/PH/day.
    """
    if not (np.isfinite(price_usd) and price_usd >= 0):
        raise InputError("price_usd", price_usd, "a BTC price >= 0 (USD/BTC)")
    if not (np.isfinite(difficulty) and difficulty > 0):
        raise InputError("difficulty", difficulty, "a difficulty > 0")
    if not (np.isfinite(fees_btc_per_block) and fees_btc_per_block >= 0):
        raise InputError("fees_btc_per_block", fees_btc_per_block, "fees >= 0 (BTC/block)")
    subsidy = float(subsidy_btc(height))
    hv = float(hashvalue_btc_per_ph_day(difficulty, subsidy, fees_btc_per_block))
    return SpotEconomics(
        subsidy_btc_per_block=subsidy,
        fees_btc_per_block=float(fees_btc_per_block),
        hashvalue_btc_per_ph_day=hv,
        hashprice_usd_per_ph_day=hv * float(price_usd),
    )
