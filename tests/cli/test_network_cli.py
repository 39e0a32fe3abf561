"""`hashpivot subsidy` and `hashpivot hashprice`, in-process via main() and once as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
FETCH_DATA = REPO / "tests" / "data" / "fetch"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    result: dict[str, Any] = json.loads(lines[0])
    return result


def run_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("error:")
    assert len(err.strip().splitlines()) == 1
    return err


# --- subsidy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("height", "btc", "sat", "era", "nxt"),
    [
        (0, 50.0, 5_000_000_000, 0, 210_000),
        (840_000, 3.125, 312_500_000, 4, 1_050_000),
        (1_049_999, 3.125, 312_500_000, 4, 1_050_000),
        (1_050_000, 1.5625, 156_250_000, 5, 1_260_000),
        (6_930_000, 0.0, 0, 33, 7_140_000),
    ],
)
def test_subsidy(
    capsys: pytest.CaptureFixture[str], height: int, btc: float, sat: int, era: int, nxt: int
) -> None:
    got = run_json(capsys, "subsidy", "--height", str(height))
    assert got == {
        "height": height,
        "subsidy_btc": btc,
        "subsidy_sat": sat,
        "era": era,
        "next_halving_height": nxt,
    }


@pytest.mark.parametrize("height", ["-1", "abc", "1.5"])
def test_subsidy_bad_height(capsys: pytest.CaptureFixture[str], height: str) -> None:
    assert "--height" in run_error(capsys, "subsidy", "--height", height, "--json")


def test_subsidy_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subsidy", "--height", "840000"]) == 0
    out = capsys.readouterr().out
    assert "subsidy_btc" in out and "3.125" in out


# --- hashprice from the history ----------------------------------------------------------------


def test_hashprice_published_point(capsys: pytest.CaptureFixture[str], shared_data: Path) -> None:
    csv = shared_data / "btc_daily.csv"
    got = run_json(capsys, "hashprice", "--date", "2024-04-20", "--history", str(csv))
    hand = (
        86_400
        * 1e15
        * (3.125 + 1_206.46658440 / 130)
        * 64_907.99284
        / (86_388_558_925_171.0 * 2**32)
    )
    assert got["hashprice_usd_per_ph_day"] == pytest.approx(hand, rel=1e-12)
    assert abs(got["hashprice_usd_per_ph_day"] - 187.5) <= 0.05  # SOURCES.md, rounded to $0.1
    assert got["hashvalue_btc_per_ph_day"] * 64_907.99284 == pytest.approx(hand, rel=1e-12)
    assert got["date"] == "2024-04-20"
    assert got["price_usd"] == 64_907.99284
    assert got["difficulty"] == 86_388_558_925_171.0
    assert got["fees_btc_per_block"] == pytest.approx(1_206.46658440 / 130)
    assert got["source"] == f"history: {csv}"


def test_hashprice_history_from_env(
    capsys: pytest.CaptureFixture[str], shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHPIVOT_SHARED_DATA", str(shared_data))
    got = run_json(capsys, "hashprice", "--date", "2025-09-22")
    hand = (
        86_400 * 1e15 * (3.125 + 3.39577662 / 150) * 112_727.7077 / (142_342_602_928_674.9 * 2**32)
    )
    assert got["hashprice_usd_per_ph_day"] == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize("day", ["2025-11-27", "2009-01-03"])
def test_hashprice_date_outside_history(
    capsys: pytest.CaptureFixture[str], shared_data: Path, day: str
) -> None:
    err = run_error(capsys, "hashprice", "--date", day, "--history", str(shared_data))
    assert "2010-07-18..2025-09-26" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["hashprice", "--date", "2024-02-30"], "--date"),
        (["hashprice", "--date", "2024-04-20", "--live"], "--live"),
        (["hashprice", "--history", "x.csv"], "--history"),
        (["hashprice", "--date", "2024-04-20", "--history", "/no/such/file.csv"], "not found"),
    ],
)
def test_hashprice_bad_input(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert needle in run_error(capsys, *argv)


# --- hashprice from the snapshot -----------------------------------------------------------------


def test_hashprice_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    got = run_json(capsys, "hashprice")
    hand = 86_400 * 1e15 * (3.125 + 0.038) * 91_000 / (149.30e12 * 2**32)  # $38.78
    assert got["hashprice_usd_per_ph_day"] == pytest.approx(hand, rel=1e-12)
    assert got["source"] == "snapshot 2025-11-27"
    assert got["date"] == "2025-11-27"
    assert 35.06 <= got["hashprice_usd_per_ph_day"] <= 39.82  # Luxor Nov 2025 low .. average


# --- hashprice live, against recorded responses on 127.0.0.1 ------------------------------------

ROUTES = {
    "/api/blocks/tip/height": "mempool_blocks_tip_height.txt",
    "/api/v1/difficulty-adjustment": "mempool_difficulty_adjustment.json",
    "/api/v1/mining/hashrate/3d": "mempool_hashrate_3d.json",
    "/api/v1/mining/reward-stats/144": "mempool_reward_stats_144.json",
    "/api/v1/prices": "mempool_prices.json",
    "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd": "coingecko_simple_price.json",
}


@pytest.fixture
def recorded_url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = ROUTES.get(self.path)
            body = (FETCH_DATA / name).read_bytes() if name else b"{}"
            self.send_response(200 if name else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_hashprice_live_option(capsys: pytest.CaptureFixture[str], recorded_url: str) -> None:
    got = run_json(capsys, "hashprice", "--live", "--mempool-url", recorded_url)
    # recorded: price $91,000, D 149,301,205,959,699.9, next height 925,501 (3.125 BTC), fees
    # 547,200,000 sat / 144 blocks = 0.038 BTC
    hand = 86_400 * 1e15 * (3.125 + 0.038) * 91_000 / (149_301_205_959_699.9 * 2**32)
    assert got["hashprice_usd_per_ph_day"] == pytest.approx(hand, rel=1e-12)
    assert got["height"] == 925_501
    assert got["source"] == f"live: {recorded_url}"


def test_hashprice_live_env(
    capsys: pytest.CaptureFixture[str], recorded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHPIVOT_MEMPOOL_URL", recorded_url)
    monkeypatch.setenv("HASHPIVOT_PRICE_URL", recorded_url)
    got = run_json(capsys, "hashprice", "--live")
    hand = 86_400 * 1e15 * (3.125 + 0.038) * 91_234.5 / (149_301_205_959_699.9 * 2**32)
    assert got["hashprice_usd_per_ph_day"] == pytest.approx(hand, rel=1e-12)
    assert got["price_usd"] == 91_234.5
    assert got["source"] == f"live: {recorded_url} + {recorded_url}"


def test_hashprice_live_unreachable(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_error(capsys, "hashprice", "--live", "--mempool-url", "http://127.0.0.1:9")
    assert "http://127.0.0.1:9/api/" in err


# --- once as a subprocess: python -m hashpivot ---------------------------------------------------


def _subprocess(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-m", "hashpivot", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_subprocess_subsidy_and_bad_input() -> None:
    ok = _subprocess("subsidy", "--height", "840000", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["subsidy_btc"] == 3.125
    bad = _subprocess("subsidy", "--height", "-1", "--json")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "Traceback" not in bad.stderr
    assert "--height" in bad.stderr


def test_subprocess_usage_error_exit_2() -> None:
    bad = _subprocess("subsidy", "--json")  # --height missing
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
