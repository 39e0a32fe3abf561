"""Test references for Longstaff-Schwartz: risk-neutral GBM paths and the American put by LSM.

Not part of the library: they reproduce Longstaff & Schwartz (2001), table 1, with
:func:`hashpivot.engine.switching.longstaff_schwartz` (tests/engine/test_switching.py).
"""

from __future__ import annotations

import math

import numpy as np

from hashpivot.engine.switching import LsmResult, longstaff_schwartz
from hashpivot.errors import InputError
from hashpivot.types import FloatArray


def gbm_paths(
    spot: float,
    rate: float,
    vol: float,
    maturity_years: float,
    steps: int,
    paths: int,
    rng: np.random.Generator,
    *,
    antithetic: bool = True,
) -> FloatArray:
    """Risk-neutral GBM prices at ``steps`` equally spaced dates after 0, ``(paths, steps)``:
    ``S_k = S_0 exp((r - sigma^2/2) t_k + sigma W_{t_k})``; antithetic pairs if asked."""
    dt = maturity_years / steps
    half = paths // 2 if antithetic else paths
    z = rng.standard_normal((half, steps))
    if antithetic:
        z = np.concatenate([z, -z], axis=0)
        if z.shape[0] < paths:
            z = np.concatenate([z, rng.standard_normal((1, steps))], axis=0)
    inc = (rate - 0.5 * vol**2) * dt + vol * math.sqrt(dt) * z
    return np.asarray(spot * np.exp(np.cumsum(inc, axis=1)), dtype=np.float64)


def american_put_lsm(
    spot: float,
    strike: float,
    rate: float,
    vol: float,
    maturity_years: float,
    exercise_dates: int,
    paths: int,
    rng: np.random.Generator,
    *,
    degree: int = 3,
) -> LsmResult:
    """American put by LSM on ``exercise_dates`` equally spaced dates in ``(0, T]`` (Longstaff &
    Schwartz 2001, table 1: S=36, K=40, r=6%, sigma=0.2, T=1, 50 dates -> 4.472 (s.e. 0.010);
    finite differences 4.478). Basis: polynomials of S/K up to ``degree`` (3, like the
    paper's constant + 3 Laguerre terms), in-the-money paths only."""
    for name, v in (
        ("spot", spot),
        ("strike", strike),
        ("vol", vol),
        ("maturity_years", maturity_years),
    ):
        if not v > 0:
            raise InputError(name, v, "a number > 0")
    s = gbm_paths(spot, rate, vol, maturity_years, exercise_dates, paths, rng)
    ev = np.maximum(strike - s, 0.0)
    t = maturity_years * np.arange(1, exercise_dates + 1) / exercise_dates
    return longstaff_schwartz(ev, None, np.exp(-rate * t), s / strike, degree=degree, itm_only=True)
