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
ABILENE = REPO / "examples/sites/abilene-jv-60mw-s21xp.toml"


@pytest.fixture(scope="module")
def valued():  # type: ignore[no-untyped-def]
    return value_company(COMPANY, paths=5_000, seed=7)


def test_json_adds_up(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["company", str(COMPANY), "--paths", "5000", "--seed", "7", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    sites = out["sites"]
    assert [s["ownership_frac"] for s in sites] == [1.0, 1.0, 0.5]
    assert [s["name"] for s in sites][2].startswith("Abilene JV")
    assert sites[2]["strategy"] == "mine" and sites[0]["strategy"] == sites[0]["recommendation"]
    ev = sum(s["ownership_frac"] * s["npv_mean_usd"] for s in sites)
    assert out["by_megawatts"]["ev_mean_usd"] == pytest.approx(ev, rel=1e-12)
    miner = sum(s["ownership_frac"] * s["mine_npv_mean_usd"] for s in sites)
    assert out["as_miner"]["ev_mean_usd"] == pytest.approx(miner, rel=1e-12)
    ga = corporate_ga_pv_usd(24e6, 0.12, 60)
    assert out["corporate_ga_pv_usd"] == pytest.approx(ga)
    assert out["equity"]["mean_usd"] == pytest.approx(ev - 150e6 - ga, rel=1e-9)
    assert out["equity"]["per_share_mean_usd"] == pytest.approx((ev - 150e6 - ga) / 120e6)
    # 100 + 50 + 0.5 x 60 MW; EV per MW on it
    assert out["capacity_mw"] == 180.0
    assert out["by_megawatts"]["ev_usd_per_mw"] == pytest.approx(ev / 180.0)
    # every site starts 2026-12-01: 369 days after the snapshot of 2025-11-27, discounted at
    # its own rate (12%, Ozark 14%)
    years = 369 / 365.25
    assert sites[0]["discount_to_snapshot"] == pytest.approx(1.12**-years, rel=1e-12)
    assert sites[1]["discount_to_snapshot"] == pytest.approx(1.14**-years, rel=1e-12)
    assert out["megawatt_premium_usd"] == pytest.approx(ev - miner, rel=1e-9)


def test_sites_draw_the_same_market_paths(valued) -> None:  # type: ignore[no-untyped-def]
    _, _, comparisons = valued
    permian, ozark = comparisons[0], comparisons[1]
    # both start 2026-12; Ozark's 48 months are the first 48 of Permian's 60, path for path
    np.testing.assert_array_equal(ozark.fan_btc_price, permian.fan_btc_price[:, :48])
    np.testing.assert_array_equal(ozark.fan_hashprice, permian.fan_hashprice[:, :48])


def test_each_site_is_its_own_compare_on_the_shared_length(valued) -> None:  # type: ignore[no-untyped-def]
    """Path by path: EV = the sites' own `compare` values on the shared path length, brought
    to the snapshot's date, weighted by ownership."""
    out, co, _ = valued
    months = out["market_months"]
    years = 369 / 365.25  # 2025-11-27 -> 2026-12-01

    def alone(site: Path):  # type: ignore[no-untyped-def]
        return compare(replace(build_case(site), min_market_months=months), paths=5_000, seed=7)

    perm, ozark, abilene = alone(PERMIAN), alone(OZARK), alone(ABILENE)
    o = out["sites"][1]["strategy"]
    expected = (
        perm.strategies[perm.recommendation].npv_usd * 1.12**-years
        + ozark.strategies[StrategyName(o)].npv_usd * 1.14**-years
        + 0.5 * abilene.strategies[StrategyName.MINE].npv_usd * 1.12**-years
    )
    np.testing.assert_allclose(co.ev_usd, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[[site]]\nfile = "{ozark}"\nvalue_as = "rent"\n', "site[0].value_as"),
        ('[[site]]\nfile = "no-such-site.toml"\n', "site[0].file"),
        ('[[site]]\nfile = "{ozark}"\nownership_frac = 0\n', "site[0].ownership_frac"),
        ('[[site]]\nfile = "{ozark}"\nowner = "me"\n', "site[0].owner"),
        ("", "site"),
        (
            '[[site]]\nfile = "{ozark}"\nownership_frac = 0.7\n'
            '[[site]]\nfile = "{ozark}"\nownership_frac = 0.7\n',
            "site[1].ownership_frac",
        ),
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


def test_sites_that_draw_different_shocks_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A site whose [market] table switches a factor's volatility off (or changes the BTC
    tails) draws a different random stream: its path i is not the others' state of the world."""
    other = tmp_path / "ozark-no-gpu-vol.toml"
    other.write_text(OZARK.read_text() + "\n[market]\ngpu_rate_vol_per_year = 0.0\n")
    f = tmp_path / "co.toml"
    f.write_text(
        f'[company]\nname = "X"\n[[site]]\nfile = "{PERMIAN}"\n[[site]]\nfile = "{other}"\n'
    )
    code = main(["company", str(f), "--paths", "5000", "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and "site[1].file" in err and "same shocks" in err
    # a level-only override keeps the stream: accepted
    other.write_text(OZARK.read_text() + "\n[market]\npower_price_usd_per_mwh = 40.0\n")
    assert main(["company", str(f), "--paths", "5000", "--json"]) == 0


def test_company_backend_flags_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    """--workers / --scheduler only with --backend dask (never silently ignored)."""
    code = main(
        ["company", str(REPO / "examples/companies/example-co.toml"), "--workers", "2", "--json"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--workers" in err and "--backend dask" in err
