"""The model calendar: month starts, month lengths, the one hours-per-month rule, local time.

Every monthly stream (mining, the PPA, a gross lease's power bill, GPU-hours billed and
their power) counts the **calendar hours of each month**: ``24 x days in the month``
(672, 696, 720 or 744 h), a civil-calendar month with no daylight-saving shift. A year then
has 8,760 h (8,784 in a leap year), as an average month of 8,760 / 12 = 730 h assumes, but
the hours fall in the months they belong to. See docs/methodology.md, "The model calendar".

Base layer: imports only the standard library and numpy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ERCOT_TIMEZONE",
    "HOURS_PER_DAY",
    "SECONDS_PER_HOUR",
    "is_timezone",
    "month_hours",
    "month_seconds",
    "month_starts",
    "months_between",
    "utc_to_local",
]

HOURS_PER_DAY = 24.0
SECONDS_PER_HOUR = 3600.0
#: ERCOT's settlement clock: Central Prevailing Time (CST, CDT from March to November)
ERCOT_TIMEZONE = "America/Chicago"


def month_starts(start: date, months: int) -> list[date]:
    """First day of each of ``months`` consecutive months starting with ``start``'s month."""
    out = []
    y, m = start.year, start.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def months_between(a: date, b: date) -> int:
    """Whole calendar months from ``a``'s month to ``b``'s month [months] (negative if b < a)."""
    return (b.year - a.year) * 12 + (b.month - a.month)


def month_hours(start: date, months: int) -> NDArray[np.float64]:
    """Calendar hours [h] of each of ``months`` months from ``start``'s month on.

    The one hours-per-month rule of every stream: ``24 x days in the month``. Example:
    from 2026-01: 744 (Jan), 672 (Feb), 744 (Mar), 720 (Apr).
    """
    edges = month_starts(start, months + 1)
    days = [(b - a).days for a, b in pairwise(edges)]
    return np.asarray(days, dtype=np.float64) * HOURS_PER_DAY


def month_seconds(start: date, months: int) -> NDArray[np.float64]:
    """Length [s] of each calendar month from ``start``'s month on: :func:`month_hours` x 3600."""
    return month_hours(start, months) * SECONDS_PER_HOUR


def utc_to_local(
    interval_start_utc: NDArray[np.datetime64], timezone: str
) -> NDArray[np.datetime64]:
    """Local wall-clock times [datetime64[s], naive] of UTC instants in an IANA ``timezone``
    (``zoneinfo``: daylight time where and when it applies). Offsets are looked up once per
    distinct UTC hour (every IANA transition of the US zones falls on a whole hour).

    Example: 2025-07-01 20:00 UTC is 15:00 CDT (UTC-5) in America/Chicago; 2025-01-15 21:00
    UTC is 15:00 CST (UTC-6). An unknown zone raises :class:`zoneinfo.ZoneInfoNotFoundError`
    (check it at the edge with :func:`is_timezone`).
    """
    zone = ZoneInfo(timezone)
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    hours, inverse = np.unique(ts.astype("datetime64[h]"), return_inverse=True)
    offsets_s = np.array(
        [_utc_offset_s(zone, int(h) * 3600) for h in hours.astype(np.int64)], dtype=np.int64
    )
    local = ts + offsets_s[inverse.reshape(ts.shape)].astype("timedelta64[s]")
    return np.asarray(local, dtype="datetime64[s]")


def _utc_offset_s(zone: ZoneInfo, unix_s: int) -> int:
    """Offset [s] of ``zone``'s wall clock from UTC at the instant ``unix_s``."""
    offset = datetime.fromtimestamp(unix_s, tz=UTC).astimezone(zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


def is_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone ``zoneinfo`` knows (e.g. ``America/Chicago``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
