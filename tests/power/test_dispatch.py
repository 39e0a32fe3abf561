"""Dispatch: reference loops, the option to curtail, sell-back, 4CP, firm AI load, monthly map."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hashpivot.adapters.prices import FilePriceSource
from hashpivot.errors import InputError
from hashpivot.power.dispatch import (
    CoincidentPeakTerms,
    DispatchPolicy,
    PowerPayer,
    PpaTerms,
    RunConstraints,
    SiteDispatchSpec,
    coincident_peak_mask,
    dispatch_run_frac,
    dispatch_site,
    dispatch_totals,
    flat_margin_usd_per_mw,
    monthly_power,
    sellback_credit_usd,
)
from hashpivot.power.prices import hour_starts, select_year

# ------------------------------------------------------------------ reference loops


def _loop_uptime_and_avg(prices: list[float], breakeven: float) -> tuple[float, float]:
    """Plain-Python reference: run an hour iff breakeven > price."""
    run_hours = 0
    paid = 0.0
    for p in prices:
        if breakeven > p:
            run_hours += 1
            paid += p
    return run_hours / len(prices), paid / run_hours


def test_vectorised_dispatch_equals_plain_loop_exactly() -> None:
    rng = np.random.default_rng(11)
    # quarter-dollar prices: every partial sum is exact in binary, so the order cannot matter
    prices = rng.integers(-200, 4000, size=(5, 2000)) / 4.0
    breakevens = np.array([0.0, 25.0, 50.25, 99.75, 400.0])
    tot = dispatch_totals(prices, breakevens, block=333)  # odd blocks: the seams are exact too
    for k in range(5):
        up, avg = _loop_uptime_and_avg(prices[k].tolist(), float(breakevens[k]))
        assert tot.uptime_frac[k] == up
        assert tot.avg_power_price_usd_per_mwh[k] == avg


def test_dispatch_on_hb_west_2025_matches_loop(shared_data: Path) -> None:
    s = select_year(
        FilePriceSource(shared_data / "ercot_west_hourly.csv").get_prices("HB_WEST", "RT"), 2025
    )
    tot = dispatch_totals(s.price_usd_per_mwh, 100.0)
    up, avg = _loop_uptime_and_avg(s.price_usd_per_mwh.tolist(), 100.0)
    assert tot.uptime_frac[0] == up
    assert tot.avg_power_price_usd_per_mwh[0] == pytest.approx(avg, rel=1e-12)
    assert tot.hours == 8590
    # an honest sanity range: at $100/MWh breakeven West Texas miners ran ~97% of 2025
    assert 0.95 < up < 0.99 and avg < s.price_usd_per_mwh.mean()


def _loop_constrained(
    prices: list[float], b: float, min_run: int, min_down: int, ramp: float
) -> list[float]:
    on, since, level, out = True, 10**9, 1.0, []
    for p in prices:
        want = b > p
        if on and not want and since >= min_run:
            on, since = False, 1
        elif not on and want and since >= min_down:
            on, since = True, 1
        else:
            since += 1
        target = 1.0 if on else 0.0
        level = min(max(target, level - ramp), level + ramp)
        out.append(level)
    return out


@pytest.mark.parametrize(("min_run", "min_down", "ramp"), [(1, 1, 1.0), (3, 2, 1.0), (2, 4, 0.25)])
def test_constrained_dispatch_equals_plain_loop(min_run: int, min_down: int, ramp: float) -> None:
    rng = np.random.default_rng(5)
    prices = rng.normal(40, 40, size=(3, 300))
    b = np.array([30.0, 45.0, 60.0])
    c = RunConstraints(
        min_run_intervals=min_run, min_down_intervals=min_down, ramp_frac_per_interval=ramp
    )
    if not c.binding:
        c = RunConstraints(min_run_intervals=1, min_down_intervals=1, ramp_frac_per_interval=1.0)
    run = dispatch_run_frac(prices, b, constraints=c)
    for k in range(3):
        ref = _loop_constrained(prices[k].tolist(), float(b[k]), min_run, min_down, ramp)
        assert run[k].tolist() == ref
    # the block engine carries state across block seams
    tot = dispatch_totals(prices, b, constraints=c, block=7)
    assert np.array_equal(tot.run_hours, run.sum(axis=1))


def test_constraints_from_hours_for_15_minute_data() -> None:
    c = RunConstraints.from_hours(
        interval_minutes=15, min_run_hours=1.0, min_down_hours=0.5, ramp_frac_per_hour=0.5
    )
    assert (c.min_run_intervals, c.min_down_intervals) == (4, 2)
    assert c.ramp_frac_per_interval == 0.125
    with pytest.raises(InputError, match="ramp"):
        RunConstraints(ramp_frac_per_interval=0.0)


# ------------------------------------------------------------------ the option to curtail

_prices = arrays(
    np.float64,
    st.tuples(st.integers(1, 3), st.integers(1, 60)),
    elements=st.floats(-250, 5000, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(prices=_prices, breakeven=st.floats(-100, 500, allow_nan=False))
def test_curtailing_is_never_worth_less_than_flat(prices: np.ndarray, breakeven: float) -> None:
    curtail = dispatch_totals(prices, breakeven).margin_usd_per_mw
    flat = flat_margin_usd_per_mw(prices, breakeven)
    assert np.all(curtail >= flat - 1e-9 * (1 + np.abs(flat)))
    # and never worse than doing nothing
    assert np.all(curtail >= -1e-9)


@settings(max_examples=40, deadline=None)
@given(
    prices=_prices,
    breakeven=st.floats(0, 300, allow_nan=False),
    contract_mw=st.floats(0.5, 20),
    ppa_price=st.floats(0, 100),
)
def test_curtailing_under_a_ppa_is_never_worth_less(
    prices: np.ndarray, breakeven: float, contract_mw: float, ppa_price: float
) -> None:
    ppa = PpaTerms(contract_mw=contract_mw, price_usd_per_mwh=ppa_price)
    spec = SiteDispatchSpec(mining_mw=contract_mw, ppa=ppa)
    cur = dispatch_site(prices, breakeven, spec).mining_margin_usd
    flat = dispatch_site(
        prices,
        breakeven,
        SiteDispatchSpec(mining_mw=contract_mw, ppa=ppa, policy="flat"),  # type: ignore[arg-type]
    ).mining_margin_usd
    assert np.all(cur >= flat - 1e-9 * (1 + np.abs(flat)))


# ------------------------------------------------------------------ sell-back (PPA)


def test_sellback_credit_hand_computation() -> None:
    # 10 MW contract at $40/MWh; 8 MW of miners whose MWh is worth $60; four hours:
    prices = np.array([10.0, 50.0, 200.0, -5.0])
    spec = SiteDispatchSpec(mining_mw=8.0, ppa=PpaTerms(contract_mw=10.0, price_usd_per_mwh=40.0))
    r = dispatch_site(prices, 60.0, spec)
    # decision on the RT price: run at 10, 50, -5; curtail at 200
    # unused MW: 2, 2, 10, 2 -> credit = 2x10 + 2x50 + 10x200 + 2x(-5) = 20 + 100 + 2000 - 10
    assert r.sellback_credit_usd[0] == pytest.approx(2110.0)
    assert sellback_credit_usd(prices, np.array([2.0, 2.0, 10.0, 2.0]))[0] == pytest.approx(2110.0)
    # mining energy 3 h x 8 MW = 24 MWh at the contract price; unused 16 MWh also paid at $40
    assert r.mining_energy_mwh[0] == 24.0
    assert r.mining_power_cost_usd[0] == pytest.approx(24 * 40.0)
    assert r.unused_contract_cost_usd[0] == pytest.approx(16 * 40.0)
    # take-or-pay total = 10 MW x 4 h x $40 = $1,600; net power cash = 2,110 - 1,600
    assert r.net_power_cash_usd[0] == pytest.approx(510.0)
    assert r.mining_value_usd[0] == pytest.approx(24 * 60.0)
    assert r.mining_margin_usd[0] == pytest.approx(24 * 60.0 + 510.0)


# ------------------------------------------------------------------ hybrid: firm AI + mining


def test_firm_ai_load_and_who_pays() -> None:
    prices = np.array([20.0, 30.0, 500.0, 40.0])
    tenant = SiteDispatchSpec(mining_mw=90.0, ai_load_mw=10.0, adder_usd_per_mwh=5.0)
    r = dispatch_site(prices, 100.0, tenant)
    # AI runs every hour: 10 MW x (25 + 35 + 505 + 45) = $6,100; miners skip the $500 hour
    assert r.ai_energy_mwh[0] == 40.0
    assert r.ai_power_cost_usd[0] == pytest.approx(6100.0)
    assert r.landlord_ai_power_cost_usd[0] == 0.0
    assert r.mining_uptime_frac[0] == 0.75
    assert r.mining_power_cost_usd[0] == pytest.approx(90 * (25 + 35 + 45))
    assert r.mining_avg_power_price_usd_per_mwh[0] == pytest.approx(35.0)
    landlord = dispatch_site(
        prices,
        100.0,
        tenant.__class__(
            mining_mw=90.0,
            ai_load_mw=10.0,
            adder_usd_per_mwh=5.0,
            ai_power_paid_by=PowerPayer.LANDLORD,
        ),
    )
    assert landlord.net_power_cash_usd[0] == pytest.approx(r.net_power_cash_usd[0] - 6100.0)


def test_ai_load_is_served_first_from_the_contract() -> None:
    prices = np.array([30.0, 300.0])
    spec = SiteDispatchSpec(
        mining_mw=10.0,
        ai_load_mw=5.0,
        ppa=PpaTerms(contract_mw=12.0, price_usd_per_mwh=40.0),
        adder_usd_per_mwh=2.0,
    )
    r = dispatch_site(prices, 100.0, spec)
    # hour 1: AI 5 + mining 10 = 15 > 12: mining covered 7 at $40, short 3 at 30 + 2; unused 0
    # hour 2: mining off; unused 7 sold at $300
    assert r.mining_power_cost_usd[0] == pytest.approx(7 * 40 + 3 * 32)
    assert r.ai_power_cost_usd[0] == pytest.approx(2 * 5 * 40)
    assert r.sellback_credit_usd[0] == pytest.approx(7 * 300)
    assert r.unused_contract_cost_usd[0] == pytest.approx(7 * 40)


# ------------------------------------------------------------------ 4CP


def test_coincident_peak_mask_picks_the_hottest_afternoons() -> None:
    # June 2025, hourly; local CDT = UTC - 5; window 15:00-19:00 local = 20Z-23Z
    ts = hour_starts(np.datetime64("2025-06-01"), 1)
    prices = np.full(ts.size, 30.0)
    day = (ts.astype("datetime64[D]") - np.datetime64("2025-06-01")).astype(int)
    hour_z = ts.astype("datetime64[h]").astype(int) % 24
    prices[(day == 9) & (hour_z == 21)] = 900.0  # 16:00 CDT on June 10
    prices[(day == 19) & (hour_z == 22)] = 700.0  # 17:00 CDT on June 20
    prices[(day == 4) & (hour_z == 3)] = 5000.0  # 22:00 CDT: outside the window, ignored
    mask = coincident_peak_mask(ts, prices, CoincidentPeakTerms(peak_days_per_month=2))
    assert mask.shape == (1, ts.size)
    picked = sorted({(int(d), int(h)) for d, h in zip(day[mask[0]], hour_z[mask[0]], strict=True)})
    assert picked == [(9, 20), (9, 21), (9, 22), (9, 23), (19, 20), (19, 21), (19, 22), (19, 23)]
    # outside the 4CP months nothing is curtailed
    jan = hour_starts(np.datetime64("2025-01-01"), 1)
    assert not coincident_peak_mask(jan, np.full(jan.size, 99.0), CoincidentPeakTerms()).any()
    # in the dispatch the forced hours are off even though mining is worth more than the price
    spec = SiteDispatchSpec(mining_mw=1.0, fourcp=CoincidentPeakTerms(peak_days_per_month=2))
    r = dispatch_site(prices, 1000.0, spec, interval_start_utc=ts)
    assert r.fourcp_curtailed_hours[0] == 8
    # 8 forced hours + the $5,000 hour at 22:00 CDT (price above the $1,000 value)
    assert r.mining_uptime_frac[0] == pytest.approx(1 - 9 / ts.size)


def test_coincident_peak_window_is_local_time_in_winter_too() -> None:
    # January 2025 in America/Chicago is CST = UTC - 6: the 15:00-19:00 window is 21Z-00Z
    ts = hour_starts(np.datetime64("2025-01-01"), 1)
    day = (ts.astype("datetime64[D]") - np.datetime64("2025-01-01")).astype(int)
    hour_z = ts.astype("datetime64[h]").astype(int) % 24
    prices = np.full(ts.size, 30.0)
    prices[(day == 14) & (hour_z == 22)] = 900.0  # 16:00 CST on January 15
    terms = CoincidentPeakTerms(months=(1,), peak_days_per_month=1)
    mask = coincident_peak_mask(ts, prices, terms)
    picked = sorted({(int(d), int(h)) for d, h in zip(day[mask[0]], hour_z[mask[0]], strict=True)})
    assert picked == [(14, 21), (14, 22), (14, 23), (15, 0)]  # 00Z is 18:00 CST the day before
    with pytest.raises(InputError, match=r"fourcp\.time_zone"):
        CoincidentPeakTerms(time_zone="America/Nowhere")


# ------------------------------------------------------------------ monthly results for mining


def test_monthly_power_replays_history_by_month_of_year() -> None:
    # history: January 2024 hours all $10 except 31 hours at $200; February 2024 all $50
    ts = hour_starts(np.datetime64("2024-01-01"), 2)
    prices = np.where(ts < np.datetime64("2024-02-01"), 10.0, 50.0)
    prices[:31] = 200.0
    b = np.array([[100.0, 100.0], [300.0, 30.0]])  # (paths=2, months=2)
    mp = monthly_power(prices, ts, b, start=date(2026, 1, 1))  # Jan 2026, Feb 2026
    assert mp.uptime_frac.shape == (2, 2)
    # path 0 Jan: runs 713 of 744 hours at $10
    assert mp.uptime_frac[0, 0] == pytest.approx(713 / 744)
    assert mp.power_cost_usd_per_mwh[0, 0] == pytest.approx(10.0)
    # path 1 Jan: runs every hour: (31 x 200 + 713 x 10) / 744
    assert mp.power_cost_usd_per_mwh[1, 0] == pytest.approx((31 * 200 + 713 * 10) / 744)
    # path 1 Feb: breakeven $30 < $50: never runs; cost = month average, cash = 0
    assert mp.uptime_frac[1, 1] == 0.0
    assert mp.power_cost_usd_per_mwh[1, 1] == 50.0
    assert mp.power_cash_usd_per_mwh_capacity[1, 1] == 0.0
    # path 0 Feb: runs every hour at $50 (2024's 29 February days replayed for 2026's 28)
    assert mp.uptime_frac[0, 1] == 1.0 and mp.power_cost_usd_per_mwh[0, 1] == 50.0
    assert mp.hours_in_month.tolist() == [744.0, 672.0]


def test_monthly_power_needs_every_calendar_month() -> None:
    ts = hour_starts(np.datetime64("2024-01-01"), 2)
    with pytest.raises(InputError, match="calendar month 3"):
        monthly_power(np.full(ts.size, 20.0), ts, np.full((1, 3), 50.0), start=date(2026, 1, 1))


def test_monthly_power_on_synthetic_paths_matches_month_by_month() -> None:
    rng = np.random.default_rng(3)
    ts = hour_starts(np.datetime64("2026-01-01"), 3)
    prices = rng.normal(40, 30, size=(4, ts.size))
    b = rng.uniform(20, 80, size=(4, 3))
    mp = monthly_power(prices, ts, b, start=date(2026, 1, 1), adder_usd_per_mwh=2.0)
    edges = [0, 744, 744 + 672, ts.size]
    for j in range(3):
        seg = prices[:, edges[j] : edges[j + 1]] + 2.0
        tot = dispatch_totals(seg, b[:, j])
        assert np.array_equal(mp.uptime_frac[:, j], tot.uptime_frac)
        np.testing.assert_allclose(
            mp.power_cash_usd_per_mwh_capacity[:, j],
            tot.uptime_frac * tot.avg_power_price_usd_per_mwh,
            rtol=1e-12,
        )


def test_monthly_power_with_a_ppa_credit() -> None:
    ts = hour_starts(np.datetime64("2026-02-01"), 1)  # 672 h
    prices = np.full(ts.size, 20.0)
    prices[:72] = 1000.0
    mp = monthly_power(
        prices[None, :], ts, np.array([[100.0]]), start=date(2026, 2, 1), ppa_price_usd_per_mwh=35.0
    )
    assert mp.uptime_frac[0, 0] == pytest.approx(600 / 672)
    assert mp.power_cost_usd_per_mwh[0, 0] == 35.0
    assert mp.power_cash_usd_per_mwh_capacity[0, 0] == 35.0  # take-or-pay
    assert mp.sellback_credit_usd_per_mwh_contracted[0, 0] == pytest.approx(72 * 1000 / 672)


def test_flat_policy_runs_everything() -> None:
    prices = np.array([[5.0, 500.0, 50.0]])
    tot = dispatch_totals(prices, 10.0, policy=DispatchPolicy.FLAT)
    assert tot.uptime_frac[0] == 1.0
    assert tot.margin_usd_per_mw[0] == pytest.approx(30 - 555)


def test_bad_shapes_are_input_errors() -> None:
    with pytest.raises(InputError, match="breakeven"):
        dispatch_totals(np.ones(5), np.ones((2, 3)))
    with pytest.raises(InputError, match="finite"):
        dispatch_totals(np.ones(5), np.nan)
