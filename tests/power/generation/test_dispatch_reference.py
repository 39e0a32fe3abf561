"""Dispatch by hand: one day worked out step by step (merit order and the PyPSA LP agree), and
the energy balance every hour (property tests, with and without a battery)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.power.generation import (
    Battery,
    GasPlant,
    GridConnection,
    SitePlant,
    SolarPlant,
    balance_residual_mw,
    merit_dispatch,
    operating_cost_usd,
)
from hashpivot.power.generation.lp import SiteInputs, solve_site

VOLL = 5_000.0

# One day, three 8-hour blocks: (price $/MWh, solar MW)
PRICE = np.repeat([20.0, 80.0, 200.0], 8)
SOLAR = np.repeat([0.0, 50.0, 0.0], 8)
GAS_COST = 30.0  # $/MWh: 60 MW available (heat rate 5 x $5/MMBtu + $5 VOM, availability 1)


def _day_merit() -> object:
    return merit_dispatch(
        price_usd_per_mwh=PRICE,
        renewable_mw=SOLAR,
        gas_available_mw=60.0,
        gas_cost_usd_per_mwh=GAS_COST,
        ai_load_mw=50.0,
        mining_mw=40.0,
        mining_value_usd_per_mwh=60.0,
        import_limit_mw=30.0,
        export_limit_mw=40.0,
        unserved_usd_per_mwh=VOLL,
    )


def test_one_day_by_hand() -> None:
    """Hours 0-7 ($20, no sun): import 30 (cheapest, $20) and gas 20 serve the 50 MW AI load,
    gas 40 ($30 < $60) runs the miners; nothing is left to export.
    Hours 8-15 ($80, 50 MW sun): sun serves AI; gas sells 40 to the grid ($30 < $80) and its
    last 20 MW run the miners ($30 < $60); importing at $80 for $60 mining does not pay.
    Hours 16-23 ($200, no sun): gas 50 to AI, 10 exported; importing at $200 to export at $200
    gains nothing; miners off ($60 < $200 of the export they would displace)."""
    d = _day_merit()
    blocks = {
        "gas_mw": [60, 60, 60],
        "import_mw": [30, 0, 0],
        "renewable_mw": [0, 50, 0],
        "ai_served_mw": [50, 50, 50],
        "mining_mw": [40, 20, 0],
        "export_mw": [0, 40, 10],
    }
    for name, want in blocks.items():
        np.testing.assert_allclose(getattr(d, name), np.repeat(want, 8), atol=1e-9)
    # the day's cost: gas 1440 x 30 + import 240 x 20 - export (320 x 80 + 80 x 200)
    # - mining (320 + 160) x 60 = 43,200 + 4,800 - 41,600 - 28,800 = -22,400
    cost = operating_cost_usd(
        d,
        price_usd_per_mwh=PRICE,
        gas_cost_usd_per_mwh=GAS_COST,
        mining_value_usd_per_mwh=60.0,
        unserved_usd_per_mwh=VOLL,
    )
    assert float(cost) == pytest.approx(-22_400.0)


def test_the_lp_dispatches_the_day_as_by_hand() -> None:
    plant = SitePlant(
        ai_load_mw=50.0,
        mining_mw=40.0,
        gas=GasPlant(
            capacity_mw=60.0,
            heat_rate_mmbtu_per_mwh=5.0,
            vom_usd_per_mwh=5.0,
            availability_frac=1.0,
        ),
        solar=SolarPlant(capacity_mwac=100.0),
        grid=GridConnection(import_limit_mw=30.0, export_limit_mw=40.0),
        unserved_usd_per_mwh=VOLL,
    )
    x = SiteInputs(
        price_usd_per_mwh=PRICE,
        gas_usd_per_mmbtu=np.full(24, 5.0),
        solar_cf=SOLAR / 100.0,
        wind_cf=np.zeros(24),
        mining_value_usd_per_mwh=60.0,
    )
    sol = solve_site(plant, x)
    assert sol.objective_usd == pytest.approx(-22_400.0, abs=1e-3)
    np.testing.assert_allclose(sol.dispatch.mining_mw, np.repeat([40, 20, 0], 8), atol=1e-6)
    np.testing.assert_allclose(sol.dispatch.export_mw, np.repeat([0, 40, 10], 8), atol=1e-6)


_mw = st.floats(0.0, 200.0)


@settings(max_examples=60)
@given(
    prices=st.lists(st.floats(-50.0, 3000.0), min_size=1, max_size=48),
    ren=_mw,
    gas=_mw,
    gas_cost=st.floats(0.0, 200.0),
    ai=_mw,
    mining=_mw,
    value=st.floats(0.0, 300.0),
    imp=_mw,
    exp=_mw,
)
def test_merit_dispatch_balances_every_hour(
    prices: list[float],
    ren: float,
    gas: float,
    gas_cost: float,
    ai: float,
    mining: float,
    value: float,
    imp: float,
    exp: float,
) -> None:
    """generation + import = AI served + mining + export every hour, within every limit."""
    p = np.asarray(prices)
    sun = ren * np.abs(np.sin(np.arange(p.size)))
    d = merit_dispatch(
        price_usd_per_mwh=p,
        renewable_mw=sun,
        gas_available_mw=gas,
        gas_cost_usd_per_mwh=gas_cost,
        ai_load_mw=ai,
        mining_mw=mining,
        mining_value_usd_per_mwh=value,
        import_limit_mw=imp,
        export_limit_mw=exp,
    )
    np.testing.assert_allclose(balance_residual_mw(d, ai), 0.0, atol=1e-9)
    tol = 1e-9
    assert np.all(d.renewable_mw <= sun + tol) and np.all(d.gas_mw <= gas + tol)
    assert np.all(d.import_mw <= imp + tol) and np.all(d.export_mw <= exp + tol)
    assert np.all(d.mining_mw <= mining + tol) and np.all(d.unserved_ai_mw >= -tol)
    assert not np.any((d.import_mw > tol) & (d.export_mw > tol))  # never both at one price


@settings(max_examples=4)
@given(
    seed=st.integers(0, 2**16),
    rte=st.floats(0.5, 1.0),
    power=st.floats(1.0, 40.0),
)
def test_lp_with_a_battery_balances_every_hour(seed: int, rte: float, power: float) -> None:
    """generation + import + discharge = AI + mining + export + charge every hour; the losses
    are the charge the battery does not give back: charge x (1 - round-trip efficiency)."""
    rng = np.random.default_rng(seed)
    hours = 48
    plant = SitePlant(
        ai_load_mw=30.0,
        mining_mw=20.0,
        gas=GasPlant(capacity_mw=25.0),
        solar=SolarPlant(capacity_mwac=60.0),
        battery=Battery(
            power_mw=power,
            energy_mwh=4 * power,
            round_trip_efficiency_frac=rte,
            max_cycles_per_day=2.0,
        ),
        grid=GridConnection(import_limit_mw=10.0, export_limit_mw=30.0),
    )
    x = SiteInputs(
        price_usd_per_mwh=rng.uniform(-20.0, 300.0, hours),
        gas_usd_per_mmbtu=np.full(hours, 3.0),
        solar_cf=np.clip(np.sin(np.arange(hours) * np.pi / 12.0), 0.0, None),
        wind_cf=np.zeros(hours),
        mining_value_usd_per_mwh=70.0,
    )
    d = solve_site(plant, x).dispatch
    np.testing.assert_allclose(balance_residual_mw(d, 30.0), 0.0, atol=1e-6)
    assert d.charge_mw.sum() - d.discharge_mw.sum() == pytest.approx(
        d.charge_mw.sum() * (1.0 - rte), abs=1e-5
    )
    assert d.discharge_mw.sum() <= 2.0 * 2 * 4 * power + 1e-6  # cycle limit: 2/day x 2 days
