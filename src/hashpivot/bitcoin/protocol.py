"""Bitcoin consensus facts: block subsidy, halvings, difficulty retargeting.

All functions accept scalars or numpy arrays. Heights are block heights (genesis = 0).

References
----------
- Bitcoin Core ``GetBlockSubsidy`` (src/validation.cpp): ``50 * COIN >> (height / 210000)``,
  zero once the shift reaches 64.
- Bitcoin Core ``CalculateNextWorkRequired`` (src/pow.cpp): new target = old target x actual
  timespan / 1,209,600 s, the timespan clamped to [1/4, 4] x two weeks, every 2016 blocks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.errors import InputError

SATOSHI_PER_BTC = 100_000_000
INITIAL_SUBSIDY_SAT = 50 * SATOSHI_PER_BTC
HALVING_INTERVAL_BLOCKS = 210_000
RETARGET_INTERVAL_BLOCKS = 2016
TARGET_BLOCK_INTERVAL_S = 600.0
TARGET_TIMESPAN_S = RETARGET_INTERVAL_BLOCKS * TARGET_BLOCK_INTERVAL_S  # 1,209,600 s = two weeks
MAX_RETARGET_FACTOR = 4.0
# Number of halvings after which the subsidy is zero: 5e9 sat >> 33 == 0 already, and Bitcoin Core
# forces zero from 64 halvings on (a right shift by >= 64 is undefined in C++).
_MAX_HALVINGS = 64
# Total number of satoshis ever issued by the subsidy: sum over eras of 210,000 x (5e9 >> era).
TOTAL_SUBSIDY_SAT = sum(
    HALVING_INTERVAL_BLOCKS * (INITIAL_SUBSIDY_SAT >> era) for era in range(_MAX_HALVINGS)
)
# BTC issued before the first block of each era 0..64, exact in satoshis (the floored shifts
# make late eras differ from the geometric series 21M x (1 - 2^-era)).
_CUMULATIVE_ERA_BTC = (
    np.concatenate(
        [
            [0],
            np.cumsum(
                [HALVING_INTERVAL_BLOCKS * (INITIAL_SUBSIDY_SAT >> e) for e in range(_MAX_HALVINGS)]
            ),
        ]
    ).astype(np.float64)
    / SATOSHI_PER_BTC
)


def _check_heights(height: NDArray[np.int64]) -> None:
    if np.any(height < 0):
        raise InputError("height", int(np.min(height)), "a block height >= 0")


def subsidy_sat(height: ArrayLike) -> NDArray[np.int64]:
    """Block subsidy [satoshi] at ``height``: ``5e9 >> (height // 210000)``, 0 from era 64.

    Exact integer arithmetic (consensus rule, Bitcoin Core ``GetBlockSubsidy``).
    """
    h = np.asarray(height, dtype=np.int64)
    _check_heights(h)
    era = h // HALVING_INTERVAL_BLOCKS
    shift = np.minimum(era, _MAX_HALVINGS - 1)
    out = np.right_shift(np.int64(INITIAL_SUBSIDY_SAT), shift)
    return np.where(era >= _MAX_HALVINGS, np.int64(0), out).astype(np.int64)


def subsidy_btc(height: ArrayLike) -> NDArray[np.float64]:
    """Block subsidy [BTC] at ``height`` (exact satoshis / 1e8)."""
    return subsidy_sat(height).astype(np.float64) / SATOSHI_PER_BTC


def halving_height(n: int) -> int:
    """Height of the ``n``-th halving (n = 1 -> 210,000; n = 5 -> 1,050,000)."""
    if n < 1:
        raise InputError("n", n, "a halving number >= 1")
    return n * HALVING_INTERVAL_BLOCKS


def next_halving_height(height: int) -> int:
    """First halving height strictly above ``height``."""
    if height < 0:
        raise InputError("height", height, "a block height >= 0")
    return (height // HALVING_INTERVAL_BLOCKS + 1) * HALVING_INTERVAL_BLOCKS


def cumulative_subsidy_btc(height: ArrayLike) -> NDArray[np.float64]:
    """Total subsidy [BTC] of all blocks with height < ``height`` (heights may be fractional).

    The subsidy is a step function of height; its integral is piecewise linear, so for an
    expected (real-valued) block count between two heights the BTC issued is
    ``cumulative_subsidy_btc(h1) - cumulative_subsidy_btc(h0)``, exact across halvings.
    Valid for heights up to 64 halvings (after that the issuance is complete).
    """
    h = np.asarray(height, dtype=np.float64)
    if np.any(h < 0):
        raise InputError("height", float(np.min(h)), "a block height >= 0")
    era = np.floor(h / HALVING_INTERVAL_BLOCKS)
    era_c = np.minimum(era, _MAX_HALVINGS).astype(np.int64)
    # BTC issued in complete eras, summed from the integer (floored) subsidies of each era
    full = _CUMULATIVE_ERA_BTC[era_c]
    within = (h - era_c * HALVING_INTERVAL_BLOCKS) * subsidy_btc(era_c * HALVING_INTERVAL_BLOCKS)
    out = full + np.where(era_c >= _MAX_HALVINGS, 0.0, within)
    return np.asarray(out, dtype=np.float64)


def retarget_factor(actual_timespan_s: ArrayLike) -> NDArray[np.float64]:
    """Difficulty multiplier at a retarget: ``1,209,600 / timespan`` (clamped to 1/4..4 x 2 weeks).

    New difficulty = old difficulty x factor (difficulty is inverse to target). Bitcoin Core
    measures the timespan over 2015 intervals of the epoch (the "off-by-one"); hashpivot uses
    the 2016-interval timespan, a 0.05% difference documented in docs/methodology.md.
    """
    t = np.asarray(actual_timespan_s, dtype=np.float64)
    clamped = np.clip(
        t, TARGET_TIMESPAN_S / MAX_RETARGET_FACTOR, TARGET_TIMESPAN_S * MAX_RETARGET_FACTOR
    )
    return np.asarray(TARGET_TIMESPAN_S / clamped, dtype=np.float64)


def projected_height_date(
    target_height: int,
    *,
    current_height: int,
    current_time: datetime,
    block_interval_s: float = TARGET_BLOCK_INTERVAL_S,
) -> datetime:
    """Date at which ``target_height`` is reached if blocks come every ``block_interval_s`` seconds.

    E.g. the 2028 halving (height 1,050,000) from height 925,000 at 2025-11-25 with 600 s blocks
    lands on 2028-04-11; with 590 s blocks (a growing network) about 2028-03-27.
    """
    if block_interval_s <= 0:
        raise InputError("block_interval_s", block_interval_s, "a number of seconds > 0")
    if current_time.tzinfo is None:
        current_time = current_time.replace(tzinfo=UTC)
    return current_time + timedelta(seconds=(target_height - current_height) * block_interval_s)
