"""The compiled market recursions agree with the numpy reference (same draws, same formulas)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hashpivot.market.processes import PriceTails
from hashpivot.market.scenarios import DEFAULT_PARAMS, MarketScenarios, StartState, simulate


@pytest.mark.parametrize("tails", [PriceTails.NORMAL, PriceTails.STUDENT_T, PriceTails.MERTON])
@pytest.mark.parametrize("zero_vol", [False, True])
def test_compiled_equals_numpy(tails: PriceTails, zero_vol: bool) -> None:
    btc = replace(
        DEFAULT_PARAMS.btc,
        tails=tails,
        student_t_df=4.0,
        jump_intensity_per_year=1.0,
        jump_mean_log=-0.1,
        jump_vol_log=0.2,
    )
    params = replace(DEFAULT_PARAMS, btc=btc)
    if zero_vol:
        params = params.with_zero_volatility()
    start = StartState.late_2025()
    a = simulate(params, start, 61, 3000, np.random.default_rng(5), compiled=True)
    b = simulate(params, start, 61, 3000, np.random.default_rng(5), compiled=False)
    for name in MarketScenarios.ARRAYS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-11, err_msg=name)


def test_exp_tile_within_two_ulp_of_numpy() -> None:
    """The kernel's vectorisable exp against libm's (numpy) over the range the levels use and
    beyond, multiples of ln 2 (where the reduction is exact) included: relative error <= 4.5e-16
    (2 ulp)."""
    from hashpivot.market._kernel import exp_tile

    rng = np.random.default_rng(11)
    x = np.concatenate(
        [
            rng.uniform(-50.0, 50.0, 20_000),
            rng.uniform(-700.0, 700.0, 20_000),
            np.array([0.0, 1.0, -1.0, 1e-300, -1e-300, 0.5 * np.log(2.0)]),
            np.arange(-100, 101) * np.log(2.0),
        ]
    )
    out = np.empty_like(x)
    exp_tile(x, out, np.empty(x.size, dtype=np.int64))
    rel = np.abs(out / np.exp(x) - 1.0)
    assert rel.max() <= 4.5e-16
    assert out[x == 0.0][0] == 1.0
    assert out[x.size - 101] == 1.0  # 0 x ln 2
