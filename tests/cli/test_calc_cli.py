"""`hashpivot calc`: the one-day calculator matches a hand-worked day to the cent; every bad value
exits 2 with one message naming its flag."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.api.calc import calc_day
from hashpivot.cli import main
from hashpivot.market.snapshot import SNAPSHOT

HAND = [
    "--hashrate-th-s", "270", "--efficiency-j-per-th", "13.5", "--power-usd-per-mwh", "50",
    "--difficulty", "100e12", "--btc-price-usd", "100000", "--fees-btc-per-block", "0.05",
    "--pool-fee-frac", "0.02", "--uptime-frac", "0.95",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, float], str]:
    code = main(["calc", *args, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def test_hand_worked_day_to_the_cent(capsys: pytest.CaptureFixture[str]) -> None:
    # By hand, 270 TH/s at 13.5 J/TH, difficulty 100 T, $100,000, fees 0.05 BTC, subsidy 3.125
    # (height 925,344 is in the 4th halving epoch), pool fee 2%, uptime 95%, $50/MWh:
    #   blocks a day   = 270e12 H/s x 86,400 s / (100e12 x 2^32) = 233,280 / 4,294,967,296
    #                  = 0.0000543147326
    #   BTC a day      = 0.0000543147326 x (3.125 + 0.05) x 0.98 x 0.95 = 0.000160550276
    #   revenue        = 0.000160550276 x $100,000 = $16.06 (16.0550)
    #   energy         = 270 x 13.5 W = 3,645 W x 24 h x 0.95 = 83.106 kWh = 0.083106 MWh
    #   power cost     = 0.083106 x $50 = $4.16 (4.1553)
    #   profit         = 16.0550 - 4.1553 = $11.90
    #   hashprice      = 1e15 x 86,400 / (100e12 x 2^32) x 3.175 x $100,000 = $63.87/PH/day
    #   breakeven power= 63.8701 x 0.98 / (0.024 x 13.5) = $193.19/MWh (= revenue / MWh)
    #   breakeven BTC  = $4.1553 / 0.000160550276 BTC = $25,881.61
    code, out, err = run(capsys, *HAND)
    assert code == 0, err
    assert out["btc_per_day"] == pytest.approx(0.000160550276, rel=1e-9)
    assert round(out["revenue_usd_per_day"], 2) == 16.06
    assert round(out["power_cost_usd_per_day"], 2) == 4.16
    assert round(out["profit_usd_per_day"], 2) == 11.90
    assert round(out["hashprice_usd_per_ph_day"], 2) == 63.87
    assert round(out["breakeven_power_usd_per_mwh"], 2) == 193.19
    assert round(out["breakeven_btc_usd"], 2) == 25_881.61
    assert out["subsidy_btc"] == 3.125


def test_model_and_count_is_the_catalogue_hashrate(capsys: pytest.CaptureFixture[str]) -> None:
    # Antminer S19j Pro: 104 TH/s, 3,068 W (config/catalogue/asic.csv); 10 machines
    code, out, _ = run(capsys, "--model", "S19j Pro", "--count", "10", "--power-usd-per-mwh", "40")
    assert code == 0
    assert out["hashrate_th_s"] == pytest.approx(1040.0)
    assert out["power_kw"] == pytest.approx(30.68)
    # defaults: the snapshot's market, the site file's pool fee and uptime
    assert out["difficulty"] == SNAPSHOT.difficulty
    assert out["btc_price_usd"] == SNAPSHOT.btc_price_usd
    assert out["fees_btc_per_block"] == SNAPSHOT.fees_btc_per_block
    assert (out["pool_fee_frac"], out["uptime_frac"]) == (0.02, 0.97)


def _with(flag: str, value: str) -> list[str]:
    args = list(HAND)
    args[args.index(flag) + 1] = value
    return args


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--hashrate-th-s", "0"),
        ("--hashrate-th-s", "nan"),
        ("--efficiency-j-per-th", "-1"),
        ("--efficiency-j-per-th", "inf"),
        ("--power-usd-per-mwh", "20000"),
        ("--power-usd-per-mwh", "nan"),
        ("--difficulty", "0"),
        ("--difficulty", "1e30"),
        ("--btc-price-usd", "-5"),
        ("--btc-price-usd", "inf"),
        ("--fees-btc-per-block", "-0.1"),
        ("--fees-btc-per-block", "1000"),
        ("--pool-fee-frac", "1"),
        ("--pool-fee-frac", "-0.01"),
        ("--uptime-frac", "0"),
        ("--uptime-frac", "1.5"),
    ],
)
def test_bad_values_exit_2_naming_the_flag(
    capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    code, _, err = run(capsys, *_with(flag, value))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(" ".join(lines).split("error:")) == 2  # one message
    assert flag in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--power-usd-per-mwh", "40"], "--efficiency-j-per-th"),
        (["--hashrate-th-s", "100", "--efficiency-j-per-th", "20"], "--power-usd-per-mwh"),
        (["--model", "S21", "--hashrate-th-s", "5", "--power-usd-per-mwh", "40"], "--hashrate"),
        (["--model", "no such miner", "--power-usd-per-mwh", "40"], "--model"),
        (["--model", "S21", "--count", "0", "--power-usd-per-mwh", "40"], "--count"),
    ],
)
def test_missing_or_conflicting_flags_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], flag: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and flag in err


@settings(max_examples=50, deadline=None)
@given(
    th=st.floats(1, 1e6),
    eff=st.floats(5, 100),
    power=st.floats(0.1, 500),
    pool=st.floats(0, 0.1),
    up=st.floats(0.1, 1),
)
def test_breakevens_zero_the_profit(
    th: float, eff: float, power: float, pool: float, up: float
) -> None:
    out = calc_day(
        power_usd_per_mwh=power,
        hashrate_th_s=th,
        efficiency_j_per_th=eff,
        pool_fee_frac=pool,
        uptime_frac=up,
    )
    assert out["profit_usd_per_day"] == pytest.approx(
        out["revenue_usd_per_day"] - out["power_cost_usd_per_day"]
    )
    at_power = calc_day(
        power_usd_per_mwh=out["breakeven_power_usd_per_mwh"],
        hashrate_th_s=th,
        efficiency_j_per_th=eff,
        pool_fee_frac=pool,
        uptime_frac=up,
    )
    assert at_power["profit_usd_per_day"] == pytest.approx(
        0.0, abs=1e-9 * out["revenue_usd_per_day"]
    )
    # BTC a day scales with hashrate and uptime, not with the price
    assert out["btc_per_day"] / (th * up) == pytest.approx(
        calc_day(power_usd_per_mwh=power, hashrate_th_s=1.0, efficiency_j_per_th=eff,
                 pool_fee_frac=pool, uptime_frac=1.0)["btc_per_day"]
    )  # fmt: skip
