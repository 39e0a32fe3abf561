"""Longstaff-Schwartz against independent answers: a CRR binomial tree for the American put,
brute-force optimal stopping for deterministic paths, hand-made boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from engine.reference import american_put_lsm, gbm_paths
from hashpivot.engine import switching as sw
from hashpivot.errors import InputError

S0, K, R, SIGMA, T = 36.0, 40.0, 0.06, 0.2, 1.0


def crr_american_put(
    spot: float, strike: float, rate: float, vol: float, maturity: float, steps: int
) -> tuple[float, np.ndarray]:
    """Cox-Ross-Rubinstein tree: value and, per step, the highest spot where exercising is
    optimal (the early-exercise boundary; NaN where no node exercises)."""
    dt = maturity / steps
    u = math.exp(vol * math.sqrt(dt))
    d = 1 / u
    p = (math.exp(rate * dt) - d) / (u - d)
    disc = math.exp(-rate * dt)
    j = np.arange(steps + 1)
    v = np.maximum(strike - spot * u ** (steps - 2 * j), 0.0)
    boundary = np.full(steps + 1, np.nan)
    for i in range(steps - 1, -1, -1):
        s = spot * u ** (i - 2 * np.arange(i + 1))
        cont = disc * (p * v[:-1] + (1 - p) * v[1:])
        ex = strike - s
        exercise = (ex > cont) & (ex > 0)
        v = np.where(exercise, ex, cont)
        if exercise.any():
            boundary[i] = s[exercise].max()
    return float(v[0]), boundary


def bs_european_put(spot: float, strike: float, rate: float, vol: float, t: float) -> float:
    d1 = (math.log(spot / strike) + (rate + vol**2 / 2) * t) / (vol * math.sqrt(t))
    d2 = d1 - vol * math.sqrt(t)
    return strike * math.exp(-rate * t) * norm.cdf(-d2) - spot * norm.cdf(-d1)


@pytest.fixture(scope="module")
def tree() -> tuple[float, np.ndarray]:
    return crr_american_put(S0, K, R, SIGMA, T, 2500)


def test_tree_reference_values(tree: tuple[float, np.ndarray]) -> None:
    # Longstaff & Schwartz (2001) table 1 quotes 4.478 (finite differences); CRR converges to ~4.486
    assert tree[0] == pytest.approx(4.486, abs=0.002)
    assert tree[0] > bs_european_put(S0, K, R, SIGMA, T) == pytest.approx(3.844, abs=0.001)


@pytest.fixture(scope="module")
def lsm() -> sw.LsmResult:
    return american_put_lsm(S0, K, R, SIGMA, T, 50, 60_000, np.random.default_rng(2001))


def test_lsm_american_put_matches_the_binomial_tree(
    lsm: sw.LsmResult, tree: tuple[float, np.ndarray]
) -> None:
    # 50 exercise dates (Bermudan) sit a little below the American tree value; LSM's own
    # value is within MC error of the paper's 4.472 (s.e. 0.010)
    assert lsm.std_error < 0.015
    assert abs(lsm.value - tree[0]) < 3 * lsm.std_error + 0.015
    assert abs(lsm.value - 4.472) < 3 * lsm.std_error + 0.01
    assert lsm.value > bs_european_put(S0, K, R, SIGMA, T) + 0.5


def test_policy_out_of_sample_is_a_lower_bound(
    lsm: sw.LsmResult, tree: tuple[float, np.ndarray]
) -> None:
    rng = np.random.default_rng(7)
    s = gbm_paths(S0, R, SIGMA, T, 50, 60_000, rng)
    t = np.arange(1, 51) / 50
    oos = sw.apply_policy(lsm.policy, np.maximum(K - s, 0.0), None, np.exp(-R * t), s / K)
    assert oos.value < tree[0] + 3 * oos.std_error
    assert oos.value > tree[0] - 3 * oos.std_error - 0.03
    # stopping dates agree with the realised values
    i = np.arange(s.shape[0])
    stopped = oos.stopping_index < 50
    k = oos.stopping_index[stopped]
    np.testing.assert_allclose(
        oos.path_values[stopped], (K - s[i[stopped], k]) * np.exp(-R * t[k]), rtol=1e-12
    )
    assert np.all(oos.path_values[~stopped] == 0.0)


def test_lsm_exercise_boundary_tracks_the_tree_boundary(
    lsm: sw.LsmResult, tree: tuple[float, np.ndarray]
) -> None:
    s = gbm_paths(S0, R, SIGMA, T, 50, 60_000, np.random.default_rng(2001))
    pts = sw.exercise_boundary(lsm, np.maximum(K - s, 0.0), s / K)
    by_date = {p.date_index: p for p in pts}
    for k in (9, 24, 39):  # t = 0.2, 0.5, 0.8
        step = (k + 1) * 50  # tree step at the same time (2500 steps)
        lsm_s = by_date[k].threshold * K
        assert by_date[k].agreement_frac > 0.9  # a cubic fit can wiggle at the edges
        assert abs(lsm_s - tree[1][step]) < 0.6, (k, lsm_s, tree[1][step])
    assert np.mean([p.agreement_frac for p in pts]) > 0.97
    # the boundary rises toward the strike as maturity nears
    assert by_date[45].threshold > by_date[5].threshold
    lines = sw.describe_boundary(pts, variable_name="S/K", every=24)
    assert lines[0].startswith("date 0: convert when S/K <")


@settings(max_examples=40, deadline=None)
@given(
    ev=st.lists(st.floats(-5, 10), min_size=1, max_size=8),
    data=st.data(),
)
def test_deterministic_paths_give_the_brute_force_optimum(
    ev: list[float], data: st.DataObject
) -> None:
    n = len(ev)
    cf = data.draw(st.lists(st.floats(-3, 3), min_size=n, max_size=n))
    rate = data.draw(st.floats(0.0, 0.2))
    df = np.exp(-rate * np.arange(n) / 12)
    paths = 25
    e = np.tile(ev, (paths, 1))
    c = np.tile(cf, (paths, 1))
    basis = np.ones((paths, n, 1))
    res = sw.longstaff_schwartz(e, c, df, basis, itm_only=False)
    # brute force over stopping dates (0..n-1) and never
    options = [sum(cf[j] * df[j] for j in range(tau)) + ev[tau] * df[tau] for tau in range(n)]
    options.append(sum(cf[j] * df[j] for j in range(n)))
    assert res.value == pytest.approx(max(options), abs=1e-9)
    assert res.value >= res.never_exercise_value - 1e-9
    assert res.value >= res.exercise_now_value - 1e-9


def test_option_value_of_a_conversion_with_known_answer() -> None:
    """Half the paths end up better converted at date 1, half never: LSM with the state as
    basis finds the exact policy, so value = average of the two optima."""
    paths = 1000
    good = np.arange(paths) < paths // 2
    state = np.where(good, 1.0, -1.0)
    ev = np.column_stack([np.full(paths, 5.0), np.where(good, 20.0, 0.0), np.zeros(paths)])
    cf = np.full((paths, 3), 3.0)
    df = np.ones(3)
    basis = np.repeat(state[:, None], 3, axis=1)
    res = sw.longstaff_schwartz(ev, cf, df, basis, degree=1, itm_only=False)
    # good: 3 + 20 = 23; bad: 3 + 3 + 3 = 9 (continue all along)
    assert res.value == pytest.approx(0.5 * 23 + 0.5 * 9)
    assert res.exercise_now_value == 5.0 and res.never_exercise_value == 9.0
    assert res.option_value_vs_now == pytest.approx(11.0)
    np.testing.assert_array_equal(res.stopping_index, np.where(good, 1, 3))
    np.testing.assert_allclose(res.exercise_probability_by_date(), [0.0, 0.5, 0.0])


def test_best_threshold_by_hand() -> None:
    v = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    e = np.array([True, True, False, True, False, False])
    x, agree = sw.best_threshold(v, e, sw.Side.BELOW)
    assert (x, agree) == (2.5, 5 / 6) or (x, agree) == (4.5, 5 / 6)
    x, agree = sw.best_threshold(v, ~e, sw.Side.ABOVE)
    assert agree == pytest.approx(5 / 6)
    assert sw.best_threshold(v, np.zeros(6, dtype=bool))[0] == -math.inf
    assert sw.best_threshold(v, np.ones(6, dtype=bool))[0] == math.inf


def test_polynomial_features_count_and_values() -> None:
    x = np.array([[2.0, 3.0]])
    f = sw.polynomial_features(x, 2)
    np.testing.assert_array_equal(f, [[1, 2, 3, 4, 6, 9]])
    assert sw.polynomial_features(np.zeros((4, 3)), 3).shape == (4, math.comb(6, 3))


def test_inputs_are_checked() -> None:
    with pytest.raises(InputError, match="continuation_cash_flows"):
        sw.longstaff_schwartz(np.zeros((4, 3)), np.zeros((4, 2)), 1.0, np.zeros((4, 3)))
    with pytest.raises(InputError, match="discount_factors"):
        sw.longstaff_schwartz(np.zeros((4, 3)), None, [1.0, -1.0, 1.0], np.zeros((4, 3)))
    with pytest.raises(InputError, match="basis"):
        sw.longstaff_schwartz(np.zeros((4, 3)), None, 1.0, np.zeros((4, 2)))


def test_unknown_exercise_values_do_not_leak_the_future() -> None:
    """Exercise value = c + noise realised *after* the date (mean 0), continuing pays 0: the
    best rule knowable at the date is "exercise iff c > 0", worth c. Comparing the realised
    exercise value with the fitted continuation (exercise_known=True) peeks at the noise and
    overstates the value; regressing the difference (exercise_known=False) does not."""
    from hashpivot.engine.switching import apply_policy, longstaff_schwartz

    rng = np.random.default_rng(3)
    paths, dates, c = 40_000, 3, 0.2
    state = rng.normal(size=(paths, dates))  # irrelevant to the payoff
    ev = c + rng.normal(size=(paths, dates))
    df = np.ones(dates)
    honest = longstaff_schwartz(ev, None, df, state, itm_only=False, exercise_known=False)
    fresh_ev = c + rng.normal(size=(paths, dates))
    fresh_state = rng.normal(size=(paths, dates))
    out = apply_policy(honest.policy, fresh_ev, None, df, fresh_state)
    assert abs(out.value - c) < 3 * out.std_error
    peeking = longstaff_schwartz(ev, None, df, state, itm_only=False, exercise_known=True)
    assert peeking.value > c + 10 * peeking.std_error
