"""Price series: file source, validation, gaps, summaries, the synthetic model."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from hashpivot.adapters.prices import FilePriceSource
from hashpivot.errors import DataError, InputError
from hashpivot.power.price_model import fit_price_model, simulate_prices
from hashpivot.power.price_summary import gap_report, summarize
from hashpivot.power.prices import (
    Market,
    PriceSeries,
    PriceSource,
    calendar_index,
    hour_starts,
    select_year,
    to_hourly,
)

HEADER = "timestamp_utc,location,market,price_usd_per_mwh\n"


def _write(tmp_path: Path, body: str, name: str = "p.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body)
    return path


def _hours(n: int, start: str = "2025-01-01T00:00:00") -> list[str]:
    t0 = np.datetime64(start, "s")
    return [f"{t0 + np.timedelta64(i, 'h')}Z" for i in range(n)]


# ---------------------------------------------------------------- reference: the shared files


def test_hb_west_rt_2024_matches_published_stats(shared_data: Path) -> None:
    # SOURCES.md: HB_WEST RT 2024 mean $27.48, median $20.07, max $3,057, 9.7% negative
    src = FilePriceSource(shared_data / "ercot_west_hourly.csv")
    s = summarize(src.get_prices("HB_WEST", "RT"), year=2024)
    assert round(s.mean_usd_per_mwh, 2) == 27.48
    assert round(s.median_usd_per_mwh, 2) == 20.07
    assert round(s.max_usd_per_mwh) == 3057
    assert round(100 * s.negative_frac, 1) == 9.7
    # 2024 in the file starts 2024-01-01T06Z (local midnight); gaps: DST week 169 h + fall-back 1 h
    assert s.missing_hours == 170
    assert s.hours == 8784 - 6 - 170


def test_hb_west_rt_2025_matches_published_stats(shared_data: Path) -> None:
    src = FilePriceSource(shared_data / "ercot_west_hourly.csv")
    s = summarize(src.get_prices("HB_WEST", Market.RT), year=2025)
    assert round(s.mean_usd_per_mwh, 2) == 33.03
    assert round(s.median_usd_per_mwh, 2) == 27.43
    assert round(s.max_usd_per_mwh) == 1963


def test_documented_gaps_are_reported(shared_data: Path) -> None:
    # SOURCES.md: 535 of 19,366 hours missing per series, DST bug weeks + repeated fall-back hour
    src = FilePriceSource(shared_data / "ercot_west_hourly.csv")
    assert len(src.available()) == 4
    for loc, mkt in src.available():
        r = gap_report(src.get_prices(loc, mkt))
        assert (r.expected_intervals, r.missing_intervals) == (19366, 535)
        starts = [str(run.start_utc) for run in r.missing_runs]
        assert starts == [
            "2024-03-10T07:00:00",
            "2024-11-03T07:00:00",
            "2025-03-09T07:00:00",
            "2025-11-02T07:00:00",
            "2026-03-07T05:00:00",
        ]


def test_hubavg_15_minute_stats(shared_data: Path) -> None:
    # SOURCES.md: HB_HUBAVG RT (15-min) 2024 mean $26.80, max $4,964.84; complete
    src = FilePriceSource(shared_data / "ercot_hubavg_rt15_dam60.csv")
    rt = src.get_prices("HB_HUBAVG", "RT")
    assert rt.interval_minutes == 15
    s = summarize(rt, year=2024)
    assert round(s.mean_usd_per_mwh, 2) == 26.80
    assert s.max_usd_per_mwh == pytest.approx(4964.84)
    assert s.missing_hours == 0
    assert s.hours == 8784  # leap year, 35,136 quarter hours
    assert round(summarize(rt, year=2025).mean_usd_per_mwh, 2) == 32.25
    # the hourly mean of the 15-min SPPs keeps the mean of complete hours
    hourly = to_hourly(select_year(rt, 2024))
    assert hourly.n_intervals == 8784
    assert hourly.price_usd_per_mwh.mean() == pytest.approx(s.mean_usd_per_mwh, rel=1e-12)


def test_file_source_honours_the_contract(shared_data: Path) -> None:
    src = FilePriceSource(shared_data / "ercot_west_hourly.csv")
    assert isinstance(src, PriceSource)
    s = src.get_prices(
        "LZ_WEST",
        "DAM",
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 1, 2, tzinfo=UTC),
    )
    frame = s.to_frame()
    assert list(frame.columns) == [
        "interval_start_utc",
        "interval_end_utc",
        "location",
        "market",
        "price_usd_per_mwh",
    ]
    assert str(frame["interval_start_utc"].dt.tz) == "UTC"
    assert len(frame) == 24
    with pytest.raises(InputError, match="HB_WEST/DAM"):
        src.get_prices("HB_NOPE", "RT")


# ---------------------------------------------------------------- small files in tmp_path


def test_small_file_gap_and_year_filter(tmp_path: Path) -> None:
    stamps = _hours(6, "2024-12-31T22:00:00")
    del stamps[3]  # 2025-01-01T01Z missing
    body = "".join(f"{t},HB_X,RT,{10 + i}\n" for i, t in enumerate(stamps))
    s = FilePriceSource(_write(tmp_path, body)).get_prices("HB_X", "RT")
    r = gap_report(s)
    assert r.expected_intervals == 6 and r.missing_intervals == 1
    assert str(r.missing_runs[0].start_utc) == "2025-01-01T01:00:00"
    y = summarize(s, year=2025)  # UTC year: 00Z, [01Z missing], 02Z, 03Z
    assert y.hours == 3 and y.missing_hours == 1
    assert y.mean_usd_per_mwh == pytest.approx((12 + 13 + 14) / 3)
    assert summarize(s, year=2024).hours == 2


def test_15_minute_file_and_hourly_mean(tmp_path: Path) -> None:
    t0 = np.datetime64("2025-06-01T00:00:00", "s")
    stamps = [f"{t0 + np.timedelta64(15 * i, 'm')}Z" for i in range(8)]
    prices = [10, 20, 30, 40, 100, 0, -20, 0]
    body = "".join(f"{t},HB_X,RT,{p}\n" for t, p in zip(stamps, prices, strict=True))
    s = FilePriceSource(_write(tmp_path, body)).get_prices("HB_X", "RT")
    assert s.interval_minutes == 15 and s.interval_hours == 0.25
    h = to_hourly(s)
    assert h.price_usd_per_mwh.tolist() == [25.0, 20.0]
    assert summarize(s).hours == 2.0


def test_parquet_file(tmp_path: Path) -> None:
    import duckdb

    csv = _write(tmp_path, "".join(f"{t},HB_X,DAM,{i}.5\n" for i, t in enumerate(_hours(30))))
    pq = tmp_path / "p.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv}', all_varchar=true)) TO '{pq}' (FORMAT parquet)"
    )
    con.close()
    s = FilePriceSource(pq).get_prices("HB_X", "DAM")
    assert s.n_intervals == 30 and s.price_usd_per_mwh[3] == 3.5


@pytest.mark.parametrize(
    ("header", "body", "message"),
    [
        (
            "time,location,market,price_usd_per_mwh\n",
            "2025-01-01T00:00:00Z,A,RT,1\n",
            "missing column",
        ),
        (
            "timestamp_utc,location,market,price_usd_per_kwh\n",
            "2025-01-01T00:00:00Z,A,RT,0.03\n",
            "USD/kWh",
        ),
        (HEADER, "2025-01-01T01:00:00Z,A,RT,1\n2025-01-01T00:00:00Z,A,RT,2\n", "unsorted"),
        (HEADER, "2025-01-01T00:00:00Z,A,RT,1\n2025-01-01T00:00:00Z,A,RT,2\n", "duplicate"),
        (HEADER, "2025-01-01T00:00:00Z,A,RT,1\n2025-01-01T01:00:00Z,A,RT,n/a\n", "row 2"),
        (HEADER, "2025-01-01T00:00:00,A,RT,1\n", "no time zone"),
        (HEADER, "2025-01-01T00:00:00Z,A,XX,1\n", "DAM or RT"),
        (HEADER, "2025-01-01T00:00:00Z,A,RT,250000\n", "USD/MWh"),
        (HEADER, "", "no rows"),
        (HEADER, "2025-01-01T00:00:00Z,A,RT,1\n2025-01-01T00:07:00Z,A,RT,1\n", "intervals of"),
    ],
)
def test_bad_files_give_one_clear_error(
    tmp_path: Path, header: str, body: str, message: str
) -> None:
    path = _write(tmp_path, body, header=header)
    with pytest.raises(DataError, match=message) as info:
        FilePriceSource(path).available()
    assert str(path) in str(info.value)


def test_prices_in_usd_per_kwh_are_caught(tmp_path: Path) -> None:
    body = "".join(f"{t},A,RT,0.0{3 + i % 5}\n" for i, t in enumerate(_hours(48)))
    with pytest.raises(DataError, match=r"looks like USD/kWh"):
        FilePriceSource(_write(tmp_path, body)).available()


def test_missing_file_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="existing"):
        FilePriceSource(tmp_path / "nope.csv").available()
    bad = tmp_path / "p.xlsx"
    bad.write_text("x")
    with pytest.raises(InputError, match=r"csv or \.parquet"):
        FilePriceSource(bad).available()


def test_series_rejects_nan_and_off_grid() -> None:
    ts = np.array(["2025-01-01T00:00", "2025-01-01T01:00"], dtype="datetime64[s]")
    with pytest.raises(DataError, match="finite"):
        PriceSeries(
            location="A",
            market=Market.RT,
            interval_minutes=60,
            interval_start_utc=ts,
            price_usd_per_mwh=np.array([1.0, np.nan]),
        )
    with pytest.raises(DataError, match="grid"):
        PriceSeries(
            location="A",
            market=Market.RT,
            interval_minutes=60,
            interval_start_utc=np.array(
                ["2025-01-01T00:15", "2025-01-01T01:15"], dtype="datetime64[s]"
            ),
            price_usd_per_mwh=np.array([1.0, 2.0]),
        )


# ---------------------------------------------------------------- calendar + synthetic model


def test_calendar_index_and_hour_starts() -> None:
    hs = hour_starts(np.datetime64("2024-02-10T05:00:00"), 2)
    assert hs.size == (29 + 31) * 24  # Feb 2024 (leap) + March
    moy, hod = calendar_index(hs)
    assert moy[0] == 1 and moy[-1] == 2 and hod[0] == 0 and hod[-1] == 23


@pytest.fixture(scope="module")
def west_rt(shared_data: Path) -> PriceSeries:
    return FilePriceSource(shared_data / "ercot_west_hourly.csv").get_prices("HB_WEST", "RT")


def test_synthetic_model_reproduces_history(west_rt: PriceSeries) -> None:
    hist = select_year(west_rt, 2025)
    model = fit_price_model(hist)
    assert 0.5 < model.ar1_coef < 1.0  # hourly prices persist
    assert model.tail_shape > 0.0  # heavy upper tail
    hours = hour_starts(np.datetime64("2026-01-01"), 12)
    sim, _ = simulate_prices(model, hours, paths=40, rng=np.random.default_rng(7))
    p = hist.price_usd_per_mwh
    assert sim.shape == (40, hours.size)
    assert sim.mean() == pytest.approx(p.mean(), rel=0.15)
    assert np.median(sim) == pytest.approx(np.median(p), rel=0.10)
    assert abs((sim < 0).mean() - (p < 0).mean()) < 0.03
    assert sim.max() > 1000.0  # spikes happen
    assert sim.max() <= model.cap_usd_per_mwh and sim.min() >= model.floor_usd_per_mwh
    # seasonality by (month, hour) follows the history's cell medians
    moy, hod = calendar_index(hours)
    sim_cells = np.array(
        [np.median(sim[:, (moy == m) & (hod == h)]) for m in range(12) for h in range(24)]
    )
    assert np.corrcoef(sim_cells, model.level_usd_per_mwh.ravel())[0, 1] > 0.9


def test_synthetic_model_is_seeded_and_chunkable(west_rt: PriceSeries) -> None:
    model = fit_price_model(west_rt)
    hours = hour_starts(np.datetime64("2026-01-01"), 2)
    a, _ = simulate_prices(model, hours, paths=3, rng=np.random.default_rng(1))
    b, _ = simulate_prices(model, hours, paths=3, rng=np.random.default_rng(1))
    c, _ = simulate_prices(model, hours, paths=3, rng=np.random.default_rng(2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    _, z = simulate_prices(model, hours[:744], paths=3, rng=np.random.default_rng(3))
    second, _ = simulate_prices(model, hours[744:], paths=3, rng=np.random.default_rng(4), z0=z)
    assert second.shape == (3, hours.size - 744)
    # the AR(1) state carries over: a chunk started from a +4 sigma state opens with a spike,
    # one started from -4 sigma opens below the month's median level
    hot, _ = simulate_prices(
        model, hours[744:], paths=50, rng=np.random.default_rng(5), z0=np.full(50, 4.0)
    )
    cold, _ = simulate_prices(
        model, hours[744:], paths=50, rng=np.random.default_rng(5), z0=np.full(50, -4.0)
    )
    level = model.level_usd_per_mwh[1, 0]  # February, 00Z
    assert np.median(hot[:, 0]) > level + 20.0 > level > np.median(cold[:, 0])


def test_synthetic_model_needs_a_year(tmp_path: Path) -> None:
    body = "".join(f"{t},A,RT,{20 + i % 7}\n" for i, t in enumerate(_hours(24 * 30)))
    s = FilePriceSource(_write(tmp_path, body)).get_prices("A", "RT")
    with pytest.raises(DataError, match="about a year"):
        fit_price_model(s)
