"""Mining as a flexible load: run where the mining value of a MWh beats its price, under
optional run constraints.

Numpy, vectorised over ``(paths, intervals)``; under run constraints (a recursion in time) a
compiled kernel, one pass per path (:mod:`hashpivot.power._dispatch_kernel`). Price arrays are
``(intervals,)`` (one history, shared by every path) or ``(paths, intervals)`` (scenario
paths); the mining value per MWh ("breakeven", = hashprice x TH per MWh, see
:func:`hashpivot.mining.economics.breakeven_power_usd_per_mwh`) is a scalar, ``(paths,)``,
``(paths, 1)`` or ``(paths, intervals)``. Work is done in blocks of intervals (a loop over
time blocks, never over paths) so that 10 years x 1,000 paths stays within memory.
The public names are re-exported by :mod:`hashpivot.power.dispatch`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from hashpivot.errors import InputError
from hashpivot.power._dispatch_kernel import constrained_run
from hashpivot.types import FloatArray

BoolArray = NDArray[np.bool_]
_A = TypeVar("_A", FloatArray, BoolArray)

#: columns per block (one year of hours): bounds memory at paths x 8,760 per temporary
DEFAULT_BLOCK_INTERVALS = 8760
#: cells per chunk of a constrained block (512 KiB of float64: stays in a core's L2 cache)
_CHUNK_CELLS = 65_536


class DispatchPolicy(StrEnum):
    """How the mining load runs."""

    FLAT = "flat"  #: run every interval (no curtailment)
    CURTAIL = "curtail"  #: run only where the mining value per MWh exceeds the price


class PowerPayer(StrEnum):
    """Who bears the AI tenant's power cost (lease terms)."""

    TENANT = "tenant"  #: pass-through: the tenant reimburses the landlord's cost
    LANDLORD = "landlord"  #: gross lease: the landlord pays for the tenant's power


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConstraints:
    """Operating limits of the flexible (mining) load, in intervals of the price series.

    ``min_run_intervals``: once on, stay on at least this many intervals; ``min_down_intervals``:
    once off, stay off at least this many; ``ramp_frac_per_interval``: largest change of the
    running share of the mining load between two intervals (1.0 = no ramp limit). The
    defaults (1, 1, 1.0) are no constraint at all: ASIC fleets curtail within minutes
    (ERCOT demand-response practice; assumption, no ramp cost modelled).
    """

    min_run_intervals: int = 1
    min_down_intervals: int = 1
    ramp_frac_per_interval: float = 1.0

    def __post_init__(self) -> None:
        if self.min_run_intervals < 1:
            raise InputError("min_run_intervals", self.min_run_intervals, "a whole number >= 1")
        if self.min_down_intervals < 1:
            raise InputError("min_down_intervals", self.min_down_intervals, "a whole number >= 1")
        if not 0.0 < self.ramp_frac_per_interval <= 1.0:
            raise InputError(
                "ramp_frac_per_interval", self.ramp_frac_per_interval, "a number in (0, 1]"
            )

    @property
    def binding(self) -> bool:
        """True where a constraint can change the unconstrained threshold decision."""
        return (
            self.min_run_intervals > 1
            or self.min_down_intervals > 1
            or self.ramp_frac_per_interval < 1.0
        )

    @classmethod
    def from_hours(
        cls,
        *,
        interval_minutes: int,
        min_run_hours: float = 0.0,
        min_down_hours: float = 0.0,
        ramp_frac_per_hour: float = 1.0,
    ) -> RunConstraints:
        """Constraints given in hours, converted to intervals of ``interval_minutes``."""
        per_hour = 60.0 / interval_minutes
        return cls(
            min_run_intervals=max(1, int(np.ceil(min_run_hours * per_hour - 1e-9))),
            min_down_intervals=max(1, int(np.ceil(min_down_hours * per_hour - 1e-9))),
            ramp_frac_per_interval=min(1.0, ramp_frac_per_hour / per_hour),
        )


NO_CONSTRAINTS = RunConstraints()


def run_decision(
    price_usd_per_mwh: FloatArray, breakeven_usd_per_mwh: FloatArray | float
) -> BoolArray:
    """Run where mining a MWh is worth more than buying it: ``breakeven > price`` [USD/MWh].

    A tie curtails (nothing to gain). Broadcasts like numpy.
    """
    return np.asarray(np.greater(breakeven_usd_per_mwh, price_usd_per_mwh), dtype=bool)


@dataclass(slots=True)
class _RunState:
    on: BoolArray
    since: NDArray[np.int64]
    level: FloatArray


def _initial_state(paths: int) -> _RunState:
    # starts on, free to switch at once (as if it had run/idled long enough)
    big = np.iinfo(np.int64).max // 4
    return _RunState(
        on=np.ones(paths, dtype=bool),
        since=np.full(paths, big, dtype=np.int64),
        level=np.ones(paths),
    )


