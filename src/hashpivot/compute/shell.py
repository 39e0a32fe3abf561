"""Path 2, the landlord: a powered-shell / colocation lease of the converted site.

Pure, vectorised cash-flow builders: arrays are float64 ``(paths, months)``, nominal USD,
inflows positive and outflows negative; month index 0 is the analysis start (the first day
of the start month). A year of rent is 12 months of ``rent_usd_per_kw_month`` on the leased
critical IT kW; a gross lease's power bill counts the calendar hours of each month
(:func:`hashpivot.calendar.month_hours`).

Rent: ``rent_usd_per_kw_month`` (the year-1 rate) on the billed critical IT kW, raised by
``escalator_frac_per_year`` on each anniversary of rent commencement. Free-rent months come
first; a prepayment (``prepayment_months`` of year-1 rent on the full leased kW) is received
at signing (month 0) and credited against the first rent due. Lease types: ``gross``
(the landlord pays power, property tax, insurance and maintenance) and ``triple_net`` (the
tenant pays them; the landlord keeps a management cost and non-recoverable opex). Vacant
space (before commencement, after the lease ends) costs the landlord its property tax,
insurance and maintenance under both types.

Sources (market-facts.md, late 2025): deal terms of TeraWulf-Core42 ($125/kW-month year 1, 3%
escalator, 12-month prepayment), Hut 8-Fluidstack (15 y NNN), Cipher-Fluidstack (NOI margin
80-85%); cap rates JLL (hyperscale 5.5-6.5%, colocation 6-7%, powered shell 7-8%) and the
Morgan Stanley 2025 reconstruction (6.5% hyperscaler, ~7.73% neocloud).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.calendar import month_hours
from hashpivot.compute.conversion import (
    Conversion,
    capex_schedule_usd,
    delivered_it_mw,
    fleet_disposition_usd,
    landlord_capex_usd_per_it_mw,
    paths_of,
    per_path,
)
from hashpivot.types import CashFlows

FloatArray = NDArray[np.float64]

__all__ = [
    "CAP_RATE_BY_CREDIT",
    "LeaseTerms",
    "LeaseType",
    "TenantCredit",
    "contract_value_usd",
    "deal_figures",
    "default_discount_rate",
    "escalation_factor",
    "lease_cash_flows",
    "stabilisation_month",
]


class LeaseType(StrEnum):
    """Who pays the running costs of the leased hall."""

    GROSS = "gross"  # landlord pays power and opex (colocation style)
    TRIPLE_NET = "triple_net"  # tenant pays power, property tax, insurance, maintenance


class TenantCredit(StrEnum):
    """Tenant credit quality; sets the default cap rate and discount rate."""

    HYPERSCALER = "hyperscaler"
    INVESTMENT_GRADE = "investment_grade"
    NEOCLOUD_BACKSTOP = "neocloud_backstop"  # neocloud with a hyperscaler backstop (e.g. Google)
    NEOCLOUD = "neocloud"


CAP_RATE_BY_CREDIT: dict[TenantCredit, float] = {
    # Morgan Stanley 2025-09-21 reconstruction (market-facts.md); top of JLL hyperscale 5.5-6.5%
    TenantCredit.HYPERSCALER: 0.065,
    # JLL colocation 6-7%, upper end (market-facts.md, 2025)
    TenantCredit.INVESTMENT_GRADE: 0.070,
    # hashpivot estimate: between investment grade and an unbacked neocloud (2025)
    TenantCredit.NEOCLOUD_BACKSTOP: 0.0725,
    # Morgan Stanley 2025-09-21 reconstruction, ~7.7%; inside JLL powered shell 7-8%
    TenantCredit.NEOCLOUD: 0.0773,
}


def default_discount_rate(cap_rate_frac: float, growth_frac_per_year: float) -> float:
    """Discount rate implied by a cap rate and NOI growth (Gordon): ``r = cap + g`` [1/year].

    Used as the DCF rate when the lease file gives none; ``g`` is the rent escalator.
    """
    return cap_rate_frac + growth_frac_per_year


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseTerms:
    """A lease of critical IT capacity (built from ``[lease]`` by the config layer).

    it_mw : leased critical IT load [MW]
    rent_usd_per_kw_month : year-1 rent on critical IT [USD per kW per month]
    commencement_month : rent commencement, months after the analysis start [month index]
    term_months : base term from commencement [months]
    escalator_frac_per_year : rent increase on each anniversary [fraction per year]
    ramp_months : billed share rises linearly to 1 over these months from commencement
    free_rent_months : months of no rent from commencement
    prepayment_months : months of year-1 rent (full leased kW) prepaid at signing, credited
        against the first rent due [months]
    renewal_options, renewal_term_months : options in the lease (reported)
    renewals_assumed : how many renewal options the cash flows assume exercised
    renewal_rent_multiplier : renewal rent / in-place rent escalated once more [x]
    lease_type : :class:`LeaseType`
    it_load_frac : average IT draw / leased IT kW, for the power bill of a gross lease
    power_price_usd_per_mwh : all-in power price the landlord pays under a gross lease
    property_tax_usd_per_it_mw_year, insurance_usd_per_it_mw_year,
    maintenance_opex_usd_per_it_mw_year : recoverable opex [USD per IT MW per year]
    non_recoverable_opex_usd_per_it_mw_year : landlord-only opex [USD per IT MW per year]
    management_fee_frac : landlord cost as a share of rent [fraction]
    maintenance_capex_usd_per_it_mw_year : landlord reserve for replacements [USD/IT MW/yr]
    opex_escalator_frac_per_year : yearly increase of all per-MW costs, from month 0
    """

    it_mw: float
    rent_usd_per_kw_month: float
    commencement_month: int
    term_months: int
    escalator_frac_per_year: float = 0.03
    ramp_months: int = 0
    free_rent_months: int = 0
    prepayment_months: float = 0.0
    renewal_options: int = 0
    renewal_term_months: int = 60
    renewals_assumed: int = 0
    renewal_rent_multiplier: float = 1.0
    lease_type: LeaseType = LeaseType.TRIPLE_NET
    it_load_frac: float = 0.8
    power_price_usd_per_mwh: float = 0.0
    # defaults: config/parameters.csv (hashpivot estimates 2025; MS reconstruction 2% fee)
    property_tax_usd_per_it_mw_year: float = 30_000.0
    insurance_usd_per_it_mw_year: float = 15_000.0
    maintenance_opex_usd_per_it_mw_year: float = 50_000.0
    non_recoverable_opex_usd_per_it_mw_year: float = 0.0
    management_fee_frac: float = 0.02
    maintenance_capex_usd_per_it_mw_year: float = 20_000.0
    opex_escalator_frac_per_year: float = 0.025

    @property
    def lease_end_month(self) -> int:
        """First month after the base term and the renewals assumed [month index]."""
        return (
            self.commencement_month
            + self.term_months
            + self.renewals_assumed * self.renewal_term_months
        )


def escalation_factor(months_since_start: ArrayLike, escalator_frac_per_year: float) -> FloatArray:
    """``(1 + e) ** floor(k / 12)`` for ``k >= 0`` months since the start; 0 before [x]."""
    k = np.asarray(months_since_start)
    return np.asarray(
        np.where(
            k >= 0, (1.0 + escalator_frac_per_year) ** np.floor_divide(np.maximum(k, 0), 12), 0.0
        ),
        dtype=np.float64,
    )


def _ramp_frac(terms: LeaseTerms, m: NDArray[np.int64]) -> FloatArray:
    """Billed share of the leased kW in month ``m`` (linear ramp from commencement)."""
    k = m - terms.commencement_month
    if terms.ramp_months <= 0:
        return np.where(k >= 0, 1.0, 0.0)
    return np.asarray(np.clip((k + 1) / terms.ramp_months, 0.0, 1.0), dtype=np.float64)


def stabilisation_month(terms: LeaseTerms, conv: Conversion) -> int:
    """First month at which every phase is delivered and the ramp is complete [month index].

    The "first full year" NOI used by the cap-rate (development-spread) view is the NOI of
    the 12 months from here.
    """
    ramp_done = terms.commencement_month + max(terms.ramp_months - 1, 0)
    return max(conv.full_delivery_month, ramp_done, terms.commencement_month)


def contract_value_usd(terms: LeaseTerms) -> float:
    """Total rent of the base term as signed [USD]: ``sum_k kW * rent_k * ramp_k``.

    Undiscounted, free-rent months excluded, renewals excluded; the sum announced deals quote
    as "contract value". Assumes every leased kW is delivered at commencement (ramp aside).
    """
    m = np.arange(terms.commencement_month, terms.commencement_month + terms.term_months)
    k = m - terms.commencement_month
    rent = terms.rent_usd_per_kw_month * escalation_factor(k, terms.escalator_frac_per_year)
    billed = _ramp_frac(terms, m) * np.where(k >= terms.free_rent_months, 1.0, 0.0)
    return float(np.sum(terms.it_mw * 1000.0 * rent * billed))


def _rent_in_force(
    terms: LeaseTerms,
    m: NDArray[np.int64],
    paths: int,
    months: int,
    market_rent_usd_per_kw_month: ArrayLike | None,
) -> FloatArray:
    """Rent in force [USD/kW-month], ``(paths, len(m))``, before any rent multiplier.

    The base term escalates from ``rent_usd_per_kw_month``; each renewal assumed restarts at
    the market rent ``market_rent_usd_per_kw_month`` [USD/kW-month] of its first month where
    given, else at
    ``renewal_rent_multiplier`` x the in-place rent escalated once more. Past the horizon
    ``months`` [months] a lease that has ended is renewed once more to price the forward year.
    """
    ext = m.shape[0]
    market = None
    if market_rent_usd_per_kw_month is not None:
        market = per_path(market_rent_usd_per_kw_month, paths, months, 0.0, ext=ext)
    e = terms.escalator_frac_per_year
    c = terms.commencement_month
    rent = np.zeros((paths, ext))
    k = m - c
    in_base = (k >= 0) & (k < terms.term_months)
    rent[:, in_base] = terms.rent_usd_per_kw_month * escalation_factor(k[in_base], e)
    last = np.full(paths, terms.rent_usd_per_kw_month * (1 + e) ** ((terms.term_months - 1) // 12))
    r_len = terms.renewal_term_months
    s = c + terms.term_months
    for j in range(terms.renewals_assumed + 1):
        # j < renewals_assumed: a renewal inside the lease; the last one only prices the
        # forward year after the horizon when the lease has ended by then (exit value)
        extra = j == terms.renewals_assumed
        if extra and s >= months + 12:
            break
        mask = (m >= s) & (m < s + r_len) if not extra else (m >= max(s, months))
        first = market[:, min(s, ext - 1)] if market is not None else last * (1 + e)
        first = first if market is not None else first * terms.renewal_rent_multiplier
        rent[:, mask] = first[:, None] * escalation_factor(m[mask] - s, e)[None, :]
        last = first * (1 + e) ** ((r_len - 1) // 12)
        s += r_len
    return rent


def _rent_due_usd(
    terms: LeaseTerms, m: NDArray[np.int64], billed_mw: FloatArray, rent: FloatArray
) -> FloatArray:
    """Rent due (accrual) [USD/month], ``(paths, len(m))``: ``billed_mw`` [MW] x 1000 x
    ``rent`` [USD/kW-month], nothing in the free-rent months from commencement."""
    k = m - terms.commencement_month
    free = (k >= 0) & (k < terms.free_rent_months)
    return np.asarray(billed_mw[None, :] * 1000.0 * rent * np.where(free, 0.0, 1.0)[None, :])


def _cash_rent_usd(terms: LeaseTerms, rent_due: FloatArray, mult: FloatArray) -> FloatArray:
    """Cash rent [USD/month], ``(paths, months)``: ``rent_due`` [USD/month] less the credits of
    the prepayment, plus the prepayment received at signing (month 0).

    The prepayment is ``prepayment_months`` of year-1 rent on the full leased kW, scaled by the
    rent multiplier ``mult`` [x] at signing, so the flows stay proportional to the rent level;
    it is credited against the first rent due.
    """
    paths = rent_due.shape[0]
    prepay_usd = (
        terms.prepayment_months * terms.rent_usd_per_kw_month * terms.it_mw * 1000.0 * mult[:, :1]
    )
    credit_cum = np.minimum(np.cumsum(rent_due, axis=1), prepay_usd)
    credit = np.diff(np.concatenate([np.zeros((paths, 1)), credit_cum], axis=1), axis=1)
    cash_rent = rent_due - credit
    cash_rent[:, 0] += prepay_usd[:, 0]
    return cash_rent


def _leased(terms: LeaseTerms, m: NDArray[np.int64], months: int) -> NDArray[np.bool_]:
    """Months under lease: from commencement to the lease end, and every month after the
    horizon ``months`` (the forward year assumes the lease continues)."""
    return np.asarray(
        (m >= terms.commencement_month) & ((m < terms.lease_end_month) | (m >= months))
    )


def _landlord_opex_usd(
    terms: LeaseTerms,
    m: NDArray[np.int64],
    months: int,
    per_mw_month: FloatArray,
    rent_due: FloatArray,
) -> FloatArray:
    """Landlord opex other than power [USD/month], negative, ``(paths, len(m))``.

    Recoverable opex (property tax, insurance, maintenance) where the landlord pays it (a gross
    lease, or vacant space), non-recoverable opex, both per IT MW-year on ``per_mw_month``
    [MW x escalation / 12], and the management cost as a share of ``rent_due`` [USD/month].
    """
    paths, ext = rent_due.shape
    recoverable = (
        terms.property_tax_usd_per_it_mw_year
        + terms.insurance_usd_per_it_mw_year
        + terms.maintenance_opex_usd_per_it_mw_year
    )
    landlord_pays = (terms.lease_type is LeaseType.GROSS) | ~_leased(terms, m, months)
    opex = np.broadcast_to(
        -(recoverable * landlord_pays + terms.non_recoverable_opex_usd_per_it_mw_year)
        * per_mw_month,
        (paths, ext),
    ).copy()
    opex -= terms.management_fee_frac * rent_due
    return opex


def _gross_power_bill_usd(
    terms: LeaseTerms,
    conv: Conversion,
    m: NDArray[np.int64],
    months: int,
    billed_mw: FloatArray,
    price_usd_per_mwh: FloatArray,
    start: date,
) -> FloatArray:
    """Power the landlord of a gross lease pays [USD/month], positive, ``(paths, len(m))``:
    billed IT MW while leased x IT load x PUE x calendar hours x ``price_usd_per_mwh``."""
    leased = _leased(terms, m, months)
    mwh = billed_mw * np.where(leased, 1.0, 0.0) * terms.it_load_frac * conv.pue
    return np.asarray(price_usd_per_mwh * (mwh * month_hours(start, m.shape[0]))[None, :])


def _landlord_capex_usd(
    terms: LeaseTerms, conv: Conversion, per_mw_month: FloatArray, paths: int
) -> FloatArray:
    """Landlord capex [USD/month], ``(paths, len(per_mw_month))``: its share of the conversion
    (< 0), the maintenance reserve per IT MW-year on ``per_mw_month`` [MW x escalation / 12]
    (< 0) and the displaced ASIC fleet's sale or move."""
    ext = per_mw_month.shape[0]
    capex_1d = capex_schedule_usd(
        conv.phases, landlord_capex_usd_per_it_mw(conv), conv.construction_months, ext
    )
    capex_1d = capex_1d - terms.maintenance_capex_usd_per_it_mw_year * per_mw_month
    capex_1d = capex_1d + fleet_disposition_usd(conv, ext)
    return np.broadcast_to(capex_1d, (paths, ext)).copy()


