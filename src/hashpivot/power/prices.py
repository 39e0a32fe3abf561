"""Electricity price series: one type, one source contract, validation, gaps, a synthetic model.

Everything here is pure (no file or network I/O): sources that read files or call ISOs live in
:mod:`hashpivot.adapters.prices` and :mod:`hashpivot.adapters.fetch.iso` and return a
:class:`PriceSeries`.

Conventions
-----------
* Timestamps are interval *starts* in UTC, stored as ``numpy.datetime64[s]`` (numpy has no
  time zone; every timestamp in this module is UTC). :meth:`PriceSeries.to_frame` gives the
  tz-aware pandas view (``interval_start_utc``, ``interval_end_utc``, ``location``, ``market``,
  ``price_usd_per_mwh``), the column layout of gridstatus.
* Prices are USD/MWh, nominal. Missing intervals are *absent* from a series: they are never
  filled (not with 0, not with a neighbour). :func:`gap_report` lists them.
* 15-minute, 30-minute and 5-minute data are supported as well as hourly; every energy sum is
  weighted by :attr:`PriceSeries.interval_hours`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from hashpivot.errors import DataError, InputError
from hashpivot.types import FloatArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALLOWED_INTERVAL_MINUTES",
    "ERCOT_OFFER_CAP_USD_PER_MWH",
    "GapReport",
    "Market",
    "MissingRun",
    "PriceModel",
    "PriceSeries",
    "PriceSource",
    "PriceSummary",
    "calendar_index",
    "fit_price_model",
    "gap_report",
    "hour_starts",
    "select_range",
    "select_year",
    "simulate_prices",
    "summarize",
    "to_hourly",
    "year_window",
]

#: Interval lengths a series may have [minutes].
ALLOWED_INTERVAL_MINUTES = (5, 15, 30, 60)

#: ERCOT system-wide offer cap [USD/MWh]; the shared HB_HUBAVG data carries the regime
#: ``swcap5000`` on every row (shared/data/SOURCES.md). Upper clip of the synthetic model.
ERCOT_OFFER_CAP_USD_PER_MWH = 5000.0

DatetimeArray = NDArray[np.datetime64]
_SECOND = np.timedelta64(1, "s")


class Market(StrEnum):
    """Which market a price clears in."""

    DAM = "DAM"  #: day-ahead market (hourly)
    RT = "RT"  #: real-time market (15-minute SPP, or its hourly mean)


def _as_utc_seconds(values: NDArray[np.datetime64] | list[datetime]) -> DatetimeArray:
    arr = np.asarray(values)
    if arr.dtype == object:
        out = []
        for v in arr.ravel():
            if not isinstance(v, datetime) or v.tzinfo is None:
                raise DataError(f"timestamp {v!r} has no time zone; give UTC")
            out.append(np.datetime64(v.astimezone(UTC).replace(tzinfo=None), "s"))
        return np.asarray(out, dtype="datetime64[s]")
    return arr.astype("datetime64[s]")


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceSeries:
    """Prices of one location in one market, one value per interval, sorted, no duplicates.

    Attributes
    ----------
    location : settlement point, e.g. ``"HB_WEST"``
    market : :class:`Market`
    interval_minutes : interval length [min], one of :data:`ALLOWED_INTERVAL_MINUTES`
    interval_start_utc : interval starts [UTC, datetime64[s]], shape ``(n,)``, strictly
        increasing, each on the interval grid (minute divisible by the length)
    price_usd_per_mwh : price of each interval [USD/MWh], shape ``(n,)``, finite
    source : where the numbers came from (file path, URL, "synthetic"), for messages
    """

    location: str
    market: Market
    interval_minutes: int
    interval_start_utc: DatetimeArray
    price_usd_per_mwh: FloatArray
    source: str = ""

    def __post_init__(self) -> None:
        src = self.source or None
        if self.interval_minutes not in ALLOWED_INTERVAL_MINUTES:
            raise DataError(
                f"interval of {self.interval_minutes} min is not supported; "
                f"allowed: {', '.join(map(str, ALLOWED_INTERVAL_MINUTES))} min",
                source=src,
            )
        ts = _as_utc_seconds(self.interval_start_utc)
        prices = np.asarray(self.price_usd_per_mwh, dtype=np.float64)
        object.__setattr__(self, "interval_start_utc", ts)
        object.__setattr__(self, "price_usd_per_mwh", prices)
        if ts.ndim != 1 or prices.shape != ts.shape:
            raise DataError(
                f"timestamps {ts.shape} and prices {prices.shape} must be 1-D of one length",
                source=src,
            )
        if ts.size == 0:
            raise DataError(f"no prices for {self.location} {self.market}", source=src)
        bad = ~np.isfinite(prices)
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(
                f"price_usd_per_mwh at {ts[i]}Z is {prices[i]}; expected a finite number",
                source=src,
            )
        step = np.diff(ts)
        if (step <= np.timedelta64(0, "s")).any():
            i = int(np.argmax(step <= np.timedelta64(0, "s")))
            what = "duplicate" if step[i] == np.timedelta64(0, "s") else "unsorted"
            raise DataError(
                f"{what} timestamps in {self.location} {self.market}: {ts[i]}Z then "
                f"{ts[i + 1]}Z (interval starts must be strictly increasing)",
                source=src,
            )
        secs = ts.astype(np.int64)
        off_grid = secs % (60 * self.interval_minutes) != 0
        if off_grid.any():
            i = int(np.argmax(off_grid))
            raise DataError(
                f"timestamp {ts[i]}Z is not on the {self.interval_minutes}-minute grid",
                source=src,
            )

    @property
    def interval_hours(self) -> float:
        """Length of one interval [h]."""
        return self.interval_minutes / 60.0

    @property
    def n_intervals(self) -> int:
        """Number of intervals present (missing ones are absent)."""
        return int(self.price_usd_per_mwh.size)

    def to_frame(self) -> pd.DataFrame:
        """The common output of every source (as gridstatus): tz-aware UTC start and end first.

        Columns: ``interval_start_utc``, ``interval_end_utc`` (tz-aware UTC), ``location``,
        ``market``, ``price_usd_per_mwh`` [USD/MWh].
        """
        import pandas as pd

        start = pd.to_datetime(self.interval_start_utc).tz_localize("UTC")
        return pd.DataFrame(
            {
                "interval_start_utc": start,
                "interval_end_utc": start + pd.Timedelta(minutes=self.interval_minutes),
                "location": self.location,
                "market": str(self.market),
                "price_usd_per_mwh": self.price_usd_per_mwh,
            }
        )


@runtime_checkable
class PriceSource(Protocol):
    """The one contract every price source honours (file, gridstatus, synthetic).

    ``available()`` lists the ``(location, market)`` pairs the source can serve;
    ``get_prices`` returns one validated :class:`PriceSeries` for the half-open UTC window
    ``[start, end)`` (``None`` = unbounded). Errors: :class:`~hashpivot.errors.InputError` for
    an unknown location/market, :class:`~hashpivot.errors.DataError` for bad data.
    """

    name: str

    def available(self) -> list[tuple[str, Market]]: ...

    def get_prices(
        self,
        location: str,
        market: Market | str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> PriceSeries: ...


def _subset(series: PriceSeries, keep: NDArray[np.bool_]) -> PriceSeries:
    return PriceSeries(
        location=series.location,
        market=series.market,
        interval_minutes=series.interval_minutes,
        interval_start_utc=series.interval_start_utc[keep],
        price_usd_per_mwh=series.price_usd_per_mwh[keep],
        source=series.source,
    )


def _scalar_s(value: np.datetime64) -> np.datetime64:
    """A numpy datetime64 scalar in seconds."""
    return cast(np.datetime64, np.asarray(value).astype("datetime64[s]")[()])


def _dt64(value: datetime) -> np.datetime64:
    if value.tzinfo is None:
        raise InputError("start/end", value, "a time-zone aware datetime (UTC)")
    return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "s")


def select_range(
    series: PriceSeries, start: datetime | None = None, end: datetime | None = None
) -> PriceSeries:
    """Intervals whose start lies in the half-open UTC window ``[start, end)``."""
    ts = series.interval_start_utc
    keep = np.ones(ts.shape, dtype=bool)
    if start is not None:
        keep &= ts >= _dt64(start)
    if end is not None:
        keep &= ts < _dt64(end)
    if not keep.any():
        raise InputError(
            "start/end",
            f"{start} .. {end}",
            f"a window overlapping the data ({ts[0]}Z .. {ts[-1]}Z)",
        )
    return _subset(series, keep)


def year_window(series: PriceSeries, year: int) -> tuple[np.datetime64, np.datetime64]:
    """The UTC calendar year ``year`` clipped to the series' coverage, half-open [start, end).

    Hours of the year before the first or after the last interval of the series are outside
    its coverage, not "missing"; gaps inside are missing.
    """
    y0 = np.datetime64(f"{year:04d}-01-01T00:00:00", "s")
    y1 = np.datetime64(f"{year + 1:04d}-01-01T00:00:00", "s")
    step = np.timedelta64(series.interval_minutes * 60, "s")
    first = series.interval_start_utc[0]
    last_end = series.interval_start_utc[-1] + step
    lo, hi = max(y0, first), min(y1, last_end)
    if lo >= hi:
        raise InputError(
            "year",
            year,
            f"a UTC year the data covers ({first}Z .. {series.interval_start_utc[-1]}Z)",
        )
    return lo, hi


def select_year(series: PriceSeries, year: int) -> PriceSeries:
    """Intervals starting in UTC calendar year ``year``."""
    lo, hi = year_window(series, year)
    ts = series.interval_start_utc
    keep = (ts >= lo) & (ts < hi)
    if not keep.any():
        raise InputError("year", year, "a UTC year with at least one price in the data")
    return _subset(series, keep)


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingRun:
    """A run of consecutive missing intervals: first missing start [UTC] and count."""

    start_utc: np.datetime64
    intervals: int
    hours: float


@dataclass(frozen=True, slots=True, kw_only=True)
class GapReport:
    """Missing intervals of a series over an expected window [start, end) (UTC).

    ``expected_intervals`` is the length of the regular grid over the window,
    ``present_intervals`` how many of them have a price, ``missing_runs`` the gaps in order.
    UTC has no DST: a missing or repeated local DST hour upstream shows up here as a gap.
    """

    interval_minutes: int
    window_start_utc: np.datetime64
    window_end_utc: np.datetime64
    expected_intervals: int
    present_intervals: int
    missing_runs: tuple[MissingRun, ...] = field(default_factory=tuple)

    @property
    def missing_intervals(self) -> int:
        return self.expected_intervals - self.present_intervals

    @property
    def missing_hours(self) -> float:
        return self.missing_intervals * self.interval_minutes / 60.0


def gap_report(
    series: PriceSeries,
    window_start_utc: np.datetime64 | None = None,
    window_end_utc: np.datetime64 | None = None,
) -> GapReport:
    """Report every missing interval of ``series`` on its regular grid.

    The window defaults to the series' own span (first start to last start + one interval).
    Intervals of the series outside the window are ignored.
    """
    step_s = series.interval_minutes * 60
    ts = series.interval_start_utc
    lo = ts[0] if window_start_utc is None else _scalar_s(window_start_utc)
    hi_raw = ts[-1] + np.timedelta64(step_s, "s") if window_end_utc is None else window_end_utc
    hi = _scalar_s(hi_raw)
    inside = ts[(ts >= lo) & (ts < hi)]
    lo_s, hi_s = int(lo.astype(np.int64)), int(hi.astype(np.int64))
    expected = max(0, -(-(hi_s - lo_s) // step_s))
    # grid positions of present intervals, then runs of absent positions between them
    pos = (inside.astype(np.int64) - lo_s) // step_s
    bounds = np.concatenate(([-1], pos, [expected]))
    gaps = np.diff(bounds) - 1
    runs = []
    for k in np.flatnonzero(gaps > 0):
        first_missing = lo_s + (int(bounds[k]) + 1) * step_s
        n = int(gaps[k])
        runs.append(
            MissingRun(
                start_utc=np.datetime64(first_missing, "s"),
                intervals=n,
                hours=n * series.interval_minutes / 60.0,
            )
        )
    return GapReport(
        interval_minutes=series.interval_minutes,
        window_start_utc=lo,
        window_end_utc=hi,
        expected_intervals=int(expected),
        present_intervals=int(inside.size),
        missing_runs=tuple(runs),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceSummary:
    """Descriptive statistics of a price series (every statistic over present intervals).

    ``hours`` = present intervals x interval length [h]; ``missing_hours`` from
    :func:`gap_report` over the window; prices [USD/MWh]; ``negative_frac`` = share of present
    intervals with a price < 0.
    """

    location: str
    market: Market
    interval_minutes: int
    first_utc: np.datetime64
    last_utc: np.datetime64
    hours: float
    missing_hours: float
    mean_usd_per_mwh: float
    median_usd_per_mwh: float
    min_usd_per_mwh: float
    max_usd_per_mwh: float
    negative_frac: float
    gaps: GapReport


def summarize(series: PriceSeries, *, year: int | None = None) -> PriceSummary:
    """Summary of ``series`` (optionally of one UTC calendar year, clipped to its coverage)."""
    if year is None:
        sub, report = series, gap_report(series)
    else:
        lo, hi = year_window(series, year)
        sub = select_year(series, year)
        report = gap_report(series, lo, hi)
    p = sub.price_usd_per_mwh
    return PriceSummary(
        location=sub.location,
        market=sub.market,
        interval_minutes=sub.interval_minutes,
        first_utc=sub.interval_start_utc[0],
        last_utc=sub.interval_start_utc[-1],
        hours=sub.n_intervals * sub.interval_hours,
        missing_hours=report.missing_hours,
        mean_usd_per_mwh=float(p.mean()),
        median_usd_per_mwh=float(np.median(p)),
        min_usd_per_mwh=float(p.min()),
        max_usd_per_mwh=float(p.max()),
        negative_frac=float((p < 0).mean()),
        gaps=report,
    )


def to_hourly(series: PriceSeries) -> PriceSeries:
    """Hourly mean of sub-hourly prices; hours lacking any sub-interval are left out (missing).

    ERCOT's hourly RT price is the mean of the four 15-minute SPPs (SOURCES.md, validated on
    HB_HUBAVG). An hourly series is returned unchanged.
    """
    if series.interval_minutes == 60:
        return series
    per_hour = 60 // series.interval_minutes
    hour = series.interval_start_utc.astype("datetime64[h]")
    uniq, first, counts = np.unique(hour, return_index=True, return_counts=True)
    sums = np.add.reduceat(series.price_usd_per_mwh, first)
    full = counts == per_hour
    return PriceSeries(
        location=series.location,
        market=series.market,
        interval_minutes=60,
        interval_start_utc=uniq[full].astype("datetime64[s]"),
        price_usd_per_mwh=sums[full] / per_hour,
        source=series.source,
    )


# --------------------------------------------------------------------------------------------
# calendar helpers
# --------------------------------------------------------------------------------------------


def calendar_index(
    interval_start_utc: DatetimeArray,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """UTC month of year (0-11) and hour of day (0-23) of each timestamp."""
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    months = ts.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    month_of_year = months % 12
    hour_of_day = (ts.astype("datetime64[h]").astype(np.int64)) % 24
    return month_of_year.astype(np.int64), hour_of_day.astype(np.int64)


def hour_starts(start_utc: datetime | np.datetime64, months: int) -> DatetimeArray:
    """Every hour start [UTC] of ``months`` calendar months beginning with ``start_utc``'s month."""
    s = _dt64(start_utc) if isinstance(start_utc, datetime) else _scalar_s(start_utc)
    m0 = np.asarray(s).astype("datetime64[M]")
    lo = int(m0.astype("datetime64[h]").astype(np.int64))
    hi = int((m0 + np.timedelta64(months, "M")).astype("datetime64[h]").astype(np.int64))
    return np.arange(lo, hi, dtype=np.int64).astype("datetime64[h]").astype("datetime64[s]")


