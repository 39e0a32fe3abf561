"""Monthly uptime and power cost of the mining load, per scenario path and month.

The public names are re-exported by :mod:`hashpivot.power.dispatch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from hashpivot.calendar import month_starts
from hashpivot.errors import InputError
from hashpivot.power.flexible import (
    NO_CONSTRAINTS,
    DispatchPolicy,
    RunConstraints,
    dispatch_totals,
)
from hashpivot.power.fourcp import CoincidentPeakTerms, coincident_peak_mask
from hashpivot.power.prices import DatetimeArray, calendar_index
from hashpivot.types import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthlyPower:
    """Dispatch results per scenario month, every field ``(paths, months)``.

    ``uptime_frac``: share of the month's hours the mining load ran (energy-weighted);
    ``power_cost_usd_per_mwh``: average price paid per MWh consumed [USD/MWh] (index price +
    adder over the hours run; the contract price under a PPA); where the load never ran, the
    month's average index price + adder (no energy is bought, so the product with uptime is 0);
    ``power_cash_usd_per_mwh_capacity``: power cash cost per MWh of mining capacity-hours
    [USD/MWh] (index: uptime x cost; PPA: the contract price, take-or-pay) — monthly power
    opex = -this x mining_mw x hours in month; ``sellback_credit_usd_per_mwh_contracted``:
    resale credit per MWh of contracted capacity-hours [USD/MWh], revenue = this x
    contract_mw x hours in month (0 without a PPA).
    """

    uptime_frac: FloatArray
    power_cost_usd_per_mwh: FloatArray
    power_cash_usd_per_mwh_capacity: FloatArray
    sellback_credit_usd_per_mwh_contracted: FloatArray
    hours_in_month: FloatArray  #: (months,) calendar hours of each scenario month
    #: (paths, months) mean index price over all the month's hours [USD/MWh], adder excluded
    mean_index_price_usd_per_mwh: FloatArray | None = None


def _month_bounds(start: date, months: int) -> tuple[NDArray[np.datetime64], FloatArray]:
    ms = month_starts(start, months + 1)
    edges = np.array([np.datetime64(d, "s") for d in ms])
    hours = np.diff(edges).astype("timedelta64[h]").astype(np.float64)
    return edges, hours


def monthly_power(
    price_usd_per_mwh: FloatArray,
    interval_start_utc: DatetimeArray,
    breakeven_usd_per_mwh: FloatArray,
    *,
    start: date,
    policy: DispatchPolicy = DispatchPolicy.CURTAIL,
    constraints: RunConstraints = NO_CONSTRAINTS,
    adder_usd_per_mwh: float = 0.0,
    ppa_price_usd_per_mwh: float | None = None,
    fourcp: CoincidentPeakTerms | None = None,
) -> MonthlyPower:
    """Monthly uptime and power cost of the mining load, shape ``(paths, months)``.

    Parameters
    ----------
    price_usd_per_mwh : ``(intervals,)`` history (hourly or 15-minute) or ``(paths, hours)``
        synthetic paths [USD/MWh]
    interval_start_utc : ``(intervals,)`` interval starts [UTC] of those prices
    breakeven_usd_per_mwh : ``(paths, months)`` mining value of a MWh per scenario month
        (:func:`hashpivot.mining.economics.breakeven_power_usd_per_mwh`) [USD/MWh]
    start : first scenario month (its month is month 0)
    ppa_price_usd_per_mwh : fixed contract price; the contract covers the mining load's full
        capacity and unused power is resold at the price series (taken as real time)

    Mapping of history onto the future
    ----------------------------------
    * 1-D history: a calendar-month profile replayed by month of year. Scenario month j with
      UTC month-of-year k is dispatched against *all* historical intervals whose UTC month is
      k (every year in the file, in time order), with that path-month's breakeven. Gaps stay
      gaps: only present intervals count. Run constraints restart (on) at each month's pool.
    * 2-D synthetic prices: the timestamps must be the hour starts of the scenario months
      (:func:`hashpivot.power.prices.hour_starts`); month j uses its own hours, path by path.
    """
    b = np.asarray(breakeven_usd_per_mwh, dtype=np.float64)
    if b.ndim != 2:
        raise InputError("breakeven_usd_per_mwh", f"shape {b.shape}", "(paths, months)")
    if not np.isfinite(b).all():
        raise InputError("breakeven_usd_per_mwh", "non-finite values", "finite numbers")
    paths, months = b.shape
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    if ts.ndim != 1 or ts.size != p.shape[-1] or ts.size == 0:
        raise InputError(
            "interval_start_utc", f"{ts.size} timestamps", f"{p.shape[-1]} (one per price column)"
        )
    step_s = int(np.min(np.diff(ts).astype(np.int64))) if ts.size > 1 else 3600
    edges, hours_in_month = _month_bounds(start, months)
    terms = _Terms(
        dt=step_s / 3600.0,
        policy=policy,
        constraints=constraints,
        adder_usd_per_mwh=adder_usd_per_mwh,
        ppa_price_usd_per_mwh=ppa_price_usd_per_mwh,
        fourcp=fourcp,
    )
    if p.ndim == 1:
        out = _replay_history(p, ts, b, edges, terms)
    elif p.ndim == 2:
        if p.shape[0] not in (1, paths):
            raise InputError("price_usd_per_mwh", f"{p.shape[0]} paths", f"1 or {paths} paths")
        out = _month_by_month(p, ts, b, edges, terms)
    else:
        raise InputError("price_usd_per_mwh", f"shape {p.shape}", "(intervals,) or (paths, hours)")
    return MonthlyPower(
        uptime_frac=out[0],
        power_cost_usd_per_mwh=out[1],
        power_cash_usd_per_mwh_capacity=out[2],
        sellback_credit_usd_per_mwh_contracted=out[3],
        hours_in_month=hours_in_month,
        mean_index_price_usd_per_mwh=out[4],
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Terms:
    dt: float  #: interval length [h]
    policy: DispatchPolicy
    constraints: RunConstraints
    adder_usd_per_mwh: float
    ppa_price_usd_per_mwh: float | None
    fourcp: CoincidentPeakTerms | None


def _month_totals(
    price_block: FloatArray, b_lanes: FloatArray, ts_block: DatetimeArray, t: _Terms
) -> FloatArray:
    """``(5, lanes)``: uptime, cost per MWh, cash per MWh of capacity, credit per MWh
    contracted, mean index price, of one month's prices for each breakeven lane."""
    forced = None
    if t.fourcp is not None:
        forced = coincident_peak_mask(ts_block, price_block, t.fourcp)
    ppa = t.ppa_price_usd_per_mwh
    decision = price_block if ppa is not None else price_block + t.adder_usd_per_mwh
    tot = dispatch_totals(
        decision,
        b_lanes,
        interval_hours=t.dt,
        policy=t.policy,
        constraints=t.constraints,
        forced_off=forced,
    )
    n = price_block.shape[1]
    up = tot.uptime_frac
    # mean index price over all hours (the decision price carries the adder without a PPA)
    mean_index = np.broadcast_to(tot.avg_all_hours_usd_per_mwh, up.shape) - (
        0.0 if ppa is not None else t.adder_usd_per_mwh
    )
    if ppa is None:
        mean_all = tot.avg_all_hours_usd_per_mwh
        c = np.where(up > 0, np.nan_to_num(tot.avg_power_price_usd_per_mwh), mean_all)
        cash = up * c
        cr = np.zeros_like(up)
    else:
        c = np.full_like(up, ppa)
        cash = c.copy()
        cr = tot.unused_value_usd_per_mw / (n * t.dt)  # price series without adder
    return np.stack(np.broadcast_arrays(up, c, cash, cr, mean_index))


