"""Irradiance and wind-speed files (``irradiance_file``, ``wind_speed_file``): small fixture
files written here, the numbers they give (by hand), and one InputError per bad row or field."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hashpivot.config.generation_files as gf
from hashpivot.config.generation import GenerationConfig
from hashpivot.config.generation_files import read_irradiance_file, read_wind_speed_file
from hashpivot.errors import InputError
from hashpivot.power.generation.profiles import solar_cf, wind_cf
from hashpivot.power.generation.specs import SolarPlant, WindPlant

LAT, LON = 31.9, -102.1  # Midland, TX


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _hours(year: int, n: int | None = None) -> pd.DatetimeIndex:
    idx = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz="UTC", inclusive="left")
    return idx if n is None else idx[:n]


def _stamp(t: pd.Timestamp) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _wind_file(tmp_path: Path, speeds: np.ndarray, year: int = 2025) -> Path:
    rows = [f"{_stamp(t)},{v}" for t, v in zip(_hours(year), speeds, strict=False)]
    return _write(tmp_path / "wind.csv", "timestamp_utc,wind_speed_m_s", rows)


def test_wind_speeds_from_a_file_on_the_generic_curve(tmp_path: Path) -> None:
    """The curve by hand: 0 below 3 m/s; (v^3 - 27) / (1728 - 27) to 12 m/s; 1 to 25 m/s.
    7.5 m/s: (421.875 - 27) / 1701 = 0.232143; 2.0 -> 0; 12.0 -> 1; 30 -> 0 (cut out)."""
    pattern = np.tile([2.0, 7.5, 12.0, 30.0], 8760 // 4)
    res = read_wind_speed_file(_wind_file(tmp_path, pattern))
    plant = WindPlant(capacity_mw=10.0, wind_speed=res)
    idx = _hours(2025, 8)
    cf = wind_cf(plant, 8, hours_utc=idx)
    np.testing.assert_allclose(cf, np.tile([0.0, 394.875 / 1701.0, 1.0, 0.0], 2), atol=1e-12)


def test_a_typical_year_serves_a_leap_price_year(tmp_path: Path) -> None:
    """A 2025 file used for 2024 hours: 29 February takes the 28th's hour."""
    speeds = np.full(8760, 12.0)
    feb28 = (_hours(2025).month == 2) & (_hours(2025).day == 28)
    speeds[feb28] = 7.5
    plant = WindPlant(
        capacity_mw=1.0, wind_speed=read_wind_speed_file(_wind_file(tmp_path, speeds))
    )
    idx = _hours(2024)
    cf = wind_cf(plant, len(idx), hours_utc=idx)
    leap = (idx.month == 2) & (idx.day == 29)
    np.testing.assert_allclose(cf[leap], 394.875 / 1701.0)
    assert cf[~leap & ~((idx.month == 2) & (idx.day == 28))].min() == 1.0


def test_a_file_missing_price_hours_is_one_error(tmp_path: Path) -> None:
    plant = WindPlant(
        capacity_mw=1.0, wind_speed=read_wind_speed_file(_wind_file(tmp_path, np.full(100, 8.0)))
    )
    idx = _hours(2025)
    with pytest.raises(InputError) as e:
        wind_cf(plant, len(idx), hours_utc=idx)
    assert e.value.field == "generation.wind.wind_speed_file"
    assert "8660 price hours missing, first 01-05 04:00" in str(e.value.value)


def _clear_sky(plant: SolarPlant, idx: pd.DatetimeIndex) -> pd.DataFrame:
    import pvlib

    loc = pvlib.location.Location(plant.latitude_deg, plant.longitude_deg, tz="UTC")
    with warnings.catch_warnings():  # pvlib on pandas 3: deprecations, not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        sky: pd.DataFrame = loc.get_clearsky(idx + pd.Timedelta(minutes=30), model="ineichen")
    return sky


