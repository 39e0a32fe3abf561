"""Compiled kernel of :func:`hashpivot.bitcoin.chain.simulate_chain` (numba).

One path at a time, month by month, segment by segment (a segment ends at a retarget or at
the month's end); paths run in parallel. The formulas are those of ``simulate_chain_numpy``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit

_HASHES_PER_DIFF_1 = 2.0**32
_BLOCKS_PER_EPOCH = 2016.0
_TARGET_SPAN_S = 2016.0 * 600.0
_LO_SPAN_S = _TARGET_SPAN_S / 4.0
_HI_SPAN_S = _TARGET_SPAN_S * 4.0
_HALVING = 210_000.0
_MAX_SEGMENTS = 16


# BTC issued before each era's first block, from the floored integer subsidies (protocol.py)
_CUM_ERA_BTC = np.array(
    [sum(210_000 * (5_000_000_000 >> e) for e in range(k)) / 1e8 for k in range(65)]
)


@njit(cache=True, nogil=True, inline="always")  # type: ignore[misc]
def _cum_subsidy_btc(height: float) -> float:
    era = min(int(np.floor(height / _HALVING)), 64)
    full = _CUM_ERA_BTC[era]
    if era >= 64:
        return float(full)
    per_block = float(np.int64(5_000_000_000) >> np.int64(era)) / 1e8
    return float(full + (height - era * _HALVING) * per_block)


class ChainStart(NamedTuple):
    """Where every path starts (numba passes it as a struct, fields by name)."""

    height: float  #: height of the next block [-]
    difficulty: float  #: [-]
    blocks_to_retarget: float  #: blocks left in the current epoch [-]
    epoch_elapsed_s: float  #: seconds since the epoch began [s]
    first_month_elapsed_s: float  #: seconds of the first month already past [s]


@njit(cache=True, nogil=True)  # type: ignore[misc]
def chain_kernel(hashrate_h_s: Any, seconds: Any, start: Any) -> Any:
    """``hashrate_h_s`` (paths, months) [H/s], ``seconds`` (months,) [s], ``start`` a
    :class:`ChainStart`; returns blocks, subsidy, height, mean and end difficulty
    (paths, months) and whether a path needed more than 16 segments in a month."""
    paths, months = hashrate_h_s.shape
    blocks = np.empty((paths, months))
    subsidy = np.empty((paths, months))
    height_end = np.empty((paths, months))
    dmean = np.empty((paths, months))
    dend = np.empty((paths, months))
    too_fast = np.zeros(paths, dtype=np.bool_)
    first_month_elapsed_s = start.first_month_elapsed_s
    for p in range(paths):
        h = start.height
        d = start.difficulty
        r = start.blocks_to_retarget
        e = start.epoch_elapsed_s
        cum0 = _cum_subsidy_btc(h)
        for j in range(months):
            t = seconds[j] - first_month_elapsed_s if j == 0 else seconds[j]
            rate_base = hashrate_h_s[p, j] / _HASHES_PER_DIFF_1
            h_start = h
            wd = 0.0
            done = False
            for _ in range(_MAX_SEGMENTS):
                rate = rate_base / d
                t_need = r / rate
                if t_need <= t:
                    h += r
                    wd += r * d
                    e += t_need
                    t -= t_need
                    span = min(max(e, _LO_SPAN_S), _HI_SPAN_S)
                    d = d * (_TARGET_SPAN_S / span)
                    r = _BLOCKS_PER_EPOCH
                    e = 0.0
                else:
                    n = rate * t
                    h += n
                    r -= n
                    e += t
                    wd += n * d
                    done = True
                    break
            if not done:
                too_fast[p] = True
            n_month = h - h_start
            cum1 = _cum_subsidy_btc(h)
            blocks[p, j] = n_month
            subsidy[p, j] = cum1 - cum0
            cum0 = cum1
            height_end[p, j] = h
            dmean[p, j] = wd / n_month if n_month > 0 else d
            dend[p, j] = d
    return blocks, subsidy, height_end, dmean, dend, too_fast.any()