def _exit_value_usd(
    forward_noi_usd_per_year: FloatArray, exit_cap_rate_frac: float | None, sale_cost_frac: float
) -> FloatArray | None:
    """Sale at the horizon [USD per path]: forward 12-month NOI [USD/yr] / exit cap rate [1/yr]
    x (1 - sale cost [fraction]); None without an exit cap rate."""
    if exit_cap_rate_frac is None:
        return None
    return forward_noi_usd_per_year / exit_cap_rate_frac * (1.0 - sale_cost_frac)


def lease_cash_flows(
    terms: LeaseTerms,
    conv: Conversion,
    *,
    start: date,
    months: int,
    exit_cap_rate_frac: float | None = None,
    sale_cost_frac: float = 0.0,
    rent_multiplier: ArrayLike | None = None,
    market_rent_usd_per_kw_month: ArrayLike | None = None,
    power_price_usd_per_mwh: ArrayLike | None = None,
) -> CashFlows:
    """The landlord's monthly cash flows for a lease of the converted site.

    Parameters
    ----------
    terms, conv : the lease and the conversion (phases, capex, fleet)
    start : first day of month 0; months : horizon [months]
    exit_cap_rate_frac : if given, a terminal value = forward 12-month NOI / exit cap rate x
        (1 - ``sale_cost_frac``) is added at the end of the last month [USD, per path]. The
        forward year assumes the lease continues (renewed at renewal pricing if it ended).
    rent_multiplier : optional per-path scale of all rent [x], scalar, ``(paths,)`` or
        ``(paths, months)`` (e.g. a renegotiation or credit scenario)
    market_rent_usd_per_kw_month : optional per-path market rent ``(paths, months)``
        [USD/kW-month]; a renewal starting in month ``s`` resets the rent to its value at
        ``s`` (then escalates), instead of ``renewal_rent_multiplier`` x in-place rent
    power_price_usd_per_mwh : optional per-path power price (gross leases) overriding
        ``terms.power_price_usd_per_mwh``, scalar, ``(paths,)`` or ``(paths, months)``

    Returns :class:`~hashpivot.types.CashFlows` with ``revenue_usd`` = cash rent (after
    prepayment credits, plus the prepayment in month 0), ``opex_usd`` (<= 0), ``capex_usd``
    (conversion and maintenance capex < 0, ASIC sale > 0), and ``extras``:
    ``noi_usd`` (accrual rent + opex, ``(paths, months)``), ``rent_usd_per_kw_month``,
    ``billed_it_mw`` (``(months,)``), ``noi_first_year_usd`` and ``forward_noi_usd_per_year``
    (``(paths,)``).
    """
    paths = paths_of(rent_multiplier, market_rent_usd_per_kw_month, power_price_usd_per_mwh)
    stab = stabilisation_month(terms, conv)
    ext = max(months, stab + 12, terms.lease_end_month) + 12
    m = np.arange(ext)

    rent = _rent_in_force(terms, m, paths, months, market_rent_usd_per_kw_month)
    mult = per_path(rent_multiplier, paths, months, 1.0, ext=ext)
    rent *= mult

    # --- billed kW and rent due (accrual)
    delivered_mw = np.minimum(delivered_it_mw(conv.phases, ext), terms.it_mw)
    billed_mw = delivered_mw * _ramp_frac(terms, m)
    rent_due = _rent_due_usd(terms, m, billed_mw, rent)
    cash_rent = _cash_rent_usd(terms, rent_due, mult)

    # --- landlord opex [USD/month, negative]
    per_mw_month = delivered_mw * (1.0 + terms.opex_escalator_frac_per_year) ** (m // 12) / 12.0
    opex = _landlord_opex_usd(terms, m, months, per_mw_month, rent_due)
    if terms.lease_type is LeaseType.GROSS:
        price = per_path(
            power_price_usd_per_mwh, paths, months, terms.power_price_usd_per_mwh, ext=ext
        )
        opex -= _gross_power_bill_usd(terms, conv, m, months, billed_mw, price, start)

    capex = _landlord_capex_usd(terms, conv, per_mw_month, paths)

    noi = rent_due + opex
    forward = noi[:, months : months + 12].sum(axis=1)
    first_year = noi[:, stab : stab + 12].sum(axis=1)
    tv = _exit_value_usd(forward, exit_cap_rate_frac, sale_cost_frac)
    return CashFlows(
        start=start,
        revenue_usd=cash_rent[:, :months],
        opex_usd=opex[:, :months],
        capex_usd=capex[:, :months],
        terminal_value_usd=tv,
        extras={
            "noi_usd": noi[:, :months],
            "rent_usd_per_kw_month": rent[:, :months],
            "billed_it_mw": billed_mw[:months],
            "noi_first_year_usd": first_year,
            "forward_noi_usd_per_year": forward,
        },
    )


def deal_figures(
    terms: LeaseTerms, announced_contract_value_usd: float | None = None
) -> dict[str, float | None]:
    """Headline deal figures: year-1 and average rent, contract value, gap to the announced.

    ``average_rent_usd_per_kw_month`` = contract value / (term months x leased kW);
    ``contract_value_gap_frac`` = computed / announced - 1 (None without an announced value).
    """
    value = contract_value_usd(terms)
    avg = value / (terms.term_months * terms.it_mw * 1000.0)
    gap = None if announced_contract_value_usd is None else value / announced_contract_value_usd - 1
    return {
        "year1_rent_usd_per_kw_month": terms.rent_usd_per_kw_month,
        "year1_rent_usd_per_year": terms.rent_usd_per_kw_month * 12.0 * terms.it_mw * 1000.0,
        "average_rent_usd_per_kw_month": avg,
        "contract_value_usd": value,
        "announced_contract_value_usd": announced_contract_value_usd,
        "contract_value_gap_frac": gap,
        "term_years": terms.term_months / 12.0,
    }
