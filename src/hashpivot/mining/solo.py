"""Solo mining odds: the chance that an independent miner finds a block, and what a pool's
certainty costs.

Every hash is an independent trial, so the blocks a fleet finds form a Poisson process
(Nakamoto 2008, section 11; Rosenfeld 2011, "Analysis of Bitcoin Pooled Mining Reward
Systems"). At the protocol's target of one block per 600 s (144 blocks a day) a fleet holding
the share ``q = H_fleet / H_network`` of the network's hashrate finds blocks at the rate
``144 q`` per day:

- expected blocks in ``D`` days: ``lambda = 144 q D``;
- ``P(at least one) = 1 - exp(-lambda)``;
- the time to the first block is exponential with mean ``1 / (144 q)`` days, quantile
  ``t_p = -ln(1 - p) / (144 q)``;
- income over ``D`` days: ``N x R`` with ``N ~ Poisson(lambda)`` and ``R`` = subsidy + fees per
  block [BTC]: mean ``lambda R``, variance ``lambda R^2``.

A pool paying FPPS (full pay per share) at a fee ``f`` pays the expected value of the shares,
``(1 - f) lambda R``, with no block-luck variance: the fee is what the small miner pays for
certainty. (Difficulty changes within ``D`` are ignored: the network hashrate is held.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from hashpivot.bitcoin.protocol import TARGET_BLOCK_INTERVAL_S
from hashpivot.errors import InputError

BLOCKS_PER_DAY = 86_400.0 / TARGET_BLOCK_INTERVAL_S  # 144 at the protocol's target
TIME_QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90, 0.99)


@dataclass(frozen=True, slots=True, kw_only=True)
class SoloOdds:
    """A solo miner's odds over a window.

    share_of_network : ``q`` [-]; expected_blocks : ``lambda`` [blocks]
    prob_at_least_one : ``1 - exp(-lambda)`` [0-1]
    expected_days_to_block : ``1 / (144 q)`` [days]
    days_to_block_quantiles : ``{p: t_p}`` of the time to the first block [days]
    reward_btc : subsidy + fees of one block [BTC]
    solo_mean_btc, solo_sd_btc : income over the window, mean and standard deviation [BTC]
    fpps_btc : what an FPPS pool pays over the window, net of its fee [BTC]
    prob_solo_below_fpps : chance that solo pays less than the pool over the window [0-1]
    """

    share_of_network: float
    days: float
    expected_blocks: float
    prob_at_least_one: float
    expected_days_to_block: float
    days_to_block_quantiles: dict[float, float]
    reward_btc: float
    pool_fee_frac: float
    solo_mean_btc: float
    solo_sd_btc: float
    fpps_btc: float
    prob_solo_below_fpps: float


def _positive(name: str, value: float, unit: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise InputError(name, value, f"a finite number > 0 ({unit})")
    return value


def expected_blocks(hashrate_th_s: float, network_hashrate_eh_s: float, days: float) -> float:
    """``lambda = 144 x (H_fleet / H_network) x days`` [blocks]; H in TH/s and EH/s."""
    share = hashrate_th_s / (network_hashrate_eh_s * 1e6)
    return BLOCKS_PER_DAY * share * days


def solo_odds(
    *,
    hashrate_th_s: float,
    network_hashrate_eh_s: float,
    reward_btc: float,
    days: float = 30.0,
    pool_fee_frac: float = 0.025,
) -> SoloOdds:
    """Poisson odds of a fleet of ``hashrate_th_s`` [TH/s] mining alone against
    ``network_hashrate_eh_s`` [EH/s] for ``days``, against an FPPS pool at ``pool_fee_frac``."""
    _positive("hashrate_th_s", hashrate_th_s, "TH/s")
    _positive("network_hashrate_eh_s", network_hashrate_eh_s, "EH/s")
    _positive("days", days, "days")
    _positive("reward_btc", reward_btc, "BTC per block")
    if hashrate_th_s > network_hashrate_eh_s * 1e6:
        raise InputError(
            "hashrate_th_s", hashrate_th_s, "at most the network hashrate (x 1e6 TH/s per EH/s)"
        )
    if not 0.0 <= pool_fee_frac < 1.0:
        raise InputError("pool_fee_frac", pool_fee_frac, "a fraction in [0, 1)")
    share = hashrate_th_s / (network_hashrate_eh_s * 1e6)
    rate_per_day = BLOCKS_PER_DAY * share
    lam = rate_per_day * days
    fpps_blocks = (1.0 - pool_fee_frac) * lam
    # P(N R < (1 - f) lambda R) = P(N < (1 - f) lambda) = P(N <= ceil((1 - f) lambda) - 1)
    below = float(stats.poisson.cdf(math.ceil(fpps_blocks) - 1, lam))
    return SoloOdds(
        share_of_network=share,
        days=days,
        expected_blocks=lam,
        prob_at_least_one=-math.expm1(-lam),
        expected_days_to_block=1.0 / rate_per_day,
        days_to_block_quantiles={p: -math.log1p(-p) / rate_per_day for p in TIME_QUANTILES},
        reward_btc=reward_btc,
        pool_fee_frac=pool_fee_frac,
        solo_mean_btc=lam * reward_btc,
        solo_sd_btc=math.sqrt(lam) * reward_btc,
        fpps_btc=fpps_blocks * reward_btc,
        prob_solo_below_fpps=below,
    )
