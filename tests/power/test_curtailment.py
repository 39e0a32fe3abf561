"""Curtailment inside the Monte Carlo: the calendar-month curves against known shapes and against
the hour-by-hour dispatch of `hashpivot mine` on a history scaled to the same monthly level."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hashpivot.errors import InputError
from hashpivot.power.curtailment import GRID_POINTS, curtailment_curve
from hashpivot.power.dispatch import RunConstraints, monthly_power
from hashpivot.power.prices import hour_starts

MONTHS = np.arange(12)


def _ramp_year() -> tuple[np.ndarray, np.ndarray]:
    """2025, hourly; within each month the prices climb 1, 2, ..., n (a uniform shape)."""
    ts = hour_starts(np.datetime64("2025-01-01"), 12)
    month = ts.astype("datetime64[M]").astype(np.int64)
    prices = np.empty(ts.size)
    for m in np.unique(month):
        sel = month == m
        prices[sel] = np.arange(1, sel.sum() + 1, dtype=np.float64)
    return ts, prices


def test_uniform_shape_by_hand() -> None:
    """Prices 1..n in a month: the shape s = 2i/(n+1) is uniform on (0, 2). Running below
    r = 1 (the mean) takes half the hours and costs E[s 1{s<1}] = 1/4 of a full-run month at
    the mean price; r = 0.5: a quarter of the hours, 1/16; r = 2: every hour, 1."""
    ts, prices = _ramp_year()
    curve = curtailment_curve(prices, ts)
    run, cost = curve.evaluate(np.array([[1.0, 0.5, 2.1] * 4]), np.repeat(MONTHS[:4], 3))
    tol = 2.0 / 672  # the hours are discrete: 672 to 744 samples of the uniform shape
    np.testing.assert_allclose(run[0, 0::3], 0.5, atol=tol)
    np.testing.assert_allclose(cost[0, 0::3], 0.25, atol=tol)
    np.testing.assert_allclose(run[0, 1::3], 0.25, atol=tol)
    np.testing.assert_allclose(cost[0, 1::3], 1 / 16, atol=tol)
    np.testing.assert_allclose(run[0, 2::3], 1.0)
    np.testing.assert_allclose(cost[0, 2::3], 1.0, rtol=1e-12)
    # nothing runs below the cheapest hour
    run0, cost0 = curve.evaluate(np.full((1, 12), -5.0), MONTHS)
    assert np.all(run0 == 0.0) and np.all(cost0 == 0.0)


@pytest.mark.parametrize("min_run_hours", [0.0, 6.0])
def test_curve_matches_the_hourly_dispatch_on_a_scaled_history(min_run_hours: float) -> None:
    """Two years of noisy hourly prices; each historical month rescaled to the level L of the
    scenario month: `monthly_power` (the dispatch of `hashpivot mine`) and the curve agree."""
    rng = np.random.default_rng(8)
    ts = hour_starts(np.datetime64("2024-01-01"), 24)
    hour = ts.astype("datetime64[h]").astype(np.int64) % 24
    prices = 30 * np.exp(0.6 * rng.standard_normal(ts.size)) * (1 + 0.5 * np.sin(hour / 3.8))
    prices[rng.random(ts.size) < 0.05] = -5.0  # some negative hours
    constraints = RunConstraints.from_hours(interval_minutes=60, min_run_hours=min_run_hours)
    curve = curtailment_curve(prices, ts, constraints=constraints)
    level, adder = 42.0, 6.0
    # rescale every historical month to mean `level`: the hourly prices the curve assumes
    month = ts.astype("datetime64[M]").astype(np.int64)
    means = {m: prices[month == m].mean() for m in np.unique(month)}
    scaled = prices / np.array([means[m] for m in month]) * level
    breakeven = np.array([[30.0, 45.0, 55.0, 80.0, 160.0] * 2 + [50.0, 50.0]])  # 12 months
    mp = monthly_power(
        scaled,
        ts,
        breakeven,
        start=date(2027, 1, 1),
        constraints=constraints,
        adder_usd_per_mwh=adder,
    )
    run, cost_shape = curve.evaluate((breakeven - adder) / level, MONTHS)
    if min_run_hours == 0.0:  # tabulated at every sample: exact
        np.testing.assert_allclose(run, mp.uptime_frac, atol=1e-12)
        np.testing.assert_allclose(
            level * cost_shape + adder * run, mp.power_cash_usd_per_mwh_capacity, rtol=1e-9
        )
    else:  # on quantiles (and the top tail) of the shape
        np.testing.assert_allclose(run, mp.uptime_frac, atol=3.0 / GRID_POINTS)
        np.testing.assert_allclose(
            level * cost_shape + adder * run, mp.power_cash_usd_per_mwh_capacity, rtol=0.01
        )


def test_a_month_without_prices_is_refused() -> None:
    ts = hour_starts(np.datetime64("2025-01-01"), 11)
    with pytest.raises(InputError, match="calendar month 12"):
        curtailment_curve(np.full(ts.size, 30.0), ts)


def test_curtailing_in_the_monte_carlo_never_loses_to_the_monthly_rule(
    shared_data: Path, tmp_path: Path
) -> None:
    """Same paths: hour-by-hour curtailment keeps every hour whose margin is positive, so on
    every path mining is worth at least what the run-the-month-or-not rule gives."""
    from hashpivot.api.compare import build_case
    from hashpivot.engine.compare import compare
    from hashpivot.engine.strategies import StrategyName

    site = (
        Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21-curtail.toml"
    )
    text = site.read_text().replace("${HASHPIVOT_SHARED_DATA}", str(shared_data))
    curtail = tmp_path / "curtail.toml"
    curtail.write_text(text)
    monthly = tmp_path / "monthly.toml"
    monthly.write_text(text.replace('dispatch = "curtail"', 'dispatch = "flat"'))
    a = build_case(curtail, months=36)
    b = build_case(monthly, months=36)
    assert a.curtailment is not None and b.curtailment is None
    npv_a = compare(a, paths=5_000, seed=3).strategies[StrategyName.MINE].npv_usd
    npv_b = compare(b, paths=5_000, seed=3).strategies[StrategyName.MINE].npv_usd
    assert np.all(npv_a >= npv_b - 1e-6 * np.abs(npv_b) - 1.0)
    assert npv_a.mean() > npv_b.mean() + 1e6  # ERCOT West's spiky hours are worth avoiding
