"""Compiled dispatch under run constraints (numba): one pass per path over the intervals.

Same rule as the interval-by-interval recursion it replaced (kept as the reference in
``tests/dispatch_reference.py``; ``tests/power/test_dispatch_kernel.py`` checks the two agree
exactly): the load wants to run where ``breakeven > price``; once on it stays on at least
``min_run`` intervals, once off it stays off at least ``min_down``; its running share moves by at
most ``ramp`` per interval; forced-off intervals (4CP) override everything and count as off.
"""

from __future__ import annotations

from typing import Any

from numba import njit


@njit(cache=True, nogil=True)  # type: ignore[misc]
def constrained_run(
    price: Any,  # (1 | paths, n) decision price [USD/MWh]
    breakeven: Any,  # (1 | paths, 1 | n) mining value of a MWh [USD/MWh]
    forced_off: Any,  # bool (1 | paths, n), or (0, 0) for none
    min_run: int,  # intervals
    min_down: int,  # intervals
    ramp: float,  # largest change of the running share per interval (>= 1: none)
    on: Any,  # bool (paths,) state in/out: the desired state at the last interval
    since: Any,  # int64 (paths,) state in/out: intervals since the state last changed
    level: Any,  # (paths,) state in/out: running share at the last interval
    out: Any,  # out (paths, n) running share [0-1]
) -> None:
    paths, n = out.shape
    has_forced = forced_off.shape[0] > 0
    b_cols = breakeven.shape[1]
    limited = ramp < 1.0
    for i in range(paths):
        pi = min(i, price.shape[0] - 1)
        bi = min(i, breakeven.shape[0] - 1)
        fi = min(i, forced_off.shape[0] - 1) if has_forced else 0
        o = on[i]
        s = since[i]
        lv = level[i]
        for t in range(n):
            want = breakeven[bi, t if b_cols > 1 else 0] > price[pi, t]
            new_on = (want or s < min_run) if o else (want and s >= min_down)
            forced = has_forced and forced_off[fi, t]
            if forced:
                new_on = False
            s = s + 1 if new_on == o else 1
            o = new_on
            target = 1.0 if o else 0.0
            lv = min(max(target, lv - ramp), lv + ramp) if limited else target
            if forced:
                lv = 0.0
            out[i, t] = lv
        on[i] = o
        since[i] = s
        level[i] = lv
