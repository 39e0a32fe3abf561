"""The network hashrate process: :class:`HashrateParams` and the error-correction recursion
:func:`hashrate_ecm_paths` (re-exported by :mod:`hashpivot.market.processes`).

References
----------
- Error-correction models: Engle & Granger (1987), Econometrica 55(2).
- AR(1) disturbances in a regression: Greene, *Econometric Analysis*, ch. 20 (serial correlation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from hashpivot.errors import InputError
from hashpivot.types import FloatArray


def _require(name: str, value: float, ok: bool, allowed: str) -> None:
    if not ok or not math.isfinite(value):
        raise InputError(name, value, allowed)


@dataclass(frozen=True, slots=True, kw_only=True)
class HashrateParams:
    """Network hashrate, an error-correction model on log hashrate ``h`` and log hashprice ``x``.

    ``h_{j+1} = h_j + alpha (x_j - xbar_j) + beta (x_j - x_{j-1}) + gamma g_j
    + sigma/sqrt(12) eps``, ``xbar_j = log(equilibrium_hashprice) + (e + d) x j/12``,
    ``g_j = (h_j - h_{j-12}) / 12`` the trailing 12-month average monthly log growth.
    The equilibrium hashprice moves with hashcost (USD per PH/s per day = fleet J/TH x power
    price x 24 / 1000 x a margin): ``e`` is the log trend of the fleet's efficiency [J/TH]
    (the technology term: as J/TH falls the network grows at a flat hashprice), ``d`` the trend
    of everything else in hashcost (power price, margins; 0 by default).
    The gap ``x_j - xbar_j = log(H*_j / H_j)`` is the log ratio of the "economic" hashrate
    ``H* = revenue / equilibrium hashprice`` to the actual one. The momentum term ``gamma``
    is the ASIC delivery pipeline: machines ordered while the network grew arrive months later,
    so growth persists (its sum of lag weights ``gamma < 1`` keeps growth stationary, and the
    error correction still pulls the level back to the equilibrium).

    gap_speed_per_month : ``alpha``, share of the log gap closed per month [1/month]
    hashprice_change_response : ``beta``, response to last month's log hashprice change [-]
    equilibrium_hashprice_usd_per_ph_day : ``exp(xbar_0)`` at the start [USD/PH/s/day]
    equilibrium_hashprice_log_trend_per_year : ``d``, log trend of the equilibrium beyond the
        fleet's efficiency [1/yr]
    vol_per_year : volatility of the monthly log-growth shock [1/sqrt(yr)]
    fleet_efficiency_log_trend_per_year : ``e``, log trend of the fleet's J/TH [1/yr]
        (negative: newer, more efficient machines break even at lower hashprice)
    growth_momentum : ``gamma``, response to the trailing 12-month average monthly log growth
        [-] (0: no pipeline term)
    shock_persistence : ``rho``, lag-1 autocorrelation of the monthly shock (AR(1)
        disturbance ``u_{j+1} = rho u_j + sqrt(1 - rho^2) s_m eps``, marginal sd ``s_m``) [-]
    gap_speed_std_error_per_month : standard error of ``alpha``; > 0 draws one ``alpha`` per
        path, normal truncated to ``[0, 1]`` [1/month]
    equilibrium_hashprice_log_std_error : standard error of ``log(equilibrium_hashprice)``;
        > 0 draws one level per path, lognormal [-]
    hashcost_log_trend_std_error_per_year : standard error of ``e + d``; > 0 draws one trend
        per path, normal [1/yr]
    """

    gap_speed_per_month: float
    hashprice_change_response: float
    equilibrium_hashprice_usd_per_ph_day: float
    equilibrium_hashprice_log_trend_per_year: float
    vol_per_year: float
    fleet_efficiency_log_trend_per_year: float = 0.0
    growth_momentum: float = 0.0
    shock_persistence: float = 0.0
    gap_speed_std_error_per_month: float = 0.0
    equilibrium_hashprice_log_std_error: float = 0.0
    hashcost_log_trend_std_error_per_year: float = 0.0

    def point_estimates(self) -> HashrateParams:
        """The same model with its parameters taken as known (standard errors 0)."""
        return replace(
            self,
            gap_speed_std_error_per_month=0.0,
            equilibrium_hashprice_log_std_error=0.0,
            hashcost_log_trend_std_error_per_year=0.0,
        )

    @property
    def has_parameter_uncertainty(self) -> bool:
        """Whether some parameter is drawn per path (a standard error > 0)."""
        return self.parameter_std_errors != (0.0, 0.0, 0.0)

    @property
    def parameter_std_errors(self) -> tuple[float, float, float]:
        """Standard errors of ``alpha``, ``log(equilibrium)`` and ``e + d``."""
        return (
            self.gap_speed_std_error_per_month,
            self.equilibrium_hashprice_log_std_error,
            self.hashcost_log_trend_std_error_per_year,
        )

    @property
    def hashcost_log_trend_per_year(self) -> float:
        """Log trend of the equilibrium hashprice ``e + d`` [1/yr]."""
        return (
            self.fleet_efficiency_log_trend_per_year + self.equilibrium_hashprice_log_trend_per_year
        )

    def __post_init__(self) -> None:
        a = self.gap_speed_per_month
        _require("hashrate.gap_speed_per_month", a, 0 <= a <= 1, "a number in [0, 1]")
        b = self.hashprice_change_response
        _require("hashrate.hashprice_change_response", b, -1 <= b <= 1, "a number in [-1, 1]")
        eq = self.equilibrium_hashprice_usd_per_ph_day
        _require("hashrate.equilibrium_hashprice_usd_per_ph_day", eq, eq > 0, "a number > 0")
        d = self.equilibrium_hashprice_log_trend_per_year
        _require("hashrate.equilibrium_hashprice_log_trend_per_year", d, True, "a finite number")
        v = self.vol_per_year
        _require("hashrate.vol_per_year", v, v >= 0, "a number >= 0")
        e = self.fleet_efficiency_log_trend_per_year
        _require(
            "hashrate.fleet_efficiency_log_trend_per_year",
            e,
            -1 <= e <= 0.5,
            "a number in [-1, 0.5]",
        )
        g = self.growth_momentum
        _require("hashrate.growth_momentum", g, -1 < g < 1, "a number in (-1, 1)")
        r = self.shock_persistence
        _require("hashrate.shock_persistence", r, -1 < r < 1, "a number in (-1, 1)")
        names = ("gap_speed", "equilibrium_hashprice_log", "hashcost_log_trend_per_year")
        for name, se in zip(names, self.parameter_std_errors, strict=True):
            _require(f"hashrate.{name}_std_error", se, se >= 0, "a number >= 0")


MOMENTUM_WINDOW_MONTHS = 12


def hashrate_ecm_paths(
    log_hashrate0: float,
    log_revenue: FloatArray,
    log_equilibrium_hashprice: FloatArray,
    gap_speed_per_month: float | FloatArray,
    hashprice_change_response: float,
    vol_per_month: float,
    shocks: FloatArray | None,
    hashprice_log_change_prev_month: float = 0.0,
    *,
    growth_momentum: float = 0.0,
    log_growth_trailing_per_month: float = 0.0,
    shock_persistence: float = 0.0,
) -> FloatArray:
    """Log hashrate ``h``, month-major ``(steps + 1, paths)``, of the error-correction model
    ``h_{j+1} = h_j + alpha (x_j - xbar_j) + beta (x_j - x_{j-1}) + gamma g_j + s_m e_{j+1}``.

    ``x_j = r_j - h_j`` is log hashprice, ``r`` = :func:`log_revenue_ph_day` month-major
    ``(steps + 1, paths)``, ``xbar`` the log equilibrium hashprice ``(steps + 1,)`` or one
    per path ``(steps + 1, paths)``, ``alpha`` a number or one per path ``(paths,)``,
    ``x_0 - x_{-1}`` = ``hashprice_log_change_prev_month``; ``shocks`` ``(steps, paths)``.
    With ``shock_persistence`` ``rho != 0`` the disturbance is AR(1) (:func:`ar1_disturbance`).
    ``g_j = (h_j - h_{j-12}) / 12`` is the trailing 12-month average monthly log growth; before
    month 0 the network grew ``log_growth_trailing_per_month`` a month (``g_0``), so
    ``h_{j-12} = h_0 - (12 - j) g_0`` for ``j < 12``.
    """
    n, paths = log_revenue.shape
    a, b, c = gap_speed_per_month, hashprice_change_response, growth_momentum
    w = MOMENTUM_WINDOW_MONTHS
    out = np.empty((n, paths))
    if shocks is None:
        out[1:] = 0.0
    else:
        np.multiply(shocks, vol_per_month, out=out[1:])
        if shock_persistence != 0.0:
            ar1_disturbance(out[1:], shock_persistence)
    out[0] = log_hashrate0
    x_prev = log_revenue[0] - log_hashrate0 - hashprice_log_change_prev_month
    for j in range(n - 1):
        x = log_revenue[j] - out[j]
        step = a * (x - log_equilibrium_hashprice[j])
        step += b * (x - x_prev)
        if c != 0.0:
            lag = out[j - w] if j >= w else log_hashrate0 - (w - j) * log_growth_trailing_per_month
            step += (c / w) * (out[j] - lag)
        step += out[j]
        out[j + 1] += step
        x_prev = x
    return out


def ar1_disturbance(u: FloatArray, rho: float) -> FloatArray:
    """Turn independent shocks ``s_m eps_j`` (month-major ``(steps, paths)``) into an AR(1)
    disturbance with the same marginal variance, in place: ``u_1 = s_m eps_1`` (stationary
    start), ``u_{j+1} = rho u_j + sqrt(1 - rho^2) s_m eps_{j+1}``. The sum of ``n`` months has
    variance ``s_m^2 (n + 2 sum_{k=1}^{n-1} (n - k) rho^k)`` (Hamilton, *Time Series Analysis*,
    ch. 3): ``(1 + rho)/(1 - rho)`` times the independent shocks' for large ``n``."""
    if u.shape[0] > 1:
        u[1:] *= math.sqrt(1.0 - rho * rho)
    for j in range(1, u.shape[0]):
        u[j] += rho * u[j - 1]
    return u
