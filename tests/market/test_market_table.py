"""`[market]` in the site file: overrides of the Monte Carlo market, validated at the edge."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import assumptions, build_case
from hashpivot.cli import main
from hashpivot.config.market import MarketTable, apply_market_table
from hashpivot.errors import InputError
from hashpivot.market.processes import PriceTails, log_drift_for_expected_growth
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, simulate

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"
START = StartState.late_2025()


def _site_with(tmp_path: Path, market: str) -> Path:
    f = tmp_path / "site.toml"
    f.write_text(SITE.read_text() + "\n[market]\n" + market)
    return f


def test_no_table_keeps_the_defaults_exactly() -> None:
    assert apply_market_table(MarketTable(), DEFAULT_PARAMS, START) == (DEFAULT_PARAMS, START)
    # restating the default vol re-derives the same drift: ln(1.10) - 0.67^2 / 2
    p, _ = apply_market_table(MarketTable(btc_vol_per_year=0.67), DEFAULT_PARAMS, START)
    assert p.btc.log_drift_per_year == pytest.approx(math.log(1.10) - 0.5 * 0.67**2, abs=1e-15)
    assert p.btc.log_drift_per_year == pytest.approx(DEFAULT_PARAMS.btc.log_drift_per_year)


def test_drift_for_expected_growth_by_hand() -> None:
    # normal: ln(1.25) - 0.5^2/2 = 0.22314355 - 0.125
    assert log_drift_for_expected_growth(0.25, 0.5) == pytest.approx(0.09814355, abs=1e-8)
    # Merton, 2 jumps/yr of mean log size -0.1, sd 0.2: E[e^Y] - 1 = e^(-0.1 + 0.02) - 1
    # = -0.07688365; the growth of the mean gains 2 x (-0.07688365 + 0.1) = 0.04623269
    mu = log_drift_for_expected_growth(
        0.25,
        0.5,
        PriceTails.MERTON,
        jump_intensity_per_year=2.0,
        jump_mean_log=-0.1,
        jump_vol_log=0.2,
    )
    assert mu == pytest.approx(0.09814355 - 0.04623269, abs=1e-8)


@pytest.mark.parametrize("tails", ["normal", "merton"])
def test_mean_price_grows_at_the_expected_growth(tails: str) -> None:
    """E[S_12] = S_0 (1 + g): 100,000 paths, within 4 standard errors."""
    table = MarketTable(
        btc_price_usd=100_000.0,
        btc_expected_growth_per_year=0.25,
        btc_vol_per_year=0.5,
        btc_tails=tails,  # type: ignore[arg-type]
        btc_jump_intensity_per_year=2.0,
        btc_jump_mean_log=-0.1,
        btc_jump_vol_log=0.2,
    )
    params, start = apply_market_table(table, DEFAULT_PARAMS, START)
    scen = simulate(params, start, 13, 100_000, np.random.default_rng(3))
    s12 = scen.btc_price_usd[:, 12] / 100_000.0
    assert scen.btc_price_usd[0, 0] == 100_000.0
    se = s12.std() / math.sqrt(s12.size)
    assert abs(s12.mean() - 1.25) < 4 * se


def test_overrides_reach_the_case_and_the_assumptions(tmp_path: Path) -> None:
    f = _site_with(
        tmp_path,
        "btc_price_usd = 120000\nrent_vol_per_year = 0.2\n"
        '[market.correlation]\n"rent:btc_price" = 0.25\n',
    )
    case = build_case(f, months=12)
    assert case.start_state.btc_price_usd == 120_000.0
    assert case.market_params.rent.vol_per_year == 0.2
    assert case.market_params.correlation[0][3] == case.market_params.correlation[3][0] == 0.25
    rows = {name: (value, source) for name, value, source in assumptions(case)}
    assert rows["btc_price_usd today"] == ("120,000", "site file [market]")
    assert rows["rent process"][1] == "site file [market]"
    assert "btc_price:rent +0.25" in rows["shock correlations"][0]
    assert rows["btc volatility"][1] != "site file [market]"


def test_a_higher_btc_price_raises_mining_value(tmp_path: Path) -> None:
    base = build_case(SITE, months=12)
    rich = build_case(_site_with(tmp_path, "btc_price_usd = 150000\n"), months=12)
    from hashpivot.engine.compare import compare
    from hashpivot.engine.strategies import StrategyName

    a = compare(base, paths=5_000, seed=1).strategies[StrategyName.MINE].monthly_mean_net_usd
    b = compare(rich, paths=5_000, seed=1).strategies[StrategyName.MINE].monthly_mean_net_usd
    # the same shocks from a higher start price: more mining cash every month. (Not the NPV:
    # the ASICs' resale value is pegged to today's hashprice, and from a richer start the network
    # grows faster towards hashcost, so the fleet's value at the horizon falls further.)
    assert np.all(b[:-1] > a[:-1])


@pytest.mark.parametrize(
    ("market", "needle"),
    [
        ("btc_vol_per_year = -0.1\n", "market.btc_vol_per_year"),
        ('btc_tails = "cauchy"\n', "market.btc_tails"),
        ("btc_expected_growth_per_year = 0.1\nbtc_log_drift_per_year = 0.0\n", "not both"),
        ("fee_share_frac = 1.5\n", "market.fee_share_frac"),
        ("btc_volatility = 0.5\n", "market.btc_volatility"),
        ('[market.correlation]\n"btc:rent" = 0.2\n', "market.correlation.btc:rent"),
        ('[market.correlation]\n"btc_price:rent" = 1.0\n', "a correlation in (-1, 1)"),
        (
            '[market.correlation]\n"btc_price:hashrate" = 0.9\n"btc_price:fee_share" = 0.9\n'
            '"hashrate:fee_share" = -0.9\n',
            "market.correlation",
        ),
    ],
)
def test_bad_market_tables_exit_2_naming_the_field(
    tmp_path: Path, market: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["compare", str(_site_with(tmp_path, market)), "--paths", "5000", "--json"])
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_bad_pair_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"market\.correlation\.rent:rent"):
        apply_market_table(MarketTable(correlation={"rent:rent": 0.1}), DEFAULT_PARAMS, START)


def test_compare_json_with_a_market_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _site_with(tmp_path, 'btc_tails = "student_t"\nbtc_student_t_df = 4\n')
    code = main(["compare", str(f), "--paths", "5000", "--months", "12", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["recommendation"] in out["strategies"]


def test_the_documented_market_table_parses_and_matches_the_defaults() -> None:
    """docs/site-file.md's `[market]` example lists the defaults: it must parse, and give the
    default market (to the rounding of the printed values)."""
    import re
    import tomllib

    text = (REPO / "docs/site-file.md").read_text()
    block = re.search(r"## `\[market\]`.*?```toml\n(.*?)```", text, re.S)
    assert block is not None
    doc = tomllib.loads(block.group(1))
    table = MarketTable.model_validate(doc["market"])
    p, s = apply_market_table(table, DEFAULT_PARAMS, START)
    d = DEFAULT_PARAMS
    assert p.btc.log_drift_per_year == pytest.approx(d.btc.log_drift_per_year, abs=1e-12)
    assert p.hashrate == d.hashrate
    assert p.rent == d.rent and p.power_price == d.power_price
    assert p.gpu_rate.long_run_log_trend_per_year == pytest.approx(
        d.gpu_rate.long_run_log_trend_per_year, abs=1e-15
    )
    assert p.fee_share == d.fee_share
    np.testing.assert_allclose(p.correlation, d.correlation)
    assert s.btc_price_usd == START.btc_price_usd
    assert s.fee_share_frac == pytest.approx(START.fee_share_frac, abs=5e-4)


def test_the_growth_row_states_the_simulated_mean_growth_under_jumps(tmp_path: Path) -> None:
    """Merton jumps with a negative mean size: the drift is lowered so that the mean still
    grows +10%/yr, and the assumptions row says +10.0%, not the diffusion part alone."""
    f = _site_with(
        tmp_path,
        'btc_tails = "merton"\nbtc_jump_intensity_per_year = 1.0\n'
        "btc_jump_mean_log = -0.15\nbtc_jump_vol_log = 0.2\n",
    )
    case = build_case(f, months=12)
    rows = {name: value for name, value, _ in assumptions(case)}
    assert rows["btc expected price growth"].startswith("+10.0%/yr")
    scen = simulate(case.market_params, case.start_state, 13, 100_000, np.random.default_rng(4))
    g = scen.btc_price_usd[:, 12] / scen.btc_price_usd[:, :1].ravel()
    assert abs(g.mean() - 1.10) < 4 * g.std() / math.sqrt(g.size)


def test_a_set_trend_carries_the_default_level_to_a_live_start(tmp_path: Path) -> None:
    from dataclasses import replace as dc_replace
    from datetime import date

    from hashpivot.market.snapshot import SNAPSHOT

    live = dc_replace(SNAPSHOT, as_of=date(2026, 11, 27))  # one year (365 days) later
    f = _site_with(tmp_path, "equilibrium_hashprice_trend_per_year = -0.2\n")
    case = build_case(f, months=12, snapshot=live)
    eq = case.market_params.hashrate.equilibrium_hashprice_usd_per_ph_day
    # the set trend adds to the fleet-efficiency (technology) trend -0.2094/yr of the default
    assert eq == pytest.approx(24.3 * math.exp((-0.2 - 0.2094) * 365 / 365.25), rel=1e-12)
    g = _site_with(tmp_path, "equilibrium_hashprice_usd_per_ph_day = 28.0\n")
    assert build_case(g, months=12, snapshot=live).market_params.hashrate == dc_replace(
        DEFAULT_PARAMS.hashrate, equilibrium_hashprice_usd_per_ph_day=28.0
    )
