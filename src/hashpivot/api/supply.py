"""``hashpivot supply``: the site's own generation dispatched (or sized) over its price year by
the PyPSA/linopy/HiGHS site model, with the plant valued on its own and as part of the site."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hashpivot.api.case import build_case
from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.supplier import site_gas_process
from hashpivot.errors import InputError
from hashpivot.market.gas import zero_shock_gas_path
from hashpivot.power.generation import (
    SitePlant,
    SupplyCase,
    dispatch_metrics,
    merit_dispatch,
    require_supply,
)
from hashpivot.power.generation.lp import SiteInputs, solve_site
from hashpivot.power.generation.year import mining_value_usd_per_mwh, site_inputs
from hashpivot.types import FloatArray
from hashpivot.valuation.generation import plant_valuation, site_surplus_usd

__all__ = ["site_year", "supply_report"]


def _hourly_prices(case: CompareCase) -> tuple[FloatArray, pd.DatetimeIndex, str]:
    """The site's price history averaged to hours, else its fixed price over one year."""
    ph = case.power_history
    if ph is None:
        idx = pd.date_range(f"{case.start.year}-01-01", periods=8760, freq="h", tz="UTC")
        price = np.full(8760, case.mining.power_price_usd_per_mwh)
        return price, idx, "the site's fixed power price"
    s = pd.Series(ph.price_usd_per_mwh, index=pd.DatetimeIndex(ph.interval_start_utc, tz="UTC"))
    hourly = s.resample("h").mean().dropna()
    prices = np.asarray(hourly.to_numpy(), dtype=np.float64)
    return prices, pd.DatetimeIndex(hourly.index), ph.label


