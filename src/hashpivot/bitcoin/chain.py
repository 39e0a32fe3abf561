"""Block production along a hashrate path, following the protocol rather than 144 blocks a day.

Given the network hashrate month by month (per scenario path), :func:`simulate_chain` plays the
retarget rule forward: blocks arrive at ``hashrate / (difficulty x 2^32)`` per second, every
2016 blocks the difficulty is multiplied by ``two weeks / actual epoch time`` (clamped x4), and
the block height, hence the subsidy and the halving month, follows from the blocks actually found.
So while hashrate grows, blocks come faster than 144 a day and the halving arrives early; while it
shrinks, the opposite.

Approximations (quantified in docs/methodology.md): block arrivals are taken at their expected
value (no Poisson luck); the hashrate is constant within a month; the epoch timespan is measured
over 2016 intervals (Bitcoin Core uses 2015, a 0.05% difference in the retarget factor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from hashpivot.bitcoin.network import H_PER_EH, HASHES_PER_DIFFICULTY_1, SECONDS_PER_DAY
from hashpivot.bitcoin.protocol import (
    MAX_RETARGET_FACTOR,
    RETARGET_INTERVAL_BLOCKS,
    TARGET_TIMESPAN_S,
    cumulative_subsidy_btc,
)
from hashpivot.errors import InputError
from hashpivot.types import FloatArray

_MAX_SEGMENTS_PER_MONTH = 16
#: simulate_chain runs the compiled kernel (False: the numpy version, e.g. as a reference)
COMPILED = True  # 4 retargets in a 31-day month need 4x normal speed; 16 is ample


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkState:
    """The network at one moment: where the chain is and how hard it is to extend.

    height : block height of the next block to be mined [-]
    difficulty : current difficulty [-]
    epoch_elapsed_s : seconds since the current difficulty epoch began [s]
    as_of : date of the observation
    """

    height: float
    difficulty: float
    epoch_elapsed_s: float
    as_of: date

    @property
    def epoch_blocks(self) -> float:
        """Blocks already mined in the current epoch."""
        return float(self.height % RETARGET_INTERVAL_BLOCKS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainPath:
    """Monthly block production along each path; every array is ``(paths, months)``.

    blocks : blocks found in the month [-]
    subsidy_btc : sum of the subsidies of those blocks [BTC]
    height_end : height of the next block after the month [-]
    difficulty_mean : block-weighted mean difficulty in the month [-]
    difficulty_end : difficulty at the end of the month [-]
    seconds : length of each month [s], shape ``(months,)``
    hashrate_h_s : the network hashrate used [H/s]
    """

    blocks: FloatArray
    subsidy_btc: FloatArray
    height_end: FloatArray
    difficulty_mean: FloatArray
    difficulty_end: FloatArray
    seconds: FloatArray
    hashrate_h_s: FloatArray

    @property
    def days(self) -> FloatArray:
        """Days in each month, shape ``(months,)``."""
        return self.seconds / SECONDS_PER_DAY

    @property
    def blocks_per_day(self) -> FloatArray:
        return self.blocks / self.days

    def hashvalue_btc_per_ph_day(self, fees_btc_per_block: FloatArray | float) -> FloatArray:
        """BTC earned per PH/s per day [BTC/PH/day] in each month: a 1 PH/s miner's share of the
        month's subsidy + fees, divided by the days of the month."""
        share_per_ph = 1e15 / self.hashrate_h_s
        btc = share_per_ph * (self.subsidy_btc + self.blocks * fees_btc_per_block)
        return np.asarray(btc / self.days, dtype=np.float64)


def _check_inputs(
    state: NetworkState, hashrate_eh_s: NDArray[np.float64], seconds: NDArray[np.float64]
) -> FloatArray:
    hr = np.atleast_2d(np.asarray(hashrate_eh_s, dtype=np.float64)) * H_PER_EH
    months = hr.shape[1]
    if seconds.shape != (months,):
        raise InputError("seconds", seconds.shape, f"one length per month, shape ({months},)")
    if not np.all(np.isfinite(hr)) or np.any(hr <= 0):
        raise InputError("hashrate_eh_s", float(np.nanmin(hr)) / H_PER_EH, "finite values > 0")
    if state.difficulty <= 0:
        raise InputError("difficulty", state.difficulty, "a number > 0")
    return hr


