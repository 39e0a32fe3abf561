"""Fit the market processes to history: pure functions over numpy arrays (no file I/O).

The caller reads the daily history (``btc_daily.csv``: date, price_usd, hashrate_ths, fees_usd,
issuance_usd) and passes arrays; :func:`calibrate_market` returns a frozen
:class:`MarketCalibration` with every fitted parameter, its standard error, the window used and
:meth:`MarketCalibration.as_dict` ready to print.

Monthly data: the price is the last daily close of each calendar month (log-returns month end to
month end); hashrate is the monthly mean of the daily estimate (its block luck averages out);
hashprice is the month's miner revenue (subsidy + fees, USD) / days / mean hashrate [USD/PH/day].
Months with fewer than ``min_days`` observed days (the partial first/last) are dropped.

Standard errors: OLS classical (homoskedastic) errors for the regressions, delta method for
derived quantities, inverse observed Fisher information (numerical Hessian) for the MLEs.
See docs/methodology.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

from hashpivot.errors import InputError
from hashpivot.market.processes import (
    MONTHS_PER_YEAR,
    BtcPriceParams,
    HashrateParams,
    MeanRevertingParams,
    PriceTails,
)
from hashpivot.types import FloatArray

SQRT12 = math.sqrt(MONTHS_PER_YEAR)


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """A fitted value and its standard error (same unit)."""

    value: float
    std_error: float

    def __str__(self) -> str:
        return f"{self.value:.4g} ± {self.std_error:.2g}"


# --------------------------------------------------------------------------------------------
# Monthly aggregation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthlySeries:
    """Calendar-month aggregates of a daily history.

    month : first day of each month, ``datetime64[M]``
    days : observed days in the month [-]
    btc_price_usd : last daily price of the month [USD/BTC]
    hashrate_eh_s : mean daily hashrate [EH/s]
    revenue_usd : miner revenue, subsidy + fees, summed over the month [USD]
    fees_usd : fees summed over the month [USD]
    """

    month: NDArray[np.datetime64]
    days: NDArray[np.int64]
    btc_price_usd: FloatArray
    hashrate_eh_s: FloatArray
    revenue_usd: FloatArray
    fees_usd: FloatArray

    @property
    def hashprice_usd_per_ph_day(self) -> FloatArray:
        """Revenue / days / (1000 x hashrate[EH/s]) [USD per PH/s per day]."""
        return self.revenue_usd / self.days / (1000.0 * self.hashrate_eh_s)

    @property
    def fee_share_frac(self) -> FloatArray:
        """Fees / (subsidy + fees) [0-1]."""
        return self.fees_usd / self.revenue_usd


def monthly_series(
    dates: ArrayLike,
    btc_price_usd: ArrayLike,
    hashrate_ths: ArrayLike,
    fees_usd: ArrayLike,
    issuance_usd: ArrayLike,
    *,
    since: date | None = None,
    until: date | None = None,
    min_days: int = 28,
) -> MonthlySeries:
    """Aggregate daily rows (sorted by date, one per day) into calendar months in a window.

    ``since``/``until`` bound the daily dates (inclusive); months with fewer than ``min_days``
    days inside the window are dropped.
    """
    d = np.asarray(dates, dtype="datetime64[D]")
    arrays = [np.asarray(a, dtype=np.float64) for a in (btc_price_usd, hashrate_ths, fees_usd)]
    arrays.append(np.asarray(issuance_usd, dtype=np.float64))
    if any(a.shape != d.shape for a in arrays):
        raise InputError("arrays", [a.shape for a in arrays], f"one value per date, {d.shape}")
    if d.size > 1 and np.any(np.diff(d) <= np.timedelta64(0, "D")):
        raise InputError("dates", "unsorted or repeated", "strictly increasing daily dates")
    keep = np.ones(d.shape, dtype=bool)
    if since is not None:
        keep &= d >= np.datetime64(since, "D")
    if until is not None:
        keep &= d <= np.datetime64(until, "D")
    d = d[keep]
    price, hr, fees, iss = (a[keep] for a in arrays)
    if d.size == 0:
        raise InputError("window", (since, until), "a window containing daily rows")
    m = d.astype("datetime64[M]")
    month, first = np.unique(m, return_index=True)
    counts = np.diff(np.append(first, d.size))
    last = first + counts - 1
    rev = fees + iss
    ok = counts >= min_days
    return MonthlySeries(
        month=month[ok],
        days=counts[ok].astype(np.int64),
        btc_price_usd=price[last][ok],
        hashrate_eh_s=(np.add.reduceat(hr, first) / counts / 1e6)[ok],
        revenue_usd=np.add.reduceat(rev, first)[ok],
        fees_usd=np.add.reduceat(fees, first)[ok],
    )


# --------------------------------------------------------------------------------------------
# Regression helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OlsResult:
    """Ordinary least squares ``y = X b + e``: coefficients, covariance, residuals."""

    coef: FloatArray
    cov: FloatArray
    residuals: FloatArray
    sigma: float
    r_squared: float
    n: int


def ols(y: FloatArray, x: FloatArray) -> OlsResult:
    """OLS with classical standard errors: ``b = (X'X)^-1 X'y``, ``cov = s^2 (X'X)^-1``,
    ``s^2 = e'e / (n - p)``."""
    n, p = x.shape
    if n <= p:
        raise InputError("observations", n, f"more than {p} observations")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    e = y - x @ coef
    s2 = float(e @ e) / (n - p)
    cov = s2 * np.linalg.inv(x.T @ x)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(e @ e) / tss if tss > 0 else 0.0
    return OlsResult(
        coef=np.asarray(coef, dtype=np.float64),
        cov=cov,
        residuals=e,
        sigma=math.sqrt(s2),
        r_squared=r2,
        n=n,
    )


def _delta_se(grad: FloatArray, cov: FloatArray) -> float:
    """Delta-method standard error ``sqrt(g' C g)``."""
    return math.sqrt(max(float(grad @ cov @ grad), 0.0))


def _hessian(
    f: Callable[[FloatArray], float], theta: FloatArray, rel_step: float = 1e-4
) -> FloatArray:
    """Central finite-difference Hessian of a scalar function."""
    k = theta.size
    h = rel_step * np.maximum(np.abs(theta), 1.0)
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.zeros(k), np.zeros(k)
            ei[i], ej[j] = h[i], h[j]
            v = (
                f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej) + f(theta - ei - ej)
            ) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = v
    return out


def _mle_cov(nll: Callable[[FloatArray], float], theta: FloatArray) -> FloatArray:
    """Inverse observed information at the MLE (NaN where the Hessian is singular)."""
    try:
        return np.asarray(np.linalg.inv(_hessian(nll, theta)), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.full((theta.size, theta.size), np.nan)


# --------------------------------------------------------------------------------------------
# BTC price
# --------------------------------------------------------------------------------------------


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


def fit_btc_price(month_end_btc_price_usd: ArrayLike) -> BtcPriceFit:
    """Fit the BTC price process to month-end prices [USD/BTC] (consecutive months).

    GBM moments: ``mu = 12 mean(r)``, SE ``12 sd / sqrt(n)``; ``sigma = sqrt(12) sd``, SE
    ``sigma sqrt((kurt - 1) / (4 n))`` (the delta method on the sample variance, with ``kurt``
    the sample kurtosis, = ``sigma / sqrt(2n)`` for normal returns).
    """
    p = np.asarray(month_end_btc_price_usd, dtype=np.float64)
    if p.ndim != 1 or p.size < 13 or np.any(p <= 0):
        raise InputError("month_end_btc_price_usd", p.shape, "at least 13 positive prices")
    r = np.diff(np.log(p))
    n = r.size
    sd = float(np.std(r, ddof=1))
    kurt = float(stats.kurtosis(r, fisher=False))
    mu = Estimate(value=float(np.mean(r)) * 12, std_error=12 * sd / math.sqrt(n))
    vol = Estimate(value=sd * SQRT12, std_error=sd * SQRT12 * math.sqrt(max(kurt - 1, 0) / (4 * n)))
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


# --------------------------------------------------------------------------------------------
# Hashrate response (error-correction model)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class HashrateFit:
    """The hashrate error-correction model fitted by OLS on monthly data.

    Regression: ``dh_t = c0 + c1 tau_{t-1} + alpha x_{t-1} + beta dx_{t-1} + e_t`` with ``h`` log
    hashrate, ``x`` log hashprice, ``tau`` years since the first month of the window. Mapped to
    the model ``dh_t = alpha (x_{t-1} - xbar(tau_{t-1})) + beta dx_{t-1} + e_t`` by
    ``xbar(tau) = -(c0 + c1 tau) / alpha``; the trend ``d = -c1 / alpha``.

    gap_speed_per_month : ``alpha`` [1/month]
    hashprice_change_response : ``beta`` [-]
    gap_half_life_months : ``ln 2 / -ln(1 - alpha)`` [months]
    equilibrium_hashprice_usd_per_ph_day : ``exp(xbar)`` at the last month of the window
    equilibrium_hashprice_log_trend_per_year : ``d`` [1/yr]
    vol_per_year : residual sd x sqrt(12) [1/sqrt(yr)]
    residuals : e_t, one per month from the third month of the window
    """

    gap_speed_per_month: Estimate
    hashprice_change_response: Estimate
    gap_half_life_months: Estimate
    equilibrium_hashprice_usd_per_ph_day: Estimate
    equilibrium_hashprice_log_trend_per_year: Estimate
    vol_per_year: Estimate
    r_squared: float
    n_months: int
    residuals: FloatArray

    def to_params(self, *, months_after_window: float = 0.0) -> HashrateParams:
        """Process parameters; the equilibrium hashprice is carried ``months_after_window``
        months past the last month of the window along its trend."""
        d = self.equilibrium_hashprice_log_trend_per_year.value
        eq = self.equilibrium_hashprice_usd_per_ph_day.value * math.exp(
            d * months_after_window / 12
        )
        return HashrateParams(
            gap_speed_per_month=self.gap_speed_per_month.value,
            hashprice_change_response=self.hashprice_change_response.value,
            equilibrium_hashprice_usd_per_ph_day=eq,
            equilibrium_hashprice_log_trend_per_year=d,
            vol_per_year=self.vol_per_year.value,
        )


def fit_hashrate_response(
    hashrate_eh_s: ArrayLike, hashprice_usd_per_ph_day: ArrayLike
) -> HashrateFit:
    """Fit the error-correction model to consecutive monthly hashrate and hashprice."""
    h = np.log(np.asarray(hashrate_eh_s, dtype=np.float64))
    x = np.log(np.asarray(hashprice_usd_per_ph_day, dtype=np.float64))
    if h.shape != x.shape or h.ndim != 1 or h.size < 12:
        raise InputError("hashrate_eh_s", h.shape, "at least 12 months, same shape as hashprice")
    t = np.arange(2, h.size)  # months with a lagged change available
    y = h[t] - h[t - 1]
    tau = (t - 1) / 12.0
    X = np.column_stack([np.ones(t.size), tau, x[t - 1], x[t - 1] - x[t - 2]])
    fit = ols(y, X)
    c0, c1, a, b = (float(v) for v in fit.coef)
    cov = fit.cov
    tau_end = (h.size - 1) / 12.0
    if a <= 0:
        # no error correction in this window: the equilibrium and half-life are undefined
        nan = Estimate(value=math.nan, std_error=math.nan)
        hl_e = Estimate(value=math.inf, std_error=math.nan)
        eq_e, d_e = nan, nan
    else:
        hl = math.log(2) / -math.log1p(-a)
        g_hl = math.log(2) / (math.log1p(-a) ** 2 * (1 - a))
        hl_e = Estimate(value=hl, std_error=g_hl * math.sqrt(cov[2, 2]))
        # equilibrium at the last month of the window: xbar = -(c0 + c1 tau_end) / a
        xbar = -(c0 + c1 * tau_end) / a
        g_x = np.array([-1 / a, -tau_end / a, (c0 + c1 * tau_end) / a**2, 0.0])
        eq = math.exp(xbar)
        eq_e = Estimate(value=eq, std_error=eq * _delta_se(g_x, cov))
        g_d = np.array([0.0, -1 / a, c1 / a**2, 0.0])
        d_e = Estimate(value=-c1 / a, std_error=_delta_se(g_d, cov))
    n = fit.n
    return HashrateFit(
        gap_speed_per_month=Estimate(value=a, std_error=math.sqrt(cov[2, 2])),
        hashprice_change_response=Estimate(value=b, std_error=math.sqrt(cov[3, 3])),
        gap_half_life_months=hl_e,
        equilibrium_hashprice_usd_per_ph_day=eq_e,
        equilibrium_hashprice_log_trend_per_year=d_e,
        vol_per_year=Estimate(
            value=fit.sigma * SQRT12, std_error=fit.sigma * SQRT12 / math.sqrt(2 * (n - 4))
        ),
        r_squared=fit.r_squared,
        n_months=n,
        residuals=fit.residuals,
    )


# --------------------------------------------------------------------------------------------
# Mean reversion (AR(1) in a transformed level)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MeanRevertingFit:
    """AR(1) ``y_{t+1} = c + phi y_t + e`` on a transformed monthly level (log or logit).

    long_run_transformed : ``c / (1 - phi)``, the mean of ``y``
    reversion_per_year : ``kappa = -12 ln(phi)`` [1/yr]
    vol_per_year : residual sd x sqrt(12)
    """

    long_run_transformed: Estimate
    reversion_per_year: Estimate
    vol_per_year: Estimate
    n_months: int
    residuals: FloatArray

    def to_params(
        self, *, transform: str = "log", log_trend_per_year: float = 0.0
    ) -> MeanRevertingParams:
        """Process parameters; ``transform`` ("log" or "logit") maps the mean back to a level."""
        m = self.long_run_transformed.value
        level = math.exp(m) if transform == "log" else float(special.expit(m))
        return MeanRevertingParams(
            long_run_level=level,
            long_run_log_trend_per_year=log_trend_per_year,
            reversion_per_year=max(self.reversion_per_year.value, 0.0),
            vol_per_year=self.vol_per_year.value,
        )


def fit_mean_reverting(y: ArrayLike) -> MeanRevertingFit:
    """Fit an AR(1) to a consecutive monthly transformed series (OLS, delta-method SEs)."""
    v = np.asarray(y, dtype=np.float64)
    if v.ndim != 1 or v.size < 12:
        raise InputError("y", v.shape, "at least 12 consecutive months")
    X = np.column_stack([np.ones(v.size - 1), v[:-1]])
    fit = ols(v[1:], X)
    c, phi = (float(t) for t in fit.coef)
    if not 0 < phi < 1:
        raise InputError("persistence", phi, "an AR(1) coefficient in (0, 1) (mean reversion)")
    mean = c / (1 - phi)
    g_m = np.array([1 / (1 - phi), c / (1 - phi) ** 2])
    kappa = -12 * math.log(phi)
    g_k = np.array([0.0, -12 / phi])
    n = fit.n
    return MeanRevertingFit(
        long_run_transformed=Estimate(value=mean, std_error=_delta_se(g_m, fit.cov)),
        reversion_per_year=Estimate(value=kappa, std_error=_delta_se(g_k, fit.cov)),
        vol_per_year=Estimate(
            value=fit.sigma * SQRT12, std_error=fit.sigma * SQRT12 / math.sqrt(2 * (n - 2))
        ),
        n_months=n,
        residuals=fit.residuals,
    )


# --------------------------------------------------------------------------------------------
# Everything
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketCalibration:
    """The fitted market: price, hashrate response, fee share, and their shock correlations.

    window_start, window_end : first and last calendar month used
    correlation : residual correlations, order (btc_price, hashrate, fee_share), over the
        months the three residual series share
    """

    window_start: date
    window_end: date
    btc_price: BtcPriceFit
    hashrate: HashrateFit
    fee_share: MeanRevertingFit
    correlation: tuple[tuple[float, ...], ...]
    last_hashprice_usd_per_ph_day: float

    def as_dict(self) -> dict[str, Any]:
        """Flat ``{name: value or "value ± se"}`` mapping, ready to print."""
        out: dict[str, Any] = {
            "window": f"{self.window_start:%Y-%m} .. {self.window_end:%Y-%m}",
            "months": self.btc_price.n_months + 1,
        }
        b = self.btc_price
        out |= {
            "btc.log_drift_per_year": str(b.log_drift_per_year),
            "btc.vol_per_year": str(b.vol_per_year),
            "btc.excess_kurtosis": round(b.excess_kurtosis, 3),
            "btc.skewness": round(b.skewness, 3),
            "btc.student_t_df": (
                str(b.student_t_df) if b.student_t_df.value < 1000 else "> 1000 (normal tails)"
            ),
            "btc.merton_vol_per_year": str(b.merton_vol_per_year),
            "btc.jump_intensity_per_year": str(b.jump_intensity_per_year),
            "btc.jump_mean_log": str(b.jump_mean_log),
            "btc.jump_vol_log": str(b.jump_vol_log),
        }
        h = self.hashrate
        out |= {
            "hashrate.gap_speed_per_month": str(h.gap_speed_per_month),
            "hashrate.gap_half_life_months": str(h.gap_half_life_months),
            "hashrate.hashprice_change_response": str(h.hashprice_change_response),
            "hashrate.equilibrium_hashprice_usd_per_ph_day": str(
                h.equilibrium_hashprice_usd_per_ph_day
            ),
            "hashrate.equilibrium_hashprice_log_trend_per_year": str(
                h.equilibrium_hashprice_log_trend_per_year
            ),
            "hashrate.vol_per_year": str(h.vol_per_year),
            "hashrate.r_squared": round(h.r_squared, 3),
            "hashprice_last_month_usd_per_ph_day": round(self.last_hashprice_usd_per_ph_day, 2),
        }
        f = self.fee_share
        out |= {
            "fee_share.long_run_frac": round(float(special.expit(f.long_run_transformed.value)), 4),
            "fee_share.long_run_logit": str(f.long_run_transformed),
            "fee_share.reversion_per_year": str(f.reversion_per_year),
            "fee_share.vol_per_year": str(f.vol_per_year),
        }
        c = self.correlation
        out |= {
            "corr.btc_hashrate": round(c[0][1], 3),
            "corr.btc_fee_share": round(c[0][2], 3),
            "corr.hashrate_fee_share": round(c[1][2], 3),
        }
        return out

    def market_table(self) -> dict[str, Any]:
        """The fitted values as keys of the site file's ``[market]`` table (docs/site-file.md).

        Left out on purpose: the BTC drift (a past mean log-return is not a forecast: the table
        keeps the expected growth of the default, +10%/yr) and today's levels. Tails are
        Student-t where the fitted df is below 30, else normal. The equilibrium hashprice is
        the fit's at the window's last month.
        """
        b, h, f = self.btc_price, self.hashrate, self.fee_share
        out: dict[str, Any] = {"btc_vol_per_year": round(b.vol_per_year.value, 4)}
        if b.student_t_df.value < 30:
            out |= {"btc_tails": "student_t", "btc_student_t_df": round(b.student_t_df.value, 2)}
        else:
            out["btc_tails"] = "normal"
        out |= {
            "hashrate_gap_speed_per_month": round(h.gap_speed_per_month.value, 4),
            "hashrate_hashprice_change_response": round(h.hashprice_change_response.value, 4),
            "equilibrium_hashprice_usd_per_ph_day": round(
                h.equilibrium_hashprice_usd_per_ph_day.value, 2
            ),
            "equilibrium_hashprice_trend_per_year": round(
                h.equilibrium_hashprice_log_trend_per_year.value, 4
            ),
            "hashrate_vol_per_year": round(h.vol_per_year.value, 4),
            "fee_share_long_run_frac": round(float(special.expit(f.long_run_transformed.value)), 4),
            "fee_share_reversion_per_year": round(max(f.reversion_per_year.value, 0.0), 4),
            "fee_share_vol_per_year": round(f.vol_per_year.value, 4),
        }
        c = self.correlation
        out["correlation"] = {
            "btc_price:hashrate": round(c[0][1], 3),
            "btc_price:fee_share": round(c[0][2], 3),
            "hashrate:fee_share": round(c[1][2], 3),
        }
        return out


def _month_date(m: np.datetime64) -> date:
    return date.fromisoformat(str(m.astype("datetime64[D]")))


def calibrate_market(
    dates: ArrayLike,
    btc_price_usd: ArrayLike,
    hashrate_ths: ArrayLike,
    fees_usd: ArrayLike,
    issuance_usd: ArrayLike,
    *,
    since: date | None = date(2017, 1, 1),
    until: date | None = None,
) -> MarketCalibration:
    """Fit price, hashrate response and fee share on the daily history in ``[since, until]``.

    Default window: from 2017-01-01 (after the second halving, the era of industrial ASIC
    mining) to the end of the data.
    """
    ms = monthly_series(
        dates, btc_price_usd, hashrate_ths, fees_usd, issuance_usd, since=since, until=until
    )
    months_int = ms.month.astype(np.int64)
    if np.any(np.diff(months_int) != 1):
        raise InputError("window", (since, until), "consecutive complete months (a gap was found)")
    price = fit_btc_price(ms.btc_price_usd)
    hp = ms.hashprice_usd_per_ph_day
    hr = fit_hashrate_response(ms.hashrate_eh_s, hp)
    fee = fit_mean_reverting(special.logit(ms.fee_share_frac))
    # residuals aligned on the months t = 2 .. n-1 (the hashrate regression starts at t = 2)
    r_price = np.diff(np.log(ms.btc_price_usd))[1:]
    r_price = r_price - r_price.mean()
    r_fee = fee.residuals[1:]
    corr = np.corrcoef(np.vstack([r_price, hr.residuals, r_fee]))
    return MarketCalibration(
        window_start=_month_date(ms.month[0]),
        window_end=_month_date(ms.month[-1]),
        btc_price=price,
        hashrate=hr,
        fee_share=fee,
        correlation=tuple(tuple(float(v) for v in row) for row in corr),
        last_hashprice_usd_per_ph_day=float(hp[-1]),
    )
