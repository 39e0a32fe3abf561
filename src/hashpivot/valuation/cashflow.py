"""Discounted cash flow: NPV, IRR, XIRR, payback, MOIC, yields, over ``(paths, periods)``.

Sign convention (the same as numpy-financial): **inflows are positive, outflows negative**.
An investment is a negative flow at the start followed by positive flows.

Timing convention (again numpy-financial's): column ``t`` of a ``(..., periods)`` array is a
flow ``t`` periods after the valuation date, discounted by ``(1 + rate) ** -t``; column 0 is
not discounted. With the engine's monthly arrays one period is one month, so the rate passed
to :func:`npv` is a *monthly* rate: convert an annual rate with :func:`monthly_rate`,
``(1 + r_annual) ** (1/12) - 1`` (compound equivalence, so 12 monthly discounts equal one
annual discount exactly).

Every function broadcasts over the leading axes: ``values`` may be ``(periods,)`` (one
case) or ``(paths, periods)`` (Monte Carlo); results have the leading shape
(``()`` or ``(paths,)``). No Python loop runs over paths.

References: numpy-financial ``npv``/``irr`` (the test oracle); pyxirr ``xirr`` (Excel XIRR,
actual/365 day count); Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2, 5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = [
    "IrrResult",
    "IrrStatus",
    "annual_rate",
    "annual_sums",
    "cash_yield",
    "discount_factors",
    "irr",
    "irr_annual",
    "irr_shown",
    "moic",
    "monthly_rate",
    "npv",
    "npv_end_of_month",
    "payback_months",
    "xirr",
    "xnpv",
]


def monthly_rate(annual_rate_frac: ArrayLike) -> FloatArray:
    """Monthly rate equivalent to an annual rate: ``(1 + r_annual) ** (1/12) - 1`` [1/month].

    ``annual_rate_frac`` is an annual effective rate [fraction per year], e.g. 0.12 (on nominal-USD
    flows). A debt rate quoted nominal annual is ``r / 12`` a month instead (:mod:`.equity`).
    """
    r = np.asarray(annual_rate_frac, dtype=np.float64)
    return np.asarray(np.power(1.0 + r, 1.0 / 12.0) - 1.0, dtype=np.float64)


def annual_rate(monthly_rate_frac: ArrayLike) -> FloatArray:
    """Annual effective rate of a monthly rate: ``(1 + r_month) ** 12 - 1`` [1/year]."""
    r = np.asarray(monthly_rate_frac, dtype=np.float64)
    return np.asarray(np.power(1.0 + r, 12.0) - 1.0, dtype=np.float64)


def discount_factors(rate_per_period: ArrayLike, periods: int) -> FloatArray:
    """``(1 + rate) ** -t`` for ``t = 0 .. periods-1``; shape ``rate.shape + (periods,)``."""
    r = np.asarray(rate_per_period, dtype=np.float64)[..., None]
    t = np.arange(periods, dtype=np.float64)
    return np.asarray(np.power(1.0 + r, -t), dtype=np.float64)


def npv(rate_per_period: ArrayLike, values: ArrayLike) -> FloatArray:
    """Net present value ``sum_t values[..., t] / (1 + rate) ** t`` [USD].

    Parameters
    ----------
    rate_per_period : discount rate per period [fraction], a scalar or an array broadcasting
        against ``values.shape[:-1]`` (e.g. one rate per path).
    values : signed cash flows [USD], shape ``(..., periods)``; inflows positive.

    Returns the NPV with shape ``values.shape[:-1]``. Equals ``numpy_financial.npv`` for one
    row (column 0 undiscounted).
    """
    v = np.asarray(values, dtype=np.float64)
    df = discount_factors(rate_per_period, v.shape[-1])
    return np.asarray(np.sum(v * df, axis=-1), dtype=np.float64)


def npv_end_of_month(rate_per_period: ArrayLike, values: ArrayLike) -> FloatArray:
    """NPV [USD] of periodic flows received at each period's *end*, valued at the start of
    period 0: ``sum_t values[..., t] / (1 + rate) ** (t + 1)``.

    hashpivot's monthly cash flows (mining, lease, GPU cloud, the decision engine) accrue
    during each month and are valued this way: ``npv(rate, [0, *values])``.
    """
    v = np.asarray(values, dtype=np.float64)
    r = np.asarray(rate_per_period, dtype=np.float64)
    return np.asarray(npv(r, v) / (1.0 + r), dtype=np.float64)


def xnpv(rate_annual: ArrayLike, dates: Sequence[date], values: ArrayLike) -> FloatArray:
    """NPV of dated flows: ``sum_i values[..., i] / (1 + rate) ** ((d_i - d_0).days / 365)``.

    ``rate_annual`` [fraction per year]; ``dates`` one per column of ``values`` [USD]; the
    first date is the valuation date (Excel XNPV / pyxirr ``xnpv`` convention, actual/365).
    """
    v = np.asarray(values, dtype=np.float64)
    t = _year_fractions(dates, v.shape[-1])
    r = np.asarray(rate_annual, dtype=np.float64)[..., None]
    return np.asarray(np.sum(v * np.power(1.0 + r, -t), axis=-1), dtype=np.float64)


class IrrStatus(StrEnum):
    """Why an IRR is (or is not) what it is."""

    OK = "ok"
    NO_SIGN_CHANGE = "no_sign_change"  # all flows >= 0 or all <= 0: no rate makes NPV zero
    NO_ROOT_IN_RANGE = "no_root_in_range"  # root (if any) outside the searched range
    MULTIPLE_ROOTS = "multiple_roots"  # several rates give NPV 0; the one nearest 0 is given
    NON_FINITE = "non_finite"  # NaN or inf among the flows


@dataclass(frozen=True, slots=True)
class IrrResult:
    """IRR per row with the reason for each value.

    ``rate`` [fraction per period] has the leading shape of the flows; NaN where undefined.
    ``status`` holds an :class:`IrrStatus` value (a string) per row.
    """

    rate: FloatArray
    status: NDArray[np.str_]

    @property
    def reason(self) -> str:
        """A one-line summary of the statuses (for reports)."""
        vals, counts = np.unique(self.status, return_counts=True)
        return ", ".join(f"{v}: {c}" for v, c in zip(vals.tolist(), counts.tolist(), strict=True))


# search range for the rate per period: (1 + r) in [1e-3, 1e3], i.e. r in [-99.9%, +99,900%]
_LN_Y_MIN = float(np.log(1e-3))
_LN_Y_MAX = float(np.log(1e3))


def _grid() -> FloatArray:
    """ln(1 + r) search grid: fine near r = 0 (0.5% steps), coarser outside; 0 included."""
    fine = np.linspace(-0.5, 0.5, 201)
    coarse_lo = np.linspace(_LN_Y_MIN, -0.5, 80, endpoint=False)
    coarse_hi = np.linspace(0.5, _LN_Y_MAX, 81)[1:]
    return np.asarray(np.concatenate([coarse_lo, fine, coarse_hi]), dtype=np.float64)


def _scaled_npv(v: FloatArray, t: FloatArray, u: FloatArray, shift: FloatArray) -> FloatArray:
    """``sum_t v_t exp(-(t - shift) u)``: NPV at ``1 + r = e^u`` times ``e^(shift u) > 0``.

    The positive factor keeps the sign (and the root) while avoiding overflow: ``shift`` is
    ``max(t)`` where ``u < 0`` and 0 where ``u >= 0``. ``u``/``shift`` are per row.
    """
    return np.asarray(
        np.sum(v * np.exp(-(t[None, :] - shift[:, None]) * u[:, None]), axis=-1), dtype=np.float64
    )


def _refine(
    ws: FloatArray, times: FloatArray, lo: FloatArray, hi: FloatArray, tmax: float
) -> FloatArray:
    """The root ``u = ln(1 + r)`` of each row's scaled NPV inside its bracket ``[lo, hi]``:
    safeguarded Newton steps from the secant point, bisecting whenever Newton leaves it."""
    lo, hi = lo.copy(), hi.copy()
    shift = np.where(hi <= 0.0, tmax, 0.0)
    h_lo = _scaled_npv(ws, times, lo, shift)
    h_hi = _scaled_npv(ws, times, hi, shift)
    # start from the secant (regula falsi) point of the bracket
    with np.errstate(divide="ignore", invalid="ignore"):
        u = lo - h_lo * (hi - lo) / (h_hi - h_lo)
    u = np.where(np.isfinite(u) & (u > lo) & (u < hi), u, 0.5 * (lo + hi))
    active = np.ones(u.shape[0], dtype=bool)
    for _ in range(200):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        ua, sa, wa = u[a], shift[a], ws[a]
        tt = times[None, :] - sa[:, None]
        e = np.exp(-tt * ua[:, None])
        f = np.sum(wa * e, axis=1)
        fp = np.sum(-tt * wa * e, axis=1)
        # keep the bracket: the side whose sign matches f(lo) moves to u
        same_as_lo = np.sign(f) == np.sign(h_lo[a])
        lo[a] = np.where(same_as_lo, ua, lo[a])
        hi[a] = np.where(same_as_lo, hi[a], ua)
        h_lo[a] = np.where(same_as_lo, f, h_lo[a])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = ua - f / fp
        ok = np.isfinite(newton) & (newton > lo[a]) & (newton < hi[a])
        u_new = np.where(ok, newton, 0.5 * (lo[a] + hi[a]))
        u_new = np.where(f == 0.0, ua, u_new)
        done = (np.abs(u_new - ua) <= 1e-14 * np.maximum(1.0, np.abs(ua))) | (
            hi[a] - lo[a] <= 1e-15
        )
        u[a] = u_new
        active[a[done]] = False
    return np.asarray(u)


def _solve_rate(values: ArrayLike, times: FloatArray) -> IrrResult:
    """Rate per unit of ``times`` with ``sum_i v_i (1+r)^-t_i = 0``, every row at once.

    A grid over ln(1+r) brackets every sign change of the NPV; the bracket nearest r = 0 is
    refined by safeguarded Newton steps (bisection whenever Newton leaves the bracket).
    """
    v_in = np.asarray(values, dtype=np.float64)
    lead = v_in.shape[:-1]
    v = v_in.reshape(-1, v_in.shape[-1])
    n = v.shape[0]
    rate = np.full(n, np.nan)
    status = np.full(n, IrrStatus.OK.value, dtype="<U20")

    finite = np.all(np.isfinite(v), axis=1)
    has_pos = np.any(v > 0, axis=1)
    has_neg = np.any(v < 0, axis=1)
    status[~finite] = IrrStatus.NON_FINITE.value
    no_change = finite & ~(has_pos & has_neg)
    status[no_change] = IrrStatus.NO_SIGN_CHANGE.value
    todo = finite & has_pos & has_neg
    if not np.any(todo):
        return IrrResult(rate.reshape(lead), status.reshape(lead))

    vv = v[todo]
    tmax = float(np.max(times))
    scale = np.sum(np.abs(vv), axis=1)
    g = _grid()
    shift_g = np.where(g < 0.0, tmax, 0.0)
    # (periods, grid) matrix of scaled discount factors; one GEMM for all rows
    d = np.exp(-(times[:, None] - shift_g[None, :]) * g[None, :])
    h = (vv @ d) / scale[:, None]
    s = np.sign(h)
    r_grid = np.expm1(g)
    change = (s[:, :-1] * s[:, 1:]) < 0
    exact = s == 0
    n_roots = change.sum(axis=1) + exact.sum(axis=1)
    dist_gap = np.where(change, np.minimum(np.abs(r_grid[:-1]), np.abs(r_grid[1:])), np.inf)
    dist_pt = np.where(exact, np.abs(r_grid), np.inf)
    best_gap = np.argmin(dist_gap, axis=1)
    best_pt = np.argmin(dist_pt, axis=1)
    rows = np.arange(vv.shape[0])
    use_pt = dist_pt[rows, best_pt] <= dist_gap[rows, best_gap]

    out = np.full(vv.shape[0], np.nan)
    st = np.full(vv.shape[0], IrrStatus.OK.value, dtype="<U20")
    st[n_roots == 0] = IrrStatus.NO_ROOT_IN_RANGE.value
    st[n_roots > 1] = IrrStatus.MULTIPLE_ROOTS.value
    out[(n_roots > 0) & use_pt] = r_grid[best_pt][(n_roots > 0) & use_pt]

    sel = (n_roots > 0) & ~use_pt
    if np.any(sel):
        ws = vv[sel] / scale[sel, None]
        out[sel] = np.expm1(_refine(ws, times, g[best_gap[sel]], g[best_gap[sel] + 1], tmax))
    rate[todo] = out
    status[todo] = st
    return IrrResult(rate.reshape(lead), status.reshape(lead))


def irr(values: ArrayLike) -> IrrResult:
    """Internal rate of return per period of each row of ``values`` [fraction per period].

    ``values`` [USD] shape ``(..., periods)``, column ``t`` at time ``t`` (as :func:`npv`).
    Solves ``npv(r, values) = 0`` for ``r`` in ``[-99.9%, +99,900%]`` per period. Where the
    NPV has several roots the one nearest 0 is returned (numpy-financial's choice) with
    status ``multiple_roots``; where none exists the rate is NaN with the reason in
    ``status``. For monthly flows, annualise with :func:`annual_rate` or use
    :func:`irr_annual`.
    """
    v = np.asarray(values, dtype=np.float64)
    return _solve_rate(v, np.arange(v.shape[-1], dtype=np.float64))


def irr_annual(values_monthly: ArrayLike) -> IrrResult:
    """IRR of monthly flows as an annual effective rate ``(1 + irr_month) ** 12 - 1``."""
    res = irr(values_monthly)
    return IrrResult(annual_rate(res.rate), res.status)


#: an annual IRR above this [fraction/year] is shown as its payback instead: 1,000%/yr
IRR_MEANINGFUL_MAX_ANNUAL = 10.0

_IRR_REASONS = {
    IrrStatus.NO_SIGN_CHANGE.value: "no sign change",
    IrrStatus.MULTIPLE_ROOTS.value: "multiple roots",
    IrrStatus.NO_ROOT_IN_RANGE.value: "no root in range",
    IrrStatus.NON_FINITE.value: "flows not finite",
}


def irr_shown(
    rate_annual: float, status: str, payback_months_: float | None
) -> tuple[float | None, str]:
    """An annual IRR as a reader should see it: ``(rate, "12.3%")`` where it is finite and
    meaningful, else ``(None, reason)``:

    - ``"no sign change"``: every flow has one sign, no rate makes the NPV zero;
    - ``"multiple roots"``: the flows change sign more than once and several rates zero the
      NPV (Brealey, Myers & Allen ch. 5.3: no one of them is *the* return);
    - ``"> 1,000%: capital back in N months"``: above :data:`IRR_MEANINGFUL_MAX_ANNUAL` (or past
      the search range) an IRR says only that little capital is at risk, e.g. a sale that
      closes months after a small outlay; the payback [months] says it better.

    ``payback_months_`` is the simple payback of the same flows (:func:`payback_months`).
    """
    huge = (status == IrrStatus.OK.value and rate_annual > IRR_MEANINGFUL_MAX_ANNUAL) or (
        status == IrrStatus.NO_ROOT_IN_RANGE.value
        and payback_months_ is not None
        and np.isfinite(payback_months_)
    )
    if huge:
        back = (
            f": capital back in {payback_months_:.0f} months"
            if payback_months_ is not None and np.isfinite(payback_months_)
            else ""
        )
        return None, f"> 1,000%{back}"
    if status != IrrStatus.OK.value or not np.isfinite(rate_annual):
        return None, _IRR_REASONS.get(status, status)
    return float(rate_annual), f"{rate_annual:.1%}"


def _year_fractions(dates: Sequence[date], n: int) -> FloatArray:
    if len(dates) != n:
        raise ValueError(f"{len(dates)} dates for {n} cash-flow columns")
    d0 = dates[0]
    return np.array([(d - d0).days / 365.0 for d in dates], dtype=np.float64)


def xirr(dates: Sequence[date], values: ArrayLike) -> IrrResult:
    """Annual IRR of dated flows (Excel XIRR, actual/365 from the first date) [1/year].

    ``dates`` one per column of ``values`` [USD] (shape ``(..., n)``), first date first;
    every row shares the dates. Same root rules and statuses as :func:`irr`.
    """
    v = np.asarray(values, dtype=np.float64)
    return _solve_rate(v, _year_fractions(dates, v.shape[-1]))


def payback_months(
    values: ArrayLike, rate_per_period: ArrayLike = 0.0, *, flows_at_period_end: bool = False
) -> FloatArray:
    """Months until the cumulative (discounted) cash flow turns non-negative for good.

    ``values`` [USD] ``(..., periods)``; ``rate_per_period`` 0 gives simple payback, a monthly
    rate gives discounted payback. The result is the time, in periods from the valuation date,
    of the first flow after which the running total never goes below zero again: its column
    index ``t`` for flows at the period starts (as :func:`npv`), ``t + 1`` for flows at the
    period ends (``flows_at_period_end``, as :func:`npv_end_of_month`: hashpivot's monthly
    cash flows); 0 when it never is negative; NaN when it ends negative (no payback within
    the horizon).
    """
    v = np.asarray(values, dtype=np.float64)
    cum = np.cumsum(v * discount_factors(rate_per_period, v.shape[-1]), axis=-1)
    neg = cum < 0
    n = v.shape[-1]
    # index of the last negative month; -1 if none
    last_neg = n - 1 - np.argmax(neg[..., ::-1], axis=-1)
    last_neg = np.where(np.any(neg, axis=-1), last_neg, -1)
    out = (last_neg + 1).astype(np.float64)
    if flows_at_period_end:
        out = np.where(last_neg >= 0, out + 1.0, out)
    return np.asarray(np.where(last_neg == n - 1, np.nan, out), dtype=np.float64)


def moic(values: ArrayLike) -> FloatArray:
    """Multiple on invested capital: ``sum(inflows) / -sum(outflows)`` [x], NaN with no outflow."""
    v = np.asarray(values, dtype=np.float64)
    pos = np.sum(np.where(v > 0, v, 0.0), axis=-1)
    neg = -np.sum(np.where(v < 0, v, 0.0), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(neg > 0, pos / neg, np.nan), dtype=np.float64)


def annual_sums(values_monthly: ArrayLike, start_month: int = 0) -> FloatArray:
    """Sums of consecutive 12-month blocks from ``start_month`` [USD/year], ``(..., years)``.

    A trailing partial year is dropped.
    """
    v = np.asarray(values_monthly, dtype=np.float64)[..., start_month:]
    years = v.shape[-1] // 12
    trimmed = v[..., : years * 12]
    return np.asarray(trimmed.reshape(*v.shape[:-1], years, 12).sum(axis=-1), dtype=np.float64)


def cash_yield(income_usd_per_year: ArrayLike, cost_usd: ArrayLike) -> FloatArray:
    """Cash yield on cost: annual income / invested cost [fraction per year].

    With NOI and total project cost this is the unlevered yield on cost (the Morgan Stanley
    "unlevered cash yield"); with NOI minus debt service and the equity invested it is the
    levered cash-on-cash yield. NaN where the cost is not positive.
    """
    inc = np.asarray(income_usd_per_year, dtype=np.float64)
    cost = np.asarray(cost_usd, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(cost > 0, inc / cost, np.nan), dtype=np.float64)
