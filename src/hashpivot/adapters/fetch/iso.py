"""Live ISO prices as a :class:`~hashpivot.power.prices.PriceSource` (optional extra ``[iso]``).

Two ways in, one output (:class:`~hashpivot.power.prices.PriceSeries`):

* :class:`GridstatusApiSource` — the hosted gridstatus.io HTTP API
  (``GET {base_url}/datasets/{dataset}/query``, header ``x-api-key``, JSON
  ``{"data": [...], "meta": {"hasNextPage", "cursor"}}``, rows with ``interval_start_utc``,
  ``location``, ``market`` and ``spp``/``lmp``). Only httpx is needed; ``base_url`` is a
  setting, so tests replay recorded responses on 127.0.0.1. The API key is the user's own
  (``GRIDSTATUS_API_KEY``), passed in by the caller.
* :class:`GridstatusLibrarySource` — the open-source ``gridstatus`` package (imported lazily;
  ``pip install hashpivot[iso]``), e.g. ``gridstatus.Ercot().get_spp(...)``, whose frames have
  ``Interval Start``, ``Location``, ``Market`` and ``SPP``/``LMP`` columns;
  :func:`series_from_gridstatus_frame` normalises them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from hashpivot.adapters.fetch.bounded import bounded_get, check_base_url, parse_json
from hashpivot.adapters.prices import parse_market, series_from_frame
from hashpivot.errors import DataError, FetchError, InputError
from hashpivot.power.prices import Market, PriceSeries, select_range

__all__ = [
    "ERCOT_DATASETS",
    "GridstatusApiSource",
    "GridstatusLibrarySource",
    "series_from_gridstatus_frame",
]

DEFAULT_BASE_URL = "https://api.gridstatus.io/v1"

#: gridstatus.io dataset ids of ERCOT settlement point prices, by market
ERCOT_DATASETS: dict[Market, str] = {
    Market.RT: "ercot_spp_real_time_15_min",
    Market.DAM: "ercot_spp_day_ahead_hourly",
}

_PRICE_COLUMNS = ("spp", "lmp", "price", "SPP", "LMP")


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise InputError("start/end", value, "a time-zone aware datetime (UTC)")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _frame_to_series(
    frame: pd.DataFrame,
    *,
    time_col: str,
    location_col: str,
    market_col: str | None,
    price_col: str,
    location: str,
    market: Market,
    source: str,
) -> PriceSeries:
    sub = frame[frame[location_col].astype(str) == location]
    if sub.empty:
        raise DataError(f"no rows for location {location!r}", source=source)
    times = pd.to_datetime(sub[time_col], utc=True, errors="coerce")
    if bool(times.isna().any()):
        raise DataError(f"unparseable {time_col} values", source=source)
    raw = pd.DataFrame(
        {
            "timestamp_utc": times.dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "location": location,
            "market": str(market)
            if market_col is None
            else sub[market_col].astype(str).map(lambda m: str(parse_market(m))).to_numpy(),
            "price_usd_per_mwh": sub[price_col].astype(str).to_numpy(),
        }
    )
    series = series_from_frame(raw, source=source)
    key = (location, market)
    if key not in series:
        raise DataError(f"no {market} rows for {location}", source=source)
    return series[key]


def series_from_gridstatus_frame(
    frame: pd.DataFrame, *, location: str, market: Market | str, source: str = "gridstatus"
) -> PriceSeries:
    """Normalise a gridstatus (library) price frame into a :class:`PriceSeries`.

    Accepts ``Interval Start`` (or ``Time``), ``Location``, optional ``Market`` and ``SPP`` or
    ``LMP`` [USD/MWh]; sorts by time (gridstatus returns locations interleaved).
    """
    mkt = market if isinstance(market, Market) else parse_market(market)
    cols = list(frame.columns)
    time_col = next(
        (c for c in ("Interval Start", "Time", "interval_start_utc") if c in cols), None
    )
    loc_col = next((c for c in ("Location", "location") if c in cols), None)
    price_col = next((c for c in _PRICE_COLUMNS if c in cols), None)
    if time_col is None or loc_col is None or price_col is None:
        raise DataError(
            f"gridstatus frame lacks Interval Start/Location/SPP columns; found {cols}",
            source=source,
        )
    frame = frame.sort_values(time_col, kind="stable")
    return _frame_to_series(
        frame,
        time_col=time_col,
        location_col=loc_col,
        market_col=None,
        price_col=price_col,
        location=location,
        market=mkt,
        source=source,
    )


class GridstatusApiSource:
    """ERCOT (or any ISO with a gridstatus.io price dataset) over HTTP, as a PriceSource.

    ``datasets`` maps each market to a dataset id (default: ERCOT SPPs); ``base_url`` is a
    setting (tests point it at 127.0.0.1). Both ``start`` and ``end`` are required: the API is
    metered, so hashpivot never asks for an unbounded range. Each page is bounded by
    ``timeout_s`` (total: connect, headers and body) and ``max_body_bytes``; the whole query by
    ``total_timeout_s`` [s].
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        datasets: dict[Market, str] | None = None,
        locations: tuple[str, ...] = ("HB_WEST", "LZ_WEST", "HB_HUBAVG", "HB_NORTH"),
        timeout_s: float = 60.0,
        total_timeout_s: float = 600.0,
        max_body_bytes: int = 64 << 20,
        page_size: int = 50_000,
        max_pages: int = 200,
    ) -> None:
        if not api_key:
            raise InputError("api_key", "(empty)", "a gridstatus.io API key (GRIDSTATUS_API_KEY)")
        self.name = f"gridstatus.io:{base_url}"
        self.base_url = check_base_url(base_url)
        for name, value in (("timeout_s", timeout_s), ("total_timeout_s", total_timeout_s)):
            if not (0 < value < float("inf")):
                raise InputError(name, value, "a finite number of seconds > 0")
        self._total_timeout_s = total_timeout_s
        self._max_body_bytes = max_body_bytes
        self.datasets = dict(ERCOT_DATASETS if datasets is None else datasets)
        self._locations = locations
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._page_size = page_size
        self._max_pages = max_pages

    def available(self) -> list[tuple[str, Market]]:
        return sorted((loc, m) for loc in self._locations for m in self.datasets)

    def _get(self, url: str, params: dict[str, Any], deadline: float) -> dict[str, Any]:
        """One page, within the page timeout and what is left of the query's deadline."""
        left_s = min(self._timeout_s, deadline - time.monotonic())
        if left_s <= 0:
            raise FetchError(
                f"query took longer than its total deadline of {self._total_timeout_s:g} s",
                source=url,
            )
        status, raw = bounded_get(
            url,
            params=params,
            headers={"x-api-key": self._api_key},
            deadline_s=left_s,
            max_bytes=self._max_body_bytes,
        )
        if status != 200:
            text = raw[:200].decode("utf-8", "replace")
            raise FetchError(f"HTTP {status}: {text}", source=url)
        body = parse_json(raw, url)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise FetchError("response has no 'data' list", source=url)
        return body

    def get_prices(
        self,
        location: str,
        market: Market | str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> PriceSeries:
        mkt = market if isinstance(market, Market) else parse_market(market)
        if mkt not in self.datasets:
            raise InputError("market", str(mkt), f"one of {', '.join(map(str, self.datasets))}")
        if start is None or end is None:
            raise InputError("start/end", None, "both start and end (UTC) for a live query")
        url = f"{self.base_url}/datasets/{self.datasets[mkt]}/query"
        params: dict[str, Any] = {
            "start_time": _utc_iso(start),
            "end_time": _utc_iso(end),
            "filter_column": "location",
            "filter_value": location,
            "filter_operator": "=",
            "page_size": self._page_size,
        }
        rows: list[dict[str, Any]] = []
        deadline = time.monotonic() + self._total_timeout_s
        for _ in range(self._max_pages):
            body = self._get(url, params, deadline)
            rows.extend(body["data"])
            meta = body.get("meta") or {}
            if not meta.get("hasNextPage"):
                break
            if not meta.get("cursor"):
                raise FetchError(f"{url}: hasNextPage without a cursor")
            params = {**params, "cursor": meta["cursor"]}
        else:
            raise FetchError(f"{url}: more than {self._max_pages} pages; narrow the window")
        if not rows:
            raise FetchError(f"{url}: no rows for {location} {_utc_iso(start)}..{_utc_iso(end)}")
        frame = pd.DataFrame(rows)
        price_col = next((c for c in _PRICE_COLUMNS if c in frame.columns), None)
        if "interval_start_utc" not in frame.columns or price_col is None:
            raise DataError(
                f"rows lack interval_start_utc/spp; found {sorted(frame.columns)}", source=url
            )
        if "location" not in frame.columns:
            frame["location"] = location
        series = _frame_to_series(
            frame.sort_values("interval_start_utc", kind="stable"),
            time_col="interval_start_utc",
            location_col="location",
            market_col=None,
            price_col=price_col,
            location=location,
            market=mkt,
            source=url,
        )
        return select_range(series, start, end)


class GridstatusLibrarySource:
    """Prices through the open-source ``gridstatus`` package (``pip install hashpivot[iso]``).

    ``iso`` is a gridstatus class name (``"Ercot"``); ERCOT SPPs come from ``get_spp``.
    """

    def __init__(self, iso: str = "Ercot", locations: tuple[str, ...] = ("HB_WEST",)) -> None:
        self.name = f"gridstatus:{iso}"
        self._iso_name = iso
        self._locations = locations

    def available(self) -> list[tuple[str, Market]]:
        return sorted((loc, m) for loc in self._locations for m in Market)

    def _iso(self) -> Any:
        try:
            import gridstatus
        except ImportError:
            raise InputError(
                "source", "gridstatus", "the optional extra: pip install 'hashpivot[iso]'"
            ) from None
        cls = getattr(gridstatus, self._iso_name, None)
        if cls is None:
            raise InputError("iso", self._iso_name, "a gridstatus ISO class, e.g. Ercot")
        return cls()

    def get_prices(
        self,
        location: str,
        market: Market | str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> PriceSeries:
        mkt = market if isinstance(market, Market) else parse_market(market)
        if start is None or end is None:
            raise InputError("start/end", None, "both start and end (UTC) for a live query")
        iso = self._iso()
        gs_market = "REAL_TIME_15_MIN" if mkt is Market.RT else "DAY_AHEAD_HOURLY"
        try:
            frame = iso.get_spp(
                date=pd.Timestamp(start),
                end=pd.Timestamp(end),
                market=gs_market,
                locations=[location],
            )
        except Exception as exc:  # the library raises many kinds; report them as one
            raise FetchError(f"gridstatus {self._iso_name}.get_spp failed: {exc}") from None
        series = series_from_gridstatus_frame(
            frame, location=location, market=mkt, source=self.name
        )
        return select_range(series, start, end)
