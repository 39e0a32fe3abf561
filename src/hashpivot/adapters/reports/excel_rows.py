"""The month table of every strategy sheet: one row a month, its flows, discount factors and
present value as formulas (or the engine's values), written by one loop.

Row ``TABLE_ROW0 + t`` holds month ``t``: its name in column A, then one cell a column, a
formula where the cell is a string starting with ``=``, else a number (a value from the
engine). The sheets' NPV sums the present-value column
(:func:`hashpivot.adapters.reports.excel_model.data_range`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hashpivot.adapters.reports.excel_style import Formats, write_headers, write_text

__all__ = ["TABLE_ROW0", "Cell", "write_month_table"]

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
