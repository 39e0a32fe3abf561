"""The terms of a GPU cloud business (built from ``[gpu_cloud]``; see compute/gpu_cloud.py)."""

from __future__ import annotations

from dataclasses import dataclass

from hashpivot.compute.gpu_generations import GpuSpec
from hashpivot.compute.shell import LeaseTerms

__all__ = ["GpuCloudTerms"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuCloudTerms:
    """A GPU cloud business on the converted site.

    gpu : :class:`GpuSpec` of the first purchase (catalogue row, possibly overridden)
    current_generation : every purchase (the first too) buys the generation current at its
        date (``gpu_model = "current"``) [bool]
    generations : the catalogue the refreshes buy from (the newest generation at each refresh
        date, :func:`~hashpivot.compute.gpu_generations.frontier_generation`); empty: a
        like-for-like refresh of ``gpu`` at its price on the refresh date
    generation_years : years between generations beyond the catalogue [years]
    contracted_share_frac : share of GPUs under a take-or-pay contract [fraction]
    contract_rate_usd_per_gpu_hour : contract price [USD/GPU-hour]
    contract_months : contract length from each phase's delivery [months]
    prepayment_frac : share of the contract value prepaid at signing [fraction]
    contract_discount_rate_per_year : rate the contract's net flows (take-or-pay revenue less
        the opex and capex serving it) are discounted at
        (risk-free + the counterparty's credit spread) [1/year]; None: the valuation rate
    utilisation_frac : billed share of the uncontracted GPU-hours [fraction]
    power_load_frac : average IT draw / IT nameplate [fraction]
    power_price_usd_per_mwh : all-in power price [USD/MWh]
    staff_software_usd_per_gpu_year : staff, software, support [USD per GPU per year]
    site_opex_usd_per_it_mw_year : facility opex (insurance, tax, upkeep) [USD/IT MW/yr]
    maintenance_frac_of_capex_per_year : hardware maintenance [fraction of GPU capex/yr]
    depreciation_life_years : GPU book life, straight line to ``residual_value_frac`` [years]
    refresh_years : the fleet is replaced every this many years by the then-current
        generation at its price, the old GPUs sold at book (0: never) [years]
    residual_value_frac : GPU book value left at end of life [fraction of capex]
    facility_life_years : straight-line life of the facility for the terminal value [years]
        (used only without ``hall_lease``)
    hall_lease : the lease the converted hall would carry (the lease path's terms); with it
        the hall's terminal value is its leased value, forward 12-month NOI / exit cap rate
        x (1 - sale cost); without it, the facility's straight-line book value
    hall_exit_cap_rate_frac : exit cap rate of the leased hall [fraction/year]
    hall_sale_cost_frac : costs of selling the leased hall [fraction of its value]
    """

    gpu: GpuSpec
    current_generation: bool = False
    generations: tuple[GpuSpec, ...] = ()
    generation_years: float = 2.0
    contracted_share_frac: float = 0.0
    contract_rate_usd_per_gpu_hour: float = 0.0
    contract_months: int = 0
    prepayment_frac: float = 0.0
    contract_discount_rate_per_year: float | None = None
    utilisation_frac: float = 0.8
    power_load_frac: float = 0.8
    power_price_usd_per_mwh: float = 45.0
    staff_software_usd_per_gpu_year: float = 1500.0
    site_opex_usd_per_it_mw_year: float = 150_000.0
    maintenance_frac_of_capex_per_year: float = 0.02
    depreciation_life_years: float = 5.0
    refresh_years: float = 5.0
    residual_value_frac: float = 0.0
    facility_life_years: float = 20.0
    hall_lease: LeaseTerms | None = None
    hall_exit_cap_rate_frac: float = 0.065
    hall_sale_cost_frac: float = 0.0
