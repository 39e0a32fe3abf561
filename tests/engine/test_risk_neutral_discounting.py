"""Risk-neutral drift basis: BTC revenue discounted at the risk-free rate, USD costs at the
site's rate, the same present values for every strategy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case
from hashpivot.config.market import MarketTable, apply_market_table
from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies import evaluate_batch
from hashpivot.engine.strategies.context import batch_context
from hashpivot.market import processes as pr
from hashpivot.market.discounting import discounting
from hashpivot.market.processes import DriftBasis
from hashpivot.market.scenarios import MarketScenarios, simulate

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"
RF = 0.04  # risk-free rate [1/yr], annual effective


def _flat_case(basis: DriftBasis) -> tuple[CompareCase, MarketScenarios]:
    """The example site on a market without shocks and a constant network hashrate (no error
    correction), BTC on the forward ``F = S0 (1 + r_f)^(T/12)`` (carry at r_f, q = 0)."""
    case = build_case(SITE, months=36)
    flat = case.market_params.with_zero_volatility()
    s0 = case.start_state.btc_price_usd
    growth = pr.risk_neutral_growth_per_year(s0, s0 * (1 + RF) ** (24 / 12), 24)
    assert growth == pytest.approx(RF, rel=1e-12)
    btc = replace(
        flat.btc,
        drift_basis=basis,
        risk_free_rate_per_year=RF,
        log_drift_per_year=pr.log_drift_for_basis(basis, growth, 0.0),
    )
    hashrate = replace(flat.hashrate, gap_speed_per_month=0.0, hashprice_change_response=0.0)
    case = replace(case, market_params=replace(flat, btc=btc, hashrate=hashrate))
    scen = simulate(
        case.market_params, case.start_state, case.market_months + 1, 1, np.random.default_rng(0)
    )
    return case, scen


def test_btc_revenue_at_the_risk_free_rate_is_spot_times_btc_mined() -> None:
    """Hand-worked: the price of market month k is ``S0 (1 + r_f)^(k/12)`` (the forward with
    q = 0); the site's month j is market month ``off + j``, its BTC is sold at that month's
    price and received at the month's end, ``(1 + r_f)^(-(j + 1)/12)``. So the present value
    of the BTC revenue is ``S0 (1 + r_f)^((off - 1)/12) x sum_j BTC_j``: spot x BTC mined,
    less one month of carry (and the months before the site starts). The USD costs keep the
    site's rate."""
    case, scen = _flat_case(DriftBasis.RISK_NEUTRAL)
    ctx = batch_context(case, scen)
    h, off = case.horizon, case.offset
    s0 = case.start_state.btc_price_usd
    btc_mined = ctx.mined.btc_mined[0]
    assert np.ptp(scen.network_hashrate_eh_s) == 0.0  # a constant network hashrate
    pv_btc = s0 * (1 + RF) ** ((off - 1) / 12) * btc_mined.sum()
    usd = ctx.mined.cash_flows.net_usd[0] - btc_mined * ctx.mined.btc_price_usd[0]
    # the USD costs of earning it share the risk-free rate (one measure for mining's flow)
    r_f = (1 + RF) ** (1 / 12) - 1
    pv_usd = (usd * (1 + r_f) ** -np.arange(1, h + 1)).sum()
    assert ctx.cum_mine[0, h] == pytest.approx(pv_btc + pv_usd, rel=1e-10)
    # every strategy reads the same value: mine = mining + the residual at the site's rate
    v = evaluate_batch(case, scen)
    mine = ctx.cum_mine[0, h] + ctx.residual_usd[0, h] * ctx.disc[0, h]
    assert float(v.npv_usd["mine"][0]) == pytest.approx(mine, rel=1e-12)
    assert v.net_usd["mine"][0, :-1] == pytest.approx(ctx.mined.cash_flows.net_usd[0, :-1])


