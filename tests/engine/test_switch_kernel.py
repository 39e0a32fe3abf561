"""The compiled switch kernel agrees with the numpy arithmetic it replaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case
from hashpivot.engine.strategies import Factors, evaluate_batch, prepare
from hashpivot.engine.strategies import lease as lease_module
from hashpivot.market.scenarios import simulate

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"


@pytest.mark.parametrize("per_path_rates", [False, True])
def test_kernel_equals_numpy(monkeypatch: pytest.MonkeyPatch, per_path_rates: bool) -> None:
    case = build_case(SITE, months=36)
    scen = simulate(
        case.market_params, case.start_state, case.market_months + 1, 300, np.random.default_rng(8)
    )
    rng = np.random.default_rng(9)
    f = Factors(
        discount_rate_per_year=rng.uniform(0.08, 0.16, 300) if per_path_rates else None,
        conversion_capex=rng.uniform(0.8, 1.3, 300) if per_path_rates else 1.0,
    )
    prepared = prepare(case)
    monkeypatch.setattr(lease_module, "USE_KERNELS", True)
    a = evaluate_batch(case, scen, prepared, f)
    monkeypatch.setattr(lease_module, "USE_KERNELS", False)
    b = evaluate_batch(case, scen, prepared, f)
    assert a.option is not None and b.option is not None
    for name in ("stop_npv_usd", "exercise_value_usd", "continuation_usd"):
        np.testing.assert_allclose(
            getattr(a.option, name), getattr(b.option, name), rtol=1e-10, atol=1e-3, err_msg=name
        )
    for k in a.npv_usd:
        np.testing.assert_allclose(a.npv_usd[k], b.npv_usd[k], rtol=1e-10, atol=1e-3)
