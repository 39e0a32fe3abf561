"""The power gap: 65 - 15 - 6 = 44 GW in 2028 by default; user numbers; the rent link."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.api.case import build_case
from hashpivot.api.power_gap import (
    apply_power_gap,
    load_power_gap,
    power_gap_report,
    with_gap_rent,
)
from hashpivot.engine.case import CompareCase
from hashpivot.engine.compare import compare
from hashpivot.errors import InputError
from hashpivot.market.power_gap import (
    DEFAULT_INPUTS,
    DEFAULT_SCARCITY,
    power_gap,
    rent_anchor_usd_per_kw_month,
)
from hashpivot.market.rent_products import RentBasis
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, simulate

REPO = Path(__file__).resolve().parents[2]
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _market_basis(case: CompareCase) -> CompareCase:
    """The case with its lease on a market basis (index + the spread implied today): it
    signs at the index then, so its value moves with the rent (a signed rent would not)."""
    assert case.lease is not None and case.lease.rent is not None
    link = replace(case.lease.rent, basis=RentBasis.MARKET)
    return replace(case, lease=replace(case.lease, rent=link))


def test_default_gap_2028_is_44_gw_and_the_source_rounds_it() -> None:
    out = power_gap_report()
    i = out["years"].index(2028)
    assert out["demand_gw"][i] == 65.0
    assert out["supply_gw"][i] == 15.0 + 6.0
    assert out["gap_gw"][i] == 65.0 - 15.0 - 6.0 == 44.0
    assert "~45" in out["notes"][0] and "44" in out["notes"][0]
    assert set(out) >= {"years", "demand_gw", "supply_gw", "gap_gw"}
    # every default dated and sourced
    assert out["as_of"] == "2025-09-21" and "Morgan Stanley" in out["source"]
    assert all(b["source"] and b["as_of"] for b in out["blocks"] + out["ranges"])
    # after the blocks' mid-points (17.5 + 6.5 + 10 = 34 GW): 44 - 34 = 10 GW, inside the
    # source's "still 5-15 GW short"; 44 - 43 = 1 and 44 - 25 = 19 at the ends of the ranges
    assert out["gap_after_blocks_gw"][i] == pytest.approx(10.0)
    assert out["gap_after_blocks_range_gw"][0][i] == pytest.approx(1.0)
    assert out["gap_after_blocks_range_gw"][1][i] == pytest.approx(19.0)
    # at the default gap the rent anchor is the reference rent: the default market unchanged
    assert out["rent_link"]["long_run_rent_usd_per_kw_month"] == pytest.approx(195.0)


def test_user_numbers_from_toml(tmp_path: Path) -> None:
    f = tmp_path / "gap.toml"
    f.write_text(
        '[power_gap]\nsource = "my view"\nas_of = 2025-12-01\nyears = [2027, 2028]\n'
        "demand_gw = [30, 50]\ngrid_gw = [10, 20]\nunder_construction_gw = [5, 10]\n"
        '[[power_gap.block]]\nname = "turbines"\ngw = 8\nonline_year = 2028\n'
    )
    out = power_gap_report(f)
    assert out["gap_gw"] == [15.0, 20.0]
    assert out["gap_after_blocks_gw"] == [15.0, 12.0]
    assert out["source"] == "my view" and out["as_of"] == "2025-12-01"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('source = "x"\nas_of = 2025-01-01\nyears = [2028]\ndemand_gw = [1, 2]\n'
         "grid_gw = [1]\nunder_construction_gw = [1]\n", "demand_gw"),
        ('source = "x"\nas_of = 2025-01-01\nyears = [2028]\ndemand_gw = [-1]\n'
         "grid_gw = [1]\nunder_construction_gw = [1]\n", "demand_gw"),
        ('as_of = 2025-01-01\nyears = [2028]\ndemand_gw = [1]\n'
         "grid_gw = [1]\nunder_construction_gw = [1]\n", "source"),
        ('source = "x"\nas_of = 2025-01-01\nyears = [2028, 2027]\ndemand_gw = [1, 1]\n'
         "grid_gw = [1, 1]\nunder_construction_gw = [1, 1]\n", "years"),
    ],
)  # fmt: skip
def test_bad_user_file_is_one_input_error(tmp_path: Path, body: str, field: str) -> None:
    f = tmp_path / "gap.toml"
    f.write_text("[power_gap]\n" + body)
    with pytest.raises(InputError, match=field):
        load_power_gap(f)


@given(s1=st.floats(0.0, 1.0), s2=st.floats(0.0, 1.0))
def test_rent_anchor_rises_with_scarcity(s1: float, s2: float) -> None:
    lo, hi = sorted((s1, s2))
    assert rent_anchor_usd_per_kw_month(lo) <= rent_anchor_usd_per_kw_month(hi)
    # rent_ref x exp(0.5 (s - 44/65))
    assert rent_anchor_usd_per_kw_month(hi) == pytest.approx(
        195.0 * np.exp(0.5 * (hi - 44 / 65)), rel=1e-12
    )


def _gap_inputs(demand_2028_gw: float) -> object:
    g = DEFAULT_INPUTS
    return replace(g, demand_gw=(*g.demand_gw[:-1], demand_2028_gw))


def test_larger_gap_raises_mean_rent_and_lease_value() -> None:
    """Three gaps (2028 demand 40, 65, 90 GW against 21 GW): the mean simulated rent and the
    mean lease NPV (a market-basis lease signs in Dec 2026, at the market rent then) rise
    with the gap."""
    case = _market_basis(build_case(PERMIAN))
    rents, leases, switches = [], [], []
    for demand in (40.0, 65.0, 90.0):
        inputs = _gap_inputs(demand)
        g = power_gap(inputs)  # type: ignore[arg-type]
        params = with_gap_rent(DEFAULT_PARAMS, g)
        scen = simulate(params, StartState.late_2025(), 60, 2_000, np.random.default_rng(3))
        rents.append(float(scen.rent_usd_per_kw_month[:, 1:].mean()))
        c = compare(apply_power_gap(case, inputs), paths=1_000, seed=5)  # type: ignore[arg-type]
        leases.append(c.strategies["lease"].npv_mean_usd)
        switches.append(c.strategies["switch"].npv_mean_usd)
    assert rents[0] < rents[1] < rents[2]
    assert leases[0] < leases[1] < leases[2]
    assert switches[0] < switches[2]
    assert power_gap(_gap_inputs(65.0)).last_scarcity == pytest.approx(DEFAULT_SCARCITY)  # type: ignore[arg-type]