def _replay_history(
    p: FloatArray, ts: DatetimeArray, b: FloatArray, edges: NDArray[np.datetime64], t: _Terms
) -> FloatArray:
    """``(5, paths, months)`` from a 1-D history pooled by calendar month."""
    paths, months = b.shape
    out = np.zeros((5, paths, months))
    moy, _ = calendar_index(ts)
    target_moy = (edges[:-1].astype("datetime64[M]").astype(np.int64)) % 12
    for k in np.unique(target_moy):  # at most 12 month-of-year pools, never paths
        pool = moy == k
        if not pool.any():
            raise InputError(
                "price history",
                f"no prices in calendar month {int(k) + 1}",
                "a history covering every calendar month of the scenario",
            )
        cols = np.flatnonzero(target_moy == k)
        lanes = b[:, cols].reshape(-1, 1)  # (paths x months_k, 1)
        res = _month_totals(p[pool][None, :], lanes, ts[pool], t)
        out[:, :, cols] = res.reshape(5, paths, cols.size)
    return out


def _month_by_month(
    p: FloatArray, ts: DatetimeArray, b: FloatArray, edges: NDArray[np.datetime64], t: _Terms
) -> FloatArray:
    """``(5, paths, months)`` from 2-D synthetic prices, each month on its own hours."""
    paths, months = b.shape
    out = np.zeros((5, paths, months))
    for j in range(months):  # months, not paths: each month is one vectorised pass
        sel = (ts >= edges[j]) & (ts < edges[j + 1])
        if not sel.any():
            raise InputError(
                "interval_start_utc",
                f"no hours in scenario month {j} ({edges[j]})",
                "hour starts covering every scenario month (see hour_starts)",
            )
        res = _month_totals(p[:, sel], b[:, j : j + 1], ts[sel], t)
        out[:, :, j] = np.broadcast_to(res, (5, paths))
    return out
