"""Every IRR shown is finite and meaningful, or replaced by its reason (hand-built flows)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hashpivot.engine.summary import irr_p50
from hashpivot.valuation.cashflow import irr_annual, irr_shown, payback_months

REPO = Path(__file__).resolve().parents[2]


def shown(flows: list[float]) -> tuple[float | None, str]:
    res = irr_annual(np.array(flows))
    pb = float(payback_months(np.array(flows), flows_at_period_end=True))
    return irr_shown(float(res.rate), str(res.status), pb)


def test_a_meaningful_irr_is_shown_as_a_rate() -> None:
    # -100 now, +110 twelve months on: (1 + r_month)^12 = 1.1, an annual IRR of exactly 10%
    value, text = shown([-100.0] + [0.0] * 11 + [110.0])
    assert value == pytest.approx(0.10, abs=1e-12)
    assert text == "10.0%"


def test_no_sign_change() -> None:
    # all inflows: no rate makes the NPV zero
    assert shown([100.0, 50.0, 25.0]) == (None, "no sign change")
    assert shown([-100.0, -50.0]) == (None, "no sign change")


def test_multiple_roots() -> None:
    # -100, +230, -132: NPV = -100 + 230 v - 132 v^2 = 0 at 1 + r = 1.1 and 1.2 (two roots,
    # 10% and 20% a month): Brealey-Myers-Allen's textbook case of two IRRs
    res = irr_annual(np.array([-100.0, 230.0, -132.0]))
    assert str(res.status) == "multiple_roots"
    assert shown([-100.0, 230.0, -132.0]) == (None, "multiple roots")


def test_above_1000_percent_shows_the_payback() -> None:
    # -1 now, +100 at month 6: 1 + r_month = 100^(1/6) = 2.154, annual (2.154)^12 - 1 = 999,999%
    # cumulative flow turns positive with the month-6 flow, received at the end of month 6, so
    # (flows at period end) the capital is back after 7 months
    value, text = shown([-1.0, 0, 0, 0, 0, 0, 100.0])
    assert value is None
    assert text == "> 1,000%: capital back in 7 months"
    # just under the line: 900%/yr is shown as a rate
    m = 10.0 ** (1 / 12) - 1  # 900%/yr = (1 + m)^12 - 1
    value, text = shown([-100.0, 100.0 * (1 + m)])
    assert value == pytest.approx(9.0) and text == "900.0%"


def test_median_over_paths_names_the_most_common_reason() -> None:
    flows = np.array(
        [
            [-100.0, 230.0, -132.0],
            [-100.0, 230.0, -132.0],
            [-100.0, 230.0, -132.0],
            [-100.0, 0.0, 121.0],
        ]
    )
    value, text, note = irr_p50(flows)
    assert value is None
    assert text == "multiple roots (on 75% of 4 sample paths)"
    assert "multiple_roots: 3" in note and "ok: 1" in note


def test_ozark_sell_is_no_longer_478507_percent() -> None:
    from hashpivot.api.compare import build_case, summary
    from hashpivot.engine.deterministic import run_deterministic

    case = build_case(REPO / "examples" / "sites" / "ozark-50mw-s19jpro.toml")
    out = summary(case, run_deterministic(case).comparison)
    # the sale closes 6 months in (the site's [compare] default): its flows are a few months of
    # mining, then the sale, and little capital is ever at risk
    sell = out["strategies"]["sell"]
    assert sell["irr_p50"] is None
    assert sell["irr_display"] == "> 1,000%: capital back in 6 months"
    for name, s in out["strategies"].items():
        irr = s["irr_p50"]
        if irr is None:
            assert s["irr_display"].startswith(("n/a", "no sign", "multiple", "> 1,000%")), name
        else:
            assert math.isfinite(irr) and -1 < irr <= 10 and s["irr_display"] == f"{irr:.1%}"


def test_reports_show_the_reason_not_na(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    from hashpivot.cli import main

    site = REPO / "examples" / "sites" / "ozark-50mw-s19jpro.toml"
    args = ["compare", str(site), "--deterministic", "--sensitivity", "none", "--report"]
    assert main([*args, str(tmp_path), "--json"]) == 0
    capsys.readouterr()
    (page,) = tmp_path.glob("*.html")
    assert "&gt; 1,000%: capital back in 6 months" in page.read_text()
    (book,) = tmp_path.glob("*.xlsx")
    ws = openpyxl.load_workbook(book)["Summary"]
    cells = [c.value for row in ws.iter_rows() for c in row]
    assert "> 1,000%: capital back in 6 months" in cells


@pytest.mark.parametrize("path", ["leases/ms-hyperscaler.toml", "gpu/h100-merchant.toml"])
def test_lease_and_gpu_cloud_show_a_rate_or_its_reason(path: str) -> None:
    from hashpivot.api.projects import gpu_cloud_report, lease_report

    report = (lease_report if path.startswith("leases") else gpu_cloud_report)(
        REPO / "examples" / path
    )
    irr, text = report["irr"], report["irr_display"]
    if irr is None:
        assert text.startswith(("no sign", "multiple", "> 1,000%", "no root")), text
    else:
        assert isinstance(irr, float) and math.isfinite(irr) and irr <= 10
        assert text == f"{irr:.1%}"