# --------------------------------------------------------------------------------------------
# synthetic hourly price model
# --------------------------------------------------------------------------------------------

#: probability grid of the stored residual quantiles: 0, 0.005, ..., 0.99 (199 points)
_BODY_PROB_HI = 0.99
_N_BODY = 199


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceModel:
    """A calibrated model of hourly prices (all prices USD/MWh, UTC calendar).

    price(t) = clip(level[m, h] + e(t), floor, cap), with m = month of year, h = hour of day,
    and e(t) = Q_m(Phi(z(t))), z an AR(1) standard normal process with lag-1 coefficient
    ``ar1_coef``: a Gaussian-copula AR(1) with monthly empirical marginals. Q_m is the
    empirical residual quantile of month m on ``quantile_probs`` (0 .. 0.99) and, above 0.99,
    a generalized Pareto tail (shape ``tail_shape``, scale ``tail_scale_usd_per_mwh``) fitted
    to the residual excesses by probability-weighted moments (Hosking & Wallis 1987).
    """

    level_usd_per_mwh: FloatArray  # (12, 24)
    quantile_probs: FloatArray  # (K,)
    residual_quantiles_usd_per_mwh: FloatArray  # (12, K)
    tail_shape: float
    tail_scale_usd_per_mwh: float
    ar1_coef: float
    floor_usd_per_mwh: float
    cap_usd_per_mwh: float
    fitted_on: str = ""


