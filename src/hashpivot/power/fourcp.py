"""ERCOT 4CP avoidance: the intervals to curtail, in the local time of the grid.

The public names are re-exported by :mod:`hashpivot.power.dispatch`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.calendar import ERCOT_TIMEZONE, is_timezone, utc_to_local
from hashpivot.errors import InputError
from hashpivot.power.flexible import BoolArray, _prices_2d
from hashpivot.power.prices import DatetimeArray
from hashpivot.types import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class CoincidentPeakTerms:
    """Curtail in the likely ERCOT 4CP intervals.

    ERCOT allocates transmission cost by each customer's load in the 15-minute interval of
    system peak demand in each of June, July, August and September (4CP; PUCT 16 TAC
    25.192). Without load forecasts, hashpivot uses price as the proxy for system stress:
    in each of ``months`` it curtails the ``window_hours`` local hours starting at
    ``window_start_hour_local`` on the ``peak_days_per_month`` days whose highest price in that
    window is largest. Window 15:00-19:00 CDT and 5 days a month are assumptions (summer
    peaks fall in the late afternoon), to be set per site. Local time is ``time_zone``'s wall
    clock (IANA name; ERCOT settles in Central Prevailing Time, ``America/Chicago``: CDT,
    UTC-5, from the second Sunday of March to the first Sunday of November, else CST, UTC-6).
    """

    months: tuple[int, ...] = (6, 7, 8, 9)
    peak_days_per_month: int = 5
    window_start_hour_local: int = 15
    window_hours: int = 4
    time_zone: str = ERCOT_TIMEZONE  #: IANA zone of the local hours (zoneinfo)

    def __post_init__(self) -> None:
        if not self.months or any(not 1 <= m <= 12 for m in self.months):
            raise InputError("fourcp.months", self.months, "months 1-12")
        if not 1 <= self.peak_days_per_month <= 31:
            raise InputError(
                "fourcp.peak_days_per_month", self.peak_days_per_month, "a whole number 1-31"
            )
        if not 0 <= self.window_start_hour_local <= 23:
            raise InputError(
                "fourcp.window_start_hour_local", self.window_start_hour_local, "an hour 0-23"
            )
        if not 1 <= self.window_hours <= 24 - self.window_start_hour_local:
            raise InputError(
                "fourcp.window_hours", self.window_hours, "1 .. hours left in the local day"
            )
        if not is_timezone(self.time_zone):
            raise InputError(
                "fourcp.time_zone", self.time_zone, "an IANA time zone, e.g. America/Chicago"
            )


def local_wall_time(interval_start_utc: DatetimeArray, time_zone: str) -> DatetimeArray:
    """Wall-clock time in ``time_zone`` of UTC instants, as naive ``datetime64[s]``
    (:func:`hashpivot.calendar.utc_to_local`): e.g. 2024-03-10 07:00Z is 01:00 CST and 08:00Z
    is 03:00 CDT in America/Chicago (the clock skips 02:00-03:00)."""
    return utc_to_local(interval_start_utc, time_zone)


def coincident_peak_mask(
    interval_start_utc: DatetimeArray, price_usd_per_mwh: FloatArray, terms: CoincidentPeakTerms
) -> BoolArray:
    """Intervals to curtail for 4CP avoidance, shape ``(paths, intervals)`` (paths = price rows).

    Local time: ``terms.time_zone``'s wall clock (:func:`local_wall_time`), daylight saving
    included, so the window's hours and the days follow the local clock in any month.
    """
    p = _prices_2d(price_usd_per_mwh)
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    if ts.shape[0] != p.shape[1]:
        raise InputError(
            "interval_start_utc", f"{ts.shape[0]} timestamps", f"{p.shape[1]} (one per price)"
        )
    local = local_wall_time(ts, terms.time_zone)
    month = local.astype("datetime64[M]").astype(np.int64) % 12 + 1
    hour = local.astype("datetime64[h]").astype(np.int64) % 24
    day = local.astype("datetime64[D]").astype(np.int64)
    ym = local.astype("datetime64[M]").astype(np.int64)
    in_window = (
        np.isin(month, terms.months)
        & (hour >= terms.window_start_hour_local)
        & (hour < terms.window_start_hour_local + terms.window_hours)
    )
    mask = np.zeros(p.shape, dtype=bool)
    cols = np.flatnonzero(in_window)
    if cols.size == 0:
        return mask
    wday = day[cols]
    starts = np.flatnonzero(np.concatenate(([True], np.diff(wday) != 0)))
    day_peak = np.maximum.reduceat(p[:, cols], starts, axis=1)  # (paths, n_days)
    day_ym = ym[cols][starts]
    chosen = np.zeros(day_peak.shape, dtype=bool)
    for g in np.unique(day_ym):  # a handful of summer months, not paths
        idx = np.flatnonzero(day_ym == g)
        k = min(terms.peak_days_per_month, idx.size)
        order = np.argsort(-day_peak[:, idx], axis=1, kind="stable")[:, :k]
        sub = np.zeros((p.shape[0], idx.size), dtype=bool)
        np.put_along_axis(sub, order, True, axis=1)
        chosen[:, idx] = sub
    day_of_col = np.cumsum(np.concatenate(([True], np.diff(wday) != 0))) - 1
    mask[:, cols] = chosen[:, day_of_col]
    return mask
