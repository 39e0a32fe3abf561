"""GPU generations by purchase date, the refresh cycle, by hand from the catalogue rows.

Catalogue rows used (config/catalogue/gpu.csv): H100 $50,000 and $2.20/GPU-h quoted 2025-10,
floor $1.65, 1.28 kW; VR200 released 2026-09, $96,000 and $3.68/GPU-h quoted 2026-09, floor
$2.00, 2.30 kW, performance 8.34 (A100 2020-05 at 0.315). Default decay: 35% per 2-year
generation, ``1 - 0.65 ** 0.5`` a year, so ``m`` months age a price by ``0.65 ** (m / 24)``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.compute.conversion import Conversion, Phase
from hashpivot.compute.gpu_cloud import GpuModel, gpu_cloud_cash_flows
from hashpivot.compute.gpu_fleet import purchase_at
from hashpivot.compute.gpu_generations import (
    capex_at_usd_per_gpu,
    frontier_generation,
    performance_growth_per_generation,
    rate_at_usd_per_gpu_hour,
    usd_per_performance,
)
from hashpivot.config.gpu_catalogue import decay_frac_per_year, load_gpu_catalogue

CAT = load_gpu_catalogue()
GENS = tuple(CAT.values())
H100, VR200 = CAT[GpuModel.H100], CAT[GpuModel.VR200]
from gpu_fixtures import TERMS  # noqa: E402  (shared hand-worked case)


def test_the_decay_is_the_market_processes() -> None:
    # ln(0.65) / 2 per year as a yearly fraction: 1 - 0.65 ** 0.5 = 19.38%
    assert decay_frac_per_year(0.35, 2.0) == pytest.approx(1 - 0.65**0.5)
    assert H100.rate_decay_frac_per_year == pytest.approx(0.193774, abs=1e-6)


def test_a_2028_purchase_is_a_2028_gpu_at_2028_prices() -> None:
    when = date(2028, 1, 1)
    # newest release by 2028-01 is VR200 (2026-09), 16 months old: not yet a generation later
    gen = frontier_generation(GENS, when, 2.0)
    assert gen.name == "VR200"
    # 2026-09 -> 2028-01 is 16 months: $96,000 x 0.65 ** (16/24) = $72,036; $3.68 -> $2.761
    assert capex_at_usd_per_gpu(gen, when) == pytest.approx(96_000 * 0.65 ** (16 / 24))
    assert capex_at_usd_per_gpu(gen, when) == pytest.approx(72_036, abs=1)
    assert rate_at_usd_per_gpu_hour(gen, when) == pytest.approx(3.68 * 0.65 ** (16 / 24))
    # an H100 bought then: 2025-10 -> 2028-01 is 27 months: $50,000 x 0.65 ** (27/24) = $30,796
    assert capex_at_usd_per_gpu(H100, when) == pytest.approx(50_000 * 0.65 ** (27 / 24))
    assert rate_at_usd_per_gpu_hour(H100, when) == pytest.approx(2.20 * 0.65 ** (27 / 24))
    # price per unit of performance: $72,036 / 8.34 = $8,637 per H100-equivalent vs $30,800
    per_perf = usd_per_performance(96_000 * 0.65 ** (16 / 24), 8.34)
    assert per_perf == pytest.approx(8_637, abs=1)
    assert per_perf < usd_per_performance(50_000 * 0.65 ** (27 / 24), 1.0)


def test_frontier_by_date_and_beyond_the_catalogue() -> None:
    assert frontier_generation(GENS, date(2021, 6, 1), 2.0).name == "A100"
    assert frontier_generation(GENS, date(2024, 6, 1), 2.0).name == "H200"
    assert frontier_generation(GENS, date(2025, 8, 1), 2.0).name == "GB300"
    # 2028-09 is 24 months after VR200: one generation past it, launch figures carried
    nxt = frontier_generation(GENS, date(2028, 9, 1), 2.0)
    growth = (8.34 / 0.315) ** (24 / 76)  # A100 2020-05 -> VR200 2026-09: 76 months
    assert performance_growth_per_generation(GENS, 2.0) == pytest.approx(growth)
    assert nxt.name == "VR200+1" and nxt.release == date(2028, 9, 1)
    assert nxt.relative_performance == pytest.approx(8.34 * growth)
    assert capex_at_usd_per_gpu(nxt, date(2028, 9, 1)) == pytest.approx(96_000)
    assert rate_at_usd_per_gpu_hour(nxt, date(2028, 9, 1)) == pytest.approx(3.68)
    assert nxt.it_kw_per_gpu == VR200.it_kw_per_gpu


CONV = Conversion(
    gross_mw=1.6,
    pue=1.25,
    phases=(Phase(it_mw=1.28, delivery_month=0),),
    construction_months=0,
    shell_capex_usd_per_it_mw=0.0,
    fitout_capex_usd_per_it_mw=0.0,
)


def test_a_refresh_reprices_to_the_then_current_generation() -> None:
    t = replace(TERMS, gpu=H100, generations=GENS, refresh_years=2.0, residual_value_frac=0.1)
    cf = gpu_cloud_cash_flows(t, CONV, start=date(2026, 1, 1), months=30)
    # month 0 (2026-01): 1,000 H100 (1,280 kW / 1.28) at $50,000 x 0.65 ** (3/24)
    h100 = 50_000 * 0.65 ** (3 / 24)
    assert cf.capex_usd[0, 0] == pytest.approx(-1_000 * h100)
    # month 24 (2028-01): 556 VR200 (floor(1,280 / 2.30)) at $96,000 x 0.65 ** (16/24); the
    # H100s sold at book after 24 of 60 months to 10%: basis x (1 - 0.9 x 24/60) = 0.64 basis
    vr200 = 96_000 * 0.65 ** (16 / 24)
    assert cf.extras["gpus"][23:25].tolist() == [1_000.0, 556.0]
    assert cf.capex_usd[0, 24] == pytest.approx(-556 * vr200 + 0.64 * 1_000 * h100)
    # the rate path restarts at VR200's 2028-01 rate; before, the H100 curve at its floor
    rate = cf.extras["market_rate_usd_per_gpu_hour"][0]
    assert rate[24] == pytest.approx(3.68 * 0.65 ** (16 / 24))
    assert rate[23] == pytest.approx(max(1.65, 2.20 * 0.65 ** (26 / 24)))
    # terminal value: the VR200s at book after 6 of 60 months, 556 x price x (1 - 0.9 x 0.1)
    assert float(cf.extras["gpu_terminal_value_usd"][0]) == pytest.approx(
        556 * vr200 * (1 - 0.9 * 6 / 60)
    )


def test_current_generation_buys_the_frontier_at_every_delivery() -> None:
    t = replace(TERMS, gpu=H100, generations=GENS, current_generation=True)
    p = purchase_at(t, 1.28, 0, date(2025, 8, 1), first=True)
    assert p.spec.name == "GB300" and p.gpus == 680.0  # floor(1,280 / 1.88)
    named = purchase_at(replace(t, current_generation=False), 1.28, 0, date(2025, 8, 1), True)
    assert named.spec.name == "H100"


@settings(max_examples=25, deadline=None)
@given(months=st.integers(1, 60), life=st.sampled_from([1.0, 2.0, 5.0]))
def test_no_refresh_equals_a_refresh_beyond_the_horizon(months: int, life: float) -> None:
    base = replace(TERMS, gpu=H100, generations=GENS, depreciation_life_years=life)
    never = gpu_cloud_cash_flows(
        replace(base, refresh_years=0.0), CONV, start=date(2026, 1, 1), months=months
    )
    later = gpu_cloud_cash_flows(
        replace(base, refresh_years=6.0), CONV, start=date(2026, 1, 1), months=months
    )
    np.testing.assert_allclose(never.net_usd, later.net_usd, rtol=1e-12, atol=1e-6)
    assert never.terminal_value_usd is not None and later.terminal_value_usd is not None
    assert float(never.terminal_value_usd[0]) == pytest.approx(float(later.terminal_value_usd[0]))
