"""`hashpivot company`: sites on shared paths, totals that add up, errors naming the field."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.company import value_company
from hashpivot.api.compare import build_case
from hashpivot.cli import main
from hashpivot.company.portfolio import corporate_ga_pv_usd
from hashpivot.engine.compare import compare
from hashpivot.engine.strategies import StrategyName

REPO = Path(__file__).resolve().parents[2]
COMPANY = REPO / "examples/companies/example-co.toml"
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"
OZARK = REPO / "examples/sites/ozark-50mw-s19jpro.toml"


@pytest.fixture(scope="module")
def valued():  # type: ignore[no-untyped-def]
    return value_company(COMPANY, paths=5_000, seed=7)


def test_json_adds_up(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["company", str(COMPANY), "--paths", "5000", "--seed", "7", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    sites = out["sites"]
    assert [s["ownership_frac"] for s in sites] == [1.0, 1.0, 0.5]
    assert sites[2]["strategy"] == "mine" and sites[0]["strategy"] == sites[0]["recommendation"]
    ev = sum(s["ownership_frac"] * s["npv_mean_usd"] for s in sites)
    assert out["by_megawatts"]["ev_mean_usd"] == pytest.approx(ev, rel=1e-12)
    miner = sum(s["ownership_frac"] * s["mine_npv_mean_usd"] for s in sites)
    assert out["as_miner"]["ev_mean_usd"] == pytest.approx(miner, rel=1e-12)
    ga = corporate_ga_pv_usd(24e6, 0.12, 60)
    assert out["corporate_ga_pv_usd"] == pytest.approx(ga)
    assert out["equity"]["mean_usd"] == pytest.approx(ev - 150e6 - ga, rel=1e-9)
    assert out["equity"]["per_share_mean_usd"] == pytest.approx((ev - 150e6 - ga) / 120e6)
    # 100 + 50 + 0.5 x 100 MW; EV per MW on it
    assert out["capacity_mw"] == 200.0
    assert out["by_megawatts"]["ev_usd_per_mw"] == pytest.approx(ev / 200.0)
    assert out["megawatt_premium_usd"] == pytest.approx(ev - miner, rel=1e-9)


def test_sites_draw_the_same_market_paths(valued) -> None:  # type: ignore[no-untyped-def]
    _, _, comparisons = valued
    permian, ozark = comparisons[0], comparisons[1]
    # both start 2026-12; Ozark's 48 months are the first 48 of Permian's 60, path for path
    np.testing.assert_array_equal(ozark.fan_btc_price, permian.fan_btc_price[:, :48])
    np.testing.assert_array_equal(ozark.fan_hashprice, permian.fan_hashprice[:, :48])


def test_each_site_is_its_own_compare_on_the_shared_length(valued) -> None:  # type: ignore[no-untyped-def]
    out, co, _ = valued
    case = replace(build_case(OZARK), min_market_months=out["market_months"])
    alone = compare(case, paths=5_000, seed=7)
    site = out["sites"][1]
    assert site["npv_mean_usd"] == alone.strategies[StrategyName(site["strategy"])].npv_mean_usd
    # path by path: EV = Permian's best + Ozark's best + half the Permian twin's mining
    perm = compare(
        replace(build_case(PERMIAN), min_market_months=out["market_months"]), paths=5_000, seed=7
    )
    best = perm.strategies[perm.recommendation].npv_usd
    expected = best + alone.strategies[StrategyName(site["strategy"])].npv_usd
    expected = expected + 0.5 * perm.strategies[StrategyName.MINE].npv_usd
    np.testing.assert_allclose(co.ev_usd, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[[site]]\nfile = "{ozark}"\nvalue_as = "lease"\n', "site[0].value_as"),
        ('[[site]]\nfile = "no-such-site.toml"\n', "site[0].file"),
        ('[[site]]\nfile = "{ozark}"\nownership_frac = 0\n', "site[0].ownership_frac"),
        ('[[site]]\nfile = "{ozark}"\nowner = "me"\n', "site[0].owner"),
        ("", "site"),
    ],
)
def test_bad_company_files_exit_2(
    tmp_path: Path, body: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "co.toml"
    f.write_text('[company]\nname = "X"\n' + body.replace("{ozark}", str(OZARK)))
    code = main(["company", str(f), "--paths", "5000", "--json"])
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err and "Traceback" not in err


def test_reports_open_and_match_the_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    args = ["company", str(COMPANY), "--paths", "5000", "--seed", "7", "--report", str(tmp_path)]
    code = main([*args, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sorted(Path(f).name for f in out["report_files"]) == ["company.html", "company.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "company.xlsx")
    totals = {r[0].value: (r[1].value, r[2].value) for r in wb["Totals"].iter_rows(min_row=2)}
    assert totals["ev_mean_usd"] == pytest.approx(
        (out["by_megawatts"]["ev_mean_usd"], out["as_miner"]["ev_mean_usd"])
    )
    assert totals["equity_mean_usd"][0] == pytest.approx(out["equity"]["mean_usd"])
    sites = [r[0].value for r in wb["Sites"].iter_rows(min_row=2)]
    assert sites == [s["name"] for s in out["sites"]]
    page = (tmp_path / "company.html").read_text()
    # plotly.js inlined, no external script (the bundle's unused topojson default URL aside)
    assert "<script src=" not in page and "Plotly.newPlot" in page
    assert 'id="ev-distributions"' in page and 'id="equity-bridge"' in page
    assert f"{out['by_megawatts']['ev_mean_usd'] / 1e6:,.1f}" in page