def test_measured_irradiance_replaces_clear_sky(tmp_path: Path) -> None:
    """A file holding pvlib's own clear sky (GHI/DNI/DHI) gives exactly the clear-sky capacity
    factor; GHI alone (split by Erbs) lands within 8 % of it over the year (Erbs reads a clear
    sky's high clearness index as mostly beam, not exactly pvlib's Ineichen split)."""
    base = SolarPlant(capacity_mwac=1.0, latitude_deg=LAT, longitude_deg=LON)
    idx = _hours(2025)
    sky = _clear_sky(base, idx)
    rows = [
        f"{_stamp(t)},{g:.6f},{b:.6f},{d:.6f}"
        for t, g, b, d in zip(idx, sky["ghi"], sky["dni"], sky["dhi"], strict=True)
    ]
    head = "timestamp_utc,ghi_w_m2,dni_w_m2,dhi_w_m2"
    full = read_irradiance_file(_write(tmp_path / "sky.csv", head, rows))
    clear = solar_cf(base, idx, cloudy=False)
    with_file = solar_cf(
        SolarPlant(capacity_mwac=1.0, irradiance=full, latitude_deg=LAT, longitude_deg=LON), idx
    )
    np.testing.assert_allclose(with_file, clear, atol=1e-6)
    ghi_rows = [f"{_stamp(t)},{g:.6f}" for t, g in zip(idx, sky["ghi"], strict=True)]
    ghi = read_irradiance_file(_write(tmp_path / "ghi.csv", "timestamp_utc,ghi_w_m2", ghi_rows))
    ghi_cf = solar_cf(
        SolarPlant(capacity_mwac=1.0, irradiance=ghi, latitude_deg=LAT, longitude_deg=LON), idx
    )
    assert ghi_cf.mean() == pytest.approx(clear.mean(), rel=0.08)
    night = sky["ghi"].to_numpy() == 0.0
    assert np.all(ghi_cf[night] == 0.0)


def test_the_site_file_reads_the_files_relative_to_itself(tmp_path: Path) -> None:
    _wind_file(tmp_path, np.full(8760, 12.0))
    cfg = GenerationConfig.model_validate(
        {"ai_load_mw": 10.0, "wind": {"capacity_mw": 5.0, "wind_speed_file": "wind.csv"}}
    )
    plant = cfg.plant(20.0, base_dir=tmp_path)
    assert plant.wind is not None and plant.wind.wind_speed is not None
    assert plant.wind.wind_speed.columns["wind_speed_m_s"].shape == (8760,)


W = "timestamp_utc,wind_speed_m_s"
G = "timestamp_utc,ghi_w_m2"


@pytest.mark.parametrize(
    ("header", "rows", "field", "allowed"),
    [
        (W, ["2025-01-01T00:00:00Z,abc"], "row 1 wind_speed_m_s", "[0, 75]"),
        (W, ["2025-01-01T00:00:00Z,-1"], "row 1 wind_speed_m_s", "[0, 75]"),
        (W, ["2025-01-01T00:00:00Z,nan"], "row 1 wind_speed_m_s", "[0, 75]"),
        (G, ["2025-01-01T00:00:00Z,1600"], "row 1 ghi_w_m2", "[0, 1500]"),
        (W, ["2025-01-01T00:00:00,5"], "row 1 timestamp_utc", "zone"),
        (W, ["2025-01-01T00:30:00Z,5"], "row 1 timestamp_utc", "hour start"),
        (W, ["yesterday,5"], "row 1 timestamp_utc", "ISO 8601"),
        (W, ["2025-01-01T01:00:00Z,5", "2025-01-01T01:00:00Z,5"], "row 2 timestamp_utc", "after"),
        (W, ["2025-01-01T00:00:00Z,5,6"], "row 1", "2 fields"),
        ("time,speed", ["2025-01-01T00:00:00Z,5"], "header", "timestamp_utc,wind_speed_m_s"),
        (W, [], "wind_speed_file", "at least one data row"),
    ],
)
def test_each_bad_row_or_field_is_one_error(
    tmp_path: Path, header: str, rows: list[str], field: str, allowed: str
) -> None:
    path = _write(tmp_path / "bad.csv", header, rows)
    read = read_irradiance_file if header == G else read_wind_speed_file
    with pytest.raises(InputError) as e:
        read(path)
    assert field in e.value.field and allowed in e.value.allowed
    assert e.value.source == str(path)


def test_reads_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _wind_file(tmp_path, np.full(50, 5.0))
    monkeypatch.setattr(gf, "MAX_RESOURCE_ROWS", 10)
    with pytest.raises(InputError, match="over 10 rows"):
        read_wind_speed_file(path)
    monkeypatch.setattr(gf, "MAX_RESOURCE_BYTES", 100)
    with pytest.raises(InputError, match="at most 100 bytes"):
        read_wind_speed_file(path)
    with pytest.raises(InputError, match="no such file"):
        read_wind_speed_file(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="not a folder"):
        read_irradiance_file(tmp_path)


def test_an_excel_utf8_file_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    plain = _wind_file(tmp_path, np.full(48, 7.5))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    a, b = read_wind_speed_file(plain), read_wind_speed_file(bom)
    np.testing.assert_array_equal(a.columns["wind_speed_m_s"], b.columns["wind_speed_m_s"])
    np.testing.assert_array_equal(a.hours_utc, b.hours_utc)
