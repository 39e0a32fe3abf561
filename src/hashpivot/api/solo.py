"""The solo-mining job: a fleet's Poisson odds of finding a block against the network of the
snapshot (or a hashrate the user gives), and the FPPS pool's certain pay against it."""

from __future__ import annotations

from typing import Any

from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot
from hashpivot.mining.solo import BLOCKS_PER_DAY, solo_odds

__all__ = ["solo_report"]


def solo_report(
    *,
    hashrate_th_s: float,
    days: float = 30.0,
    network_hashrate_eh_s: float | None = None,
    pool_fee_frac: float = 0.025,
    snapshot: MarketSnapshot = SNAPSHOT,
) -> dict[str, Any]:
    """The JSON object of ``hashpivot solo``: odds, time to the first block, income over
    ``days`` solo and in an FPPS pool. Reward = subsidy at the snapshot's height + the
    snapshot's average fees per block; USD figures at the snapshot's BTC price."""
    network = (
        snapshot.network_hashrate_eh_s if network_hashrate_eh_s is None else network_hashrate_eh_s
    )
    subsidy = float(subsidy_btc(snapshot.height))
    reward = subsidy + snapshot.fees_btc_per_block
    o = solo_odds(
        hashrate_th_s=hashrate_th_s,
        network_hashrate_eh_s=network,
        reward_btc=reward,
        days=days,
        pool_fee_frac=pool_fee_frac,
    )
    price = snapshot.btc_price_usd
    return {
        "hashrate_th_s": hashrate_th_s,
        "network_hashrate_eh_s": network,
        "share_of_network": o.share_of_network,
        "days": days,
        "expected_blocks": o.expected_blocks,
        "prob_at_least_one": o.prob_at_least_one,
        "expected_days_to_block": o.expected_days_to_block,
        "days_to_block_quantiles": {
            f"p{round(p * 100)}": t for p, t in o.days_to_block_quantiles.items()
        },
        "reward_btc": o.reward_btc,
        "reward_usd": o.reward_btc * price,
        "income": {
            "solo_mean_btc": o.solo_mean_btc,
            "solo_sd_btc": o.solo_sd_btc,
            "solo_variance_btc2": o.solo_sd_btc**2,
            "fpps_btc": o.fpps_btc,
            "fpps_variance_btc2": 0.0,
            "pool_fee_frac": o.pool_fee_frac,
            "fee_cost_btc": o.solo_mean_btc - o.fpps_btc,
            "prob_solo_below_fpps": o.prob_solo_below_fpps,
            "solo_mean_usd": o.solo_mean_btc * price,
            "fpps_usd": o.fpps_btc * price,
        },
        "assumptions": [
            {
                "name": "block rate",
                "value": f"{BLOCKS_PER_DAY:.0f} blocks/day (one per 600 s, the protocol target)",
                "source": "Bitcoin protocol; Poisson block arrivals (Rosenfeld 2011)",
            },
            {
                "name": "network hashrate",
                "value": f"{network:,.1f} EH/s",
                "source": "--network-hashrate-eh-s"
                if network_hashrate_eh_s is not None
                else f"market snapshot of {snapshot.as_of}",
            },
            {
                "name": "reward",
                "value": f"{subsidy:g} BTC subsidy + {snapshot.fees_btc_per_block:g} BTC fees",
                "source": f"subsidy at height {snapshot.height:,}; fees of the snapshot of "
                f"{snapshot.as_of}",
            },
            {
                "name": "BTC price",
                "value": f"${price:,.0f}",
                "source": f"market snapshot of {snapshot.as_of}",
            },
        ],
    }
