"""Stochastic market processes over ``(paths, months)``: pure functions of numpy arrays.

Every process is a monthly, discrete-time recursion written with one formula per function.
Shocks are standard normal arrays drawn by the caller (:func:`correlated_normals`), so the
functions here hold no randomness except the optional fat-tail mixers, which take a passed-in
``numpy.random.Generator``. Column 0 of every output is the start value; column ``j`` is the
value ``j`` months later. With all volatilities zero each process collapses to its
deterministic drift path (``log S_j = log S_0 + mu_m j`` for the price).

Units: ``_per_year`` rates are converted to monthly ones with ``/12`` (drifts, log trends,
reversion speeds) or ``/sqrt(12)`` (volatilities). See docs/methodology.md.

References
----------
- Geometric Brownian motion in discrete time: Hull, *Options, Futures and Other Derivatives*,
  ch. 14 (log-returns ~ N(mu dt, sigma^2 dt)).
- Merton (1976), "Option pricing when underlying stock returns are discontinuous", J. Fin. Econ. 3.
- Ornstein-Uhlenbeck / AR(1) in logs: Dixit & Pindyck, *Investment under Uncertainty* (1994), ch. 3.
- Error-correction models: Engle & Granger (1987), Econometrica 55(2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.errors import InputError
from hashpivot.market.hashrate_process import MOMENTUM_WINDOW_MONTHS as MOMENTUM_WINDOW_MONTHS
from hashpivot.market.hashrate_process import HashrateParams as HashrateParams
from hashpivot.market.hashrate_process import hashrate_ecm_paths as hashrate_ecm_paths
from hashpivot.market.shocks import cholesky_factor as cholesky_factor
from hashpivot.market.shocks import correlated_normals as correlated_normals
from hashpivot.market.shocks import merton_jump_increments as merton_jump_increments
from hashpivot.market.shocks import student_t_shocks as student_t_shocks
from hashpivot.types import FloatArray

MONTHS_PER_YEAR = 12
BLOCKS_PER_DAY = 144.0  # 86,400 s / 600 s target interval
PH_PER_EH = 1000.0


class PriceTails(StrEnum):
    """Distribution of the monthly BTC log-return shock."""

    NORMAL = "normal"  # GBM
    STUDENT_T = "student_t"  # GBM with Student-t shocks scaled to unit variance
    MERTON = "merton"  # GBM plus compensated compound-Poisson normal jumps


class DriftBasis(StrEnum):
    """What the BTC growth input means (every output names it).

    expected : the mean price grows ``g`` a year (``mu = ln(1 + g) - sigma^2/2``)
    median : the median path grows ``g`` a year (``mu = ln(1 + g)``)
    risk_neutral : the mean price at the forward's date equals the forward price entered;
        BTC-linked cash flows are then discounted at the risk-free rate
    """

    EXPECTED = "expected"
    MEDIAN = "median"
    RISK_NEUTRAL = "risk_neutral"


class Factor(StrEnum):
    """The correlated shocks, in the order of the correlation matrix."""

    BTC_PRICE = "btc_price"
    HASHRATE = "hashrate"
    FEE_SHARE = "fee_share"
    RENT = "rent"
    GPU_RATE = "gpu_rate"
    POWER_PRICE = "power_price"


FACTORS: tuple[Factor, ...] = tuple(Factor)

#: US Treasury 5-year constant-maturity yield, December 2025 monthly average 3.70% (Federal
#: Reserve H.15 release, series DGS5/GS5): the tenor of a mining site's cash flows (the
#: fleet's ~5-year life); the risk-free rate of the risk-neutral drift basis [1/yr]
RISK_FREE_RATE_PER_YEAR = 0.037


def _require(name: str, value: float, ok: bool, allowed: str) -> None:
    if not ok or not math.isfinite(value):
        raise InputError(name, value, allowed)


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BtcPriceParams:
    """BTC price: ``log S_{j+1} = log S_j + mu/12 + sigma/sqrt(12) x eps_j (+ jumps)``.

    log_drift_per_year : mean log-return per year ``mu`` [1/yr]; the median path grows as
        ``exp(mu t)``; with ``tails = MERTON`` the jumps are compensated so the mean log-return
        stays ``mu``
    vol_per_year : volatility of the diffusive log-return ``sigma`` [1/sqrt(yr)]
    tails : shock distribution (normal, Student-t, Merton jumps)
    student_t_df : degrees of freedom of the Student-t shock (> 2; variance kept at sigma^2)
    jump_intensity_per_year : Merton jump rate ``lambda`` [1/yr]
    jump_mean_log : mean log size of one jump ``mu_J`` [-]
    jump_vol_log : standard deviation of the log size of one jump ``sigma_J`` [-]
    drift_basis : what the drift was set from (a label carried to every output)
    risk_free_rate_per_year : annual effective risk-free rate [1/yr] at which the engine
        discounts the BTC-linked cash flows under the risk-neutral basis (unused otherwise)
    """

    log_drift_per_year: float
    vol_per_year: float
    tails: PriceTails = PriceTails.NORMAL
    student_t_df: float = 5.0
    jump_intensity_per_year: float = 0.0
    jump_mean_log: float = 0.0
    jump_vol_log: float = 0.0
    drift_basis: DriftBasis = DriftBasis.EXPECTED
    risk_free_rate_per_year: float = RISK_FREE_RATE_PER_YEAR

    def __post_init__(self) -> None:
        _require("btc.log_drift_per_year", self.log_drift_per_year, True, "a finite number (1/yr)")
        _require("btc.vol_per_year", self.vol_per_year, self.vol_per_year >= 0, "a number >= 0")
        _require("btc.student_t_df", self.student_t_df, self.student_t_df > 2, "a number > 2")
        _require(
            "btc.jump_intensity_per_year",
            self.jump_intensity_per_year,
            self.jump_intensity_per_year >= 0,
            "a number >= 0 (jumps per year)",
        )
        _require("btc.jump_mean_log", self.jump_mean_log, True, "a finite number")
        _require("btc.jump_vol_log", self.jump_vol_log, self.jump_vol_log >= 0, "a number >= 0")
        rf = self.risk_free_rate_per_year
        _require("btc.risk_free_rate_per_year", rf, -0.05 < rf < 0.5, "a rate in (-0.05, 0.5)")

    @property
    def discounts_btc_at_risk_free(self) -> bool:
        """Whether BTC-linked cash flows are discounted at the risk-free rate (risk-neutral)."""
        return self.drift_basis is DriftBasis.RISK_NEUTRAL

    @property
    def is_random(self) -> bool:
        """Whether the process draws shocks (some volatility or jumps)."""
        jumps = self.tails is PriceTails.MERTON and self.jump_intensity_per_year > 0
        return self.vol_per_year > 0 or jumps


def log_drift_for_expected_growth(
    expected_growth_per_year: float,
    vol_per_year: float,
    tails: PriceTails = PriceTails.NORMAL,
    *,
    jump_intensity_per_year: float = 0.0,
    jump_mean_log: float = 0.0,
    jump_vol_log: float = 0.0,
) -> float:
    """Log drift ``mu`` [1/yr] that makes the *expected* price grow by ``g`` a year.

    Normal shocks: ``E[S_t] = S_0 exp((mu + sigma^2/2) t)``, so ``mu = ln(1 + g) - sigma^2/2``
    (Hull, ch. 14). Merton jumps (compensated in the mean log-return, see
    :func:`merton_jump_increments`) add ``lambda (e^(mu_J + sigma_J^2/2) - 1 - mu_J)`` to the
    growth of the mean, which is taken off (Merton 1976). Student-t shocks have no finite
    ``E[e^(c t)]``: the normal case's drift is used (the median path is the same).
    """
    _require(
        "expected_growth_per_year",
        expected_growth_per_year,
        expected_growth_per_year > -1,
        "a growth rate > -1 (e.g. 0.10 = +10%/yr)",
    )
    mu = math.log1p(expected_growth_per_year) - 0.5 * vol_per_year**2
    if tails is PriceTails.MERTON:
        mean_jump = math.exp(jump_mean_log + 0.5 * jump_vol_log**2) - 1.0
        mu -= jump_intensity_per_year * (mean_jump - jump_mean_log)
    return mu


def risk_neutral_growth_per_year(
    spot_price_usd: float, forward_price_usd: float, forward_months: float
) -> float:
    """Growth of the mean price a year [-] that makes ``E[S_T] = F``: ``(F/S_0)^(12/T) - 1``.

    Under the risk-neutral measure the forward price is the expected spot at its date (no
    margin or convenience yield; Hull ch. 5): ``F = E_Q[S_T]``, and a forward struck at ``F``
    is worth ``e^(-rT) E_Q[S_T - F] = 0`` today.
    """
    _require("btc_price_usd", spot_price_usd, spot_price_usd > 0, "a price > 0")
    _require("btc_forward_price_usd", forward_price_usd, forward_price_usd > 0, "a price > 0")
    _require("btc_forward_months", forward_months, forward_months > 0, "a number of months > 0")
    return float((forward_price_usd / spot_price_usd) ** (MONTHS_PER_YEAR / forward_months) - 1)


def log_drift_for_basis(
    basis: DriftBasis,
    growth_per_year: float,
    vol_per_year: float,
    tails: PriceTails = PriceTails.NORMAL,
    *,
    jump_intensity_per_year: float = 0.0,
    jump_mean_log: float = 0.0,
    jump_vol_log: float = 0.0,
) -> float:
    """Log drift ``mu`` [1/yr] for a growth ``g`` on ``basis``: the median path grows
    ``ln(1 + g)`` (compensated jumps keep the mean log-return at ``mu``); the expected and
    risk-neutral bases make the mean grow ``g`` (:func:`log_drift_for_expected_growth`; for
    risk-neutral, ``g`` from :func:`risk_neutral_growth_per_year`)."""
    if basis is DriftBasis.MEDIAN:
        _require("median_growth_per_year", growth_per_year, growth_per_year > -1, "a rate > -1")
        return math.log1p(growth_per_year)
    return log_drift_for_expected_growth(
        growth_per_year,
        vol_per_year,
        tails,
        jump_intensity_per_year=jump_intensity_per_year,
        jump_mean_log=jump_mean_log,
        jump_vol_log=jump_vol_log,
    )


def expected_growth_per_year(btc: BtcPriceParams) -> float:
    """The growth of the expected price a year [-] that ``btc``'s log drift implies: the
    inverse of :func:`log_drift_for_expected_growth` (Student-t tails: the normal case's)."""
    growth = btc.log_drift_per_year + 0.5 * btc.vol_per_year**2
    if btc.tails is PriceTails.MERTON:
        mean_jump = math.exp(btc.jump_mean_log + 0.5 * btc.jump_vol_log**2) - 1.0
        growth += btc.jump_intensity_per_year * (mean_jump - btc.jump_mean_log)
    return math.expm1(growth)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeanRevertingParams:
    """A transformed level ``y`` (log, or logit for a share) reverting to a trending mean.

    ``y_{j+1} = y_j + (1 - phi)(m_j - y_j) + sigma/sqrt(12) eps``, ``phi = exp(-kappa/12)``,
    ``m_j = g(long_run_level) + long_run_log_trend_per_year x j/12`` where ``g`` is the
    transform. The half-life of a deviation is ``ln 2 / kappa`` years.

    long_run_level : the mean level at the start, in the unit of the process it drives
    long_run_log_trend_per_year : trend of the transformed mean [1/yr] (log growth for levels)
    reversion_per_year : ``kappa`` [1/yr]; 0 makes a random walk with drift
    vol_per_year : volatility of the transformed level [1/sqrt(yr)]
    """

    long_run_level: float
    long_run_log_trend_per_year: float
    reversion_per_year: float
    vol_per_year: float

    def __post_init__(self) -> None:
        _require("long_run_level", self.long_run_level, self.long_run_level > 0, "a number > 0")
        t = self.long_run_log_trend_per_year
        _require("long_run_log_trend_per_year", t, True, "a finite number (1/yr)")
        k = self.reversion_per_year
        _require("reversion_per_year", k, k >= 0, "a number >= 0 (1/yr)")
        _require("vol_per_year", self.vol_per_year, self.vol_per_year >= 0, "a number >= 0")

    @property
    def persistence_per_month(self) -> float:
        """``phi = exp(-kappa / 12)``: the share of a deviation left after one month [-]."""
        return math.exp(-self.reversion_per_year / MONTHS_PER_YEAR)


def gpu_decay_log_trend_per_year(
    decay_per_generation_frac: float, generation_years: float
) -> float:
    """Log trend [1/yr] of a GPU's rental rate that loses ``decay`` of its value per generation.

    ``ln(1 - decay_per_generation_frac) / generation_years``; e.g. 35% per 2-year generation
    gives ``ln(0.65) / 2 = -0.215``/yr (-19.4%/yr).
    """
    _require(
        "decay_per_generation_frac",
        decay_per_generation_frac,
        0 <= decay_per_generation_frac < 1,
        "a fraction in [0, 1)",
    )
    _require("generation_years", generation_years, generation_years > 0, "a number > 0 (years)")
    return math.log1p(-decay_per_generation_frac) / generation_years


# --------------------------------------------------------------------------------------------
# Recursions. Month-major layout: arrays are (months, paths) so that each month's update reads and
# writes one contiguous row (the recursion loops over months only, with numpy ops across all
# paths); :func:`hashpivot.market.scenarios.simulate` transposes the results to (paths, months).
# --------------------------------------------------------------------------------------------


def log_price_paths(
    log_price0: float,
    shocks: FloatArray | None,
    log_drift_per_month: float,
    vol_per_month: float,
    paths: int,
    steps: int,
    extra_increments: FloatArray | None = None,
) -> FloatArray:
    """Log price, month-major ``(steps + 1, paths)``: ``y_0 = log S_0``,
    ``y_{j+1} = y_j + mu_m + s_m e_{j+1} (+ jump_{j+1})``.

    ``shocks`` are unit-variance shocks ``(steps, paths)`` (None when there are none);
    ``extra_increments`` (e.g. compensated jumps) have the same shape. Zero volatility gives
    exactly ``log S_0 + mu_m j``.
    """
    out = np.empty((steps + 1, paths))
    out[0] = log_price0
    if steps == 0:
        return out
    if shocks is None and extra_increments is None:
        out[1:] = (log_price0 + log_drift_per_month * np.arange(1, steps + 1))[:, None]
        return out
    inc = out[1:]
    if shocks is None:
        inc[...] = log_drift_per_month
    else:
        np.multiply(shocks, vol_per_month, out=inc)
        inc += log_drift_per_month
    if extra_increments is not None:
        inc += extra_increments
    np.cumsum(out, axis=0, out=out)
    return out


def mean_reverting_paths(
    y0: float,
    shocks: FloatArray | None,
    long_run: FloatArray,
    persistence_per_month: float,
    vol_per_month: float,
    paths: int,
) -> FloatArray:
    """Transformed level, month-major ``(steps + 1, paths)``:
    ``y_{j+1} = phi y_j + (1 - phi) m_j + s_m e_{j+1}``.

    ``long_run`` is the transformed mean ``m`` per month ``(steps + 1,)``; ``phi`` the
    persistence per month (1 = random walk); ``shocks`` ``(steps, paths)`` or None. Zero
    volatility gives the deterministic recursion on every path.
    """
    steps = long_run.shape[0] - 1
    phi = persistence_per_month
    out = np.empty((steps + 1, paths))
    out[0] = y0
    if steps == 0:
        return out
    drive = (1.0 - phi) * long_run[:-1]
    if shocks is None:
        out[1:] = drive[:, None]
    else:
        np.multiply(shocks, vol_per_month, out=out[1:])
        out[1:] += drive[:, None]
    for j in range(steps):
        out[j + 1] += phi * out[j]
    return out


def log_revenue_ph_day(
    btc_price_usd: FloatArray, subsidy_btc_per_block: FloatArray, fee_share_frac: FloatArray
) -> FloatArray:
    """``r = log(144 x (subsidy + fees) x price / 1000)``: log of the network's daily revenue
    [USD/day] divided by 1000, so that log hashprice [USD/PH/s/day] = ``r - log H[EH/s]``.

    Fees from the fee share ``f``: ``subsidy + fees = subsidy / (1 - f)``.
    """
    rev = (BLOCKS_PER_DAY / PH_PER_EH) * subsidy_btc_per_block / (1.0 - fee_share_frac)
    return np.asarray(np.log(rev * btc_price_usd), dtype=np.float64)


def hashprice_from_hashrate(
    btc_price_usd: ArrayLike,
    network_hashrate_eh_s: ArrayLike,
    subsidy_btc_per_block: ArrayLike,
    fees_btc_per_block: ArrayLike,
) -> FloatArray:
    """Hashprice [USD per PH/s per day] = ``144 x (subsidy + fees) x price / (1000 x H[EH/s])``.

    Luxor's definition ``86,400 x 1e15 x (subsidy + fees) x price / (difficulty x 2^32)`` with
    the 600-s identity ``difficulty x 2^32 = H[H/s] x 600``.
    """
    rev = np.asarray(subsidy_btc_per_block, dtype=np.float64) + np.asarray(fees_btc_per_block)
    num = BLOCKS_PER_DAY * rev * np.asarray(btc_price_usd, dtype=np.float64)
    return np.asarray(num / (PH_PER_EH * np.asarray(network_hashrate_eh_s)), dtype=np.float64)
