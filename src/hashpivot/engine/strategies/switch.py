"""``switch``: keep mining and convert to the lease when the fitted policy says so.

A composite of ``mine`` and the ``lease`` conversion: its values at every fixed month come from
:func:`hashpivot.engine.strategies.lease.conversion_values` (cumulative sums), and its NPV from
the Longstaff-Schwartz policy the engine fits on a separate training stream and applies to
every path (:mod:`hashpivot.engine.compare`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import (
    BatchContext,
    OptionInputs,
    StrategyName,
    StrategyValue,
)
from hashpivot.engine.strategies.lease import conversion_values


class Switch:
    """Mine, and convert at the month the fitted policy chooses on each path."""

    name = StrategyName.SWITCH.value
    label = "keep mining and convert when the fitted policy says so"
    requires: tuple[str, ...] = ("lease",)
    after: tuple[str, ...] = (StrategyName.LEASE.value,)
    optional_stopping = True
    in_training = True

    def prepare(self, case: CompareCase) -> Any:
        return None

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        conv = conversion_values(ctx)
        h = ctx.horizon
        basis = np.stack(
            [ctx.mined.hashprice_usd_per_ph_day, ctx.shared["rent_path"][:, :h]], axis=2
        )
        return StrategyValue(
            npv_usd=np.full(ctx.paths, np.nan),  # filled from the fitted policy
            net_usd=np.zeros((0, h)),  # path-dependent: no fixed monthly flows
            option=OptionInputs(
                stop_npv_usd=conv.stop_npv_usd,
                exercise_value_usd=conv.exercise_value_usd,
                continuation_usd=conv.continuation_usd,
                basis=basis,
            ),
        )
