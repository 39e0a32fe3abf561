"""The strategy sheets' month tables come from one writer (adapters/reports/excel_rows.py):
a formula where the cell is ``=...``, else the engine's value, each in its number format."""

from __future__ import annotations

import ast
from pathlib import Path

import openpyxl
import xlsxwriter

import hashpivot.adapters.reports as reports
from hashpivot.adapters.reports.excel_rows import TABLE_ROW0, Cell, write_month_table
from hashpivot.adapters.reports.excel_style import formats

REPORTS = Path(reports.__file__).parent


def test_one_month_loop_writes_every_strategy_sheet() -> None:
    # a loop that writes cells one by one stands only in the shared writer (it stood in the
    # Mine, Sell, GPU, Lease/Switch and Split sheets before)
    loops: dict[str, int] = {}
    for path in sorted(REPORTS.glob("excel_*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            over_months = isinstance(node, ast.For) and (
                "months" in ast.unparse(node.iter) or ast.unparse(node.iter) == "range(h)"
            )
            if over_months and any(
                isinstance(c, ast.Attribute) and c.attr == "write_formula" for c in ast.walk(node)
            ):
                loops[path.name] = loops.get(path.name, 0) + 1
    assert loops == {"excel_rows.py": 1}


def test_month_table_writes_formulas_values_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    cols = (("Month", None), ("Flow (USD)", "usd"), ("Discount factor", "factor"), ("PV", "usd"))

    def row(t: int) -> list[Cell]:
        n = TABLE_ROW0 + t + 1
        return [100.0 * (t + 1), f"=1.01^(-{t + 1})", f"=B{n}*C{n}"]

    write_month_table(ws, formats(wb), cols, ["2026-01", "2026-02"], row)
    wb.close()
    sheet = openpyxl.load_workbook(path)["S"]
    assert [c.value for c in sheet[TABLE_ROW0]] == [c for c, _ in cols]  # header row
    first, second = sheet[TABLE_ROW0 + 1], sheet[TABLE_ROW0 + 2]
    assert [c.value for c in first] == ["2026-01", 100.0, "=1.01^(-1)", f"=B{TABLE_ROW0 + 1}*C12"]
    assert [c.value for c in second][:3] == ["2026-02", 200.0, "=1.01^(-2)"]
    assert sheet.freeze_panes == f"B{TABLE_ROW0 + 1}"
    assert first[1].number_format != first[2].number_format  # usd vs factor
