"""The CLI: `prices summary` and `dispatch`, JSON and errors (exit 2, one line, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_prices_summary_json(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(shared_data / "ercot_west_hourly.csv")
    code, out, _ = _run(
        capsys,
        "prices",
        "summary",
        "--source",
        f,
        "--location",
        "HB_WEST",
        "--market",
        "RT",
        "--year",
        "2024",
        "--json",
    )
    assert code == 0
    d = json.loads(out)
    assert d["hours"] == 8608 and d["missing_hours"] == 170
    assert round(d["mean_usd_per_mwh"], 2) == 27.48
    assert round(d["median_usd_per_mwh"], 2) == 20.07
    assert round(d["negative_hours_frac"], 3) == 0.097


def test_prices_summary_table(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(shared_data / "ercot_west_hourly.csv")
    code, out, _ = _run(capsys, "prices", "summary", "--source", f, "--location", "LZ_WEST")
    assert code == 0 and "missing hours" in out and "gap from 2024-03-10T07:00:00Z" in out


def test_dispatch_json(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(shared_data / "ercot_west_hourly.csv")
    code, out, _ = _run(
        capsys,
        "dispatch",
        "--source",
        f,
        "--location",
        "HB_WEST",
        "--market",
        "RT",
        "--year",
        "2025",
        "--breakeven-usd-per-mwh",
        "100",
        "--json",
    )
    assert code == 0
    d = json.loads(out)
    assert d["hours"] == 8590
    assert 0.95 < d["uptime_frac"] < 0.99
    assert d["avg_power_price_usd_per_mwh"] < d["avg_all_hours_usd_per_mwh"]
    assert round(d["avg_all_hours_usd_per_mwh"], 2) == 33.03
    assert d["curtailment_option_value_usd"] >= 0


def test_dispatch_with_a_site_file(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        f"""
[site]
name = "Permian West 100"
capacity_mw = 100.0
overhead_frac = 0.06
start = 2026-01-01
horizon_months = 60
discount_rate = 0.12

[power]
price_usd_per_mwh = 45.0
source = "{shared_data / "ercot_west_hourly.csv"}"
location = "HB_WEST"
market = "RT"
year = 2025
dispatch = "curtail"

[power.ppa]
contract_mw = 94.0
price_usd_per_mwh = 40.0

[[fleet]]
model = "Antminer S21"
count = 17000

[mining]
pool_fee_frac = 0.02
"""
    )
    code, out, err = _run(capsys, "dispatch", "--site", str(site), "--json")
    assert code == 0, err
    d = json.loads(out)
    # breakeven = hashprice x (1 - fee) / (0.024 x J/TH), the lead's formula, S21 17.5 J/TH
    from hashpivot.adapters.prices import site_breakeven_usd_per_mwh
    from hashpivot.config.site import load_site

    be, _ = site_breakeven_usd_per_mwh(load_site(site))
    assert d["breakeven_usd_per_mwh"] == pytest.approx(be)
    assert 60 < be < 120
    assert d["policy"] == "curtail" and d["year"] == 2025
    assert d["sellback_credit_usd"] > 0
    assert d["mining_mw"] == pytest.approx(17000 * 3500 / 1e6)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["dispatch", "--location", "HB_WEST", "--breakeven-usd-per-mwh", "50"], "--source"),
        (["dispatch", "--source", "x.csv", "--location", "HB_WEST"], "exactly one"),
        (["prices", "summary", "--source", "nope.csv", "--location", "HB_WEST"], "existing"),
    ],
)
def test_errors_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_bad_price_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("timestamp_utc,location,market,price_usd_per_mwh\n2025-01-01T00:00:00Z,A,RT,abc\n")
    code, _, err = _run(capsys, "prices", "summary", "--source", str(f), "--location", "A")
    assert code == 2 and "row 1" in err and "Traceback" not in err
