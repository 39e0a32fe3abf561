"""The West Texas supply case on the shared year (HB_WEST real-time 2025), shared by the tests
that check the merit order and the battery greedy against the LP: 100 MW AI tenant, 95 MW of
miners worth $86/MWh, 160 MW of gas at Waha (-$1 basis to $3.52 Henry Hub), 100 MWac of solar
on a seeded synthetic sun, a 50 MW import / 100 MW export grid with a $6/MWh adder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hashpivot.power.generation import Battery, GasPlant, GridConnection, SitePlant, SolarPlant
from hashpivot.power.generation.lp import SiteInputs

HENRY_HUB_USD_PER_MMBTU = 3.52
MINING_VALUE_USD_PER_MWH = 86.0


def shared_year_price(shared: Path) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """HB_WEST real-time prices of 2025 [USD/MWh] and their hours (UTC)."""
    df = pd.read_csv(shared / "ercot_west_hourly.csv")
    df = df[(df.location == "HB_WEST") & (df.market == "RT")]
    ts = pd.DatetimeIndex(pd.to_datetime(df.timestamp_utc, utc=True))
    keep = ts.year == 2025
    return df.price_usd_per_mwh.to_numpy()[keep], ts[keep]


@dataclass(frozen=True)
class YearCase:
    price: np.ndarray
    cf: np.ndarray
    plant: SitePlant
    inputs: SiteInputs

    def dispatch_kw(self) -> dict[str, Any]:
        """The keyword arguments of ``merit_dispatch`` / ``battery_dispatch`` for this case."""
        gas = self.plant.gas
        assert gas is not None
        return {
            "price_usd_per_mwh": self.price,
            "renewable_mw": 100.0 * self.cf,
            "gas_available_mw": gas.capacity_mw * gas.availability_frac,
            "gas_cost_usd_per_mwh": gas.marginal_cost_usd_per_mwh(HENRY_HUB_USD_PER_MMBTU),
            "ai_load_mw": 100.0,
            "mining_mw": 95.0,
            "mining_value_usd_per_mwh": MINING_VALUE_USD_PER_MWH,
            "import_limit_mw": 50.0,
            "export_limit_mw": 100.0,
            "import_adder_usd_per_mwh": 6.0,
            "unserved_usd_per_mwh": self.plant.unserved_usd_per_mwh,
        }


def shared_year_case(shared: Path, battery: Battery | None = None) -> YearCase:
    price, _ = shared_year_price(shared)
    hours = price.size
    rng = np.random.default_rng(7)
    cf = np.clip(np.sin((np.arange(hours) % 24 - 6) * np.pi / 12.0), 0.0, None)
    cf = cf * rng.uniform(0.6, 1.0, hours)
    plant = SitePlant(
        ai_load_mw=100.0,
        mining_mw=95.0,
        gas=GasPlant(capacity_mw=160.0, basis_usd_per_mmbtu=-1.0),
        solar=SolarPlant(capacity_mwac=100.0),
        battery=battery,
        grid=GridConnection(
            import_limit_mw=50.0, export_limit_mw=100.0, import_adder_usd_per_mwh=6.0
        ),
    )
    inputs = SiteInputs(
        price_usd_per_mwh=price,
        gas_usd_per_mmbtu=np.full(hours, HENRY_HUB_USD_PER_MMBTU),
        solar_cf=cf,
        wind_cf=np.zeros(hours),
        mining_value_usd_per_mwh=MINING_VALUE_USD_PER_MWH,
    )
    return YearCase(price=price, cf=cf, plant=plant, inputs=inputs)
