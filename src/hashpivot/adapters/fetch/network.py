"""Live Bitcoin network and BTC price sources, returning a :class:`MarketSnapshot`.

One contract, :class:`NetworkSource` (``snapshot() -> MarketSnapshot``), and one for prices,
:class:`BtcPriceSource` (``btc_price_usd() -> float``). Implementations:

- :class:`MempoolSpaceSource`: a mempool.space-style REST API (the public instance or a self-hosted
  one; documented at https://mempool.space/docs/api/rest):
    * ``GET /api/blocks/tip/height`` -> plain-text height of the chain tip;
    * ``GET /api/v1/difficulty-adjustment`` -> ``timeAvg`` [ms], the mean block interval of the
      current epoch (600,000 until 146 blocks of the epoch are in);
    * ``GET /api/v1/mining/hashrate/3d`` -> ``currentDifficulty`` [-], ``currentHashrate`` [H/s];
    * ``GET /api/v1/mining/reward-stats/144`` -> ``startBlock``, ``endBlock``, ``totalFee`` [sat]
      over the last 144 blocks (strings or numbers);
    * ``GET /api/v1/prices`` -> ``{"time": unix s, "USD": price, ...}``.
- :class:`CoinGeckoPriceSource`: ``GET /api/v3/simple/price?ids=bitcoin&vs_currencies=usd`` ->
  ``{"bitcoin": {"usd": price}}`` (https://docs.coingecko.com/reference/simple-price).
- :class:`LiveNetworkSource`: the network from mempool.space with the price from any
  :class:`BtcPriceSource` (mempool.space's own by default).

Every base URL is a setting (tests point them at a loopback server). Every request is bounded
(a total deadline, a body limit, JSON depth and integer-size guards: :mod:`.bounded`). Any failure
(network error, deadline, body too large, HTTP status other than 200, a body that is not JSON or
lacks a field, a value outside its plausible range) raises
:class:`~hashpivot.errors.FetchError` naming the URL and what was wrong.
"""

from __future__ import annotations

import math
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hashpivot.adapters.fetch.bounded import bounded_get, check_base_url, parse_json
from hashpivot.bitcoin.network import H_PER_EH
from hashpivot.bitcoin.protocol import RETARGET_INTERVAL_BLOCKS, SATOSHI_PER_BTC
from hashpivot.errors import FetchError, InputError
from hashpivot.market.snapshot import MarketSnapshot

DEFAULT_MEMPOOL_URL = "https://mempool.space"
DEFAULT_COINGECKO_URL = "https://api.coingecko.com"
MEMPOOL_URL_ENV = "HASHPIVOT_MEMPOOL_URL"
PRICE_URL_ENV = "HASHPIVOT_PRICE_URL"
FETCH_TIMEOUT_ENV = "HASHPIVOT_FETCH_TIMEOUT_S"
MAX_TIMEOUT_S = 600.0
DEFAULT_TIMEOUT_S = 10.0  # total deadline of one request: connect, headers and body [s]
DEFAULT_MAX_BODY_BYTES = 1 << 20  # largest body read [bytes]; the answers used are < 10 kB
FEE_WINDOW_BLOCKS = 144  # ~one day of blocks for the mean fee per block

# Plausible ranges of live figures; a value outside is an error naming the URL, never a model
# input. Difficulty >= 1 is the protocol minimum (genesis); the upper bounds sit >= 1,000x
# above late-2025 values (difficulty 1.5e14, hashrate 1.07e21 H/s, BTC $91k).
MAX_HEIGHT = 100_000_000.0  # block height [-] (~1,900 years of blocks)
MAX_TIME_AVG_MS = 86_400_000.0  # mean block interval [ms] (one day per block)
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 1e18  # [-]
MAX_HASHRATE_H_S = 1e24  # [H/s]
MAX_TOTAL_FEE_SAT = 2.1e15  # every satoshi that will ever exist [sat]
MAX_PRICE_USD = 1e9  # [USD/BTC]


def fetch_timeout_from_env() -> float:
    """``$HASHPIVOT_FETCH_TIMEOUT_S`` (a number of seconds in (0, 600]) or the 10 s default."""
    text = os.environ.get(FETCH_TIMEOUT_ENV)
    if text is None or not text.strip():
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= MAX_TIMEOUT_S):
        raise InputError(FETCH_TIMEOUT_ENV, text, f"a number of seconds in (0, {MAX_TIMEOUT_S:g}]")
    return value


