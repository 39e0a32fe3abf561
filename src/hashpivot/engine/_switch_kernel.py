"""Compiled kernel of the switch-at-every-month arithmetic (numba): one pass per path.

Same formulas as the numpy code in :func:`hashpivot.engine.strategies.evaluate_batch` (which
documents them and runs them where numba is missing); ``tests/engine/test_switch_kernel.py``
checks the two agree.
"""

from __future__ import annotations

from typing import Any

from numba import njit


@njit(cache=True, nogil=True)  # type: ignore[misc]
def switch_block(
    mine_net: Any,  # (n, H) mining net cash flow per month [USD]
    disc: Any,  # (p, H + 1) (1 + r_m)^-t at the site's rate, p in {1, n}
    r_m: Any,  # (p,) monthly site rate
    part_fixed: Any,  # (q, H + 1) lease value at m of each template part, q in {1, n}
    part_capex: Any,
    part_fleet: Any,
    part_rent: Any,
    cap: Any,  # (c,) conversion capex multiplier, c in {1, n}
    fleet_mult: Any,  # (n, H + 1)
    rent_mult: Any,  # (n, H + 1)
    residual: Any,  # (n, H + 1) site value if sold at m [USD]
    share_last: float,  # share of the site still mining long after converting
    step_months: Any,  # int64 (s,) months after converting where the share steps down
    step_drops: Any,  # (s,) size of each step
    cum_mine: Any,  # out (n, H + 1)
    switch_npv: Any,  # out (n, H + 1)
    exercise: Any,  # out (n, H)
    cont: Any,  # out (n, H)
) -> None:
    n, h = mine_net.shape
    for i in range(n):
        pd = min(i, disc.shape[0] - 1)
        pq = min(i, part_fixed.shape[0] - 1)
        pc = min(i, cap.shape[0] - 1)
        acc = 0.0
        cum_mine[i, 0] = 0.0
        for t in range(h):
            acc += mine_net[i, t] * disc[pd, t + 1]
            cum_mine[i, t + 1] = acc
            cont[i, t] = mine_net[i, t] / (1.0 + r_m[pd])
        cont[i, h - 1] += residual[i, h] / (1.0 + r_m[pd])
        top = cum_mine[i, h]
        for m in range(h + 1):
            c_m = cum_mine[i, m]
            if m == h:
                lv = residual[i, h]
            else:
                lv = (
                    part_fixed[pq, m]
                    + cap[pc] * part_capex[pq, m]
                    + fleet_mult[i, m] * part_fleet[pq, m]
                    + rent_mult[i, m] * part_rent[pq, m]
                )
            still = share_last * (top - c_m)
            for j in range(step_months.shape[0]):
                still += step_drops[j] * (cum_mine[i, min(m + step_months[j], h)] - c_m)
            switch_npv[i, m] = c_m + disc[pd, m] * lv + still
            if m < h:
                exercise[i, m] = lv + still / disc[pd, m]
