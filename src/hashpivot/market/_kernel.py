"""Compiled recursions of the market processes (numba): one pass per path over the months,
writing the ``(paths, months)`` outputs directly.

The formulas are those of :mod:`hashpivot.market.processes` (``log_price_paths``,
``mean_reverting_paths``, ``hashrate_ecm_paths``); ``tests/market/test_kernel.py`` checks the two
agree. The random shocks are drawn by numpy beforehand, so the random stream is unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from numba import njit


@njit(cache=True, nogil=True, inline="always")  # type: ignore[misc]
def _log1pexp(x: float) -> float:
    """``log(1 + e^x)`` without overflow (numpy's ``logaddexp(0, x)``)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@njit(cache=True, nogil=True)  # type: ignore[misc]
def market_block(
    z: Any,  # (k >= 1, steps, paths) correlated unit shocks; row of each factor in `rows`
    rows: Any,  # int64[6]: btc, hashrate, fee, rent, gpu, power (-1: no shocks)
    price_extra: Any,  # (steps, paths) extra log-price increments, or (0, 0)
    p: Any,  # float64 parameters, see scenarios._simulate_block_compiled
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
    (
        lp0,
        mu,
        s_btc,
        lf0,
        phi_f,
        s_f,
        lh0,
        a,
        b,
        s_h,
        dprev,
        lr0,
        phi_r,
        s_r,
        lg0,
        phi_g,
        s_g,
        lw0,
        phi_w,
        s_w,
    ) = (
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        p[6],
        p[7],
        p[8],
        p[9],
        p[10],
        p[11],
        p[12],
        p[13],
        p[14],
        p[15],
        p[16],
        p[17],
        p[18],
        p[19],
    )
    btc0, hr0, rent0, gpu0, power0 = p[20], p[21], p[22], p[23], p[24]
    has_extra = price_extra.shape[0] > 0
    for i in range(n):
        q = row0 + i
        lp, lf, lh, lr, lg, lw = lp0, lf0, lh0, lr0, lg0, lw0
        out_btc[q, 0] = btc0
        out_hr[q, 0] = hr0
        out_fees[q, 0] = math.exp(lf) * subsidy[0]
        out_rent[q, 0] = rent0
        out_gpu[q, 0] = gpu0
        out_power[q, 0] = power0
        x_prev = _log1pexp(lf) + lp + log_rev_scale[0] - lh - dprev
        for j in range(steps):
            e_b = z[rows[0], j, i] if rows[0] >= 0 else 0.0
            e_h = z[rows[1], j, i] if rows[1] >= 0 else 0.0
            e_f = z[rows[2], j, i] if rows[2] >= 0 else 0.0
            e_r = z[rows[3], j, i] if rows[3] >= 0 else 0.0
            e_g = z[rows[4], j, i] if rows[4] >= 0 else 0.0
            e_w = z[rows[5], j, i] if rows[5] >= 0 else 0.0
            # hashrate responds to this month's hashprice (error correction + momentum)
            x = _log1pexp(lf) + lp + log_rev_scale[j] - lh
            lh = s_h * e_h + ((a * (x - eq_hashprice[j]) + b * (x - x_prev)) + lh)
            x_prev = x
            inc = s_btc * e_b + mu
            if has_extra:
                inc += price_extra[j, i]
            lp = lp + inc
            lf = (s_f * e_f + (1.0 - phi_f) * fee_mean[j]) + phi_f * lf
            lr = (s_r * e_r + (1.0 - phi_r) * rent_mean[j]) + phi_r * lr
            lg = (s_g * e_g + (1.0 - phi_g) * gpu_mean[j]) + phi_g * lg
            lw = (s_w * e_w + (1.0 - phi_w) * power_mean[j]) + phi_w * lw
            out_btc[q, j + 1] = math.exp(lp)
            out_hr[q, j + 1] = math.exp(lh)
            out_fees[q, j + 1] = math.exp(lf) * subsidy[j + 1]
            out_rent[q, j + 1] = math.exp(lr)
            out_gpu[q, j + 1] = math.exp(lg)
            out_power[q, j + 1] = math.exp(lw)