def _utc_today() -> date:
    return datetime.now(UTC).date()


class _Http:
    """JSON/text GETs, each bounded by a total deadline and a body limit (see
    :mod:`hashpivot.adapters.fetch.bounded`); every failure is a FetchError naming the URL."""

    def __init__(
        self, base_url: str, timeout_s: float, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    ) -> None:
        self.base_url = check_base_url(base_url)
        if not (0 < timeout_s < math.inf):
            raise FetchError(f"timeout must be > 0 s, got {timeout_s!r}", source=base_url)
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_bytes

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def get_bytes(self, path: str, params: Mapping[str, str] | None = None) -> bytes:
        url = self.url(path)
        status, body = bounded_get(
            url, params=params, deadline_s=self.timeout_s, max_bytes=self.max_body_bytes
        )
        if status != 200:
            text = body[:120].decode("utf-8", "replace").replace("\n", " ")
            raise FetchError(f"HTTP {status} (body: {text!r})", source=url)
        return body

    def get_text(self, path: str, params: Mapping[str, str] | None = None) -> str:
        body = self.get_bytes(path, params)
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchError("response is not UTF-8 text", source=self.url(path)) from None

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return parse_json(self.get_bytes(path, params), self.url(path))


def _field(body: Any, key: str, url: str) -> Any:
    if not isinstance(body, Mapping):
        raise FetchError(f"expected a JSON object, got {type(body).__name__}", source=url)
    if key not in body:
        raise FetchError(
            f"field {key!r} missing (found {', '.join(map(str, body)) or 'nothing'})", source=url
        )
    return body[key]


