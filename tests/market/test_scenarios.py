"""Scenario sets: reproducibility, chunking, the zero-volatility limit, named scenarios."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.errors import InputError
from hashpivot.market import scenarios as sc
from hashpivot.market.processes import PriceTails
from hashpivot.market.snapshot import SCENARIOS, ScenarioName

START = sc.StartState.late_2025()


def _assert_same(a: sc.MarketScenarios, b: sc.MarketScenarios) -> None:
    for name in sc.MarketScenarios.ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.subsidy_btc_per_block, b.subsidy_btc_per_block)


def test_shapes_units_and_start_column() -> None:
    s = sc.simulate(sc.DEFAULT_PARAMS, START, 36, 500, np.random.default_rng(1))
    for name in sc.MarketScenarios.ARRAYS:
        arr = getattr(s, name)
        assert arr.shape == (500, 36) and arr.dtype == np.float64 and arr.flags.c_contiguous
        assert np.all(np.isfinite(arr)) and np.all(arr > 0)
    assert np.all(s.btc_price_usd[:, 0] == START.btc_price_usd)
    assert np.all(s.network_hashrate_eh_s[:, 0] == START.network_hashrate_eh_s)
    np.testing.assert_allclose(s.fee_share_frac[:, 0], START.fee_share_frac, rtol=1e-12)
    assert np.all(s.rent_usd_per_kw_month[:, 0] == 195.0)
    # late Nov 2025: hashprice ~ $38.7/PH/day (market.snapshot.SNAPSHOT check line)
    assert s.hashprice_usd_per_ph_day[0, 0] == pytest.approx(38.7, abs=0.2)


def test_seeded_runs_reproduce_and_seeds_differ() -> None:
    a = sc.simulate(sc.DEFAULT_PARAMS, START, 24, 3000, np.random.default_rng(42))
    b = sc.simulate(sc.DEFAULT_PARAMS, START, 24, 3000, np.random.default_rng(42))
    c = sc.simulate(sc.DEFAULT_PARAMS, START, 24, 3000, np.random.default_rng(43))
    _assert_same(a, b)
    assert not np.array_equal(a.btc_price_usd, c.btc_price_usd)


def test_chunked_is_identical_whatever_the_execution_order() -> None:
    kw = {"seed": 2025, "chunk_paths": 700}
    serial = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 24, 3000, **kw)

    def reverse_map(fn, specs):  # type: ignore[no-untyped-def]
        return [fn(s) for s in reversed(list(specs))]

    backwards = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 24, 3000, map_fn=reverse_map, **kw)
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 24, 3000, map_fn=pool.map, **kw)
    streamed = sc.MarketScenarios.concat(
        [s for _, s in sc.iter_chunks(sc.DEFAULT_PARAMS, START, 24, 3000, **kw)]
    )
    assert serial.paths == 3000
    _assert_same(serial, backwards)
    _assert_same(serial, threaded)
    _assert_same(serial, streamed)


def test_chunks_depend_on_seed_paths_and_chunk_size_only() -> None:
    specs = sc.chunk_specs(2500, 1000, 7)
    assert [(s.first_path, s.paths) for s in specs] == [(0, 1000), (1000, 1000), (2000, 500)]
    # chunk i is the same draw whatever the total, as long as chunk_paths is fixed
    a = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 12, 2500, seed=7, chunk_paths=1000)
    b = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 12, 2000, seed=7, chunk_paths=1000)
    _assert_same(a.take(slice(0, 2000)), b)
    # a SeedSequence argument is not consumed: the same children each call
    ss = np.random.SeedSequence(7)
    c = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 12, 2000, seed=ss, chunk_paths=1000)
    d = sc.simulate_chunked(sc.DEFAULT_PARAMS, START, 12, 2000, seed=ss, chunk_paths=1000)
    _assert_same(b, c)
    _assert_same(c, d)


def test_zero_volatility_collapses_to_the_drift_path() -> None:
    quiet = sc.DEFAULT_PARAMS.with_zero_volatility()
    assert quiet.random_factors() == ()
    months = 60
    s = sc.simulate(quiet, START, months, 4, np.random.default_rng(0))
    j = np.arange(months)
    # the deterministic path is the mean of the stochastic one: +10%/yr (the base scenario)
    expected = START.btc_price_usd * 1.10 ** (j / 12)
    np.testing.assert_allclose(s.btc_price_usd, np.broadcast_to(expected, (4, months)), rtol=1e-12)
    for name in sc.MarketScenarios.ARRAYS:  # every path identical
        arr = getattr(s, name)
        np.testing.assert_array_equal(arr, np.broadcast_to(arr[0], arr.shape))
    # rent: hand recursion of log rent toward log(195) + 0.03 t
    p = sc.DEFAULT_PARAMS.rent
    phi = math.exp(-p.reversion_per_year / 12)
    v = math.log(START.rent_usd_per_kw_month)
    for k in range(months - 1):
        v = phi * v + (1 - phi) * (
            math.log(p.long_run_level) + p.long_run_log_trend_per_year * k / 12
        )
        assert s.rent_usd_per_kw_month[0, k + 1] == pytest.approx(math.exp(v), rel=1e-12)
    # fee share: starts at 1.2%, relaxes toward 3.05% in logit
    fs = s.fee_share_frac[0]
    assert fs[0] == pytest.approx(START.fee_share_frac) and np.all(np.diff(fs) > 0)
    assert fs[-1] == pytest.approx(0.0305, rel=0.01)


def test_stochastic_mean_of_log_price() -> None:
    p = replace(sc.DEFAULT_PARAMS, btc=replace(sc.DEFAULT_PARAMS.btc, vol_per_year=0.6))
    s = sc.simulate(p, START, 25, 40_000, np.random.default_rng(9))
    log_ret = np.log(s.btc_price_usd[:, -1] / START.btc_price_usd)
    mu = p.btc.log_drift_per_year * 2
    sd = 0.6 * math.sqrt(2)
    assert abs(log_ret.mean() - mu) < 5 * sd / math.sqrt(40_000)
    assert log_ret.std() == pytest.approx(sd, rel=0.02)


def test_shock_correlation_reaches_the_outputs() -> None:
    """Monthly log changes of rent and GPU rate carry the 0.30 shock correlation."""
    s = sc.simulate(sc.DEFAULT_PARAMS, START, 3, 100_000, np.random.default_rng(10))
    d_rent = np.diff(np.log(s.rent_usd_per_kw_month), axis=1)[:, 0]
    d_gpu = np.diff(np.log(s.gpu_rate_usd_per_gpu_hour), axis=1)[:, 0]
    assert np.corrcoef(d_rent, d_gpu)[0, 1] == pytest.approx(0.30, abs=0.015)
    d_btc = np.diff(np.log(s.btc_price_usd), axis=1)[:, 0]
    assert abs(np.corrcoef(d_btc, d_rent)[0, 1]) < 0.015


@pytest.mark.parametrize("tails", [PriceTails.STUDENT_T, PriceTails.MERTON])
def test_fat_tail_variants_keep_the_log_drift(tails: PriceTails) -> None:
    btc = replace(
        sc.DEFAULT_PARAMS.btc,
        tails=tails,
        student_t_df=5.0,
        jump_intensity_per_year=1.2,
        jump_mean_log=-0.15,
        jump_vol_log=0.1,
    )
    s = sc.simulate(
        replace(sc.DEFAULT_PARAMS, btc=btc), START, 13, 40_000, np.random.default_rng(11)
    )
    r = np.log(s.btc_price_usd[:, 1:] / s.btc_price_usd[:, :-1]).ravel()
    sm = btc.vol_per_year / math.sqrt(12)
    var = sm**2 + (1.2 / 12 * (0.15**2 + 0.1**2) if tails is PriceTails.MERTON else 0.0)
    assert abs(r.mean() - btc.log_drift_per_year / 12) < 5 * math.sqrt(var / r.size)
    assert r.var() == pytest.approx(var, rel=0.03)
    kurt = float(((r - r.mean()) ** 4).mean() / r.var() ** 2 - 3)
    if tails is PriceTails.MERTON:
        # compound Poisson: excess kurtosis = lambda E[Y^4] / var^2,
        # E[Y^4] = m^4 + 6 m^2 s^2 + 3 s^4 for Y ~ N(m, s^2)
        ey4 = 0.15**4 + 6 * 0.15**2 * 0.1**2 + 3 * 0.1**4
        assert kurt == pytest.approx(1.2 / 12 * ey4 / var**2, abs=0.04)  # 0.100; sd ~ 0.007
    else:
        assert kurt > 1.0  # Student-t(5): 6 in theory, a normal gives 0 +- 0.007


def test_rent_anchor_replaces_the_default_trend() -> None:
    anchor = np.full(24, 250.0)
    quiet = sc.DEFAULT_PARAMS.with_zero_volatility()
    s = sc.simulate(
        quiet, START, 24, 1, np.random.default_rng(0), rent_anchor_usd_per_kw_month=anchor
    )
    assert np.all(np.diff(s.rent_usd_per_kw_month[0]) > 0)
    assert s.rent_usd_per_kw_month[0, -1] > 195 * math.exp(0.03 * 2) + 10
    with pytest.raises(InputError):
        sc.simulate(
            quiet, START, 24, 1, np.random.default_rng(0), rent_anchor_usd_per_kw_month=anchor[:3]
        )


def test_subsidy_schedule_crosses_the_2028_halving() -> None:
    sub = sc.subsidy_schedule_btc_per_block(START, 48)
    assert sub[0] == 3.125 and sub[-1] == 1.5625
    k = int(np.argmax(sub < 3.125))
    # 1,050,000 - 925,344 = 124,656 blocks at 600 s = 865.7 days from 2025-11-27 (the height
    # is observed then) -> 2028-04-10, month index 29 (April 2028). By 2028-04-01 (856 days)
    # 123,264 blocks are mined: April has 1,392 blocks at 3.125 and 2,928 at 1.5625.
    assert k == 29
    assert sub[k] == pytest.approx((1392 * 3.125 + 2928 * 1.5625) / 4320, rel=1e-12)


@pytest.mark.parametrize("name", list(ScenarioName))
def test_named_scenarios_follow_their_documented_growth(name: ScenarioName) -> None:
    from hashpivot.market.deterministic import scenario_paths
    from hashpivot.market.snapshot import SNAPSHOT

    spec = SCENARIOS[name]
    d = scenario_paths(SNAPSHOT, spec, START, sc.DEFAULT_PARAMS, months=37)
    assert d.paths == 1
    # years from 2025-11-27 to mid-month: November 2028 (month 36) has 30 days, so its middle is
    # 15 days after 2028-11-01; November 2026 (month 12) likewise
    assert START.as_of == date(2025, 11, 27)
    t36 = ((date(2028, 11, 1) - date(2025, 11, 27)).days + 15) / 365.25  # 1,085 d = 2.9706 yr
    t12 = ((date(2026, 11, 1) - date(2025, 11, 27)).days + 15) / 365.25  # 354 d = 0.9692 yr
    assert t36 == pytest.approx(2.9706, abs=1e-4) and t12 == pytest.approx(0.9692, abs=1e-4)
    assert d.btc_price_usd[0, 36] == pytest.approx(
        START.btc_price_usd * (1 + spec.btc_price_growth_per_year) ** t36, rel=1e-12
    )
    g = spec.hashrate_growth_per_year
    if g is None:
        # base: the hashrate model at zero shocks (first step by hand in test_one_pipeline.py;
        # against the Monte Carlo mean in test_momentum.py), +36% in the first year
        assert d.network_hashrate_eh_s[0, 12] / START.network_hashrate_eh_s == pytest.approx(
            1.36, abs=0.005
        )
    else:
        assert d.network_hashrate_eh_s[0, 12] == pytest.approx(
            START.network_hashrate_eh_s * (1 + g) ** t12, rel=1e-12
        )
    np.testing.assert_allclose(d.fee_share_frac, spec.fee_share_frac, rtol=1e-12)


def test_invalid_inputs_are_named() -> None:
    with pytest.raises(InputError, match="months"):
        sc.simulate(sc.DEFAULT_PARAMS, START, 0, 10, np.random.default_rng(0))
    with pytest.raises(InputError, match="fee_share_frac"):
        replace(START, fee_share_frac=1.2)
    bad = [list(r) for r in sc.DEFAULT_PARAMS.correlation]
    bad[0][1] = bad[1][0] = 0.999
    bad[0][2] = bad[2][0] = -0.999
    with pytest.raises(InputError, match="correlation"):
        replace(sc.DEFAULT_PARAMS, correlation=tuple(tuple(r) for r in bad))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), paths=st.integers(1, 40), months=st.integers(1, 30))
def test_property_positive_finite_and_single_month(seed: int, paths: int, months: int) -> None:
    s = sc.simulate(sc.DEFAULT_PARAMS, START, months, paths, np.random.default_rng(seed))
    for name in sc.MarketScenarios.ARRAYS:
        arr = getattr(s, name)
        assert arr.shape == (paths, months)
        assert np.all(np.isfinite(arr)) and np.all(arr > 0)
    assert np.all((s.fee_share_frac > 0) & (s.fee_share_frac < 1))


def test_mean_btc_price_grows_at_the_base_rate() -> None:
    """The *expected* BTC price grows +10%/yr (log drift ln 1.10 - sigma^2/2): the Monte Carlo
    mean after 12 and 36 months is 1.10 and 1.331 x today, within sampling error."""
    s = sc.simulate(sc.DEFAULT_PARAMS, START, 37, 40_000, np.random.default_rng(1))
    for months, factor in ((12, 1.10), (36, 1.10**3)):
        x = s.btc_price_usd[:, months] / START.btc_price_usd
        se = x.std() / np.sqrt(x.size)
        assert abs(x.mean() - factor) < 4 * se
