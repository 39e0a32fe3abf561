"""Regression helpers of the market fits: an estimate with its standard error, OLS with classical
errors, the delta method, and the inverse observed information of an MLE."""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hashpivot.errors import InputError
from hashpivot.market.processes import (
    MONTHS_PER_YEAR,
)
from hashpivot.types import FloatArray

SQRT12 = math.sqrt(MONTHS_PER_YEAR)


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """A fitted value and its standard error (same unit)."""

    value: float
    std_error: float

    def __str__(self) -> str:
        return f"{self.value:.4g} ± {self.std_error:.2g}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OlsResult:
    """Ordinary least squares ``y = X b + e``: coefficients, covariance, residuals."""

    coef: FloatArray
    cov: FloatArray
    residuals: FloatArray
    sigma: float
    r_squared: float
    n: int


def ols(y: FloatArray, x: FloatArray) -> OlsResult:
    """OLS with classical standard errors: ``b = (X'X)^-1 X'y``, ``cov = s^2 (X'X)^-1``,
    ``s^2 = e'e / (n - p)``."""
    n, p = x.shape
    if n <= p:
        raise InputError("observations", n, f"more than {p} observations")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    e = y - x @ coef
    s2 = float(e @ e) / (n - p)
    cov = s2 * np.linalg.inv(x.T @ x)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(e @ e) / tss if tss > 0 else 0.0
    return OlsResult(
        coef=np.asarray(coef, dtype=np.float64),
        cov=cov,
        residuals=e,
        sigma=math.sqrt(s2),
        r_squared=r2,
        n=n,
    )


def _delta_se(grad: FloatArray, cov: FloatArray) -> float:
    """Delta-method standard error ``sqrt(g' C g)``."""
    return math.sqrt(max(float(grad @ cov @ grad), 0.0))


def _hessian(
    f: Callable[[FloatArray], float], theta: FloatArray, rel_step: float = 1e-4
) -> FloatArray:
    """Central finite-difference Hessian of a scalar function."""
    k = theta.size
    h = rel_step * np.maximum(np.abs(theta), 1.0)
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.zeros(k), np.zeros(k)
            ei[i], ej[j] = h[i], h[j]
            v = (
                f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej) + f(theta - ei - ej)
            ) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = v
    return out


def _mle_cov(nll: Callable[[FloatArray], float], theta: FloatArray) -> FloatArray:
    """Inverse observed information at the MLE (NaN where the Hessian is singular)."""
    try:
        return np.asarray(np.linalg.inv(_hessian(nll, theta)), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.full((theta.size, theta.size), np.nan)
