"""What a dispatch means for the site: energy by use, the share of the AI load met by own
power, mining uptime, unserved AI energy and emissions (sums over the hours given)."""

from __future__ import annotations

import numpy as np

from hashpivot.power.generation.merit import HourlyDispatch
from hashpivot.power.generation.specs import SitePlant

__all__ = ["balance_residual_mw", "dispatch_metrics"]


def balance_residual_mw(d: HourlyDispatch, ai_load_mw: float) -> np.ndarray:
    """Hourly energy balance [MW]: generation + import + discharge + unserved
    - (AI load + mining + export + charge); zero for a feasible dispatch (battery losses sit in
    its state of charge: charge x sqrt(eta) in, discharge / sqrt(eta) out)."""
    supply = d.renewable_mw + d.gas_mw + d.import_mw + d.discharge_mw + d.unserved_ai_mw
    return np.asarray(supply - (ai_load_mw + d.mining_mw + d.export_mw + d.charge_mw))


def dispatch_metrics(
    d: HourlyDispatch,
    plant: SitePlant,
    *,
    heat_rate_mmbtu_per_mwh: float = 0.0,
    emission_factor_tco2_per_mmbtu: float = 0.0,
) -> dict[str, float]:
    """Totals of one dispatch over its hours.

    ai_load_served_frac : AI energy met by own generation and battery (own power goes to the
        firm load first) over the AI energy; ai_load_met_frac : met by any source
    mining_uptime_frac : mining MWh over the miners' full-run MWh
    """
    hours = d.gas_mw.shape[-1]
    own = d.renewable_mw + d.gas_mw + d.discharge_mw
    ai_mwh = plant.ai_load_mw * hours
    own_to_ai = np.minimum(own, d.ai_served_mw).sum()
    unserved = d.unserved_ai_mw
    fuel = float(d.gas_mw.sum()) * heat_rate_mmbtu_per_mwh
    return {
        "hours": float(hours),
        "ai_load_mwh": ai_mwh,
        "ai_load_served_frac": float(own_to_ai / ai_mwh) if ai_mwh > 0 else 1.0,
        "ai_load_met_frac": float(d.ai_served_mw.sum() / ai_mwh) if ai_mwh > 0 else 1.0,
        "own_generation_mwh": float(d.renewable_mw.sum() + d.gas_mw.sum()),
        "gas_mwh": float(d.gas_mw.sum()),
        "renewable_mwh": float(d.renewable_mw.sum()),
        "grid_import_mwh": float(d.import_mw.sum()),
        "grid_export_mwh": float(d.export_mw.sum()),
        "mining_mwh": float(d.mining_mw.sum()),
        "mining_uptime_frac": (
            float(d.mining_mw.sum() / (plant.mining_mw * hours)) if plant.mining_mw > 0 else 0.0
        ),
        "unserved_ai_mwh": float(unserved.sum()),
        "unserved_ai_hours": float((unserved > 1e-6).sum()),
        "battery_losses_mwh": float(d.charge_mw.sum() - d.discharge_mw.sum()),
        "emissions_tco2": fuel * emission_factor_tco2_per_mmbtu,
    }
