"""Tornado on a linear model (known swings) and Sobol indices of the Ishigami function."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from hashpivot.engine import sensitivity as sa
from hashpivot.errors import InputError


@dataclass(frozen=True, slots=True, kw_only=True)
class Inner:
    c: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    a: float
    b: float
    inner: Inner


def linear(p: Inputs) -> float:
    return 2.0 * p.a - 5.0 * p.b + 0.5 * p.inner.c


def test_tornado_on_a_linear_model() -> None:
    base = Inputs(a=1.0, b=1.0, inner=Inner(c=10.0))
    res = sa.tornado(
        linear,
        base,
        {
            "a": (0.0, 2.0),  # swing 2 x 2 = 4
            "b": sa.InputRange(low=0.9, high=1.1, source="test"),  # swing 5 x 0.2 = 1
            "inner.c": (0.0, 40.0),  # swing 0.5 x 40 = 20
        },
    )
    assert res.base_output == pytest.approx(2 - 5 + 5)
    assert res.order == ("inner.c", "a", "b")
    swings = [r.swing for r in res.rows]
    assert swings == pytest.approx([20.0, 4.0, 1.0])
    b_row = res.rows[2]
    assert (b_row.low_output, b_row.high_output) == pytest.approx((2 - 4.5 + 5, 2 - 5.5 + 5))


def test_tornado_on_mappings_and_bad_names() -> None:
    res = sa.tornado(
        lambda d: d["x"] ** 2 + d["y"], {"x": 1.0, "y": 0.0}, {"x": (-3, 2), "y": (0, 1)}
    )
    assert res.order == ("x", "y") and res.rows[0].swing == pytest.approx(5.0)
    with pytest.raises(InputError, match="one of"):
        sa.tornado(linear, Inputs(a=1, b=1, inner=Inner(c=1)), {"inner.d": (0, 1)})
    with pytest.raises(InputError, match="low <= high"):
        sa.tornado(linear, Inputs(a=1, b=1, inner=Inner(c=1)), {"a": (2, 1)})


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Analytic S1 and ST (Sobol & Levitan 1999; Saltelli et al. 2008, 4.11)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)  # = 8 b^2 pi^8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_closed_form() -> None:
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_sobol_indices_of_ishigami() -> None:
    bounds = {f"x{i}": (-math.pi, math.pi) for i in (1, 2, 3)}
    res = sa.sobol_indices(ishigami, bounds, n_base=4096, seed=3)
    s1, st = ishigami_indices()
    assert res.names == ("x1", "x2", "x3") and res.n_evaluations == 4096 * 5
    # within 1.5 bootstrap 95% half-widths (~3 sd) plus a small floor
    assert np.all(np.abs(res.first_order - s1) < 1.5 * res.first_order_conf + 0.01)
    assert np.all(np.abs(res.total - st) < 1.5 * res.total_conf + 0.01)
    assert np.argsort(res.total).tolist() == [2, 1, 0]
    assert set(res.as_dict()["x1"]) == {"S1", "S1_conf", "ST", "ST_conf"}


def test_sobol_checks_inputs() -> None:
    with pytest.raises(InputError, match="power of 2"):
        sa.sobol_indices(ishigami, {"x": (0, 1)}, n_base=1000)
    with pytest.raises(InputError, match="one value per sample"):
        sa.sobol_indices(lambda x: x, {"x": (0, 1), "y": (0, 1)}, n_base=8)
