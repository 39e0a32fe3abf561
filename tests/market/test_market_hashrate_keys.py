"""`[market]` keys of the hashrate fit's parameter uncertainty and AR(1) shock: each reaches the
simulation, a bad value exits 2 naming its field."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import assumptions, build_case
from hashpivot.cli import main
from hashpivot.config.market import MarketTable, apply_market_table
from hashpivot.errors import InputError
from hashpivot.market.hashrate_process import ar1_disturbance
from hashpivot.market.parameter_draws import draw_hashrate_parameters
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, simulate

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"
START = StartState.late_2025()
#: every factor without shocks, the hashrate parameters known: a deterministic market
QUIET = DEFAULT_PARAMS.with_zero_volatility()


def _site_with(tmp_path: Path, market: str) -> Path:
    f = tmp_path / "site.toml"
    f.write_text(SITE.read_text() + "\n[market]\n" + market)
    return f


def _log_hashrate(table: MarketTable, paths: int, seed: int) -> np.ndarray:
    params, start = apply_market_table(table, QUIET, START)
    scen = simulate(params, start, 13, paths, np.random.default_rng(seed))
    return np.log(scen.network_hashrate_eh_s)


def test_the_defaults_are_the_fit_and_the_keys_reach_the_case(tmp_path: Path) -> None:
    h = DEFAULT_PARAMS.hashrate
    assert h.parameter_std_errors == (0.012, 0.245, 0.012)
    assert h.shock_persistence == 0.364
    f = _site_with(
        tmp_path,
        "hashrate_gap_speed_se_per_month = 0.02\nequilibrium_hashprice_log_se = 0.1\n"
        "hashcost_trend_se_per_year = 0.05\nhashrate_shock_persistence = 0.2\n",
    )
    case = build_case(f, months=12)
    hc = case.market_params.hashrate
    assert hc.parameter_std_errors == (0.02, 0.1, 0.05)
    assert hc.shock_persistence == 0.2
    rows = {name: (value, source) for name, value, source in assumptions(case)}
    value, source = rows["hashrate parameter uncertainty"]
    assert "SE 0.02/month" in value and "persistence 0.2" in value
    assert source == "site file [market]"


def test_an_overridden_point_estimate_keeps_the_fits_standard_errors(tmp_path: Path) -> None:
    case = build_case(_site_with(tmp_path, "hashrate_gap_speed_per_month = 0.1\n"), months=12)
    h = case.market_params.hashrate
    assert h.gap_speed_per_month == 0.1
    assert h.parameter_std_errors == DEFAULT_PARAMS.hashrate.parameter_std_errors
    rows = {name: value for name, value, _ in assumptions(case)}
    assert (
        "standard errors kept around the site file's point estimates"
        in rows["hashrate parameter uncertainty"]
    )


def test_the_switch_off_gives_the_known_parameter_paths() -> None:
    """``false`` and three SEs of 0 are the same market: the point estimates'."""
    off, _ = apply_market_table(
        MarketTable(hashrate_parameter_uncertainty=False), DEFAULT_PARAMS, START
    )
    zeros, _ = apply_market_table(
        MarketTable(
            hashrate_gap_speed_se_per_month=0.0,
            equilibrium_hashprice_log_se=0.0,
            hashcost_trend_se_per_year=0.0,
        ),
        DEFAULT_PARAMS,
        START,
    )
    known = DEFAULT_PARAMS.hashrate.point_estimates()
    assert off.hashrate == zeros.hashrate == known
    a = simulate(off, START, 13, 500, np.random.default_rng(7)).network_hashrate_eh_s
    b = simulate(DEFAULT_PARAMS, START, 13, 500, np.random.default_rng(7)).network_hashrate_eh_s
    assert not np.array_equal(a, b)  # the draws widen the default's band
    c = simulate(zeros, START, 13, 500, np.random.default_rng(7)).network_hashrate_eh_s
    np.testing.assert_array_equal(a, c)


