"""The compiled chain kernel agrees with the numpy implementation of the same model."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.bitcoin.chain import (
    NetworkState,
    simulate_chain,
    simulate_chain_numpy,
)
from hashpivot.calendar import month_seconds


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    height=st.integers(0, 1_200_000),
    elapsed_frac=st.floats(0, 3),
    vol=st.floats(0, 0.3),
    growth=st.floats(-0.5, 2.0),
    months=st.integers(1, 40),
    first_elapsed_days=st.integers(0, 27),
)
def test_kernel_matches_numpy(
    seed: int,
    height: int,
    elapsed_frac: float,
    vol: float,
    growth: float,
    months: int,
    first_elapsed_days: int,
) -> None:
    rng = np.random.default_rng(seed)
    state = NetworkState(
        height=height,
        difficulty=149.3e12,
        epoch_elapsed_s=(height % 2016) * 600.0 * elapsed_frac,
        as_of=date(2026, 1, 1),
    )
    t = np.arange(months) / 12.0
    hr = 1069.0 * (1 + growth) ** t * np.exp(np.cumsum(rng.normal(0, vol, (7, months)), axis=1))
    sec = month_seconds(date(2026, 1, 1), months)
    a = simulate_chain(state, hr, sec, first_month_elapsed_s=first_elapsed_days * 86_400.0)
    b = simulate_chain_numpy(state, hr, sec, first_month_elapsed_s=first_elapsed_days * 86_400.0)
    for name in ("blocks", "subsidy_btc", "height_end", "difficulty_mean", "difficulty_end"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-9, err_msg=name)
