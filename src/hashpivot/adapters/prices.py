"""Price files (CSV or Parquet) as a :class:`~hashpivot.power.prices.PriceSource`.

Expected layout (the shared ERCOT files, see shared/data/SOURCES.md), one row per interval:

=====================  =============================================================
column                 meaning
=====================  =============================================================
``timestamp_utc``      interval start, ISO 8601 with a zone (``Z`` or ``+00:00``);
                       ``interval_start_utc`` is accepted as the same column
``location``           settlement point, e.g. ``HB_WEST``
``market``             ``DAM`` or ``RT``
``price_usd_per_mwh``  price [USD/MWh]
=====================  =============================================================

Several (location, market) series may share one file; each must be sorted by time with no
duplicate timestamps. Every problem is one :class:`~hashpivot.errors.DataError` naming the
file, the row and what was expected.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hashpivot.config.files import MAX_DATA_BYTES, checked_file, read_checked_frame
from hashpivot.errors import DataError, InputError
from hashpivot.power.dispatch import DispatchPolicy, SiteDispatchSpec, dispatch_site
from hashpivot.power.price_summary import GapReport, gap_report, summarize
from hashpivot.power.prices import (
    ALLOWED_INTERVAL_MINUTES,
    Market,
    PriceSeries,
    select_range,
    select_year,
    year_window,
)

if TYPE_CHECKING:
    from hashpivot.config.site import SiteFile

__all__ = [
    "REQUIRED_COLUMNS",
    "FilePriceSource",
    "dispatch_report",
    "parse_market",
    "series_from_frame",
    "site_breakeven_usd_per_mwh",
    "summary_report",
]

REQUIRED_COLUMNS = ("timestamp_utc", "location", "market", "price_usd_per_mwh")

#: column names that mean the prices are not in USD/MWh
_WRONG_UNIT_COLUMNS = {
    "price_usd_per_kwh": "USD/kWh (multiply by 1000)",
    "price_cents_per_kwh": "cents/kWh (multiply by 10)",
    "price_usd_per_kw": "USD/kW (a capacity price, not energy)",
    "price_eur_per_mwh": "EUR/MWh (convert to USD)",
}
#: |price| above this cannot be an ERCOT-like USD/MWh energy price (cap $5,000 + adders)
_MAX_ABS_USD_PER_MWH = 20_000.0
#: a median |price| below this over a whole series means USD/kWh, not USD/MWh
_MIN_MEDIAN_ABS_USD_PER_MWH = 0.5

_MARKET_ALIASES = {
    "DAM": Market.DAM,
    "DA": Market.DAM,
    "DAY_AHEAD": Market.DAM,
    "DAY_AHEAD_HOURLY": Market.DAM,
    "RT": Market.RT,
    "RTM": Market.RT,
    "REAL_TIME": Market.RT,
    "REAL_TIME_15_MIN": Market.RT,
    "REAL_TIME_HOURLY": Market.RT,
}


def parse_market(value: str) -> Market:
    """``DAM``/``RT`` (and the gridstatus spellings) as :class:`Market`, else InputError."""
    key = str(value).strip().upper()
    if key not in _MARKET_ALIASES:
        raise InputError("market", value, "one of DAM, RT")
    return _MARKET_ALIASES[key]


def _check_columns(columns: list[str], source: str) -> None:
    cols = [c.strip() for c in columns]
    for c in cols:
        if c.lower() in _WRONG_UNIT_COLUMNS:
            raise DataError(
                f"column {c!r} is in {_WRONG_UNIT_COLUMNS[c.lower()]}; "
                "expected price_usd_per_mwh in USD/MWh",
                source=source,
            )
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(cols) or '(none)'}; "
            f"expected {', '.join(REQUIRED_COLUMNS)}",
            source=source,
        )


#: the years a price history may cover (past hours and the near future; ERCOT data start 2010)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _parse_timestamps(text: pd.Series, source: str) -> np.ndarray:
    """Timestamps with an explicit zone, as UTC datetime64[s]; row numbers are 1-based data rows."""
    stripped = text.astype(str).str.strip()
    has_zone = stripped.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    if not bool(has_zone.all()):
        i = int(np.argmax(~has_zone.to_numpy()))
        raise DataError(
            f"row {i + 1}: timestamp_utc {stripped.iloc[i]!r} has no time zone; "
            "expected ISO 8601 in UTC such as 2024-01-01T06:00:00Z",
            source=source,
        )
    parsed = pd.to_datetime(stripped, utc=True, errors="coerce", format="ISO8601")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        year = stripped.iloc[i][:4]
        why = (
            f"is outside the years {FIRST_YEAR}-{LAST_YEAR} of a price history"
            if year.isdigit() and not FIRST_YEAR <= int(year) <= LAST_YEAR
            else "is not an ISO 8601 time"
        )
        raise DataError(f"row {i + 1}: timestamp_utc {stripped.iloc[i]!r} {why}", source=source)
    out = np.asarray(parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()).astype(
        "datetime64[s]"
    )
    years = out.astype("datetime64[Y]").astype(np.int64) + 1970
    outside = (years < FIRST_YEAR) | (years > LAST_YEAR)
    if outside.any():
        i = int(np.argmax(outside))
        raise DataError(
            f"row {i + 1}: timestamp_utc {stripped.iloc[i]!r} is outside the years "
            f"{FIRST_YEAR}-{LAST_YEAR} of a price history",
            source=source,
        )
    return out


def _parse_prices(text: pd.Series, source: str) -> np.ndarray:
    values = pd.to_numeric(text.astype(str).str.strip(), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(
            f"row {i + 1}: price_usd_per_mwh {text.iloc[i]!r} is not a number "
            "(expected USD/MWh, e.g. 27.48)",
            source=source,
        )
    return values


def _infer_interval_minutes(ts: np.ndarray, label: str, source: str) -> int:
    if ts.size < 2:
        return 60
    steps = np.diff(ts).astype(np.int64)
    steps = steps[steps > 0]
    if steps.size == 0:
        return 60
    minutes = int(np.min(steps)) // 60
    if minutes not in ALLOWED_INTERVAL_MINUTES or int(np.min(steps)) % 60:
        raise DataError(
            f"{label}: shortest step between timestamps is {int(np.min(steps))} s; "
            f"expected intervals of {', '.join(map(str, ALLOWED_INTERVAL_MINUTES))} minutes",
            source=source,
        )
    return minutes


def _check_units(prices: np.ndarray, label: str, source: str) -> None:
    big = np.abs(prices) > _MAX_ABS_USD_PER_MWH
    if big.any():
        raise DataError(
            f"{label}: price {prices[np.argmax(big)]} is beyond +/-{_MAX_ABS_USD_PER_MWH:,.0f}; "
            "expected USD/MWh (ERCOT's offer cap is $5,000/MWh)",
            source=source,
        )
    if prices.size >= 24 and float(np.median(np.abs(prices))) < _MIN_MEDIAN_ABS_USD_PER_MWH:
        raise DataError(
            f"{label}: median |price| is {float(np.median(np.abs(prices))):.4f}, which looks "
            "like USD/kWh; expected USD/MWh (multiply by 1000)",
            source=source,
        )


def series_from_frame(frame: pd.DataFrame, *, source: str) -> dict[tuple[str, Market], PriceSeries]:
    """Validate a raw (all-text) frame in the file layout and split it into series.

    Raises DataError on wrong columns, text in prices, timestamps without a zone, unsorted or
    duplicate timestamps within a series, unknown markets, and prices in the wrong unit.
    """
    frame = frame.rename(columns=lambda c: str(c).strip())
    if "timestamp_utc" not in frame.columns and "interval_start_utc" in frame.columns:
        frame = frame.rename(columns={"interval_start_utc": "timestamp_utc"})
    _check_columns(list(frame.columns), source)
    if len(frame) == 0:
        raise DataError("no rows", source=source)
    ts = _parse_timestamps(frame["timestamp_utc"], source)
    prices = _parse_prices(frame["price_usd_per_mwh"], source)
    locations = frame["location"].astype(str).str.strip().to_numpy()
    raw_markets = frame["market"].astype(str).str.strip().str.upper()
    unknown = ~raw_markets.isin(list(_MARKET_ALIASES))
    if bool(unknown.any()):
        i = int(np.argmax(unknown.to_numpy()))
        raise DataError(
            f"row {i + 1}: market {frame['market'].iloc[i]!r}; expected DAM or RT", source=source
        )
    markets = raw_markets.map(lambda m: str(_MARKET_ALIASES[m])).to_numpy()
    out: dict[tuple[str, Market], PriceSeries] = {}
    keys = pd.DataFrame({"location": locations, "market": markets})
    for key, idx in keys.groupby(["location", "market"], sort=True).indices.items():
        loc, mkt = (str(k) for k in key)  # type: ignore[attr-defined]
        label = f"{loc} {mkt}"
        rows = np.asarray(idx)
        t = ts[rows]
        step = np.diff(t).astype(np.int64)
        if (step <= 0).any():
            k = int(np.argmax(step <= 0))
            what = "duplicate" if step[k] == 0 else "unsorted"
            raise DataError(
                f"{label}: {what} timestamps at rows {rows[k] + 1} and {rows[k + 1] + 1} "
                f"({t[k]}Z, {t[k + 1]}Z); expected strictly increasing interval starts",
                source=source,
            )
        p = prices[rows]
        _check_units(p, label, source)
        minutes = _infer_interval_minutes(t, label, source)
        market = Market(mkt)
        out[(loc, market)] = PriceSeries(
            location=loc,
            market=market,
            interval_minutes=minutes,
            interval_start_utc=t,
            price_usd_per_mwh=p,
            source=source,
        )
    return out


def _read_raw(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in {".parquet", ".pq", ".csv", ".txt"}:
        raise InputError("source", str(path), "a .csv or .parquet price file")
    checked_file(path, field="source", max_bytes=MAX_DATA_BYTES, kind="price file")
    try:
        if suffix in {".parquet", ".pq"}:
            import duckdb

            con = duckdb.connect()
            try:
                rel = con.sql("SELECT * FROM read_parquet(?)", params=[str(path)])
                frame = rel.df()
            finally:
                con.close()
            text: pd.DataFrame = frame.astype(str).where(frame.notna(), "")
            return text
        return read_checked_frame(
            path,
            lambda f: pd.read_csv(f, dtype=str, keep_default_na=False),
            field="source",
            kind="price file",
        )
    except InputError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read: {exc}", source=str(path)) from None
    except Exception as exc:  # duckdb raises its own error classes for a non-Parquet file
        raise DataError(f"cannot read as Parquet: {exc}", source=str(path)) from None


class FilePriceSource:
    """A CSV or Parquet price file as a :class:`~hashpivot.power.prices.PriceSource`.

    The file is read and validated once, on first use; ``get_prices`` then serves any
    (location, market) it holds. Parquet is read with DuckDB (no pyarrow needed).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = f"file:{self.path.name}"
        self._series: dict[tuple[str, Market], PriceSeries] | None = None

    def _load(self) -> dict[tuple[str, Market], PriceSeries]:
        if self._series is None:
            self._series = series_from_frame(_read_raw(self.path), source=str(self.path))
        return self._series

    def available(self) -> list[tuple[str, Market]]:
        """The (location, market) pairs in the file, sorted."""
        return sorted(self._load())

    def get_prices(
        self,
        location: str,
        market: Market | str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> PriceSeries:
        """One validated series, optionally cut to the UTC window ``[start, end)``."""
        mkt = market if isinstance(market, Market) else parse_market(market)
        series = self._load()
        key = (location, mkt)
        if key not in series:
            have = ", ".join(f"{loc}/{m}" for loc, m in sorted(series))
            raise InputError("location/market", f"{location}/{mkt}", f"one of {have}")
        found = series[key]
        if start is None and end is None:
            return found
        return select_range(found, start, end)


# --------------------------------------------------------------------------------------------
# reports: plain dicts (JSON-ready) assembled from the core, for the CLI and the API
# --------------------------------------------------------------------------------------------


def _gap_runs(report: GapReport, limit: int = 10) -> list[dict[str, object]]:
    return [
        {"start_utc": f"{run.start_utc}Z", "hours": run.hours}
        for run in report.missing_runs[:limit]
    ]


def summary_report(series: PriceSeries, *, year: int | None = None) -> dict[str, object]:
    """``prices summary``: hours, missing hours, mean, median, max, share of negative hours."""
    s = summarize(series, year=year)
    return {
        "location": s.location,
        "market": str(s.market),
        "year": year,
        "interval_minutes": s.interval_minutes,
        "first_utc": f"{s.first_utc}Z",
        "last_utc": f"{s.last_utc}Z",
        "hours": s.hours,
        "missing_hours": s.missing_hours,
        "mean_usd_per_mwh": s.mean_usd_per_mwh,
        "median_usd_per_mwh": s.median_usd_per_mwh,
        "min_usd_per_mwh": s.min_usd_per_mwh,
        "max_usd_per_mwh": s.max_usd_per_mwh,
        "negative_hours_frac": s.negative_frac,
        "missing_runs": _gap_runs(s.gaps),
        "missing_runs_total": len(s.gaps.missing_runs),
        "source": series.source,
    }


def dispatch_report(
    series: PriceSeries,
    *,
    breakeven_usd_per_mwh: float,
    spec: SiteDispatchSpec,
    year: int | None = None,
    breakeven_source: str = "given",
) -> dict[str, object]:
    """``dispatch``: uptime and average price over the hours run, plus the flat-out comparison.

    Money per MW of mining load where ``spec.mining_mw`` is 1; site totals otherwise.
    """
    sub = series if year is None else select_year(series, year)
    gaps = gap_report(series, *year_window(series, year)) if year is not None else gap_report(sub)
    dt = sub.interval_hours
    p = sub.price_usd_per_mwh
    ts = sub.interval_start_utc
    res = dispatch_site(p, breakeven_usd_per_mwh, spec, interval_hours=dt, interval_start_utc=ts)
    flat = dispatch_site(
        p,
        breakeven_usd_per_mwh,
        dataclasses.replace(spec, policy=DispatchPolicy.FLAT, fourcp=None),
        interval_hours=dt,
        interval_start_utc=ts,
    )
    uptime = float(res.mining_uptime_frac[0])
    avg_run = float(res.mining_avg_power_price_usd_per_mwh[0])
    out: dict[str, object] = {
        "location": sub.location,
        "market": str(sub.market),
        "year": year,
        "interval_minutes": sub.interval_minutes,
        "hours": res.hours,
        "missing_hours": gaps.missing_hours,
        "policy": str(spec.policy),
        "breakeven_usd_per_mwh": float(breakeven_usd_per_mwh),
        "breakeven_source": breakeven_source,
        "uptime_frac": uptime,
        "avg_power_price_usd_per_mwh": avg_run if np.isfinite(avg_run) else None,
        "avg_all_hours_usd_per_mwh": float(res.avg_all_hours_usd_per_mwh[0]),
        "mining_mw": spec.mining_mw,
        "mining_energy_mwh": float(res.mining_energy_mwh[0]),
        "mining_margin_usd": float(res.mining_margin_usd[0]),
        "flat_mining_margin_usd": float(flat.mining_margin_usd[0]),
        "curtailment_option_value_usd": float(res.mining_margin_usd[0] - flat.mining_margin_usd[0]),
        "sellback_credit_usd": float(res.sellback_credit_usd[0]),
        "unused_contract_cost_usd": float(res.unused_contract_cost_usd[0]),
        "fourcp_curtailed_hours": float(res.fourcp_curtailed_hours[0]),
        "ai_load_mw": spec.ai_load_mw,
        "ai_power_cost_usd": float(res.ai_power_cost_usd[0]),
        "landlord_ai_power_cost_usd": float(res.landlord_ai_power_cost_usd[0]),
        "net_power_cash_usd": float(res.net_power_cash_usd[0]),
        "source": series.source,
    }
    if not np.isfinite(avg_run):
        out["note"] = "the load never ran: no average price over hours run"
    return out


def site_breakeven_usd_per_mwh(site_file: SiteFile) -> tuple[float, str]:
    """The site's breakeven power price today [USD/MWh] and how it was found.

    breakeven = hashprice x (1 - pool fee) / (0.024 x fleet J/TH)
    (:func:`hashpivot.mining.economics.breakeven_power_usd_per_mwh`), with the hashprice of
    the dated default snapshot (:data:`hashpivot.market.snapshot.SNAPSHOT`).
    """
    from hashpivot.bitcoin.network import hashprice_from_difficulty
    from hashpivot.bitcoin.protocol import subsidy_btc
    from hashpivot.market.snapshot import SNAPSHOT
    from hashpivot.mining.economics import breakeven_power_usd_per_mwh

    fleet = site_file.build_fleet()
    snap = SNAPSHOT
    hp = float(
        hashprice_from_difficulty(
            snap.btc_price_usd, snap.difficulty, subsidy_btc(snap.height), snap.fees_btc_per_block
        )
    )
    eff = fleet.efficiency_j_per_th
    be = float(breakeven_power_usd_per_mwh(hp, eff, site_file.mining.pool_fee_frac))
    how = (
        f"hashprice ${hp:.2f}/PH/day (snapshot {snap.as_of}) x (1 - pool fee "
        f"{site_file.mining.pool_fee_frac:g}) / (0.024 x {eff:.2f} J/TH)"
    )
    return be, how
