"""A synthetic hourly price model: calibrated on a price history, drawn per path.

price(t) = clip(level[month, hour] + e(t), floor, cap), with e a Gaussian-copula AR(1) with
monthly empirical residual marginals and a generalized Pareto upper tail (Hosking & Wallis
1987). Prices [USD/MWh], UTC calendar; randomness only from the caller's generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.errors import DataError, InputError
from hashpivot.power.prices import (
    ERCOT_OFFER_CAP_USD_PER_MWH,
    DatetimeArray,
    PriceSeries,
    calendar_index,
    to_hourly,
)
from hashpivot.types import FloatArray

__all__ = ["PriceModel", "fit_price_model", "simulate_prices"]

#: probability grid of the stored residual quantiles: 0, 0.005, ..., 0.99 (199 points)
_BODY_PROB_HI = 0.99
_N_BODY = 199


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceModel:
    """A calibrated model of hourly prices (all prices USD/MWh, UTC calendar).

    price(t) = clip(level[m, h] + e(t), floor, cap), with m = month of year, h = hour of day,
    and e(t) = Q_m(Phi(z(t))), z an AR(1) standard normal process with lag-1 coefficient
    ``ar1_coef``: a Gaussian-copula AR(1) with monthly empirical marginals. Q_m is the
    empirical residual quantile of month m on ``quantile_probs`` (0 .. 0.99) and, above 0.99,
    a generalized Pareto tail (shape ``tail_shape``, scale ``tail_scale_usd_per_mwh``) fitted
    to the residual excesses by probability-weighted moments (Hosking & Wallis 1987).
    """

    level_usd_per_mwh: FloatArray  # (12, 24)
    quantile_probs: FloatArray  # (K,)
    residual_quantiles_usd_per_mwh: FloatArray  # (12, K)
    tail_shape: float
    tail_scale_usd_per_mwh: float
    ar1_coef: float
    floor_usd_per_mwh: float
    cap_usd_per_mwh: float
    fitted_on: str = ""


def _normal_scores(x: FloatArray) -> FloatArray:
    from scipy.special import ndtri

    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable").astype(np.float64) + 1.0
    return np.asarray(ndtri(ranks / (x.size + 1.0)), dtype=np.float64)


def _gpd_pwm(excess: FloatArray) -> tuple[float, float]:
    """Generalized Pareto shape xi and scale sigma by probability-weighted moments.

    Hosking & Wallis (1987), Technometrics 29(3): a0 = mean(y), a1 = mean((1 - p_i) y_(i)),
    p_i = (i - 0.35)/n; k = a0/(a0 - 2 a1) - 2, sigma = 2 a0 a1/(a0 - 2 a1); xi = -k.
    The shape is clipped to [0, 0.9] (a heavy but finite-mean tail).
    """
    y = np.sort(excess)
    n = y.size
    p = (np.arange(1, n + 1) - 0.35) / n
    a0 = float(y.mean())
    a1 = float(((1.0 - p) * y).mean())
    denom = a0 - 2.0 * a1
    if denom <= 0 or a0 <= 0:
        return 0.0, max(a0, 1e-6)
    xi = float(np.clip(2.0 - a0 / denom, 0.0, 0.9))
    sigma = 2.0 * a0 * a1 / denom
    return xi, max(sigma, 1e-6)


def fit_price_model(
    series: PriceSeries, *, cap_usd_per_mwh: float = ERCOT_OFFER_CAP_USD_PER_MWH
) -> PriceModel:
    """Fit :class:`PriceModel` to an hourly (or sub-hourly, averaged to hourly) history.

    Needs at least 3 prices in every (month, hour) cell, i.e. about a year of data. The
    floor is the lowest observed price; the cap defaults to ERCOT's $5,000/MWh offer cap.
    """
    hourly = to_hourly(series)
    p = hourly.price_usd_per_mwh
    ts = hourly.interval_start_utc
    moy, hod = calendar_index(ts)
    cell = moy * 24 + hod
    counts = np.bincount(cell, minlength=288)
    if counts.min() < 3:
        raise DataError(
            f"{series.location} {series.market}: {int((counts < 3).sum())} (month, hour) cells "
            "have fewer than 3 prices; the synthetic model needs about a year of hourly data",
            source=series.source or None,
        )
    level = np.empty(288)
    order = np.argsort(cell, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sorted_p = p[order]
    for c in range(288):  # 288 cells, not paths: a fit, not a hot loop
        level[c] = np.median(sorted_p[starts[c] : starts[c] + counts[c]])
    resid = p - level[cell]
    probs = np.linspace(0.0, _BODY_PROB_HI, _N_BODY)
    quant = np.empty((12, _N_BODY))
    for m in range(12):
        quant[m] = np.quantile(resid[moy == m], probs)
    # excesses over each month's 99th percentile, pooled
    excess = resid - quant[moy, -1]
    excess = excess[excess > 0]
    xi, sigma = _gpd_pwm(excess) if excess.size >= 10 else (0.0, 1.0)
    # AR(1) of the normal scores on consecutive hours
    z = _normal_scores(resid)
    consecutive = np.diff(ts) == np.timedelta64(3600, "s")
    if consecutive.sum() < 24:
        raise DataError("too few consecutive hours to fit price persistence")
    a, b = z[:-1][consecutive], z[1:][consecutive]
    phi = float(np.clip(np.corrcoef(a, b)[0, 1], 0.0, 0.999))
    return PriceModel(
        level_usd_per_mwh=level.reshape(12, 24),
        quantile_probs=probs,
        residual_quantiles_usd_per_mwh=quant,
        tail_shape=xi,
        tail_scale_usd_per_mwh=float(sigma),
        ar1_coef=phi,
        floor_usd_per_mwh=float(p.min()),
        cap_usd_per_mwh=float(cap_usd_per_mwh),
        fitted_on=f"{series.location} {series.market} {ts[0]}Z..{ts[-1]}Z ({p.size} h)",
    )


def _ar1_normals(
    phi: float, paths: int, hours: int, rng: np.random.Generator, z0: FloatArray | None
) -> FloatArray:
    from scipy.signal import lfilter

    eps = rng.standard_normal((paths, hours))
    start = eps[:, 0] if z0 is None else phi * z0 + np.sqrt(1.0 - phi * phi) * eps[:, 0]
    out = np.empty((paths, hours))
    out[:, 0] = start
    if hours > 1:
        zi = (phi * start)[:, None]
        out[:, 1:] = lfilter([np.sqrt(1.0 - phi * phi)], [1.0, -phi], eps[:, 1:], axis=1, zi=zi)[0]
    return out


def simulate_prices(
    model: PriceModel,
    interval_start_utc: DatetimeArray,
    *,
    paths: int,
    rng: np.random.Generator,
    z0: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Draw hourly price paths [USD/MWh], shape ``(paths, hours)``, for the given hour starts.

    Returns ``(prices, z_last)``; pass ``z_last`` as ``z0`` to continue the AR(1) state in the
    next chunk (e.g. month by month) so that chunked and whole draws have one distribution.
    Randomness only from ``rng``.
    """
    from scipy.special import ndtr

    if paths < 1:
        raise InputError("paths", paths, "a whole number >= 1")
    moy, hod = calendar_index(interval_start_utc)
    z = _ar1_normals(model.ar1_coef, paths, moy.size, rng, z0)
    u = ndtr(z)
    probs = model.quantile_probs
    q = model.residual_quantiles_usd_per_mwh
    e = np.empty_like(u)
    for m in np.unique(moy):  # at most 12 calendar months, never paths
        cols = moy == m
        e[:, cols] = np.interp(u[:, cols], probs, q[m])
    mcol = np.broadcast_to(moy[None, :], u.shape)
    tail = u > probs[-1]
    if tail.any():
        xi, sigma = model.tail_shape, model.tail_scale_usd_per_mwh
        ratio = (1.0 - probs[-1]) / np.maximum(1.0 - u[tail], 1e-300)
        excess = sigma * np.log(ratio) if xi < 1e-9 else sigma * (ratio**xi - 1.0) / xi
        e[tail] = q[mcol[tail], -1] + excess
    prices = model.level_usd_per_mwh[moy, hod][None, :] + e
    np.clip(prices, model.floor_usd_per_mwh, model.cap_usd_per_mwh, out=prices)
    return prices, z[:, -1].copy()
