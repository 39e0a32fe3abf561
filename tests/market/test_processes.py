"""Moments and limits of the market processes (hashpivot.market.processes)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.bitcoin.network import hashprice_from_difficulty
from hashpivot.errors import InputError
from hashpivot.market import processes as pr


def test_cholesky_rejects_bad_matrices() -> None:
    with pytest.raises(InputError, match="positive definite"):
        pr.cholesky_factor([[1.0, 0.99, 0.0], [0.99, 1.0, 0.99], [0.0, 0.99, 1.0]])
    with pytest.raises(InputError, match="unit diagonal"):
        pr.cholesky_factor([[2.0, 0.0], [0.0, 1.0]])
    with pytest.raises(InputError, match="square"):
        pr.cholesky_factor([[1.0, 0.0]])


def test_correlated_normals_have_the_target_correlation() -> None:
    corr = np.array([[1.0, 0.5, -0.3], [0.5, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    z = pr.correlated_normals(np.random.default_rng(1), pr.cholesky_factor(corr), 200_000, 2)
    assert z.shape == (3, 2, 200_000)
    flat = z.reshape(3, -1)
    # sd of a sample correlation ~ (1 - rho^2) / sqrt(n) < 0.002 for n = 400k
    np.testing.assert_allclose(np.corrcoef(flat), corr, atol=0.01)
    np.testing.assert_allclose(flat.std(axis=1), 1.0, atol=0.01)


def test_log_price_is_exact_drift_path_without_volatility() -> None:
    y = pr.log_price_paths(math.log(100.0), None, 0.01, 0.0, paths=3, steps=24)
    expected = math.log(100.0) + 0.01 * np.arange(25)
    np.testing.assert_allclose(y, np.broadcast_to(expected[:, None], (25, 3)), rtol=0, atol=1e-12)


def test_gbm_log_price_moments() -> None:
    rng = np.random.default_rng(2)
    steps, paths, mu, s = 36, 100_000, 0.01, 0.2
    z = rng.standard_normal((steps, paths))
    y = pr.log_price_paths(0.0, z, mu, s, paths, steps)
    end = y[-1]
    # mean mu T, variance s^2 T; 5-sigma tolerances of the sample estimates
    se_mean = s * math.sqrt(steps / paths)
    assert abs(end.mean() - mu * steps) < 5 * se_mean
    assert abs(end.var() / (s**2 * steps) - 1) < 5 * math.sqrt(2 / paths)


def test_student_t_shocks_unit_variance_and_kurtosis() -> None:
    rng = np.random.default_rng(3)
    df = 8.0
    t = pr.student_t_shocks(rng.standard_normal(1_000_000), df, rng)
    assert abs(t.var() - 1) < 0.01
    kurt = float(((t - t.mean()) ** 4).mean() / t.var() ** 2 - 3)
    assert kurt == pytest.approx(6 / (df - 4), abs=0.25)  # 1.5 for df = 8


def test_merton_jump_increment_moments() -> None:
    rng = np.random.default_rng(4)
    lam, mj, sj = 0.3, -0.2, 0.1
    j = pr.merton_jump_increments(rng, (1000, 1000), lam, mj, sj)
    var = lam * (mj**2 + sj**2)  # 0.015
    assert abs(j.mean()) < 5 * math.sqrt(var / j.size)
    assert j.var() == pytest.approx(var, rel=0.02)


def test_mean_reverting_stationary_moments() -> None:
    rng = np.random.default_rng(5)
    kappa, vol, m = 2.0, 0.6, math.log(30.0)
    phi = math.exp(-kappa / 12)
    s_m = vol / math.sqrt(12)
    steps, paths = 120, 50_000
    y = pr.mean_reverting_paths(
        m, rng.standard_normal((steps, paths)), np.full(steps + 1, m), phi, s_m, paths
    )
    # started at the mean: E = m; after 10 years Var = s_m^2 (1 - phi^(2n)) / (1 - phi^2)
    var = s_m**2 * (1 - phi ** (2 * steps)) / (1 - phi**2)
    assert abs(y[-1].mean() - m) < 5 * math.sqrt(var / paths)
    assert y[-1].var() == pytest.approx(var, rel=0.03)
    # lag-1 autocorrelation across months = phi
    a, b = y[-2] - m, y[-1] - m
    assert float((a * b).mean() / a.var()) == pytest.approx(phi, abs=0.01)


def test_mean_reverting_zero_vol_matches_hand_loop() -> None:
    long_run = np.log(195.0) + 0.03 * np.arange(13) / 12
    phi = math.exp(-0.5 / 12)
    y = pr.mean_reverting_paths(math.log(150.0), None, long_run, phi, 0.0, paths=2)
    v = math.log(150.0)
    for j in range(12):
        v = phi * v + (1 - phi) * long_run[j]
        assert y[j + 1, 0] == pytest.approx(v, abs=1e-12)
    np.testing.assert_array_equal(y[:, 0], y[:, 1])


def test_gpu_decay_trend() -> None:
    assert pr.gpu_decay_log_trend_per_year(0.35, 2.0) == pytest.approx(math.log(0.65) / 2)
    with pytest.raises(InputError):
        pr.gpu_decay_log_trend_per_year(1.0, 2.0)


def test_hashprice_formula_matches_luxor_definition() -> None:
    # 86,400 x 1e15 x (s + f) x P / (D x 2^32) with D = H x 600 / 2^32
    price, h_eh, s, f = 87_000.0, 1050.0, 3.125, 0.04
    d = h_eh * 1e18 * 600 / 2**32
    luxor = 86_400 * 1e15 * (s + f) * price / (d * 2**32)
    assert pr.hashprice_from_hashrate(price, h_eh, s, f) == pytest.approx(luxor, rel=1e-12)
    assert luxor == pytest.approx(37.76, abs=0.01)  # 144 x 3.165 x 87,000 / 1.05e6


def test_hashprice_from_hashrate_equals_hashprice_from_difficulty() -> None:
    # one consistent pair: D = 149.30e12, H = D x 2^32 / 600 s = 1,068.7 EH/s (the snapshot)
    d = 149.30e12
    h_eh = d * 2**32 / 600 / 1e18
    price, s, f = 91_000.0, 3.125, 0.038
    # by hand: 144 blocks/day x (s + f) x P / (1000 PH per EH x H) = 38.78 USD/PH/day
    hand = 144 * (s + f) * price / (1000 * h_eh)
    assert hand == pytest.approx(38.78, abs=0.01)
    by_difficulty = float(hashprice_from_difficulty(price, d, s, f))
    by_hashrate = float(pr.hashprice_from_hashrate(price, h_eh, s, f))
    assert by_difficulty == pytest.approx(hand, rel=1e-12)
    assert by_hashrate == pytest.approx(hand, rel=1e-12)


def test_hashrate_ecm_zero_vol_matches_scalar_recursion() -> None:
    rng = np.random.default_rng(6)
    n = 30
    r = math.log(0.144 * 3.2 * 90_000) + np.cumsum(rng.normal(0, 0.1, n))
    xbar = math.log(35.0) - 0.1 * np.arange(n) / 12
    a, b = 0.05, 0.09
    h = pr.hashrate_ecm_paths(math.log(1000.0), r[:, None], xbar, a, b, 0.0, None, 0.02)
    hv = math.log(1000.0)
    x_prev = r[0] - hv - 0.02
    for j in range(n - 1):
        x = r[j] - hv
        hv = hv + a * (x - xbar[j]) + b * (x - x_prev)
        x_prev = x
        assert h[j + 1, 0] == pytest.approx(hv, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0.01, 0.5),
    gap=st.floats(-1.0, 1.0),
)
def test_hashrate_closes_the_gap(a: float, gap: float) -> None:
    """With constant revenue and equilibrium, no noise and no momentum term, the log gap
    shrinks geometrically: gap_j = gap_0 (1 - alpha)^j."""
    n = 24
    r = np.full((n, 1), 10.0)
    h0 = 10.0 - (math.log(35.0) + gap)  # x_0 = log 35 + gap
    h = pr.hashrate_ecm_paths(h0, r, np.full(n, math.log(35.0)), a, 0.0, 0.0, None)
    gaps = (r[:, 0] - h[:, 0]) - math.log(35.0)
    np.testing.assert_allclose(gaps, gap * (1 - a) ** np.arange(n), atol=1e-12)
