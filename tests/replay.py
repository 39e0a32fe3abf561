"""Replay of recorded HTTP responses on 127.0.0.1 (tests only: no test touches the internet).

The recorded bodies in tests/data/fetch/ follow the providers' documented formats (see its
README.md); :func:`serve` runs a threaded loopback server answering each path with its route.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FETCH_DATA = Path(__file__).resolve().parent / "data" / "fetch"


@dataclass
class Route:
    status: int
    body: bytes
    content_type: str = "application/json"
    delay_s: float = 0.0


@dataclass
class Recorded:
    """A loopback server replaying recorded responses; ``routes`` may be edited per test."""

    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)


def recorded_routes() -> dict[str, Route]:
    def f(name: str) -> bytes:
        return (FETCH_DATA / name).read_bytes()

    return {
        "/api/blocks/tip/height": Route(200, f("mempool_blocks_tip_height.txt"), "text/plain"),
        "/api/v1/difficulty-adjustment": Route(200, f("mempool_difficulty_adjustment.json")),
        "/api/v1/mining/hashrate/3d": Route(200, f("mempool_hashrate_3d.json")),
        "/api/v1/mining/reward-stats/144": Route(200, f("mempool_reward_stats_144.json")),
        "/api/v1/prices": Route(200, f("mempool_prices.json")),
        "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd": Route(
            200, f("coingecko_simple_price.json")
        ),
    }


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Recorded]:
    """Serve ``routes`` (path with query -> response) on 127.0.0.1 while the block runs."""
    state = Recorded(base_url="", routes=routes)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            route = state.routes.get(self.path) or Route(404, b'{"error": "not found"}')
            if route.delay_s:
                time.sleep(route.delay_s)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
