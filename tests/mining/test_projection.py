"""The mining projection: a hand-worked month, the halving month, and invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.bitcoin.chain import NetworkState
from hashpivot.mining.fleet import Fleet, FleetLine
from hashpivot.mining.projection import MiningModel, MiningSite
from hashpivot.types import MarketPaths

DIFF_1000_EH = 1000e18 * 600 / 2**32  # difficulty at which 1,000 EH/s finds a block every 600 s


def make_site(**kw: object) -> MiningSite:
    base = dict(
        name="t",
        capacity_mw=10.0,
        overhead_frac=0.05,
        fleet=Fleet.of([FleetLine(name="S21", count=1000, hashrate_th_s=200.0, power_w=3500.0)]),
        uptime_frac=0.95,
        pool_fee_frac=0.02,
        power_price_usd_per_mwh=40.0,
        opex_usd_per_month=10_000.0,
        degradation_frac_per_year=0.0,
        asic_price_usd_per_th=15.0,
        buy_fleet=False,
        shutdown_when_unprofitable=False,
        start=date(2027, 6, 1),
        horizon_months=1,
        discount_rate=0.12,
    )
    base.update(kw)
    return MiningSite(**base)  # type: ignore[arg-type]


def make_market(
    months: int,
    *,
    price: float = 100_000.0,
    hashrate_eh_s: float = 1000.0,
    fee_share: float = 0.02,
    paths: int = 1,
    fees_btc_per_block: float | None = None,
) -> MarketPaths:
    shape = (paths, months)
    return MarketPaths(
        start=date(2027, 6, 1),
        btc_price_usd=np.full(shape, price),
        network_hashrate_eh_s=np.full(shape, hashrate_eh_s),
        fee_share_frac=np.full(shape, fee_share),
        fees_btc_per_block=None
        if fees_btc_per_block is None
        else np.full(shape, fees_btc_per_block),
    )


def state_at(height: int) -> NetworkState:
    # Mid-epoch, on schedule: the blocks of this epoch so far came every 600 s.
    return NetworkState(
        height=height,
        difficulty=DIFF_1000_EH,
        epoch_elapsed_s=(height % 2016) * 600.0,
        as_of=date(2027, 6, 1),
    )


def test_hand_worked_month() -> None:
    """June 2027 (30 days), height 1,000,000 (subsidy 3.125 BTC), network on schedule."""
    site = make_site()
    r = MiningModel(site, state_at(1_000_000), make_market(1)).run()
    blocks = 30 * 86_400 / 600  # 4,320 blocks: hashrate equals the difficulty-implied one
    subsidy = blocks * 3.125  # 13,500 BTC
    fees = subsidy * 0.02 / 0.98  # fee share 2% of block revenue -> 275.51 BTC
    share = (1000 * 200e12 * 0.95) / 1000e18  # 1.9e-4 of the network
    btc = share * (subsidy + fees) * (1 - 0.02)  # 2.5650 BTC after the pool fee
    revenue = btc * 100_000.0
    energy_mwh = 3.5 * 0.95 * 720 / (1 - 0.05)  # 2,520 MWh incl. overhead
    power = energy_mwh * 40.0  # $100,800
    ebitda = revenue - power - 10_000.0
    assert r.chain.blocks[0, 0] == pytest.approx(blocks, rel=1e-12)
    assert r.btc_mined[0, 0] == pytest.approx(btc, rel=1e-12)
    assert btc == pytest.approx(2.5650, abs=1e-4)
    assert r.cash_flows.revenue_usd[0, 0] == pytest.approx(revenue, rel=1e-12)
    assert r.power_cost_usd[0, 0] == pytest.approx(100_800.0, rel=1e-12)
    assert r.ebitda_usd[0, 0] == pytest.approx(ebitda, rel=1e-12)
    # hashprice: 86,400 x 1e15 x (3.125 + fees/block) x price / (D x 2^32)
    hp = 86_400 * 1e15 * (3.125 + fees / blocks) * 100_000 / (DIFF_1000_EH * 2**32)
    assert r.hashprice_usd_per_ph_day[0, 0] == pytest.approx(hp, rel=1e-12)


def test_month_with_the_halving_splits_subsidy_by_height() -> None:
    """From height 1,048,000: 2,000 blocks at 3.125 BTC, then 2,320 at 1.5625 BTC."""
    site = make_site()
    r = MiningModel(site, state_at(1_048_000), make_market(1, fee_share=0.0)).run()
    assert r.chain.subsidy_btc[0, 0] == pytest.approx(2000 * 3.125 + 2320 * 1.5625, rel=1e-12)


def test_halving_revenue_per_th_halves_minus_fees() -> None:
    """Same price and difficulty: the subsidy part halves, the fee part does not."""
    site = make_site(power_price_usd_per_mwh=0.0, opex_usd_per_month=0.0)
    f = 0.05  # BTC fees per block
    before = MiningModel(site, state_at(1_000_000), make_market(1, fees_btc_per_block=f)).run()
    after = MiningModel(site, state_at(1_060_000), make_market(1, fees_btc_per_block=f)).run()
    ratio = after.cash_flows.revenue_usd[0, 0] / before.cash_flows.revenue_usd[0, 0]
    assert ratio == pytest.approx((1.5625 + f) / (3.125 + f), rel=1e-12)


def test_growing_hashrate_brings_the_halving_early() -> None:
    """At +50%/yr hashrate the 210,000 blocks of an era take fewer than 1,458.3 days."""
    months = 48
    site = make_site(horizon_months=months)
    g = 1.5 ** (np.arange(months) / 12)
    m = make_market(months)
    m = replace(m, network_hashrate_eh_s=1000.0 * g[None, :])
    fast = MiningModel(site, state_at(1_000_000), m).run()
    flat = MiningModel(site, state_at(1_000_000), make_market(months)).run()
    i_fast = int(np.argmax(fast.chain.height_end[0] >= 1_050_000))
    i_flat = int(np.argmax(flat.chain.height_end[0] >= 1_050_000))
    # 50,000 blocks at 144/day = 347.2 days -> month 11 (May 2028) on schedule.
    assert i_flat == 11
    assert i_fast <= i_flat
    # With +3.4%/month hashrate, blocks run ~1.7% ahead between retargets: >= 500 blocks
    # (~3.5 days) ahead after 11 months, and the extra blocks grow month by month.
    lead = fast.chain.height_end[0] - flat.chain.height_end[0]
    assert lead[10] > 500
    assert np.all(np.diff(lead[:11]) > 0)


@settings(max_examples=40, deadline=None)
@given(
    p_low=st.floats(-50, 300),
    dp=st.floats(0.01, 500),
    price=st.floats(5_000, 500_000),
    hashrate=st.floats(300, 5_000),
    shutdown=st.booleans(),
)
def test_higher_power_price_never_raises_ebitda(
    p_low: float, dp: float, price: float, hashrate: float, shutdown: bool
) -> None:
    site = make_site(horizon_months=6, shutdown_when_unprofitable=shutdown)
    m = make_market(6, price=price, hashrate_eh_s=hashrate)
    low = MiningModel(replace(site, power_price_usd_per_mwh=p_low), state_at(1_000_000), m).run()
    high = MiningModel(
        replace(site, power_price_usd_per_mwh=p_low + dp), state_at(1_000_000), m
    ).run()
    assert np.all(high.ebitda_usd <= low.ebitda_usd + 1e-6)


@settings(max_examples=30, deadline=None)
@given(
    count=st.integers(1, 20_000), price=st.floats(5_000, 500_000), hashrate=st.floats(300, 5_000)
)
def test_doubling_the_fleet_doubles_revenue(count: int, price: float, hashrate: float) -> None:
    line = FleetLine(name="x", count=count, hashrate_th_s=200.0, power_w=3500.0)
    one = make_site(fleet=Fleet.of([line]), capacity_mw=1e4, horizon_months=3)
    two = replace(one, fleet=Fleet.of([line, line]))
    m = make_market(3, price=price, hashrate_eh_s=hashrate)
    r1 = MiningModel(one, state_at(1_000_000), m).run().cash_flows.revenue_usd
    r2 = MiningModel(two, state_at(1_000_000), m).run().cash_flows.revenue_usd
    np.testing.assert_allclose(r2, 2 * r1, rtol=1e-12)


def test_paths_are_independent_rows() -> None:
    """A (paths, months) run equals the one-path runs stacked."""
    site = make_site(horizon_months=12)
    prices = np.array([[50_000.0] * 12, [150_000.0] * 12])
    m2 = replace(make_market(12, paths=2), btc_price_usd=prices)
    both = MiningModel(site, state_at(1_000_000), m2).run()
    for k in range(2):
        mk = replace(make_market(12), btc_price_usd=prices[k : k + 1])
        one = MiningModel(site, state_at(1_000_000), mk).run()
        np.testing.assert_allclose(both.ebitda_usd[k], one.ebitda_usd[0], rtol=1e-12)


def test_shutdown_when_revenue_per_mwh_below_power_price() -> None:
    # Hashprice ~$45/PH/day at 17.5 J/TH -> ~$105/MWh revenue: $200 power switches it off.
    site = make_site(power_price_usd_per_mwh=200.0, shutdown_when_unprofitable=True)
    r = MiningModel(site, state_at(1_000_000), make_market(1)).run()
    assert r.uptime_frac[0, 0] == 0.0
    assert r.power_cost_usd[0, 0] == 0.0
    assert r.ebitda_usd[0, 0] == pytest.approx(-10_000.0)


def test_fleet_refresh_refills_the_power_envelope() -> None:
    """Refresh at month 3 to 10 J/TH: the 3.5 MW of ASICs now run 3.5e6 W / 10 J/TH =
    350,000 TH/s (1.75 x the 200,000 TH/s of S21s), bought at $15/TH = $5.25M in month 3;
    power is unchanged, so revenue jumps by 1.75 at equal network conditions."""
    site = make_site(horizon_months=6, refresh_month=3, refresh_efficiency_j_per_th=10.0)
    r = MiningModel(site, state_at(1_000_000), make_market(6)).run()
    assert r.fleet_hashrate_th_s[2] == pytest.approx(200_000.0)
    assert r.fleet_hashrate_th_s[3] == pytest.approx(350_000.0)
    assert r.cash_flows.capex_usd[0, 3] == pytest.approx(-350_000 * 15.0)
    assert r.cash_flows.capex_usd[0, :3].tolist() == [0.0, 0.0, 0.0]
    per_day = r.btc_mined[0] / r.chain.days
    assert per_day[3] / per_day[2] == pytest.approx(1.75, rel=1e-3)  # same network, 600 s blocks
    assert r.energy_mwh[0, 3] / r.chain.days[3] == pytest.approx(
        r.energy_mwh[0, 2] / r.chain.days[2]
    )


@pytest.mark.parametrize("power_price", [40.0, 200.0])
def test_breakevens_of_the_hand_worked_month(power_price: float) -> None:
    """One month (June 2027): revenue $256,500 (2.56500 BTC x $100,000), other opex $10,000,
    2,520 MWh: the power price at which EBITDA is zero is (256,500 - 10,000) / 2,520 =
    $97.82/MWh, whether or not a $200 power price switches the fleet off; the BTC price at
    which it is zero is (2,520 x price + 10,000) / 2.565 BTC."""
    from hashpivot.valuation.mining import value_mining

    site = make_site(power_price_usd_per_mwh=power_price, shutdown_when_unprofitable=True)
    v = value_mining(MiningModel(site, state_at(1_000_000), make_market(1)).run())
    btc = 1.9e-4 * (13_500 + 13_500 * 0.02 / 0.98) * 0.98
    assert float(v.breakeven_power_usd_per_mwh[0]) == pytest.approx(
        (btc * 100_000 - 10_000) / 2520, rel=1e-9
    )
    assert float(v.breakeven_btc_usd[0]) == pytest.approx(
        (2520 * power_price + 10_000) / btc, rel=1e-9
    )
