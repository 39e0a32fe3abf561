"""Reference for the compiled dispatch under run constraints: the interval-by-interval
recursion (a loop over intervals, numpy across paths) that ``hashpivot.power.dispatch`` ran
before :mod:`hashpivot.power._dispatch_kernel` replaced it. Used by the equality tests and by
``benchmarks/dispatch_bench.py`` (the "before" figure)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hashpivot.power.dispatch import RunConstraints, run_decision

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


def constrained_run_loop(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray,
    constraints: RunConstraints,
    forced_off: BoolArray | None = None,
) -> FloatArray:
    """Run share ``(paths, n)`` under min run/down and ramp limits, from the start state of
    ``hashpivot.power.dispatch`` (on, free to switch at once, full level). Prices ``(1 | paths,
    n)``, breakeven ``(1 | paths, 1 | n)``, forced-off ``(1 | paths, n)``."""
    p = np.atleast_2d(np.asarray(price_usd_per_mwh, dtype=np.float64))
    b = np.asarray(breakeven_usd_per_mwh, dtype=np.float64)
    paths = max(p.shape[0], b.shape[0], 1 if forced_off is None else forced_off.shape[0])
    n = p.shape[1]
    desired = np.broadcast_to(run_decision(p, b), (paths, n))
    forced = None if forced_off is None else np.broadcast_to(forced_off, (paths, n))
    c = constraints
    out = np.empty((paths, n))
    on = np.ones(paths, dtype=bool)
    since = np.full(paths, np.iinfo(np.int64).max // 4, dtype=np.int64)
    level = np.ones(paths)
    r = c.ramp_frac_per_interval
    for t in range(n):
        want = desired[:, t]
        switch_off = on & ~want & (since >= c.min_run_intervals)
        switch_on = ~on & want & (since >= c.min_down_intervals)
        new_on = (on & ~switch_off) | switch_on
        if forced is not None:
            new_on &= ~forced[:, t]
        since = np.where(new_on == on, since + 1, 1)
        on = new_on
        target = on.astype(np.float64)
        level = np.clip(target, level - r, level + r) if r < 1.0 else target
        if forced is not None:
            level = np.where(forced[:, t], 0.0, level)
        out[:, t] = level
    return out
