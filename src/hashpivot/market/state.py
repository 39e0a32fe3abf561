"""The market today (:class:`StartState`) and its simulated futures (:class:`MarketScenarios`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from hashpivot.bitcoin.protocol import (
    TARGET_BLOCK_INTERVAL_S,
    cumulative_subsidy_btc,
    subsidy_btc,
)
from hashpivot.calendar import month_seconds
from hashpivot.errors import InputError
from hashpivot.market import processes as pr
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot
from hashpivot.types import FloatArray

#: Trailing 12-month average monthly log growth of the network at the snapshot [1/month]:
#: ``ln(1,069 / 731.17) / 12`` = 0.0317 (snapshot 1,069 EH/s of 2025-11-27 over the 2024-11
#: monthly mean 731.17 EH/s of btc_daily.csv, Coin Metrics; +46%/yr). A live snapshot keeps it.
TRAILING_HASHRATE_LOG_GROWTH_PER_MONTH = math.log(1_069.0 / 731.17) / 12


@dataclass(frozen=True, slots=True, kw_only=True)
class StartState:
    """The market today; column 0 of every simulated array.

    as_of : date of the observation (month 0 is its month)
    height : next block height [-]
    btc_price_usd : [USD/BTC]
    network_hashrate_eh_s : [EH/s]
    fee_share_frac : fees / (subsidy + fees) [0-1]
    rent_usd_per_kw_month : wholesale colocation rent [USD/kW-month]
    gpu_rate_usd_per_gpu_hour : GPU rental rate [USD/GPU-hour]
    power_price_usd_per_mwh : power price [USD/MWh]
    hashprice_log_change_prev_month : ``log(hashprice_0 / hashprice_{-1})`` [-]
    hashrate_log_growth_trailing_per_month : the network's trailing 12-month average monthly
        log growth ``ln(H_0 / H_{-12}) / 12`` [1/month] (the pipeline term's state)
    """

    as_of: date
    height: float
    btc_price_usd: float
    network_hashrate_eh_s: float
    fee_share_frac: float
    rent_usd_per_kw_month: float
    gpu_rate_usd_per_gpu_hour: float
    power_price_usd_per_mwh: float
    hashprice_log_change_prev_month: float = 0.0
    hashrate_log_growth_trailing_per_month: float = 0.0

    def __post_init__(self) -> None:
        for name in (
            "height",
            "btc_price_usd",
            "network_hashrate_eh_s",
            "rent_usd_per_kw_month",
            "gpu_rate_usd_per_gpu_hour",
            "power_price_usd_per_mwh",
        ):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise InputError(name, v, "a finite number > 0")
        if not 0 < self.fee_share_frac < 1:
            raise InputError("fee_share_frac", self.fee_share_frac, "a share in (0, 1)")
        g = self.hashrate_log_growth_trailing_per_month
        if not (math.isfinite(g) and abs(g) <= 0.5):
            raise InputError(
                "hashrate_log_growth_trailing_per_month", g, "a monthly log growth in [-0.5, 0.5]"
            )

    @classmethod
    def late_2025(cls) -> StartState:
        """2025-11-27 (market.snapshot.SNAPSHOT) plus CBRE 2025 rent $195/kW-month, H100
        $2.2/GPU-hour (2025 typical 1-year rate) and ERCOT West RT 2025 mean $33/MWh."""
        return cls.from_snapshot(SNAPSHOT)

    @classmethod
    def from_snapshot(cls, s: MarketSnapshot) -> StartState:
        """The network and BTC price of a snapshot (the dated default or one fetched live), with
        the documented 2025 levels of rent, GPU rate and power price (see :meth:`late_2025`),
        and the trailing growth :data:`TRAILING_HASHRATE_LOG_GROWTH_PER_MONTH`."""
        return cls(
            hashrate_log_growth_trailing_per_month=TRAILING_HASHRATE_LOG_GROWTH_PER_MONTH,
            as_of=s.as_of,
            height=float(s.height),
            btc_price_usd=s.btc_price_usd,
            network_hashrate_eh_s=s.network_hashrate_eh_s,
            fee_share_frac=s.fees_btc_per_block
            / (float(subsidy_btc(s.height)) + s.fees_btc_per_block),
            rent_usd_per_kw_month=195.0,
            gpu_rate_usd_per_gpu_hour=2.2,
            power_price_usd_per_mwh=33.0,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketScenarios:
    """Monthly market paths; every array is float64 ``(paths, months)``, column 0 = today.

    start : date of column 0
    btc_price_usd : [USD/BTC]
    network_hashrate_eh_s : [EH/s]
    fees_btc_per_block : [BTC/block]
    rent_usd_per_kw_month : [USD/kW-month]
    gpu_rate_usd_per_gpu_hour : [USD/GPU-hour]
    power_price_usd_per_mwh : [USD/MWh]
    subsidy_btc_per_block : mean subsidy of the month's blocks at 600 s blocks [BTC/block],
        shape ``(months,)`` (the schedule the hashrate model used; the chain simulation in
        :mod:`hashpivot.bitcoin.chain` refines block timing from the hashrate path)
    """

    start: date
    btc_price_usd: FloatArray
    network_hashrate_eh_s: FloatArray
    fees_btc_per_block: FloatArray
    rent_usd_per_kw_month: FloatArray
    gpu_rate_usd_per_gpu_hour: FloatArray
    power_price_usd_per_mwh: FloatArray
    subsidy_btc_per_block: FloatArray

    ARRAYS = (
        "btc_price_usd",
        "network_hashrate_eh_s",
        "fees_btc_per_block",
        "rent_usd_per_kw_month",
        "gpu_rate_usd_per_gpu_hour",
        "power_price_usd_per_mwh",
    )

    def __post_init__(self) -> None:
        shape = self.btc_price_usd.shape
        if len(shape) != 2:
            raise InputError("btc_price_usd", shape, "a (paths, months) array")
        for name in self.ARRAYS:
            if getattr(self, name).shape != shape:
                raise InputError(name, getattr(self, name).shape, f"shape {shape}")
        if self.subsidy_btc_per_block.shape != (shape[1],):
            raise InputError(
                "subsidy_btc_per_block", self.subsidy_btc_per_block.shape, f"({shape[1]},)"
            )

    @property
    def paths(self) -> int:
        return int(self.btc_price_usd.shape[0])

    @property
    def months(self) -> int:
        return int(self.btc_price_usd.shape[1])

    @property
    def fee_share_frac(self) -> FloatArray:
        """Fees / (subsidy + fees) [0-1], ``(paths, months)``."""
        return self.fees_btc_per_block / (self.subsidy_btc_per_block + self.fees_btc_per_block)

    @property
    def hashprice_usd_per_ph_day(self) -> FloatArray:
        """Hashprice [USD per PH/s per day] at 600 s blocks, ``(paths, months)``."""
        return pr.hashprice_from_hashrate(
            self.btc_price_usd,
            self.network_hashrate_eh_s,
            self.subsidy_btc_per_block,
            self.fees_btc_per_block,
        )

    def take(self, rows: slice | FloatArray) -> MarketScenarios:
        """The scenarios of a subset of paths."""
        return replace(self, **{n: getattr(self, n)[rows] for n in self.ARRAYS})

    @classmethod
    def concat(cls, parts: Sequence[MarketScenarios]) -> MarketScenarios:
        """Stack the paths of several scenario sets with the same start and months."""
        if not parts:
            raise InputError("parts", 0, "at least one scenario set")
        first = parts[0]
        for p in parts[1:]:
            if p.start != first.start or p.months != first.months:
                raise InputError(
                    "parts", (p.start, p.months), f"start {first.start}, {first.months} months"
                )
        arrays = {n: np.concatenate([getattr(p, n) for p in parts], axis=0) for n in cls.ARRAYS}
        return cls(start=first.start, subsidy_btc_per_block=first.subsidy_btc_per_block, **arrays)


def subsidy_schedule_btc_per_block(start: StartState, months: int) -> FloatArray:
    """Mean subsidy [BTC/block] of each month's blocks at one block per 600 s.

    Month lengths are calendar months from ``start.as_of``'s month; the first month counts only
    its seconds after ``as_of`` (the height is observed then); the subsidy is averaged exactly
    across a halving inside a month (:func:`bitcoin.protocol.cumulative_subsidy_btc`).
    """
    seconds = month_seconds(start.as_of, months)
    seconds[0] -= (start.as_of.day - 1) * 86_400.0
    blocks = seconds / TARGET_BLOCK_INTERVAL_S
    h_end = start.height + np.cumsum(blocks)
    h_start = h_end - blocks
    return np.asarray((cumulative_subsidy_btc(h_end) - cumulative_subsidy_btc(h_start)) / blocks)
