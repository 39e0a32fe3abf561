"""The assumption rows of the ``supplier`` strategy (a site with ``[generation]``): the gas
process and its fit, the solar and wind resource, the battery's Monte Carlo dispatch. Each is
shown beside the comparison it drives (docs/methodology.md, "Own generation")."""

from __future__ import annotations

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.supplier import site_gas_process
from hashpivot.market.gas import DEFAULT_GAS

__all__ = ["supplier_rows"]

_GAS_FIT = (
    "fit: EIA Henry Hub daily spot, monthly means 2010-01..2026-07 (AR(1) in logs); "
    "correlation with the ERCOT HB_WEST RT power shocks 2024-01..2026-02, 25 pairs "
    "(market/gas.py)"
)
#: the solar capacity factor's check (tests/power/generation): Roserock Solar, Pecos County
_SOLAR_CHECK = (
    "pvlib clear sky x a cloudiness process; capacity factor checked against Roserock Solar "
    "(Pecos County, single-axis, 26.3% 2017-2020) within 12%"
)


def supplier_rows(case: CompareCase) -> list[tuple[str, str, str]]:
    """(name, value, source) rows of the site's own generation; none without it."""
    sc = case.generation
    if sc is None:
        return []
    g = site_gas_process(sc)
    overridden = g != DEFAULT_GAS
    rows = [
        (
            "gas price (supplier)",
            f"Henry Hub ${sc.henry_hub_usd_per_mmbtu:.2f}/MMBtu today, log mean-reverting to "
            f"${g.long_run_usd_per_mmbtu:.2f} at {g.reversion_per_year:.3g}/yr, vol "
            f"{g.vol_per_year:.3g}/yr, shock correlated {g.power_corr:.3g} with the power "
            "path's",
            ("site file [generation] over the " if overridden else "") + _GAS_FIT,
        )
    ]
    plant = sc.plant
    if plant.solar is not None:
        res = plant.solar.irradiance
        rows.append(
            (
                "solar resource",
                _SOLAR_CHECK if res is None else f"measured irradiance from {res.source}",
                "site file [generation.solar]",
            )
        )
    if plant.wind is not None:
        wres = plant.wind.wind_speed
        rows.append(
            (
                "wind resource",
                "Weibull synthetic wind speeds on a generic power curve"
                if wres is None
                else f"measured wind speeds from {wres.source}",
                "site file [generation.wind]",
            )
        )
    if plant.battery is not None:
        rows.append(
            (
                "battery dispatch (Monte Carlo)",
                "a daily greedy on the site's marginal values: 90.5% of the LP's battery value "
                "on the shared year, site cost 0.74% above the LP's",
                "power/generation/storage.py; checked against the PyPSA/HiGHS LP (test)",
            )
        )
    return rows
