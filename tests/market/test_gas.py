"""The gas-price process: its fit on the shared EIA/ERCOT files (recomputed here with pandas and
np.polyfit), its simulated monthly vol and correlation with power (within Monte Carlo error),
and its independence of batching."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashpivot.market.gas import (
    DEFAULT_GAS,
    GasFit,
    fit_gas_process,
    gas_paths,
    idiosyncratic_normals,
    monthly_means,
    power_shocks,
)
from hashpivot.market.params import DEFAULT_PARAMS
from hashpivot.market.processes import mean_reverting_paths

POWER = DEFAULT_PARAMS.power_price


def _fit_from_files(shared: Path) -> GasFit:
    with open(shared / "henry_hub_daily.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    gas = monthly_means(
        [r["Date"] for r in rows],
        np.array([float(r["Price"]) if r["Price"] else np.nan for r in rows]),
    )
    with open(shared / "ercot_west_hourly.csv", newline="") as f:
        west = [r for r in csv.DictReader(f) if r["location"] == "HB_WEST" and r["market"] == "RT"]
    power = monthly_means(
        [r["timestamp_utc"] for r in west], np.array([float(r["price_usd_per_mwh"]) for r in west])
    )
    return fit_gas_process(
        gas, power, POWER, gas_window=("2010-01", "2026-07"), corr_window=("2024-01", "2026-02")
    )


def test_the_fit_reproduces_an_independent_numpy_fit(shared_data: Path) -> None:
    """Recomputed here: pandas monthly means, np.polyfit for the AR(1), the power shock written
    out from the market's recursion (phi = exp(-6/12), s = 0.705/sqrt(12), log 32)."""
    hh = pd.read_csv(shared_data / "henry_hub_daily.csv", parse_dates=["Date"]).dropna()
    g = hh.set_index("Date")["Price"].resample("MS").mean()["2010-01":"2026-07"]
    y = np.log(g.to_numpy())
    b, a = np.polyfit(y[:-1], y[1:], 1)
    res = y[1:] - (a + b * y[:-1])
    mu = a / (1 - b)
    e = pd.read_csv(shared_data / "ercot_west_hourly.csv")
    e = e[(e.location == "HB_WEST") & (e.market == "RT")]
    p = e.set_index(pd.to_datetime(e.timestamp_utc))["price_usd_per_mwh"].resample("MS").mean()
    lp = np.log(p["2024-01":"2026-02"].to_numpy())
    lg = np.log(g["2024-01":"2026-02"].to_numpy())
    phi_p, s_p = math.exp(-0.5), 0.705 / math.sqrt(12)
    z = (lp[1:] - phi_p * lp[:-1] - (1 - phi_p) * math.log(32.0)) / s_p
    u = lg[1:] - b * lg[:-1] - (1 - b) * mu
    fit = _fit_from_files(shared_data)
    proc, d = fit.process, DEFAULT_GAS
    assert fit.gas_months == 199 and fit.corr_months == 26
    assert proc.long_run_usd_per_mmbtu == pytest.approx(math.exp(mu), rel=1e-9)
    assert proc.reversion_per_year == pytest.approx(-12 * math.log(b), rel=1e-9)
    assert proc.vol_per_year == pytest.approx(res.std(ddof=2) * math.sqrt(12), rel=1e-9)
    assert proc.power_corr == pytest.approx(np.corrcoef(u, z)[0, 1], rel=1e-9)
    dl = np.corrcoef(np.diff(lg), np.diff(lp))[0, 1]
    assert fit.corr_log_changes == pytest.approx(dl, rel=1e-9)
    # the shipped defaults are this fit, rounded
    assert d.long_run_usd_per_mmbtu == pytest.approx(proc.long_run_usd_per_mmbtu, abs=5e-4)
    assert d.reversion_per_year == pytest.approx(proc.reversion_per_year, abs=5e-4)
    assert d.vol_per_year == pytest.approx(proc.vol_per_year, abs=5e-4)
    assert d.power_corr == pytest.approx(proc.power_corr, abs=5e-4)


