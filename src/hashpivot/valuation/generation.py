"""The owned plant valued on its own and as part of the site.

On its own, each technology earns the hourly grid price on every MWh it makes (what the site
would otherwise buy or could sell it for), less fuel, carbon, variable and fixed O&M; the
overnight capital is spent in year 0 (construction time is not modelled here) and the plant
runs its life at the modelled year's flows. NPV and IRR are of those annual flows; $/kW is
capital over generating kW; LCOE = (capital x CRF + fixed O&M + variable cost) / MWh, with the
capital recovery factor CRF = r / (1 - (1 + r)^-life) (NREL's simple LCOE).

As part of the site, the plant's value is the change in the site's operating surplus against
the same site buying from the grid alone (the AI tenant pays the hourly price + import adder
for its power, the miners earn their revenue per MWh, exports earn the price), less fixed O&M,
over the plant's life, less the capital.
"""

from __future__ import annotations

import numpy as np

from hashpivot.power.generation.lp import crf
from hashpivot.power.generation.merit import HourlyDispatch
from hashpivot.power.generation.specs import SitePlant
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import irr, npv

__all__ = ["crf", "plant_valuation", "site_surplus_usd"]


def site_surplus_usd(
    d: HourlyDispatch,
    *,
    price_usd_per_mwh: FloatArray,
    gas_cost_usd_per_mwh: FloatArray | float,
    mining_value_usd_per_mwh: FloatArray | float,
    import_adder_usd_per_mwh: float = 0.0,
) -> FloatArray:
    """The site's operating surplus over the hours [USD], ``(...)``: the tenant's power bill at
    the price + adder, the miners' revenue and exports, less imports and gas."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    buy = p + import_adder_usd_per_mwh
    hourly = (
        d.ai_served_mw * buy
        + d.mining_mw * mining_value_usd_per_mwh
        + d.export_mw * p
        - d.import_mw * buy
        - d.gas_mw * gas_cost_usd_per_mwh
    )
    return np.asarray(hourly.sum(axis=-1))


def _life_flows(capex_usd: float, annual_usd: float, years: int) -> FloatArray:
    flows = np.full(years + 1, annual_usd)
    flows[0] = -capex_usd
    return flows


def plant_valuation(
    plant: SitePlant,
    d: HourlyDispatch,
    *,
    price_usd_per_mwh: FloatArray,
    gas_cost_usd_per_mwh: float,
    discount_rate: float,
    solar_mw: FloatArray | None = None,
) -> dict[str, float]:
    """NPV, IRR, $/kW and LCOE of the plant on its own, from one modelled year (scaled to a
    year where the dispatch is shorter). ``solar_mw`` splits renewable output (solar part)."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    year = 8760.0 / p.shape[-1]
    life, r = plant.life_years, discount_rate
    out: dict[str, float] = {}
    gas_var = float(d.gas_mw.sum() * gas_cost_usd_per_mwh) * year
    gas_value = float((d.gas_mw * p).sum()) * year
    solar = d.renewable_mw if solar_mw is None else solar_mw
    ren_value = float((d.renewable_mw * p).sum()) * year
    annual = gas_value - gas_var + ren_value - plant.fom_usd_per_year
    if plant.battery is not None:
        annual += float(((d.discharge_mw - d.charge_mw) * p).sum()) * year
    flows = _life_flows(plant.capex_usd, annual, life)
    out["capex_usd"] = plant.capex_usd
    out["npv_usd"] = float(npv(r, flows))
    rate = float(irr(flows).rate)
    out["irr_frac"] = rate
    out["usd_per_kw"] = plant.capex_usd / plant.capacity_kw if plant.capacity_kw > 0 else 0.0
    k = crf(r, life)
    if plant.gas is not None and d.gas_mw.sum() > 0:
        g = plant.gas
        fixed = g.capacity_mw * 1e3 * (g.capex_usd_per_kw * k + g.fom_usd_per_kw_year)
        out["gas_lcoe_usd_per_mwh"] = fixed / (float(d.gas_mw.sum()) * year) + gas_cost_usd_per_mwh
    if plant.solar is not None and float(np.sum(solar)) > 0:
        s = plant.solar
        fixed = s.capacity_mwac * 1e3 * (s.capex_usd_per_wac * 1e3 * k + s.fom_usd_per_kw_year)
        out["solar_lcoe_usd_per_mwh"] = fixed / (float(np.sum(solar)) * year)
    return out
