"""Compiled recursions of the market processes (numba): one pass per path over the months,
writing the ``(paths, months)`` outputs directly.

The formulas are those of :mod:`hashpivot.market.processes` (``log_price_paths``,
``mean_reverting_paths``, ``hashrate_ecm_paths``); ``tests/market/test_kernel.py`` checks the two
agree. The random shocks are drawn by numpy beforehand, so the random stream is unchanged.

Paths run in tiles of :data:`TILE`, months outer and the tile's paths inner, so each month's
arithmetic is a loop over independent paths that the compiler vectorises; the six levels are
exponentiated by :func:`exp_tile`, a vectorisable ``exp`` (Cody-Waite reduction by ln 2 and a
degree-12 Taylor polynomial: within 2 ulp of libm's; ``tests/market/test_kernel.py`` checks it
against ``numpy.exp``), as libm's scalar ``exp`` would cost as much as drawing the shocks.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numba import njit

TILE = 64  # paths per tile: the tile's state and 6 output cache lines per path stay in L1

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # ln 2 split so that k x _LN2_HI is exact for |k| < 2^20
_LN2_LO = 1.90821492927058770002e-10
_ROUND = 6755399441055744.0  # 1.5 x 2^52: x + _ROUND rounds x to an integer in the low bits
_ROUND_BITS = int(np.array([_ROUND]).view(np.int64)[0])
_INV_FACT = tuple(1.0 / math.factorial(k) for k in range(13))
(_C0, _C1, _C2, _C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12) = _INV_FACT


class MarketKernelParams(NamedTuple):
    """Scalars of :func:`market_block`: start levels and monthly process coefficients (the
    processes of :mod:`hashpivot.market.processes`; volatilities per month = per year /
    sqrt(12)). A named tuple of floats: numba passes it as a struct, fields by name."""

    log_btc0: float  #: log BTC price at month 0 [log USD]
    btc_drift_per_month: float  #: log drift [1/month]
    btc_vol_per_month: float  #: [1/sqrt(month)]
    logit_fee0: float  #: logit of the fee share at month 0 [-]
    fee_persistence_per_month: float  #: AR(1) coefficient of the logit fee share [-]
    fee_vol_per_month: float
    log_hashrate0: float  #: log network hashrate at month 0 [log EH/s]
    gap_speed_per_month: float  #: error-correction speed towards the equilibrium hashprice
    hashprice_change_response: float  #: momentum on last month's log hashprice change
    hashrate_vol_per_month: float
    hashprice_log_change_prev_month: float  #: log hashprice change in the month before 0
    log_rent0: float  #: log rent at month 0 [log USD/kW-month]
    rent_persistence_per_month: float
    rent_vol_per_month: float
    log_gpu0: float  #: log GPU rate at month 0 [log USD/GPU-hour]
    gpu_persistence_per_month: float
    gpu_vol_per_month: float
    log_power0: float  #: log power price at month 0 [log USD/MWh]
    power_persistence_per_month: float
    power_vol_per_month: float
    btc_price_usd: float  #: month-0 levels, written exactly (exp(log x) may differ in a bit)
    network_hashrate_eh_s: float
    rent_usd_per_kw_month: float
    gpu_rate_usd_per_gpu_hour: float
    power_price_usd_per_mwh: float


@njit(cache=True, nogil=True, inline="always")  # type: ignore[misc]
def _log1pexp(x: float) -> float:
    """``log(1 + e^x)`` without overflow (numpy's ``logaddexp(0, x)``)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@njit(cache=True, nogil=True)  # type: ignore[misc]
def exp_tile(x: Any, out: Any, bits: Any) -> None:
    """``out[:n] = exp(x[:n])`` for ``x`` clipped to [-708, 709] (no overflow, no subnormals:
    exp(710) gives 8.2e307, not inf; the market levels stay far inside this range).

    ``exp(x) = 2^k exp(r)``, ``k = round(x / ln 2)``, ``r = x - k ln 2`` in [-0.347, 0.347]
    (Cody & Waite 1980), ``exp(r)`` by its Taylor series to ``r^12 / 12!`` (truncation
    < 2e-16 relative), ``2^k`` built in the exponent bits; ``bits`` is an int64 scratch array of
    ``x``'s size. No branches or calls, so the loops vectorise.
    """
    n = x.shape[0]
    two_k = bits.view(np.float64)
    for i in range(n):
        xi = min(max(x[i], -708.0), 709.0)
        t = xi * _LOG2E + _ROUND
        k = t - _ROUND
        r = (xi - k * _LN2_HI) - k * _LN2_LO
        p = _C12 * r + _C11
        p = p * r + _C10
        p = p * r + _C9
        p = p * r + _C8
        p = p * r + _C7
        p = p * r + _C6
        p = p * r + _C5
        p = p * r + _C4
        p = p * r + _C3
        p = p * r + _C2
        p = p * r + _C1
        out[i] = p * r + _C0
        two_k[i] = t
    for i in range(n):
        bits[i] = (bits[i] - _ROUND_BITS + 1023) << 52
    for i in range(n):
        out[i] *= two_k[i]


@njit(cache=True, nogil=True)  # type: ignore[misc]
def market_block(
    z: Any,  # (k >= 1, steps, paths) correlated unit shocks; row of each factor in `rows`
    rows: Any,  # int64[6]: btc, hashrate, fee, rent, gpu, power (-1: no shocks)
    price_extra: Any,  # (steps, paths) extra log-price increments, or (0, 0)
    p: Any,  # MarketKernelParams
    fee_mean: Any,  # (months,) logit long-run fee share
    eq_hashprice: Any,  # (months,) log equilibrium hashprice
    log_rev_scale: Any,  # (months,) log(144 / 1000 x subsidy)
    rent_mean: Any,
    gpu_mean: Any,
    power_mean: Any,
    subsidy: Any,  # (months,) BTC per block
    out_btc: Any,
    out_hr: Any,
    out_fees: Any,
    out_rent: Any,
    out_gpu: Any,
    out_power: Any,
    row0: int,
) -> None:
    steps = z.shape[1]
    n = z.shape[2]
    lp0, mu, s_btc = p.log_btc0, p.btc_drift_per_month, p.btc_vol_per_month
    lf0, phi_f, s_f = p.logit_fee0, p.fee_persistence_per_month, p.fee_vol_per_month
    lh0, s_h, dprev = p.log_hashrate0, p.hashrate_vol_per_month, p.hashprice_log_change_prev_month
    a, b = p.gap_speed_per_month, p.hashprice_change_response
    lr0, phi_r, s_r = p.log_rent0, p.rent_persistence_per_month, p.rent_vol_per_month
    lg0, phi_g, s_g = p.log_gpu0, p.gpu_persistence_per_month, p.gpu_vol_per_month
    lw0, phi_w, s_w = p.log_power0, p.power_persistence_per_month, p.power_vol_per_month
    btc0, hr0, rent0 = p.btc_price_usd, p.network_hashrate_eh_s, p.rent_usd_per_kw_month
    gpu0, power0 = p.gpu_rate_usd_per_gpu_hour, p.power_price_usd_per_mwh
    has_extra = price_extra.shape[0] > 0
    # tile state: log levels (rows btc, hashrate, fee logit, rent, gpu, power), their exps,
    # the previous month's log hashprice, and a zero row for factors without shocks
    logs = np.empty((6, TILE))
    levels = np.empty((6, TILE))
    flat_logs = logs.reshape(6 * TILE)
    flat_levels = levels.reshape(6 * TILE)
    bits = np.empty(6 * TILE, dtype=np.int64)
    x_prev = np.empty(TILE)
    soft = np.empty(TILE)
    zero = np.zeros(TILE)
    ef0 = math.exp(lf0)
    x0 = _log1pexp(lf0) + lp0 + log_rev_scale[0] - lh0 - dprev
    for t0 in range(0, n, TILE):
        m = min(TILE, n - t0)
        for i in range(m):
            q = row0 + t0 + i
            logs[0, i], logs[1, i], logs[2, i] = lp0, lh0, lf0
            logs[3, i], logs[4, i], logs[5, i] = lr0, lg0, lw0
            levels[2, i] = ef0
            x_prev[i] = x0
            out_btc[q, 0] = btc0
            out_hr[q, 0] = hr0
            out_fees[q, 0] = ef0 * subsidy[0]
            out_rent[q, 0] = rent0
            out_gpu[q, 0] = gpu0
            out_power[q, 0] = power0
        lp, lh, lf = logs[0], logs[1], logs[2]
        lr, lg, lw = logs[3], logs[4], logs[5]
        for j in range(steps):
            e_b = z[rows[0], j, t0 : t0 + m] if rows[0] >= 0 else zero
            e_h = z[rows[1], j, t0 : t0 + m] if rows[1] >= 0 else zero
            e_f = z[rows[2], j, t0 : t0 + m] if rows[2] >= 0 else zero
            e_r = z[rows[3], j, t0 : t0 + m] if rows[3] >= 0 else zero
            e_g = z[rows[4], j, t0 : t0 + m] if rows[4] >= 0 else zero
            e_w = z[rows[5], j, t0 : t0 + m] if rows[5] >= 0 else zero
            # log(1 + e^lf) from last month's e^lf (the logit's own form where it is large)
            for i in range(m):
                v = lf[i]
                soft[i] = math.log1p(levels[2, i]) if v < 30.0 else _log1pexp(v)
            c_f = (1.0 - phi_f) * fee_mean[j]
            c_r = (1.0 - phi_r) * rent_mean[j]
            c_g = (1.0 - phi_g) * gpu_mean[j]
            c_w = (1.0 - phi_w) * power_mean[j]
            lrs, eqh = log_rev_scale[j], eq_hashprice[j]
            for i in range(m):
                # hashrate responds to this month's hashprice (error correction + momentum)
                x = soft[i] + lp[i] + lrs - lh[i]
                lh[i] = s_h * e_h[i] + ((a * (x - eqh) + b * (x - x_prev[i])) + lh[i])
                x_prev[i] = x
                lf[i] = (s_f * e_f[i] + c_f) + phi_f * lf[i]
                lr[i] = (s_r * e_r[i] + c_r) + phi_r * lr[i]
                lg[i] = (s_g * e_g[i] + c_g) + phi_g * lg[i]
                lw[i] = (s_w * e_w[i] + c_w) + phi_w * lw[i]
            if has_extra:
                for i in range(m):
                    lp[i] = lp[i] + ((s_btc * e_b[i] + mu) + price_extra[j, t0 + i])
            else:
                for i in range(m):
                    lp[i] = lp[i] + (s_btc * e_b[i] + mu)
            exp_tile(flat_logs, flat_levels, bits)
            sub = subsidy[j + 1]
            for i in range(m):
                q = row0 + t0 + i
                out_btc[q, j + 1] = levels[0, i]
                out_hr[q, j + 1] = levels[1, i]
                out_fees[q, j + 1] = levels[2, i] * sub
                out_rent[q, j + 1] = levels[3, i]
                out_gpu[q, j + 1] = levels[4, i]
                out_power[q, j + 1] = levels[5, i]
