"""Consensus facts: subsidy schedule (Bitcoin Core GetBlockSubsidy), issuance, retarget clamp."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.bitcoin.protocol import (
    TOTAL_SUBSIDY_SAT,
    cumulative_subsidy_btc,
    halving_height,
    next_halving_height,
    projected_height_date,
    retarget_factor,
    subsidy_btc,
    subsidy_sat,
)
from hashpivot.errors import InputError


@pytest.mark.parametrize(
    ("height", "sat"),
    [
        (0, 5_000_000_000),
        (209_999, 5_000_000_000),
        (210_000, 2_500_000_000),
        (839_999, 625_000_000),
        (840_000, 312_500_000),
        (1_049_999, 312_500_000),
        (1_050_000, 156_250_000),
        # era 32: 5e9 >> 32 = 1 sat (5e9 / 2^32 = 1.16); era 33: 0
        (6_929_999, 1),
        (6_930_000, 0),
        (13_440_000, 0),  # era 64: forced to zero
        (10**9, 0),
    ],
)
def test_subsidy_sat_exact(height: int, sat: int) -> None:
    assert int(subsidy_sat(height)) == sat
    assert float(subsidy_btc(height)) == sat / 1e8


def test_subsidy_vectorised() -> None:
    got = subsidy_btc(np.array([0, 210_000, 420_000, 630_000, 840_000]))
    np.testing.assert_array_equal(got, [50.0, 25.0, 12.5, 6.25, 3.125])


@pytest.mark.parametrize(
    ("height", "btc"),
    [(210_000, 10_500_000.0), (840_000, 19_687_500.0), (1_050_000, 20_343_750.0)],
)
def test_cumulative_subsidy_at_halvings(height: int, btc: float) -> None:
    # 210,000 x 50 = 10.5M; + 210,000 x (25 + 12.5 + 6.25) = 19.6875M; + 210,000 x 3.125
    assert float(cumulative_subsidy_btc(height)) == pytest.approx(btc, abs=1e-6)


def test_total_issuance_just_under_21m() -> None:
    # Known total: 20,999,999.9769 BTC (satoshi rounding of late eras)
    assert TOTAL_SUBSIDY_SAT == 2_099_999_997_690_000
    assert float(cumulative_subsidy_btc(64 * 210_000)) == pytest.approx(20_999_999.9769, abs=1e-6)


@given(h0=st.integers(0, 7_000_000), n=st.integers(1, 5_000))
def test_cumulative_equals_sum_of_subsidies(h0: int, n: int) -> None:
    by_hand = sum(
        (50 * 10**8) >> (h // 210_000) if h // 210_000 < 64 else 0 for h in range(h0, h0 + n)
    )
    got = float(cumulative_subsidy_btc(h0 + n) - cumulative_subsidy_btc(h0))
    assert got == pytest.approx(by_hand / 1e8, abs=1e-6)


def test_halving_heights() -> None:
    assert halving_height(4) == 840_000
    assert next_halving_height(840_000) == 1_050_000
    assert next_halving_height(839_999) == 840_000
    with pytest.raises(InputError):
        halving_height(0)
    with pytest.raises(InputError):
        subsidy_sat(-1)


def test_retarget_factor_and_clamp() -> None:
    two_weeks = 2016 * 600.0
    assert float(retarget_factor(two_weeks)) == 1.0
    assert float(retarget_factor(two_weeks / 1.1)) == pytest.approx(1.1)
    assert float(retarget_factor(two_weeks / 10)) == 4.0  # capped at x4
    assert float(retarget_factor(two_weeks * 10)) == 0.25  # floored at /4


def test_projected_2028_halving() -> None:
    start = datetime(2025, 11, 25, tzinfo=UTC)
    at_600 = projected_height_date(1_050_000, current_height=925_000, current_time=start)
    # 125,000 blocks x 600 s = 868.06 days: 2027-11-25 is +730 d; +5 (Nov 30) +31 (Dec) +31 (Jan)
    # +29 (Feb 2028, leap) +31 (Mar) = 857 d at 2028-03-31; +11 d -> 2028-04-11 (01:20 UTC)
    assert (at_600 - start).total_seconds() == 125_000 * 600
    assert at_600.date().isoformat() == "2028-04-11"
    faster = projected_height_date(
        1_050_000, current_height=925_000, current_time=start, block_interval_s=590.0
    )
    assert faster < at_600
