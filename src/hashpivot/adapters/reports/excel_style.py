"""Cell formats and small writing helpers shared by the workbook's sheets (xlsxwriter).

Every header carries its unit; numbers carry a number format; text goes through
``write_string`` (never a formula, whatever it holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: xlsxwriter number formats by unit kind
NUMBER_FORMATS = {
    "usd": "#,##0;[Red]-#,##0",
    "usd2": "#,##0.00;[Red]-#,##0.00",
    "pct": "0.00%",
    "num": "#,##0.00",
    "num6": "0.000000",
    "int": "0",
    "factor": "0.0000",
    "btc": "0.0000",
}


#: how a strategy's key reads in a header
STRATEGY_LABELS = {
    "mine": "Mine",
    "lease": "Lease",
    "gpu_cloud": "GPU cloud",
    "switch": "Switch",
    "split": "Split",
    "sell": "Sell",
}


def strategy_label(key: str) -> str:
    """'gpu_cloud' -> 'GPU cloud' (a registered strategy: its key with spaces)."""
    return STRATEGY_LABELS.get(key, key.replace("_", " "))


@dataclass(frozen=True, slots=True)
class Formats:
    """The workbook's formats: a header, a note, and one per number kind."""

    header: Any
    title: Any
    note: Any
    by_kind: dict[str, Any]
    lever_by_kind: dict[str, Any]

    def num(self, kind: str) -> Any:
        return self.by_kind[kind]

    def lever(self, kind: str) -> Any:
        """An input a reader may change: blue on yellow, in its number format."""
        return self.lever_by_kind[kind]


def formats(wb: Any) -> Formats:
    """Formats of workbook ``wb``: bold wrapped headers, italic notes, blue inputs."""
    header = wb.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    title = wb.add_format({"bold": True, "font_size": 13})
    note = wb.add_format({"italic": True, "font_color": "#595959"})
    kinds = {k: wb.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
    levers = {
        k: wb.add_format({"num_format": v, "font_color": "#0000FF", "bg_color": "#FFF2CC"})
        for k, v in NUMBER_FORMATS.items()
    }
    return Formats(header=header, title=title, note=note, by_kind=kinds, lever_by_kind=levers)


def write_text(ws: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
    """Write ``text`` as a string cell (a leading '=' stays text)."""
    ws.write_string(row, col, text, fmt)


def write_headers(ws: Any, row: int, headers: list[str], fmt: Any, *, height: float = 45) -> None:
    """One row of headers (strings), wrapped, with a taller row."""
    for j, h in enumerate(headers):
        ws.write_string(row, j, h, fmt)
    ws.set_row(row, height)


def col_letter(col: int) -> str:
    """Column letters of a zero-based index (0 -> A, 26 -> AA)."""
    out = ""
    n = col + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell(row: int, col: int, *, absolute: bool = False) -> str:
    """A1 reference of zero-based ``row``, ``col``."""
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"


def sheet_ref(sheet: str, ref: str) -> str:
    """``'Sheet name'!A1``."""
    return f"'{sheet}'!{ref}"
