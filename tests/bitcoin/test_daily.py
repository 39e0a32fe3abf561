"""Per-day and spot economics (hashpivot.bitcoin.daily), hand computations written out."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.bitcoin.daily import (
    daily_economics,
    mean_subsidy_btc_per_block,
    spot_economics,
    subsidy_at,
)
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT


def test_mean_subsidy_halving_day() -> None:
    # 2024-04-19: last block 840,003, 151 blocks: 147 at 6.25 + 4 at 3.125
    assert float(mean_subsidy_btc_per_block(840_003, 151)) == (147 * 6.25 + 4 * 3.125) / 151


@given(h_end=st.integers(0, 2_000_000), n=st.integers(1, 400))
def test_mean_subsidy_by_hand(h_end: int, n: int) -> None:
    n = min(n, h_end + 1)
    by_hand = sum((50 * 10**8) >> (h // 210_000) for h in range(h_end - n + 1, h_end + 1))
    assert float(mean_subsidy_btc_per_block(h_end, n)) == pytest.approx(by_hand / n / 1e8, abs=1e-9)


def test_daily_economics_arrays() -> None:
    econ = daily_economics(
        price_usd=[112_727.7077, 64_907.99284],
        difficulty=[142_342_602_928_674.9, 86_388_558_925_171.0],
        fees_btc=[3.39577662, 1_206.46658440],
        block_count=[150, 130],
        height_end=[915_962, 840_133],
    )
    k = 86_400 * 1e15
    hand = [
        k * (3.125 + 3.39577662 / 150) * 112_727.7077 / (142_342_602_928_674.9 * 2**32),
        k * (3.125 + 1_206.46658440 / 130) * 64_907.99284 / (86_388_558_925_171.0 * 2**32),
    ]
    np.testing.assert_allclose(econ.hashprice_usd_per_ph_day, hand, rtol=1e-12)
    np.testing.assert_allclose(econ.fees_btc_per_block, [3.39577662 / 150, 1_206.46658440 / 130])
    assert econ.hashprice_usd_per_ph_day[1] == pytest.approx(187.5, abs=0.05)  # SOURCES.md


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"block_count": 0}, "block_count"),
        ({"difficulty": 0.0}, "difficulty"),
        ({"price_usd": float("nan")}, "price_usd"),
        ({"fees_btc": -1.0}, "fees_btc"),
        ({"height_end": 5, "block_count": 10}, "height_end"),
    ],
)
def test_daily_economics_rejects(kw: dict[str, float], field: str) -> None:
    args: dict[str, float] = {
        "price_usd": 1e5,
        "difficulty": 1e14,
        "fees_btc": 1.0,
        "block_count": 144,
        "height_end": 900_000,
    }
    args.update(kw)
    with pytest.raises(InputError) as info:
        daily_economics(**args)
    assert info.value.field == field


def test_subsidy_at() -> None:
    info = subsidy_at(840_000)
    assert (info.subsidy_sat, info.subsidy_btc, info.era, info.next_halving_height) == (
        312_500_000,
        3.125,
        4,
        1_050_000,
    )
    assert subsidy_at(0).era == 0 and subsidy_at(209_999).next_halving_height == 210_000


def test_snapshot_hashprice_against_luxor() -> None:
    """SNAPSHOT (2025-11-27) hashprice vs the Luxor Hashrate Index (market-facts.md).

    Hand: 86,400e15 x (3.125 + 0.038) x 91,000 / (149.30e12 x 2^32) = $38.78/PH/day. Luxor:
    November 2025 average $39.82, all-time low $35.06 (2025-11-22), ~$38.3 late November. Loose
    check (the snapshot's price and fees are rounded): within the month's range, within 5% of 38.3.
    """
    econ = spot_economics(
        price_usd=SNAPSHOT.btc_price_usd,
        difficulty=SNAPSHOT.difficulty,
        height=SNAPSHOT.height,
        fees_btc_per_block=SNAPSHOT.fees_btc_per_block,
    )
    hand = 86_400e15 * (3.125 + 0.038) * 91_000 / (149.30e12 * 2**32)
    assert econ.hashprice_usd_per_ph_day == pytest.approx(hand, rel=1e-12)
    assert 35.06 <= econ.hashprice_usd_per_ph_day <= 39.82
    assert econ.hashprice_usd_per_ph_day == pytest.approx(38.3, rel=0.05)
