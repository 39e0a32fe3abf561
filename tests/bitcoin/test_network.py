"""Network economics: hashrate/difficulty identity, hashprice examples, hashcost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.bitcoin.network import (
    cost_to_mine_one_btc_usd,
    difficulty_from_hashrate_eh_s,
    fee_share,
    fees_from_share,
    hashcost_usd_per_ph_day,
    hashprice_from_difficulty,
    hashrate_eh_s_from_difficulty,
    hashvalue_btc_per_ph_day,
)


def test_implied_hashrate_of_the_snapshot_difficulty() -> None:
    # 149.30e12 x 2^32 / 600 s = 1.0687e21 H/s = 1,068.7 EH/s (market-facts: ~1.06-1.07 ZH/s)
    assert float(hashrate_eh_s_from_difficulty(149.30e12)) == pytest.approx(
        149.30e12 * 2**32 / 600 / 1e18
    )
    assert float(hashrate_eh_s_from_difficulty(149.30e12)) == pytest.approx(1_068.7, abs=0.1)


@given(st.floats(min_value=1.0, max_value=1e16, allow_nan=False))
def test_difficulty_hashrate_round_trip(difficulty: float) -> None:
    back = difficulty_from_hashrate_eh_s(hashrate_eh_s_from_difficulty(difficulty))
    assert float(back) == pytest.approx(difficulty, rel=1e-12)


def test_hashprice_docstring_example() -> None:
    # $87,000, D 152e12, subsidy 3.125, fees 0.02: 86,400e15 x 3.145 x 87,000 / (152e12 x 2^32)
    hand = 86_400e15 * 3.145 * 87_000 / (152e12 * 2**32)
    got = float(hashprice_from_difficulty(87_000, 152e12, 3.125, 0.02))
    assert got == pytest.approx(hand, rel=1e-12)
    assert got == pytest.approx(36.2, abs=0.05)


def test_hashvalue_is_share_of_daily_issuance() -> None:
    # 1 PH/s of a network at the implied hashrate earns 1e15/H of 144 blocks' rewards a day
    d = 149.30e12
    network_h_s = d * 2**32 / 600
    assert float(hashvalue_btc_per_ph_day(d, 3.125, 0.038)) == pytest.approx(
        1e15 / network_h_s * 144 * (3.125 + 0.038), rel=1e-12
    )


def test_hashprice_broadcasts() -> None:
    got = hashprice_from_difficulty(np.array([[50_000.0], [100_000.0]]), 1e14, 3.125, 0.0)
    assert got.shape == (2, 1)
    assert got[1, 0] == pytest.approx(2 * got[0, 0])


def test_fee_share_round_trip() -> None:
    fees = fees_from_share(3.125, 0.012)
    assert float(fees) == pytest.approx(3.125 * 0.012 / 0.988)  # ~0.038 BTC (snapshot)
    assert float(fee_share(3.125, fees)) == pytest.approx(0.012)


def test_hashcost_and_breakeven() -> None:
    # 17 J/TH: 1 PH/s draws 17 kW = 0.408 MWh/day; at $50/MWh -> $20.40/PH/day
    assert float(hashcost_usd_per_ph_day(50.0, 17.0)) == pytest.approx(0.408 * 50)
    # breakeven power price $/kWh = hashprice / (24 x J/TH) (market-facts): $40.8 -> $0.10/kWh
    assert float(hashcost_usd_per_ph_day(100.0, 17.0)) == pytest.approx(40.8)
    assert float(cost_to_mine_one_btc_usd(40.8, 4.08e-4)) == pytest.approx(100_000.0)
