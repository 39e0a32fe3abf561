"""Value the AI paths: a lease of the converted site, or a GPU cloud on it.

Orchestration only: the compute builders (:mod:`hashpivot.compute.shell`,
:mod:`hashpivot.compute.gpu_cloud`) make the monthly cash flows, the generic functions of
:mod:`hashpivot.valuation.cashflow`, :mod:`~hashpivot.valuation.equity` and
:mod:`~hashpivot.valuation.tax` value them. Every result field is an array over paths
(``(paths,)``); a deterministic case has one path.

Two views of a lease (docs/methodology.md):
- DCF: NPV and IRR of the monthly unlevered cash flows (conversion capex, NOI, maintenance
  capex, ASIC sale) with an exit at ``forward NOI / exit cap rate``.
- Development spread (Morgan Stanley 2025): ``value = first-full-year NOI / cap rate``;
  ``value created = value - landlord conversion capex``. With project debt at par the value
  created accrues to the equity, so ``equity value created per W`` is the value created per
  W of the stated basis (critical IT or gross).
A GPU cloud has no cap-rate market: its value created is the DCF NPV (levered equity NPV at
the equity rate when debt is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.compute.conversion import Conversion, landlord_capex_usd_per_it_mw
from hashpivot.compute.gpu_cloud import GpuCloudTerms, gpu_cloud_cash_flows
from hashpivot.compute.shell import (
    LeaseTerms,
    lease_cash_flows,
    stabilisation_month,
)
from hashpivot.types import CashFlows
from hashpivot.valuation.cashflow import (
    irr_annual,
    irr_shown,
    moic,
    monthly_rate,
    npv_end_of_month,
    payback_months,
)
from hashpivot.valuation.equity import (
    DebtTerms,
    cap_rate_value_usd,
    debt_schedule,
    dscr,
    levered_cash_flows_usd,
    usd_per_w,
    yield_on_cost_frac,
)
from hashpivot.valuation.gpu_credit import with_contract_credit
from hashpivot.valuation.tax import (
    DepreciationMethod,
    depreciation_kernel_monthly,
    depreciation_usd,
    income_tax_usd,
)

FloatArray = NDArray[np.float64]

__all__ = [
    "PowerBasis",
    "ProjectValuation",
    "TaxTerms",
    "ValuationAssumptions",
    "headline",
    "npv_decomposition_usd",
    "value_cash_flows",
    "value_gpu_cloud",
    "value_lease",
]


class PowerBasis(StrEnum):
    """Which MW the per-W and per-MW figures divide by."""

    IT = "it"  # critical IT load
    GROSS = "gross"  # energized capacity at the meter


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxTerms:
    """Income tax as an option.

    rate_frac : combined income tax rate [fraction], e.g. 0.21 federal + state
    method : :class:`~hashpivot.valuation.tax.DepreciationMethod`
    life_years : straight-line life or MACRS recovery period [years]
    carry_forward : losses carried forward (80% limit) instead of used at once
    """

    rate_frac: float
    method: DepreciationMethod = DepreciationMethod.STRAIGHT_LINE
    life_years: float = 15.0
    carry_forward: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ValuationAssumptions:
    """How to value: rates, exit, basis, optional debt and tax.

    discount_rate_per_year : unlevered DCF rate, annual effective [fraction/year]; monthly
        ``(1+r)^(1/12)-1``
    cap_rate_frac : cap rate of the development-spread view [fraction/year]
    exit_cap_rate_frac : cap rate of the exit value [fraction/year]
    sale_cost_frac : costs of the exit sale [fraction of the exit value]
    basis : :class:`PowerBasis` of the per-W headline figures
    equity_discount_rate_per_year : levered equity rate, annual effective [fraction/year]
        (default: unlevered)
    debt, tax : optional :class:`~hashpivot.valuation.equity.DebtTerms`, :class:`TaxTerms`
    """

    discount_rate_per_year: float
    cap_rate_frac: float = 0.07
    exit_cap_rate_frac: float = 0.07
    sale_cost_frac: float = 0.0
    basis: PowerBasis = PowerBasis.IT
    equity_discount_rate_per_year: float | None = None
    debt: DebtTerms | None = None
    tax: TaxTerms | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectValuation:
    """Valuation results, each ``(paths,)`` unless stated. Money in nominal USD.

    npv_usd : unlevered NPV at the discount rate (incl. exit) [USD]
    irr : unlevered IRR, annual [fraction/year]; NaN with ``irr_status`` where undefined
    noi_usd_per_year : NOI (lease) or EBITDA (GPU cloud) of the first full year after
        stabilisation [USD/year]
    capex_usd : development capex borne by the owner (conversion; + GPUs for a cloud) [USD]
    value_usd : NOI / cap rate (lease) or capex + NPV (GPU cloud) [USD]
    value_created_usd : value - capex (lease) or NPV (GPU cloud) [USD]
    equity_value_created_usd : value created accruing to equity (levered NPV for a GPU cloud
        with debt) [USD]
    it_mw, gross_mw : the MW the per-W figures use (scalars)
    npv_decomposition_usd : :func:`npv_decomposition_usd` of the unlevered flows
    npv_all_at_site_rate_usd : a GPU cloud's NPV with every flow (the contracted share's too)
        at the valuation rate [USD] (valuation/gpu_credit.py); None otherwise
    """

    basis: PowerBasis
    it_mw: float
    gross_mw: float
    npv_usd: FloatArray
    irr: FloatArray
    irr_status: NDArray[np.str_]
    noi_usd_per_year: FloatArray
    capex_usd: FloatArray
    value_usd: FloatArray
    value_created_usd: FloatArray
    equity_value_created_usd: FloatArray
    yield_on_cost_frac: FloatArray
    payback_months: FloatArray
    moic: FloatArray
    levered_npv_usd: FloatArray | None = None
    levered_irr: FloatArray | None = None
    levered_irr_status: NDArray[np.str_] | None = None
    debt_usd: FloatArray | None = None
    equity_invested_usd: FloatArray | None = None
    levered_cash_yield_frac: FloatArray | None = None
    min_dscr: FloatArray | None = None
    dscr_ok: NDArray[np.bool_] | None = None
    cash_flows: CashFlows | None = None
    npv_decomposition_usd: dict[str, FloatArray] | None = None
    npv_all_at_site_rate_usd: FloatArray | None = None

    @property
    def basis_mw(self) -> float:
        """MW of the stated basis."""
        return self.it_mw if self.basis is PowerBasis.IT else self.gross_mw

    def per_w(self, value_usd: ArrayLike, basis: PowerBasis | None = None) -> FloatArray:
        """``value_usd`` per W of ``basis`` (default: the stated basis) [USD/W]."""
        b = self.basis if basis is None else basis
        return usd_per_w(value_usd, self.it_mw if b is PowerBasis.IT else self.gross_mw)

    @property
    def equity_value_created_usd_per_w(self) -> FloatArray:
        """Equity value created per W of the stated basis [USD/W]."""
        return self.per_w(self.equity_value_created_usd)


def _taxed(net: FloatArray, cf: CashFlows, tax: TaxTerms, interest_usd: FloatArray) -> FloatArray:
    """Net flows less income tax on EBITDA - depreciation (+ interest, negative)."""
    spend = np.where(cf.capex_usd < 0, -cf.capex_usd, 0.0)
    dep = depreciation_usd(spend, depreciation_kernel_monthly(tax.method, tax.life_years))
    taxable = cf.ebitda_usd - dep + interest_usd
    return np.asarray(
        net + income_tax_usd(taxable, tax.rate_frac, carry_forward=tax.carry_forward),
        dtype=np.float64,
    )


def npv_decomposition_usd(cf: CashFlows, a: ValuationAssumptions) -> dict[str, FloatArray]:
    """The unlevered NPV split by line [USD], each ``(paths,)``: the present value at the
    valuation rate (monthly ``(1+r)^(1/12)-1``, end-of-month flows, as
    :func:`~hashpivot.valuation.cashflow.npv_end_of_month`) of ``revenue``, ``opex``,
    ``capex`` (conversion, equipment purchases and refreshes; sales positive),
    ``terminal_value`` (received at the end of the last month) and, with tax, ``tax``.
    NPV is linear in the flows, so the parts sum to ``npv_usd``."""
    r_m = monthly_rate(a.discount_rate_per_year)
    paths = cf.paths
    tv = np.zeros_like(cf.revenue_usd)
    if cf.terminal_value_usd is not None:
        tv[:, -1] = cf.terminal_value_usd
    lines = {"revenue": cf.revenue_usd, "opex": cf.opex_usd, "capex": cf.capex_usd}
    lines["terminal_value"] = tv
    if a.tax is not None:
        net = cf.net_usd
        lines["tax"] = _taxed(net, cf, a.tax, np.zeros_like(net)) - net
    return {k: np.broadcast_to(npv_end_of_month(r_m, v), (paths,)).copy() for k, v in lines.items()}


def levered_figures(
    cf: CashFlows,
    a: ValuationAssumptions,
    *,
    stabilised_month: int,
    noi: FloatArray,
    capex: FloatArray,
) -> dict[str, object]:
    """Project debt (and tax on the levered flows) as post-processing of any strategy's cash
    flows: the equity's NPV and IRR, debt drawn, equity invested, levered cash yield and the
    minimum annual DSCR (CFADS = EBITDA - maintenance capex - taxes paid, from stabilisation)."""
    assert a.debt is not None
    zero = np.zeros_like(cf.revenue_usd)
    sched = debt_schedule(cf.capex_usd, a.debt, last_draw_month=stabilised_month)
    lev = levered_cash_flows_usd(cf.net_usd, sched)
    tax_paid = zero
    if a.tax is not None:
        taxed = _taxed(lev, cf, a.tax, sched.interest_usd)
        tax_paid = taxed - lev
        lev = taxed
    r_e = monthly_rate(
        a.discount_rate_per_year
        if a.equity_discount_rate_per_year is None
        else a.equity_discount_rate_per_year
    )
    lev_irr = irr_annual(lev)
    debt_total = sched.draw_usd.sum(axis=1)
    cfads = cf.ebitda_usd + cf.capex_usd + tax_paid
    cov = dscr(cfads[:, stabilised_month:], sched.debt_service_usd[:, stabilised_month:])
    min_cov = np.where(
        np.all(np.isnan(cov), axis=1),
        np.nan,
        np.nanmin(np.where(np.isnan(cov), np.inf, cov), axis=1),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ds_year = sched.debt_service_usd[:, stabilised_month : stabilised_month + 12].sum(1)
        lev_yield = (noi + ds_year) / np.where(capex - debt_total > 0, capex - debt_total, np.nan)
    return {
        "levered_npv_usd": npv_end_of_month(r_e, lev),
        "levered_irr": lev_irr.rate,
        "levered_irr_status": lev_irr.status,
        "debt_usd": debt_total,
        "equity_invested_usd": -np.where(lev < 0, lev, 0.0).sum(axis=1),
        "levered_cash_yield_frac": lev_yield,
        "min_dscr": min_cov,
        "dscr_ok": np.asarray(min_cov >= a.debt.min_dscr),
    }


def value_cash_flows(
    cf: CashFlows,
    a: ValuationAssumptions,
    *,
    it_mw: float,
    gross_mw: float,
    noi_usd_per_year: ArrayLike,
    capex_usd: ArrayLike,
    value_usd: ArrayLike | None = None,
    stabilised_month: int = 0,
) -> ProjectValuation:
    """Value any AI-path cash flows (generic; the lease and GPU wrappers call it).

    ``noi_usd_per_year`` [USD/year] and ``capex_usd`` [USD, positive] per path feed the
    yield on cost and the development spread; ``value_usd`` (per path) is the stabilised
    value (NOI / cap rate for a lease); ``None`` means capex + NPV (a DCF value).
    ``stabilised_month`` starts the 12 months whose NOI is ``noi_usd_per_year`` (the levered
    cash yield uses the debt service of the same months) and the annual DSCR tests (CFADS =
    EBITDA over debt service, in 12-month blocks from there). Debt funds ``ltc_frac`` of the
    capex up to and including that month (the development); later capex is equity's.
    """
    paths = cf.paths
    r_m = monthly_rate(a.discount_rate_per_year)
    zero = np.zeros_like(cf.revenue_usd)
    net = cf.net_usd
    if a.tax is not None:
        net = _taxed(net, cf, a.tax, zero)
    npv_usd = np.broadcast_to(npv_end_of_month(r_m, net), (paths,)).copy()
    irr_res = irr_annual(net)
    noi = np.broadcast_to(np.asarray(noi_usd_per_year, dtype=np.float64), (paths,)).copy()
    capex = np.broadcast_to(np.asarray(capex_usd, dtype=np.float64), (paths,)).copy()
    value = capex + npv_usd if value_usd is None else np.broadcast_to(value_usd, (paths,)).copy()
    created = value - capex
    equity_created = created.copy()
    out: dict[str, object] = {}
    if a.debt is not None:
        out = levered_figures(cf, a, stabilised_month=stabilised_month, noi=noi, capex=capex)
        if value_usd is None:
            equity_created = np.asarray(out["levered_npv_usd"])
    return ProjectValuation(
        basis=a.basis,
        it_mw=it_mw,
        gross_mw=gross_mw,
        npv_usd=npv_usd,
        irr=irr_res.rate,
        irr_status=irr_res.status,
        noi_usd_per_year=noi,
        capex_usd=capex,
        value_usd=value,
        value_created_usd=created,
        equity_value_created_usd=equity_created,
        yield_on_cost_frac=yield_on_cost_frac(noi, capex),
        payback_months=payback_months(net, flows_at_period_end=True),
        moic=moic(net),
        cash_flows=cf,
        npv_decomposition_usd=npv_decomposition_usd(cf, a),
        **out,  # type: ignore[arg-type]
    )


def value_lease(
    terms: LeaseTerms,
    conv: Conversion,
    a: ValuationAssumptions,
    *,
    start: date,
    months: int | None = None,
    rent_multiplier: ArrayLike | None = None,
    market_rent_usd_per_kw_month: ArrayLike | None = None,
    power_price_usd_per_mwh: ArrayLike | None = None,
) -> ProjectValuation:
    """Value a lease of the converted site (DCF with exit, and the development spread).

    ``months`` defaults to the lease end (commencement + term + renewals assumed). The other
    arguments are the per-path market inputs of :func:`~hashpivot.compute.shell.lease_cash_flows`.
    """
    horizon = terms.lease_end_month if months is None else months
    cf = lease_cash_flows(
        terms,
        conv,
        start=start,
        months=horizon,
        exit_cap_rate_frac=a.exit_cap_rate_frac,
        sale_cost_frac=a.sale_cost_frac,
        rent_multiplier=rent_multiplier,
        market_rent_usd_per_kw_month=market_rent_usd_per_kw_month,
        power_price_usd_per_mwh=power_price_usd_per_mwh,
    )
    noi = cf.extras["noi_first_year_usd"]
    capex = landlord_capex_usd_per_it_mw(conv) * conv.it_mw
    return value_cash_flows(
        cf,
        a,
        it_mw=min(terms.it_mw, conv.it_mw),
        gross_mw=conv.gross_mw,
        noi_usd_per_year=noi,
        capex_usd=capex,
        value_usd=cap_rate_value_usd(noi, a.cap_rate_frac),
        stabilised_month=stabilisation_month(terms, conv),
    )


def value_gpu_cloud(
    terms: GpuCloudTerms,
    conv: Conversion,
    a: ValuationAssumptions,
    *,
    start: date,
    months: int,
    gpu_rate_usd_per_gpu_hour: ArrayLike | None = None,
    power_price_usd_per_mwh: ArrayLike | None = None,
) -> ProjectValuation:
    """Value a GPU cloud on the converted site (DCF; terminal = GPUs at book + the hall at its
    leased value, see compute); the contracted take-or-pay revenue at
    ``terms.contract_discount_rate_per_year`` (valuation/gpu_credit.py), net of the share
    of opex and capex that serves it."""
    cf = gpu_cloud_cash_flows(
        terms,
        conv,
        start=start,
        months=months,
        gpu_rate_usd_per_gpu_hour=gpu_rate_usd_per_gpu_hour,
        power_price_usd_per_mwh=power_price_usd_per_mwh,
    )
    stab = conv.full_delivery_month
    ebitda = cf.extras["ebitda_accrual_usd"][:, stab : stab + 12].sum(axis=1)
    facility = (conv.shell_capex_usd_per_it_mw + conv.fitout_capex_usd_per_it_mw) * conv.it_mw
    capex = facility + float(cf.extras["gpu_capex_usd"][0])
    v = value_cash_flows(
        cf,
        a,
        it_mw=conv.it_mw,
        gross_mw=conv.gross_mw,
        noi_usd_per_year=ebitda,
        capex_usd=capex,
        stabilised_month=stab,
    )
    return with_contract_credit(
        v,
        cf.extras["contracted_revenue_usd"],
        cf.extras["contracted_cost_share"],
        a.discount_rate_per_year,
        terms.contract_discount_rate_per_year,
    )


def _irr_fields(rate: float | None, status: str, payback: float | None) -> dict[str, object]:
    """``irr`` (None unless finite and meaningful), ``irr_status`` and ``irr_display`` (the
    rate, or why not: :func:`~hashpivot.valuation.cashflow.irr_shown`)."""
    value, text = irr_shown(float("nan") if rate is None else rate, status, payback)
    return {"irr": value, "irr_status": status, "irr_display": text}


def headline(v: ProjectValuation, path: int = 0) -> dict[str, object]:
    """The headline figures of one path as plain floats/strings (for reports and JSON).

    Per-W figures are given on the stated basis and on both IT and gross power.
    """

    def f(x: FloatArray | None) -> float | None:
        return None if x is None else float(np.asarray(x).reshape(-1)[path])

    out: dict[str, object] = {
        "basis": v.basis.value,
        "it_mw": v.it_mw,
        "gross_mw": v.gross_mw,
        "npv_usd": f(v.npv_usd),
        **_irr_fields(f(v.irr), str(v.irr_status.reshape(-1)[path]), f(v.payback_months)),
        "noi_usd_per_year": f(v.noi_usd_per_year),
        "capex_usd": f(v.capex_usd),
        "yield_on_cost_frac": f(v.yield_on_cost_frac),
        "value_usd": f(v.value_usd),
        "value_created_usd": f(v.value_created_usd),
        "value_created_usd_per_w": f(v.per_w(v.value_created_usd)),
        "value_created_usd_per_w_it": f(v.per_w(v.value_created_usd, PowerBasis.IT)),
        "value_created_usd_per_w_gross": f(v.per_w(v.value_created_usd, PowerBasis.GROSS)),
        "equity_value_created_usd": f(v.equity_value_created_usd),
        "equity_value_created_usd_per_w": f(v.equity_value_created_usd_per_w),
        "ev_per_mw_usd": f(v.value_usd / v.basis_mw),
        "npv_usd_per_w": f(v.per_w(v.npv_usd)),
        "payback_months": f(v.payback_months),
        "moic": f(v.moic),
    }
    if v.npv_decomposition_usd is not None:
        out["npv_decomposition_usd"] = {k: f(x) for k, x in v.npv_decomposition_usd.items()}
    if v.npv_all_at_site_rate_usd is not None:
        out["npv_all_at_site_rate_usd"] = f(v.npv_all_at_site_rate_usd)
    if v.levered_npv_usd is not None:
        out["levered"] = {
            "npv_usd": f(v.levered_npv_usd),
            **_irr_fields(
                f(v.levered_irr),
                "ok"
                if v.levered_irr_status is None
                else str(v.levered_irr_status.reshape(-1)[path]),
                None,
            ),
            "debt_usd": f(v.debt_usd),
            "equity_invested_usd": f(v.equity_invested_usd),
            "cash_yield_frac": f(v.levered_cash_yield_frac),
            "min_dscr": f(v.min_dscr),
            "dscr_ok": None if v.dscr_ok is None else bool(v.dscr_ok.reshape(-1)[path]),
        }
    else:
        out["levered"] = None
    return out
