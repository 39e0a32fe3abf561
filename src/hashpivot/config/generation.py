"""The ``[generation]`` table of a site file: own power behind the meter (validated at the edge).

Example (West Texas, gas + solar, a 100 MW AI tenant, the miners soaking up the rest)::

    [generation]
    ai_load_mw = 100.0
    henry_hub_usd_per_mmbtu = 3.52
    henry_hub_long_run_usd_per_mmbtu = 3.5   # the gas process: the fit's where unset

    [generation.gas]
    capacity_mw = 160.0
    basis_usd_per_mmbtu = -1.0

    [generation.solar]
    capacity_mwac = 100.0

    [generation.grid]
    import_limit_mw = 50.0
    export_limit_mw = 100.0

Defaults, bounds and sources: config/parameters.csv (docs/site-file.md).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hashpivot.config.generation_files import read_irradiance_file, read_wind_speed_file
from hashpivot.config.parameters import field
from hashpivot.config.power import expand_variables
from hashpivot.mining.projection import MiningSite
from hashpivot.power.generation.specs import (
    Battery,
    GasPlant,
    GridConnection,
    SitePlant,
    SolarPlant,
    SupplyCase,
    WindPlant,
)

__all__ = ["GenerationConfig"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class GasConfig(BaseModel):
    """``[generation.gas]``."""

    model_config = _STRICT
    capacity_mw: float = field("generation.gas.capacity_mw")
    units: int = field("generation.gas.units")
    heat_rate_mmbtu_per_mwh: float = field("generation.gas.heat_rate_mmbtu_per_mwh")
    vom_usd_per_mwh: float = field("generation.gas.vom_usd_per_mwh")
    fom_usd_per_kw_year: float = field("generation.gas.fom_usd_per_kw_year")
    availability_frac: float = field("generation.gas.availability_frac")
    capex_usd_per_kw: float = field("generation.gas.capex_usd_per_kw")
    build_months: int = field("generation.gas.build_months")
    emission_factor_tco2_per_mmbtu: float = field("generation.gas.emission_factor_tco2_per_mmbtu")
    carbon_usd_per_tco2: float = field("generation.gas.carbon_usd_per_tco2")
    basis_usd_per_mmbtu: float = field("generation.gas.basis_usd_per_mmbtu")


class SolarConfig(BaseModel):
    """``[generation.solar]``."""

    model_config = _STRICT
    capacity_mwac: float = field("generation.solar.capacity_mwac")
    latitude_deg: float = field("generation.solar.latitude_deg")
    longitude_deg: float = field("generation.solar.longitude_deg")
    dc_ac_ratio: float = field("generation.solar.dc_ac_ratio")
    degradation_frac_per_year: float = field("generation.solar.degradation_frac_per_year")
    capex_usd_per_wac: float = field("generation.solar.capex_usd_per_wac")
    fom_usd_per_kw_year: float = field("generation.solar.fom_usd_per_kw_year")
    single_axis_tracking: bool = field("generation.solar.single_axis_tracking")
    irradiance_file: str | None = field("generation.solar.irradiance_file")


class WindConfig(BaseModel):
    """``[generation.wind]``."""

    model_config = _STRICT
    capacity_mw: float = field("generation.wind.capacity_mw")
    weibull_k: float = field("generation.wind.weibull_k")
    weibull_c_m_s: float = field("generation.wind.weibull_c_m_s")
    capex_usd_per_kw: float = field("generation.wind.capex_usd_per_kw")
    fom_usd_per_kw_year: float = field("generation.wind.fom_usd_per_kw_year")
    wind_speed_file: str | None = field("generation.wind.wind_speed_file")


class BatteryConfig(BaseModel):
    """``[generation.battery]``."""

    model_config = _STRICT
    power_mw: float = field("generation.battery.power_mw")
    energy_mwh: float = field("generation.battery.energy_mwh")
    round_trip_efficiency_frac: float = field("generation.battery.round_trip_efficiency_frac")
    max_cycles_per_day: float = field("generation.battery.max_cycles_per_day")
    capex_usd_per_kw: float = field("generation.battery.capex_usd_per_kw")
    capex_usd_per_kwh: float = field("generation.battery.capex_usd_per_kwh")
    fom_usd_per_kw_year: float = field("generation.battery.fom_usd_per_kw_year")


class GridConfig(BaseModel):
    """``[generation.grid]``."""

    model_config = _STRICT
    import_limit_mw: float = field("generation.grid.import_limit_mw")
    export_limit_mw: float = field("generation.grid.export_limit_mw")
    import_adder_usd_per_mwh: float = field("generation.grid.import_adder_usd_per_mwh")


class GenerationConfig(BaseModel):
    """``[generation]``: the AI tenant, the miners and the plant behind the meter."""

    model_config = _STRICT
    ai_load_mw: float = field("generation.ai_load_mw")
    mining_mw: float | None = field("generation.mining_mw")
    henry_hub_usd_per_mmbtu: float = field("generation.henry_hub_usd_per_mmbtu")
    # the gas process: defaults the fit's (market.gas.DEFAULT_GAS; tests/market/test_gas_keys)
    henry_hub_long_run_usd_per_mmbtu: float = field("generation.henry_hub_long_run_usd_per_mmbtu")
    henry_hub_reversion_per_year: float = field("generation.henry_hub_reversion_per_year")
    henry_hub_vol_per_year: float = field("generation.henry_hub_vol_per_year")
    henry_hub_power_corr: float = field("generation.henry_hub_power_corr")
    unserved_usd_per_mwh: float = field("generation.unserved_usd_per_mwh")
    life_years: int = field("generation.life_years")
    discount_rate: float = field("generation.discount_rate")
    gas: GasConfig | None = field("generation.gas")
    solar: SolarConfig | None = field("generation.solar")
    wind: WindConfig | None = field("generation.wind")
    battery: BatteryConfig | None = field("generation.battery")
    grid: GridConfig = GridConfig()

    def plant(self, fleet_draw_mw: float, base_dir: str | Path | None = None) -> SitePlant:
        """The core site plant (``fleet_draw_mw``: the miners at full run, where not given);
        resource files are read from ``base_dir`` (the site file's folder) where relative."""
        return SitePlant(
            ai_load_mw=self.ai_load_mw,
            mining_mw=fleet_draw_mw if self.mining_mw is None else self.mining_mw,
            gas=None if self.gas is None else GasPlant(**self.gas.model_dump()),
            solar=None if self.solar is None else _solar(self.solar, base_dir),
            wind=None if self.wind is None else _wind(self.wind, base_dir),
            battery=None if self.battery is None else Battery(**self.battery.model_dump()),
            grid=GridConnection(**self.grid.model_dump()),
            unserved_usd_per_mwh=self.unserved_usd_per_mwh,
            life_years=self.life_years,
        )

    def supply_case(self, mining: MiningSite, base_dir: str | Path | None = None) -> SupplyCase:
        """The engine's view: the plant (miners at the fleet's full-run site draw by default),
        the gas price level and the plant's discount rate."""
        draw_mw = mining.fleet.power_mw / (1.0 - mining.overhead_frac)
        return SupplyCase(
            plant=self.plant(draw_mw, base_dir),
            henry_hub_usd_per_mmbtu=self.henry_hub_usd_per_mmbtu,
            discount_rate=self.discount_rate,
            gas_long_run_usd_per_mmbtu=self.henry_hub_long_run_usd_per_mmbtu,
            gas_reversion_per_year=self.henry_hub_reversion_per_year,
            gas_vol_per_year=self.henry_hub_vol_per_year,
            gas_power_corr=self.henry_hub_power_corr,
        )


def _path(text: str, field: str, base_dir: str | Path | None) -> Path:
    """A resource file: variables expanded, relative to ``base_dir`` (as ``[power] source``)."""
    p = Path(expand_variables(text, field=field))
    return p if p.is_absolute() or base_dir is None else Path(base_dir) / p


def _solar(c: SolarConfig, base_dir: str | Path | None) -> SolarPlant:
    f = c.irradiance_file
    res = None
    if f is not None:
        res = read_irradiance_file(_path(f, "generation.solar.irradiance_file", base_dir))
    return SolarPlant(**c.model_dump(exclude={"irradiance_file"}), irradiance=res)


def _wind(c: WindConfig, base_dir: str | Path | None) -> WindPlant:
    f = c.wind_speed_file
    res = None
    if f is not None:
        res = read_wind_speed_file(_path(f, "generation.wind.wind_speed_file", base_dir))
    return WindPlant(**c.model_dump(exclude={"wind_speed_file"}), wind_speed=res)
