"""The hourly inputs of one site year: grid prices on their UTC hours, the plant's output per
MW (solar from pvlib, wind from the generic curve), the gas price and the miners' value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hashpivot.power.generation.lp import SiteInputs
from hashpivot.power.generation.profiles import solar_cf, wind_cf
from hashpivot.power.generation.specs import SitePlant
from hashpivot.types import FloatArray

__all__ = ["mining_value_usd_per_mwh", "site_inputs"]


def mining_value_usd_per_mwh(
    hashprice_usd_per_ph_day: FloatArray | float,
    efficiency_j_per_th: float,
    *,
    pool_fee_frac: float = 0.0,
    overhead_frac: float = 0.0,
) -> FloatArray | float:
    """Miners' revenue per MWh the site draws [USD/MWh]: 1 PH/s at e J/TH draws e kW, so
    e x 24 / 1000 MWh a day; value = hashprice x (1 - pool fee) x (1 - overhead) / (0.024 e)."""
    return (
        np.asarray(hashprice_usd_per_ph_day)
        * (1.0 - pool_fee_frac)
        * (1.0 - overhead_frac)
        / (0.024 * efficiency_j_per_th)
    )


def site_inputs(
    plant: SitePlant,
    price_usd_per_mwh: FloatArray,
    hours_utc: pd.DatetimeIndex,
    *,
    gas_usd_per_mmbtu: FloatArray | float,
    mining_value: FloatArray | float,
    seed: int = 0,
) -> SiteInputs:
    """One solve's hourly inputs (``hours_utc``: the hour starts of the prices)."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    n = p.shape[-1]
    sol = solar_cf(plant.solar, hours_utc, seed=seed) if plant.solar is not None else np.zeros(n)
    wnd = (
        wind_cf(plant.wind, n, seed=seed, hours_utc=hours_utc)
        if plant.wind is not None
        else np.zeros(n)
    )
    return SiteInputs(
        price_usd_per_mwh=p,
        gas_usd_per_mmbtu=np.broadcast_to(np.asarray(gas_usd_per_mmbtu, dtype=np.float64), (n,)),
        solar_cf=sol,
        wind_cf=wnd,
        mining_value_usd_per_mwh=mining_value,
    )
