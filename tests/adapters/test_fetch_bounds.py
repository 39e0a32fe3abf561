"""Bounded fetches against hostile servers on 127.0.0.1 (no internet).

Each server misbehaves in one way (streams without end, trickles a byte every 0.5 s, sends a
huge body, a 400-digit integer, an array nested 100,000 deep); each fetch ends with one
FetchError naming the URL, within its total deadline and without reading past the body limit.
Through the CLI the same servers give exit 2 and one line.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from hashpivot.adapters.fetch.bounded import (
    MAX_JSON_DEPTH,
    MAX_JSON_INT_DIGITS,
    bounded_get,
    parse_json,
)
from hashpivot.adapters.fetch.iso import GridstatusApiSource
from hashpivot.adapters.fetch.network import MempoolSpaceSource
from hashpivot.cli import main
from hashpivot.errors import FetchError

Writer = Callable[[BaseHTTPRequestHandler], None]

DEADLINE_S = 1.0
SLACK_S = 3.0  # thread start-up and a loaded CI machine; an unbounded fetch never ends at all
BODY_LIMIT = 64 << 10


def _headers(h: BaseHTTPRequestHandler, length: int | None = None) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    if length is not None:
        h.send_header("Content-Length", str(length))
    h.end_headers()


def endless(h: BaseHTTPRequestHandler) -> None:
    """200 with no length, then 64 kB chunks for ever (until the client hangs up)."""
    _headers(h)
    chunk = b"[" + b"1," * 32_000 + b"1]"
    while True:
        h.wfile.write(chunk)


def trickle(h: BaseHTTPRequestHandler) -> None:
    """A valid JSON start, then one byte every 0.5 s for ever: never idle long enough for a
    per-read timeout, so only a total deadline ends it."""
    _headers(h)
    h.wfile.write(b'{"USD": 9')
    h.wfile.flush()
    while True:
        time.sleep(0.5)
        h.wfile.write(b"0")
        h.wfile.flush()


def huge_declared(h: BaseHTTPRequestHandler) -> None:
    """Declares 300 MB; the client must refuse before reading it."""
    _headers(h, 300_000_000)
    h.wfile.write(b"[" * 1000)


def stalled(h: BaseHTTPRequestHandler) -> None:
    """Headers, then silence for longer than the deadline."""
    _headers(h)
    h.wfile.flush()
    time.sleep(DEADLINE_S * 4)


def body(payload: bytes) -> Writer:
    def write(h: BaseHTTPRequestHandler) -> None:
        _headers(h, len(payload))
        h.wfile.write(payload)

    return write


HUGE_INT = b'{"USD": ' + b"9" * 400 + b"}"
DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000


@contextmanager
def hostile(writer: Writer) -> Iterator[str]:
    """A loopback server answering every GET with ``writer``; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with contextlib.suppress(OSError):  # the client hung up: the point of the test
                writer(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


CASES: dict[str, tuple[Writer, str]] = {
    # an endless body ends at the body limit, or at the deadline where a loaded machine starves
    # the server thread before the limit is reached: bounded either way
    "endless": (
        endless,
        f"larger than the {BODY_LIMIT:,}-byte limit|timed out after {DEADLINE_S:g} s",
    ),
    "trickle": (trickle, f"timed out after {DEADLINE_S:g} s"),
    "stalled": (stalled, f"timed out after {DEADLINE_S:g} s"),
    "huge-declared": (huge_declared, f"larger than the {BODY_LIMIT:,}-byte limit"),
    "huge-body": (body(b"[" + b"0," * 200_000 + b"0]"), "larger than"),
    "huge-int": (body(HUGE_INT), f"> {MAX_JSON_INT_DIGITS}"),
    "deep-array": (body(DEEP_ARRAY[: BODY_LIMIT - 2] + b"]]"), f"deeper than {MAX_JSON_DEPTH}"),
    "nan-literal": (body(b'{"USD": NaN}'), "NaN is not a JSON number"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_mempool_fetch_is_bounded(case: str) -> None:
    writer, words = CASES[case]
    with hostile(writer) as url:
        source = MempoolSpaceSource(url, timeout_s=DEADLINE_S, max_body_bytes=BODY_LIMIT)
        t0 = time.monotonic()
        with pytest.raises(FetchError) as info:
            source.btc_price_usd()
        elapsed_s = time.monotonic() - t0
    assert any(w in str(info.value) for w in words.split("|"))
    assert f"{url}/api/v1/prices" in str(info.value)  # names the source URL
    assert elapsed_s < DEADLINE_S + SLACK_S


@pytest.mark.parametrize("case", ["endless", "trickle", "huge-int", "deep-array"])
def test_gridstatus_fetch_is_bounded(case: str) -> None:
    from datetime import UTC, datetime

    writer, words = CASES[case]
    with hostile(writer) as url:
        source = GridstatusApiSource(
            api_key="k", base_url=url, timeout_s=DEADLINE_S, max_body_bytes=BODY_LIMIT
        )
        with pytest.raises(FetchError) as info:
            source.get_prices(
                "HB_WEST",
                "RT",
                start=datetime(2025, 7, 1, tzinfo=UTC),
                end=datetime(2025, 7, 2, tzinfo=UTC),
            )
    assert any(w in str(info.value) for w in words.split("|"))
    assert url in str(info.value)


def test_a_100000_deep_array_from_the_default_limit() -> None:
    # the full 200 kB document parses under the default 1 MiB limit: the depth guard refuses it
    with pytest.raises(FetchError, match=f"deeper than {MAX_JSON_DEPTH}"):
        parse_json(DEEP_ARRAY, "http://x/")


def test_depth_guard_skips_brackets_in_strings() -> None:
    text = b'{"a": "' + b"[" * 500 + b'", "b": [[1]]}'
    assert parse_json(text, "http://x/") == {"a": "[" * 500, "b": [[1]]}


def test_a_30_digit_integer_is_read() -> None:
    assert parse_json(b'{"n": ' + b"9" * MAX_JSON_INT_DIGITS + b"}", "u") == {
        "n": int("9" * MAX_JSON_INT_DIGITS)
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (b"1e-300", "currentDifficulty = 1e-300: expected a number >= 1"),
        (b"1e400", "currentDifficulty = inf: expected a number >= 1"),  # parsed as inf
    ],
)
def test_live_values_outside_their_range(value: bytes, words: str) -> None:
    payload = b'{"currentHashrate": 1e21, "currentDifficulty": ' + value + b"}"
    with hostile(body(payload)) as url, pytest.raises(FetchError) as info:
        MempoolSpaceSource(url, timeout_s=DEADLINE_S).difficulty_and_hashrate()
    assert any(w in str(info.value) for w in words.split("|"))
    assert f"{url}/api/v1/mining/hashrate/3d" in str(info.value)


@pytest.mark.parametrize("url", ["http://[::1", "http://", "http://[zz]/"])
def test_invalid_url_is_one_fetch_error(url: str) -> None:
    with pytest.raises(FetchError, match="base URL"):
        MempoolSpaceSource(url)


def test_bad_deadline_is_refused() -> None:
    with pytest.raises(FetchError, match="timeout must be"):
        bounded_get("http://127.0.0.1:9/", deadline_s=float("nan"), max_bytes=10)


@pytest.mark.parametrize("case", ["trickle", "huge-int"])
def test_cli_live_fetch_exits_2_in_one_line(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHPIVOT_FETCH_TIMEOUT_S", str(DEADLINE_S))  # default 10 s
    writer, _ = CASES[case]
    with hostile(writer) as url:
        code = main(["hashprice", "--live", "--mempool-url", url, "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and url in err


@pytest.mark.parametrize("value", ["0", "nan", "inf", "-1", "1e9", "soon"])
def test_bad_fetch_timeout_env(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHPIVOT_FETCH_TIMEOUT_S", value)
    code = main(["hashprice", "--live", "--mempool-url", "http://127.0.0.1:9", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "HASHPIVOT_FETCH_TIMEOUT_S" in err


def test_cli_invalid_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["hashprice", "--live", "--mempool-url", "http://[::1", "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "http://[::1" in err
