"""Compiled state-of-charge run of the battery greedy (numba): one pass per path over the hours,
twice (the second from the first's end state), as :func:`hashpivot.power.generation.storage`
describes. ``tests/power/generation/test_storage.py`` checks it against the numpy recursion it
replaced, hour for hour.
"""

from __future__ import annotations

from typing import Any

from numba import njit


@njit(cache=True, nogil=True)
def run_soc(
    plan_c: Any,  # (paths, hours) charge wanted [MW], already within P and the site's room
    plan_d: Any,  # (paths, hours) discharge wanted [MW], likewise
    energy_mwh: float,  # E
    sq: float,  # sqrt(round trip): the efficiency each way
    budget_mwh: float,  # the day's discharge budget: cycles x E
    hours_per_day: int,
    day_start: int,  # hour index (mod hours_per_day) at which a day begins
    ch: Any,  # out (paths, hours) charge [MW]
    dis: Any,  # out (paths, hours) discharge [MW]
) -> None:
    paths, hours = plan_c.shape
    for i in range(paths):
        soc = 0.0
        for _ in range(2):
            left = budget_mwh
            for t in range(hours):
                if t % hours_per_day == day_start:
                    left = budget_mwh
                c = max(min(plan_c[i, t], (energy_mwh - soc) / sq), 0.0)
                x = max(min(plan_d[i, t], soc * sq, left), 0.0)
                soc = soc + c * sq - x / sq
                left -= x
                ch[i, t] = c
                dis[i, t] = x
