"""A one-phase 1.28 IT MW GPU cloud with hand-friendly numbers, shared by the GPU tests:
1,000 H100s at $50,000, $2/GPU-hour, no decay, 50% utilisation, $50/MWh power."""

from __future__ import annotations

from hashpivot.compute.conversion import Conversion, Phase
from hashpivot.compute.gpu_cloud import GpuCloudTerms, GpuModel, GpuSpec

SPEC = GpuSpec(
    model=GpuModel.H100,
    it_kw_per_gpu=1.28,
    capex_usd_per_gpu=50_000.0,
    rate_usd_per_gpu_hour=2.0,
    rate_decay_frac_per_year=0.0,
    rate_floor_usd_per_gpu_hour=0.0,
)
CONV = Conversion(
    gross_mw=1.6,
    pue=1.25,
    phases=(Phase(it_mw=1.28, delivery_month=0),),
    construction_months=0,
    shell_capex_usd_per_it_mw=0.0,
    fitout_capex_usd_per_it_mw=0.0,
)
TERMS = GpuCloudTerms(
    gpu=SPEC,
    utilisation_frac=0.5,
    power_load_frac=1.0,
    power_price_usd_per_mwh=50.0,
    staff_software_usd_per_gpu_year=1_200.0,
    site_opex_usd_per_it_mw_year=120_000.0,
    maintenance_frac_of_capex_per_year=0.0,
    depreciation_life_years=5.0,
)
