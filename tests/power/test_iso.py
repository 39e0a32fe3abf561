"""The gridstatus sources, against recorded responses replayed on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from hashpivot.adapters.fetch.iso import (
    GridstatusApiSource,
    GridstatusLibrarySource,
    series_from_gridstatus_frame,
)
from hashpivot.errors import DataError, FetchError, InputError
from hashpivot.power.price_summary import gap_report
from hashpivot.power.prices import Market, PriceSource

DATA = Path(__file__).parent / "data"
START = datetime(2025, 7, 1, 21, tzinfo=UTC)
END = datetime(2025, 7, 1, 23, tzinfo=UTC)


class _Recorded(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []
    status = 200

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append(
            {"path": url.path, "query": query, "key": self.headers.get("x-api-key")}
        )
        if type(self).status != 200:
            body = b'{"detail": "boom"}'
            self.send_response(type(self).status)
        else:
            page = "p2" if query.get("cursor") == "c2" else "p1"
            body = (DATA / f"gridstatusio_ercot_spp_rt15_{page}.json").read_bytes()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@pytest.fixture
def server() -> Iterator[str]:
    _Recorded.requests = []
    _Recorded.status = 200
    httpd = HTTPServer(("127.0.0.1", 0), _Recorded)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_api_source_pages_and_parses(server: str) -> None:
    src = GridstatusApiSource(api_key="test-key", base_url=server)
    assert isinstance(src, PriceSource)
    s = src.get_prices("HB_WEST", "RT", start=START, end=END)
    assert s.market is Market.RT and s.interval_minutes == 15
    assert s.price_usd_per_mwh.tolist() == [31.5, 35.25, 120.0, 412.75, -2.5, 18.0, 22.0]
    assert str(s.interval_start_utc[0]) == "2025-07-01T21:00:00"
    # the recorded second page skips 22:30Z: reported, not filled
    r = gap_report(s)
    assert r.missing_intervals == 1 and str(r.missing_runs[0].start_utc) == "2025-07-01T22:30:00"
    first, second = _Recorded.requests
    assert first["path"] == "/v1/datasets/ercot_spp_real_time_15_min/query"
    assert first["query"]["filter_value"] == "HB_WEST"
    assert first["query"]["start_time"] == "2025-07-01T21:00:00Z"
    assert first["key"] == "test-key" and second["query"]["cursor"] == "c2"


def test_api_source_errors(server: str) -> None:
    src = GridstatusApiSource(api_key="k", base_url=server)
    with pytest.raises(InputError, match="start and end"):
        src.get_prices("HB_WEST", "RT")
    _Recorded.status = 500
    with pytest.raises(FetchError, match="HTTP 500"):
        src.get_prices("HB_WEST", "RT", start=START, end=END)
    with pytest.raises(InputError, match="API key"):
        GridstatusApiSource(api_key="")
    dead = GridstatusApiSource(api_key="k", base_url="http://127.0.0.1:9/v1", timeout_s=2)
    with pytest.raises(FetchError, match="cannot reach"):
        dead.get_prices("HB_WEST", "RT", start=START, end=END)


def test_gridstatus_library_frame_is_normalised() -> None:
    # gridstatus.Ercot().get_spp returns Time/Interval Start/Interval End/Location/.../SPP
    start = pd.date_range("2025-07-01 16:00", periods=3, freq="h", tz="US/Central")
    frame = pd.DataFrame(
        {
            "Time": start,
            "Interval Start": start,
            "Interval End": start + pd.Timedelta(hours=1),
            "Location": ["HB_WEST", "HB_WEST", "HB_WEST"],
            "Location Type": "Trading Hub",
            "Market": "DAY_AHEAD_HOURLY",
            "SPP": [41.2, 55.0, 38.9],
        }
    ).iloc[[2, 0, 1]]  # unsorted, as merged frames can be
    s = series_from_gridstatus_frame(frame, location="HB_WEST", market="DAY_AHEAD_HOURLY")
    assert s.market is Market.DAM
    assert str(s.interval_start_utc[0]) == "2025-07-01T21:00:00"  # 16:00 CDT
    assert s.price_usd_per_mwh.tolist() == [41.2, 55.0, 38.9]
    with pytest.raises(DataError, match="Location"):
        series_from_gridstatus_frame(frame.drop(columns=["SPP"]), location="HB_WEST", market="RT")


def test_library_source_without_gridstatus_says_how_to_install() -> None:
    try:
        import gridstatus  # noqa: F401
    except ImportError:
        with pytest.raises(InputError, match=r"hashpivot\[iso\]"):
            GridstatusLibrarySource().get_prices("HB_WEST", "RT", start=START, end=END)
    else:
        pytest.skip("gridstatus is installed; the missing-extra message cannot be shown")
