"""Walk-forward backtest of the network model: fit up to a year-end, forecast, compare.

For each origin (the December of a year): fit the market on the history up to the origin's
year-end (:func:`hashpivot.market.calibrate.calibrate_market`, with the technology term the
caller gives for that date), start from the origin month's observed state, and draw the next
``horizon`` months two ways:

- ``conditional``: the BTC price follows its realised monthly averages; the fee share and
  the hashrate shocks are drawn (the 0.16 residual correlation of the hashrate with the BTC
  shock is left out: conditioning on the price path would only shift the hashrate's mean a
  little);
- ``unconditional``: every factor drawn by :func:`hashpivot.market.simulate.simulate`, the BTC
  drift set so the *expected* price grows ``btc_expected_growth_per_year`` (the default rule).

Scores per horizon ``H`` (months ``1..H`` after each origin that the history covers): coverage,
the share of realised monthly hashrate and hashprice inside the forecast's P10-P90 band (a
well-calibrated band covers ~80%), and the median error of the P50 forecast
(``median(P50 / realised - 1)``, signed) and its median absolute value. Realised hashprice is
the month's miner revenue / days / mean hashrate (Coin Metrics); the model's counts 144 blocks
a day, so a growing network's faster blocks show up as a small negative error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from hashpivot.errors import InputError
from hashpivot.market import processes as pr
from hashpivot.market.calibrate import MarketCalibration, MonthlySeries, calibrate_market
from hashpivot.market.fitting import Estimate
from hashpivot.market.parameter_draws import draw_hashrate_parameters
from hashpivot.market.params import DEFAULT_PARAMS, MarketParams
from hashpivot.market.simulate import log_fee_share_paths, log_hashrate_paths, simulate
from hashpivot.market.state import StartState, subsidy_schedule_btc_per_block
from hashpivot.types import FloatArray

MODES = ("conditional", "unconditional")


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyHistory:
    """The daily columns of ``btc_daily.csv`` the backtest uses (one row per UTC day)."""

    dates: ArrayLike
    btc_price_usd: ArrayLike
    hashrate_ths: ArrayLike
    fees_usd: ArrayLike
    issuance_usd: ArrayLike
    height_end: ArrayLike


@dataclass(frozen=True, slots=True, kw_only=True)
class OriginForecast:
    """One origin's forecast bands and the realised values, months ``1..n`` after it.

    realised_* : observed monthly values [EH/s], [USD/PH/day]
    bands_* : ``{mode: (3, n) array of P10, P50, P90}``
    """

    origin: date
    realised_hashrate_eh_s: FloatArray
    realised_hashprice_usd_per_ph_day: FloatArray
    bands_hashrate: dict[str, FloatArray]
    bands_hashprice: dict[str, FloatArray]
    fit: MarketCalibration


def _params_at(
    fit: MarketCalibration,
    btc_expected_growth_per_year: float,
    *,
    parameter_uncertainty: bool = True,
    shock_persistence: bool = True,
) -> MarketParams:
    """The default market with the origin's fitted BTC vol, hashrate response (its standard
    errors and residual autocorrelation as asked), fee share and their correlations; the BTC
    drift by the expected-growth rule."""
    b, h, f = fit.btc_price, fit.hashrate, fit.fee_share
    vol = b.vol_per_year.value
    btc = replace(
        DEFAULT_PARAMS.btc,
        vol_per_year=vol,
        log_drift_per_year=pr.log_drift_for_expected_growth(btc_expected_growth_per_year, vol),
    )
    fee = f.to_params(transform="logit")
    corr = [list(r) for r in DEFAULT_PARAMS.correlation]
    fitted = ((0, 1), (0, 2), (1, 2))  # (btc, hashrate), (btc, fee), (hashrate, fee)
    for i, j in fitted:
        corr[i][j] = corr[j][i] = fit.correlation[i][j]
    return replace(
        DEFAULT_PARAMS,
        btc=btc,
        hashrate=h.to_params(
            parameter_uncertainty=parameter_uncertainty, shock_persistence=shock_persistence
        ),
        fee_share=fee,
        correlation=tuple(tuple(r) for r in corr),
    )


def _start_at(ms: MonthlySeries, k: int, height: float) -> StartState:
    """The observed state of month ``k`` of the monthly series (month 0 of the forecast)."""
    x = np.log(ms.hashprice_usd_per_ph_day)
    d = DEFAULT_PARAMS
    return StartState(
        as_of=date.fromisoformat(str(ms.month[k].astype("datetime64[D]"))),
        height=height,
        btc_price_usd=float(ms.btc_price_mean_usd[k]),
        network_hashrate_eh_s=float(ms.hashrate_eh_s[k]),
        fee_share_frac=float(ms.fee_share_frac[k]),
        rent_usd_per_kw_month=d.rent.long_run_level,
        gpu_rate_usd_per_gpu_hour=d.gpu_rate.long_run_level,
        power_price_usd_per_mwh=d.power_price.long_run_level,
        hashprice_log_change_prev_month=float(x[k] - x[k - 1]),
        hashrate_log_growth_trailing_per_month=_trailing_growth(ms.hashrate_eh_s, k),
    )


def _trailing_growth(hashrate_eh_s: FloatArray, k: int) -> float:
    """``ln(H_k / H_{k-12}) / 12`` [1/month], over the months the series holds before ``k``
    (fewer than 12 where it starts later)."""
    lag = min(pr.MOMENTUM_WINDOW_MONTHS, k)
    if lag == 0:
        return 0.0
    return float(np.log(hashrate_eh_s[k] / hashrate_eh_s[k - lag]) / lag)


def _bands(values: FloatArray) -> FloatArray:
    """P10, P50, P90 over the paths of ``(paths, months)``: ``(3, months)``."""
    return np.asarray(np.percentile(values, [10.0, 50.0, 90.0], axis=0), dtype=np.float64)


def _conditional(
    params: MarketParams,
    start: StartState,
    log_price_mean_usd: FloatArray,
    paths: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Hashrate and hashprice ``(paths, months)`` along the realised log prices ``(months,)``
    (month 0 = the start), fee share and hashrate shocks drawn."""
    months = log_price_mean_usd.size
    subsidy = subsidy_schedule_btc_per_block(start, months)
    z = rng.standard_normal((2, months - 1, paths))
    logit_fee = log_fee_share_paths(params, start, months, paths, z[0])
    log_price = np.repeat(log_price_mean_usd[:, None], paths, axis=1)
    draws = draw_hashrate_parameters(params.hashrate, paths, rng)
    log_hr = log_hashrate_paths(params, start, log_price, logit_fee, subsidy, z[1], draws)
    revenue = pr.BLOCKS_PER_DAY * subsidy[:, None] * (1.0 + np.exp(logit_fee)) / pr.PH_PER_EH
    hashprice = revenue * np.exp(log_price - log_hr)
    return np.exp(log_hr).T, hashprice.T


