"""``split``: lease a share of the site now, keep mining on the rest (linear in the share)."""

from __future__ import annotations

from typing import Any

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import BatchContext, StrategyName, StrategyValue


class Split:
    """``w`` of the site leased (the ``lease`` strategy scaled), ``1 - w`` mined."""

    name = StrategyName.SPLIT.value
    label = "lease a share of the site now, keep mining on the rest"
    requires: tuple[str, ...] = ("lease",)
    after: tuple[str, ...] = (StrategyName.MINE.value, StrategyName.LEASE.value)
    optional_stopping = False
    in_training = False

    def prepare(self, case: CompareCase) -> Any:
        return None

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        w = ctx.case.split_lease_frac
        mine, lease = ctx.values[StrategyName.MINE], ctx.values[StrategyName.LEASE]
        return StrategyValue(
            npv_usd=(1.0 - w) * mine.npv_usd + w * lease.npv_usd,
            net_usd=(1.0 - w) * mine.net_usd + w * lease.net_usd,
        )
