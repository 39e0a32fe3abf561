"""simulate_chain: block production follows the retarget rule, not 144 blocks a day."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hashpivot.bitcoin.chain import NetworkState, naive_chain, simulate_chain
from hashpivot.calendar import month_seconds
from hashpivot.errors import InputError

D0 = 100e12  # difficulty
IMPLIED_EH_S = D0 * 2**32 / 600 / 1e18  # the hashrate that finds a block every 600 s at D0
DAY_S = 86_400.0


def _aligned() -> NetworkState:
    h = 2016 * 447  # 901,152
    return NetworkState(height=h, difficulty=D0, epoch_elapsed_s=0.0, as_of=date(2025, 1, 1))


def test_implied_hashrate_gives_144_blocks_a_day_and_no_change() -> None:
    seconds = np.full(6, 30 * DAY_S)
    path = simulate_chain(_aligned(), np.full((1, 6), IMPLIED_EH_S), seconds)
    np.testing.assert_allclose(path.blocks_per_day, 144.0, rtol=1e-9)
    np.testing.assert_allclose(path.difficulty_end, D0, rtol=1e-9)
    np.testing.assert_allclose(path.height_end[0, -1], 2016 * 447 + 6 * 30 * 144, rtol=1e-12)


def test_ten_percent_more_hashrate() -> None:
    # 10% more hashrate: blocks every 600/1.1 = 545.5 s, 158.4 a day, until the epoch ends after
    # 2016 x 545.45 s = 12.73 days; then the difficulty rises by 1,209,600 / 1,099,636 = 1.1.
    state = _aligned()
    seconds = np.array([10 * DAY_S, 10 * DAY_S])
    path = simulate_chain(state, np.full((1, 2), 1.1 * IMPLIED_EH_S), seconds)
    assert path.blocks[0, 0] == pytest.approx(10 * 144 * 1.1, rel=1e-9)  # 1,584 blocks
    assert path.difficulty_end[0, 0] == D0  # no retarget yet (1,584 < 2,016)
    assert path.difficulty_end[0, 1] == pytest.approx(1.1 * D0, rel=1e-9)
    # month 2: 432 blocks at 158.4/day (2.727 days), then 144/day for the remaining 7.273 days
    t1 = (2016 - 1584) / (1.1 * 144) * DAY_S
    expected = 432 + (10 * DAY_S - t1) / 600
    assert path.blocks[0, 1] == pytest.approx(expected, rel=1e-9)


def test_retarget_capped_at_four() -> None:
    path = simulate_chain(_aligned(), np.full((1, 1), 10 * IMPLIED_EH_S), np.array([5 * DAY_S]))
    # x10 hashrate finishes the epoch in 1.4 days; the difficulty rises only x4
    assert path.difficulty_end[0, 0] >= 4 * D0 * (1 - 1e-12)
    assert path.difficulty_end[0, 0] <= 16 * D0  # at most two capped retargets in 5 days


def _halving_day(path_height_end: np.ndarray, secs: np.ndarray) -> float:
    """Days from the start until height 1,050,000, interpolated within the month."""
    t_end = np.cumsum(secs)
    i = int(np.argmax(path_height_end >= 1_050_000))
    h0, t0 = path_height_end[i - 1], t_end[i - 1]
    return float((t0 + (1_050_000 - h0) / (path_height_end[i] - h0) * secs[i]) / DAY_S)


def test_halving_arrives_early_when_hashrate_grows() -> None:
    state = NetworkState(
        height=2016 * 459, difficulty=149.30e12, epoch_elapsed_s=0.0, as_of=date(2025, 11, 27)
    )
    months = 36
    secs = month_seconds(date(2025, 12, 1), months)
    implied = 149.30e12 * 2**32 / 600 / 1e18
    growth = implied * (1.25 ** (np.arange(months) / 12.0))  # +25%/yr, stepped monthly
    grow = simulate_chain(state, growth[None, :], secs)
    flat = simulate_chain(state, np.full((1, months), implied), secs)
    # flat: (1,050,000 - 925,344) blocks x 600 s = 865.67 days, as 600 s blocks imply
    assert _halving_day(flat.height_end[0], secs) == pytest.approx(124_656 * 600 / DAY_S)
    # growing: difficulty lags hashrate by up to an epoch, so blocks come faster; ~7 days early
    assert _halving_day(grow.height_end[0], secs) < 124_656 * 600 / DAY_S - 5
    assert grow.blocks_per_day.mean() > 144.0
    # the month after the halving month mints 1.5625 BTC per block
    after = int(np.argmax(grow.height_end[0] >= 1_050_000)) + 1
    assert grow.subsidy_btc[0, after] / grow.blocks[0, after] == pytest.approx(1.5625)


def test_naive_chain_is_144_a_day() -> None:
    secs = np.array([30 * DAY_S])
    path = naive_chain(_aligned(), np.full((1, 1), 2 * IMPLIED_EH_S), secs)
    assert path.blocks[0, 0] == pytest.approx(30 * 144)


def test_bad_inputs() -> None:
    with pytest.raises(InputError):
        simulate_chain(_aligned(), np.full((1, 2), IMPLIED_EH_S), np.array([DAY_S]))
    with pytest.raises(InputError):
        simulate_chain(_aligned(), np.array([[0.0]]), np.array([DAY_S]))
