"""Shocks of the market processes: correlated normals and the fat-tail mixers.

Randomness only from a passed-in ``numpy.random.Generator``. References: Merton (1976),
"Option pricing when underlying stock returns are discontinuous", J. Fin. Econ. 3.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.errors import InputError
from hashpivot.types import FloatArray


def cholesky_factor(correlation: ArrayLike) -> FloatArray:
    """Lower-triangular ``L`` with ``L L^T = correlation``; raises InputError if not a valid
    correlation matrix (square, symmetric, unit diagonal, positive definite)."""
    c = np.asarray(correlation, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise InputError("correlation", c.shape, "a square matrix")
    if not np.allclose(c, c.T, atol=1e-12) or not np.allclose(np.diag(c), 1.0):
        raise InputError("correlation", c.tolist(), "a symmetric matrix with unit diagonal")
    if np.any(np.abs(c) > 1):
        raise InputError("correlation", c.tolist(), "entries in [-1, 1]")
    try:
        return np.asarray(np.linalg.cholesky(c), dtype=np.float64)
    except np.linalg.LinAlgError:
        raise InputError("correlation", c.tolist(), "a positive definite matrix") from None


def correlated_normals(
    rng: np.random.Generator, cholesky: FloatArray, paths: int, steps: int
) -> FloatArray:
    """Correlated standard normal shocks, month-major shape ``(k, steps, paths)``: ``e = L z``.

    One block of ``k x paths x steps`` independent N(0, 1) draws is mixed in place, row by row
    from the last factor to the first (``e_i = sum_{j <= i} L_ij z_j`` only reads rows
    ``j <= i``, still unmixed), skipping zero entries of ``L``.
    """
    k = cholesky.shape[0]
    z = rng.standard_normal((k, steps, paths))
    for i in range(k - 1, -1, -1):
        if cholesky[i, i] != 1.0:
            z[i] *= cholesky[i, i]
        for j in range(i):
            if cholesky[i, j] != 0.0:
                z[i] += cholesky[i, j] * z[j]
    return z


def student_t_shocks(z: FloatArray, df: float, rng: np.random.Generator) -> FloatArray:
    """Turn N(0, 1) shocks into unit-variance Student-t shocks, in place.

    ``t = z sqrt((df - 2) / W)``, ``W ~ chi2(df)``: a Student-t with ``df`` degrees of freedom
    scaled by ``sqrt((df - 2) / df)`` so its variance is 1 [-]. Excess kurtosis ``6/(df - 4)``.
    The correlation with other factors shrinks by ``E[sqrt((df-2)/W)] < 1`` (documented).
    """
    w = rng.standard_gamma(df / 2.0, size=z.shape)
    w *= 2.0 / (df - 2.0)  # W (df - 2)^-1 with W = 2 Gamma(df/2)
    np.sqrt(w, out=w)
    z /= w
    return z


def merton_jump_increments(
    rng: np.random.Generator,
    shape: tuple[int, int],
    intensity_per_month: float,
    jump_mean_log: float,
    jump_vol_log: float,
) -> FloatArray:
    """Compensated compound-Poisson jump log-increments, mean zero, shape ``shape`` [-].

    ``J = sum_{i=1}^{N} Y_i - lambda mu_J``, ``N ~ Poisson(lambda)``, ``Y_i ~ N(mu_J, sigma_J^2)``;
    given N the sum is ``N(N mu_J, N sigma_J^2)``. Variance ``lambda (mu_J^2 + sigma_J^2)``.
    """
    n = rng.poisson(intensity_per_month, size=shape).astype(np.float64)
    out = rng.standard_normal(shape)
    out *= jump_vol_log * np.sqrt(n)
    out += (n - intensity_per_month) * jump_mean_log
    return out
