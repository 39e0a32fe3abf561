"""Market process parameters: :class:`MarketParams` and the calibrated :data:`DEFAULT_PARAMS`.

Defaults come from :mod:`hashpivot.market.calibrate` on the shared Coin Metrics history
2017-01..2025-08, the ASIC catalogue (fleet efficiency trend) and dated market facts; every value
is documented in docs/methodology.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from hashpivot.errors import InputError
from hashpivot.market import processes as pr
from hashpivot.market.processes import (
    FACTORS,
    BtcPriceParams,
    Factor,
    HashrateParams,
    MeanRevertingParams,
    PriceTails,
)

_IDENTITY6 = tuple(tuple(1.0 if i == j else 0.0 for j in range(6)) for i in range(6))


def _corr(pairs: dict[tuple[Factor, Factor], float]) -> tuple[tuple[float, ...], ...]:
    rows = [list(r) for r in _IDENTITY6]
    for (a, b), v in pairs.items():
        i, j = FACTORS.index(a), FACTORS.index(b)
        rows[i][j] = rows[j][i] = v
    return tuple(tuple(r) for r in rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketParams:
    """All process parameters and the correlation of their monthly shocks.

    btc : BTC price process
    hashrate : network hashrate error-correction model
    fee_share : fee share of block revenue, mean-reverting in logit(share)
    rent : the rent index of the site's lease product [USD/IT kW-month], mean-reverting in log
        (default: wholesale colocation; :func:`hashpivot.market.rent_products.for_product`)
    gpu_rate : rental rate of the site's GPU [USD/GPU-hour], log-reverting to a decaying trend
    power_price : monthly average power price [USD/MWh], mean-reverting in log
    correlation : 6 x 6 correlation of the shocks, order :data:`processes.FACTORS`
    rent_loading : the rent index's loading ``rho`` on the common rent shock (the correlation's
        rent factor): its shock is ``rho z + sqrt(1 - rho^2) e``, ``e`` its own, drawn from a
        stream of its own (:mod:`hashpivot.market.rent_shocks`); 1 = the common shock
    rent_own_stream : key of that own stream (one per product, so two products' own shocks
        are independent)
    """

    btc: BtcPriceParams
    hashrate: HashrateParams
    fee_share: MeanRevertingParams
    rent: MeanRevertingParams
    gpu_rate: MeanRevertingParams
    power_price: MeanRevertingParams
    correlation: tuple[tuple[float, ...], ...] = _IDENTITY6
    rent_loading: float = 1.0
    rent_own_stream: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rent_loading <= 1.0:
            raise InputError("rent_loading", self.rent_loading, "a number in [0, 1]")
        c = np.asarray(self.correlation, dtype=np.float64)
        if c.shape != (6, 6):
            raise InputError(
                "correlation", c.shape, "a 6 x 6 matrix (btc, hashrate, fee, rent, gpu, power)"
            )
        pr.cholesky_factor(c)  # validates
        if not 0 < self.fee_share.long_run_level < 1:
            raise InputError(
                "fee_share.long_run_level", self.fee_share.long_run_level, "a share in (0, 1)"
            )

    def with_zero_volatility(self) -> MarketParams:
        """The same market with every volatility and jump set to zero and the hashrate
        parameters taken as known (deterministic paths).

        The BTC log drift gains back ``sigma^2 / 2``, so the deterministic path follows the
        *mean* of the stochastic one (with normal shocks): the projection the Monte Carlo
        collapses to.
        """
        b = self.btc
        return replace(
            self,
            btc=replace(
                b,
                log_drift_per_year=b.log_drift_per_year + 0.5 * b.vol_per_year**2,
                vol_per_year=0.0,
                jump_intensity_per_year=0.0,
            ),
            hashrate=replace(self.hashrate.point_estimates(), vol_per_year=0.0),
            fee_share=replace(self.fee_share, vol_per_year=0.0),
            rent=replace(self.rent, vol_per_year=0.0),
            gpu_rate=replace(self.gpu_rate, vol_per_year=0.0),
            power_price=replace(self.power_price, vol_per_year=0.0),
        )

    def shock_layout(self) -> tuple[object, ...]:
        """What fixes the random stream's layout for a seed: the factors that draw shocks and
        the BTC tail draws (Student-t mixing, Merton jumps). Two markets with the same layout
        draw the same shocks from one seed (their paths are the same states of the world)."""
        b = self.btc
        jumps = b.tails is PriceTails.MERTON and b.jump_intensity_per_year > 0
        return (self.random_factors(), b.tails is PriceTails.STUDENT_T, jumps)

    def random_factors(self) -> tuple[Factor, ...]:
        """The factors that draw shocks (non-zero volatility), in matrix order."""
        flags = {
            Factor.BTC_PRICE: self.btc.is_random,
            Factor.HASHRATE: self.hashrate.vol_per_year > 0,
            Factor.FEE_SHARE: self.fee_share.vol_per_year > 0,
            Factor.RENT: self.rent.vol_per_year > 0,
            Factor.GPU_RATE: self.gpu_rate.vol_per_year > 0,
            Factor.POWER_PRICE: self.power_price.vol_per_year > 0,
        }
        return tuple(f for f in FACTORS if flags[f])


# Calibrated on btc_daily.csv 2017-01..2025-08 (hashpivot.market.calibrate.calibrate_market):
#   btc on one basis, monthly average prices (what the scenarios' months are): vol from the
#   2020-01..2025-08 window 0.6674 ± 0.059/yr (Working-corrected; 2017-2025: 0.777, 2022-2025:
#   0.514); excess kurtosis of the 2017-2025 monthly-average log-returns 0.655 -> Student-t
#   tails with df = 4 + 6/0.655 = 13 (moment match; MLE 8.6 ± 8; Merton not identified);
#   fleet efficiency (technology term): ln(J/TH) falls 0.2094 ± 0.012/yr (OLS on the release
#   dates of the 30 ASIC models of config/catalogue/asic.csv released by 2025-08);
#   hashrate with the equilibrium hashprice moving with hashcost along that trend:
#   alpha 0.0578 ± 0.012/month, beta 0.078 ± 0.035, equilibrium hashprice
#   $25.6 ± 6.3/PH/day in 2025-08 (log SE 0.245), vol 0.258/yr, residual lag-1
#   autocorrelation 0.364 (the AR(1) shock), the free-trend fit: trend -0.093 ± 0.098/yr;
#   the SEs of alpha, log equilibrium and the trend are drawn once per path (walk-forward
#   coverage, docs/methodology.md);
#   fee share logit mean -3.46 (3.05%), kappa 2.19 ± 0.82/yr, vol 1.97/yr;
#   residual correlations (monthly-average returns) btc-hashrate 0.23, btc-fee 0.35,
#   hashrate-fee -0.06.
DEFAULT_PARAMS = MarketParams(
    btc=BtcPriceParams(
        # base scenario: the *expected* price grows +10%/yr (market.snapshot.SCENARIOS), so the
        # log drift is ln(1.10) - sigma^2/2 (the median path grows ln(1.10) - 0.224 = -12%/yr);
        # not the 2017-2025 mean log-return 0.56 ± 0.22
        log_drift_per_year=math.log1p(0.10) - 0.5 * 0.67**2,
        vol_per_year=0.67,
        tails=PriceTails.STUDENT_T,
        student_t_df=13.0,
    ),
    hashrate=HashrateParams(
        gap_speed_per_month=0.0578,
        hashprice_change_response=0.078,
        # $25.63 in 2025-08 carried 3 months along the -0.2094/yr hashcost trend to late Nov 2025
        equilibrium_hashprice_usd_per_ph_day=24.3,
        equilibrium_hashprice_log_trend_per_year=0.0,
        vol_per_year=0.258,
        fleet_efficiency_log_trend_per_year=-0.2094,
        shock_persistence=0.364,
        gap_speed_std_error_per_month=0.012,
        equilibrium_hashprice_log_std_error=0.245,
        hashcost_log_trend_std_error_per_year=0.012,
    ),
    fee_share=MeanRevertingParams(
        long_run_level=0.0305,
        long_run_log_trend_per_year=0.0,
        reversion_per_year=2.19,
        vol_per_year=1.97,
    ),
    rent=MeanRevertingParams(
        # the colocation index (market.rent_products.PRODUCTS holds all three products; a
        # compare puts the lease's product here: for_product)
        # CBRE wholesale colocation 2025 average $195/kW-month; 3%/yr = typical lease escalator;
        # kappa 0.5/yr (half-life 1.4 yr) and vol 10%/yr are assumptions (no public rent series)
        long_run_level=195.0,
        long_run_log_trend_per_year=0.03,
        reversion_per_year=0.5,
        vol_per_year=0.10,
    ),
    gpu_rate=MeanRevertingParams(
        # H100 1-year contracts ~$2.2/GPU-hour (2025 typical); -35% per 2-year generation
        # (assumption) -> ln(0.65)/2 = -0.215/yr; kappa 1/yr and vol 20%/yr assumptions
        long_run_level=2.2,
        long_run_log_trend_per_year=pr.gpu_decay_log_trend_per_year(0.35, 2.0),
        reversion_per_year=1.0,
        vol_per_year=0.20,
    ),
    power_price=MeanRevertingParams(
        # ERCOT HB_WEST RT monthly means 2024-01..2026-02: sd of log 0.256, no month-to-month
        # persistence (AR(1) -0.05): kappa 6/yr, vol = 0.256 sqrt(1 - e^-1) sqrt(12) = 0.705;
        # median 32 so that the mean is ~$33/MWh (2025 mean $33.03)
        long_run_level=32.0,
        long_run_log_trend_per_year=0.0,
        reversion_per_year=6.0,
        vol_per_year=0.705,
    ),
    correlation=_corr(
        {
            (Factor.BTC_PRICE, Factor.HASHRATE): 0.23,
            (Factor.BTC_PRICE, Factor.FEE_SHARE): 0.35,
            (Factor.HASHRATE, Factor.FEE_SHARE): -0.06,
            # assumption: AI demand lifts colocation rents and GPU rates together
            (Factor.RENT, Factor.GPU_RATE): 0.30,
        }
    ),
)


def carry_forward(params: MarketParams, anchor: date, as_of: date) -> MarketParams:
    """``params`` dated ``anchor`` restated for a start at ``as_of``: the equilibrium hashprice
    moves along its log trend for the years between (the default is fitted to late 2025; a
    live start a year later meets an equilibrium ``e^trend`` times it). Other long-run levels
    are market facts of their date and stay (override them in ``[market]``)."""
    years = (as_of - anchor).days / 365.25
    if years == 0.0:
        return params
    h = params.hashrate
    eq = h.equilibrium_hashprice_usd_per_ph_day * math.exp(h.hashcost_log_trend_per_year * years)
    return replace(params, hashrate=replace(h, equilibrium_hashprice_usd_per_ph_day=eq))
