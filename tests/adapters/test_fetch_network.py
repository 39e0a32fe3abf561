"""Network fetchers against recorded responses served on 127.0.0.1 (no internet).

The recorded bodies in tests/data/fetch/ follow the providers' documented formats; the expected
figures below are worked out by hand from those files (see tests/data/fetch/README.md).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from hashpivot.adapters.fetch.network import (
    CoinGeckoPriceSource,
    LiveNetworkSource,
    MempoolSpaceSource,
    NetworkSource,
)
from hashpivot.errors import DataError, FetchError
from hashpivot.market.snapshot import MarketSnapshot
from replay import FETCH_DATA as DATA
from replay import Recorded, Route

FIXED_DAY = date(2025, 11, 27)


# --- one contract every NetworkSource passes (gridstatus-style) -----------------------------


class NetworkSourceContract:
    """Checks every :class:`NetworkSource` must pass on the recorded responses."""

    def make(self, base_url: str) -> NetworkSource:
        raise NotImplementedError

    expected_price_usd: float

    def test_snapshot_is_a_market_snapshot(self, server: Recorded) -> None:
        snap = self.make(server.base_url).snapshot()
        assert isinstance(snap, MarketSnapshot)
        assert snap.as_of == FIXED_DAY

    def test_network_fields_from_recorded_responses(self, server: Recorded) -> None:
        snap = self.make(server.base_url).snapshot()
        assert snap.height == 925_500 + 1  # tip + 1 = next block
        assert snap.difficulty == 149_301_205_959_699.9
        assert snap.network_hashrate_eh_s == pytest.approx(1_065.1)  # 1.0651e21 H/s / 1e18
        # 547,200,000 sat / (925,500 - 925,357 + 1 = 144 blocks) / 1e8 sat/BTC
        assert snap.fees_btc_per_block == pytest.approx(547_200_000 / 144 / 1e8)
        assert snap.fees_btc_per_block == pytest.approx(0.038)
        # 925,500 % 2016 = 156 blocks since the retarget at 925,344 (= 459 x 2016), 590 s each
        assert snap.epoch_elapsed_s == pytest.approx(156 * 590.0)
        assert snap.network_state.epoch_blocks == 157  # blocks 925,344..925,500

    def test_price(self, server: Recorded) -> None:
        assert self.make(server.base_url).snapshot().btc_price_usd == self.expected_price_usd

    def test_sources_name_the_urls(self, server: Recorded) -> None:
        snap = self.make(server.base_url).snapshot()
        fields = {name for name, _ in snap.sources}
        assert {"height", "difficulty", "fees_btc_per_block", "btc_price_usd"} <= fields
        assert all(server.base_url in where for _, where in snap.sources)

    def test_hashrate_agrees_with_difficulty(self, server: Recorded) -> None:
        # implied hashrate = D x 2^32 / 600 s; the explorer's 3-day estimate is within a few %
        snap = self.make(server.base_url).snapshot()
        implied_eh_s = 149_301_205_959_699.9 * 2**32 / 600 / 1e18  # = 1,068.7 EH/s
        assert snap.network_hashrate_eh_s == pytest.approx(implied_eh_s, rel=0.05)

    def test_server_down_is_a_fetch_error_naming_the_url(self, server: Recorded) -> None:
        source = self.make("http://127.0.0.1:9")  # nothing listens on port 9 (discard)
        with pytest.raises(FetchError, match=r"http://127\.0\.0\.1:9/api/"):
            source.snapshot()


class TestMempoolSpaceSource(NetworkSourceContract):
    expected_price_usd = 91_000.0  # mempool_prices.json "USD"

    def make(self, base_url: str) -> NetworkSource:
        return MempoolSpaceSource(base_url, today=lambda: FIXED_DAY)


class TestLiveNetworkSourceWithCoinGecko(NetworkSourceContract):
    expected_price_usd = 91_234.5  # coingecko_simple_price.json bitcoin.usd

    def make(self, base_url: str) -> NetworkSource:
        return LiveNetworkSource(
            MempoolSpaceSource(base_url), CoinGeckoPriceSource(base_url), today=lambda: FIXED_DAY
        )

    def test_from_urls_uses_env(self, server: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HASHPIVOT_MEMPOOL_URL", server.base_url)
        monkeypatch.setenv("HASHPIVOT_PRICE_URL", server.base_url + "/")
        source = LiveNetworkSource.from_urls()
        assert source.url == f"{server.base_url} + {server.base_url}"
        assert source.snapshot().btc_price_usd == 91_234.5
        assert "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd" in server.hits


def test_live_source_defaults_to_mempool_price(server: Recorded) -> None:
    source = LiveNetworkSource.from_urls(server.base_url)
    assert source.url == server.base_url
    assert source.snapshot().btc_price_usd == 91_000.0
    assert not any(h.startswith("/api/v3/") for h in server.hits)


# --- failures: each one a FetchError naming the URL and the problem ---------------------------


def _mempool(server: Recorded, **kw: Any) -> MempoolSpaceSource:
    return MempoolSpaceSource(server.base_url, today=lambda: FIXED_DAY, **kw)


def test_http_error_status(server: Recorded) -> None:
    server.routes["/api/v1/mining/hashrate/3d"] = Route(503, b"Service Unavailable", "text/plain")
    with pytest.raises(FetchError, match=r"/api/v1/mining/hashrate/3d: HTTP 503"):
        _mempool(server).snapshot()


def test_not_json(server: Recorded) -> None:
    server.routes["/api/v1/prices"] = Route(200, b"<html>rate limited</html>", "text/html")
    with pytest.raises(FetchError, match=r"/api/v1/prices: response is not JSON"):
        _mempool(server).btc_price_usd()


def test_missing_field(server: Recorded) -> None:
    body = json.loads((DATA / "mempool_reward_stats_144.json").read_text())
    del body["totalFee"]
    server.routes["/api/v1/mining/reward-stats/144"] = Route(200, json.dumps(body).encode())
    with pytest.raises(FetchError, match=r"reward-stats/144: field 'totalFee' missing"):
        _mempool(server).fees_btc_per_block()


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/api/v1/mining/hashrate/3d",
            b'{"currentHashrate": 1e21, "currentDifficulty": 0}',
            "currentDifficulty = 0: expected a number >= 1",
        ),
        (
            "/api/v1/mining/hashrate/3d",
            b'{"currentHashrate": "fast", "currentDifficulty": 1e14}',
            "currentHashrate is not a number",
        ),
        ("/api/v1/prices", b'{"USD": -1}', "USD price = -1: expected a number > 0"),
        ("/api/v1/prices", b"[91000]", "expected a JSON object, got list"),
        ("/api/v1/difficulty-adjustment", b'{"timeAvg": null}', "timeAvg is not a number"),
        ("/api/blocks/tip/height", b"925500.5", "tip height = '925500.5': expected a whole"),
        (
            "/api/v1/mining/reward-stats/144",
            b'{"startBlock": 10, "endBlock": 9, "totalFee": "1"}',
            "endBlock 9 < startBlock 10",
        ),
    ],
)
def test_bad_values(server: Recorded, path: str, body: bytes, message: str) -> None:
    server.routes[path] = Route(200, body)
    with pytest.raises(FetchError) as info:
        _mempool(server).snapshot()
    assert message in str(info.value)
    assert server.base_url + path in str(info.value)


def test_coingecko_missing_coin(server: Recorded) -> None:
    server.routes["/api/v3/simple/price?ids=bitcoin&vs_currencies=usd"] = Route(200, b"{}")
    with pytest.raises(FetchError, match=r"simple/price.*field 'bitcoin' missing"):
        CoinGeckoPriceSource(server.base_url).btc_price_usd()


def test_timeout(server: Recorded) -> None:
    server.routes["/api/v1/prices"] = Route(200, b'{"USD": 1}', delay_s=1.0)
    with pytest.raises(FetchError, match=r"/api/v1/prices: timed out after 0.2 s"):
        _mempool(server, timeout_s=0.2).btc_price_usd()


def test_fetch_error_is_a_data_error() -> None:
    assert issubclass(FetchError, DataError)


@pytest.mark.parametrize("url", ["mempool.space", "ftp://x", ""])
def test_bad_base_url(url: str) -> None:
    with pytest.raises(FetchError, match="base URL must start with http"):
        MempoolSpaceSource(url)
