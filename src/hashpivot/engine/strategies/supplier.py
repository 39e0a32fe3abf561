"""``supplier``: keep mining and own the power behind the meter (``[generation]``).

The site's mining run, plus what the owned plant adds on the same Monte Carlo paths: every
path-month is dispatched hour by hour by merit order (:mod:`hashpivot.power.generation.merit`,
exact without a battery; with one, the daily greedy of
:mod:`hashpivot.power.generation.storage`) on representative
hours of that calendar month (:data:`DAYS_PER_MONTH` evenly spaced days of the site's price
year, scaled to the month's hours). An hour's price is the path's monthly power level times the
history's hourly shape; the gas price is the fitted gas process
(:func:`hashpivot.market.gas.gas_paths`: Henry Hub log mean-reverting from the ``[generation]``
level, its shock correlated with the path's power shock, its parameters the fit's or the
``[generation]`` overrides: :func:`site_gas_process`; docs/methodology.md, "Own
generation"), drawn only here, so a site without generation pays nothing for it. The plant's
gain each month is the site's operating surplus with it less the grid-only site's
(:func:`hashpivot.valuation.generation.site_surplus_usd`),
from the month the gas plant is built, less fixed O&M; the capital is spent in the first month
and the plant's straight-line remaining value is added at the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hashpivot.calendar import month_seconds
from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import BatchContext, StrategyValue, scaled
from hashpivot.engine.strategies.context import revenue_per_site_mwh
from hashpivot.market.gas import GasProcess, gas_paths, gas_process
from hashpivot.power.generation.merit import merit_dispatch
from hashpivot.power.generation.specs import SitePlant, SupplyCase
from hashpivot.power.generation.storage import battery_dispatch
from hashpivot.types import FloatArray
from hashpivot.valuation.generation import site_surplus_usd

__all__ = ["DAYS_PER_MONTH", "Supplier", "SupplierTemplate", "site_gas_process"]

#: representative days per calendar month in the Monte Carlo dispatch
DAYS_PER_MONTH = 4


def site_gas_process(sc: SupplyCase) -> GasProcess:
    """The site's gas process: the fit (:data:`hashpivot.market.gas.DEFAULT_GAS`) with the
    ``[generation]`` overrides of its long-run level, reversion, vol and power correlation."""
    return gas_process(
        long_run_usd_per_mmbtu=sc.gas_long_run_usd_per_mmbtu,
        reversion_per_year=sc.gas_reversion_per_year,
        vol_per_year=sc.gas_vol_per_year,
        power_corr=sc.gas_power_corr,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierTemplate:
    """Per calendar month (0 = January): the history's hourly price over its month mean and
    the renewable output [MW] on the representative hours."""

    price_shape: tuple[FloatArray, ...]
    renewable_mw: tuple[FloatArray, ...]


def _template(case: CompareCase) -> SupplierTemplate:
    import pandas as pd

    from hashpivot.power.generation.profiles import solar_cf, wind_cf

    assert case.generation is not None
    plant = case.generation.plant
    ph = case.power_history
    if ph is None:
        idx = pd.date_range(f"{case.start.year}-01-01", periods=8760, freq="h", tz="UTC")
        price = pd.Series(np.ones(8760), index=idx)
    else:
        s = pd.Series(ph.price_usd_per_mwh, index=pd.DatetimeIndex(ph.interval_start_utc, tz="UTC"))
        price = s.resample("h").mean().dropna()
    idx = pd.DatetimeIndex(price.index)
    ren = np.zeros(len(idx))
    if plant.solar is not None:
        ren += plant.solar.capacity_mwac * solar_cf(plant.solar, idx)
    if plant.wind is not None:
        ren += plant.wind.capacity_mw * wind_cf(plant.wind, len(idx), hours_utc=idx)
    shapes, rens = [], []
    for moy in range(1, 13):
        sel = np.flatnonzero(idx.month == moy)
        if sel.size == 0:  # a month missing from the history: flat prices, no renewables
            shapes.append(np.ones(24))
            rens.append(np.zeros(24))
            continue
        days = np.unique(idx[sel].day)
        pick = days[np.linspace(0, days.size - 1, min(DAYS_PER_MONTH, days.size)).astype(int)]
        keep = sel[np.isin(idx[sel].day, pick)]
        p = price.to_numpy()[sel]
        shapes.append(price.to_numpy()[keep] / p.mean() if p.mean() != 0 else np.ones(keep.size))
        rens.append(ren[keep])
    return SupplierTemplate(price_shape=tuple(shapes), renewable_mw=tuple(rens))


def _surplus(
    plant: SitePlant,
    price: FloatArray,
    ren: FloatArray,
    gas_cost: FloatArray | float,
    value: FloatArray,
) -> FloatArray:
    """The site's operating surplus over the hours given, per path [USD]."""
    g = plant.grid
    kw: dict[str, Any] = {
        "price_usd_per_mwh": price,
        "renewable_mw": ren,
        "gas_available_mw": 0.0
        if plant.gas is None
        else plant.gas.capacity_mw * plant.gas.availability_frac,
        "gas_cost_usd_per_mwh": gas_cost,
        "ai_load_mw": plant.ai_load_mw,
        "mining_mw": plant.mining_mw,
        "mining_value_usd_per_mwh": value,
        "import_limit_mw": g.import_limit_mw,
        "export_limit_mw": g.export_limit_mw,
        "import_adder_usd_per_mwh": g.import_adder_usd_per_mwh,
        "unserved_usd_per_mwh": plant.unserved_usd_per_mwh,
    }
    b = plant.battery
    if b is not None and b.power_mw > 0 and b.energy_mwh > 0:
        d = battery_dispatch(battery=b, **kw)
    else:
        d = merit_dispatch(**kw)
    return site_surplus_usd(
        d,
        price_usd_per_mwh=price,
        gas_cost_usd_per_mwh=gas_cost,
        mining_value_usd_per_mwh=value,
        import_adder_usd_per_mwh=g.import_adder_usd_per_mwh,
    )


