"""Reports of a comparison: an Excel workbook and a self-contained HTML page (plotly, no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hashpivot.adapters.reports._atomic import prepare_folder
from hashpivot.adapters.reports.excel import write_workbook
from hashpivot.adapters.reports.html import write_html
from hashpivot.engine.compare import Comparison
from hashpivot.engine.strategies import CompareCase

__all__ = ["write_html", "write_reports", "write_workbook"]


def write_reports(
    folder: str | Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
) -> list[Path]:
    """Write ``compare.xlsx`` and ``compare.html`` into ``folder`` (created if needed)."""
    out = prepare_folder(folder)
    return [
        write_workbook(out / "compare.xlsx", case, cmp, summary, assumptions),
        write_html(out / "compare.html", case, cmp, summary, assumptions),
    ]