def test_expected_basis_discounts_everything_at_the_site_rate() -> None:
    case, scen = _flat_case(DriftBasis.EXPECTED)
    ctx = batch_context(case, scen)
    np.testing.assert_array_equal(ctx.mine_net, ctx.mined.cash_flows.net_usd)
    h = case.horizon
    assert ctx.cum_mine[0, h] == pytest.approx((ctx.mine_net * ctx.disc[:, 1:]).sum(), rel=1e-12)
    d = discounting(case.market_params.btc, case.mining.discount_rate)
    assert d["btc_revenue_rate_per_year"] == d["usd_flows_rate_per_year"] == 0.12


def test_risk_neutral_revenue_is_worth_more_than_at_the_site_rate() -> None:
    """r_f 4% < the site's 12%: the same BTC revenue is worth more discounted at r_f."""
    rn, scen = _flat_case(DriftBasis.RISK_NEUTRAL)
    ex = replace(
        rn,
        market_params=replace(
            rn.market_params, btc=replace(rn.market_params.btc, drift_basis=DriftBasis.EXPECTED)
        ),
    )
    h = rn.horizon
    assert batch_context(rn, scen).cum_mine[0, h] > batch_context(ex, scen).cum_mine[0, h]
    d = discounting(rn.market_params.btc, rn.mining.discount_rate)
    assert (d["btc_revenue_rate_per_year"], d["usd_flows_rate_per_year"]) == (RF, RF)


def test_market_table_sets_the_sites_one_risk_free_rate_under_any_basis() -> None:
    case = build_case(SITE, months=12)
    p, s = case.market_params, case.start_state
    table = MarketTable(
        btc_drift_basis="risk_neutral",
        btc_forward_price_usd=100_000.0,
        risk_free_rate_per_year=0.045,
    )
    assert apply_market_table(table, p, s)[0].btc.risk_free_rate_per_year == 0.045
    assert p.btc.risk_free_rate_per_year == 0.037  # 5-year Treasury, Dec 2025
    # the GPU contract's credit builds on it under every basis
    assert apply_market_table(MarketTable(risk_free_rate_per_year=0.045), p, s)[
        0
    ].btc.risk_free_rate_per_year == pytest.approx(0.045)


def test_a_deterministic_run_discounts_its_own_path_at_the_site_rate() -> None:
    """The drift basis is the Monte Carlo's: a deterministic run follows its named scenario's
    BTC path, so a risk-neutral basis changes none of its values."""
    from hashpivot.engine.deterministic import run_deterministic

    case = build_case(SITE, months=36)
    btc = replace(case.market_params.btc, drift_basis=DriftBasis.RISK_NEUTRAL)
    rn = replace(case, market_params=replace(case.market_params, btc=btc))
    base = run_deterministic(case).comparison
    other = run_deterministic(rn).comparison
    npv = {k: s.npv_mean_usd for k, s in base.strategies.items()}
    assert {k: s.npv_mean_usd for k, s in other.strategies.items()} == npv
    assert len(npv) == 6


def test_cash_rows_stay_cash_under_risk_neutral() -> None:
    """The restated flows are for present values only: sell's monthly rows before the close
    are the mining cash flows themselves."""
    case, scen = _flat_case(DriftBasis.RISK_NEUTRAL)
    ctx = batch_context(case, scen)
    v = evaluate_batch(case, scen)
    k = min(case.sale.months_to_close, case.horizon)
    assert k > 1
    cash = ctx.mined.cash_flows.net_usd[0]
    assert not np.allclose(ctx.mine_net[0, : k - 1], cash[: k - 1])  # restated for PV
    assert v.net_usd["sell"][0, : k - 1] == pytest.approx(cash[: k - 1], rel=1e-12)


def test_compare_json_names_the_discounting_each_run_used() -> None:
    from hashpivot.api.compare import summary
    from hashpivot.engine.deterministic import run_deterministic

    case = build_case(SITE, months=36)
    btc = replace(case.market_params.btc, drift_basis=DriftBasis.RISK_NEUTRAL)
    rn = replace(case, market_params=replace(case.market_params, btc=btc))
    det = summary(rn, run_deterministic(rn).comparison)["discounting"]
    assert det["btc_revenue_rate_per_year"] == case.mining.discount_rate  # the site's rate
