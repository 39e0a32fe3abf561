"""``sell``: keep mining while a sale of the site (powered land + ASICs) closes."""

from __future__ import annotations

from typing import Any

import numpy as np

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import BatchContext, StrategyName, StrategyValue


class Sell:
    """Mine for ``sale.months_to_close`` months, then receive the site's value less costs."""

    name = StrategyName.SELL.value
    label = "sell the site as powered land (and its ASICs) after the months to close"
    requires: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    optional_stopping = False
    in_training = False

    def prepare(self, case: CompareCase) -> Any:
        return None

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        h, r = ctx.horizon, ctx.rows
        k = min(ctx.case.sale.months_to_close, h)
        proceeds = ctx.residual_usd[:, k]
        npv = ctx.cum_mine[:, k] + proceeds * ctx.disc[:, k]
        net = np.zeros((r, h))
        net[:, :k] = ctx.mined.cash_flows.net_usd[:r, :k]  # cash (mine_net is for PV)
        net[:, max(k - 1, 0)] += proceeds[:r]  # closes at the end of month k - 1
        return StrategyValue(npv_usd=npv, net_usd=net)
