"""The BTC price fit: monthly log-returns fitted three ways (GBM moments, Student-t MLE, Merton
MLE). See docs/methodology.md."""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special, stats

from hashpivot.errors import InputError
from hashpivot.market.fitting import Estimate, _mle_cov
from hashpivot.market.processes import (
    MONTHS_PER_YEAR,
    BtcPriceParams,
    PriceTails,
)
from hashpivot.types import FloatArray

SQRT12 = math.sqrt(MONTHS_PER_YEAR)


@dataclass(frozen=True, slots=True, kw_only=True)
class BtcPriceFit:
    """Monthly BTC log-returns fitted three ways (GBM moments, Student-t MLE, Merton MLE).

    log_drift_per_year : 12 x mean monthly log-return [1/yr]
    vol_per_year : sqrt(12) x sample sd of monthly log-returns [1/sqrt(yr)]
    excess_kurtosis, skewness : of the monthly log-returns [-]
    student_t_df : MLE degrees of freedom of a location-scale Student-t [-]
    jump_* : Merton MLE (diffusive vol, jumps per year, mean and sd of the log jump)
    n_months : number of monthly returns used
    """

    log_drift_per_year: Estimate
    vol_per_year: Estimate
    excess_kurtosis: float
    skewness: float
    student_t_df: Estimate
    merton_vol_per_year: Estimate
    jump_intensity_per_year: Estimate
    jump_mean_log: Estimate
    jump_vol_log: Estimate
    n_months: int

    def to_params(
        self, *, tails: PriceTails = PriceTails.NORMAL, log_drift_per_year: float | None = None
    ) -> BtcPriceParams:
        """Process parameters from the fit. The historical mean log-return is a poor forecast
        (its standard error is ~vol/sqrt(years)); pass ``log_drift_per_year`` to override."""
        mu = self.log_drift_per_year.value if log_drift_per_year is None else log_drift_per_year
        if tails is PriceTails.MERTON:
            return BtcPriceParams(
                log_drift_per_year=mu,
                vol_per_year=self.merton_vol_per_year.value,
                tails=tails,
                jump_intensity_per_year=self.jump_intensity_per_year.value,
                jump_mean_log=self.jump_mean_log.value,
                jump_vol_log=self.jump_vol_log.value,
            )
        return BtcPriceParams(
            log_drift_per_year=mu,
            vol_per_year=self.vol_per_year.value,
            tails=tails,
            student_t_df=max(self.student_t_df.value, 2.5),
        )


