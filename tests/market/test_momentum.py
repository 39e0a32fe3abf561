"""The ASIC-pipeline momentum term of the hashrate model: recursion, fit, backtest."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashpivot.api.backtest import backtest_network
from hashpivot.api.calibration import fleet_efficiency_fit
from hashpivot.config.market import MarketTable, apply_market_table
from hashpivot.errors import InputError
from hashpivot.market import calibrate as cal
from hashpivot.market import processes as pr
from hashpivot.market import scenarios as sc


def test_two_months_of_momentum_by_hand() -> None:
    """alpha = beta = 0, gamma 0.6, the network grew 0.03 a month before month 0, h_0 = 0:
    h_1 = 0.6 x (0 - (-12 x 0.03)) / 12 = 0.018;
    h_2 = 0.018 + 0.6 x (0.018 - (-11 x 0.03)) / 12 = 0.018 + 0.05 x 0.348 = 0.0354."""
    r = np.zeros((3, 1))
    h = pr.hashrate_ecm_paths(
        0.0,
        r,
        np.zeros(3),
        0.0,
        0.0,
        0.0,
        None,
        growth_momentum=0.6,
        log_growth_trailing_per_month=0.03,
    )[:, 0]
    assert h.tolist() == pytest.approx([0.0, 0.018, 0.0354], abs=1e-15)


def test_momentum_keeps_the_long_run_of_the_error_correction() -> None:
    """Flat revenue, ``xbar`` falling ``e/12`` a month: growth settles at ``g = -e/12`` (the
    technology term) whatever gamma; ``g = alpha gap - beta g + gamma g`` fixes the gap at
    ``g (1 + beta - gamma) / alpha``. Hand numbers: e = -0.24/yr, g = 0.02; alpha 0.05,
    beta 0.1, gamma 0.4: gap = 0.02 x 0.7 / 0.05 = 0.28 (0.44 without momentum)."""
    n, e, a, b, c = 900, -0.24, 0.05, 0.10, 0.40
    r = np.full((n, 1), math.log(0.144 * 3.125 * 90_000))
    xbar = math.log(30.0) + e * np.arange(n) / 12
    h = pr.hashrate_ecm_paths(
        math.log(1000.0),
        r,
        xbar,
        a,
        b,
        0.0,
        None,
        growth_momentum=c,
        log_growth_trailing_per_month=0.05,
    )[:, 0]
    assert h[-1] - h[-2] == pytest.approx(0.02, abs=1e-9)
    assert (r[-1, 0] - h[-1]) - xbar[-1] == pytest.approx(0.28, abs=1e-6)


def test_momentum_fit_recovers_gamma() -> None:
    rng = np.random.default_rng(11)
    n, a, b, c, e = 720, 0.06, 0.10, 0.45, -0.21
    r = math.log(0.144 * 3.2 * 50_000) + np.cumsum(rng.normal(0.004, 0.12, n))
    xbar = math.log(40.0) + e * np.arange(n) / 12
    h = pr.hashrate_ecm_paths(
        math.log(500.0),
        r[:, None],
        xbar,
        a,
        b,
        0.02,
        rng.standard_normal((n - 1, 1)),
        growth_momentum=c,
    )[:, 0]
    tech = cal.Estimate(value=e, std_error=0.01)
    fit = cal.fit_hashrate_with_technology(np.exp(h), np.exp(r - h), tech, momentum=True)
    assert fit.n_months == n - 13  # 12 lags + 1 difference without a prior history
    for est, true in [
        (fit.growth_momentum, c),
        (fit.gap_speed_per_month, a),
        (fit.hashprice_change_response, b),
    ]:
        assert abs(est.value - true) < 4 * est.std_error, (est, true)
    assert fit.to_params().growth_momentum == fit.growth_momentum.value
    # a prior history gives the first months their lags
    prior = np.exp(h[:12])
    late = cal.fit_hashrate_with_technology(
        np.exp(h[12:]), np.exp(r[12:] - h[12:]), tech, prior_hashrate_eh_s=prior
    )
    assert late.n_months == n - 12 - 2


def test_momentum_fit_on_the_shared_history(shared_data: Path) -> None:
    """The documented joint fit (docs/methodology.md): 2017-01..2025-08, lags from 2016."""
    df = pd.read_csv(shared_data / "btc_daily.csv")
    tech = fleet_efficiency_fit(date(2025, 8, 31)).log_trend_per_year
    c = cal.calibrate_market(
        pd.to_datetime(df["date"]).dt.date.to_numpy(),
        df["price_usd"],
        df["hashrate_ths"],
        df["fees_usd"],
        df["issuance_usd"],
        fleet_efficiency_log_trend_per_year=tech,
    )
    m = c.hashrate_momentum
    assert m is not None and m.n_months == 102 == c.hashrate.n_months
    assert (m.growth_momentum.value, m.growth_momentum.std_error) == pytest.approx(
        (0.4185, 0.183), abs=0.001
    )
    assert m.gap_speed_per_month.value == pytest.approx(0.0456, abs=0.0005)
    assert m.equilibrium_hashprice_usd_per_ph_day.value == pytest.approx(33.8, abs=0.1)
    # the default model's fit stays the one without the term
    assert c.hashrate.growth_momentum.value == 0.0
    assert c.hashrate.gap_speed_per_month.value == pytest.approx(0.0578, abs=0.0001)
    assert "hashrate_momentum.growth_momentum" in c.as_dict()


def test_start_state_refuses_an_absurd_trailing_growth() -> None:
    with pytest.raises(InputError) as e:
        replace(sc.StartState.late_2025(), hashrate_log_growth_trailing_per_month=0.9)
    assert e.value.field == "hashrate_log_growth_trailing_per_month"
    # the snapshot's: ln(1,069 / 731.17) / 12 (2024-11 monthly mean of the history)
    assert sc.StartState.late_2025().hashrate_log_growth_trailing_per_month == pytest.approx(
        math.log(1069 / 731.17) / 12, abs=1e-12
    )


def test_market_table_sets_the_momentum() -> None:
    params, _ = apply_market_table(
        MarketTable(hashrate_growth_momentum=0.4), sc.DEFAULT_PARAMS, sc.StartState.late_2025()
    )
    assert params.hashrate.growth_momentum == 0.4
    assert sc.DEFAULT_PARAMS.hashrate.growth_momentum == 0.0
    with pytest.raises(InputError):
        replace(sc.DEFAULT_PARAMS.hashrate, growth_momentum=1.0)


def test_backtest_runs_with_the_momentum_term(shared_data: Path) -> None:
    r = backtest_network(shared_data, origin_years=[2023], paths=50, momentum=True)
    assert r["hashrate_momentum"] is True
    (o,) = r["origins"]
    # 2017-01..2023-12 is long enough for the term (>= 36 months): fitted, not 0
    assert 0.0 < o["growth_momentum"] < 1.0


def test_the_base_scenario_network_is_the_monte_carlo_story() -> None:
    """The deterministic base path's network is the hashrate model at zero shocks on the base
    BTC path (+10%/yr = the Monte Carlo's expected growth): 1.36x today after 12 months and
    1.95x after 36 against the Monte Carlo mean's 1.38x and 1.93x (20,000 paths, with the
    parameter draws and AR(1) hashrate shocks; the mean of a non-linear process lies a little
    below its zero-shock path); +25%/yr, the old base, gave
    1.25x and 1.95x. A [scenario] monthly growth still overrides it."""
    from hashpivot.market.deterministic import ScenarioOverride, scenario_paths
    from hashpivot.market.snapshot import SCENARIOS, SNAPSHOT, ScenarioName

    start = sc.StartState.late_2025()
    base = SCENARIOS[ScenarioName.BASE]
    det = scenario_paths(SNAPSHOT, base, start, sc.DEFAULT_PARAMS, months=37)
    mc = sc.simulate(sc.DEFAULT_PARAMS, start, 37, 20_000, np.random.default_rng(2026))
    for m, tol in ((12, 0.02), (36, 0.06)):
        mean = float(mc.network_hashrate_eh_s[:, m].mean())
        assert det.network_hashrate_eh_s[0, m] == pytest.approx(mean, rel=tol), m
    g12 = det.network_hashrate_eh_s[0, 12] / start.network_hashrate_eh_s
    assert 1.30 < g12 < 1.40  # the model's +35%, not +25%
    fixed = scenario_paths(
        SNAPSHOT,
        base,
        start,
        sc.DEFAULT_PARAMS,
        months=13,
        override=ScenarioOverride(network_hashrate_growth_per_month=0.03),
    )
    # December's middle: 19.5 days after the snapshot; (1.03)^(12 t)
    t = 19.5 / 365.25
    assert fixed.network_hashrate_eh_s[0, 1] == pytest.approx(1_069.0 * 1.03 ** (12 * t))
