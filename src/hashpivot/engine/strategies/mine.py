"""``mine``: keep mining to the horizon; then the site is worth what it would fetch sold
(powered land moving with its product's rent index, ASICs at their then value)."""

from __future__ import annotations

from typing import Any

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import BatchContext, StrategyName, StrategyValue


class Mine:
    """Keep mining; the site's residual value at the horizon ends the flows."""

    name = StrategyName.MINE.value
    label = "keep mining to the horizon, then the site's value as powered land + ASICs"
    requires: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    optional_stopping = False
    in_training = False

    def prepare(self, case: CompareCase) -> Any:
        return None

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        h, r = ctx.horizon, ctx.rows
        npv = ctx.cum_mine[:, h] + ctx.residual_usd[:, h] * ctx.disc[:, h]
        # the cash flows themselves (ctx.mine_net restates BTC revenue under risk-neutral)
        net = ctx.mined.cash_flows.net_usd[:r].copy()
        net[:, -1] += ctx.residual_usd[:r, h]
        return StrategyValue(npv_usd=npv, net_usd=net)
