"""The model calendar: month starts, whole months between dates, calendar hours per month."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.calendar import (
    ERCOT_TIMEZONE,
    is_timezone,
    month_hours,
    month_seconds,
    month_starts,
    months_between,
    utc_to_local,
)


def test_month_starts_cross_the_year() -> None:
    assert month_starts(date(2025, 11, 27), 3) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]


def test_months_between() -> None:
    assert months_between(date(2025, 11, 27), date(2026, 12, 1)) == 13
    assert months_between(date(2026, 3, 31), date(2026, 3, 1)) == 0
    assert months_between(date(2026, 1, 1), date(2025, 12, 31)) == -1


def test_month_hours_are_calendar_hours() -> None:
    # 2028 is a leap year: Feb has 29 days = 696 h; Jan 31 d = 744 h; Apr 30 d = 720 h
    assert month_hours(date(2028, 1, 15), 4).tolist() == [744.0, 696.0, 744.0, 720.0]
    assert month_hours(date(2026, 1, 1), 12).sum() == 8_760.0
    assert month_hours(date(2028, 1, 1), 12).sum() == 8_784.0
    assert month_seconds(date(2026, 2, 1), 1).tolist() == [28 * 86_400.0]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 240))
def test_hours_sum_to_the_days_spanned(start: date, months: int) -> None:
    starts = month_starts(start, months + 1)
    assert month_hours(start, months).sum() == pytest.approx((starts[-1] - starts[0]).days * 24.0)
    assert months_between(starts[0], starts[-1]) == months


def test_utc_to_local_follows_daylight_time_in_chicago() -> None:
    utc = np.array(
        [
            "2025-07-01T20:00",  # CDT, UTC-5 -> 15:00
            "2025-01-15T21:00",  # CST, UTC-6 -> 15:00
            "2025-11-02T06:30",  # 01:30 CDT, the first of the two 01:30s of the fall-back day
            "2025-11-02T07:30",  # 01:30 CST, one hour later in UTC
            "2025-03-09T08:00",  # 03:00 CDT: 02:00-03:00 local does not exist that day
        ],
        dtype="datetime64[s]",
    )
    local = utc_to_local(utc, ERCOT_TIMEZONE)
    assert local.astype(str).tolist() == [
        "2025-07-01T15:00:00",
        "2025-01-15T15:00:00",
        "2025-11-02T01:30:00",
        "2025-11-02T01:30:00",
        "2025-03-09T03:00:00",
    ]
    assert is_timezone("America/Chicago") and not is_timezone("America/Nowhere")