def test_the_level_se_moves_month_12_by_the_hand_factor() -> None:
    """No shocks, beta 0, level SE 0.2 only: ``d_{j+1} = (1 - alpha) d_j - alpha delta`` so log
    hashrate at month 12 moves by ``-(1 - (1 - alpha)^12) delta`` per path; at alpha 0.0578,
    ln 0.9422 = -0.059538, x 12 = -0.71446,
    e^-0.71446 = 0.48946, so the factor is 0.51054."""
    table = MarketTable(hashrate_hashprice_change_response=0.0, equilibrium_hashprice_log_se=0.2)
    params, _ = apply_market_table(table, QUIET, START)
    assert params.hashrate.parameter_std_errors == (0.0, 0.2, 0.0)
    moved = _log_hashrate(table, 400, 11)
    flat = _log_hashrate(MarketTable(hashrate_hashprice_change_response=0.0), 400, 11)
    draws = draw_hashrate_parameters(params.hashrate, 400, np.random.default_rng(11))
    assert draws is not None
    factor = 1.0 - (1.0 - 0.0578) ** 12
    assert factor == pytest.approx(0.51054, abs=1e-5)
    np.testing.assert_allclose(
        moved[:, 12] - flat[:, 12], -factor * draws.log_equilibrium_shift, atol=1e-12
    )


def test_persistence_zero_gives_independent_shocks() -> None:
    """alpha = beta = 0: log hashrate is a sum of its shocks, ``h_{j+1} - h_j = u_{j+1}``.
    Persistence 0: ``u`` are the independent shocks; 0.5: the same shocks made AR(1),
    ``u_1 = e_1``, ``u_2 = 0.5 e_1 + sqrt(0.75) e_2``."""
    base = {
        "hashrate_gap_speed_per_month": 0.0,
        "hashrate_hashprice_change_response": 0.0,
        "hashrate_vol_per_year": 0.3,
    }
    iid = np.diff(_log_hashrate(MarketTable(**base, hashrate_shock_persistence=0.0), 300, 5))
    ar = np.diff(_log_hashrate(MarketTable(**base, hashrate_shock_persistence=0.5), 300, 5))
    np.testing.assert_allclose(ar[:, 0], iid[:, 0], atol=1e-12)
    np.testing.assert_allclose(ar[:, 1], 0.5 * iid[:, 0] + math.sqrt(0.75) * iid[:, 1], atol=1e-12)
    np.testing.assert_allclose(ar.T, ar1_disturbance(iid.T.copy(), 0.5), atol=1e-12)
    # iid: the monthly sd is vol / sqrt(12) and neighbours are uncorrelated (4 SEs)
    n = iid[:, :-1].size
    lag1 = np.corrcoef(iid[:, :-1].ravel(), iid[:, 1:].ravel())[0, 1]
    assert abs(lag1) < 4 / math.sqrt(n)
    assert iid.std() == pytest.approx(0.3 / math.sqrt(12), rel=0.05)


def test_a_standard_error_beside_the_switch_off_is_refused() -> None:
    with pytest.raises(InputError, match=r"market\.equilibrium_hashprice_log_se"):
        apply_market_table(
            MarketTable(hashrate_parameter_uncertainty=False, equilibrium_hashprice_log_se=0.1),
            DEFAULT_PARAMS,
            START,
        )


@pytest.mark.parametrize(
    ("market", "needle"),
    [
        ("hashrate_shock_persistence = 1.0\n", "market.hashrate_shock_persistence"),
        ("hashrate_gap_speed_se_per_month = -0.01\n", "market.hashrate_gap_speed_se_per_month"),
        ("equilibrium_hashprice_log_se = 9.0\n", "market.equilibrium_hashprice_log_se"),
        ("hashcost_trend_se_per_year = nan\n", "market.hashcost_trend_se_per_year"),
        ('hashrate_parameter_uncertainty = "yes"\n', "market.hashrate_parameter_uncertainty"),
        (
            "hashrate_parameter_uncertainty = false\nhashrate_gap_speed_se_per_month = 0.01\n",
            "market.hashrate_gap_speed_se_per_month",
        ),
    ],
)
def test_bad_hashrate_keys_exit_2_naming_the_field(
    tmp_path: Path, market: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["compare", str(_site_with(tmp_path, market)), "--paths", "5000", "--json"])
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
