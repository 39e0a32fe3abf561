"""Path 3, the compute provider: run a GPU cloud in the converted site.

Pure, vectorised cash-flow builders over ``(paths, months)``, nominal USD, inflows positive
and outflows negative; month index 0 is the analysis start; every month counts its calendar hours
(:func:`hashpivot.calendar.month_hours`: 672 to 744 h).

Model (docs/methodology.md):
- GPUs installed per phase: ``floor(it_mw * 1000 / it_kw_per_gpu)`` (kW per GPU including
  its share of server, CPU and network power).
- Revenue per month = GPUs x hours in the month x [contracted share x contract rate
  (take-or-pay, for the contract months from each phase's delivery) + uncontracted share x
  utilisation x market rate]. The market rate follows each generation's decay curve,
  ``max(floor, rate at purchase * (1 - decay) ** years since the purchase)`` (the rate at
  purchase is the generation's rate on that date: compute/gpu_generations.py), or a per-path
  path of $/GPU-hour given by the scenario engine. A customer prepayment (share of the
  contract value) arrives at signing (month 0) and is credited evenly over the contract.
- Opex: power (installed IT kW x load x PUE x hours in the month x $/MWh), staff and software
  per GPU-year, site opex per IT MW-year, maintenance as a share of installed GPU capex per year.
- Capex: facility conversion (the operator owns the site: shell and fit-out), GPUs at each
  phase's delivery at the generation's price on that date, and every ``refresh_years`` a
  refresh to the then-current generation at its price, the old GPUs sold at book
  (compute/gpu_fleet.py; the refreshed fleet restarts the rate curve at its generation's
  rate). Terminal value: book value of the last GPUs bought (straight line to
  ``residual_value_frac``) plus the hall at its leased value (forward 12-month NOI of the
  lease path's terms / exit cap rate, as the lease path's exit values the same hall), or,
  without lease terms, the facility at its straight-line book value over
  ``facility_life_years``.

Sources: config/catalogue/gpu.csv (each row cites its own); market-facts.md (late 2025):
H100 1-year contract ~$2.2-2.4/GPU-h, $1.70 trough, floor ~$1.65; depreciation lives 4-6 y
(Nebius 4, Amazon 5, CoreWeave 6); project EBITDA margins 70-85%; IREN-Microsoft 20%
prepayment.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.calendar import month_hours
from hashpivot.compute.conversion import (
    Conversion,
    capex_schedule_usd,
    delivered_it_mw,
    paths_of,
    per_path,
)
from hashpivot.compute.gpu_fleet import Fleet, build_fleet
from hashpivot.compute.gpu_generations import (
    GpuModel,
    GpuSpec,
    gpus_per_it_mw,
    market_rate_curve,
)
from hashpivot.compute.gpu_terms import GpuCloudTerms
from hashpivot.compute.shell import lease_cash_flows
from hashpivot.errors import InputError
from hashpivot.types import CashFlows

FloatArray = NDArray[np.float64]

__all__ = [
    "GpuCloudTerms",
    "GpuModel",
    "GpuSpec",
    "check_contract_in_horizon",
    "contracted_cost_share",
    "gpu_cloud_cash_flows",
    "gpus_per_it_mw",
    "market_rate_curve",
]


def _market_rate(
    fleet: Fleet, gpu_rate_usd_per_gpu_hour: ArrayLike | None, paths: int
) -> FloatArray:
    """Market rate of the uncontracted GPUs [USD/GPU-hour], ``(paths, months)``: the given
    per-path rate, else the fleet's GPU-weighted catalogue curve (0 before any delivery)."""
    gpus = fleet.gpus
    months = gpus.shape[0]
    if gpu_rate_usd_per_gpu_hour is not None:
        return per_path(gpu_rate_usd_per_gpu_hour, paths, months, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        curve = np.where(gpus > 0, fleet.curve_rate_x_gpus / np.maximum(gpus, 1.0), 0.0)
    return np.broadcast_to(curve, (paths, months)).copy()


def check_contract_in_horizon(terms: GpuCloudTerms, conv: Conversion, months: int) -> None:
    """Raise :class:`InputError` (``gpu_cloud.contract_years``) when a take-or-pay contract
    (``contract_months`` from its phase's delivery) ends after the horizon ``months``: its
    prepayment would be credited against the in-horizon hours only and the years past the
    horizon valued at nothing (docs/methodology.md, "GPU cloud": the contract must end inside
    the horizon; lengthen the horizon or shorten the contract)."""
    if terms.contracted_share_frac <= 0 or terms.contract_months <= 0:
        return
    last = max((p.delivery_month for p in conv.phases), default=0)
    if last + terms.contract_months > months:
        room = max(months - last, 0)
        raise InputError(
            "gpu_cloud.contract_years",
            terms.contract_months / 12.0,
            f"a contract that ends inside the {months}-month horizon: at most {room / 12:g} "
            f"years from the last delivery (month {last}), or a horizon of at least "
            f"{last + terms.contract_months} months",
        )


def _contract_value_usd(terms: GpuCloudTerms, fleet: Fleet, hours_all: FloatArray) -> float:
    """Value of the take-or-pay contracts [USD]: each phase's first-purchase GPUs x the
    contracted share x the contract's hours x rate (each contract runs ``contract_months``
    from its phase's delivery; ``hours_all`` [h] covers every month up to the last
    contract's end, inside the horizon: :func:`check_contract_in_horizon`)."""
    contract_value = 0.0
    for p in fleet.first_purchases:
        first = max(p.month, 0)
        contract_hours = hours_all[first : first + terms.contract_months].sum()
        contract_value += (
            p.gpus
            * terms.contracted_share_frac
            * contract_hours
            * terms.contract_rate_usd_per_gpu_hour
        )
    return contract_value


def _with_prepayment(
    revenue_usd: FloatArray, prepay_usd: float, contracted_hours: FloatArray
) -> FloatArray:
    """Revenue [USD] with the prepayment ``prepay_usd`` [USD] received at signing (month 0)
    and credited in proportion to the contracted GPU-hours ``contracted_hours`` [GPU-h]."""
    if prepay_usd > 0 and contracted_hours.sum() > 0:
        revenue_usd = revenue_usd - prepay_usd * contracted_hours / contracted_hours.sum()
        revenue_usd[:, 0] += prepay_usd
    return revenue_usd


def contracted_cost_share(terms: GpuCloudTerms, conv: Conversion, fleet: Fleet) -> FloatArray:
    """Share of each month's opex and capex that serves the take-or-pay contract [fraction],
    ``(months,)``: the contracted GPUs over the installed ones (at most 1) while a contract
    runs, ``contracted_share_frac`` before any GPU is installed (the works that build the
    contracted capacity), 0 after the last contract ends. The contract's net flows (its
    revenue less this share of opex and capex) are what the counterparty's credit backs
    (valuation/gpu_credit.py)."""
    months = fleet.gpus.shape[0]
    if terms.contracted_share_frac <= 0 or terms.contract_months <= 0:
        return np.zeros(months)
    end = max((p.delivery_month for p in conv.phases), default=0) + terms.contract_months
    contracted = fleet.contract_gpus * terms.contracted_share_frac
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(
            fleet.gpus > 0,
            np.minimum(contracted / np.maximum(fleet.gpus, 1e-300), 1.0),
            terms.contracted_share_frac,
        )
    return np.asarray(np.where(np.arange(months) < end, share, 0.0), dtype=np.float64)


def _opex_usd(
    terms: GpuCloudTerms,
    conv: Conversion,
    fleet: Fleet,
    hours: FloatArray,
    price_usd_per_mwh: FloatArray,
) -> FloatArray:
    """Monthly opex [USD], negative, ``(paths, months)``: staff and software per GPU-year,
    site opex per delivered IT MW-year, maintenance per installed GPU capex-year, and power
    (installed IT kW x load x PUE x ``hours`` [h] x ``price_usd_per_mwh`` [USD/MWh])."""
    months = fleet.gpus.shape[0]
    it_mwh = fleet.it_kw / 1000.0 * terms.power_load_frac * hours
    delivered_mw = delivered_it_mw(conv.phases, months)
    opex_1d = -(
        fleet.gpus * terms.staff_software_usd_per_gpu_year / 12.0
        + delivered_mw * terms.site_opex_usd_per_it_mw_year / 12.0
        + fleet.capex_installed_usd * terms.maintenance_frac_of_capex_per_year / 12.0
    )
    return np.asarray(opex_1d[None, :] - price_usd_per_mwh * (it_mwh * conv.pue)[None, :])


def _facility_book_value_usd(
    conv: Conversion, facility_usd_per_it_mw: float, months: int, facility_life_years: float
) -> float:
    """Facility (shell + fit-out, ``facility_usd_per_it_mw`` [USD/IT MW]) at its straight-line
    book value over ``facility_life_years`` [years] at the horizon end [USD]."""
    fac_life = max(round(12 * facility_life_years), 1)
    return sum(
        p.it_mw
        * facility_usd_per_it_mw
        * max(1.0 - max(months - p.delivery_month, 0) / fac_life, 0.0)
        for p in conv.phases
    )


def _hall_value_usd(
    terms: GpuCloudTerms, conv: Conversion, start: date, months: int, facility_per_mw: float
) -> float:
    """The hall at the horizon ``months`` [USD]: leased (forward NOI / exit cap, the lease
    path's exit of the same hall) when ``terms.hall_lease`` is given, else at book
    (shell + fit-out ``facility_per_mw`` [USD/IT MW], straight line)."""
    if terms.hall_lease is None:
        return _facility_book_value_usd(conv, facility_per_mw, months, terms.facility_life_years)
    lease = lease_cash_flows(
        terms.hall_lease,
        conv,
        start=start,
        months=months,
        exit_cap_rate_frac=terms.hall_exit_cap_rate_frac,
        sale_cost_frac=terms.hall_sale_cost_frac,
    )
    assert lease.terminal_value_usd is not None
    return float(lease.terminal_value_usd[0])


def gpu_cloud_cash_flows(
    terms: GpuCloudTerms,
    conv: Conversion,
    *,
    start: date,
    months: int,
    gpu_rate_usd_per_gpu_hour: ArrayLike | None = None,
    power_price_usd_per_mwh: ArrayLike | None = None,
) -> CashFlows:
    """Monthly cash flows of a GPU cloud on the converted site.

    Parameters
    ----------
    terms, conv : the business and the conversion (phases give the IT MW by month; the
        operator pays shell and fit-out)
    start, months : first day of month 0; horizon [months]
    gpu_rate_usd_per_gpu_hour : optional market rate per path ``(paths, months)`` (or
        scalar / ``(paths,)``) [USD/GPU-hour] replacing the generations' decay curve for the
        uncontracted GPUs
    power_price_usd_per_mwh : optional per-path power price overriding the terms

    Returns :class:`~hashpivot.types.CashFlows`; ``extras`` holds ``gpus`` (installed,
    ``(months,)``), ``contracted_gpus``, ``contracted_revenue_usd`` (the take-or-pay revenue,
    prepayment included, ``(paths, months)``), ``contracted_cost_share`` (the share of opex
    and capex serving the contract, ``(months,)``: :func:`contracted_cost_share`),
    ``contracted_net_usd`` (that revenue less that share of opex and capex, ``(paths,
    months)``), ``ebitda_accrual_usd`` (EBITDA with the
    prepaid revenue recognised when earned), ``market_rate_usd_per_gpu_hour``,
    ``gpu_purchase_usd`` and ``gpu_sale_usd`` ``(months,)``, ``contract_value_usd``,
    ``gpu_capex_usd`` (the first purchases), ``hall_terminal_value_usd`` and
    ``gpu_terminal_value_usd`` (``(1,)``).
    """
    check_contract_in_horizon(terms, conv, months)
    paths = paths_of(gpu_rate_usd_per_gpu_hour, power_price_usd_per_mwh)
    hours = month_hours(start, months)  # every contract ends inside the horizon (checked)
    fleet = build_fleet(terms, conv, start, months)
    contract_value = _contract_value_usd(terms, fleet, hours)
    contracted = fleet.contract_gpus * terms.contracted_share_frac
    market = _market_rate(fleet, gpu_rate_usd_per_gpu_hour, paths)
    take_or_pay = np.broadcast_to(
        contracted * hours * terms.contract_rate_usd_per_gpu_hour, (paths, months)
    ).copy()
    # after a refresh inside the contract the contract's GPU-hours come first (served by the
    # new generation); the merchant GPUs are the rest
    merchant = np.maximum(fleet.gpus - contracted, 0.0) * hours * terms.utilisation_frac * market
    contract_cash = _with_prepayment(
        take_or_pay, terms.prepayment_frac * contract_value, contracted * hours
    )
    price = per_path(power_price_usd_per_mwh, paths, months, terms.power_price_usd_per_mwh)
    opex = _opex_usd(terms, conv, fleet, hours, price)

    facility_per_mw = conv.shell_capex_usd_per_it_mw + conv.fitout_capex_usd_per_it_mw
    facility = capex_schedule_usd(conv.phases, facility_per_mw, conv.construction_months, months)
    capex = np.broadcast_to(facility + fleet.purchase_usd + fleet.sale_usd, (paths, months)).copy()
    hall_usd = _hall_value_usd(terms, conv, start, months, facility_per_mw)
    tv = np.full(paths, fleet.book_usd + hall_usd)
    first_capex = sum(p.gpus * p.capex_usd_per_gpu for p in fleet.first_purchases)
    share = contracted_cost_share(terms, conv, fleet)
    return CashFlows(
        start=start,
        revenue_usd=np.asarray(merchant + contract_cash, dtype=np.float64),
        opex_usd=np.asarray(opex, dtype=np.float64),
        capex_usd=capex,
        terminal_value_usd=tv,
        extras={
            "gpus": fleet.gpus,
            "contracted_gpus": contracted,
            "contracted_revenue_usd": contract_cash,
            "contracted_cost_share": share,
            "contracted_net_usd": contract_cash + share[None, :] * (opex + capex),
            "ebitda_accrual_usd": merchant + take_or_pay + opex,
            "market_rate_usd_per_gpu_hour": market,
            "gpu_purchase_usd": fleet.purchase_usd,
            "gpu_sale_usd": fleet.sale_usd,
            "contract_value_usd": np.array([contract_value]),
            "gpu_capex_usd": np.array([first_capex]),
            "hall_terminal_value_usd": np.array([hall_usd]),
            "gpu_terminal_value_usd": np.array([fleet.book_usd]),
        },
    )
