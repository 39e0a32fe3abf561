"""The compiled dispatch under run constraints equals the interval-by-interval loop exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dispatch_reference import constrained_run_loop
from hashpivot.power.dispatch import (
    RunConstraints,
    SiteDispatchSpec,
    dispatch_run_frac,
    dispatch_site,
    dispatch_totals,
)


def test_hand_worked_min_run_down_and_ramp() -> None:
    """Breakeven 50; prices 10, 90, 90, 10, 10, 90: wants on, off, off, on, on, off.
    Min run 2, min down 2, ramp 0.5 per interval, starting on (free to switch) at share 1:
    t0 on (share 1); t1 switches off (free) -> 0.5; t2 off (ramp) -> 0.0; t3 wants on after
    2 off -> 0.5; t4 on -> 1.0; t5 wants off after 2 on -> 0.5."""
    c = RunConstraints(min_run_intervals=2, min_down_intervals=2, ramp_frac_per_interval=0.5)
    p = np.array([10.0, 90.0, 90.0, 10.0, 10.0, 90.0])
    assert dispatch_run_frac(p, 50.0, constraints=c)[0].tolist() == [1.0, 0.5, 0.0, 0.5, 1.0, 0.5]
    # min down 3: t3 still must stay off (2 intervals off so far), t4 may start
    c3 = RunConstraints(min_run_intervals=2, min_down_intervals=3, ramp_frac_per_interval=1.0)
    assert dispatch_run_frac(p, 50.0, constraints=c3)[0].tolist() == [1, 0, 0, 0, 1, 1]
    # a forced-off interval (4CP) at t4 overrides the wish; it counts as off, so t5 (wants off)
    # stays off
    forced = np.array([False, False, False, False, True, False])
    run = dispatch_run_frac(p, 50.0, constraints=c3, forced_off=forced)
    assert run[0].tolist() == [1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("shared_rows", [False, True])
def test_kernel_equals_loop_exactly_with_broadcasting_and_seams(shared_rows: bool) -> None:
    rng = np.random.default_rng(5)
    n = 500
    prices = rng.normal(40, 40, size=(1 if shared_rows else 6, n))
    b = rng.uniform(20.0, 70.0, size=(6, 1))
    forced = rng.random((1, n)) < 0.05
    c = RunConstraints(min_run_intervals=4, min_down_intervals=3, ramp_frac_per_interval=0.3)
    ref = constrained_run_loop(prices, b, c, forced)
    run = dispatch_run_frac(prices, b, constraints=c, forced_off=forced)
    assert np.array_equal(run, ref)
    # a breakeven per interval, and the state carried across odd block seams
    b2 = rng.uniform(20.0, 70.0, size=(6, n))
    ref2 = constrained_run_loop(prices, b2, c)
    tot = dispatch_totals(prices, b2, constraints=c, block=37)
    # block sums add in another order: equal to rounding
    np.testing.assert_allclose(tot.run_hours, ref2.sum(axis=1), rtol=1e-13)
    assert np.array_equal(dispatch_run_frac(prices, b2, constraints=c), ref2)


_prices = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 120)),
    elements=st.floats(-100.0, 500.0, allow_nan=False, width=64),
)


@settings(max_examples=60, deadline=None)
@given(
    prices=_prices,
    breakeven=st.floats(-50.0, 300.0),
    min_run=st.integers(1, 12),
    min_down=st.integers(1, 12),
    ramp=st.sampled_from([1.0, 0.5, 0.3, 0.1, 1 / 3]),
    forced_seed=st.integers(0, 2**16),
    forced_share=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_kernel_equals_loop_on_random_prices_and_constraints(
    prices: np.ndarray,
    breakeven: float,
    min_run: int,
    min_down: int,
    ramp: float,
    forced_seed: int,
    forced_share: float,
) -> None:
    c = RunConstraints(
        min_run_intervals=min_run, min_down_intervals=min_down, ramp_frac_per_interval=ramp
    )
    forced = np.random.default_rng(forced_seed).random(prices.shape) < forced_share
    f = forced if forced.any() else None
    b = np.array([[breakeven]])
    if not c.binding:
        c = RunConstraints(min_run_intervals=2)  # exercise the kernel, not the plain threshold
    ref = constrained_run_loop(prices, b, c, f)
    run = dispatch_run_frac(prices, b, constraints=c, forced_off=f)
    assert np.array_equal(run, ref)
    assert ((run >= 0.0) & (run <= 1.0)).all()


def test_chunked_paths_equal_loop_in_totals_and_site() -> None:
    """20 paths x a year: the constrained blocks run in chunks of paths (7 per chunk here);
    per-path sums are those of the loop's run shares, bit for bit."""
    rng = np.random.default_rng(8)
    prices = rng.lognormal(np.log(30.0), 0.6, size=(20, 8760)) - 5.0
    b = rng.uniform(25.0, 60.0, size=(20, 1))
    c = RunConstraints(min_run_intervals=6, min_down_intervals=3, ramp_frac_per_interval=0.25)
    ref = constrained_run_loop(prices, b, c)
    tot = dispatch_totals(prices, b, constraints=c)
    assert np.array_equal(tot.run_hours, ref.sum(axis=1))
    assert np.array_equal(tot.margin_usd_per_mw, (ref * b).sum(axis=1) - (ref * prices).sum(axis=1))
    spec = SiteDispatchSpec(mining_mw=10.0, constraints=c)
    site = dispatch_site(prices, b, spec)
    assert np.array_equal(site.mining_uptime_frac, ref.sum(axis=1) / 8760)
    assert np.array_equal(site.mining_power_cost_usd, (10.0 * ref * prices).sum(axis=1))