def simulate_chain(
    state: NetworkState,
    hashrate_eh_s: NDArray[np.float64],
    seconds: NDArray[np.float64],
    *,
    first_month_elapsed_s: float = 0.0,
) -> ChainPath:
    """Play the difficulty retarget rule forward along hashrate paths.

    Same model and arguments as :func:`simulate_chain_numpy` (whose docstring explains them),
    run by a compiled kernel (numba) that walks each path's months in a tight loop and
    spreads paths over the cores; the two agree to rounding (tests). Falls back to the numpy
    version where numba is missing.
    """
    hr = _check_inputs(state, hashrate_eh_s, seconds)
    try:
        from hashpivot.bitcoin._chain_kernel import ChainStart, chain_kernel
    except ImportError:  # pragma: no cover - numba is a dependency
        chain_kernel = None  # type: ignore[assignment]
    if chain_kernel is None or not COMPILED:
        return simulate_chain_numpy(
            state, hashrate_eh_s, seconds, first_month_elapsed_s=first_month_elapsed_s
        )
    start = ChainStart(
        height=float(state.height),
        difficulty=float(state.difficulty),
        blocks_to_retarget=float(RETARGET_INTERVAL_BLOCKS - state.epoch_blocks),
        epoch_elapsed_s=float(state.epoch_elapsed_s),
        first_month_elapsed_s=float(first_month_elapsed_s),
    )
    out = chain_kernel(hr, np.ascontiguousarray(seconds, dtype=np.float64), start)
    blocks, subsidy, height_end, dmean, dend, too_fast = out
    if too_fast:
        raise InputError("hashrate_eh_s", float(hr.max() / H_PER_EH), "a path without x16 jumps")
    return ChainPath(
        blocks=blocks,
        subsidy_btc=subsidy,
        height_end=height_end,
        difficulty_mean=dmean,
        difficulty_end=dend,
        seconds=np.asarray(seconds, dtype=np.float64),
        hashrate_h_s=hr,
    )


@dataclass(slots=True)
class _ChainWalk:
    """Where each path's chain stands while :func:`simulate_chain_numpy` walks the months.

    height : height of the next block [-]; diff : current difficulty [-];
    to_retarget : blocks left in the epoch [-]; epoch_elapsed : seconds into the epoch [s];
    weighted_diff : sum of blocks x difficulty over the current month [-]. The other arrays
    are scratch space reused by every segment (the loop is the hot path of Monte Carlo runs).
    """

    height: FloatArray
    diff: FloatArray
    to_retarget: FloatArray
    epoch_elapsed: FloatArray
    weighted_diff: FloatArray
    rate: FloatArray
    t_need: FloatArray
    dt: FloatArray
    n: FloatArray
    retarget: NDArray[np.bool_]
    t_rem: FloatArray
    rate_base: FloatArray

    @classmethod
    def start(cls, state: NetworkState, paths: int) -> _ChainWalk:
        """Every path at ``state``, with fresh scratch arrays of length ``paths``."""
        return cls(
            height=np.full(paths, float(state.height)),
            diff=np.full(paths, float(state.difficulty)),
            to_retarget=np.full(paths, RETARGET_INTERVAL_BLOCKS - state.epoch_blocks),
            epoch_elapsed=np.full(paths, float(state.epoch_elapsed_s)),
            weighted_diff=np.empty(paths),
            rate=np.empty(paths),
            t_need=np.empty(paths),
            dt=np.empty(paths),
            n=np.empty(paths),
            retarget=np.empty(paths, dtype=bool),
            t_rem=np.empty(paths),
            rate_base=np.empty(paths),
        )

    def walk_month(self, hashrate_h_s: FloatArray, month_s: float) -> None:
        """Mine ``month_s`` seconds [s] at ``hashrate_h_s`` [H/s] (one value per path),
        retargeting every 2016 blocks: new D = D x two weeks / clamp(epoch time, x4).

        Raises InputError where a month would need more than 16 retargets (hashrate x 16).
        """
        lo_span = TARGET_TIMESPAN_S / MAX_RETARGET_FACTOR
        hi_span = TARGET_TIMESPAN_S * MAX_RETARGET_FACTOR
        self.t_rem.fill(month_s)
        self.weighted_diff.fill(0.0)
        rate, t_need, dt, n, retarget = self.rate, self.t_need, self.dt, self.n, self.retarget
        np.divide(hashrate_h_s, HASHES_PER_DIFFICULTY_1, out=self.rate_base)  # blocks/s x D
        for _ in range(_MAX_SEGMENTS_PER_MONTH):
            np.divide(self.rate_base, self.diff, out=rate)  # blocks/s at the current difficulty
            np.divide(self.to_retarget, rate, out=t_need)
            np.less_equal(t_need, self.t_rem, out=retarget)
            np.minimum(t_need, self.t_rem, out=dt)
            np.multiply(rate, dt, out=n)
            self.height += n
            self.to_retarget -= n
            self.epoch_elapsed += dt
            self.t_rem -= dt
            n *= self.diff
            self.weighted_diff += n
            if not retarget.any():
                return  # every path spent its month without another retarget
            # new D = D x two weeks / clamp(epoch time); fresh epoch where a retarget happened
            np.clip(self.epoch_elapsed, lo_span, hi_span, out=t_need)
            np.divide(TARGET_TIMESPAN_S, t_need, out=t_need)
            np.multiply(self.diff, t_need, out=t_need)
            np.copyto(self.diff, t_need, where=retarget)
            np.copyto(self.to_retarget, float(RETARGET_INTERVAL_BLOCKS), where=retarget)
            np.copyto(self.epoch_elapsed, 0.0, where=retarget)
        # needs > 16 retargets in a month (hashrate x 16 in a month)
        raise InputError(  # pragma: no cover
            "hashrate_eh_s", float(hashrate_h_s.max() / H_PER_EH), "a path without x16 jumps"
        )


