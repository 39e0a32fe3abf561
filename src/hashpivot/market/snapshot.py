"""Dated default market snapshot and named deterministic scenarios, with sources.

hashpivot runs offline on these constants; ``--live`` fetches current values instead
(:mod:`hashpivot.adapters.fetch`). Every value names its source and date; see
docs/methodology.md, section "Defaults".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hashpivot.bitcoin.chain import NetworkState


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketSnapshot:
    """The Bitcoin network and market at one date.

    as_of : date of the observation
    height : next block height at ``as_of`` [-]
    difficulty : difficulty in force [-]
    epoch_elapsed_s : seconds since the epoch in force began [s]
    btc_price_usd : BTC price [USD/BTC]
    fees_btc_per_block : average transaction fees per block [BTC]
    network_hashrate_eh_s : network hashrate estimate [EH/s]
    sources : where each figure comes from
    """

    as_of: date
    height: int
    difficulty: float
    epoch_elapsed_s: float
    btc_price_usd: float
    fees_btc_per_block: float
    network_hashrate_eh_s: float
    sources: tuple[tuple[str, str], ...]

    @property
    def network_state(self) -> NetworkState:
        return NetworkState(
            height=float(self.height),
            difficulty=self.difficulty,
            epoch_elapsed_s=self.epoch_elapsed_s,
            as_of=self.as_of,
        )


# The retarget of 2025-11-27 (height 925,344 = 459 x 2016): difficulty -1.95% to 149.30 T,
# 7-day hashrate ~1.06-1.07 ZH/s; hashprice ~$38.3/PH/day on the Hashrate Index after it.
SNAPSHOT = MarketSnapshot(
    as_of=date(2025, 11, 27),
    height=925_344,
    difficulty=149.30e12,
    epoch_elapsed_s=0.0,
    btc_price_usd=91_000.0,
    fees_btc_per_block=0.038,
    network_hashrate_eh_s=1_069.0,
    sources=(
        ("height", "retarget block 925,344 = 459 x 2016 (mempool.space; reported 2025-11-27)"),
        (
            "difficulty",
            "149.30 T after the -1.95% retarget of 2025-11-27 (CoinWarz, mempool.space)",
        ),
        (
            "btc_price_usd",
            "~$91,000 on 2025-11-27 (public price indices; fell below $90k 2025-11-18)",
        ),
        (
            "fees_btc_per_block",
            "0.038 BTC = 1.2% fee share of 3.125 BTC subsidy (2025 to September; market-facts.md)",
        ),
        ("network_hashrate_eh_s", "149.30e12 x 2^32 / 600 s = 1,069 EH/s (7-day ~1.06-1.07 ZH/s)"),
        ("check", "hashprice from these = $38.7/PH/day vs Hashrate Index ~$38.3 (late Nov 2025)"),
    ),
)


class ScenarioName(StrEnum):
    """Named deterministic scenarios (single paths)."""

    BEAR = "bear"
    BASE = "base"
    BULL = "bull"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeterministicScenario:
    """Constant annual growth rates from the snapshot on.

    btc_price_growth_per_year : annual change of the BTC price [-], e.g. 0.10 = +10%/yr
    hashrate_growth_per_year : annual change of the network hashrate [-]; None: the network
        follows the hashrate model's own expected path on the scenario's BTC price and fee
        share (:func:`hashpivot.market.deterministic.model_hashrate_path`)
    fee_share_frac : fees as a share of miner block revenue [0-1]
    """

    name: ScenarioName
    btc_price_growth_per_year: float
    hashrate_growth_per_year: float | None
    fee_share_frac: float
    rationale: str


SCENARIOS: dict[ScenarioName, DeterministicScenario] = {
    ScenarioName.BEAR: DeterministicScenario(
        name=ScenarioName.BEAR,
        btc_price_growth_per_year=-0.20,
        hashrate_growth_per_year=0.10,
        fee_share_frac=0.010,
        rationale=(
            "BTC -20%/yr (a 2022-style drawdown spread over the horizon); hashrate still +10%/yr "
            "as new efficient fleets replace old ones; fee share 1.0% (2025 ran ~1.2%)."
        ),
    ),
    ScenarioName.BASE: DeterministicScenario(
        name=ScenarioName.BASE,
        btc_price_growth_per_year=0.10,
        hashrate_growth_per_year=None,
        fee_share_frac=0.015,
        rationale=(
            "BTC +10%/yr (the Monte Carlo's expected growth); the network on the hashrate "
            "model's expected path (error correction on hashprice with the fleet-efficiency "
            "trend, no shocks), as the Monte Carlo tells it; fee share 1.5% (2024 6.5%, 2025 "
            "~1.2%)."
        ),
    ),
    ScenarioName.BULL: DeterministicScenario(
        name=ScenarioName.BULL,
        btc_price_growth_per_year=0.40,
        hashrate_growth_per_year=0.45,
        fee_share_frac=0.030,
        rationale=(
            "BTC +40%/yr (a cycle rally); hashrate +45%/yr chasing it (near the 4-year ~65%/yr); "
            "fee share 3%."
        ),
    ),
}