def _month_index(idx: pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Each hour's month counted from the first hour's month (0, 1, ...)."""
    first = idx[0]
    return np.asarray((idx.year - first.year) * 12 + (idx.month - first.month), dtype=np.int64)


def year_gas_usd_per_mmbtu(supply: SupplyCase, idx: pd.DatetimeIndex) -> FloatArray:
    """Henry Hub for each hour of the price year [USD/MMBtu]: the site's gas process on its
    zero-shock path from today's level (:func:`hashpivot.market.gas.zero_shock_gas_path`),
    the year's first month taken as month 0."""
    month = _month_index(idx)
    path = zero_shock_gas_path(
        supply.henry_hub_usd_per_mmbtu, int(month.max()) + 1, site_gas_process(supply)
    )
    return np.asarray(path[month])


def site_year(case: CompareCase) -> tuple[SupplyCase, SiteInputs, str]:
    """The supply case and the hourly inputs of its price year (gas on the gas process's
    zero-shock path over the year's months: :func:`year_gas_usd_per_mmbtu`)."""
    supply = case.generation
    if supply is None:
        raise InputError("generation", None, "a [generation] table in the site file")
    require_supply()
    price, idx, label = _hourly_prices(case)
    m = case.mining
    value = mining_value_usd_per_mwh(
        case.asic_price_hashprice_usd_per_ph_day,
        m.fleet.efficiency_j_per_th,
        pool_fee_frac=m.pool_fee_frac,
        overhead_frac=m.overhead_frac,
    )
    x = site_inputs(
        supply.plant,
        price,
        idx,
        gas_usd_per_mmbtu=year_gas_usd_per_mmbtu(supply, idx),
        mining_value=float(value),
    )
    return supply, x, label


def _grid_only(plant: SitePlant) -> SitePlant:
    return replace(plant, gas=None, solar=None, wind=None, battery=None)


def _gas_cost(plant: SitePlant, gas_usd_per_mmbtu: FloatArray) -> FloatArray:
    """The gas plant's marginal cost each hour [USD/MWh] (linear in Henry Hub)."""
    if plant.gas is None:
        return np.zeros_like(gas_usd_per_mmbtu)
    g = plant.gas
    return g.marginal_cost_usd_per_mwh(0.0) + g.heat_rate_mmbtu_per_mwh * gas_usd_per_mmbtu


def _mean_gas_cost(cost: FloatArray, gas_mw: FloatArray) -> float:
    """The gas cost weighted by the gas dispatched (its plain mean where none is) [USD/MWh]:
    the one cost that gives the year's gas bill."""
    burned = float(np.sum(gas_mw))
    return float(np.sum(cost * gas_mw) / burned) if burned > 0 else float(np.mean(cost))


def _site_value(supply: SupplyCase, plant: SitePlant, x: SiteInputs, d: Any) -> float:
    """NPV of the plant as part of the site: surplus gain over the grid-only site, less fixed
    O&M, over the plant's life, less the capital [USD]."""
    from hashpivot.power.generation.lp import crf

    base = _grid_only(plant)
    g = base.grid
    bd = merit_dispatch(
        price_usd_per_mwh=x.price_usd_per_mwh,
        renewable_mw=0.0,
        gas_available_mw=0.0,
        gas_cost_usd_per_mwh=0.0,
        ai_load_mw=base.ai_load_mw,
        mining_mw=base.mining_mw,
        mining_value_usd_per_mwh=x.mining_value_usd_per_mwh,
        import_limit_mw=g.import_limit_mw,
        export_limit_mw=g.export_limit_mw,
        import_adder_usd_per_mwh=g.import_adder_usd_per_mwh,
        unserved_usd_per_mwh=base.unserved_usd_per_mwh,
    )
    cg = _gas_cost(plant, x.gas_usd_per_mmbtu)
    gain = 0.0
    for disp, cost, sign in ((d, cg, 1.0), (bd, 0.0, -1.0)):
        gain += sign * float(
            site_surplus_usd(
                disp,
                price_usd_per_mwh=x.price_usd_per_mwh,
                gas_cost_usd_per_mwh=cost,
                mining_value_usd_per_mwh=x.mining_value_usd_per_mwh,
                import_adder_usd_per_mwh=g.import_adder_usd_per_mwh,
            )
        )
    annual = gain * 8760.0 / len(x.price_usd_per_mwh) - plant.fom_usd_per_year
    return annual / crf(supply.discount_rate, plant.life_years) - plant.capex_usd


def _sized(plant: SitePlant, caps: dict[str, float], e_mwh: float) -> SitePlant:
    out = plant
    if out.gas is not None:
        out = replace(out, gas=replace(out.gas, capacity_mw=caps["gas"]))
    if out.solar is not None:
        out = replace(out, solar=replace(out.solar, capacity_mwac=caps["solar"]))
    if out.wind is not None:
        out = replace(out, wind=replace(out.wind, capacity_mw=caps["wind"]))
    if out.battery is not None and "battery" in caps:
        out = replace(out, battery=replace(out.battery, power_mw=caps["battery"], energy_mwh=e_mwh))
    return out


def supply_report(site_file: str | Path, *, size: bool = False) -> dict[str, Any]:
    """Dispatch the site's plant over its price year (``size``: first choose the least-cost
    capacities), with the results of issue 14 and the plant's valuation."""
    case = build_case(site_file)
    supply, x, label = site_year(case)
    sol = solve_site(supply.plant, x, size=size, discount_rate=supply.discount_rate)
    plant = (
        _sized(supply.plant, sol.capacities_mw, sol.battery_energy_mwh) if size else supply.plant
    )
    g = plant.gas
    out: dict[str, Any] = {"site": case.mining.name, "prices": label, "sized": size}
    out |= dispatch_metrics(
        sol.dispatch,
        plant,
        heat_rate_mmbtu_per_mwh=0.0 if g is None else g.heat_rate_mmbtu_per_mwh,
        emission_factor_tco2_per_mmbtu=0.0 if g is None else g.emission_factor_tco2_per_mmbtu,
    )
    cg = _mean_gas_cost(_gas_cost(plant, x.gas_usd_per_mmbtu), sol.dispatch.gas_mw)
    val = plant_valuation(
        plant,
        sol.dispatch,
        price_usd_per_mwh=x.price_usd_per_mwh,
        gas_cost_usd_per_mwh=cg,
        discount_rate=supply.discount_rate,
        solar_mw=None if plant.solar is None else _solar_part(sol.dispatch, x, plant),
    )
    out |= val
    out["site_npv_gain_usd"] = _site_value(supply, plant, x, sol.dispatch)
    out["mining_value_usd_per_mwh"] = float(np.mean(x.mining_value_usd_per_mwh))
    out["gas_cost_usd_per_mwh"] = cg
    out["gas_price"] = _gas_text(supply, x.gas_usd_per_mmbtu)
    out["solve_s"] = sol.solve_s
    out["capacities_mw"] = {k: round(v, 3) for k, v in sol.capacities_mw.items()}
    if "battery" in sol.capacities_mw:
        out["battery_energy_mwh"] = sol.battery_energy_mwh
    return out


def _gas_text(supply: SupplyCase, hourly: FloatArray) -> str:
    """The assumption behind the year's gas price, stated in the report."""
    g = site_gas_process(supply)
    return (
        f"Henry Hub on the gas process's zero-shock path over the year's months: "
        f"${supply.henry_hub_usd_per_mmbtu:.2f} reverting to ${g.long_run_usd_per_mmbtu:.2f}"
        f"/MMBtu at {g.reversion_per_year:g}/yr (log), ${float(hourly[-1]):.2f} in the last "
        "month; the plant's later years repeat this year"
    )


def _solar_part(d: Any, x: SiteInputs, plant: SitePlant) -> FloatArray:
    """Solar's share of the renewable output used (pro rata to the available output)."""
    sol = x.solar_cf * (plant.solar.capacity_mwac if plant.solar else 0.0)
    wnd = x.wind_cf * (plant.wind.capacity_mw if plant.wind else 0.0)
    tot = sol + wnd
    share = np.divide(sol, tot, out=np.zeros_like(tot), where=tot > 0)
    return np.asarray(d.renewable_mw * share)
