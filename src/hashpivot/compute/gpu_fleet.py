"""The GPU fleet of a GPU cloud month by month: purchases by generation, refreshes, sales.

Each phase of the conversion installs ``floor(it_mw x 1000 / kW per GPU)`` GPUs at its
delivery month; every ``refresh_years`` (0: never) the fleet is replaced by the generation
current at that date (:func:`~hashpivot.compute.gpu_generations.frontier_generation`) at its
price then (:func:`~hashpivot.compute.gpu_generations.capex_at_usd_per_gpu`), the old GPUs
sold at their straight-line book value, and the market-rate curve restarts at the new
generation's rate (:func:`~hashpivot.compute.gpu_generations.rate_at_usd_per_gpu_hour`,
decaying by age, floored). Arrays are ``(months,)``; a handful of phases and cycles are
looped over, every month at once. See docs/methodology.md, "GPU generations and refresh".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from numpy.typing import NDArray

from hashpivot.compute.conversion import Conversion
from hashpivot.compute.gpu_generations import (
    GpuSpec,
    add_months,
    capex_at_usd_per_gpu,
    frontier_generation,
    gpus_per_it_mw,
    market_rate_curve,
    rate_at_usd_per_gpu_hour,
)
from hashpivot.compute.gpu_terms import GpuCloudTerms

FloatArray = NDArray[np.float64]

__all__ = ["Fleet", "Purchase", "book_value_usd", "build_fleet", "purchase_at"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Purchase:
    """One purchase of a phase's GPUs: ``gpus`` of ``spec`` in month ``month`` at
    ``capex_usd_per_gpu`` [USD], renting at ``rate_usd_per_gpu_hour`` [USD/GPU-hour] then."""

    month: int
    spec: GpuSpec
    gpus: float
    capex_usd_per_gpu: float
    rate_usd_per_gpu_hour: float


@dataclass(slots=True, kw_only=True)
class Fleet:
    """The installed GPUs month by month, summed over phases and refresh cycles.

    gpus, it_kw : GPUs installed [-] and their IT power [kW]
    capex_installed_usd : what the installed GPUs cost [USD] (maintenance base)
    contract_gpus : GPUs under contract [-]: each phase's first-purchase count for its contract
        months from its delivery, whatever a refresh inside the contract installs (the
        take-or-pay contract sells those GPU-hours for its whole term)
    curve_rate_x_gpus : sum of GPUs x their market-curve rate [USD/hour]
    purchase_usd : GPU purchases [USD], negative; sale_usd : old GPUs sold at book [USD]
    purchases : every purchase, in phase then time order
    first_purchases : each phase's first purchase
    book_usd : the GPUs' book value at the horizon end [USD]
    """

    gpus: FloatArray
    it_kw: FloatArray
    capex_installed_usd: FloatArray
    contract_gpus: FloatArray
    curve_rate_x_gpus: FloatArray
    purchase_usd: FloatArray
    sale_usd: FloatArray
    purchases: list[Purchase] = field(default_factory=list)
    first_purchases: list[Purchase] = field(default_factory=list)
    book_usd: float = 0.0


def book_value_usd(basis_usd: float, held_months: int, life_months: int, residual: float) -> float:
    """Straight-line book value [USD] of GPUs bought for ``basis_usd`` [USD] after
    ``held_months`` [months] of a ``life_months`` [months] life, to ``residual`` [fraction]:
    ``basis - (basis - residual x basis) x min(held, life) / life``."""
    used = min(max(held_months, 0), life_months)
    return basis_usd - (basis_usd - residual * basis_usd) * used / life_months


def purchase_at(
    terms: GpuCloudTerms, it_mw: float, month: int, when: date, first: bool
) -> Purchase:
    """The purchase of ``it_mw`` [MW] of GPUs in month ``month`` (date ``when``): the given GPU
    for a first purchase (unless ``current_generation``), else the generation current at
    ``when`` from ``terms.generations`` (the given GPU when there is none)."""
    spec = terms.gpu
    if terms.generations and (terms.current_generation or not first):
        spec = frontier_generation(terms.generations, when, terms.generation_years)
        spec = replace(spec, rate_decay_frac_per_year=terms.gpu.rate_decay_frac_per_year)
    return Purchase(
        month=month,
        spec=spec,
        gpus=float(np.floor(it_mw * gpus_per_it_mw(spec.it_kw_per_gpu))),
        capex_usd_per_gpu=capex_at_usd_per_gpu(spec, when),
        rate_usd_per_gpu_hour=rate_at_usd_per_gpu_hour(spec, when),
    )


def _cycle_starts(delivery: int, months: int, refresh_months: int) -> list[int]:
    """Purchase months of one phase: its delivery, then every ``refresh_months`` before the
    horizon ``months`` (only the delivery when ``refresh_months`` is 0)."""
    starts = [delivery]
    while refresh_months > 0 and starts[-1] + refresh_months < months:
        starts.append(starts[-1] + refresh_months)
    return starts


def _empty(months: int) -> Fleet:
    z = [np.zeros(months) for _ in range(7)]
    return Fleet(
        gpus=z[0],
        it_kw=z[1],
        capex_installed_usd=z[2],
        contract_gpus=z[3],
        curve_rate_x_gpus=z[4],
        purchase_usd=z[5],
        sale_usd=z[6],
    )


def _add_contract(fl: Fleet, first: Purchase, delivery: int, contract_months: int) -> None:
    """Add the contract of a phase to ``fl``: its first purchase's GPUs from its delivery for
    ``contract_months`` [months] (a refresh inside the term does not shrink the contract)."""
    m = np.arange(fl.gpus.shape[0])
    on = (m >= max(delivery, 0)) & (m - delivery < contract_months)
    fl.contract_gpus += np.where(on, first.gpus, 0.0)


def _add_cycle(fl: Fleet, p: Purchase, end: int) -> None:
    """Add purchase ``p``'s GPUs to ``fl`` from its month to ``end`` (exclusive)."""
    m = np.arange(fl.gpus.shape[0])
    on = (m >= max(p.month, 0)) & (m < end)
    fl.gpus += np.where(on, p.gpus, 0.0)
    fl.it_kw += np.where(on, p.gpus * p.spec.it_kw_per_gpu, 0.0)
    fl.capex_installed_usd += np.where(on, p.gpus * p.capex_usd_per_gpu, 0.0)
    curve = market_rate_curve(
        replace(p.spec, rate_usd_per_gpu_hour=p.rate_usd_per_gpu_hour), m - p.month
    )
    fl.curve_rate_x_gpus += np.where(on, p.gpus * curve, 0.0)
    if 0 <= p.month < fl.gpus.shape[0]:
        fl.purchase_usd[p.month] -= p.gpus * p.capex_usd_per_gpu


