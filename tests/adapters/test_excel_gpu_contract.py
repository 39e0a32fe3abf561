"""The workbook's GPU sheet carries the contract credit: with a rated take-or-pay contract the
recalculated GPU cloud NPV equals the engine's (the contracted share's net flows at the
contract rate, risk-free 3.70% + AAA 0.30% = 4.00%)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import openpyxl
import pytest

from hashpivot.cli import main

formulas = pytest.importorskip("formulas")

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"
# Permian's last phase is delivered in month 18: a 6-month contract ends at the 24-month horizon
CONTRACT = (
    'gpu_model = "H100"\ncontracted_share_frac = 0.6\ncontract_years = 0.5\n'
    'contract_rate_usd_per_gpu_hour = 2.5\ncounterparty_rating = "AAA"\n'
)
MONTHS = 24


def test_rated_contract_recalculates_to_the_engine(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(SITE.read_text().replace('gpu_model = "H100"\n', CONTRACT))
    buf = io.StringIO()
    args = ["compare", str(site), "--deterministic", "--months", str(MONTHS)]
    with contextlib.redirect_stdout(buf):
        assert main([*args, "--report", str(tmp_path), "--json"]) == 0
    engine = json.loads(buf.getvalue())["strategies"]["gpu_cloud"]["npv_mean_usd"]
    path = tmp_path / "compare.xlsx"
    wb = openpyxl.load_workbook(path)
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    sheet, a1 = names["gpu_contract_rate"].split("!")
    assert wb[sheet.strip("'")][a1.replace("$", "")].value == pytest.approx(0.04)
    model = formulas.ExcelModel().loads(str(path)).finish()
    sol = model.calculate()
    book = path.name
    npvs = {}
    for r in range(5, 11):
        key = sol[f"'[{book}]MODEL'!G{r}"].value[0][0]
        npvs[str(key)] = float(sol[f"'[{book}]MODEL'!B{r}"].value[0][0])
    assert npvs["gpu_cloud"] == pytest.approx(engine, rel=1e-6)
    # the GPU sheet's own check, Formula / engine - 1 (B5), reads ~0 (-33% without the credit)
    assert float(sol[f"'[{book}]GPU CLOUD MODEL'!B5"].value[0][0]) == pytest.approx(0.0, abs=1e-6)
