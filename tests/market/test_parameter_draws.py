"""Parameter uncertainty and AR(1) shocks of the hashrate model (market.parameter_draws,
market.hashrate_process): the spread they add, computed by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.errors import InputError
from hashpivot.market import calibrate as cal
from hashpivot.market import processes as pr
from hashpivot.market import scenarios as sc
from hashpivot.market.parameter_draws import (
    draw_hashrate_parameters,
    truncated_normal,
)

Z90 = 1.2815515655446004  # standard normal 90th percentile: P10-P90 width = 2 x 1.2816 x sd
PATHS = 40_000


def _quiet_market(**hashrate: float) -> sc.MarketParams:
    """Default market with a deterministic revenue (no BTC or fee-share shocks), beta = 0,
    independent hashrate shocks at the default vol, and the hashrate fields given."""
    d = sc.DEFAULT_PARAMS
    h = replace(
        d.hashrate.point_estimates(),
        **{"hashprice_change_response": 0.0, "shock_persistence": 0.0, **hashrate},
    )
    return replace(
        d,
        btc=replace(d.btc, vol_per_year=0.0, tails=pr.PriceTails.NORMAL),
        fee_share=replace(d.fee_share, vol_per_year=0.0),
        hashrate=h,
    )


def _log_hashrate_width(params: sc.MarketParams, month: int, seed: int = 7) -> float:
    start = sc.StartState.late_2025()
    m = sc.simulate(params, start, month + 1, PATHS, np.random.default_rng(seed))
    p10, p90 = np.percentile(np.log(m.network_hashrate_eh_s[:, month]), [10.0, 90.0])
    return float(p90 - p10)


def test_drift_uncertainty_widens_the_12_month_band_by_the_hand_computed_variance() -> None:
    """alpha = 1 closes the whole gap each month, so h_12 = r_11 - xbar_11 + u_12 with
    xbar_11 = log eq + (e + d + delta) x 11/12: a trend known to s = 0.24/yr adds
    (11/12 x 0.24)^2 = 0.22^2 = 0.0484 to the variance of log hashrate at month 12 (for a
    monthly drift of SE s_m over 12 months it would be (12 s_m)^2; the model's month 12 reads
    the equilibrium of month 11). Without it the variance is the monthly shock's,
    (0.258 / sqrt 12)^2 = 0.0745^2 = 0.00555: the P10-P90 width goes from
    2 x 1.2816 x 0.0745 = 0.191 to 2 x 1.2816 x sqrt(0.00555 + 0.0484) = 0.595."""
    s_trend = 0.24
    sd_shock = 0.258 / math.sqrt(12)
    added = (11 / 12 * s_trend) ** 2
    base = _log_hashrate_width(_quiet_market(gap_speed_per_month=1.0), 12)
    wide = _log_hashrate_width(
        _quiet_market(gap_speed_per_month=1.0, hashcost_log_trend_std_error_per_year=s_trend), 12
    )
    assert base == pytest.approx(2 * Z90 * sd_shock, rel=0.03)
    assert wide == pytest.approx(2 * Z90 * math.sqrt(sd_shock**2 + added), rel=0.03)
    assert wide == pytest.approx(0.595, rel=0.03)


def test_equilibrium_level_uncertainty_adds_its_closed_share() -> None:
    """With beta = 0 the model is linear in log eq: a level shift delta moves log hashrate at
    month 12 by -delta (1 - (1 - alpha)^12) = -0.510 delta at alpha = 0.0578
    (0.9422^12 = 0.4897). A log SE of 0.245 adds (0.510 x 0.245)^2 = 0.125^2 to the variance;
    on the shocks' sd of about 0.194 at month 12 the band widens sqrt(1 + (0.125/0.194)^2) =
    1.19 times."""
    a, se = 0.0578, 0.245
    closed = 1.0 - (1.0 - a) ** 12
    assert closed == pytest.approx(0.510, abs=1e-3)
    base_m = _quiet_market(gap_speed_per_month=a)
    base = _log_hashrate_width(base_m, 12)
    wide = _log_hashrate_width(replace(base_m, hashrate=replace(
        base_m.hashrate, equilibrium_hashprice_log_std_error=se)), 12)  # fmt: skip
    sd0 = base / (2 * Z90)
    assert wide == pytest.approx(2 * Z90 * math.sqrt(sd0**2 + (closed * se) ** 2), rel=0.03)
    assert wide / base == pytest.approx(1.19, abs=0.04)


def test_ar1_shocks_add_the_autocovariances() -> None:
    """alpha = beta = 0: log hashrate at month 12 is h_0 + the sum of 12 AR(1) disturbances
    of marginal sd s_m, variance s_m^2 (12 + 2 sum_{k=1}^{11} (12 - k) rho^k). At rho = 0.364:
    sum = 11 x 0.364 + 10 x 0.1325 + 9 x 0.0482 + 8 x 0.0176 + 7 x 0.0064 + ... = 5.97, so the
    variance is (12 + 11.94) / 12 = 2.0 times that of independent shocks (sd x 1.41)."""
    rho = 0.364
    terms = sum((12 - k) * rho**k for k in range(1, 12))
    assert terms == pytest.approx(5.97, abs=0.01)
    ratio = (12 + 2 * terms) / 12
    base = _log_hashrate_width(_quiet_market(gap_speed_per_month=0.0), 12)
    wide = _log_hashrate_width(_quiet_market(gap_speed_per_month=0.0, shock_persistence=rho), 12)
    assert wide / base == pytest.approx(math.sqrt(ratio), rel=0.03)
    s_m = 0.258 / math.sqrt(12)
    assert base == pytest.approx(2 * Z90 * s_m * math.sqrt(12), rel=0.03)


def test_the_draws_leave_the_shocks_and_the_point_path_alone() -> None:
    """The parameter stream is the generator's seed extended by its own key: BTC paths and the
    generator's state are the same with or without the draws; the zero-volatility market
    takes the parameters as known."""
    start = sc.StartState.late_2025()
    d = sc.DEFAULT_PARAMS
    known = replace(d, hashrate=d.hashrate.point_estimates())
    r1, r2 = np.random.default_rng(3), np.random.default_rng(3)
    with_draws = sc.simulate(d, start, 25, 3000, r1)
    without = sc.simulate(known, start, 25, 3000, r2)
    np.testing.assert_array_equal(with_draws.btc_price_usd, without.btc_price_usd)
    assert r1.random() == r2.random()
    assert not np.array_equal(with_draws.network_hashrate_eh_s, without.network_hashrate_eh_s)
    assert not d.with_zero_volatility().hashrate.has_parameter_uncertainty
    again = sc.simulate(d, start, 25, 3000, np.random.default_rng(3))
    np.testing.assert_array_equal(again.network_hashrate_eh_s, with_draws.network_hashrate_eh_s)


def test_draws_have_the_fitted_moments() -> None:
    h = sc.DEFAULT_PARAMS.hashrate
    dr = draw_hashrate_parameters(h, 200_000, np.random.default_rng(11))
    assert dr is not None
    assert float(dr.gap_speed_per_month.mean()) == pytest.approx(0.0578, abs=2e-4)
    assert float(dr.gap_speed_per_month.std()) == pytest.approx(0.012, rel=0.02)
    assert float(dr.log_equilibrium_shift.std()) == pytest.approx(0.245, rel=0.02)
    assert float(dr.trend_shift_per_year.std()) == pytest.approx(0.012, rel=0.02)
    assert draw_hashrate_parameters(h.point_estimates(), 10, np.random.default_rng(1)) is None


@settings(max_examples=40, deadline=None)
@given(mean=st.floats(-0.5, 1.5), se=st.floats(1e-4, 2.0), u=st.floats(0.0, 1.0))
def test_truncated_normal_stays_in_its_bounds(mean: float, se: float, u: float) -> None:
    x = truncated_normal(mean, se, 0.0, 1.0, np.array([u]))
    assert 0.0 <= float(x[0]) <= 1.0


def test_truncated_normal_median_far_from_the_bounds_is_the_mean() -> None:
    """Phi(a) ~ 0 and Phi(b) ~ 1: u = 0.5 maps to the mean; u = Phi(1) to mean + se."""
    assert float(truncated_normal(0.3, 0.01, 0.0, 1.0, np.array([0.5]))[0]) == pytest.approx(0.3)
    u1 = 0.8413447460685429  # Phi(1)
    assert float(truncated_normal(0.3, 0.01, 0.0, 1.0, np.array([u1]))[0]) == pytest.approx(0.31)


def test_bad_uncertainty_inputs_are_input_errors() -> None:
    h = sc.DEFAULT_PARAMS.hashrate
    with pytest.raises(InputError, match="shock_persistence"):
        replace(h, shock_persistence=1.0)
    with pytest.raises(InputError, match="std_error"):
        replace(h, equilibrium_hashprice_log_std_error=-0.1)


def test_the_fit_carries_its_standard_errors_and_residual_autocorrelation() -> None:
    """A path drawn with AR(1) shocks (rho = 0.5) is fitted: the residuals' lag-1
    autocorrelation comes back near 0.5, and to_params carries se(alpha), se(eq) / eq (the
    delta-method log SE) and the trend's SE; without the options, none of them."""
    rng = np.random.default_rng(5)
    n, a, b, e = 600, 0.06, 0.10, -0.21
    r = math.log(0.144 * 3.2 * 50_000) + np.cumsum(rng.normal(0.004, 0.12, n))
    xbar = math.log(40.0) + e * np.arange(n) / 12
    shocks = rng.standard_normal((n - 1, 1))
    h = pr.hashrate_ecm_paths(
        math.log(500.0), r[:, None], xbar, a, b, 0.02, shocks, 0.0, shock_persistence=0.5
    )[:, 0]
    tech = cal.Estimate(value=e, std_error=0.01)
    fit = cal.fit_hashrate_with_technology(np.exp(h), np.exp(r - h), tech, momentum=False)
    assert fit.residual_autocorrelation == pytest.approx(0.5, abs=0.1)
    p = fit.to_params()
    eq = fit.equilibrium_hashprice_usd_per_ph_day
    assert p.shock_persistence == fit.residual_autocorrelation
    assert p.gap_speed_std_error_per_month == fit.gap_speed_per_month.std_error
    assert p.equilibrium_hashprice_log_std_error == pytest.approx(eq.std_error / eq.value)
    assert p.hashcost_log_trend_std_error_per_year == 0.01
    bare = fit.to_params(parameter_uncertainty=False, shock_persistence=False)
    assert bare.parameter_std_errors == (0.0, 0.0, 0.0)
    assert bare.shock_persistence == 0.0
