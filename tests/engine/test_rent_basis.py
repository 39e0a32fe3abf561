"""A signed rent does not move with its index; a market rent is the index + its spread, one
for one (docs/methodology.md "Rent markets")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case
from hashpivot.engine.deterministic import deterministic_scenarios
from hashpivot.engine.strategies import CompareCase, evaluate_batch, prepare
from hashpivot.engine.strategies.base import Factors
from hashpivot.engine.strategies.context import site_rent_paths
from hashpivot.market.rent_products import RentBasis
from hashpivot.market.scenarios import MarketScenarios, simulate

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"
SHOCK = 25.0  # USD/kW-month added to the index on every path and month


def _case_and_paths() -> tuple[CompareCase, MarketScenarios, MarketScenarios]:
    case = build_case(SITE, months=36)
    scen = simulate(
        case.market_params, case.start_state, case.market_months + 1, 64, np.random.default_rng(3)
    )
    shocked = replace(scen, rent_usd_per_kw_month=scen.rent_usd_per_kw_month + SHOCK)
    return case, scen, shocked


def _market_basis(case: CompareCase, spread: float) -> CompareCase:
    assert case.lease is not None and case.lease.rent is not None
    link = replace(case.lease.rent, basis=RentBasis.MARKET, spread_usd_per_kw_month=spread)
    terms = replace(case.lease.terms, rent_usd_per_kw_month=link.site_rent_today_usd_per_kw_month)
    return replace(case, lease=replace(case.lease, rent=link, terms=terms))


def test_the_permian_lease_is_a_signed_ai_hall_rent_below_its_index() -> None:
    case = build_case(SITE, months=36)
    assert case.lease is not None and case.lease.rent is not None
    link = case.lease.rent
    assert (link.product.value, link.basis.value) == ("ai_hall", "signed")
    # the contract $82 less the AI-hall index (median of the deal table, ~$128.63 today)
    # expected at the site's first month: the base scenario's rent path there (zero shocks)
    assert case.start_state.rent_usd_per_kw_month == link.index_today_usd_per_kw_month
    base = deterministic_scenarios(case)
    expected = base.rent_usd_per_kw_month[0, case.offset]
    assert link.spread_usd_per_kw_month == pytest.approx(82.0 - expected, rel=1e-12)
    assert 128.63 < expected < 128.64 * 1.03  # 13 months of a 3%/yr trend at most


def test_a_signed_leases_cash_flows_do_not_move_when_the_index_is_shocked() -> None:
    case, scen, shocked = _case_and_paths()
    prepared = prepare(case)
    a = evaluate_batch(case, scen, prepared, net_rows=64)
    b = evaluate_batch(case, shocked, prepared, net_rows=64)
    np.testing.assert_array_equal(a.net_usd["lease"], b.net_usd["lease"])
    np.testing.assert_array_equal(a.npv_usd["lease"], b.npv_usd["lease"])
    # its month-0 rent is the contract on every path, whatever the index did before
    site, mult = site_rent_paths(case, scen, Factors())
    assert np.all(site[:, 0] == 82.0) and np.all(mult[:, 0] == 1.0)
    # a conversion later signs at the index then + the spread implied today (82 - index today)
    off = case.offset
    idx = scen.rent_usd_per_kw_month[:, off : off + 37]
    spread = case.lease.rent.spread_usd_per_kw_month  # type: ignore[union-attr]
    np.testing.assert_allclose(site[:, 1:], idx[:, 1:] + spread)


def test_a_market_leases_rent_moves_one_for_one_plus_its_spread() -> None:
    base, scen, shocked = _case_and_paths()
    spread = -20.0
    case = _market_basis(base, spread)
    site, _ = site_rent_paths(case, scen, Factors())
    site_s, _ = site_rent_paths(case, shocked, Factors())
    off = case.offset
    np.testing.assert_allclose(site, scen.rent_usd_per_kw_month[:, off : off + 37] + spread)
    np.testing.assert_allclose(site_s - site, SHOCK)
    prepared = prepare(case)
    a = evaluate_batch(case, scen, prepared, net_rows=64)
    b = evaluate_batch(case, shocked, prepared, net_rows=64)
    # first rent month (commencement 18, no ramp or free rent): +$25/kW-month on 83.33 IT MW,
    # less the 2% management fee, on every path
    assert case.lease is not None
    start = case.lease.terms.commencement_month
    it_kw = 100.0 / 1.2 * 1000.0
    diff = b.net_usd["lease"] - a.net_usd["lease"]
    np.testing.assert_allclose(diff[:, start], SHOCK * it_kw * 0.98, rtol=1e-9)
    assert np.all(diff[:, :start] == 0.0)


def test_the_case_carries_its_products_loading_through_the_market_table() -> None:
    case = build_case(SITE, months=36)
    # AI hall: loading 0.9 on the common rent shock, its own part from stream 1
    assert (case.market_params.rent_loading, case.market_params.rent_own_stream) == (0.9, 1)
