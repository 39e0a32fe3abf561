"""`hashpivot power-gap --report DIR`: a page with the gap chart, opened offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hashpivot.adapters.reports.power_gap import power_gap_figure
from hashpivot.api.power_gap import power_gap_report
from hashpivot.cli import main


def test_report_page_is_written_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["power-gap", "--report", str(tmp_path / "r"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    page = Path(out["report_files"][0])
    assert page == tmp_path / "r" / "power-gap.html"
    text = page.read_text(encoding="utf-8")
    assert "US data-center power gap" in text and "$195/kW-month" in text
    assert 'src="https://cdn.plot.ly' not in text  # plotly.js inlined: opens offline


def test_chart_shows_the_gap_and_the_blocks_range() -> None:
    fig = power_gap_figure(power_gap_report())
    demand, supply, gap, after = fig.data
    # 2028: demand 65, supply 15 + 6 = 21, gap 44; blocks 17.5 + 6.5 + 10 = 34: 10 GW after them,
    # 1 GW with every block at its high end (20 + 8 + 15 = 43), 19 GW at its low end (15 + 5 + 5)
    assert demand.y[-1] == 65.0 and supply.y[-1] == 21.0 and gap.y[-1] == 44.0
    assert after.y[-1] == pytest.approx(10.0)
    assert after.error_y.array[-1] == pytest.approx(9.0)
    assert after.error_y.arrayminus[-1] == pytest.approx(9.0)
