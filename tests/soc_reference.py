"""The numpy recursion that the battery's compiled state-of-charge kernel
(``power/generation/_soc_kernel.py``) replaced: the test's reference and the kernel bench's
numpy twin."""

from __future__ import annotations

import math

import numpy as np

from hashpivot.power.generation.specs import Battery

__all__ = ["soc_reference"]


def soc_reference(
    plan_c: np.ndarray, plan_d: np.ndarray, b: Battery, hours_per_day: int, day_start: int
) -> tuple[np.ndarray, np.ndarray]:
    """The numpy recursion the compiled kernel replaced, across paths hour by hour."""
    n, hours = plan_c.shape
    sq = math.sqrt(b.round_trip_efficiency_frac)
    budget = b.max_cycles_per_day * b.energy_mwh
    ch, dis = np.zeros((n, hours)), np.zeros((n, hours))
    soc = np.zeros(n)
    for _ in range(2):
        left = np.full(n, budget)
        for t in range(hours):
            if t % hours_per_day == day_start:
                left[:] = budget
            c = np.clip(np.minimum(plan_c[:, t], (b.energy_mwh - soc) / sq), 0.0, None)
            x = np.clip(np.minimum(np.minimum(plan_d[:, t], soc * sq), left), 0.0, None)
            soc = soc + c * sq - x / sq
            left -= x
            ch[:, t], dis[:, t] = c, x
    return ch, dis
