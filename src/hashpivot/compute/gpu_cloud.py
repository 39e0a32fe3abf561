"""Path 3, the compute provider: run a GPU cloud in the converted site.

Pure, vectorised cash-flow builders over ``(paths, months)``, nominal USD, inflows positive
and outflows negative; month index 0 is the analysis start; every month counts its calendar hours
(:func:`hashpivot.calendar.month_hours`: 672 to 744 h).

Model (docs/methodology.md):
- GPUs installed per phase: ``floor(it_mw * 1000 / it_kw_per_gpu)`` (kW per GPU including
  its share of server, CPU and network power).
- Revenue per month = GPUs x hours in the month x [contracted share x contract rate
  (take-or-pay, for the contract months from each phase's delivery) + uncontracted share x
  utilisation x market rate]. The market rate follows a decay curve per generation,
  ``max(floor, rate0 * (1 - decay) ** years since the GPUs were installed)``, or a per-path
  path of $/GPU-hour given by the scenario engine. A customer prepayment (share of the
  contract value) arrives at signing (month 0) and is credited evenly over the contract.
- Opex: power (IT kW x load x PUE x hours in the month x $/MWh), staff and software per
  GPU-year, site opex per IT MW-year, maintenance as a share of GPU capex per year.
- Capex: facility conversion (the operator owns the site: shell and fit-out), GPUs at each
  phase's delivery, and a like-for-like refresh at the end of each depreciation life (the
  refreshed fleet restarts the rate curve at ``rate0``). Terminal value: book value of the
  GPUs (straight line to ``residual_value_frac``) plus the hall at its leased value (forward
  12-month NOI of the lease path's terms / exit cap rate, as the lease path's exit values the
  same hall), or, without lease terms, the facility at its straight-line book value over
  ``facility_life_years``.

Sources: config/catalogue/gpu.csv (each row cites its own); market-facts.md (late 2025):
H100 1-year contract ~$2.2-2.4/GPU-h, $1.70 trough, floor ~$1.65; depreciation lives 4-6 y
(Nebius 4, Amazon 5, CoreWeave 6); project EBITDA margins 70-85%; IREN-Microsoft 20%
prepayment.
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
    paths_of,
    per_path,
)
from hashpivot.compute.shell import LeaseTerms, lease_cash_flows
from hashpivot.types import CashFlows

FloatArray = NDArray[np.float64]

__all__ = [
    "GpuCloudTerms",
    "GpuModel",
    "GpuSpec",
    "gpu_cloud_cash_flows",
    "gpus_per_it_mw",
    "market_rate_curve",
]


class GpuModel(StrEnum):
    """GPU models of the catalogue (config/catalogue/gpu.csv)."""

    H100 = "H100"
    H200 = "H200"
    B200 = "B200"
    GB200 = "GB200"
    GB300 = "GB300"


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuSpec:
    """One catalogue row.

    it_kw_per_gpu : IT power per GPU incl. its server/network share [kW]
    capex_usd_per_gpu : all-in capex per GPU (server, network, storage share) [USD]
    rate_usd_per_gpu_hour : market rental rate at the analysis start [USD/GPU-hour]
    rate_decay_frac_per_year : yearly decline of the market rate with age [fraction/year]
    rate_floor_usd_per_gpu_hour : the market rate never falls below this [USD/GPU-hour]
    """

    model: GpuModel
    it_kw_per_gpu: float
    capex_usd_per_gpu: float
    rate_usd_per_gpu_hour: float
    rate_decay_frac_per_year: float
    rate_floor_usd_per_gpu_hour: float
    rate_basis: str = ""
    source: str = ""


def gpus_per_it_mw(it_kw_per_gpu: float) -> float:
    """GPUs one MW of critical IT power supports: ``1000 / it_kw_per_gpu`` [GPUs/MW]."""
    return 1000.0 / it_kw_per_gpu


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuCloudTerms:
    """A GPU cloud business on the converted site (built from ``[gpu_cloud]``).

    gpu : :class:`GpuSpec` (catalogue row, possibly overridden)
    contracted_share_frac : share of GPUs under a take-or-pay contract [fraction]
    contract_rate_usd_per_gpu_hour : contract price [USD/GPU-hour]
    contract_months : contract length from each phase's delivery [months]
    prepayment_frac : share of the contract value prepaid at signing [fraction]
    utilisation_frac : billed share of the uncontracted GPU-hours [fraction]
    power_load_frac : average IT draw / IT nameplate [fraction]
    power_price_usd_per_mwh : all-in power price [USD/MWh]
    staff_software_usd_per_gpu_year : staff, software, support [USD per GPU per year]
    site_opex_usd_per_it_mw_year : facility opex (insurance, tax, upkeep) [USD/IT MW/yr]
    maintenance_frac_of_capex_per_year : hardware maintenance [fraction of GPU capex/yr]
    depreciation_life_years : GPU book life, also the refresh cycle [years]
    refresh : re-buy the GPUs at the end of each life (like-for-like) [bool]
    refresh_capex_frac : refresh cost / original GPU capex [fraction]
    residual_value_frac : GPU book value left at end of life [fraction of capex]
    facility_life_years : straight-line life of the facility for the terminal value [years]
        (used only without ``hall_lease``)
    hall_lease : the lease the converted hall would carry (the lease path's terms); with it
        the hall's terminal value is its leased value, forward 12-month NOI / exit cap rate
        x (1 - sale cost), as :func:`~hashpivot.compute.shell.lease_cash_flows` values the
        same hall; without it, the facility's straight-line book value
    hall_exit_cap_rate_frac : exit cap rate of the leased hall [fraction/year]
    hall_sale_cost_frac : costs of selling the leased hall [fraction of its value]
    """

    gpu: GpuSpec
    contracted_share_frac: float = 0.0
    contract_rate_usd_per_gpu_hour: float = 0.0
    contract_months: int = 0
    prepayment_frac: float = 0.0
    utilisation_frac: float = 0.8
    power_load_frac: float = 0.8
    power_price_usd_per_mwh: float = 45.0
    staff_software_usd_per_gpu_year: float = 1500.0
    site_opex_usd_per_it_mw_year: float = 150_000.0
    maintenance_frac_of_capex_per_year: float = 0.02
    depreciation_life_years: float = 5.0
    refresh: bool = True
    refresh_capex_frac: float = 1.0
    residual_value_frac: float = 0.0
    facility_life_years: float = 20.0
    hall_lease: LeaseTerms | None = None
    hall_exit_cap_rate_frac: float = 0.065
    hall_sale_cost_frac: float = 0.0


def market_rate_curve(spec: GpuSpec, age_months: ArrayLike) -> FloatArray:
    """Market rental rate of a GPU ``age_months`` old [USD/GPU-hour].

    ``max(floor, rate0 * (1 - decay) ** (age_months / 12))``; NaN-free for ages >= 0.
    """
    age = np.maximum(np.asarray(age_months, dtype=np.float64), 0.0)
    rate = spec.rate_usd_per_gpu_hour * (1.0 - spec.rate_decay_frac_per_year) ** (age / 12.0)
    return np.asarray(np.maximum(rate, spec.rate_floor_usd_per_gpu_hour), dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Fleet:
    """The installed GPUs month by month, summed over the phases; arrays are ``(months,)``.

    gpus : GPUs installed [-]
    contract_gpus : GPUs of phases still inside their contract months [-] (before the
        contracted share is applied)
    curve_rate_x_gpus : sum over phases of GPUs x their market-curve rate [USD/hour]
    gpu_capex_usd : GPU purchases at delivery and at each refresh [USD], negative
    gpus_bought : GPUs bought at the phases' deliveries, summed over phases [-]
    """

    gpus: FloatArray
    contract_gpus: FloatArray
    curve_rate_x_gpus: FloatArray
    gpu_capex_usd: FloatArray
    gpus_bought: float


def _phase_gpus(it_mw: float, spec: GpuSpec) -> float:
    """GPUs a phase of ``it_mw`` [MW] of IT power installs: ``floor(it_mw x 1000 / kW per GPU)``."""
    return float(np.floor(it_mw * gpus_per_it_mw(spec.it_kw_per_gpu)))


def _fleet(terms: GpuCloudTerms, conv: Conversion, months: int, life_months: int) -> _Fleet:
    """GPUs, contracted GPUs, curve revenue rate and GPU capex by month over all phases
    (``life_months`` [months]: the depreciation life, also the refresh cycle)."""
    m = np.arange(months)
    spec = terms.gpu
    life = life_months
    gpus = np.zeros(months)
    contracted = np.zeros(months)  # GPUs under the take-or-pay contract
    curve_rate_x_gpus = np.zeros(months)  # sum over phases of GPUs x their curve rate
    gpu_capex = np.zeros(months)
    n_total = 0.0
    for p in conv.phases:  # a handful of phases; every path at once
        n = _phase_gpus(p.it_mw, spec)
        n_total += n
        age = m - p.delivery_month
        on = age >= 0
        gpus += np.where(on, n, 0.0)
        contracted += np.where(on & (age < terms.contract_months), n, 0.0)
        cycle_age = np.where(on, age % life, 0) if terms.refresh else np.where(on, age, 0)
        curve_rate_x_gpus += np.where(on, n * market_rate_curve(spec, cycle_age), 0.0)
        # purchases at delivery and at each refresh inside the horizon
        refresh_buy = on & (age > 0) & (age % life == 0) & terms.refresh
        gpu_capex -= np.where(on & (age == 0), n * spec.capex_usd_per_gpu, 0.0)
        gpu_capex -= np.where(
            refresh_buy, terms.refresh_capex_frac * n * spec.capex_usd_per_gpu, 0.0
        )
    return _Fleet(
        gpus=gpus,
        contract_gpus=contracted,
        curve_rate_x_gpus=curve_rate_x_gpus,
        gpu_capex_usd=gpu_capex,
        gpus_bought=n_total,
    )


def _market_rate(
    fleet: _Fleet, gpu_rate_usd_per_gpu_hour: ArrayLike | None, paths: int
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


def _contract_value_usd(terms: GpuCloudTerms, conv: Conversion, hours_all: FloatArray) -> float:
    """Value of the take-or-pay contracts [USD]: contracted GPUs x contract hours x rate,
    summed over phases (each phase's contract runs ``contract_months`` from its delivery;
    ``hours_all`` [h] covers every month up to the last contract's end)."""
    contract_value = 0.0
    for p in conv.phases:
        contracted_n = _phase_gpus(p.it_mw, terms.gpu) * terms.contracted_share_frac
        first = max(p.delivery_month, 0)
        contract_hours = hours_all[first : first + terms.contract_months].sum()
        contract_value += contracted_n * contract_hours * terms.contract_rate_usd_per_gpu_hour
    return contract_value


def _gpu_book_value_usd(
    terms: GpuCloudTerms, conv: Conversion, months: int, life_months: int
) -> float:
    """Straight-line book value [USD] at the horizon end of each phase's latest GPU purchase
    (to ``residual_value_frac`` of its cost over ``life_months`` [months])."""
    spec = terms.gpu
    life = life_months
    gpu_book_usd = 0.0
    for p in conv.phases:
        n = _phase_gpus(p.it_mw, spec)
        held = months - p.delivery_month  # months of use by the horizon end
        if held > 0:
            first_cycle = held <= life
            basis = n * spec.capex_usd_per_gpu * (1.0 if first_cycle else terms.refresh_capex_frac)
            used = (held - 1) % life + 1 if terms.refresh else min(held, life)
            salvage = terms.residual_value_frac * basis
            gpu_book_usd += basis - (basis - salvage) * used / life
    return gpu_book_usd


def _with_prepayment(
    revenue_usd: FloatArray, prepay_usd: float, contracted_hours: FloatArray
) -> FloatArray:
    """Revenue [USD] with the prepayment ``prepay_usd`` [USD] received at signing (month 0)
    and credited in proportion to the contracted GPU-hours ``contracted_hours`` [GPU-h]."""
    if prepay_usd > 0 and contracted_hours.sum() > 0:
        revenue_usd = revenue_usd - prepay_usd * contracted_hours / contracted_hours.sum()
        revenue_usd[:, 0] += prepay_usd
    return revenue_usd


def _opex_usd(
    terms: GpuCloudTerms,
    conv: Conversion,
    gpus: FloatArray,
    hours: FloatArray,
    price_usd_per_mwh: FloatArray,
) -> FloatArray:
    """Monthly opex [USD], negative, ``(paths, months)``: staff and software per GPU-year,
    site opex per delivered IT MW-year, maintenance per GPU capex-year, and power
    (IT kW x load x PUE x ``hours`` [h] x ``price_usd_per_mwh`` [USD/MWh])."""
    spec = terms.gpu
    months = gpus.shape[0]
    it_mwh = gpus * spec.it_kw_per_gpu / 1000.0 * terms.power_load_frac * hours
    delivered_mw = delivered_it_mw(conv.phases, months)
    opex_1d = -(
        gpus * terms.staff_software_usd_per_gpu_year / 12.0
        + delivered_mw * terms.site_opex_usd_per_it_mw_year / 12.0
        + gpus * spec.capex_usd_per_gpu * terms.maintenance_frac_of_capex_per_year / 12.0
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
        scalar / ``(paths,)``) [USD/GPU-hour] replacing the catalogue decay curve for the
        uncontracted GPUs
    power_price_usd_per_mwh : optional per-path power price overriding the terms

    Returns :class:`~hashpivot.types.CashFlows`; ``extras`` holds ``gpus`` (installed,
    ``(months,)``), ``contracted_gpus``, ``ebitda_accrual_usd`` (EBITDA with the prepaid
    revenue recognised when earned, ``(paths, months)``),
    ``market_rate_usd_per_gpu_hour`` ``(paths, months)``,
    ``contract_value_usd``, ``gpu_capex_usd``, ``hall_terminal_value_usd`` and
    ``gpu_terminal_value_usd`` (``(1,)``).
    """
    spec = terms.gpu
    life = max(round(12 * terms.depreciation_life_years), 1)
    paths = paths_of(gpu_rate_usd_per_gpu_hour, power_price_usd_per_mwh)
    last_contract_month = max((p.delivery_month for p in conv.phases), default=0)
    hours_all = month_hours(start, max(months, last_contract_month + terms.contract_months))
    hours = hours_all[:months]

    fleet = _fleet(terms, conv, months, life)
    gpus = fleet.gpus
    contract_value = _contract_value_usd(terms, conv, hours_all)

    contracted = fleet.contract_gpus * terms.contracted_share_frac
    uncontracted = gpus - contracted
    market = _market_rate(fleet, gpu_rate_usd_per_gpu_hour, paths)
    revenue = (
        contracted * hours * terms.contract_rate_usd_per_gpu_hour
        + uncontracted * hours * terms.utilisation_frac * market
    )
    accrual_revenue = np.asarray(revenue, dtype=np.float64).copy()
    revenue = _with_prepayment(revenue, terms.prepayment_frac * contract_value, contracted * hours)

    price = per_path(power_price_usd_per_mwh, paths, months, terms.power_price_usd_per_mwh)
    opex = _opex_usd(terms, conv, gpus, hours, price)

    facility_per_mw = conv.shell_capex_usd_per_it_mw + conv.fitout_capex_usd_per_it_mw
    facility = capex_schedule_usd(conv.phases, facility_per_mw, conv.construction_months, months)
    capex = np.broadcast_to(facility + fleet.gpu_capex_usd, (paths, months)).copy()

    hall_usd = _hall_value_usd(terms, conv, start, months, facility_per_mw)
    gpu_residual_usd = _gpu_book_value_usd(terms, conv, months, life)
    tv = np.full(paths, gpu_residual_usd + hall_usd)
    return CashFlows(
        start=start,
        revenue_usd=np.asarray(revenue, dtype=np.float64),
        opex_usd=np.asarray(opex, dtype=np.float64),
        capex_usd=capex,
        terminal_value_usd=tv,
        extras={
            "gpus": gpus,
            "contracted_gpus": contracted,
            "ebitda_accrual_usd": accrual_revenue + opex,
            "market_rate_usd_per_gpu_hour": market,
            "contract_value_usd": np.array([contract_value]),
            "gpu_capex_usd": np.array([fleet.gpus_bought * spec.capex_usd_per_gpu]),
            "hall_terminal_value_usd": np.array([hall_usd]),
            "gpu_terminal_value_usd": np.array([gpu_residual_usd]),
        },
    )
