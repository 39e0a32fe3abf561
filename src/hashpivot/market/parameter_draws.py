"""Parameter uncertainty of the hashrate model: one draw of the fitted parameters per path.

The error-correction model's ``alpha``, equilibrium hashprice and hashcost trend are OLS
estimates with standard errors (:mod:`hashpivot.market.fit_network`); a forecast that treats
them as known understates its spread (the predictive distribution integrates over the
parameters' sampling distribution: Chatfield (1993), "Calculating interval forecasts",
J. Bus. Econ. Stat. 11(2)). Each path draws once, independently:

- ``alpha ~ N(alpha_hat, se_alpha^2)`` truncated to ``[0, 1]`` (inverse-CDF sampling);
- ``log(equilibrium) ~ N(log eq_hat, se_log_eq^2)`` (lognormal level);
- hashcost trend ``~ N(e_hat + d, se_trend^2)``.

The uniforms and normals come from a stream of their own: the generator's SeedSequence
extended by :data:`PARAMETER_STREAM` (as the power-gap rent draw does), so the market's shocks
are the same with or without the draws, and a block of paths seeded by its own SeedSequence
draws the same parameters wherever it runs (local or Dask, any batching). A generator gives the
same parameter draws on every call: callers that split paths over calls seed each call anew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from hashpivot.errors import InputError
from hashpivot.market.hashrate_process import HashrateParams
from hashpivot.types import FloatArray

PARAMETER_STREAM = 0x9A4A  # the parameter draws' key under a generator's seed: a stream of its own


@dataclass(frozen=True, slots=True)
class HashrateDraws:
    """Per-path hashrate parameters ``(paths,)``.

    gap_speed_per_month : ``alpha`` [1/month]
    log_equilibrium_shift : drawn minus fitted ``log(equilibrium hashprice)`` [-]
    trend_shift_per_year : drawn minus fitted hashcost trend [1/yr]
    """

    gap_speed_per_month: FloatArray
    log_equilibrium_shift: FloatArray
    trend_shift_per_year: FloatArray

    def rows(self, first: int, last: int) -> HashrateDraws:
        """Paths ``first..last - 1``."""
        return HashrateDraws(
            self.gap_speed_per_month[first:last],
            self.log_equilibrium_shift[first:last],
            self.trend_shift_per_year[first:last],
        )

    def log_equilibrium(self, base: FloatArray) -> FloatArray:
        """Per-path log equilibrium, month-major ``(months, paths)``, from the fitted one
        ``(months,)``: ``base_j + shift + trend_shift x j / 12``."""
        years = np.arange(base.shape[0]) / 12.0
        out = np.multiply.outer(years, self.trend_shift_per_year)
        out += self.log_equilibrium_shift
        out += base[:, None]
        return out


def parameter_rng(rng: np.random.Generator) -> np.random.Generator:
    """The parameter draws' generator: ``rng``'s SeedSequence extended by
    :data:`PARAMETER_STREAM` (``rng`` itself is neither advanced nor spawned from)."""
    ss = rng.bit_generator.seed_seq
    if not isinstance(ss, np.random.SeedSequence):
        raise InputError("rng", type(ss).__name__, "a generator seeded by a SeedSequence")
    return np.random.default_rng(
        np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, PARAMETER_STREAM))
    )


def truncated_normal(
    mean: float, std_error: float, low: float, high: float, uniforms: FloatArray
) -> FloatArray:
    """``N(mean, std_error^2)`` truncated to ``[low, high]`` by the inverse CDF:
    ``mean + se x Phi^-1(Phi(a) + u (Phi(b) - Phi(a)))``, ``a, b`` the standardised bounds."""
    if std_error == 0.0:
        return np.full(uniforms.shape, mean)
    lo, hi = special.ndtr((low - mean) / std_error), special.ndtr((high - mean) / std_error)
    x = mean + std_error * special.ndtri(lo + uniforms * (hi - lo))
    return np.asarray(np.clip(x, low, high), dtype=np.float64)


def draw_hashrate_parameters(
    h: HashrateParams, paths: int, rng: np.random.Generator
) -> HashrateDraws | None:
    """One draw of ``alpha``, the equilibrium level and the trend per path (None when ``h``
    has no standard errors): one uniform then two normals per path, from
    :func:`parameter_rng`."""
    if not h.has_parameter_uncertainty:
        return None
    g = parameter_rng(rng)
    u = g.random(paths)
    z = g.standard_normal((2, paths))
    se_a, se_eq, se_trend = h.parameter_std_errors
    alpha = truncated_normal(h.gap_speed_per_month, se_a, 0.0, 1.0, u)
    return HashrateDraws(alpha, se_eq * z[0], se_trend * z[1])
