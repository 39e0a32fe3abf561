"""`[scenario]`: the deterministic path a user sets (start price, difficulty, fees, growth rates),
honoured by mine, lease, gpu-cloud and compare --deterministic; `[market]` keys a deterministic
run cannot use are named, never ignored in silence."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.case import build_case
from hashpivot.api.site_view import site_strategy_view
from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.cli import main
from hashpivot.engine.deterministic import run_deterministic
from hashpivot.market.snapshot import SNAPSHOT

SITE = """
[site]
name = "t"
capacity_mw = 10.0
start = 2025-12-01
horizon_months = 40

[power]
price_usd_per_mwh = 40.0

[[fleet]]
model = "Antminer S21"
count = 2000
"""

RAMP = """
[scenario]
btc_price_usd = 91000
btc_growth_per_year = 0.0
network_hashrate_growth_per_month = 0.03
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def mine_json(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code = main(["mine", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def test_constant_price_and_3pct_a_month_halving_month_from_block_production(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = mine_json(capsys, write(tmp_path, SITE + RAMP))
    assert code == 0, err
    assert {r["btc_price_usd"] for r in out["monthly"]} == {91_000.0}  # constant price
    # Hand-check. The snapshot is height 925,344 on 2025-11-27, at a retarget; the halving is at
    # 1,050,000: 124,656 blocks to go.
    blocks = 1_050_000 - SNAPSHOT.height
    assert blocks == 124_656
    # A 144-a-day calculator: 124,656 / 144 = 865.7 days -> 2028-04-10, an April halving.
    naive = SNAPSHOT.as_of + timedelta(days=blocks / 144)
    assert naive == date(2028, 4, 10)
    # The retarget rule: each 2016-block epoch's difficulty is set by the last epoch's speed, so
    # while hashrate grows 3% a month, an epoch of T days lasts T = 14 / 1.03^(T / 30.44) days in
    # steady state (T = 13.81: the hashrate grows 1.35% over an epoch before the difficulty
    # catches up), i.e. blocks come 14 / 13.81 = 1.35% faster than 144 a day:
    t_epoch = 14.0
    for _ in range(50):
        t_epoch = 14.0 / 1.03 ** (t_epoch / 30.4375)
    assert t_epoch == pytest.approx(13.81, abs=0.01)
    early = SNAPSHOT.as_of + timedelta(days=blocks / 144 / (14.0 / t_epoch))
    assert early == date(2028, 3, 30)  # 854 days: 12 days before the 144-a-day date
    assert out["halving_month"] == f"{early:%Y-%m}" == "2028-03"
    assert out["halving_month"] != f"{naive:%Y-%m}"


def test_blocks_follow_the_hashrate_path_not_144_a_day(tmp_path: Path) -> None:
    case = build_case(write(tmp_path, SITE + RAMP))
    run = run_deterministic(case)
    hr = run.scenarios.network_hashrate_eh_s[0]
    # +3% a month: month-on-month ratio 1.03 (mid-month to mid-month, months of unequal length)
    assert hr[5] / hr[4] == pytest.approx(1.03, abs=0.003)
    per_day = run.values.mined.chain.blocks_per_day[0]
    assert np.all(per_day[1:24] > 144 * 1.005) and np.all(per_day[1:24] < 144 * 1.03)


def test_start_difficulty_and_fees_set_the_first_hashprice(tmp_path: Path) -> None:
    text = SITE + RAMP + "fees_btc_per_block = 0.05\ndifficulty = 160e12\n"
    run = run_deterministic(build_case(write(tmp_path, text)))
    assert run.case.snapshot.difficulty == 160e12
    # network hashrate = difficulty x 2^32 / 600 s = 160e12 x 4,294,967,296 / 600 = 1,145.3 EH/s
    assert run.case.start_state.network_hashrate_eh_s == pytest.approx(1145.32, abs=0.01)
    assert np.all(run.scenarios.fees_btc_per_block == 0.05)
    # same run from the equivalent network hashrate
    alt = SITE + RAMP + "fees_btc_per_block = 0.05\nnetwork_hashrate_eh_s = 1145.3249\n"
    other = run_deterministic(build_case(write(tmp_path, alt, "b.toml")))
    assert other.case.snapshot.difficulty == pytest.approx(160e12, rel=1e-6)
    assert float(subsidy_btc(run.case.snapshot.height)) == 3.125


def test_mine_uses_market_start_price_and_names_keys_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, base, _ = mine_json(capsys, write(tmp_path, SITE, "a.toml"))
    market = SITE + "[market]\nbtc_price_usd = 45500\nbtc_vol_per_year = 0.5\n"
    code, out, _ = mine_json(capsys, write(tmp_path, market, "b.toml"))
    assert code == 0
    # the deterministic path starts from [market] btc_price_usd: half the price, every month
    ratio = out["monthly"][3]["btc_price_usd"] / base["monthly"][3]["btc_price_usd"]
    assert ratio == pytest.approx(0.5)
    (note,) = out["notes"]
    assert "used here: btc_price_usd" in note
    assert "Monte Carlo `compare` only): btc_vol_per_year" in note
    assert out["assumptions"]["note"] == note


def test_lease_and_gpu_cloud_on_a_site_file_honour_scenario(tmp_path: Path) -> None:
    plain = write(tmp_path, SITE, "a.toml")
    crash = write(tmp_path, SITE + "[scenario]\nbtc_growth_per_year = -0.9\n", "b.toml")
    for strategy in ("lease", "gpu_cloud"):
        a, b = site_strategy_view(plain, strategy), site_strategy_view(crash, strategy)
        assert a is not None and b is not None
        assert b["npv_usd"] < a["npv_usd"]  # mining during the build earns less
        assert "[scenario]" in b["market"]


def test_monte_carlo_compare_says_scenario_is_not_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, SITE + RAMP)
    code = main(["compare", str(path), "--paths", "200", "--sensitivity", "none", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert any("[scenario] applies to deterministic runs only" in n for n in out["notes"])
    code = main(["compare", str(path), "--deterministic", "--sensitivity", "none", "--json"])
    det = json.loads(capsys.readouterr().out)
    assert not any("[scenario]" in n for n in det["notes"])
    assert "+3.0%/month" in det["market"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("network_hashrate_growth_per_month = nan", "scenario.network_hashrate_growth_per_month"),
        ("network_hashrate_growth_per_month = 2.0", "scenario.network_hashrate_growth_per_month"),
        ("btc_growth_per_year = -1.0", "scenario.btc_growth_per_year"),
        ("btc_price_usd = inf", "scenario.btc_price_usd"),
        ("fees_btc_per_block = -0.01", "scenario.fees_btc_per_block"),
        ("difficulty = 0.0", "scenario.difficulty"),
        ("difficulty = 1e12\nnetwork_hashrate_eh_s = 10.0", "scenario"),
        ("hashrate_growth = 0.01", "scenario.hashrate_growth"),
        ('btc_price_usd = "100000"', "scenario.btc_price_usd"),
    ],
)
def test_bad_scenario_values_exit_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, field: str
) -> None:
    code, _, err = mine_json(capsys, write(tmp_path, SITE + "[scenario]\n" + line + "\n"))
    assert code == 2
    assert field in err and "Traceback" not in err
    assert err.count("error:") == 1