def _number(
    value: Any, what: str, url: str, *, minimum: float, strict: bool, maximum: float
) -> float:
    """Parse a JSON number or numeric string; require it finite, > (or >=) ``minimum`` and
    <= ``maximum`` (the plausible range of a live figure, see :data:`LIVE_RANGES`)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FetchError(f"{what} is not a number: {value!r}", source=url)
    try:
        x = float(value)
    except (ValueError, OverflowError) as exc:
        raise FetchError(f"{what} is not a number: {value!r}", source=url) from exc
    ok = math.isfinite(x) and (x > minimum if strict else x >= minimum) and x <= maximum
    if not ok:
        sign = ">" if strict else ">="
        raise FetchError(
            f"{what} = {value!r}: expected a number {sign} {minimum:g} and <= {maximum:g}",
            source=url,
        )
    return x


def _integer(value: Any, what: str, url: str) -> int:
    x = _number(value, what, url, minimum=0.0, strict=False, maximum=MAX_HEIGHT)
    if x != math.floor(x):
        raise FetchError(f"{what} = {value!r}: expected a whole number >= 0", source=url)
    return int(x)


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkObservation:
    """The network as a block explorer reports it (no price).

    height : next block height = tip height + 1 [-]
    difficulty : difficulty in force [-]
    epoch_elapsed_s : seconds since the current epoch's first block [s]
    fees_btc_per_block : mean fees of the last blocks [BTC/block]
    network_hashrate_eh_s : explorer's hashrate estimate [EH/s]
    sources : where each figure came from (field, URL)
    """

    height: int
    difficulty: float
    epoch_elapsed_s: float
    fees_btc_per_block: float
    network_hashrate_eh_s: float
    sources: tuple[tuple[str, str], ...]


class BtcPriceSource(ABC):
    """Anything that gives the current BTC price [USD/BTC]."""

    @property
    @abstractmethod
    def url(self) -> str:
        """Base URL (or name) of the source, for reports."""

    @abstractmethod
    def btc_price_usd(self) -> float:
        """Current BTC price [USD/BTC]; raises FetchError on failure."""


class NetworkSource(ABC):
    """Anything that gives a :class:`MarketSnapshot` of the network and the BTC price now."""

    @property
    @abstractmethod
    def url(self) -> str:
        """Base URL(s) of the source, for reports."""

    @abstractmethod
    def snapshot(self) -> MarketSnapshot:
        """The network and market now; raises FetchError on failure."""


class MempoolSpaceSource(NetworkSource, BtcPriceSource):
    """A mempool.space-style REST API: network state, fees and (``/api/v1/prices``) the price.

    Parameters
    ----------
    base_url : e.g. ``https://mempool.space`` (no ``/api`` suffix)
    timeout_s : total deadline of each request (connect, headers and body) [s]
    max_body_bytes : largest response body read [bytes]
    fee_window_blocks : blocks over which fees are averaged (reward-stats window)
    today : clock for the snapshot's ``as_of`` (UTC date); injectable for tests
    """

    def __init__(
        self,
        base_url: str = DEFAULT_MEMPOOL_URL,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        fee_window_blocks: int = FEE_WINDOW_BLOCKS,
        today: Callable[[], date] = _utc_today,
    ) -> None:
        self._http = _Http(base_url, timeout_s, max_body_bytes)
        if fee_window_blocks < 1:
            raise FetchError(f"fee window must be >= 1 block, got {fee_window_blocks}")
        self.fee_window_blocks = fee_window_blocks
        self._today = today

    @property
    def url(self) -> str:
        return self._http.base_url

    def tip_height(self) -> int:
        """Height of the chain tip [-] (``/api/blocks/tip/height``, plain text)."""
        path = "/api/blocks/tip/height"
        text = self._http.get_text(path).strip()
        return _integer(text, "tip height", self._http.url(path))

    def mean_block_interval_s(self) -> float:
        """Mean block interval of the current epoch [s] (``timeAvg`` [ms] / 1000)."""
        path = "/api/v1/difficulty-adjustment"
        body = self._http.get_json(path)
        url = self._http.url(path)
        return (
            _number(
                _field(body, "timeAvg", url),
                "timeAvg",
                url,
                minimum=0,
                strict=True,
                maximum=MAX_TIME_AVG_MS,
            )
            / 1e3
        )

    def difficulty_and_hashrate(self) -> tuple[float, float]:
        """(difficulty [-], hashrate [H/s]) from ``/api/v1/mining/hashrate/3d``."""
        path = "/api/v1/mining/hashrate/3d"
        body = self._http.get_json(path)
        url = self._http.url(path)
        difficulty = _number(
            _field(body, "currentDifficulty", url),
            "currentDifficulty",
            url,
            minimum=MIN_DIFFICULTY,
            strict=False,
            maximum=MAX_DIFFICULTY,
        )
        hashrate = _number(
            _field(body, "currentHashrate", url),
            "currentHashrate",
            url,
            minimum=0,
            strict=True,
            maximum=MAX_HASHRATE_H_S,
        )
        return difficulty, hashrate

    def fees_btc_per_block(self) -> float:
        """Mean fees per block [BTC] over the last ``fee_window_blocks`` blocks.

        ``totalFee [sat] / (endBlock - startBlock + 1) / 1e8`` from ``reward-stats``.
        """
        path = f"/api/v1/mining/reward-stats/{self.fee_window_blocks}"
        body = self._http.get_json(path)
        url = self._http.url(path)
        start = _integer(_field(body, "startBlock", url), "startBlock", url)
        end = _integer(_field(body, "endBlock", url), "endBlock", url)
        if end < start:
            raise FetchError(f"endBlock {end} < startBlock {start}", source=url)
        total_fee_sat = _number(
            _field(body, "totalFee", url),
            "totalFee",
            url,
            minimum=0,
            strict=False,
            maximum=MAX_TOTAL_FEE_SAT,
        )
        return total_fee_sat / (end - start + 1) / SATOSHI_PER_BTC

    def network(self) -> NetworkObservation:
        """Height, difficulty, epoch progress, fees and hashrate (four requests)."""
        tip = self.tip_height()
        interval_s = self.mean_block_interval_s()
        difficulty, hashrate_h_s = self.difficulty_and_hashrate()
        fees = self.fees_btc_per_block()
        # mempool.space: timeAvg = (now - time of the epoch's first block) / (tip % 2016), so the
        # product gives the seconds since the epoch began (approximate in the epoch's first
        # 146 blocks, where timeAvg is fixed at 600 s).
        elapsed_s = (tip % RETARGET_INTERVAL_BLOCKS) * interval_s
        u = self._http.url
        fee_path = f"/api/v1/mining/reward-stats/{self.fee_window_blocks}"
        return NetworkObservation(
            height=tip + 1,
            difficulty=difficulty,
            epoch_elapsed_s=elapsed_s,
            fees_btc_per_block=fees,
            network_hashrate_eh_s=hashrate_h_s / H_PER_EH,
            sources=(
                ("height", f"tip height + 1: {u('/api/blocks/tip/height')}"),
                ("difficulty", f"currentDifficulty: {u('/api/v1/mining/hashrate/3d')}"),
                (
                    "epoch_elapsed_s",
                    f"(tip % 2016) x timeAvg: {u('/api/v1/difficulty-adjustment')}",
                ),
                (
                    "fees_btc_per_block",
                    f"totalFee / blocks: {u(fee_path)}",
                ),
                ("network_hashrate_eh_s", f"currentHashrate: {u('/api/v1/mining/hashrate/3d')}"),
            ),
        )

    def btc_price_usd(self) -> float:
        """BTC price [USD/BTC] from ``/api/v1/prices`` (field ``USD``)."""
        path = "/api/v1/prices"
        body = self._http.get_json(path)
        url = self._http.url(path)
        return _number(
            _field(body, "USD", url),
            "USD price",
            url,
            minimum=0,
            strict=True,
            maximum=MAX_PRICE_USD,
        )

    def snapshot(self) -> MarketSnapshot:
        return _compose(self.network(), self, self._today())


class CoinGeckoPriceSource(BtcPriceSource):
    """BTC price from CoinGecko's ``/api/v3/simple/price?ids=bitcoin&vs_currencies=usd``."""

    def __init__(
        self,
        base_url: str = DEFAULT_COINGECKO_URL,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._http = _Http(base_url, timeout_s, max_body_bytes)

    @property
    def url(self) -> str:
        return self._http.base_url

    def btc_price_usd(self) -> float:
        path = "/api/v3/simple/price"
        params = {"ids": "bitcoin", "vs_currencies": "usd"}
        body = self._http.get_json(path, params)
        url = self._http.url(path) + "?ids=bitcoin&vs_currencies=usd"
        coin = _field(body, "bitcoin", url)
        return _number(
            _field(coin, "usd", url),
            "bitcoin.usd",
            url,
            minimum=0,
            strict=True,
            maximum=MAX_PRICE_USD,
        )


def _price_source_label(price: BtcPriceSource) -> str:
    if isinstance(price, MempoolSpaceSource):
        return f"USD: {price.url}/api/v1/prices"
    if isinstance(price, CoinGeckoPriceSource):
        return f"bitcoin.usd: {price.url}/api/v3/simple/price"
    return price.url


def _compose(obs: NetworkObservation, price: BtcPriceSource, as_of: date) -> MarketSnapshot:
    return MarketSnapshot(
        as_of=as_of,
        height=obs.height,
        difficulty=obs.difficulty,
        epoch_elapsed_s=obs.epoch_elapsed_s,
        btc_price_usd=price.btc_price_usd(),
        fees_btc_per_block=obs.fees_btc_per_block,
        network_hashrate_eh_s=obs.network_hashrate_eh_s,
        sources=(*obs.sources, ("btc_price_usd", _price_source_label(price))),
    )


class LiveNetworkSource(NetworkSource):
    """The network from a :class:`MempoolSpaceSource`, the price from any :class:`BtcPriceSource`.

    ``price=None`` takes the price from the same mempool.space instance (``/api/v1/prices``).
    """

    def __init__(
        self,
        network: MempoolSpaceSource | None = None,
        price: BtcPriceSource | None = None,
        *,
        today: Callable[[], date] = _utc_today,
    ) -> None:
        self.network = network if network is not None else MempoolSpaceSource()
        self.price = price if price is not None else self.network
        self._today = today

    @classmethod
    def from_urls(
        cls,
        mempool_url: str | None = None,
        price_url: str | None = None,
        *,
        timeout_s: float | None = None,
    ) -> LiveNetworkSource:
        """Sources from URLs, else ``$HASHPIVOT_MEMPOOL_URL`` / ``$HASHPIVOT_PRICE_URL``, else
        the public defaults.

        The price URL, when given, is a CoinGecko-style base URL; without one the price comes
        from the mempool.space instance. ``timeout_s`` (else ``$HASHPIVOT_FETCH_TIMEOUT_S``,
        else 10 s) is the total deadline of each request.
        """
        if timeout_s is None:
            timeout_s = fetch_timeout_from_env()
        m_url = mempool_url or os.environ.get(MEMPOOL_URL_ENV) or DEFAULT_MEMPOOL_URL
        p_url = price_url or os.environ.get(PRICE_URL_ENV)
        network = MempoolSpaceSource(m_url, timeout_s=timeout_s)
        price = CoinGeckoPriceSource(p_url, timeout_s=timeout_s) if p_url else None
        return cls(network, price)

    @property
    def url(self) -> str:
        if self.price is self.network:
            return self.network.url
        return f"{self.network.url} + {self.price.url}"

    def snapshot(self) -> MarketSnapshot:
        return _compose(self.network.network(), self.price, self._today())