def _constrained_block(
    price: FloatArray,
    breakeven: FloatArray,
    forced_off: BoolArray | None,
    c: RunConstraints,
    state: _RunState,
    out: FloatArray,
) -> FloatArray:
    """Run share under min run/down and ramp limits, ``(paths, n)``: a recursion in time,
    compiled (:func:`hashpivot.power._dispatch_kernel.constrained_run`), one pass per path.
    Rows of ``price``, ``breakeven`` and ``forced_off`` are 1 or ``paths`` (broadcast);
    forced-off intervals (4CP) override everything and count as off. Updates ``state``;
    writes (and returns) ``out``."""
    f = np.zeros((0, 0), dtype=bool) if forced_off is None else np.ascontiguousarray(forced_off)
    constrained_run(
        np.ascontiguousarray(price),
        np.ascontiguousarray(breakeven),
        f,
        c.min_run_intervals,
        c.min_down_intervals,
        float(c.ramp_frac_per_interval),
        state.on,
        state.since,
        state.level,
        out,
    )
    return out


def _as_2d(x: FloatArray | float, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InputError(name, f"shape {arr.shape}", "a scalar, (paths,) or (paths, n) array")
    if not np.isfinite(arr).all():
        raise InputError(name, "non-finite values", "finite numbers [USD/MWh]")
    return arr


def _prices_2d(price_usd_per_mwh: FloatArray) -> FloatArray:
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] == 0:
        raise InputError(
            "price_usd_per_mwh", f"shape {p.shape}", "(intervals,) or (paths, intervals)"
        )
    return p


def _sub(x: _A, rows: slice, cols: slice) -> _A:
    """``x``'s block: ``rows`` (unless ``x`` has one row, shared) and ``cols`` (unless one)."""
    r = x if x.shape[0] == 1 else x[rows]
    return r if x.shape[1] == 1 else r[:, cols]


