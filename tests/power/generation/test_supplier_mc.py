"""The ``supplier`` strategy on Monte Carlo paths: a path's value does not depend on the batch it
is valued in (the gas shock is keyed on the path itself), and a battery adds value."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.case import build_case
from hashpivot.engine.case import CompareCase
from hashpivot.engine.indifference import fixed_paths
from hashpivot.engine.strategies.context import batch_context
from hashpivot.engine.strategies.registry import evaluate_batch, prepare
from hashpivot.engine.strategies.supplier import Supplier, plant_gain_usd
from hashpivot.power.generation import Battery

EXAMPLE = Path(__file__).resolve().parents[3] / "examples/sites/west-texas-supplier-gas-solar.toml"


@pytest.fixture(scope="module")
def case(shared_data: Path) -> CompareCase:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HASHPIVOT_SHARED_DATA", str(shared_data))
        return build_case(EXAMPLE, months=24)


def test_a_path_is_valued_the_same_in_any_batch(case: CompareCase) -> None:
    scen = fixed_paths(case, paths=12, seed=3)
    prep = prepare(case)
    whole = evaluate_batch(case, scen, prep).npv_usd["supplier"]
    part = evaluate_batch(case, scen.take(slice(5, 9)), prep).npv_usd["supplier"]
    np.testing.assert_allclose(part, whole[5:9], rtol=1e-12)


def test_a_battery_adds_operating_value_on_the_paths(case: CompareCase) -> None:
    """The gain in the site's operating surplus with a 50 MW / 200 MWh battery is at least the
    gain without it on every path-month (the greedy only trades pairs worth their losses; a
    few dollars of tolerance for the representative days' end state)."""
    c = case
    assert c.generation is not None
    bat = Battery(power_mw=50.0, energy_mwh=200.0)
    plant = replace(c.generation.plant, battery=bat)
    with_b = replace(c, generation=replace(c.generation, plant=plant))
    scen = fixed_paths(c, paths=6, seed=4)
    t = Supplier().prepare(c)
    g0 = plant_gain_usd(batch_context(c, scen), t)
    g1 = plant_gain_usd(batch_context(with_b, scen), t)
    fom = bat.power_mw * 1e3 * bat.fom_usd_per_kw_year / 12.0
    assert np.all(g1 + fom >= g0 - 1e3)
    assert float((g1 + fom - g0).mean()) > 0.0
