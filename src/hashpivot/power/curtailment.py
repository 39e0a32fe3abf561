"""Hour-by-hour curtailment inside the monthly Monte Carlo: a curtailment curve per calendar month.

The Monte Carlo draws one power-price level per path and month (the monthly mean index price
``L``). Within the month, the hourly prices are taken to have the *shape* of the site's price
history: ``p_h = L x s_h``, where ``s_h`` is the historical price of hour ``h`` divided by the
mean of its historical month (so the shape has mean 1; months whose mean is not above
:data:`MIN_MONTH_MEAN_USD_PER_MWH` are left out: a tiny mean would blow the shape up). The
mining load runs where its value per MWh ``B`` beats ``p_h + adder``, i.e. where
``s_h < r = (B - adder) / L``. Because ``L > 0`` scales every hour alike, the dispatch (run
constraints and 4CP hours included) depends on ``r`` only:

- ``U_k(r)``: share of the hours the load runs [0-1];
- ``M_k(r)``: mean over *all* hours of ``s_h x run_h`` [-], so the month's energy cost per MWh
  of capacity-hours is ``L x M_k(r) + adder x U_k(r)`` and the price paid per MWh drawn is
  that over ``U_k(r)``;

for each calendar month ``k`` (the history pooled over its years, as
:func:`hashpivot.power.dispatch.monthly_power` replays it). Without run constraints or 4CP
hours, ``U_k`` is the empirical distribution function of the shape and ``M_k`` its partial
first moment, tabulated exactly at every sample (sorting and a cumulative sum). With them, both
are tabulated by the same dispatch code as ``hashpivot mine``
(:func:`hashpivot.power.dispatch.dispatch_totals`) on 801 quantiles of the shape plus every
sample of its top 2% (the price spikes), and interpolated linearly per path-month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hashpivot.errors import InputError
from hashpivot.power.dispatch import (
    NO_CONSTRAINTS,
    CoincidentPeakTerms,
    DispatchPolicy,
    RunConstraints,
    coincident_peak_mask,
    dispatch_totals,
)
from hashpivot.power.prices import DatetimeArray, calendar_index
from hashpivot.types import FloatArray

MIN_MONTH_MEAN_USD_PER_MWH = 5.0  #: historical months with a lower mean give no shape
GRID_POINTS = 801  #: quantiles of the shape tabulated per calendar month (constrained runs)
TAIL_FRAC = 0.02  #: top share of the samples tabulated one by one (constrained runs)


@dataclass(frozen=True, slots=True, kw_only=True)
class CurtailmentCurve:
    """Run share and normalised energy cost of a curtailing load, per calendar month.

    ratio : per calendar month, an increasing grid of ``r = (value per MWh - adder) / monthly
        mean price``
    uptime_frac : per calendar month, ``U_k(r)`` on the grid [0-1]
    cost_shape : per calendar month, ``M_k(r)``: mean of ``s_h x run_h`` over its hours [-]
    source : where the shape comes from (for the assumptions table)
    """

    ratio: tuple[FloatArray, ...]
    uptime_frac: tuple[FloatArray, ...]
    cost_shape: tuple[FloatArray, ...]
    source: str

    def evaluate(
        self, ratio: FloatArray, month_of_year: NDArray[np.int64]
    ) -> tuple[FloatArray, FloatArray]:
        """``(U, M)`` at ``ratio`` ``(paths, months)`` for months of calendar months
        ``month_of_year`` ``(months,)`` (0 = January); beyond the grid, its end values
        (nothing runs below the cheapest hour; above the dearest, every hour not forced off)."""
        r = np.asarray(ratio, dtype=np.float64)
        up = np.empty_like(r)
        cost = np.empty_like(r)
        for k in np.unique(month_of_year):  # at most 12 calendar months, never paths
            cols = np.flatnonzero(month_of_year == k)
            x = r[:, cols]
            up[:, cols] = np.interp(x, self.ratio[k], self.uptime_frac[k])
            cost[:, cols] = np.interp(x, self.ratio[k], self.cost_shape[k])
        return up, cost


def _straddle(u: FloatArray) -> FloatArray:
    """Two grid points around each of the increasing values ``u``: just below and just above
    (closer than a quarter of the gap to the neighbours), strictly increasing."""
    span = max(float(u[-1] - u[0]), 1.0)
    gaps = np.diff(u)
    room = np.minimum(
        np.concatenate([[span], gaps]), np.concatenate([gaps, [span]])
    )  # distance to the nearer neighbour
    delta = np.minimum(1e-9 * span, 0.25 * room)
    return np.asarray(np.column_stack([u - delta, u + delta]).ravel(), dtype=np.float64)


def _unusable_month(k: int, present: bool) -> InputError:
    """Calendar month ``k`` (0-11) has no prices, or none in a month whose mean is usable."""
    why = (
        f"mean price at or below ${MIN_MONTH_MEAN_USD_PER_MWH:g}/MWh in every year"
        if present
        else "no prices"
    )
    return InputError(
        "price history",
        f"calendar month {k + 1}: {why}",
        f"a history covering every calendar month, with a mean price above "
        f"${MIN_MONTH_MEAN_USD_PER_MWH:g}/MWh in some year (the Monte Carlo scales each "
        "month's hourly shape by its path's monthly level)",
    )


def curtailment_curve(
    price_usd_per_mwh: FloatArray,
    interval_start_utc: DatetimeArray,
    *,
    constraints: RunConstraints = NO_CONSTRAINTS,
    fourcp: CoincidentPeakTerms | None = None,
    source: str = "price history",
) -> CurtailmentCurve:
    """Tabulate :class:`CurtailmentCurve` from an hourly (or 15-minute) price history [USD/MWh]."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    if p.ndim != 1 or ts.shape != p.shape or p.size < 2:
        raise InputError("price history", p.shape, "one price per interval start (1-D)")
    ok = np.isfinite(p)
    p, ts = p[ok], ts[ok]
    step_s = int(np.min(np.diff(ts).astype(np.int64)))
    dt = step_s / 3600.0
    month_id = ts.astype("datetime64[M]").astype(np.int64)
    # shape: each hour over the mean of its historical month
    _, inverse = np.unique(month_id, return_inverse=True)
    sums = np.bincount(inverse, weights=p)
    counts = np.bincount(inverse)
    means = sums / counts
    keep = means[inverse] > MIN_MONTH_MEAN_USD_PER_MWH
    shape = np.where(keep, p / np.where(keep, means[inverse], 1.0), np.nan)
    moy, _ = calendar_index(ts)
    exact = not constraints.binding and fourcp is None
    ratio: list[FloatArray] = []
    uptime: list[FloatArray] = []
    cost: list[FloatArray] = []
    for k in range(12):
        pool = (moy == k) & keep
        if not pool.any():
            raise _unusable_month(k, bool((moy == k).any()))
        s = np.sort(shape[pool])
        n = s.size
        if exact:
            # run iff s_h < r: U and M step at every distinct value u; points just below and
            # just above each make the linear interpolation exact between them
            u, counts = np.unique(s, return_counts=True)
            below = np.concatenate([[0], np.cumsum(counts)])  # samples below each u, and all
            sums = np.concatenate([[0.0], np.cumsum(u * counts)])
            grid = _straddle(u)
            idx = np.repeat(np.arange(u.size), 2) + np.tile([0, 1], u.size)
            ratio.append(grid)
            uptime.append(below[idx] / n)
            cost.append(sums[idx] / n)
            continue
        # constrained (min run / down, ramp) or 4CP hours: tabulate the dispatch on quantiles,
        # every sample of the top tail (the spikes) included
        tail = s[int(n * (1.0 - TAIL_FRAC)) :]
        q = np.unique(np.concatenate([np.quantile(s, np.linspace(0.0, 1.0, GRID_POINTS)), tail]))
        grid = _straddle(q)
        forced = None
        if fourcp is not None:
            forced = coincident_peak_mask(ts[pool], p[pool], fourcp)
        tot = dispatch_totals(
            shape[pool][None, :],  # in time order: run constraints follow the hours
            grid[:, None],  # one lane per grid ratio
            interval_hours=dt,
            policy=DispatchPolicy.CURTAIL,
            constraints=constraints,
            forced_off=forced,
        )
        ratio.append(grid)
        uptime.append(tot.uptime_frac)
        cost.append(tot.uptime_frac * np.nan_to_num(tot.avg_power_price_usd_per_mwh))
    return CurtailmentCurve(
        ratio=tuple(ratio), uptime_frac=tuple(uptime), cost_shape=tuple(cost), source=source
    )