def simulate_chain_numpy(
    state: NetworkState,
    hashrate_eh_s: NDArray[np.float64],
    seconds: NDArray[np.float64],
    *,
    first_month_elapsed_s: float = 0.0,
) -> ChainPath:
    """Play the difficulty retarget rule forward along hashrate paths (numpy, across paths).

    Parameters
    ----------
    state : the network at the start of the first month (after ``first_month_elapsed_s``)
    hashrate_eh_s : network hashrate [EH/s], shape ``(paths, months)``, constant within a month
    seconds : length of each month [s], shape ``(months,)``
    first_month_elapsed_s : seconds of the first month already past at ``state`` (those seconds
        produce no blocks here; use it when the state is observed mid-month)

    Returns
    -------
    ChainPath with blocks, subsidy, height and difficulty per path and month.
    """
    hr = _check_inputs(state, hashrate_eh_s, seconds)
    paths, months = hr.shape
    walk = _ChainWalk.start(state, paths)

    blocks_out = np.empty((paths, months))
    subsidy_out = np.empty((paths, months))
    height_out = np.empty((paths, months))
    dmean_out = np.empty((paths, months))
    dend_out = np.empty((paths, months))
    cum_start = cumulative_subsidy_btc(walk.height)

    for j in range(months):
        h0 = walk.height.copy()
        walk.walk_month(hr[:, j], seconds[j] - (first_month_elapsed_s if j == 0 else 0.0))
        cum_end = cumulative_subsidy_btc(walk.height)
        n_month = walk.height - h0
        blocks_out[:, j] = n_month
        subsidy_out[:, j] = cum_end - cum_start
        cum_start = cum_end
        height_out[:, j] = walk.height
        dmean_out[:, j] = np.divide(
            walk.weighted_diff, n_month, out=walk.diff.copy(), where=n_month > 0
        )
        dend_out[:, j] = walk.diff
    return ChainPath(
        blocks=blocks_out,
        subsidy_btc=subsidy_out,
        height_end=height_out,
        difficulty_mean=dmean_out,
        difficulty_end=dend_out,
        seconds=np.asarray(seconds, dtype=np.float64),
        hashrate_h_s=hr,
    )


def naive_chain(
    state: NetworkState, hashrate_eh_s: NDArray[np.float64], seconds: NDArray[np.float64]
) -> ChainPath:
    """The web-calculator approximation, kept for comparison: 144 blocks a day, and the
    difficulty of each month set so that month's hashrate would find a block every 600 s.

    Used only in tests and docs to measure how far it drifts from :func:`simulate_chain`.
    """
    hr = np.atleast_2d(np.asarray(hashrate_eh_s, dtype=np.float64)) * H_PER_EH
    blocks = np.broadcast_to(seconds / 600.0, hr.shape).copy()
    height_end = state.height + np.cumsum(blocks, axis=1)
    height_start = height_end - blocks
    subsidy = cumulative_subsidy_btc(height_end) - cumulative_subsidy_btc(height_start)
    diff = hr * 600.0 / HASHES_PER_DIFFICULTY_1
    return ChainPath(
        blocks=blocks,
        subsidy_btc=subsidy,
        height_end=height_end,
        difficulty_mean=diff,
        difficulty_end=diff,
        seconds=np.asarray(seconds, dtype=np.float64),
        hashrate_h_s=hr,
    )