def _iter_blocks(
    price: FloatArray,
    breakeven: FloatArray,
    *,
    policy: DispatchPolicy,
    constraints: RunConstraints,
    forced_off: BoolArray | None,
    block: int,
) -> Iterator[tuple[slice, slice, FloatArray | BoolArray]]:
    """Yield ``(rows, columns, run_block)`` over blocks of ``block`` columns; run is bool
    (unconstrained) or float (one buffer, overwritten by the next block). Unconstrained blocks
    take every path at once; constrained ones (the compiled recursion) take
    :data:`_CHUNK_CELLS` cells at a time so that the run shares are still in cache when the
    caller sums them (per-path sums, so the chunking does not change a bit)."""
    paths = max(
        price.shape[0], breakeven.shape[0], 1 if forced_off is None else forced_off.shape[0]
    )
    n = price.shape[1]
    if breakeven.shape[1] not in (1, n):
        raise InputError(
            "breakeven_usd_per_mwh", f"shape {breakeven.shape}", f"(paths, 1) or (paths, {n})"
        )
    constrained = policy is DispatchPolicy.CURTAIL and constraints.binding
    state = _initial_state(paths)
    buf = np.empty(0)
    for lo in range(0, n, block):
        cols = slice(lo, min(n, lo + block))
        width = cols.stop - lo
        step = max(1, _CHUNK_CELLS // width) if constrained else paths
        for r0 in range(0, paths, step):
            rows = slice(r0, min(paths, r0 + step))
            shape = (rows.stop - r0, width)
            p = _sub(price, rows, cols)
            b = _sub(breakeven, rows, cols)
            f = None if forced_off is None else _sub(forced_off, rows, cols)
            if policy is DispatchPolicy.FLAT:
                run: FloatArray | BoolArray = np.ones(shape, dtype=bool)
                if f is not None:
                    run = np.broadcast_to(~f, shape)
            elif not constrained:
                run = run_decision(p, b)
                if f is not None:
                    run = run & ~f
                run = np.broadcast_to(run, shape)
            else:
                if buf.size < shape[0] * shape[1]:
                    buf = np.empty(shape[0] * shape[1])  # reused: no fresh pages per chunk
                view = _RunState(
                    on=state.on[rows], since=state.since[rows], level=state.level[rows]
                )
                out = buf[: shape[0] * shape[1]].reshape(shape)
                run = _constrained_block(p, b, f, constraints, view, out)
            yield rows, cols, run


def dispatch_run_frac(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    *,
    policy: DispatchPolicy = DispatchPolicy.CURTAIL,
    constraints: RunConstraints = NO_CONSTRAINTS,
    forced_off: BoolArray | None = None,
) -> FloatArray:
    """Share of the mining load running in each interval, shape ``(paths, intervals)`` in [0, 1].

    ``price_usd_per_mwh`` [USD/MWh] is the decision price of each interval; the load runs where
    ``breakeven > price`` (:func:`run_decision`) subject to ``constraints``; ``forced_off``
    (bool, broadcastable to (paths, intervals)) curtails regardless (e.g. 4CP intervals).
    Materialises the whole array: use :func:`dispatch_totals` for large runs.
    """
    p = _prices_2d(price_usd_per_mwh)
    b = _as_2d(breakeven_usd_per_mwh, "breakeven_usd_per_mwh")
    f = None if forced_off is None else np.atleast_2d(np.asarray(forced_off, dtype=bool))
    n = p.shape[1]
    out = np.empty((max(p.shape[0], b.shape[0], 1 if f is None else f.shape[0]), n))
    for rows, cols, run in _iter_blocks(
        p, b, policy=policy, constraints=constraints, forced_off=f, block=n
    ):
        out[rows, cols] = run
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchTotals:
    """Per-path sums of a dispatch run, shape ``(paths,)``; one path per scenario.

    ``hours`` [h] of price data (present intervals x interval length); ``run_hours`` [h] =
    sum of run share x interval length; prices [USD/MWh].
    """

    hours: float
    run_hours: FloatArray
    uptime_frac: FloatArray  #: run_hours / hours
    avg_power_price_usd_per_mwh: FloatArray  #: mean price over the hours run (NaN if none run)
    avg_all_hours_usd_per_mwh: FloatArray  #: mean price over all hours
    margin_usd_per_mw: FloatArray  #: sum of run x (breakeven - price) x h [USD per MW of load]
    unused_value_usd_per_mw: FloatArray  #: sum of (1 - run) x price x h [USD per MW]


def dispatch_totals(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    *,
    interval_hours: float = 1.0,
    policy: DispatchPolicy = DispatchPolicy.CURTAIL,
    constraints: RunConstraints = NO_CONSTRAINTS,
    forced_off: BoolArray | None = None,
    block: int = DEFAULT_BLOCK_INTERVALS,
) -> DispatchTotals:
    """Uptime, average price over the hours run and margin per MW, per path.

    uptime_frac = sum(run) / n; avg price run = sum(run x p) / sum(run);
    margin per MW = sum(run x (b - p)) x dt [USD/MW]; unused value per MW =
    sum((1 - run) x p) x dt [USD/MW] (what the idle MW would fetch at the price: the
    sell-back credit of a fixed-price contract, see :func:`sellback_credit_usd`).
    """
    p = _prices_2d(price_usd_per_mwh)
    b = _as_2d(breakeven_usd_per_mwh, "breakeven_usd_per_mwh")
    f = None if forced_off is None else np.atleast_2d(np.asarray(forced_off, dtype=bool))
    if interval_hours <= 0:
        raise InputError("interval_hours", interval_hours, "a number > 0 (h)")
    paths = max(p.shape[0], b.shape[0], 1 if f is None else f.shape[0])
    n = p.shape[1]
    run_n = np.zeros(paths)
    run_p = np.zeros(paths)
    all_p = np.zeros(paths)
    margin = np.zeros(paths)
    scratch: FloatArray | None = None
    for rows, cols, run in _iter_blocks(
        p, b, policy=policy, constraints=constraints, forced_off=f, block=block
    ):
        pb = _sub(p, rows, cols)
        bb = _sub(b, rows, cols)
        if run.dtype == bool:
            rp = np.where(run, pb, 0.0).sum(axis=1)
            rn = np.count_nonzero(run, axis=1).astype(np.float64)
            rb = np.where(run, bb, 0.0).sum(axis=1) if b.shape[1] > 1 else rn * bb[:, 0]
        else:
            if scratch is None or scratch.shape != run.shape:
                scratch = np.empty(run.shape)
            rp = np.multiply(run, pb, out=scratch).sum(axis=1)
            rn = run.sum(axis=1)
            rb = np.multiply(run, bb, out=scratch).sum(axis=1)
        ps = pb.sum(axis=1)
        run_n[rows] += rn
        run_p[rows] += rp
        all_p[rows] += ps
        margin[rows] += rb - rp
    with np.errstate(invalid="ignore", divide="ignore"):
        avg_run = np.where(run_n > 0, run_p / np.where(run_n > 0, run_n, 1.0), np.nan)
    return DispatchTotals(
        hours=n * interval_hours,
        run_hours=run_n * interval_hours,
        uptime_frac=run_n / n,
        avg_power_price_usd_per_mwh=avg_run,
        avg_all_hours_usd_per_mwh=all_p / n,
        margin_usd_per_mw=margin * interval_hours,
        unused_value_usd_per_mw=(all_p - run_p) * interval_hours,
    )


def flat_margin_usd_per_mw(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    *,
    interval_hours: float = 1.0,
) -> FloatArray:
    """Margin of running flat out: sum(b - p) x dt [USD per MW of load], per path."""
    return dispatch_totals(
        price_usd_per_mwh,
        breakeven_usd_per_mwh,
        interval_hours=interval_hours,
        policy=DispatchPolicy.FLAT,
    ).margin_usd_per_mw


def sellback_credit_usd(
    price_usd_per_mwh: FloatArray, unused_mw: FloatArray | float, *, interval_hours: float = 1.0
) -> FloatArray:
    """Credit for reselling unused contracted power at the real-time price [USD], per path.

    credit = sum_t unused_mw(t) x price(t) x dt. A negative price makes the credit of that
    interval negative (the contract settles financially at the real-time price).
    """
    p = _prices_2d(price_usd_per_mwh)
    u = np.asarray(unused_mw, dtype=np.float64)
    return np.asarray((u * p).sum(axis=-1) * interval_hours, dtype=np.float64)
