"""GPU cloud builder by hand; the catalogue; per-path rates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from hashpivot.compute.gpu_cloud import (
    GpuModel,
    gpu_cloud_cash_flows,
    gpus_per_it_mw,
    market_rate_curve,
)
from hashpivot.config.gpu_cloud import load_gpu_catalogue

START = date(2026, 1, 1)
from gpu_fixtures import CONV, SPEC, TERMS  # noqa: E402  (shared hand-worked case)

# calendar hours of each month of 2026 (24 x 31, 28, 31, 30, ...): 8,760 h in the year
HOURS_2026 = [24.0 * d for d in (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)]


def test_hand_worked_gpu_cloud() -> None:
    cf = gpu_cloud_cash_flows(TERMS, CONV, start=START, months=12)
    assert cf.extras["gpus"][0] == 1000.0  # 1.28 MW / 1.28 kW
    # 1,000 GPUs x hours x 50% x $2.00: $744,000 in January (744 h), $672,000 in February
    assert cf.revenue_usd[0] == pytest.approx([1_000.0 * h for h in HOURS_2026])
    assert cf.revenue_usd[0, :2].tolist() == pytest.approx([744_000.0, 672_000.0])
    # power 1.28 MW x 1.0 x PUE 1.25 x hours x $50 = $80/h ($59,520 in January);
    # staff $1,200 x 1,000 / 12 = $100,000; site $120,000 x 1.28 / 12 = $12,800
    assert cf.opex_usd[0] == pytest.approx([-(80.0 * h + 100_000.0 + 12_800.0) for h in HOURS_2026])
    assert cf.opex_usd[0, 0] == pytest.approx(-(59_520.0 + 100_000.0 + 12_800.0))
    assert cf.capex_usd[0, 0] == pytest.approx(-50e6)
    # straight-line book value after 12 of 60 months: $40M
    assert cf.terminal_value_usd is not None
    assert float(cf.terminal_value_usd[0]) == pytest.approx(40e6)


def test_contract_prepayment_is_timing_only() -> None:
    t = replace(
        TERMS,
        contracted_share_frac=1.0,
        contract_rate_usd_per_gpu_hour=3.0,
        contract_months=12,
        prepayment_frac=0.2,
    )
    cf = gpu_cloud_cash_flows(t, CONV, start=START, months=12)
    value = 1000 * 8_760 * 3.0  # the 12 months of 2026 have 8,760 h
    assert float(cf.extras["contract_value_usd"][0]) == pytest.approx(value)
    assert cf.revenue_usd.sum() == pytest.approx(value)  # prepaid, then credited
    # January earns 1,000 x 744 h x $3, 80% of it in cash (the rest credited to the prepayment)
    assert cf.revenue_usd[0, 0] == pytest.approx(1000 * 744 * 3.0 * 0.8 + 0.2 * value)
    accrual_feb = cf.extras["ebitda_accrual_usd"][0, 1] - cf.opex_usd[0, 1]
    assert accrual_feb == pytest.approx(1000 * 672 * 3.0)


def test_refresh_and_decay() -> None:
    spec = replace(SPEC, rate_decay_frac_per_year=0.2, rate_floor_usd_per_gpu_hour=1.5)
    assert market_rate_curve(spec, [0, 12, 24, 120]).tolist() == pytest.approx([2.0, 1.6, 1.5, 1.5])
    t = replace(TERMS, gpu=spec, depreciation_life_years=1.0, refresh_years=1.0)
    cf = gpu_cloud_cash_flows(t, CONV, start=START, months=30)
    buys = np.flatnonzero(cf.capex_usd[0] < 0).tolist()
    assert buys == [0, 12, 24]  # refreshed every 12 months
    rate = cf.extras["market_rate_usd_per_gpu_hour"][0]
    assert rate[12] == pytest.approx(2.0) and rate[11] == pytest.approx(2.0 * 0.8 ** (11 / 12))


def test_per_path_rate_paths() -> None:
    rates = np.array([[2.0] * 12, [1.0] * 12])
    cf = gpu_cloud_cash_flows(TERMS, CONV, start=START, months=12, gpu_rate_usd_per_gpu_hour=rates)
    assert cf.revenue_usd[:, 0].tolist() == pytest.approx([744_000.0, 372_000.0])  # 744 h


def test_catalogue_rows_have_sources_and_sane_units() -> None:
    cat = load_gpu_catalogue()
    assert set(cat) == set(GpuModel) - {GpuModel.CURRENT}
    for spec in cat.values():
        assert spec.source
        assert 0.5 < spec.it_kw_per_gpu < 3.0
        assert 10_000 < spec.capex_usd_per_gpu < 200_000
    # market-facts.md: H100 10.2 kW per 8-GPU server; GB200 NVL72 ~120 kW per 72 GPUs
    assert cat[GpuModel.H100].it_kw_per_gpu == pytest.approx(10.2 / 8, abs=0.01)
    assert cat[GpuModel.GB200].it_kw_per_gpu == pytest.approx(120 / 72, abs=0.05)
    assert gpus_per_it_mw(1.25) == pytest.approx(800.0)
    # every generation is dated and ranked by performance against the H100 (dense BF16)
    assert cat[GpuModel.H100].relative_performance == 1.0
    assert cat[GpuModel.A100].relative_performance == pytest.approx(311.9 / 989, abs=1e-3)
    for spec in cat.values():
        assert spec.release and spec.capex_date and spec.rate_date
    by_release = sorted(cat.values(), key=lambda s: s.release or date.min)
    assert [s.model.value for s in by_release][0::6] == ["A100", "VR200"]


def test_hall_is_valued_leased_at_the_horizon() -> None:
    from hashpivot.compute.shell import LeaseTerms

    lease = LeaseTerms(
        it_mw=1.28,
        rent_usd_per_kw_month=100.0,
        commencement_month=0,
        term_months=120,
        escalator_frac_per_year=0.03,
        management_fee_frac=0.02,
    )
    t = replace(TERMS, hall_lease=lease, hall_exit_cap_rate_frac=0.08)
    cf = gpu_cloud_cash_flows(t, CONV, start=START, months=12)
    # forward year (months 12-23) is lease year 2: $100 x 1.03 = $103/kW-month on 1,280 kW,
    # NNN, NOI 98% of rent: 1,280 x 103 x 12 x 0.98 = $1,550,515.2/yr; / 8% = $19,381,440
    hall = 1_280 * 103.0 * 12 * 0.98 / 0.08
    assert float(cf.extras["hall_terminal_value_usd"][0]) == pytest.approx(hall)
    assert float(cf.extras["gpu_terminal_value_usd"][0]) == pytest.approx(40e6)  # 48/60 of $50M
    assert cf.terminal_value_usd is not None
    assert float(cf.terminal_value_usd[0]) == pytest.approx(40e6 + hall)