def build_fleet(terms: GpuCloudTerms, conv: Conversion, start: date, months: int) -> Fleet:
    """The fleet of ``terms`` on ``conv`` over ``months`` [months] from ``start``: purchases at
    each delivery and refresh, the old GPUs sold at book at each refresh, book at the end."""
    life = max(round(12 * terms.depreciation_life_years), 1)
    refresh = round(12 * terms.refresh_years)
    res = terms.residual_value_frac
    fl = _empty(months)
    for ph in conv.phases:
        starts = _cycle_starts(ph.delivery_month, months, refresh)
        prev: Purchase | None = None
        for i, s in enumerate(starts):
            p = purchase_at(terms, ph.it_mw, s, add_months(start, s), first=i == 0)
            end = starts[i + 1] if i + 1 < len(starts) else months
            _add_cycle(fl, p, end)
            if prev is not None:  # the old GPUs are sold at book when replaced
                basis = prev.gpus * prev.capex_usd_per_gpu
                fl.sale_usd[s] += book_value_usd(basis, s - prev.month, life, res)
            fl.purchases.append(p)
            if i == 0:
                fl.first_purchases.append(p)
                _add_contract(fl, p, ph.delivery_month, terms.contract_months)
            prev = p
        if prev is not None and months - prev.month > 0:
            basis = prev.gpus * prev.capex_usd_per_gpu
            fl.book_usd += book_value_usd(basis, months - prev.month, life, res)
    return fl
