"""The model calendar: month starts, month lengths and the one hours-per-month rule.

Every monthly stream (mining, the PPA, a gross lease's power bill, GPU-hours billed and
their power) counts the **calendar hours of each month**: ``24 x days in the month``
(672, 696, 720 or 744 h), a civil-calendar month with no daylight-saving shift. A year then
has 8,760 h (8,784 in a leap year), as an average month of 8,760 / 12 = 730 h assumes, but
the hours fall in the months they belong to. See docs/methodology.md, "The model calendar".

Base layer: imports only the standard library and numpy.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "HOURS_PER_DAY",
    "SECONDS_PER_HOUR",
    "month_hours",
    "month_seconds",
    "month_starts",
    "months_between",
]

HOURS_PER_DAY = 24.0
SECONDS_PER_HOUR = 3600.0


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
