"""ERCOT 4CP hours in Central Prevailing Time (America/Chicago, zoneinfo), across DST changes.

US daylight saving (15 U.S.C. 260a): CDT (UTC-5) from 02:00 local on the second Sunday of
March to 02:00 local on the first Sunday of November, else CST (UTC-6). In 2024: from
2024-03-10 08:00Z to 2024-11-03 07:00Z.
"""

from __future__ import annotations

import numpy as np
import pytest

from hashpivot.errors import InputError
from hashpivot.power.dispatch import (
    CoincidentPeakTerms,
    SiteDispatchSpec,
    coincident_peak_mask,
    dispatch_site,
    local_wall_time,
)
from hashpivot.power.prices import hour_starts


def _dt(*stamps: str) -> np.ndarray:
    return np.array(stamps, dtype="datetime64[s]")


def test_local_wall_time_on_each_side_of_both_2024_changes() -> None:
    utc = _dt(
        "2024-03-10T07:00",  # 01:00 CST (UTC-6), the last standard-time hour
        "2024-03-10T08:00",  # 03:00 CDT (UTC-5): 02:00-03:00 does not exist
        "2024-11-03T06:45",  # 01:45 CDT, first pass through 01:xx
        "2024-11-03T07:00",  # 01:00 CST: the hour repeats
        "2024-01-15T21:00",  # 15:00 CST in winter
        "2024-07-15T20:00",  # 15:00 CDT in summer (the old fixed UTC-5 agrees here)
    )
    local = local_wall_time(utc, "America/Chicago")
    assert (
        local.tolist()
        == _dt(
            "2024-03-10T01:00",
            "2024-03-10T03:00",
            "2024-11-03T01:45",
            "2024-11-03T01:00",
            "2024-01-15T15:00",
            "2024-07-15T15:00",
        ).tolist()
    )


@pytest.mark.parametrize(
    ("month", "before_z", "after_z"),
    [
        # spring forward on Sun 2024-03-10: 15:00 local is 21:00Z on Sat 9 (CST), 20:00Z on Mon 11
        (3, "2024-03-09T21:00", "2024-03-11T20:00"),
        # fall back on Sun 2024-11-03: 15:00 local is 20:00Z on Sat 2 (CDT), 21:00Z on Mon 4
        (11, "2024-11-02T20:00", "2024-11-04T21:00"),
    ],
)
def test_window_follows_dst_on_each_side_of_the_change(
    month: int, before_z: str, after_z: str
) -> None:
    """A one-hour window at 15:00 local, the 2 dearest days of the month: the price spikes sit
    in the 15:00 local hour of the day before and the day after the change, so each must be
    picked at its own UTC hour. (A fixed UTC-5 would put the March 9 spike at 16:00 and the
    November 4 spike at 16:00, both outside the window.)"""
    ts = hour_starts(np.datetime64(f"2024-{month:02d}-01"), 1)
    prices = np.full(ts.size, 30.0)
    before, after = _dt(before_z)[0], _dt(after_z)[0]
    prices[ts == before] = 900.0
    prices[ts == after] = 800.0
    terms = CoincidentPeakTerms(
        months=(month,), peak_days_per_month=2, window_start_hour_local=15, window_hours=1
    )
    mask = coincident_peak_mask(ts, prices, terms)
    assert ts[mask[0]].tolist() == [before.tolist(), after.tolist()]


def test_summer_4cp_hours_unchanged_by_the_zone() -> None:
    """June-September lie inside CDT: the window 15:00-19:00 local is 20:00Z-23:59Z."""
    ts = hour_starts(np.datetime64("2025-08-01"), 1)
    mask = coincident_peak_mask(ts, np.full(ts.size, 50.0), CoincidentPeakTerms())
    hours_z = ts[mask[0]].astype("datetime64[h]").astype(np.int64) % 24
    assert sorted(set(hours_z.tolist())) == [20, 21, 22, 23]
    assert mask.sum() == 5 * 4  # 5 days x 4 hours


def test_unknown_time_zone_is_one_input_error() -> None:
    with pytest.raises(InputError, match="time_zone"):
        CoincidentPeakTerms(time_zone="America/Nowhere")


def test_site_4cp_hours_on_15_minute_data() -> None:
    """15-minute August prices: 5 days x 4 local hours = 80 intervals = 20 h curtailed."""
    quarter = np.timedelta64(15, "m")
    ts = np.arange(np.datetime64("2025-08-01T00:00"), np.datetime64("2025-09-01T00:00"), quarter)
    ts = ts.astype("datetime64[s]")
    prices = 30.0 + (np.arange(ts.size) % 97)  # distinct daily peaks
    spec = SiteDispatchSpec(mining_mw=2.0, fourcp=CoincidentPeakTerms())
    r = dispatch_site(prices, 1_000.0, spec, interval_hours=0.25, interval_start_utc=ts)
    assert r.fourcp_curtailed_hours[0] == 20.0
    assert r.mining_energy_mwh[0] == 2.0 * (ts.size - 80) * 0.25
