"""Loader of the daily Bitcoin history (``btc_daily.csv``, Coin Metrics community data).

An adapter: it reads and validates the file, then computes the per-day economics with the core
formulas (:func:`hashpivot.bitcoin.daily.daily_economics`). Provenance, units and gaps of the
file are in ``shared/data/SOURCES.md``; the method in ``docs/methodology.md``.

Where the file is found (first match):
1. the ``path`` argument (the CSV itself, or a folder holding ``btc_daily.csv``);
2. ``$HASHPIVOT_SHARED_DATA/btc_daily.csv``;
3. ``../shared/data/btc_daily.csv`` relative to the current directory;
4. ``../shared/data/btc_daily.csv`` relative to the repository (beside ``src/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from hashpivot.bitcoin.daily import daily_economics
from hashpivot.config.files import MAX_DATA_BYTES, checked_file, read_checked_frame
from hashpivot.errors import DataError, InputError

HISTORY_FILENAME = "btc_daily.csv"
SHARED_DATA_ENV = "HASHPIVOT_SHARED_DATA"
_REPO_ROOT = Path(__file__).resolve().parents[3]

#: Columns the file must have, with the kind of values they must hold.
REQUIRED_COLUMNS: dict[str, str] = {
    "date": "YYYY-MM-DD (UTC day)",
    "price_usd": "USD/BTC > 0",
    "block_count": "integer blocks/day > 0",
    "height_end_est": "integer height of the day's last block",
    "difficulty_mean": "difficulty > 0",
    "fees_btc": "BTC/day >= 0",
}

#: Columns of the frame :func:`load_btc_daily` returns, in order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "date",
    "price_usd",
    "difficulty",
    "block_count",
    "height_end",
    "fees_btc_per_block",
    "subsidy_btc_per_block",
    "hashvalue_btc_per_ph_day",
    "hashprice_usd_per_ph_day",
)


def candidate_paths() -> list[Path]:
    """Where ``btc_daily.csv`` is looked for when no path is given, in order."""
    env = os.environ.get(SHARED_DATA_ENV)
    if env:
        return [Path(env) / HISTORY_FILENAME]
    return [
        Path.cwd().parent / "shared" / "data" / HISTORY_FILENAME,
        _REPO_ROOT.parent / "shared" / "data" / HISTORY_FILENAME,
    ]


def resolve_history_path(path: str | Path | None = None) -> Path:
    """The history file to read: ``path`` (a file or a folder) or the first default that exists.

    Raises
    ------
    DataError : no file at ``path``, or none of the default places holds one.
    """
    if path is not None:
        p = Path(path)
        if p.is_dir():
            p = p / HISTORY_FILENAME
        if not os.path.lexists(p):
            raise DataError(f"history file not found: {p}", source=str(path))
        return checked_file(p, field="--history", max_bytes=MAX_DATA_BYTES, kind="CSV file")
    tried = candidate_paths()
    for p in tried:
        if p.is_file():
            return p
    raise DataError(
        f"{HISTORY_FILENAME} not found (tried {', '.join(str(p) for p in tried)}); "
        f"set ${SHARED_DATA_ENV} or pass a path"
    )


def _numeric(raw: pd.DataFrame, column: str, source: str) -> np.ndarray:
    values = pd.to_numeric(raw[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(
            f"column {column!r} row {i + 2} = {raw[column].iloc[i]!r}: "
            f"expected {REQUIRED_COLUMNS[column]}",
            source=source,
        )
    return values


def _check(ok: np.ndarray, column: str, values: np.ndarray, source: str) -> None:
    if not ok.all():
        i = int(np.argmin(ok))
        raise DataError(
            f"column {column!r} row {i + 2} = {values[i]!r}: expected {REQUIRED_COLUMNS[column]}",
            source=source,
        )


def _read_raw(p: Path, source: str) -> pd.DataFrame:
    """The file as text columns, checked to hold every :data:`REQUIRED_COLUMNS` and a row."""
    raw = read_checked_frame(
        p,
        lambda f: pd.read_csv(f, dtype=str, keep_default_na=False),
        field="--history",
        kind="CSV file",
    )
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, raw.columns))}",
            source=source,
        )
    if raw.empty:
        raise DataError("no rows", source=source)
    return raw


def _parse_dates(raw: pd.DataFrame, source: str) -> pd.Series:
    """The ``date`` column as UTC days (datetime64), checked strictly increasing."""
    dates = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(np.argmax(dates.isna().to_numpy()))
        raise DataError(
            f"column 'date' row {i + 2} = {raw['date'].iloc[i]!r}: expected YYYY-MM-DD",
            source=source,
        )
    steps = dates.diff().iloc[1:]
    if (steps <= pd.Timedelta(0)).any():
        i = int(np.argmax((steps <= pd.Timedelta(0)).to_numpy())) + 1
        raise DataError(
            f"dates must be sorted and unique: row {i + 2} ({raw['date'].iloc[i]}) "
            f"follows {raw['date'].iloc[i - 1]}",
            source=source,
        )
    return dates


def _height_end(raw: pd.DataFrame, blocks: np.ndarray, source: str) -> np.ndarray:
    """``height_end_est`` [block height], checked integer and advancing by each day's blocks.

    ``blocks`` is the day's ``block_count`` [blocks/day], already checked.
    """
    height_end = _numeric(raw, "height_end_est", source)
    _check(
        (height_end == np.round(height_end)) & (height_end + 1 >= blocks),
        "height_end_est",
        height_end,
        source,
    )
    advance = np.diff(height_end) == blocks[1:]
    if not advance.all():
        i = int(np.argmin(advance)) + 1
        raise DataError(
            f"row {i + 2}: height_end_est {height_end[i]:.0f} - previous {height_end[i - 1]:.0f}"
            f" != block_count {blocks[i]:.0f}",
            source=source,
        )
    return height_end


def load_btc_daily(path: str | Path | None = None) -> pd.DataFrame:
    """Read, validate and enrich the daily history.

    Parameters
    ----------
    path : ``btc_daily.csv`` or a folder holding it; ``None`` looks in the default places
        (module docstring).

    Returns
    -------
    A frame with one row per UTC day, columns :data:`OUTPUT_COLUMNS`:
    ``date`` (datetime64, UTC day), ``price_usd`` [USD/BTC], ``difficulty`` (the day's mean, [-]),
    ``block_count`` [blocks/day], ``height_end`` (height of the day's last block),
    ``fees_btc_per_block`` [BTC/block] = fees_btc / block_count, ``subsidy_btc_per_block``
    [BTC/block] recomputed exactly from ``height_end`` and ``block_count`` (halving days blend
    the two subsidies by their block counts), ``hashvalue_btc_per_ph_day`` [BTC/(PH/s)/day],
    ``hashprice_usd_per_ph_day`` [USD/(PH/s)/day].

    Raises
    ------
    DataError : file missing or unreadable, a required column missing, a non-numeric or
        out-of-range value, dates not strictly increasing, or heights that do not advance by
        each day's block count.
    """
    p = resolve_history_path(path)
    source = str(p)
    raw = _read_raw(p, source)
    dates = _parse_dates(raw, source)

    price = _numeric(raw, "price_usd", source)
    _check(price > 0, "price_usd", price, source)
    blocks = _numeric(raw, "block_count", source)
    _check((blocks > 0) & (blocks == np.round(blocks)), "block_count", blocks, source)
    height_end = _height_end(raw, blocks, source)
    difficulty = _numeric(raw, "difficulty_mean", source)
    _check(difficulty > 0, "difficulty_mean", difficulty, source)
    fees = _numeric(raw, "fees_btc", source)
    _check(fees >= 0, "fees_btc", fees, source)

    econ = daily_economics(
        price_usd=price,
        difficulty=difficulty,
        fees_btc=fees,
        block_count=blocks,
        height_end=height_end,
    )
    frame = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "price_usd": price,
            "difficulty": difficulty,
            "block_count": blocks.astype(np.int64),
            "height_end": height_end.astype(np.int64),
            "fees_btc_per_block": econ.fees_btc_per_block,
            "subsidy_btc_per_block": econ.subsidy_btc_per_block,
            "hashvalue_btc_per_ph_day": econ.hashvalue_btc_per_ph_day,
            "hashprice_usd_per_ph_day": econ.hashprice_usd_per_ph_day,
        }
    )
    frame.attrs["source"] = source
    return frame


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryDay:
    """One day of the history (units as in :func:`load_btc_daily`)."""

    date: date
    price_usd: float
    difficulty: float
    block_count: int
    height_end: int
    fees_btc_per_block: float
    subsidy_btc_per_block: float
    hashvalue_btc_per_ph_day: float
    hashprice_usd_per_ph_day: float
    source: str


def history_range(frame: pd.DataFrame) -> tuple[date, date]:
    """First and last day of a frame returned by :func:`load_btc_daily`."""
    return frame["date"].iloc[0].date(), frame["date"].iloc[-1].date()


def history_day(frame: pd.DataFrame, day: date) -> HistoryDay:
    """The row of ``day`` in a frame returned by :func:`load_btc_daily`.

    Raises
    ------
    InputError : ``day`` is not in the history (the message names the range covered).
    """
    first, last = history_range(frame)
    match = frame.index[frame["date"] == pd.Timestamp(day)]
    if len(match) == 0:
        raise InputError(
            "date",
            day.isoformat(),
            f"a day in the history {first.isoformat()}..{last.isoformat()}",
            source=str(frame.attrs.get("source", "")) or None,
        )
    row = frame.loc[match[0]]
    return HistoryDay(
        date=day,
        price_usd=float(row["price_usd"]),
        difficulty=float(row["difficulty"]),
        block_count=int(row["block_count"]),
        height_end=int(row["height_end"]),
        fees_btc_per_block=float(row["fees_btc_per_block"]),
        subsidy_btc_per_block=float(row["subsidy_btc_per_block"]),
        hashvalue_btc_per_ph_day=float(row["hashvalue_btc_per_ph_day"]),
        hashprice_usd_per_ph_day=float(row["hashprice_usd_per_ph_day"]),
        source=str(frame.attrs.get("source", "")),
    )
