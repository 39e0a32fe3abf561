"""Value per watt, EV/MW, cap-rate value, development spread and project debt.

Sign convention as in :mod:`hashpivot.valuation.cashflow`: inflows positive, outflows
negative. Debt schedules are monthly, vectorised over paths: the only Python loop runs over
months. Every function takes scalars or arrays alike.

References: Morgan Stanley (2025-09-21, via secondary summaries) for the development-spread
view "value created = NOI / cap rate - capex"; Geltner, Miller, Clayton & Eichholtz,
*Commercial Real Estate Analysis and Investments*, 3rd ed., ch. 10 (direct capitalisation)
and ch. 17 (debt, DSCR); Yescombe, *Principles of Project Finance*, 2nd ed., ch. 12
(debt sizing, DSCR covenants).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = [
    "Amortisation",
    "DebtSchedule",
    "DebtTerms",
    "cap_rate_value_usd",
    "debt_schedule",
    "development_spread_usd",
    "dscr",
    "ev_per_mw_usd",
    "levered_cash_flows_usd",
    "usd_per_w",
    "yield_on_cost_frac",
]


def usd_per_w(value_usd: ArrayLike, power_mw: ArrayLike) -> FloatArray:
    """Value per watt [USD/W] = value [USD] / (power [MW] * 1e6 W/MW).

    State which power: gross (at the meter) or critical IT. $1M per MW is $1 per W.
    """
    return np.asarray(
        np.asarray(value_usd, dtype=np.float64) / (np.asarray(power_mw, dtype=np.float64) * 1e6),
        dtype=np.float64,
    )


def ev_per_mw_usd(enterprise_value_usd: ArrayLike, power_mw: ArrayLike) -> FloatArray:
    """Enterprise value per MW [USD/MW] (sell-side $/MW multiples; state gross or IT)."""
    return np.asarray(
        np.asarray(enterprise_value_usd, dtype=np.float64) / np.asarray(power_mw, dtype=np.float64),
        dtype=np.float64,
    )


def cap_rate_value_usd(noi_usd_per_year: ArrayLike, cap_rate_frac: ArrayLike) -> FloatArray:
    """Direct capitalisation: value = forward annual NOI / cap rate [USD].

    ``noi_usd_per_year`` [USD/year], ``cap_rate_frac`` [fraction per year], e.g. 0.065.
    """
    return np.asarray(
        np.asarray(noi_usd_per_year, dtype=np.float64)
        / np.asarray(cap_rate_frac, dtype=np.float64),
        dtype=np.float64,
    )


def development_spread_usd(
    noi_usd_per_year: ArrayLike, cap_rate_frac: ArrayLike, capex_usd: ArrayLike
) -> FloatArray:
    """Value created by developing: ``NOI / cap rate - capex`` [USD].

    ``capex_usd`` is the (positive) total development cost borne by the owner. Morgan
    Stanley's 2025 miner-conversion figures ($5.19/W hyperscaler, $7.81/W neocloud) are this
    quantity per W of critical IT.
    """
    return np.asarray(
        cap_rate_value_usd(noi_usd_per_year, cap_rate_frac)
        - np.asarray(capex_usd, dtype=np.float64),
        dtype=np.float64,
    )


def yield_on_cost_frac(noi_usd_per_year: ArrayLike, capex_usd: ArrayLike) -> FloatArray:
    """Unlevered yield on cost: stabilised NOI / total cost [fraction per year]; NaN (shown as
    null with its reason) where the owner spends nothing."""
    noi = np.asarray(noi_usd_per_year, dtype=np.float64)
    capex = np.asarray(capex_usd, dtype=np.float64)
    shape = np.broadcast(noi, capex).shape
    return np.asarray(
        np.divide(noi, capex, out=np.full(shape, np.nan), where=capex > 0), dtype=np.float64
    )


class Amortisation(StrEnum):
    """How project debt is repaid after the grace period."""

    ANNUITY = "annuity"  # level monthly payment (mortgage style)
    LINEAR = "linear"  # equal principal each month
    BULLET = "bullet"  # interest only, all principal at maturity


@dataclass(frozen=True, slots=True, kw_only=True)
class DebtTerms:
    """Project debt terms.

    ltc_frac : loan-to-cost, the share of each capex outflow funded by debt [fraction, 0..1]
    rate_per_year : annual interest rate [fraction per year], quoted as loans are: nominal,
        compounded monthly (``r / 12`` a month)
    tenor_months : months from the first draw to maturity; any balance left is due then
    amortisation : :class:`Amortisation`
    grace_months : interest-only months after the first draw: principal is repaid in months
        ``first + grace + 1 .. first + tenor`` (interest is paid monthly in cash from the month
        after the first draw; during construction the equity pays it)
    min_dscr : covenant minimum debt-service coverage ratio [x] checked by :func:`dscr`
    """

    ltc_frac: float
    rate_per_year: float
    tenor_months: int
    amortisation: Amortisation = Amortisation.ANNUITY
    grace_months: int = 0
    min_dscr: float = 1.25


@dataclass(frozen=True, slots=True, kw_only=True)
class DebtSchedule:
    """Monthly debt cash flows, ``(paths, months)`` [USD], signed from the borrower's side.

    ``draw_usd`` >= 0 (cash in), ``interest_usd`` <= 0, ``principal_usd`` <= 0 (scheduled
    amortisation), ``payoff_usd`` <= 0 (balloon at maturity, or the balance repaid from the
    exit proceeds in the last month of the horizon), ``balance_usd`` >= 0 at the end of each
    month (0 after the payoff).
    """

    draw_usd: FloatArray
    interest_usd: FloatArray
    principal_usd: FloatArray
    payoff_usd: FloatArray
    balance_usd: FloatArray

    @property
    def debt_service_usd(self) -> FloatArray:
        """Interest plus scheduled principal, excluding balloons/payoff (negative) [USD/month]."""
        return np.asarray(self.interest_usd + self.principal_usd, dtype=np.float64)

    @property
    def net_usd(self) -> FloatArray:
        """Draws + interest + principal + payoff: what the debt adds to equity [USD/month]."""
        return np.asarray(
            self.draw_usd + self.interest_usd + self.principal_usd + self.payoff_usd,
            dtype=np.float64,
        )


def debt_schedule(
    capex_usd: ArrayLike, terms: DebtTerms, *, last_draw_month: int | None = None
) -> DebtSchedule:
    """Debt drawn as ``ltc_frac`` of each capex outflow, then repaid per ``terms``.

    ``capex_usd`` [USD per month, signed: outflows negative], ``(paths, months)`` or
    ``(months,)``. Draws come at the end of their month; interest each month = opening
    balance x ``rate / 12``. Principal is repaid in months ``first + grace + 1`` to maturity
    ``first + tenor`` (per path; with no grace, ``tenor`` payments: a draw of ``P`` in month 0
    pays ``numpy_financial.pmt(r / 12, tenor, P)`` in months 1..tenor): annuity payments are
    re-levelled each month on the balance and the payments left (so later draws are amortised
    too), linear repays ``balance / payments left``, bullet repays at maturity (as
    ``payoff_usd``). Any balance
    left at the end of the horizon is repaid in the last month (``payoff_usd``, from the exit
    proceeds); capex of that last month is not debt-funded. ``last_draw_month`` (inclusive)
    limits the draws to the development period: later capex (maintenance, refresh) is paid
    by the equity.
    """
    capex = np.asarray(capex_usd, dtype=np.float64)
    one_d = capex.ndim == 1
    c = np.atleast_2d(capex)
    paths, months = c.shape
    draws = terms.ltc_frac * np.where(c < 0, -c, 0.0)
    if last_draw_month is not None:
        draws[:, last_draw_month + 1 :] = 0.0
    r = terms.rate_per_year / 12.0  # nominal annual rate, compounded monthly
    has_draw = np.any(draws > 0, axis=1)
    first = np.where(has_draw, np.argmax(draws > 0, axis=1), months)
    start_repay = first + terms.grace_months + 1  # first month with a principal payment
    maturity = first + terms.tenor_months  # month in which the balance must be zero

    interest = np.zeros_like(c)
    principal = np.zeros_like(c)
    payoff = np.zeros_like(c)
    balance = np.zeros_like(c)
    bal = np.zeros(paths)
    draws[:, -1] = 0.0  # no draw in the payoff month (its capex is equity-funded)
    for m in range(months):
        interest[:, m] = -bal * r
        left = maturity - m + 1  # scheduled payments left including this one
        repaying = (m >= start_repay) & (left >= 1)
        if terms.amortisation is Amortisation.ANNUITY:
            n = np.maximum(left, 1).astype(np.float64)
            # 1 - (1 + r)^-n, accurate for tiny rates too (then pay -> balance / n)
            pay = bal * r / -np.expm1(-n * np.log1p(r)) if r > 0 else bal / n
            sched = pay - bal * r
        elif terms.amortisation is Amortisation.LINEAR:
            sched = bal / np.maximum(left, 1)
        else:
            sched = np.zeros(paths)
        sched = np.where(repaying, sched, 0.0)
        principal[:, m] = -sched
        bal = bal - sched
        # balloon at maturity (bullet, or a draw after maturity) and payoff at the horizon end
        due = (m >= maturity) | (m == months - 1)
        payoff[:, m] = np.where(due, -bal, 0.0)
        bal = np.where(due, 0.0, bal) + draws[:, m]
        balance[:, m] = bal
    out = DebtSchedule(
        draw_usd=draws,
        interest_usd=interest,
        principal_usd=principal,
        payoff_usd=payoff,
        balance_usd=balance,
    )
    if one_d:
        return DebtSchedule(
            draw_usd=draws[0],
            interest_usd=interest[0],
            principal_usd=principal[0],
            payoff_usd=payoff[0],
            balance_usd=balance[0],
        )
    return out


def levered_cash_flows_usd(unlevered_net_usd: ArrayLike, schedule: DebtSchedule) -> FloatArray:
    """Equity cash flows = unlevered net cash flows + draws - debt service [USD/month]."""
    return np.asarray(np.asarray(unlevered_net_usd, dtype=np.float64) + schedule.net_usd)


def dscr(
    cfads_usd: ArrayLike, debt_service_usd: ArrayLike, *, months_per_period: int = 12
) -> FloatArray:
    """Debt-service coverage ratio per period: CFADS / |debt service| [x], ``(..., periods)``.

    ``cfads_usd`` cash flow available for debt service per month (NOI or EBITDA less taxes
    and maintenance capex) [USD]; ``debt_service_usd`` interest + principal per month
    (negative, as :attr:`DebtSchedule.debt_service_usd`) [USD]. Periods are consecutive
    blocks of ``months_per_period`` months (annual by default); a trailing partial block is
    dropped; a period without debt service gives NaN (not tested by the covenant).
    """
    cf = np.asarray(cfads_usd, dtype=np.float64)
    ds = -np.asarray(debt_service_usd, dtype=np.float64)
    n = cf.shape[-1] // months_per_period
    cf_p = cf[..., : n * months_per_period].reshape(*cf.shape[:-1], n, months_per_period).sum(-1)
    ds_p = ds[..., : n * months_per_period].reshape(*ds.shape[:-1], n, months_per_period).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(ds_p > 0, cf_p / ds_p, np.nan), dtype=np.float64)
