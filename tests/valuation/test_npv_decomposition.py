"""The NPV split into the present values of revenue, opex, capex and terminal value."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.api.projects import gpu_cloud_report
from hashpivot.cli import main
from hashpivot.types import CashFlows
from hashpivot.valuation.projects import (
    ValuationAssumptions,
    npv_decomposition_usd,
    value_gpu_cloud,
)

GPU = Path(__file__).resolve().parents[2] / "examples" / "gpu"
from gpu_fixtures import CONV, TERMS  # noqa: E402  (shared hand-worked case)


def test_one_month_by_hand() -> None:
    a = ValuationAssumptions(discount_rate_per_year=0.12)
    v = value_gpu_cloud(TERMS, CONV, a, start=date(2026, 1, 1), months=1)
    parts = v.npv_decomposition_usd
    assert parts is not None
    d = 1.12 ** (1 / 12)  # one month at 12%/yr, flows at the month's end
    # 1,000 GPUs (1.28 MW / 1.28 kW) x 744 h x 50% x $2.00 = $744,000
    assert float(parts["revenue_merchant"][0]) == pytest.approx(744_000.0 / d)
    assert float(parts["revenue_contracted"][0]) == 0.0  # merchant
    # power 1.28 MW x PUE 1.25 x 744 h x $50 = $59,520; staff $100,000; site $12,800
    assert float(parts["opex"][0]) == pytest.approx(-(59_520.0 + 100_000.0 + 12_800.0) / d)
    assert float(parts["capex"][0]) == pytest.approx(-50e6 / d)  # 1,000 x $50,000
    # GPUs at book after 1 of 60 months: $50M x 59/60 (no facility: zero facility capex)
    assert float(parts["terminal_value"][0]) == pytest.approx(50e6 * 59 / 60 / d)
    assert sum(float(x[0]) for x in parts.values()) == pytest.approx(float(v.npv_usd[0]), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    flows=st.lists(st.tuples(*(st.floats(-1e9, 1e9) for _ in range(3))), min_size=1, max_size=24),
    tv=st.floats(-1e9, 1e9),
    rate=st.floats(0.0, 0.5),
)
def test_parts_sum_to_the_npv(
    flows: list[tuple[float, float, float]], tv: float, rate: float
) -> None:
    arr = np.array(flows, dtype=np.float64).T[:, None, :]
    cf = CashFlows(
        start=date(2026, 1, 1),
        revenue_usd=arr[0],
        opex_usd=arr[1],
        capex_usd=arr[2],
        terminal_value_usd=np.array([tv]),
    )
    r_m = (1 + rate) ** (1 / 12) - 1
    npv = sum(float(cf.net_usd[0, t]) / (1 + r_m) ** (t + 1) for t in range(cf.months))
    parts = npv_decomposition_usd(cf, ValuationAssumptions(discount_rate_per_year=rate))
    scale = 1.0 + float(np.abs(arr).sum()) + abs(tv)
    assert sum(float(x[0]) for x in parts.values()) == pytest.approx(npv, abs=1e-9 * scale)


@pytest.mark.parametrize("name", ["iren-microsoft.toml", "h100-merchant.toml"])
def test_examples_decompose_their_npv(name: str) -> None:
    report = gpu_cloud_report(GPU / name)
    parts = report["npv_decomposition_usd"]
    assert set(parts) == {
        "revenue_contracted",
        "revenue_merchant",
        "opex",
        "capex",
        "terminal_value",
    }
    assert parts["revenue_contracted"] + parts["revenue_merchant"] > 0
    assert parts["opex"] < 0 and parts["capex"] < 0
    assert parts["terminal_value"] > 0
    assert sum(parts.values()) == pytest.approx(report["npv_usd"], rel=1e-9)


def test_text_and_json_show_the_decomposition(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(GPU / "iren-microsoft.toml")
    assert main(["gpu-cloud", path]) == 0
    text = capsys.readouterr().out
    for label in (
        "PV of contracted revenue",
        "PV of merchant revenue",
        "PV of opex",
        "PV of capex",
        "PV of terminal value",
    ):
        assert label in text
    assert main(["gpu-cloud", path, "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert sum(js["npv_decomposition_usd"].values()) == pytest.approx(js["npv_usd"], rel=1e-9)