def _power(paths: int, months: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((months - 1, paths))
    mean = np.full(months, math.log(POWER.long_run_level))
    y = mean_reverting_paths(
        math.log(33.0), z, mean, POWER.persistence_per_month, POWER.vol_per_year / 12**0.5, paths
    )
    return np.asarray(np.exp(y).T)


def test_simulated_vol_and_correlation_match_the_fit() -> None:
    """4,000 paths x 120 monthly steps (480,000 shock pairs). Monte Carlo standard errors:
    corr ~ (1 - rho^2)/sqrt(N) = 0.001, sd ~ sd/sqrt(2N) = 0.1 %; tolerances 0.01 and 1 %.
    The correlation of monthly log changes in the stationary state is, for AR(1)s with
    persistences a (gas) and b (power) and shock correlation rho,
    rho (2 - a - b) sqrt((1 + a)(1 + b)) / (2 (1 - a b)) = 0.962 rho = 0.549 (a = 0.866,
    b = 0.607); the data's 25 changes give 0.511, whose sampling error is ~0.14."""
    p = _power(4000, 121)
    g = gas_paths(3.52, p, POWER)
    z = power_shocks(p, POWER)
    np.testing.assert_allclose(z.std(), 1.0, atol=0.01)
    a = DEFAULT_GAS.persistence_per_month
    lg = np.log(g)
    u = (lg[:, 1:] - a * lg[:, :-1] - (1 - a) * math.log(DEFAULT_GAS.long_run_usd_per_mmbtu)) / (
        DEFAULT_GAS.vol_per_year / math.sqrt(12)
    )
    assert np.corrcoef(u.ravel(), z.ravel())[0, 1] == pytest.approx(0.571, abs=0.01)
    assert u.std() == pytest.approx(1.0, rel=0.01)
    b = POWER.persistence_per_month
    want = 0.571 * (2 - a - b) * math.sqrt((1 + a) * (1 + b)) / (2 * (1 - a * b))
    assert want == pytest.approx(0.549, abs=0.002)
    dg, dp = np.diff(lg[:, 60:], axis=1), np.diff(np.log(p[:, 60:]), axis=1)
    assert np.corrcoef(dg.ravel(), dp.ravel())[0, 1] == pytest.approx(want, abs=0.01)
    # the monthly log change's sd: s sqrt(2 / (1 + a)) = 0.1631 x 1.0353 = 0.1689
    assert dg.std() == pytest.approx(0.565 / math.sqrt(12) * math.sqrt(2 / (1 + a)), rel=0.01)


def test_a_path_gets_the_same_gas_in_any_batch() -> None:
    p = _power(300, 61)
    whole = gas_paths(3.0, p, POWER)
    order = np.random.default_rng(5).permutation(300)
    np.testing.assert_array_equal(gas_paths(3.0, p[order], POWER), whole[order])
    np.testing.assert_array_equal(gas_paths(3.0, p[17:18], POWER), whole[17:18])


def test_no_power_shock_no_gas_shock() -> None:
    """A zero-volatility power path: log g_j = mu + phi^j (log g_0 - mu)."""
    months = 25
    mean = np.full(months, math.log(32.0))
    y = mean_reverting_paths(math.log(40.0), None, mean, POWER.persistence_per_month, 0.0, 1)
    g = gas_paths(4.0, np.exp(y).T, POWER)[0]
    mu, phi = math.log(DEFAULT_GAS.long_run_usd_per_mmbtu), DEFAULT_GAS.persistence_per_month
    want = np.exp(mu + phi ** np.arange(months) * (math.log(4.0) - mu))
    np.testing.assert_allclose(g, want, rtol=1e-12)


def test_idiosyncratic_normals_are_standard_and_independent() -> None:
    p = _power(2000, 61, seed=9)
    e = idiosyncratic_normals(p, 60)
    assert abs(e.mean()) < 0.01 and e.std() == pytest.approx(1.0, abs=0.01)
    assert abs(np.corrcoef(e.ravel(), power_shocks(p, POWER).ravel())[0, 1]) < 0.01
    assert abs(np.corrcoef(e[:, 1:].ravel(), e[:, :-1].ravel())[0, 1]) < 0.01
