"""Hour-by-hour curtailment inside the monthly Monte Carlo: a curtailment curve per calendar month.

The Monte Carlo draws one power-price level per path and month (the monthly mean index price
``L``). Within the month, the hourly prices are taken to have the *shape* of the site's price
history: ``p_h = L x s_h``, where ``s_h`` is the historical price of hour ``h`` divided by the
mean of its historical month (so the shape has mean 1; months whose mean is not above
:data:`MIN_MONTH_MEAN_USD_PER_MWH` are left out). The mining load runs where its value per MWh
``B`` beats ``p_h + adder``, i.e. where ``s_h < r = (B - adder) / L``. Because ``L > 0`` scales
every hour alike, the dispatch (run constraints and 4CP hours included) depends on ``r`` only:

- ``U_k(r)``: share of the hours the load runs [0-1];
- ``M_k(r)``: mean over *all* hours of ``s_h x run_h`` [-], so the month's energy cost per MWh
  of capacity-hours is ``L x M_k(r) + adder x U_k(r)`` and the price paid per MWh drawn is
  that over ``U_k(r)``;

for each calendar month ``k`` (the history pooled over its years, as
:func:`hashpivot.power.dispatch.monthly_power` replays it). Both are tabulated once on a grid of
``r`` (quantiles of the shape) by the same dispatch code as ``hashpivot mine``
(:func:`hashpivot.power.dispatch.dispatch_totals`) and interpolated linearly per path-month.
Unconstrained, ``U_k`` is the empirical distribution function of the shape and ``M_k`` its
partial first moment (tests check both against the dispatch on a scaled history).
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

MIN_MONTH_MEAN_USD_PER_MWH = 1.0  #: historical months with a lower mean give no shape
GRID_POINTS = 401  #: quantiles of the shape tabulated per calendar month (plus the ends)


@dataclass(frozen=True, slots=True, kw_only=True)
class CurtailmentCurve:
    """Run share and normalised energy cost of a curtailing load, per calendar month.

    ratio : ``(12, n)`` increasing grid of ``r = (value per MWh - adder) / monthly mean price``
    uptime_frac : ``(12, n)`` ``U_k(r)`` [0-1]
    cost_shape : ``(12, n)`` ``M_k(r)``: mean of ``s_h x run_h`` over the month's hours [-]
    source : where the shape comes from (for the assumptions table)
    """

    ratio: FloatArray
    uptime_frac: FloatArray
    cost_shape: FloatArray
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
    ratio = np.empty((12, GRID_POINTS + 2))
    uptime = np.empty_like(ratio)
    cost = np.empty_like(ratio)
    for k in range(12):
        pool = (moy == k) & keep
        if not pool.any():
            raise InputError(
                "price history",
                f"no usable prices in calendar month {k + 1}",
                "a history covering every calendar month",
            )
        s = shape[pool]
        q = np.quantile(s, np.linspace(0.0, 1.0, GRID_POINTS))
        span = max(float(q[-1] - q[0]), 1.0)
        grid = np.concatenate([[q[0] - 1e-6 * span], q, [q[-1] + 1e-6 * span]])
        grid = np.maximum.accumulate(grid + np.arange(grid.size) * 1e-12 * span)  # increasing
        forced = None
        if fourcp is not None:
            forced = coincident_peak_mask(ts[pool], p[pool], fourcp)
        tot = dispatch_totals(
            s[None, :],
            grid[:, None],  # one lane per grid ratio
            interval_hours=dt,
            policy=DispatchPolicy.CURTAIL,
            constraints=constraints,
            forced_off=forced,
        )
        ratio[k] = grid
        uptime[k] = tot.uptime_frac
        cost[k] = tot.uptime_frac * np.nan_to_num(tot.avg_power_price_usd_per_mwh)
    return CurtailmentCurve(ratio=ratio, uptime_frac=uptime, cost_shape=cost, source=source)
