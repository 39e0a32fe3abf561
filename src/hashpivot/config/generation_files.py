"""Measured resource files for own generation: hourly irradiance (``[generation.solar]
irradiance_file``) and hourly hub-height wind speed (``[generation.wind] wind_speed_file``).

CSV, UTF-8, one header line, one row per hour::

    timestamp_utc,ghi_w_m2                       # or: timestamp_utc,ghi_w_m2,dni_w_m2,dhi_w_m2
    2025-01-01T00:00:00Z,0.0

    timestamp_utc,wind_speed_m_s
    2025-01-01T00:00:00Z,7.9

Timestamps carry a zone (``Z`` or ``+hh:mm``), fall on the hour and strictly increase. Reads are
bounded (:data:`MAX_RESOURCE_BYTES`, :data:`MAX_RESOURCE_ROWS`, through
:func:`hashpivot.config.files.read_text`); every bad row or field is one
:class:`~hashpivot.errors.InputError` naming the file, the row (1 = the first data row) and the
column.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from hashpivot.config.files import read_text
from hashpivot.errors import InputError
from hashpivot.power.generation.specs import HourlyResource

__all__ = [
    "MAX_RESOURCE_BYTES",
    "MAX_RESOURCE_ROWS",
    "read_irradiance_file",
    "read_wind_speed_file",
]

#: largest resource file [bytes]: ten years of hourly GHI/DNI/DHI is ~3.5 MB
MAX_RESOURCE_BYTES = 32 << 20  # 32 MiB
#: most data rows: 30 years of hours
MAX_RESOURCE_ROWS = 30 * 8784

#: upper bounds [W/m2] (the solar constant is 1,361 W/m2) and [m/s] (beyond any cut-out)
_LIMITS = {"ghi_w_m2": 1_500.0, "dni_w_m2": 1_500.0, "dhi_w_m2": 1_000.0, "wind_speed_m_s": 75.0}
_IRRADIANCE_HEADERS = (
    ("timestamp_utc", "ghi_w_m2"),
    ("timestamp_utc", "ghi_w_m2", "dni_w_m2", "dhi_w_m2"),
)
_WIND_HEADERS = (("timestamp_utc", "wind_speed_m_s"),)


def _timestamp(text: str, field: str, source: str) -> datetime:
    try:
        t = datetime.fromisoformat(text.strip())
    except ValueError:
        allowed = "an ISO 8601 time, e.g. 2025-01-01T00:00:00Z"
        raise InputError(field, text, allowed, source=source) from None
    if t.tzinfo is None:
        raise InputError(field, text, "a time with a zone (Z or +hh:mm)", source=source)
    t = t.astimezone(UTC)
    if (t.minute, t.second, t.microsecond) != (0, 0, 0):
        raise InputError(field, text, "an hour start (minutes and seconds 00)", source=source)
    return t


def _number(text: str, field: str, name: str, source: str) -> float:
    hi = _LIMITS[name]
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not 0.0 <= x <= hi:  # NaN fails too
        raise InputError(field, text, f"a number in [0, {hi:g}]", source=source)
    return x


def _read(path: str | Path, field: str, headers: tuple[tuple[str, ...], ...]) -> HourlyResource:
    source = str(path)
    text = read_text(path, field=field, max_bytes=MAX_RESOURCE_BYTES, kind="CSV file")
    rows = csv.reader(text.removeprefix("\ufeff").splitlines())  # Excel's UTF-8 BOM
    head = tuple(h.strip() for h in next(rows, []))
    if head not in headers:
        allowed = " or ".join(",".join(h) for h in headers)
        raise InputError(f"{field} header", ",".join(head), allowed, source=source)
    times: list[datetime] = []
    values: list[list[float]] = []
    for i, row in enumerate(rows, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(times) >= MAX_RESOURCE_ROWS:
            raise InputError(field, f"over {MAX_RESOURCE_ROWS:,} rows", "fewer rows", source=source)
        where = f"{field} row {i}"
        if len(row) != len(head):
            raise InputError(where, ",".join(row), f"{len(head)} fields", source=source)
        t = _timestamp(row[0], f"{where} timestamp_utc", source)
        if times and t <= times[-1]:
            raise InputError(
                f"{where} timestamp_utc", row[0], f"a time after {times[-1]:%Y-%m-%dT%H:%MZ}",
                source=source,
            )  # fmt: skip
        times.append(t)
        cells = zip(row[1:], head[1:], strict=True)
        values.append([_number(c, f"{where} {n}", n, source) for c, n in cells])
    if not times:
        raise InputError(field, source, "a CSV file with at least one data row", source=source)
    arr = np.asarray(values, dtype=np.float64)
    hours = np.asarray([t.replace(tzinfo=None) for t in times], dtype="datetime64[s]")
    return HourlyResource(
        hours_utc=hours, columns={n: arr[:, k] for k, n in enumerate(head[1:])}, source=source
    )


def read_irradiance_file(path: str | Path) -> HourlyResource:
    """Hourly GHI, or GHI/DNI/DHI [W/m2] (module docstring)."""
    return _read(path, "generation.solar.irradiance_file", _IRRADIANCE_HEADERS)


def read_wind_speed_file(path: str | Path) -> HourlyResource:
    """Hourly hub-height wind speed [m/s] (module docstring)."""
    return _read(path, "generation.wind.wind_speed_file", _WIND_HEADERS)
