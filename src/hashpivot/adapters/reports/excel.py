"""The comparison as an Excel workbook (xlsxwriter): a model an analyst can audit, and the
Monte Carlo results beside it.

The model (formulas): Inputs (every input a named cell, with unit and source), Market path (the
engine's deterministic path, values), one sheet per strategy (Mine, Lease, GPU cloud, Switch,
Split, Sell model) whose monthly flows, NPV and IRR are formulas over the inputs and the path,
the lease template by age (Conversion, values), and Model, which lists each sheet's NPV beside
the engine's (``compare --deterministic``). Change the power price, the rent or the conversion
capex on the Inputs sheet and Excel or LibreOffice recomputes every NPV.

The Monte Carlo (values, :mod:`.excel_results`): Summary, Monthly P50, Distributions, Switch,
Sensitivity, Fan, with native charts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hashpivot.adapters.reports._atomic import new_workbook, write_atomically
from hashpivot.adapters.reports.excel_conversion import write_conversion_sheets
from hashpivot.adapters.reports.excel_data import ModelData, model_data
from hashpivot.adapters.reports.excel_inputs import write_inputs
from hashpivot.adapters.reports.excel_model import (
    Results,
    write_gpu,
    write_market,
    write_mine,
    write_sell,
)
from hashpivot.adapters.reports.excel_results import (
    SUMMARY_FIELDS,
    write_monte_carlo,
    write_summary,
)
from hashpivot.adapters.reports.excel_style import (
    Formats,
    formats,
    strategy_label,
    write_headers,
    write_text,
)
from hashpivot.engine.compare import Comparison
from hashpivot.engine.strategies import CompareCase

__all__ = ["MODEL_SHEET", "SUMMARY_FIELDS", "write_workbook"]

MODEL_SHEET = "Model"
#: the Model sheet's first strategy row (zero-based); columns: strategy, NPV, IRR, engine, diff
MODEL_ROW0 = 4


def write_workbook(
    path: Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
) -> Path:
    """Write the workbook to ``path`` atomically; text cells are never formulas.

    The model sheets are the engine's deterministic run on the scenario ``cmp`` was run on
    (``compare --deterministic --scenario``), else the site file's named scenario.
    """
    scenario = cmp.market.split()[-1] if cmp.market.startswith("deterministic") else None
    data = model_data(case, scenario)
    return write_atomically(path, lambda tmp: _fill(tmp, case, cmp, summary, assumptions, data))


def _write_model_summary(ws: Any, fmt: Formats, data: ModelData, results: list[Results]) -> None:
    """The Model sheet: each strategy sheet's NPV and IRR (formulas) beside the engine's NPV."""
    write_text(
        ws,
        0,
        0,
        f"Deterministic model: the '{data.scenario}' scenario, one path (the numbers of "
        "hashpivot compare --deterministic)",
        fmt.title,
    )
    write_text(
        ws,
        1,
        0,
        "Formulas: change a blue input on the Inputs sheet (power price, rent, conversion "
        "capex, rates) and every NPV and IRR below recomputes. The engine column is a value. "
        "LibreOffice: Data > Calculate > Recalculate Hard if the cells show 0.",
        fmt.note,
    )
    heads = [
        "Strategy",
        "NPV (USD, formula)",
        "IRR (per year, formula)",
        "Engine NPV (USD, value)",
        "Formula / engine - 1",
        "Sheet",
        "JSON key",
    ]
    write_headers(ws, MODEL_ROW0 - 1, heads, fmt.header, height=30)
    for i, res in enumerate(results):
        r = MODEL_ROW0 + i
        write_text(ws, r, 0, strategy_label(res.key))
        ws.write_formula(r, 1, f"={res.npv}", fmt.num("usd"), data.npv_usd[res.key])
        ws.write_formula(r, 2, f"={res.irr}", fmt.num("pct"))
        ws.write_number(r, 3, data.npv_usd[res.key], fmt.num("usd"))
        ws.write_formula(
            r, 4, f"=IF(D{r + 1}=0,B{r + 1}-D{r + 1},B{r + 1}/D{r + 1}-1)", fmt.num("num6"), 0.0
        )
        write_text(ws, r, 5, res.sheet)
        write_text(ws, r, 6, res.key)
    ws.freeze_panes(MODEL_ROW0, 1)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 4, 20)
    ws.set_column(5, 6, 18)


def _write_model(
    wb: Any,
    fmt: Formats,
    case: CompareCase,
    data: ModelData,
    assumptions: list[tuple[str, str, str]],
    model_ws: Any,
) -> None:
    write_inputs(wb, fmt, case, data, assumptions)
    write_market(wb, fmt, data)
    results = [write_mine(wb, fmt, data)]
    conv = write_conversion_sheets(wb, fmt, data)
    gpu = write_gpu(wb, fmt, data)
    results += conv[:1] + ([gpu] if gpu else []) + conv[1:] + [write_sell(wb, fmt, data)]
    order = [k for k in data.npv_usd]
    results.sort(key=lambda r: order.index(r.key) if r.key in order else len(order))
    _write_model_summary(model_ws, fmt, data, results)


def _fill(
    path: Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
    data: ModelData,
) -> None:
    wb = new_workbook(path)
    fmt = formats(wb)
    write_summary(wb, fmt, summary)
    model_ws = wb.add_worksheet(MODEL_SHEET)
    _write_model(wb, fmt, case, data, assumptions, model_ws)
    ws = wb.add_worksheet("Assumptions")
    write_headers(ws, 0, ["Assumption", "Value", "Source"], fmt.header, height=20)
    for i, row in enumerate(assumptions, start=1):
        for j, text in enumerate(row):
            write_text(ws, i, j, text)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 2, 60)
    write_monte_carlo(wb, fmt, case, cmp, summary)
    wb.close()
