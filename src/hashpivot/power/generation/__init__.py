"""Own generation behind the meter: gas, solar (pvlib), wind, battery and the grid connection;
the site as a PyPSA network solved by linopy on HiGHS (dispatch and sizing), and a vectorised
merit-order dispatch for Monte Carlo paths (exact without a battery; with one, the daily greedy
of :mod:`hashpivot.power.generation.storage`).

pypsa, linopy, highspy and pvlib are the ``supply`` extra: imported only where used
(:func:`require_supply` names the extra where it is missing).
"""

from __future__ import annotations

from hashpivot.errors import InputError
from hashpivot.power.generation.merit import HourlyDispatch, merit_dispatch, operating_cost_usd
from hashpivot.power.generation.metrics import balance_residual_mw, dispatch_metrics
from hashpivot.power.generation.specs import (
    Battery,
    GasPlant,
    GridConnection,
    HourlyResource,
    SitePlant,
    SolarPlant,
    SupplyCase,
    WindPlant,
)

__all__ = [
    "Battery",
    "GasPlant",
    "GridConnection",
    "HourlyDispatch",
    "HourlyResource",
    "SitePlant",
    "SolarPlant",
    "SupplyCase",
    "WindPlant",
    "balance_residual_mw",
    "dispatch_metrics",
    "merit_dispatch",
    "operating_cost_usd",
    "require_supply",
]


def require_supply() -> None:
    """Raise one clear error where the ``supply`` extra (pypsa, highspy, pvlib) is missing."""
    import importlib.util

    missing = [
        m for m in ("pypsa", "linopy", "highspy", "pvlib") if importlib.util.find_spec(m) is None
    ]
    if missing:
        raise InputError(
            "generation",
            ", ".join(missing),
            "the supply extra installed: pip install 'hashpivot[supply]'",
        )
