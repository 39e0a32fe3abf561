"""Gaps and descriptive statistics of a price series (pure, UTC).

:func:`gap_report` lists every missing interval of a :class:`~hashpivot.power.prices.PriceSeries`
on its regular grid (missing intervals are absent from a series, never filled);
:func:`summarize` gives its hours, missing hours and price statistics [USD/MWh].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hashpivot.power.prices import (
    Market,
    PriceSeries,
    datetime64_s,
    select_year,
    year_window,
)

__all__ = ["GapReport", "MissingRun", "PriceSummary", "gap_report", "summarize"]


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
    lo = ts[0] if window_start_utc is None else datetime64_s(window_start_utc)
    hi_raw = ts[-1] + np.timedelta64(step_s, "s") if window_end_utc is None else window_end_utc
    hi = datetime64_s(hi_raw)
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