def _fit_student_t(r: FloatArray) -> Estimate:
    """MLE of the degrees of freedom of a location-scale Student-t, SE from the Hessian in
    ``log(df - 2)`` mapped back by the delta method."""
    s0 = float(np.std(r, ddof=1))

    def nll(th: FloatArray) -> float:
        df = 2.0 + math.exp(th[0])
        return -float(np.sum(stats.t.logpdf(r, df, loc=th[1], scale=math.exp(th[2]))))

    best = None
    for df0 in (3.0, 6.0, 20.0):
        th0 = np.array([math.log(df0 - 2.0), float(np.mean(r)), math.log(s0)])
        res = optimize.minimize(
            nll, th0, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    th = np.asarray(best.x, dtype=np.float64)
    th[0] = min(th[0], math.log(1e4))  # df beyond 1e4 is a normal
    cov = _mle_cov(nll, th)
    df = 2.0 + math.exp(th[0])
    return Estimate(value=df, std_error=(df - 2.0) * math.sqrt(abs(cov[0, 0])))


def merton_logpdf(
    r: FloatArray,
    mu_per_month: float,
    vol_per_month: float,
    intensity_per_month: float,
    jump_mean_log: float,
    jump_vol_log: float,
    max_jumps: int = 12,
) -> FloatArray:
    """Log density of a monthly Merton log-return with compensated jumps [-].

    ``r = mu + s Z + sum_{i<=N} Y_i - lambda mu_J``; given ``N = n`` it is normal with mean
    ``mu + n mu_J - lambda mu_J`` and variance ``s^2 + n s_J^2``; mixed over ``Poisson(lambda)``
    truncated at ``max_jumps`` (Merton 1976, eq. 16).
    """
    n = np.arange(max_jumps + 1)[:, None]
    logw = stats.poisson.logpmf(n, intensity_per_month)
    mean = mu_per_month + (n - intensity_per_month) * jump_mean_log
    sd = np.sqrt(vol_per_month**2 + n * jump_vol_log**2)
    return np.asarray(special.logsumexp(logw + stats.norm.logpdf(r[None, :], mean, sd), axis=0))


def _fit_merton(r: FloatArray) -> tuple[Estimate, Estimate, Estimate, Estimate]:
    """MLE of (diffusive vol, intensity, jump mean, jump vol), monthly drift fixed at the mean.

    Returns annualised diffusive vol and intensity, and the jump moments; with few months the
    jump parameters are weakly identified (large standard errors)."""
    mu = float(np.mean(r))
    s0 = float(np.std(r, ddof=1))

    def nll(th: FloatArray) -> float:
        return -float(
            np.sum(merton_logpdf(r, mu, math.exp(th[0]), math.exp(th[1]), th[2], math.exp(th[3])))
        )

    best = None
    for lam0, mj0 in ((0.1, -0.3), (0.5, 0.0), (0.05, 0.4)):
        th0 = np.array([math.log(0.8 * s0), math.log(lam0), mj0, math.log(0.5 * s0 + 0.05)])
        res = optimize.minimize(
            nll, th0, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 8000}
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    th = np.asarray(best.x, dtype=np.float64)
    th[1] = max(th[1], math.log(1e-6))
    cov = _mle_cov(nll, th)
    se = np.sqrt(np.abs(np.diag(cov)))
    vol, lam, sj = math.exp(th[0]), math.exp(th[1]), math.exp(th[3])
    return (
        Estimate(value=vol * SQRT12, std_error=vol * SQRT12 * float(se[0])),
        Estimate(value=lam * MONTHS_PER_YEAR, std_error=lam * MONTHS_PER_YEAR * float(se[1])),
        Estimate(value=float(th[2]), std_error=float(se[2])),
        Estimate(value=sj, std_error=sj * float(se[3])),
    )


#: Working (1960): first differences of the averages of a random walk over consecutive equal
#: periods have 2/3 of the variance of the point-to-point differences (and a lag-1
#: autocorrelation of 1/4), so the point volatility is sqrt(3/2) x that of the averages.
WORKING_VOL_FACTOR = math.sqrt(1.5)


def fit_btc_price(month_end_btc_price_usd: ArrayLike, *, averaged: bool = False) -> BtcPriceFit:
    """Fit the BTC price process to monthly prices [USD/BTC] (consecutive months).

    GBM moments: ``mu = 12 mean(r)``, SE ``12 sd / sqrt(n)``; ``sigma = sqrt(12) sd``, SE
    ``sigma sqrt((kurt - 1) / (4 n))`` (the delta method on the sample variance, with ``kurt``
    the sample kurtosis, = ``sigma / sqrt(2n)`` for normal returns). ``averaged``: the prices
    are monthly averages; ``sigma`` (and its SE) is scaled by :data:`WORKING_VOL_FACTOR` so the
    spread of the simulated monthly averages over many months matches the price's own.
    """
    p = np.asarray(month_end_btc_price_usd, dtype=np.float64)
    if p.ndim != 1 or p.size < 13 or np.any(p <= 0):
        raise InputError("month_end_btc_price_usd", p.shape, "at least 13 positive prices")
    r = np.diff(np.log(p))
    n = r.size
    sd = float(np.std(r, ddof=1))
    kurt = float(stats.kurtosis(r, fisher=False))
    mu = Estimate(value=float(np.mean(r)) * 12, std_error=12 * sd / math.sqrt(n))
    s_yr = sd * SQRT12 * (WORKING_VOL_FACTOR if averaged else 1.0)
    vol = Estimate(value=s_yr, std_error=s_yr * math.sqrt(max(kurt - 1, 0) / (4 * n)))
    mvol, lam, mj, sj = _fit_merton(r)
    return BtcPriceFit(
        log_drift_per_year=mu,
        vol_per_year=vol,
        excess_kurtosis=kurt - 3.0,
        skewness=float(stats.skew(r)),
        student_t_df=_fit_student_t(r),
        merton_vol_per_year=mvol,
        jump_intensity_per_year=lam,
        jump_mean_log=mj,
        jump_vol_log=sj,
        n_months=n,
    )
