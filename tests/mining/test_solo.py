"""Solo-mining odds against the Poisson formula written out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.api.solo import solo_report
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT
from hashpivot.mining.solo import BLOCKS_PER_DAY, solo_odds

R = 3.163  # 3.125 BTC subsidy + 0.038 BTC fees


@pytest.mark.parametrize(
    ("th_s", "network_eh_s", "days", "lam"),
    [
        # 1 PH/s of 1,000 EH/s for 30 days: q = 1e3 / 1e9 = 1e-6, lambda = 144 x 1e-6 x 30
        (1_000.0, 1_000.0, 30.0, 4.32e-3),
        # 100 PH/s of 500 EH/s for a week: q = 1e5 / 5e8 = 2e-4, lambda = 144 x 2e-4 x 7
        (1e5, 500.0, 7.0, 0.2016),
        # 10 EH/s of 1,000 EH/s for a day: q = 0.01, lambda = 1.44
        (1e7, 1_000.0, 1.0, 1.44),
    ],
)
def test_poisson_odds_by_hand(th_s: float, network_eh_s: float, days: float, lam: float) -> None:
    o = solo_odds(hashrate_th_s=th_s, network_hashrate_eh_s=network_eh_s, reward_btc=R, days=days)
    q = th_s / (network_eh_s * 1e6)
    assert BLOCKS_PER_DAY == 144.0
    assert o.expected_blocks == pytest.approx(lam, rel=1e-12)
    assert o.prob_at_least_one == pytest.approx(1.0 - math.exp(-lam), rel=1e-12)
    assert o.expected_days_to_block == pytest.approx(1.0 / (144.0 * q), rel=1e-12)
    assert o.days_to_block_quantiles[0.5] == pytest.approx(math.log(2) / (144.0 * q), rel=1e-12)
    assert o.solo_mean_btc == pytest.approx(lam * R, rel=1e-12)
    assert o.solo_sd_btc == pytest.approx(math.sqrt(lam) * R, rel=1e-12)
    assert o.fpps_btc == pytest.approx(0.975 * lam * R, rel=1e-12)


def test_third_case_in_numbers() -> None:
    # lambda = 1.44: P(>= 1) = 1 - e^-1.44 = 1 - 0.2369278 = 0.7630722; FPPS pays 0.975 x 1.44
    # = 1.404 blocks' worth, so solo pays less when N <= 1: e^-1.44 (1 + 1.44) = 0.5781037
    o = solo_odds(hashrate_th_s=1e7, network_hashrate_eh_s=1_000.0, reward_btc=R, days=1.0)
    assert o.prob_at_least_one == pytest.approx(0.7630722, abs=1e-7)
    assert o.prob_solo_below_fpps == pytest.approx(0.5781037, abs=1e-7)
    assert o.expected_days_to_block == pytest.approx(1 / 1.44, rel=1e-12)


@given(
    th=st.floats(1.0, 1e3),
    more=st.floats(1.01, 10.0),
    days=st.floats(0.1, 365.0),
)
def test_more_hashrate_better_odds(th: float, more: float, days: float) -> None:
    a = solo_odds(hashrate_th_s=th, network_hashrate_eh_s=1_000.0, reward_btc=R, days=days)
    b = solo_odds(hashrate_th_s=th * more, network_hashrate_eh_s=1_000.0, reward_btc=R, days=days)
    assert 0.0 < a.prob_at_least_one <= b.prob_at_least_one < 1.0
    assert b.expected_days_to_block < a.expected_days_to_block


def test_default_network_and_reward_from_the_snapshot() -> None:
    out = solo_report(hashrate_th_s=200.0, days=365.0)
    assert out["network_hashrate_eh_s"] == SNAPSHOT.network_hashrate_eh_s
    assert out["reward_btc"] == pytest.approx(3.125 + SNAPSHOT.fees_btc_per_block)
    lam = 144.0 * 200.0 / (SNAPSHOT.network_hashrate_eh_s * 1e6) * 365.0
    assert out["expected_blocks"] == pytest.approx(lam, rel=1e-12)
    assert set(out) >= {"expected_blocks", "prob_at_least_one", "expected_days_to_block"}


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"hashrate_th_s": 0.0}, "hashrate_th_s"),
        ({"days": -1.0}, "days"),
        ({"pool_fee_frac": 1.0}, "pool_fee_frac"),
        ({"hashrate_th_s": 2e9}, "hashrate_th_s"),
    ],
)
def test_bad_inputs(kw: dict[str, float], field: str) -> None:
    args = {"hashrate_th_s": 100.0, "network_hashrate_eh_s": 1_000.0, "reward_btc": R} | kw
    with pytest.raises(InputError, match=field):
        solo_odds(**args)
