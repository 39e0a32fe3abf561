"""Calibration: recover known parameters from synthetic data; fit the shared history."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

from hashpivot.errors import InputError
from hashpivot.market import calibrate as cal
from hashpivot.market import processes as pr
from hashpivot.market.scenarios import DEFAULT_PARAMS


def test_ols_matches_closed_form_slope() -> None:
    x = np.arange(10.0)
    y = 2.0 + 3.0 * x + np.array([0.1, -0.1] * 5)
    fit = cal.ols(y, np.column_stack([np.ones(10), x]))
    # slope = cov(x, y) / var(x), written out by hand
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    assert fit.coef[1] == pytest.approx(slope, rel=1e-12)
    assert fit.coef[0] == pytest.approx(y.mean() - slope * x.mean(), rel=1e-12)


def test_gbm_fit_recovers_drift_and_vol() -> None:
    rng = np.random.default_rng(1)
    mu, sig, n = 0.3, 0.6, 600
    r = mu / 12 + sig / math.sqrt(12) * rng.standard_normal(n)
    price = 1000 * np.exp(np.concatenate([[0.0], np.cumsum(r)]))
    fit = cal.fit_btc_price(price)
    assert fit.n_months == n
    assert abs(fit.log_drift_per_year.value - mu) < 4 * fit.log_drift_per_year.std_error
    assert abs(fit.vol_per_year.value - sig) < 4 * fit.vol_per_year.std_error
    # normal returns: SE of the vol = sigma / sqrt(2n) = 0.017
    assert fit.vol_per_year.std_error == pytest.approx(sig / math.sqrt(2 * n), rel=0.1)
    assert fit.student_t_df.value > 30  # no fat tails


def test_student_t_df_recovered() -> None:
    rng = np.random.default_rng(2)
    r = 0.01 + 0.1 * rng.standard_t(4.0, 1500)
    price = np.exp(np.concatenate([[0.0], np.cumsum(r)]))
    fit = cal.fit_btc_price(price)
    assert abs(fit.student_t_df.value - 4.0) < 4 * fit.student_t_df.std_error
    assert fit.student_t_df.std_error < 1.5


def test_merton_density_integrates_to_one_and_has_its_moments() -> None:
    args = (0.01, 0.15, 0.4, -0.2, 0.1)
    grid = np.linspace(-3, 3, 20001)
    dens = np.exp(pr_merton(grid, *args))
    assert integrate.trapezoid(dens, grid) == pytest.approx(1.0, abs=1e-6)
    mean = integrate.trapezoid(grid * dens, grid)
    var = integrate.trapezoid((grid - mean) ** 2 * dens, grid)
    assert mean == pytest.approx(0.01, abs=1e-6)  # compensated jumps
    assert var == pytest.approx(0.15**2 + 0.4 * (0.2**2 + 0.1**2), rel=1e-5)


def pr_merton(x: np.ndarray, *a: float) -> np.ndarray:
    return cal.merton_logpdf(x, *a)


def test_hashrate_ecm_fit_recovers_parameters() -> None:
    rng = np.random.default_rng(3)
    n, a, b, d = 600, 0.06, 0.10, -0.12
    r = math.log(0.144 * 3.2 * 50_000) + np.cumsum(rng.normal(0.004, 0.12, n))
    xbar = math.log(40.0) + d * np.arange(n) / 12
    h = pr.hashrate_ecm_paths(
        math.log(500.0), r[:, None], xbar, a, b, 0.02, rng.standard_normal((n - 1, 1)), 0.0
    )[:, 0]
    hp = np.exp(r - h)
    fit = cal.fit_hashrate_response(np.exp(h), hp)
    for est, true in [
        (fit.gap_speed_per_month, a),
        (fit.hashprice_change_response, b),
        (fit.equilibrium_hashprice_log_trend_per_year, d),
        (fit.equilibrium_hashprice_usd_per_ph_day, 40.0 * math.exp(d * (n - 1) / 12)),
        (fit.vol_per_year, 0.02 * math.sqrt(12)),
    ]:
        assert abs(est.value - true) < 4 * est.std_error, (est, true)
    assert fit.gap_half_life_months.value == pytest.approx(
        math.log(2) / -math.log1p(-fit.gap_speed_per_month.value)
    )
    p = fit.to_params(months_after_window=12)
    assert p.equilibrium_hashprice_usd_per_ph_day == pytest.approx(
        fit.equilibrium_hashprice_usd_per_ph_day.value
        * math.exp(fit.equilibrium_hashprice_log_trend_per_year.value)
    )


def test_mean_reverting_fit_recovers_parameters() -> None:
    rng = np.random.default_rng(4)
    kappa, vol, m, n = 3.0, 0.5, math.log(30.0), 1200
    phi = math.exp(-kappa / 12)
    y = pr.mean_reverting_paths(
        m, rng.standard_normal((n - 1, 1)), np.full(n, m), phi, vol / math.sqrt(12), 1
    )[:, 0]
    fit = cal.fit_mean_reverting(y)
    assert abs(fit.reversion_per_year.value - kappa) < 4 * fit.reversion_per_year.std_error
    assert abs(fit.long_run_transformed.value - m) < 4 * fit.long_run_transformed.std_error
    assert abs(fit.vol_per_year.value - vol) < 4 * fit.vol_per_year.std_error
    assert fit.to_params().long_run_level == pytest.approx(math.exp(fit.long_run_transformed.value))
    with pytest.raises(InputError, match="persistence"):
        cal.fit_mean_reverting(np.cumsum(np.ones(20)) ** 2)


def test_monthly_series_aggregates_by_hand() -> None:
    dates = pd.date_range("2021-01-01", "2021-03-31").values
    n = dates.size
    price = np.arange(1.0, n + 1)
    hr = np.full(n, 2e8)  # TH/s = 200 EH/s
    fees = np.ones(n)
    iss = np.full(n, 9.0)
    ms = cal.monthly_series(dates, price, hr, fees, iss, since=date(2021, 1, 5))
    assert [str(m) for m in ms.month] == ["2021-02", "2021-03"]  # January has 27 days left
    assert ms.btc_price_usd.tolist() == [59.0, 90.0]  # last day of Feb and Mar
    np.testing.assert_allclose(ms.hashrate_eh_s, 200.0)
    np.testing.assert_allclose(ms.hashprice_usd_per_ph_day, 10.0 / 200_000.0)
    np.testing.assert_allclose(ms.fee_share_frac, 0.1)


@pytest.fixture(scope="module")
def history(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "btc_daily.csv")


def test_fleet_efficiency_trend_hand_case() -> None:
    # J/TH halves every year: ln(J/TH) falls ln 2 = 0.6931/yr exactly, 100 J/TH in 2019.0
    fit = cal.fit_fleet_efficiency_trend([2018.0, 2019.0, 2020.0, 2021.0], [200, 100, 50, 25])
    assert fit.log_trend_per_year.value == pytest.approx(-math.log(2), abs=1e-12)
    assert fit.j_per_th_2020.value == pytest.approx(50.0, rel=1e-12)
    with pytest.raises(InputError):
        cal.fit_fleet_efficiency_trend([2018.0, 2019.0], [10.0, 0.0])


def test_fleet_efficiency_trend_of_the_catalogue_is_the_default() -> None:
    from hashpivot.api.calibration import fleet_efficiency_fit

    fit = fleet_efficiency_fit(date(2025, 9, 26))
    # 30 models released 2017-02 (S9, 98 J/TH) .. 2025-01 (S21 XP+ Hyd, 11 J/TH)
    assert fit.n_models == 30
    assert fit.log_trend_per_year.value == pytest.approx(-0.2094, abs=5e-5)
    assert fit.log_trend_per_year.std_error == pytest.approx(0.0124, abs=5e-4)
    assert DEFAULT_PARAMS.hashrate.fleet_efficiency_log_trend_per_year == pytest.approx(
        fit.log_trend_per_year.value, abs=5e-5
    )
    # before 2020 the catalogue holds fewer than 3 models: the whole catalogue is used
    assert fleet_efficiency_fit(date(2018, 12, 31)).n_models == len(
        __import__("hashpivot.config.catalogue", fromlist=["x"]).asic_catalogue()
    )


def test_hashrate_fit_with_technology_recovers_parameters() -> None:
    rng = np.random.default_rng(5)
    n, a, b, e = 600, 0.06, 0.10, -0.21
    r = math.log(0.144 * 3.2 * 50_000) + np.cumsum(rng.normal(0.004, 0.12, n))
    xbar = math.log(40.0) + e * np.arange(n) / 12
    h = pr.hashrate_ecm_paths(
        math.log(500.0), r[:, None], xbar, a, b, 0.02, rng.standard_normal((n - 1, 1)), 0.0
    )[:, 0]
    tech = cal.Estimate(value=e, std_error=0.01)
    fit = cal.fit_hashrate_with_technology(np.exp(h), np.exp(r - h), tech)
    for est, true in [
        (fit.gap_speed_per_month, a),
        (fit.hashprice_change_response, b),
        (fit.equilibrium_hashprice_usd_per_ph_day, 40.0 * math.exp(e * (n - 1) / 12)),
    ]:
        assert abs(est.value - true) < 4 * est.std_error, (est, true)
    p = fit.to_params(months_after_window=12)
    assert p.fleet_efficiency_log_trend_per_year == e
    assert p.equilibrium_hashprice_log_trend_per_year == 0.0
    assert p.equilibrium_hashprice_usd_per_ph_day == pytest.approx(
        fit.equilibrium_hashprice_usd_per_ph_day.value * math.exp(e), rel=1e-12
    )


def test_calibrate_on_the_shared_history(history: pd.DataFrame) -> None:
    from hashpivot.api.calibration import fleet_efficiency_fit

    tech = fleet_efficiency_fit(date(2025, 8, 31)).log_trend_per_year
    c = cal.calibrate_market(
        history["date"].to_numpy(),
        history["price_usd"],
        history["hashrate_ths"],
        history["fees_usd"],
        history["issuance_usd"],
        fleet_efficiency_log_trend_per_year=tech,
    )
    assert (c.window_start, c.window_end) == (date(2017, 1, 1), date(2025, 8, 1))
    d = c.as_dict()
    assert d["window"] == "2017-01 .. 2025-08" and d["months"] == 104
    # the documented defaults (market/scenarios.py, docs/methodology.md) are this fit
    p = DEFAULT_PARAMS
    # price basis: monthly averages; 2017-2025 vol 0.777 (Working-corrected; the default takes
    # the calmer 2020-2025 window, test below)
    assert c.btc_price.vol_per_year.value == pytest.approx(0.7767, abs=5e-4)
    h = c.hashrate
    assert abs(h.gap_speed_per_month.value - p.hashrate.gap_speed_per_month) < 1e-3
    assert abs(h.hashprice_change_response.value - p.hashrate.hashprice_change_response) < 1e-3
    assert h.equilibrium_hashprice_log_trend_per_year == tech
    assert p.hashrate.equilibrium_hashprice_log_trend_per_year == 0.0
    # $25.63 at 2025-08 carried 3 months along the hashcost trend
    carried = h.equilibrium_hashprice_usd_per_ph_day.value * math.exp(tech.value / 4)
    assert carried == pytest.approx(p.hashrate.equilibrium_hashprice_usd_per_ph_day, abs=0.05)
    # the free-trend fit is kept: its trend -0.093 +- 0.098 does not reject the imposed -0.209
    free = c.hashrate_free
    assert free is not None
    z = (free.equilibrium_hashprice_log_trend_per_year.value - tech.value) / (
        free.equilibrium_hashprice_log_trend_per_year.std_error
    )
    assert abs(z) < 2
    assert abs(h.vol_per_year.value - p.hashrate.vol_per_year) < 1e-3
    assert float(special.expit(c.fee_share.long_run_transformed.value)) == pytest.approx(
        p.fee_share.long_run_level, abs=5e-4
    )
    assert abs(c.fee_share.reversion_per_year.value - p.fee_share.reversion_per_year) < 0.01
    assert c.correlation[0][1] == pytest.approx(p.correlation[0][1], abs=0.005)
    # the hashrate responds to hashprice: speed of adjustment significantly positive
    assert h.gap_speed_per_month.value > 2 * h.gap_speed_per_month.std_error
    # monthly-average returns since 2017: excess kurtosis 0.655; the default Student-t df is
    # the moment match 4 + 6 / 0.655 = 13.2
    k = c.btc_price.excess_kurtosis
    assert k == pytest.approx(0.655, abs=0.005)
    assert p.btc.tails is pr.PriceTails.STUDENT_T
    assert p.btc.student_t_df == pytest.approx(4 + 6 / k, abs=0.25)


def test_default_btc_vol_is_the_2020_window_on_monthly_averages(history: pd.DataFrame) -> None:
    c = cal.calibrate_market(
        history["date"].to_numpy(),
        history["price_usd"],
        history["hashrate_ths"],
        history["fees_usd"],
        history["issuance_usd"],
        since=date(2020, 1, 1),
    )
    # sd of monthly-average log-returns 0.5449/sqrt(12), x sqrt(3/2) (Working 1960) = 0.6674
    assert c.btc_price.vol_per_year.value == pytest.approx(0.6674, abs=5e-4)
    assert DEFAULT_PARAMS.btc.vol_per_year == pytest.approx(
        c.btc_price.vol_per_year.value, abs=0.005
    )


def test_calibration_window_is_configurable(history: pd.DataFrame) -> None:
    c = cal.calibrate_market(
        history["date"].to_numpy(),
        history["price_usd"],
        history["hashrate_ths"],
        history["fees_usd"],
        history["issuance_usd"],
        since=date(2020, 6, 1),
        until=date(2024, 12, 31),
    )
    assert (c.window_start, c.window_end) == (date(2020, 6, 1), date(2024, 12, 1))
    assert c.btc_price.n_months == 54
    # over this window alone the error correction is not identified: reported, not hidden
    assert c.as_dict()["window"] == "2020-06 .. 2024-12"
