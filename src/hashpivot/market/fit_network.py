"""The network fits: hashrate error-correction model (with the fleet-efficiency technology
term and the ASIC-pipeline momentum term) and AR(1) mean reversion of a transformed level
(fee share). See docs/methodology.md."""

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from hashpivot.errors import InputError
from hashpivot.market.fitting import Estimate, _delta_se, ols
from hashpivot.market.processes import (
    MOMENTUM_WINDOW_MONTHS,
    MONTHS_PER_YEAR,
    HashrateParams,
    MeanRevertingParams,
)
from hashpivot.types import FloatArray

SQRT12 = math.sqrt(MONTHS_PER_YEAR)
NO_TREND = Estimate(value=0.0, std_error=0.0)  # a free fit: no technology term imposed


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
    equilibrium_hashprice_log_trend_per_year : the whole trend of ``xbar`` [1/yr]: ``d`` of
        the free fit, or the imposed fleet-efficiency trend of :func:`fit_hashrate_with_technology`
    vol_per_year : residual sd x sqrt(12) [1/sqrt(yr)]
    residuals : e_t, one per month from the third month of the window
    fleet_efficiency_log_trend_per_year : the technology term imposed on the fit (0 when free)
    growth_momentum : ``gamma``, the pipeline term (0 when not fitted) [-]
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
    fleet_efficiency_log_trend_per_year: Estimate = NO_TREND
    growth_momentum: Estimate = NO_TREND

    @property
    def residual_autocorrelation(self) -> float:
        """Lag-1 autocorrelation of the residuals [-] (0 with fewer than 3)."""
        e = self.residuals
        if e.size < 3:
            return 0.0
        d = e - e.mean()
        return float(np.dot(d[1:], d[:-1]) / np.dot(d, d))

    def to_params(
        self,
        *,
        months_after_window: float = 0.0,
        parameter_uncertainty: bool = True,
        shock_persistence: bool = True,
    ) -> HashrateParams:
        """Process parameters; the equilibrium hashprice is carried ``months_after_window``
        months past the last month of the window along its trend. ``parameter_uncertainty``:
        the standard errors of ``alpha``, ``log(equilibrium)`` (``se(eq) / eq``, delta
        method) and the trend go along (drawn per path); ``shock_persistence``: the shock is
        AR(1) with the residuals' lag-1 autocorrelation."""
        d = self.equilibrium_hashprice_log_trend_per_year.value
        e = self.fleet_efficiency_log_trend_per_year.value
        eq = self.equilibrium_hashprice_usd_per_ph_day.value * math.exp(
            d * months_after_window / 12
        )
        params = HashrateParams(
            gap_speed_per_month=self.gap_speed_per_month.value,
            hashprice_change_response=self.hashprice_change_response.value,
            equilibrium_hashprice_usd_per_ph_day=eq,
            equilibrium_hashprice_log_trend_per_year=d - e,
            vol_per_year=self.vol_per_year.value,
            fleet_efficiency_log_trend_per_year=e,
            growth_momentum=self.growth_momentum.value,
            shock_persistence=self.residual_autocorrelation if shock_persistence else 0.0,
        )
        if not parameter_uncertainty:
            return params
        eq_e = self.equilibrium_hashprice_usd_per_ph_day
        return replace(
            params,
            gap_speed_std_error_per_month=self.gap_speed_per_month.std_error,
            equilibrium_hashprice_log_std_error=eq_e.std_error / eq_e.value,
            hashcost_log_trend_std_error_per_year=(
                self.equilibrium_hashprice_log_trend_per_year.std_error
            ),
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


def fit_hashrate_with_technology(
    hashrate_eh_s: ArrayLike,
    hashprice_usd_per_ph_day: ArrayLike,
    fleet_efficiency_log_trend_per_year: Estimate,
    *,
    momentum: bool = True,
    prior_hashrate_eh_s: ArrayLike = (),
) -> HashrateFit:
    """Fit the error-correction model with the equilibrium hashprice moving with hashcost and
    (``momentum``) the ASIC pipeline term, jointly by OLS.

    The trend of ``xbar`` is imposed: the fleet's J/TH log trend ``e`` (hashcost per PH/day =
    J/TH x power price x 24 / 1000; power price and margin held flat). Regression
    ``dh_t = c0 + alpha (x_{t-1} - e tau_{t-1}) + beta dx_{t-1} + gamma g_{t-1} + e_t`` with
    ``g_{t-1} = (h_{t-1} - h_{t-13}) / 12`` the trailing 12-month average monthly log growth
    (``prior_hashrate_eh_s``: the monthly hashrates before the window, oldest first, so the
    window's first months have their lags; months without 12 lags are left out);
    ``xbar(tau) = -c0 / alpha + e tau``. Standard errors are conditional on ``e`` (OLS, delta
    method).
    """
    h = np.log(np.asarray(hashrate_eh_s, dtype=np.float64))
    x = np.log(np.asarray(hashprice_usd_per_ph_day, dtype=np.float64))
    if h.shape != x.shape or h.ndim != 1 or h.size < 12 + 12 * momentum:
        raise InputError("hashrate_eh_s", h.shape, "at least 24 months, same shape as hashprice")
    prior = np.log(np.asarray(prior_hashrate_eh_s, dtype=np.float64)).reshape(-1)
    e = fleet_efficiency_log_trend_per_year.value
    w = MOMENTUM_WINDOW_MONTHS
    t = np.arange(max(2, w + 1 - prior.size) if momentum else 2, h.size)
    tau = (t - 1) / 12.0
    cols = [np.ones(t.size), x[t - 1] - e * tau, x[t - 1] - x[t - 2]]
    if momentum:
        lagged = np.concatenate([prior, h])  # index i + prior.size is month i of the window
        cols.append((h[t - 1] - lagged[t - 1 - w + prior.size]) / w)
    fit = ols(h[t] - h[t - 1], np.column_stack(cols))
    c0, a, b = (float(v) for v in fit.coef[:3])
    cov = fit.cov
    k = fit.coef.size
    tau_end = (h.size - 1) / 12.0
    if a <= 0:
        hl_e = Estimate(value=math.inf, std_error=math.nan)
        eq_e = Estimate(value=math.nan, std_error=math.nan)
    else:
        hl = math.log(2) / -math.log1p(-a)
        g_hl = math.log(2) / (math.log1p(-a) ** 2 * (1 - a))
        hl_e = Estimate(value=hl, std_error=g_hl * math.sqrt(cov[1, 1]))
        eq = math.exp(-c0 / a + e * tau_end)
        g_x = np.zeros(k)
        g_x[:2] = (-1 / a, c0 / a**2)
        eq_e = Estimate(value=eq, std_error=eq * _delta_se(g_x, cov))
    n = fit.n
    gamma = NO_TREND
    if momentum:
        gamma = Estimate(value=float(fit.coef[3]), std_error=math.sqrt(cov[3, 3]))
    return HashrateFit(
        gap_speed_per_month=Estimate(value=a, std_error=math.sqrt(cov[1, 1])),
        hashprice_change_response=Estimate(value=b, std_error=math.sqrt(cov[2, 2])),
        gap_half_life_months=hl_e,
        equilibrium_hashprice_usd_per_ph_day=eq_e,
        equilibrium_hashprice_log_trend_per_year=fleet_efficiency_log_trend_per_year,
        vol_per_year=Estimate(
            value=fit.sigma * SQRT12, std_error=fit.sigma * SQRT12 / math.sqrt(2 * (n - k))
        ),
        r_squared=fit.r_squared,
        n_months=n,
        residuals=fit.residuals,
        fleet_efficiency_log_trend_per_year=fleet_efficiency_log_trend_per_year,
        growth_momentum=gamma,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetEfficiencyFit:
    """Log-linear trend of ASIC efficiency [J/TH] against release date.

    log_trend_per_year : slope of ``ln(J/TH)`` on release year [1/yr] (negative = improving)
    j_per_th_2020 : fitted efficiency at 2020.0 [J/TH]
    n_models : models used
    """

    log_trend_per_year: Estimate
    j_per_th_2020: Estimate
    n_models: int


def fit_fleet_efficiency_trend(
    release_year: ArrayLike, efficiency_j_per_th: ArrayLike
) -> FleetEfficiencyFit:
    """OLS of ``ln(J/TH)`` on the release year (decimal) of each ASIC model.

    The fleet's mean J/TH lags the newest machines by their service life, but in a steady state
    of constant improvement it falls at the same log rate as the models released, which is
    what this slope measures (catalogue: ``asic_models.csv``, Bitmain/MicroBT/Canaan
    nameplates 2017-2025).
    """
    t = np.asarray(release_year, dtype=np.float64)
    j = np.asarray(efficiency_j_per_th, dtype=np.float64)
    if t.shape != j.shape or t.ndim != 1 or t.size < 3 or np.any(j <= 0):
        raise InputError("efficiency_j_per_th", j.shape, "3 or more positive values, one per date")
    fit = ols(np.log(j), np.column_stack([np.ones(t.size), t - 2020.0]))
    lvl = math.exp(float(fit.coef[0]))
    return FleetEfficiencyFit(
        log_trend_per_year=Estimate(
            value=float(fit.coef[1]), std_error=math.sqrt(float(fit.cov[1, 1]))
        ),
        j_per_th_2020=Estimate(value=lvl, std_error=lvl * math.sqrt(float(fit.cov[0, 0]))),
        n_models=fit.n,
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
