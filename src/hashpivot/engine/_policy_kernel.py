"""Compiled application of a fitted Longstaff-Schwartz policy (numba): one pass per path.

Same rule as :func:`hashpivot.engine.switching.apply_policy` (the numpy reference, which the
tests compare it with): exercise at the first date where the policy says so, value the path's
continuation cash flows until then and its exercise value at that date.
"""

from __future__ import annotations

import math
from typing import Any

from numba import njit


@njit(cache=True, nogil=True)  # type: ignore[misc]
def apply_policy_kernel(
    ev: Any,  # (n, dates) exercise values, date money
    cf: Any,  # (n, dates) continuation cash flows, date money
    df: Any,  # (dates,) discount factors to time 0
    x: Any,  # (n, dates, k) state
    coef: Any,  # (dates, features) NaN where no regression
    center: Any,  # (dates, k)
    scale: Any,  # (dates, k)
    powers: Any,  # int64 (features, k) exponents of each monomial
    difference: bool,
    itm_only: bool,
    pv_out: Any,  # out (n,)
    stop_out: Any,  # out int64 (n,)
) -> None:
    n, dates = ev.shape
    nf, k = powers.shape
    z = [0.0] * k
    for i in range(n):
        stop = dates
        for d in range(dates):
            last = d == dates - 1
            e = ev[i, d]
            if last and not difference:
                go = e > cf[i, d]
            elif math.isnan(coef[d, 0]):
                go = False
            else:
                for j in range(k):
                    z[j] = (x[i, d, j] - center[d, j]) / scale[d, j]
                fitted = 0.0
                for f in range(nf):
                    term = coef[d, f]
                    for j in range(k):
                        p = powers[f, j]
                        for _ in range(p):
                            term *= z[j]
                    fitted += term
                go = fitted < 0.0 if difference else e > fitted
            if itm_only and e <= 0.0:
                go = False
            if go:
                stop = d
                break
        pv = 0.0
        for t in range(min(stop, dates)):
            pv += cf[i, t] * df[t]
        if stop < dates:
            pv += ev[i, stop] * df[stop]
        pv_out[i] = pv
        stop_out[i] = stop
