"""The company's break-even BTC price: where its EV by megawatts equals its EV as a miner."""

from __future__ import annotations

from pathlib import Path

import pytest

from hashpivot.api.company import value_company

COMPANIES = Path(__file__).resolve().parents[2] / "examples/companies"


def test_breakeven_btc_price_is_where_the_two_evs_meet() -> None:
    # one wholly owned site valued as a lease: the break-even's paths (the first 500 of seed 9)
    # are the company's own, so its difference at today's price is the megawatt premium
    out, _, _ = value_company(COMPANIES / "cipher-illustrative.toml", paths=500, seed=9)
    be = out["breakeven"]
    assert be["paths"] == 500 and be["valued_as"] == ["lease"]
    assert be["diff_today_usd"] == pytest.approx(out["megawatt_premium_usd"], rel=1e-9)
    price = out["breakeven_btc_price_usd"]
    low, high = out["breakeven_btc_price_ci95_usd"]
    assert low < price < high
    # at the threshold the mean EV difference is ~0: under 1e-6 of the premium today
    assert abs(be["diff_at_threshold_usd"]) < 1e-6 * abs(be["diff_today_usd"])
    # a lease's rent does not follow BTC: mining gains on it as BTC rises
    assert be["by_megawatts_better_above"] is (be["diff_today_usd"] < 0)
    assert out["by_megawatts"]["ev_mean_usd"] > 0  # the shape of the JSON is kept


def test_breakeven_paths_are_bounded_and_can_be_off() -> None:
    out, _, _ = value_company(
        COMPANIES / "cipher-illustrative.toml", paths=300, seed=9, breakeven_paths=200
    )
    assert out["breakeven"]["paths"] == 200
    off, _, _ = value_company(
        COMPANIES / "cipher-illustrative.toml", paths=300, seed=9, breakeven_paths=0
    )
    assert "breakeven_btc_price_usd" not in off
    assert off["by_megawatts"] == out["by_megawatts"]


def test_company_page_states_the_breakeven(tmp_path: Path) -> None:
    from hashpivot.adapters.reports.formats import money
    from hashpivot.api.company import write_company_report_files

    out, co, _ = value_company(COMPANIES / "cipher-illustrative.toml", paths=300, seed=9)
    write_company_report_files(tmp_path, out, co)
    page = (tmp_path / "company.html").read_text(encoding="utf-8")
    assert "id='breakeven'" in page and money(out["breakeven_btc_price_usd"], 0) in page
