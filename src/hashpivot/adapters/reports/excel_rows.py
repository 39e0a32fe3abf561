"""The month table of every strategy sheet: one row a month, its flows, discount factors and
present value as formulas (or the engine's values), written by one loop.

Row ``TABLE_ROW0 + t`` holds month ``t``: its name in column A, then one cell a column, a
formula where the cell is a string starting with ``=``, else a number (a value from the
engine). The sheets' NPV sums the present-value column
(:func:`hashpivot.adapters.reports.excel_model.data_range`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hashpivot.adapters.reports.excel_style import (
    Formats,
    cell,
    sheet_ref,
    write_headers,
    write_text,
)

__all__ = [
    "TABLE_ROW0",
    "Cell",
    "Head",
    "data_range",
    "head_block",
    "strategy_sheet",
    "write_month_table",
]

#: the first data row (zero-based) of every strategy sheet's month table
TABLE_ROW0 = 11

#: a month cell: a formula (``"=..."``) or a value
Cell = str | float


def write_month_table(
    ws: Any,
    fmt: Formats,
    columns: Sequence[tuple[str, str | None]],
    months: Sequence[str],
    row: Callable[[int], Sequence[Cell]],
    *,
    header_height: float = 45,
) -> None:
    """The headers (row ``TABLE_ROW0 - 1``), then month ``t``'s cells ``row(t)`` in columns
    1.. with the number kinds of ``columns`` (``(header, kind)``; column 0 is the month)."""
    write_headers(ws, TABLE_ROW0 - 1, [c for c, _ in columns], fmt.header, height=header_height)
    kinds = [k for _, k in columns[1:]]
    for t, month in enumerate(months):
        r = TABLE_ROW0 + t
        write_text(ws, r, 0, month)
        for j, (value, kind) in enumerate(zip(row(t), kinds, strict=True), start=1):
            assert kind is not None
            if isinstance(value, str):
                ws.write_formula(r, j, value, fmt.num(kind))
            else:
                ws.write_number(r, j, float(value), fmt.num(kind))
    ws.freeze_panes(TABLE_ROW0, 1)
    ws.set_column(0, 0, 34)
    ws.set_column(1, len(columns) - 1, 16)


@dataclass(frozen=True, slots=True)
class Head:
    """A strategy sheet's words: its title (row 0), its note (row 5), and the height of its
    table's header row [points]."""

    title: str
    note: str
    header_height: float = 45


def head_block(
    ws: Any, fmt: Formats, head: Head, npv_formula: str, irr_over: str, npv: float
) -> None:
    """Rows 0-5 of a strategy sheet: title, NPV, IRR, the engine's NPV ``npv``, the
    difference, a note."""
    write_text(ws, 0, 0, head.title, fmt.title)
    write_text(ws, 1, 0, "NPV (USD)")
    # cached results (the engine's): a reader that does not recalculate on load still sees them
    ws.write_formula(1, 1, npv_formula, fmt.num("usd"), npv)
    write_text(ws, 2, 0, "IRR (per year)")
    ws.write_formula(2, 1, f'=IFERROR((1+IRR({irr_over}))^12-1,"n/a")', fmt.num("pct"))
    write_text(ws, 3, 0, "Engine NPV (USD, value)")
    ws.write_number(3, 1, npv, fmt.num("usd"))
    write_text(ws, 4, 0, "Formula / engine - 1")
    ws.write_formula(4, 1, "=IF(B4=0,B2-B4,B2/B4-1)", fmt.num("num6"), 0.0)
    write_text(ws, 5, 0, head.note, fmt.note)


def data_range(col: int, h: int, *, sheet: str | None = None) -> str:
    """A strategy sheet's column over its H data rows."""
    rng = f"{cell(TABLE_ROW0, col, absolute=True)}:{cell(TABLE_ROW0 + h - 1, col, absolute=True)}"
    return sheet_ref(sheet, rng) if sheet else rng


def strategy_sheet(
    wb: Any,
    fmt: Formats,
    sheet: tuple[str, Head, Sequence[tuple[str, str | None]]],
    months: Sequence[str],
    npv: tuple[str, float],
    irr_col: int,
    row: Callable[[int], Sequence[Cell]],
) -> Any:
    """A strategy sheet ``(name, head, columns)``: its head block (``npv`` = the NPV formula
    and the engine's NPV; the IRR over column ``irr_col``) over its month table (``row(t)``);
    the worksheet, for the rows a sheet adds between them (rows 6-9)."""
    name, head, columns = sheet
    ws = wb.add_worksheet(name)
    head_block(ws, fmt, head, npv[0], data_range(irr_col, len(months)), npv[1])
    write_month_table(ws, fmt, columns, months, row, header_height=head.header_height)
    return ws
