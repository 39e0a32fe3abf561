"""`hashpivot compare`: JSON, reports (Excel opened with openpyxl, HTML with its data), errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    out_dir = tmp_path_factory.mktemp("report")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(
            [
                "compare",
                str(SITE),
                "--paths",
                "5000",
                "--seed",
                "9",
                "--months",
                "24",
                "--report",
                str(out_dir),
                "--json",
            ]
        )
    assert code == 0
    return json.loads(buf.getvalue()), out_dir


def test_json_contract(run: tuple[dict[str, object], Path]) -> None:
    out, _ = run
    assert out["seed"] == 9 and out["paths"] == 5000
    strategies = out["strategies"]
    assert isinstance(strategies, dict)
    assert set(strategies) == {"mine", "lease", "gpu_cloud", "switch", "split", "sell"}
    for s in strategies.values():
        for key in (
            "npv_mean_usd",
            "npv_p10_usd",
            "npv_p50_usd",
            "npv_p90_usd",
            "prob_best",
            "prob_loss",
            "equity_usd_per_w_p50",
        ):
            assert key in s
    assert out["recommendation"] in strategies
    best = max(strategies, key=lambda k: strategies[k]["npv_mean_usd"])
    assert out["recommendation"] == best
    sw = out["switch"]
    assert isinstance(sw, dict)
    assert 0 <= sw["best_month"] <= 24 and "option_value_usd" in sw
    s = strategies["lease"]
    assert s["equity_usd_per_w_p50"] == pytest.approx(s["npv_p50_usd"] / 100e6)  # 100 MW gross


def test_workbook_totals_match_json(run: tuple[dict[str, object], Path]) -> None:
    out, folder = run
    wb = openpyxl.load_workbook(folder / "compare.xlsx", read_only=True)
    assert {
        "Summary",
        "Inputs",
        "Assumptions",
        "Monthly P50",
        "Distributions",
        "Switch",
        "Sensitivity",
        "Fan",
    } <= set(wb.sheetnames)
    rows = list(wb["Summary"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "strategy")
    col = {name: i for i, name in enumerate(header)}
    strategies = out["strategies"]
    assert isinstance(strategies, dict)
    seen = 0
    for r in rows:
        if r and r[0] in strategies:
            s = strategies[r[0]]
            assert r[col["npv_mean_usd"]] == pytest.approx(s["npv_mean_usd"], rel=1e-12)
            assert r[col["npv_p50_usd"]] == pytest.approx(s["npv_p50_usd"], rel=1e-12)
            assert r[col["prob_best"]] == pytest.approx(s["prob_best"], rel=1e-12)
            seen += 1
    assert seen == len(strategies)
    monthly = list(wb["Monthly P50"].iter_rows(values_only=True))
    assert len(monthly) == 1 + 24
    sources = [r[2] for r in wb["Assumptions"].iter_rows(min_row=2, values_only=True)]
    assert all(sources)  # every assumption names its source


def test_html_is_offline_and_carries_the_chart_data(run: tuple[dict[str, object], Path]) -> None:
    out, folder = run
    text = (folder / "compare.html").read_text()
    # plotly.js inlined, no external script (the bundle's unused topojson default URL aside)
    assert "<script src=" not in text and "Plotly.newPlot" in text
    assert len(text) > 1_000_000
    for div in ("npv-distributions", "fan-hashprice", "fan-btc-price", "tornado", "switch-policy"):
        assert f'id="{div}"' in text
    fan = out["fan"]
    assert isinstance(fan, dict)
    p50 = fan["hashprice_usd_per_ph_day"][fan["percentiles"].index(50)]
    assert repr(float(p50[0])) in text
    btc = fan["btc_price_usd"][fan["percentiles"].index(50)]
    assert repr(float(btc[-1])) in text
    assert re.search(r"Recommendation:\s*<b>" + str(out["recommendation"]), text)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--paths", "0"], "--paths"),
        (["--seed", "-1"], "--seed"),
        (["--backend", "spark"], "--backend"),
        (["--months", "0"], "--months"),
        (["--sensitivity", "gpu"], "--sensitivity"),
    ],
)
def test_bad_options_exit_2(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["compare", str(SITE), *args, "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and needle in err and "Traceback" not in err


def test_site_without_ai_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (REPO / "examples/sites/ozark-50mw-s19jpro.toml").read_text()
    f = tmp_path / "s.toml"
    f.write_text(text)
    code = main(["compare", str(f), "--paths", "5000", "--months", "12", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    # every site gets all three paths: the AI tables' documented defaults
    assert set(out["strategies"]) == {"mine", "lease", "gpu_cloud", "switch", "split", "sell"}
    assert out["switch"]["best_month"] is not None


def test_demo_writes_mining_and_comparison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", "--site", str(SITE), "--out-dir", str(tmp_path), "--paths", "5000"])
    out = capsys.readouterr().out
    assert code == 0
    mined = json.loads((tmp_path / "mine-permian-west-100mw-s21.json").read_text())
    assert mined["fleet_ph_s"] == pytest.approx(5400.0)
    assert (tmp_path / "compare.xlsx").is_file() and (tmp_path / "compare.html").is_file()
    assert "mean NPV" in out and "docs/methodology.md" in out


def test_calibrate_prints_fitted_parameters(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["calibrate", "--history", str(shared_data / "btc_daily.csv"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["window"].startswith("2017-01")
    # BTC volatility 2017-2025: ~72%/yr (monthly log returns); printed as "value ± se"
    vol = float(str(out["btc.vol_per_year"]).split()[0])
    assert 0.6 < vol < 0.85
    code = main(["calibrate", "--since", "not-a-date", "--json"])
    assert code == 2


def test_calibrate_writes_a_market_table_a_site_file_accepts(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import tomllib

    from hashpivot.api.compare import build_case

    table = tmp_path / "market.toml"
    history = str(shared_data / "btc_daily.csv")
    code = main(["calibrate", "--history", history, "--market-toml", str(table), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    written = tomllib.loads(table.read_text())["market"]
    assert written == out["market_table"]
    # the fitted vol, as printed, and the 2017-2025 monthly-average tails: excess kurtosis
    # 0.655, a Student-t with df 4 + 6 / 0.655 = 13.16
    assert written["btc_vol_per_year"] == pytest.approx(
        float(out["btc.vol_per_year"].split()[0]), abs=1e-3
    )
    assert written["btc_tails"] == "student_t"
    assert written["btc_student_t_df"] == pytest.approx(13.16, abs=0.01)
    site = tmp_path / "site.toml"
    site.write_text(SITE.read_text() + "\n" + table.read_text())
    case = build_case(site, months=12)
    p = case.market_params
    assert p.btc.vol_per_year == written["btc_vol_per_year"]
    assert p.hashrate.gap_speed_per_month == written["hashrate_gap_speed_per_month"]
    assert p.correlation[0][1] == written["correlation"]["btc_price:hashrate"]
    # the drift keeps the +10%/yr expected growth at the fitted vol
    assert p.btc.log_drift_per_year == pytest.approx(
        np.log(1.10) - 0.5 * written["btc_vol_per_year"] ** 2, abs=1e-12
    )
    code = main(
        ["calibrate", "--history", history, "--market-toml", str(tmp_path / "no/such/dir.toml")]
    )
    assert code == 2


def test_sensitivity_of_a_chosen_strategy_or_none(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", str(SITE), "--paths", "5000", "--months", "12", "--json"]
    assert main([*args, "--sensitivity", "lease"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sensitivity"]["strategy"] == "lease"
    # the lease's NPV rises with the market rent its rent follows
    rent = next(r for r in out["sensitivity"]["tornado"] if r["name"] == "rent")
    assert rent["high_output_usd"] > rent["low_output_usd"]
    assert main([*args, "--sensitivity", "none"]) == 0
    assert "sensitivity" not in json.loads(capsys.readouterr().out)
