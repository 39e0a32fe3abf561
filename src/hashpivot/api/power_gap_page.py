"""``hashpivot power-gap --report DIR``: the power-gap chart as a small HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hashpivot.adapters.reports.power_gap import write_power_gap_html


def write_power_gap_page(report_dir: str | Path, out: dict[str, Any]) -> Path:
    """Write ``power-gap.html`` of ``out`` (the JSON object of
    :func:`hashpivot.api.power_gap.power_gap_report`) to ``report_dir``; its path."""
    return write_power_gap_html(Path(report_dir), out)
