"""`mine --live` and `compare --live`: start from the network fetched now (recorded responses
served on 127.0.0.1; no test touches the internet)."""

from __future__ import annotations

import json
import math
import socket
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hashpivot.api.compare import build_case
from hashpivot.cli import main
from hashpivot.market.scenarios import DEFAULT_PARAMS
from hashpivot.market.snapshot import SNAPSHOT
from replay import Recorded

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _site_from_next_month(tmp_path: Path) -> Path:
    """The Permian example, starting the month after today (a live snapshot is dated today)."""
    start = _next_month(datetime.now(UTC).date())
    text = SITE.read_text().replace("start = 2026-12-01", f"start = {start.isoformat()}")
    assert f"start = {start.isoformat()}" in text
    f = tmp_path / "site.toml"
    f.write_text(text)
    return f


def test_compare_live_starts_from_the_fetched_network(
    server: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site_from_next_month(tmp_path)
    code = main(
        [
            "compare",
            str(site),
            "--live",
            "--mempool-url",
            server.base_url,
            "--paths",
            "5000",
            "--months",
            "24",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    snap = out["snapshot"]
    assert snap["live"] is True
    assert snap["as_of"] == datetime.now(UTC).date().isoformat()
    # the recorded tip 925,500 -> next block 925,501; mempool.space price $91,000
    assert snap["height"] == 925_501 and snap["btc_price_usd"] == 91_000
    rows = {r["name"]: r for r in out["assumptions"]}
    assert rows["snapshot"]["source"].startswith("fetched live")
    assert f"{server.base_url}/api/blocks/tip/height" in rows["snapshot"]["source"]
    assert rows["btc_price_usd today"]["source"].startswith("fetched live")
    assert "/api/blocks/tip/height" in server.hits


def test_live_case_carries_the_equilibrium_hashprice(server: Recorded, tmp_path: Path) -> None:
    from hashpivot.adapters.fetch.network import LiveNetworkSource

    snap = LiveNetworkSource.from_urls(server.base_url).snapshot()
    case = build_case(_site_from_next_month(tmp_path), months=12, snapshot=snap)
    years = (snap.as_of - SNAPSHOT.as_of).days / 365.25
    h = DEFAULT_PARAMS.hashrate
    # $24.3/PH/day in late Nov 2025, moving with hashcost: fleet J/TH -0.2094/yr (log)
    expected = 24.3 * math.exp(-0.2094 * years)
    assert case.market_params.hashrate.equilibrium_hashprice_usd_per_ph_day == pytest.approx(
        expected, rel=1e-12
    )
    assert h.equilibrium_hashprice_usd_per_ph_day == 24.3
    assert case.start_state.as_of == snap.as_of
    # fee share from the recorded fees: 0.038 BTC/block over the 3.125 BTC subsidy + fees
    assert case.start_state.fee_share_frac == pytest.approx(0.038 / 3.163, rel=1e-3)


def test_mine_live_reports_the_fetched_snapshot(
    server: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site_from_next_month(tmp_path)
    code = main(["mine", str(site), "--live", "--mempool-url", server.base_url, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["snapshot_as_of"] == datetime.now(UTC).date().isoformat()
    assert "(fetched live)" in out["assumptions"]["snapshot"]
    # hashprice = price x 86,400 x 1e15 x (subsidy + fees) / (D x 2^32), recorded figures:
    # $91,000, D = 149,301,205,959,699.9, 3.125 + 0.038 BTC per block
    by_hand = 91_000 * 86_400 * 1e15 * (3.125 + 0.038) / (149_301_205_959_699.9 * 2**32)
    assert out["hashprice_snapshot_usd_per_ph_day"] == pytest.approx(by_hand, rel=1e-9)


def test_live_without_a_reachable_source_exits_2_naming_the_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    code = main(["compare", str(SITE), "--live", "--mempool-url", url, "--json"])
    _, err = capsys.readouterr()
    assert code == 2
    assert url in err and "Traceback" not in err


def test_without_live_the_dated_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", str(SITE), "--paths", "5000", "--months", "12", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["snapshot"] == {
        "as_of": "2025-11-27",
        "height": SNAPSHOT.height,
        "btc_price_usd": SNAPSHOT.btc_price_usd,
        "live": False,
    }
