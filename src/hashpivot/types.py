"""The few types every layer passes: market paths in, signed cash flows out.

Every array is float64 shaped ``(paths, months)``; a deterministic case is one path.
Sign convention (as numpy-financial): inflows positive, outflows negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class CashFlows:
    """Monthly cash flows of one strategy on one site, shape ``(paths, months)``, nominal USD.

    Inflows positive, outflows negative: ``opex_usd`` and ``capex_usd`` are <= 0 where they are
    costs; a sale of equipment is a positive ``capex_usd``. ``terminal_value_usd`` is an extra
    inflow at the end of the last month (exit value), shape ``(paths,)``.
    """

    start: date
    revenue_usd: FloatArray
    opex_usd: FloatArray
    capex_usd: FloatArray
    terminal_value_usd: FloatArray | None = None
    extras: dict[str, FloatArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shape = self.revenue_usd.shape
        if len(shape) != 2:
            raise ValueError(f"cash-flow arrays must be (paths, months), got shape {shape}")
        for name in ("opex_usd", "capex_usd"):
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {shape}")

    @property
    def paths(self) -> int:
        return int(self.revenue_usd.shape[0])

    @property
    def months(self) -> int:
        return int(self.revenue_usd.shape[1])

    @property
    def ebitda_usd(self) -> FloatArray:
        """Revenue plus (negative) opex, per month."""
        return self.revenue_usd + self.opex_usd

    @property
    def net_usd(self) -> FloatArray:
        """Net cash flow per month (revenue + opex + capex), terminal value in the last month."""
        net = self.revenue_usd + self.opex_usd + self.capex_usd
        if self.terminal_value_usd is not None:
            net = net.copy()
            net[:, -1] += self.terminal_value_usd
        return net


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketPaths:
    """Market drivers month by month, every array ``(paths, months)``; month 0 is ``start``'s month.

    btc_price_usd : average BTC price in the month [USD/BTC]
    network_hashrate_eh_s : average network hashrate in the month [EH/s]
    fee_share_frac : transaction fees as a share of miner block revenue [0-1]
    first_month_elapsed_s : seconds of month 0 already past when the paths begin [s] (the
        market snapshot may be dated mid-month; those seconds produce no blocks)
    power_price_usd_per_mwh : optional power price level path [USD/MWh]; None = the site's price
    fees_btc_per_block : optional fees per block [BTC]; where given it replaces the fee share
    """

    start: date
    btc_price_usd: FloatArray
    network_hashrate_eh_s: FloatArray
    fee_share_frac: FloatArray
    first_month_elapsed_s: float = 0.0
    power_price_usd_per_mwh: FloatArray | None = None
    fees_btc_per_block: FloatArray | None = None

    @property
    def paths(self) -> int:
        return int(self.btc_price_usd.shape[0])

    @property
    def months(self) -> int:
        return int(self.btc_price_usd.shape[1])