def plant_gain_usd(ctx: BatchContext, t: SupplierTemplate) -> FloatArray:
    """The plant's monthly gain in the site's operating surplus ``(paths, H)`` [USD]."""
    case = ctx.case
    assert case.generation is not None
    sc = case.generation
    plant = sc.plant
    grid_only = replace(plant, gas=None, solar=None, wind=None, battery=None)
    h, off = ctx.horizon, case.offset
    level = scaled(ctx.scen.power_price_usd_per_mwh[:, off : off + h], ctx.factors.power_price)
    gas = gas_paths(
        sc.henry_hub_usd_per_mmbtu,
        ctx.scen.power_price_usd_per_mwh,
        case.market_params.power_price,
        site_gas_process(sc),
    )[:, off : off + h]
    value = revenue_per_site_mwh(ctx.mined)
    hours = month_seconds(case.start, h) / 3600.0
    gain = np.zeros((ctx.paths, h))
    build = plant.gas.build_months if plant.gas is not None else 0
    first_moy = case.start.month - 1
    for m in range(build, h):
        moy = (first_moy + m) % 12
        shape, ren = t.price_shape[moy], t.renewable_mw[moy]
        price = level[:, m : m + 1] * shape[None, :]
        cg = (0.0 if plant.gas is None else plant.gas.marginal_cost_usd_per_mwh(0.0)) + (
            0.0 if plant.gas is None else plant.gas.heat_rate_mmbtu_per_mwh * gas[:, m : m + 1]
        )
        v = value[:, m : m + 1]
        diff = _surplus(plant, price, ren[None, :], cg, v) - _surplus(
            grid_only, price, np.zeros((1, shape.size)), cg, v
        )
        gain[:, m] = diff * hours[m] / shape.size - plant.fom_usd_per_year / 12.0
    return gain


class Supplier:
    """Keep mining and own the power (``[generation]``): mine's flows + the plant's gain."""

    name = "supplier"
    label = "keep mining and own the power behind the meter (gas, solar, wind)"
    requires: tuple[str, ...] = ("generation",)
    after: tuple[str, ...] = ("mine",)
    optional_stopping = False
    in_training = False

    def prepare(self, case: CompareCase) -> Any:
        return _template(case)

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        assert ctx.case.generation is not None
        t = ctx.prepared.get(self.name) or _template(ctx.case)
        plant = ctx.case.generation.plant
        h, r = ctx.horizon, ctx.rows
        gain = plant_gain_usd(ctx, t)
        gain[:, 0] -= plant.capex_usd
        left = max(0.0, 1.0 - h / (12.0 * plant.life_years))
        mine = ctx.values["mine"]
        npv = (
            mine.npv_usd
            + (gain * ctx.disc[:, 1:]).sum(axis=1)
            + (plant.capex_usd * left * ctx.disc[:, h])
        )
        net = mine.net_usd[:r] + gain[:r]
        net[:, -1] += plant.capex_usd * left
        return StrategyValue(npv_usd=np.asarray(npv), net_usd=net)
