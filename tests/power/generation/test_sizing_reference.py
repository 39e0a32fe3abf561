"""Sizing: the LP's least-cost gas + solar mix on a small case equals a brute-force search over
a grid of capacities (each point dispatched exactly by merit order), and the merit-order
dispatch equals the LP on the shared year (ERCOT HB_WEST 2025)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.power.generation import (
    GasPlant,
    SitePlant,
    SolarPlant,
    balance_residual_mw,
    merit_dispatch,
    operating_cost_usd,
)
from hashpivot.power.generation.lp import SiteInputs, solve_site
from supply_year import shared_year_case

RATE, LIFE = 0.08, 20
# capital recovery factor r / (1 - (1 + r)^-n) at 8 %, 20 years = 0.101852...
CRF = RATE / (1.0 - (1.0 + RATE) ** -LIFE)


def _annual_per_mw(capex_usd_per_mw: float, fom_usd_per_mw_year: float, hours: int) -> float:
    return (capex_usd_per_mw * CRF + fom_usd_per_mw_year) * hours / 8760.0


def test_sizing_equals_a_brute_force_grid_search() -> None:
    """Two days: a 10 MW firm load, islanded, no miners. Solar gives 0.5 MW/MW for 12 hours a
    day; gas ($40/MWh fuel + VOM) must carry the nights. Costs per MW over the 48 hours:
    gas (1000 $/kW x CRF + 20 $/kW-yr) x 48 / 8760, solar the same at 1.2 $/W. The grid steps
    1 MW (gas) and 2 MW (solar), so the kinks (gas = 10, solar = 20) lie on it."""
    hours = 48
    cf = np.tile(np.r_[np.zeros(6), np.full(12, 0.5), np.zeros(6)], 2)
    gas = GasPlant(
        capacity_mw=0.0,
        heat_rate_mmbtu_per_mwh=8.0,
        vom_usd_per_mwh=0.0,
        availability_frac=1.0,
        capex_usd_per_kw=1000.0,
        fom_usd_per_kw_year=20.0,
    )
    solar = SolarPlant(capacity_mwac=0.0, capex_usd_per_wac=1.2, fom_usd_per_kw_year=20.0)
    plant = SitePlant(ai_load_mw=10.0, mining_mw=0.0, gas=gas, solar=solar, life_years=LIFE)
    x = SiteInputs(
        price_usd_per_mwh=np.zeros(hours),
        gas_usd_per_mmbtu=np.full(hours, 5.0),  # 8 x 5 = $40/MWh
        solar_cf=cf,
        wind_cf=np.zeros(hours),
        mining_value_usd_per_mwh=0.0,
    )
    sol = solve_site(plant, x, size=True, discount_rate=RATE)
    c_gas = _annual_per_mw(1000e3, 20e3, hours)
    c_sol = _annual_per_mw(1.2e6, 20e3, hours)
    best = (np.inf, 0.0, 0.0)
    for g in np.arange(0.0, 21.0, 1.0):
        for s in np.arange(0.0, 41.0, 2.0):
            d = merit_dispatch(
                price_usd_per_mwh=x.price_usd_per_mwh,
                renewable_mw=s * cf,
                gas_available_mw=g,
                gas_cost_usd_per_mwh=40.0,
                ai_load_mw=10.0,
                mining_mw=0.0,
                mining_value_usd_per_mwh=0.0,
                import_limit_mw=0.0,
                export_limit_mw=0.0,
                unserved_usd_per_mwh=plant.unserved_usd_per_mwh,
            )
            total = float(
                operating_cost_usd(
                    d,
                    price_usd_per_mwh=x.price_usd_per_mwh,
                    gas_cost_usd_per_mwh=40.0,
                    mining_value_usd_per_mwh=0.0,
                    unserved_usd_per_mwh=plant.unserved_usd_per_mwh,
                )
            )
            total += g * c_gas + s * c_sol
            if total < best[0]:
                best = (total, g, s)
    assert sol.objective_usd == pytest.approx(best[0], rel=1e-6)
    assert sol.capacities_mw["gas"] == pytest.approx(best[1], abs=1e-4)
    assert sol.capacities_mw["solar"] == pytest.approx(best[2], abs=1e-4)


def test_merit_order_matches_the_lp_on_the_shared_year(shared_data: Path) -> None:
    """No battery: the merit order is the LP's optimum hour by hour. Tolerance: the total
    cost to 1e-6 relative (solver tolerance) and the balance to 1e-6 MW every hour."""
    case = shared_year_case(shared_data)
    plant, kw = case.plant, case.dispatch_kw()
    sol = solve_site(plant, case.inputs)
    d = merit_dispatch(**kw)
    merit_cost = float(
        operating_cost_usd(
            d,
            price_usd_per_mwh=kw["price_usd_per_mwh"],
            gas_cost_usd_per_mwh=kw["gas_cost_usd_per_mwh"],
            mining_value_usd_per_mwh=kw["mining_value_usd_per_mwh"],
            import_adder_usd_per_mwh=kw["import_adder_usd_per_mwh"],
            unserved_usd_per_mwh=kw["unserved_usd_per_mwh"],
        )
    )
    assert merit_cost == pytest.approx(sol.objective_usd, rel=1e-6)
    np.testing.assert_allclose(balance_residual_mw(d, 100.0), 0.0, atol=1e-6)
    np.testing.assert_allclose(balance_residual_mw(sol.dispatch, 100.0), 0.0, atol=1e-6)
    assert d.gas_mw.sum() == pytest.approx(sol.dispatch.gas_mw.sum(), rel=1e-6)