def forecast_origin(
    history: DailyHistory,
    origin: date,
    *,
    horizon_months: int,
    paths: int,
    seed: int,
    fleet_efficiency_log_trend_per_year: Estimate,
    btc_expected_growth_per_year: float = 0.10,
    since: date = date(2017, 1, 1),
    momentum: bool = False,
    parameter_uncertainty: bool = True,
    shock_persistence: bool = True,
) -> OriginForecast:
    """Fit up to ``origin`` (inclusive), forecast ``horizon_months`` from the origin's month;
    ``momentum``: the hashrate model with the ASIC-pipeline term (fitted where the window
    allows, :data:`hashpivot.market.calibrate.MIN_MONTHS_FOR_MOMENTUM`);
    ``parameter_uncertainty`` / ``shock_persistence``: the hashrate parameters drawn per path
    from their standard errors / the AR(1) shock (:meth:`HashrateFit.to_params`)."""
    fit = calibrate_market(
        history.dates,
        history.btc_price_usd,
        history.hashrate_ths,
        history.fees_usd,
        history.issuance_usd,
        since=since,
        until=origin,
        fleet_efficiency_log_trend_per_year=fleet_efficiency_log_trend_per_year,
        momentum=momentum,
    )
    ms = _monthly(history, since)
    k = int(np.searchsorted(ms.month, np.datetime64(origin, "M")))
    if k >= ms.month.size or ms.month[k] != np.datetime64(origin, "M"):
        raise InputError("origin", origin, "a month inside the history")
    end = min(k + horizon_months, ms.month.size - 1)
    params = _params_at(
        fit,
        btc_expected_growth_per_year,
        parameter_uncertainty=parameter_uncertainty,
        shock_persistence=shock_persistence,
    )
    start = _start_at(ms, k, _height_at(history, origin))
    rng = np.random.default_rng(np.random.SeedSequence([seed, origin.year, origin.month]))
    n = horizon_months + 1
    hr_c, hp_c = _conditional(params, start, np.log(ms.btc_price_mean_usd[k : end + 1]), paths, rng)
    unc = simulate(params, start, n, paths, rng)
    m = end - k
    return OriginForecast(
        origin=origin,
        realised_hashrate_eh_s=ms.hashrate_eh_s[k + 1 : end + 1],
        realised_hashprice_usd_per_ph_day=ms.hashprice_usd_per_ph_day[k + 1 : end + 1],
        bands_hashrate={
            "conditional": _bands(hr_c[:, 1 : m + 1]),
            "unconditional": _bands(unc.network_hashrate_eh_s[:, 1 : m + 1]),
        },
        bands_hashprice={
            "conditional": _bands(hp_c[:, 1 : m + 1]),
            "unconditional": _bands(unc.hashprice_usd_per_ph_day[:, 1 : m + 1]),
        },
        fit=fit,
    )


def _monthly(history: DailyHistory, since: date) -> MonthlySeries:
    from hashpivot.market.calibrate import monthly_series

    return monthly_series(
        history.dates,
        history.btc_price_usd,
        history.hashrate_ths,
        history.fees_usd,
        history.issuance_usd,
        since=since,
    )


