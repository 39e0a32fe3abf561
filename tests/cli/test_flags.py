"""Numeric and backend flags: each bad value is exit 2 with one line naming the flag; results
that do not exist (no breakeven, a payback that never comes) print "none"/"never" with a reason,
never a traceback or "nan"."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
OZARK = REPO / "examples/sites/ozark-50mw-s19jpro.toml"
CURTAIL = REPO / "examples/sites/permian-west-100mw-s21-curtail.toml"
GPU = REPO / "examples/gpu/h100-merchant.toml"


def _prices(tmp: Path, price: float, hours: int = 24 * 31) -> Path:
    from datetime import datetime, timedelta

    t0 = datetime(2025, 1, 1)
    rows = ["timestamp_utc,location,market,price_usd_per_mwh"]
    rows += [
        f"{t0 + timedelta(hours=h):%Y-%m-%dT%H:%M:%SZ},HB_WEST,RT,{price}" for h in range(hours)
    ]
    p = tmp / "prices.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def _one_error(capsys: pytest.CaptureFixture[str], args: list[str], flag: str) -> None:
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0], err
    assert "Traceback" not in err


DISPATCH_BAD = [
    ("--min-run-hours", "inf"),
    ("--min-run-hours", "nan"),
    ("--min-run-hours", "-1"),
    ("--min-run-hours", "169"),  # > one week, the site file's bound
    ("--min-down-hours", "inf"),
    ("--min-down-hours", "nan"),
    ("--min-down-hours", "-1"),
    ("--ppa-contract-mw", "nan"),
    ("--ppa-contract-mw", "inf"),
    ("--ppa-contract-mw", "1e308"),
    ("--ppa-contract-mw", "0"),
    ("--ppa-price-usd-per-mwh", "nan"),
    ("--breakeven-usd-per-mwh", "1e308"),
    ("--breakeven-usd-per-mwh", "-1e308"),
    ("--breakeven-usd-per-mwh", "nan"),
    ("--year", "99999"),
]


@pytest.mark.parametrize(("flag", "value"), DISPATCH_BAD)
def test_dispatch_flags(
    flag: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["dispatch", "--source", str(_prices(tmp_path, 30.0)), "--location", "HB_WEST"]
    if flag != "--breakeven-usd-per-mwh":
        args += ["--breakeven-usd-per-mwh", "50"]
    if flag.startswith("--ppa"):
        other = "--ppa-price-usd-per-mwh" if flag == "--ppa-contract-mw" else "--ppa-contract-mw"
        args += [other, "10"]
    _one_error(capsys, [*args, f"{flag}={value}", "--json"], flag)


@pytest.mark.parametrize(
    "extra",
    [
        ["--batch-paths", "0"],
        ["--batch-paths", "7000"],
        ["--workers", "0"],  # local backend: --workers would be ignored
        ["--backend", "dask", "--workers", "0"],
        ["--backend", "dask", "--scheduler", "garbage"],
        ["--backend", "dask", "--scheduler", "tcp://127.0.0.1:notaport"],
    ],
    ids=lambda e: " ".join(e),
)
def test_compare_backend_flags(extra: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    flag = next(a for a in extra if a in ("--batch-paths", "--workers", "--scheduler"))
    _one_error(capsys, ["compare", str(OZARK), "--paths", "10", *extra, "--json"], flag)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _garbage_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that answers any connection with bytes that are not Dask's
    protocol (its first 8 bytes read as a frame count of ~3.5e18)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with contextlib.suppress(OSError), conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 4)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        srv.close()


def test_unreachable_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens: refused at once
    args = ["compare", str(OZARK), "--paths", "10", "--backend", "dask", "--scheduler", address]
    _one_error(capsys, [*args, "--json"], "--scheduler")


def test_scheduler_that_is_not_dask(capsys: pytest.CaptureFixture[str]) -> None:
    with _garbage_server() as port:
        args = ["compare", str(OZARK), "--paths", "10", "--backend", "dask"]
        _one_error(capsys, [*args, "--scheduler", f"127.0.0.1:{port}", "--json"], "--scheduler")


@pytest.mark.parametrize("height", ["1e30", "1" + "0" * 30, "-1", "x"])
def test_subsidy_height(height: str, capsys: pytest.CaptureFixture[str]) -> None:
    _one_error(capsys, ["subsidy", "--height", height, "--json"], "--height")


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff" * 100, b"date,price\n\xff\xfe\n"])
def test_calibrate_history_binary_or_empty(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "btc_daily.csv"
    p.write_bytes(content)
    _one_error(capsys, ["calibrate", "--history", str(p), "--json"], "--history")


def _site_at_500(tmp: Path) -> Path:
    text = CURTAIL.read_text()
    old = 'source = "${HASHPIVOT_SHARED_DATA}/ercot_west_hourly.csv"'
    assert old in text
    site = tmp / "site.toml"
    site.write_text(text.replace(old, f"source = {json.dumps(str(_prices(tmp, 500.0, 24 * 365)))}"))
    return site


def test_mine_with_no_breakeven(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # $500/MWh + $6 adder in every hour: above what any hour of mining earns (~$35/MWh at the
    # snapshot's hashprice for an S21), so the curtailing fleet never runs and no breakeven exists
    site = _site_at_500(tmp_path)
    assert main(["mine", str(site), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["breakeven_power_usd_per_mwh"] is None
    assert out["breakeven_btc_usd"] is None
    assert out["btc_mined_total"] == 0.0
    assert out["breakeven_note"].startswith("none: the fleet runs no hour")
    assert main(["mine", str(site)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Breakeven power │ none" in text and "the fleet runs no hour" in text


def test_gpu_payback_never(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the merchant H100 file at 30% utilisation loses money: payback never comes
    # (the shipped file now pays back at its horizon, its hall valued leased at the exit)
    gpu = tmp_path / "gpu.toml"
    text = GPU.read_text().replace("utilisation_frac = 0.80", "utilisation_frac = 0.30")
    gpu.write_text(text)
    assert main(["gpu-cloud", str(gpu), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["payback_months"] is None and out["payback_note"].startswith("never")
    assert out["moic"] < 1
    assert main(["gpu-cloud", str(gpu)]) == 0
    text = capsys.readouterr().out
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    assert "Payback (months from start) │ never" in " ".join(text.split())