def _normal_scores(x: FloatArray) -> FloatArray:
    from scipy.special import ndtri

    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable").astype(np.float64) + 1.0
    return np.asarray(ndtri(ranks / (x.size + 1.0)), dtype=np.float64)


def _gpd_pwm(excess: FloatArray) -> tuple[float, float]:
    """Generalized Pareto shape xi and scale sigma by probability-weighted moments.

    Hosking & Wallis (1987), Technometrics 29(3): a0 = mean(y), a1 = mean((1 - p_i) y_(i)),
    p_i = (i - 0.35)/n; k = a0/(a0 - 2 a1) - 2, sigma = 2 a0 a1/(a0 - 2 a1); xi = -k.
    The shape is clipped to [0, 0.9] (a heavy but finite-mean tail).
    """
    y = np.sort(excess)
    n = y.size
    p = (np.arange(1, n + 1) - 0.35) / n
    a0 = float(y.mean())
    a1 = float(((1.0 - p) * y).mean())
    denom = a0 - 2.0 * a1
    if denom <= 0 or a0 <= 0:
        return 0.0, max(a0, 1e-6)
    xi = float(np.clip(2.0 - a0 / denom, 0.0, 0.9))
    sigma = 2.0 * a0 * a1 / denom
    return xi, max(sigma, 1e-6)


