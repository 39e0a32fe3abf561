"""Fit the market processes to history: pure functions over numpy arrays (no file I/O).

The caller reads the daily history (``btc_daily.csv``: date, price_usd, hashrate_ths, fees_usd,
issuance_usd) and passes arrays; :func:`calibrate_market` returns a frozen
:class:`MarketCalibration` with every fitted parameter, its standard error, the window used and
:meth:`MarketCalibration.as_dict` ready to print.

Monthly data, one basis throughout: the price is the monthly average of the daily prices, as the
scenarios use it (a month's revenue is earned at the month's prices); its volatility is scaled
to the point volatility by Working's factor (:data:`fit_price.WORKING_VOL_FACTOR`);
hashrate is the monthly mean of the daily estimate (its block luck averages out);
hashprice is the month's miner revenue (subsidy + fees, USD) / days / mean hashrate [USD/PH/day].
Months with fewer than ``min_days`` observed days (the partial first/last) are dropped.

Standard errors: OLS classical (homoskedastic) errors for the regressions, delta method for
derived quantities, inverse observed Fisher information (numerical Hessian) for the MLEs.
See docs/methodology.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from hashpivot.errors import InputError
from hashpivot.market.fit_network import (
    FleetEfficiencyFit,
    HashrateFit,
    MeanRevertingFit,
    fit_fleet_efficiency_trend,
    fit_hashrate_response,
    fit_hashrate_with_technology,
    fit_mean_reverting,
)
from hashpivot.market.fit_price import BtcPriceFit, fit_btc_price, merton_logpdf
from hashpivot.market.fitting import Estimate, OlsResult, ols
from hashpivot.market.processes import (
    MONTHS_PER_YEAR,
)
from hashpivot.types import FloatArray

__all__ = [
    "BtcPriceFit",
    "Estimate",
    "FleetEfficiencyFit",
    "HashrateFit",
    "MarketCalibration",
    "MeanRevertingFit",
    "MonthlySeries",
    "OlsResult",
    "calibrate_market",
    "fit_btc_price",
    "fit_fleet_efficiency_trend",
    "fit_hashrate_response",
    "fit_hashrate_with_technology",
    "fit_mean_reverting",
    "merton_logpdf",
    "monthly_series",
    "ols",
]

SQRT12 = math.sqrt(MONTHS_PER_YEAR)
#: The momentum (pipeline) term is fitted on windows of at least this many months (on the
#: 24 months 2017-01..2018-12 its estimate is -0.37 ± 0.5: not identified; left at 0)
MIN_MONTHS_FOR_MOMENTUM = 36


# --------------------------------------------------------------------------------------------
# Monthly aggregation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthlySeries:
    """Calendar-month aggregates of a daily history.

    month : first day of each month, ``datetime64[M]``
    days : observed days in the month [-]
    btc_price_usd : last daily price of the month [USD/BTC]
    btc_price_mean_usd : mean daily price of the month [USD/BTC]
    hashrate_eh_s : mean daily hashrate [EH/s]
    revenue_usd : miner revenue, subsidy + fees, summed over the month [USD]
    fees_usd : fees summed over the month [USD]
    """

    month: NDArray[np.datetime64]
    days: NDArray[np.int64]
    btc_price_usd: FloatArray
    btc_price_mean_usd: FloatArray
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
        btc_price_mean_usd=(np.add.reduceat(price, first) / counts)[ok],
        hashrate_eh_s=(np.add.reduceat(hr, first) / counts / 1e6)[ok],
        revenue_usd=np.add.reduceat(rev, first)[ok],
        fees_usd=np.add.reduceat(fees, first)[ok],
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
    hashrate_free: HashrateFit | None = None
    hashrate_momentum: HashrateFit | None = None

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
            "hashrate.fleet_efficiency_log_trend_per_year": str(
                h.fleet_efficiency_log_trend_per_year
            ),
            "hashrate.r_squared": round(h.r_squared, 3),
            "hashprice_last_month_usd_per_ph_day": round(self.last_hashprice_usd_per_ph_day, 2),
        }
        if self.hashrate_free is not None:
            g = self.hashrate_free
            out |= {
                "hashrate_free_trend.equilibrium_hashprice_log_trend_per_year": str(
                    g.equilibrium_hashprice_log_trend_per_year
                ),
                "hashrate_free_trend.gap_speed_per_month": str(g.gap_speed_per_month),
                "hashrate_free_trend.r_squared": round(g.r_squared, 3),
            }
        if self.hashrate_momentum is not None:
            m = self.hashrate_momentum
            out |= {
                "hashrate_momentum.growth_momentum": str(m.growth_momentum),
                "hashrate_momentum.gap_speed_per_month": str(m.gap_speed_per_month),
                "hashrate_momentum.hashprice_change_response": str(m.hashprice_change_response),
                "hashrate_momentum.equilibrium_hashprice_usd_per_ph_day": str(
                    m.equilibrium_hashprice_usd_per_ph_day
                ),
                "hashrate_momentum.vol_per_year": str(m.vol_per_year),
                "hashrate_momentum.r_squared": round(m.r_squared, 3),
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
        Student-t with the df whose kurtosis is the sample's (``4 + 6 / excess``) where the
        excess kurtosis exceeds 0.2, else normal. The equilibrium hashprice is
        the fit's at the window's last month.
        """
        b, h, f = self.btc_price, self.hashrate, self.fee_share
        out: dict[str, Any] = {"btc_vol_per_year": round(b.vol_per_year.value, 4)}
        if b.excess_kurtosis > 0.2:  # df = 4 + 6 / excess kurtosis < 34: a visible fat tail
            df = 4.0 + 6.0 / b.excess_kurtosis
            out |= {"btc_tails": "student_t", "btc_student_t_df": round(df, 2)}
        else:
            out["btc_tails"] = "normal"
        out |= {
            "hashrate_gap_speed_per_month": round(h.gap_speed_per_month.value, 4),
            "hashrate_hashprice_change_response": round(h.hashprice_change_response.value, 4),
            "equilibrium_hashprice_usd_per_ph_day": round(
                h.equilibrium_hashprice_usd_per_ph_day.value, 2
            ),
            "equilibrium_hashprice_trend_per_year": round(
                h.equilibrium_hashprice_log_trend_per_year.value
                - h.fleet_efficiency_log_trend_per_year.value,
                4,
            ),
            "fleet_efficiency_trend_per_year": round(
                h.fleet_efficiency_log_trend_per_year.value, 4
            ),
            "hashrate_vol_per_year": round(h.vol_per_year.value, 4),
            **(
                {"hashrate_growth_momentum": round(h.growth_momentum.value, 4)}
                if h.growth_momentum.value != 0.0
                else {}
            ),
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


def _prior_hashrate(
    dates: ArrayLike,
    btc_price_usd: ArrayLike,
    hashrate_ths: ArrayLike,
    fees_usd: ArrayLike,
    issuance_usd: ArrayLike,
    ms: MonthlySeries,
) -> FloatArray:
    """The monthly mean hashrates [EH/s] of up to 12 complete months just before the window
    (the momentum term's lags); empty where the history starts with the window."""
    first = ms.month[0].astype("datetime64[D]")
    d = np.asarray(dates, dtype="datetime64[D]")
    if d.size == 0 or d[0] >= first:
        return np.empty(0)
    before = date.fromisoformat(str(first - np.timedelta64(1, "D")))
    prior = monthly_series(dates, btc_price_usd, hashrate_ths, fees_usd, issuance_usd, until=before)
    gap = ms.month[0].astype(np.int64) - prior.month.astype(np.int64)
    keep = (gap >= 1) & (gap <= 12)
    months = prior.month[keep].astype(np.int64)
    ok = months.size > 0 and bool(np.all(np.diff(months) == 1)) and int(gap[keep].min()) == 1
    return prior.hashrate_eh_s[keep] if ok else np.empty(0)


def calibrate_market(
    dates: ArrayLike,
    btc_price_usd: ArrayLike,
    hashrate_ths: ArrayLike,
    fees_usd: ArrayLike,
    issuance_usd: ArrayLike,
    *,
    since: date | None = date(2017, 1, 1),
    until: date | None = None,
    fleet_efficiency_log_trend_per_year: Estimate | None = None,
    momentum: bool = False,
) -> MarketCalibration:
    """Fit price, hashrate response and fee share on the daily history in ``[since, until]``.

    Default window: from 2017-01-01 (after the second halving, the era of industrial ASIC
    mining) to the end of the data. With ``fleet_efficiency_log_trend_per_year`` (the
    technology term, :func:`fit_fleet_efficiency_trend`) the hashrate model is fitted with the
    equilibrium hashprice moving with hashcost (:func:`fit_hashrate_with_technology`) and the
    free-trend fit is kept as ``hashrate_free`` for comparison; the fit with the ASIC-pipeline
    momentum term (windows of :data:`MIN_MONTHS_FOR_MOMENTUM` months or more) is kept as
    ``hashrate_momentum``, and is the ``hashrate`` fit where ``momentum`` is set.
    """
    ms = monthly_series(
        dates, btc_price_usd, hashrate_ths, fees_usd, issuance_usd, since=since, until=until
    )
    months_int = ms.month.astype(np.int64)
    if np.any(np.diff(months_int) != 1):
        raise InputError("window", (since, until), "consecutive complete months (a gap was found)")
    price = fit_btc_price(ms.btc_price_mean_usd, averaged=True)
    hp = ms.hashprice_usd_per_ph_day
    free = fit_hashrate_response(ms.hashrate_eh_s, hp)
    hr, with_momentum = free, None
    if fleet_efficiency_log_trend_per_year is not None:
        tech = fleet_efficiency_log_trend_per_year
        hr = fit_hashrate_with_technology(ms.hashrate_eh_s, hp, tech, momentum=False)
        if ms.month.size >= MIN_MONTHS_FOR_MOMENTUM:
            prior = _prior_hashrate(dates, btc_price_usd, hashrate_ths, fees_usd, issuance_usd, ms)
            with_momentum = fit_hashrate_with_technology(
                ms.hashrate_eh_s, hp, tech, momentum=True, prior_hashrate_eh_s=prior
            )
            hr = with_momentum if momentum else hr
    fee = fit_mean_reverting(special.logit(ms.fee_share_frac))
    # residuals aligned on the months the hashrate regression uses (its last n_months)
    r_price = np.diff(np.log(ms.btc_price_mean_usd))[-hr.n_months :]
    r_price = r_price - r_price.mean()
    r_fee = fee.residuals[-hr.n_months :]
    corr = np.corrcoef(np.vstack([r_price, hr.residuals, r_fee]))
    return MarketCalibration(
        window_start=_month_date(ms.month[0]),
        window_end=_month_date(ms.month[-1]),
        btc_price=price,
        hashrate=hr,
        fee_share=fee,
        correlation=tuple(tuple(float(v) for v in row) for row in corr),
        last_hashprice_usd_per_ph_day=float(hp[-1]),
        hashrate_free=None if hr is free else free,
        hashrate_momentum=with_momentum,
    )