def _height_at(history: DailyHistory, origin: date) -> float:
    """Block height at the start of ``origin``'s month (the last daily height before it)."""
    d = np.asarray(history.dates, dtype="datetime64[D]")
    h = np.asarray(history.height_end, dtype=np.float64)
    i = int(np.searchsorted(d, np.datetime64(origin, "M").astype("datetime64[D]"))) - 1
    if i < 0:
        raise InputError("origin", origin, "a month after the first day of the history")
    return float(h[i]) + 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    """Coverage and error of one mode at one horizon, pooled over the origins."""

    mode: str
    horizon_months: int
    n_months: int
    hashrate_coverage_frac: float
    hashprice_coverage_frac: float
    hashrate_median_error_frac: float
    hashprice_median_error_frac: float
    hashrate_median_abs_error_frac: float
    hashprice_median_abs_error_frac: float


def score(forecasts: list[OriginForecast], mode: str, horizon_months: int) -> Score:
    """Pool months ``1..horizon_months`` of every origin: coverage of P10-P90, P50 errors."""
    if mode not in MODES:
        raise InputError("mode", mode, " | ".join(MODES))
    cover: dict[str, list[FloatArray]] = {"hr": [], "hp": []}
    err: dict[str, list[FloatArray]] = {"hr": [], "hp": []}
    for f in forecasts:
        for key, real, bands in (
            ("hr", f.realised_hashrate_eh_s, f.bands_hashrate[mode]),
            ("hp", f.realised_hashprice_usd_per_ph_day, f.bands_hashprice[mode]),
        ):
            r, b = real[:horizon_months], bands[:, :horizon_months]
            cover[key].append((b[0] <= r) & (r <= b[2]))
            err[key].append(b[1] / r - 1.0)
    hr_c, hp_c = np.concatenate(cover["hr"]), np.concatenate(cover["hp"])
    hr_e, hp_e = np.concatenate(err["hr"]), np.concatenate(err["hp"])
    if hr_c.size == 0:
        raise InputError("forecasts", len(forecasts), "origins with realised months after them")
    return Score(
        mode=mode,
        horizon_months=horizon_months,
        n_months=int(hr_c.size),
        hashrate_coverage_frac=float(hr_c.mean()),
        hashprice_coverage_frac=float(hp_c.mean()),
        hashrate_median_error_frac=float(np.median(hr_e)),
        hashprice_median_error_frac=float(np.median(hp_e)),
        hashrate_median_abs_error_frac=float(np.median(np.abs(hr_e))),
        hashprice_median_abs_error_frac=float(np.median(np.abs(hp_e))),
    )


def walk_forward(
    history: DailyHistory,
    origins: list[date],
    *,
    paths: int,
    seed: int,
    fleet_efficiency_trend: Callable[[date], Estimate],
    horizons_months: tuple[int, ...] = (12, 24),
    momentum: bool = False,
    parameter_uncertainty: bool = True,
    shock_persistence: bool = True,
) -> tuple[list[OriginForecast], list[Score]]:
    """Forecast from every origin at the longest horizon; score each mode at each horizon
    (the options as :func:`forecast_origin`)."""
    if not origins:
        raise InputError("origins", origins, "at least one year-end")
    longest = max(horizons_months)
    fc = [
        forecast_origin(
            history,
            o,
            horizon_months=longest,
            paths=paths,
            seed=seed,
            fleet_efficiency_log_trend_per_year=fleet_efficiency_trend(o),
            momentum=momentum,
            parameter_uncertainty=parameter_uncertainty,
            shock_persistence=shock_persistence,
        )
        for o in origins
    ]
    scores = [score(fc, mode, h) for mode in MODES for h in horizons_months]
    return fc, scores


def fee_share_long_run(fit: MarketCalibration) -> float:
    """The origin fit's long-run fee share [-] (reported with the backtest)."""
    return float(special.expit(fit.fee_share.long_run_transformed.value))


def origin_summary(f: OriginForecast) -> dict[str, object]:
    """One origin's fitted network parameters and month-12 bands, for the JSON."""
    h = f.fit.hashrate
    i = min(11, f.realised_hashrate_eh_s.size - 1)
    out: dict[str, object] = {
        "origin": f"{f.origin:%Y-%m}",
        "gap_speed_per_month": round(h.gap_speed_per_month.value, 4),
        "equilibrium_hashprice_usd_per_ph_day": round(
            h.equilibrium_hashprice_usd_per_ph_day.value, 2
        ),
        "fleet_efficiency_trend_per_year": round(h.fleet_efficiency_log_trend_per_year.value, 4),
        "growth_momentum": round(h.growth_momentum.value, 4),
        "btc_vol_per_year": round(f.fit.btc_price.vol_per_year.value, 4),
        "fee_share_long_run_frac": round(fee_share_long_run(f.fit), 4),
        "realised_months": int(f.realised_hashrate_eh_s.size),
    }
    if i >= 0:
        out["month"] = i + 1
        out["realised_hashrate_eh_s"] = round(float(f.realised_hashrate_eh_s[i]), 1)
        for mode in MODES:
            b = f.bands_hashrate[mode][:, i]
            out[f"{mode}_hashrate_p10_p50_p90_eh_s"] = [round(float(v), 1) for v in b]
    return out