def fit_price_model(
    series: PriceSeries, *, cap_usd_per_mwh: float = ERCOT_OFFER_CAP_USD_PER_MWH
) -> PriceModel:
    """Fit :class:`PriceModel` to an hourly (or sub-hourly, averaged to hourly) history.

    Needs at least 3 prices in every (month, hour) cell, i.e. about a year of data. The
    floor is the lowest observed price; the cap defaults to ERCOT's $5,000/MWh offer cap.
    """
    hourly = to_hourly(series)
    p = hourly.price_usd_per_mwh
    ts = hourly.interval_start_utc
    moy, hod = calendar_index(ts)
    cell = moy * 24 + hod
    counts = np.bincount(cell, minlength=288)
    if counts.min() < 3:
        raise DataError(
            f"{series.location} {series.market}: {int((counts < 3).sum())} (month, hour) cells "
            "have fewer than 3 prices; the synthetic model needs about a year of hourly data",
            source=series.source or None,
        )
    level = np.empty(288)
    order = np.argsort(cell, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sorted_p = p[order]
    for c in range(288):  # 288 cells, not paths: a fit, not a hot loop
        level[c] = np.median(sorted_p[starts[c] : starts[c] + counts[c]])
    resid = p - level[cell]
    probs = np.linspace(0.0, _BODY_PROB_HI, _N_BODY)
    quant = np.empty((12, _N_BODY))
    for m in range(12):
        quant[m] = np.quantile(resid[moy == m], probs)
    # excesses over each month's 99th percentile, pooled
    excess = resid - quant[moy, -1]
    excess = excess[excess > 0]
    xi, sigma = _gpd_pwm(excess) if excess.size >= 10 else (0.0, 1.0)
    # AR(1) of the normal scores on consecutive hours
    z = _normal_scores(resid)
    consecutive = np.diff(ts) == np.timedelta64(3600, "s")
    if consecutive.sum() < 24:
        raise DataError("too few consecutive hours to fit price persistence")
    a, b = z[:-1][consecutive], z[1:][consecutive]
    phi = float(np.clip(np.corrcoef(a, b)[0, 1], 0.0, 0.999))
    return PriceModel(
        level_usd_per_mwh=level.reshape(12, 24),
        quantile_probs=probs,
        residual_quantiles_usd_per_mwh=quant,
        tail_shape=xi,
        tail_scale_usd_per_mwh=float(sigma),
        ar1_coef=phi,
        floor_usd_per_mwh=float(p.min()),
        cap_usd_per_mwh=float(cap_usd_per_mwh),
        fitted_on=f"{series.location} {series.market} {ts[0]}Z..{ts[-1]}Z ({p.size} h)",
    )


def _ar1_normals(
    phi: float, paths: int, hours: int, rng: np.random.Generator, z0: FloatArray | None
) -> FloatArray:
    from scipy.signal import lfilter

    eps = rng.standard_normal((paths, hours))
    start = eps[:, 0] if z0 is None else phi * z0 + np.sqrt(1.0 - phi * phi) * eps[:, 0]
    out = np.empty((paths, hours))
    out[:, 0] = start
    if hours > 1:
        zi = (phi * start)[:, None]
        out[:, 1:] = lfilter([np.sqrt(1.0 - phi * phi)], [1.0, -phi], eps[:, 1:], axis=1, zi=zi)[0]
    return out


def simulate_prices(
    model: PriceModel,
    interval_start_utc: DatetimeArray,
    *,
    paths: int,
    rng: np.random.Generator,
    z0: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Draw hourly price paths [USD/MWh], shape ``(paths, hours)``, for the given hour starts.

    Returns ``(prices, z_last)``; pass ``z_last`` as ``z0`` to continue the AR(1) state in the
    next chunk (e.g. month by month) so that chunked and whole draws have one distribution.
    Randomness only from ``rng``.
    """
    from scipy.special import ndtr

    if paths < 1:
        raise InputError("paths", paths, "a whole number >= 1")
    moy, hod = calendar_index(interval_start_utc)
    z = _ar1_normals(model.ar1_coef, paths, moy.size, rng, z0)
    u = ndtr(z)
    probs = model.quantile_probs
    q = model.residual_quantiles_usd_per_mwh
    e = np.empty_like(u)
    for m in np.unique(moy):  # at most 12 calendar months, never paths
        cols = moy == m
        e[:, cols] = np.interp(u[:, cols], probs, q[m])
    mcol = np.broadcast_to(moy[None, :], u.shape)
    tail = u > probs[-1]
    if tail.any():
        xi, sigma = model.tail_shape, model.tail_scale_usd_per_mwh
        ratio = (1.0 - probs[-1]) / np.maximum(1.0 - u[tail], 1e-300)
        excess = sigma * np.log(ratio) if xi < 1e-9 else sigma * (ratio**xi - 1.0) / xi
        e[tail] = q[mcol[tail], -1] + excess
    prices = model.level_usd_per_mwh[moy, hod][None, :] + e
    np.clip(prices, model.floor_usd_per_mwh, model.cap_usd_per_mwh, out=prices)
    return prices, z[:, -1].copy()
