"""Electricity price series: one type, one source contract, validation, windows, calendar.

Gaps and summaries are in :mod:`hashpivot.power.price_summary`; the synthetic hourly model in
:mod:`hashpivot.power.price_model`. Everything here is pure (no file or network I/O): sources
that read files or call ISOs live in :mod:`hashpivot.adapters.prices` and
:mod:`hashpivot.adapters.fetch.iso` and return a :class:`PriceSeries`.

Conventions
-----------
* Timestamps are interval *starts* in UTC, stored as ``numpy.datetime64[s]`` (numpy has no
  time zone; every timestamp in this module is UTC). :meth:`PriceSeries.to_frame` gives the
  tz-aware pandas view (``interval_start_utc``, ``interval_end_utc``, ``location``, ``market``,
  ``price_usd_per_mwh``), the column layout of gridstatus.
* Prices are USD/MWh, nominal. Missing intervals are *absent* from a series: they are never
  filled (not with 0, not with a neighbour).
  :func:`hashpivot.power.price_summary.gap_report` lists them.
* 15-minute, 30-minute and 5-minute data are supported as well as hourly; every energy sum is
  weighted by :attr:`PriceSeries.interval_hours`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "Market",
    "PriceSeries",
    "PriceSource",
    "calendar_index",
    "datetime64_s",
    "hour_starts",
    "select_range",
    "select_year",
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


def datetime64_s(value: np.datetime64) -> np.datetime64:
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
    s = _dt64(start_utc) if isinstance(start_utc, datetime) else datetime64_s(start_utc)
    m0 = np.asarray(s).astype("datetime64[M]")
    lo = int(m0.astype("datetime64[h]").astype(np.int64))
    hi = int((m0 + np.timedelta64(months, "M")).astype("datetime64[h]").astype(np.int64))
    return np.arange(lo, hi, dtype=np.int64).astype("datetime64[h]").astype("datetime64[s]")
