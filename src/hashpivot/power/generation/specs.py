"""Generation and storage behind the meter: the plant as plain frozen dataclasses, each checked
on construction (one :class:`~hashpivot.errors.InputError` per bad input).

Units: MW (AC at the meter), MWh, MMBtu/MWh, USD. Costs and defaults: config/parameters.csv
(``generation.*`` rows) and docs/methodology.md, "Own generation".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from hashpivot.errors import InputError
from hashpivot.types import FloatArray

__all__ = [
    "Battery",
    "GasPlant",
    "GridConnection",
    "HourlyResource",
    "SitePlant",
    "SolarPlant",
    "WindPlant",
]


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class HourlyResource:
    """A measured hourly resource series (irradiance or wind speed) from a file.

    hours_utc : hour starts, UTC, strictly increasing (datetime64[s])
    columns : the series by name (``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2``; ``wind_speed_m_s``)
    source : the file it came from (for messages)
    """

    hours_utc: npt.NDArray[np.datetime64]
    columns: dict[str, FloatArray]
    source: str


def _nonneg(name: str, value: float, unit: str) -> None:
    if not value >= 0.0:  # NaN fails too
        raise InputError(name, value, f"a number >= 0 ({unit})")


def _frac(name: str, value: float, *, open_low: bool = False) -> None:
    ok = (0.0 < value <= 1.0) if open_low else (0.0 <= value <= 1.0)
    if not ok:
        raise InputError(
            name, value, "a fraction in (0, 1]" if open_low else "a fraction in [0, 1]"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GasPlant:
    """Gas turbines or reciprocating engines.

    capacity_mw : nameplate of all units [MW]; units : how many (N+1: one is the spare)
    heat_rate_mmbtu_per_mwh : fuel per MWh [MMBtu/MWh] (recips ~8.5, aeroderivatives ~9.5)
    vom_usd_per_mwh, fom_usd_per_kw_year : variable and fixed O&M
    availability_frac : share of nameplate available in an hour (forced and planned outages)
    capex_usd_per_kw, build_months : overnight cost and construction time
    emission_factor_tco2_per_mmbtu : 0.05306 t/MMBtu (EPA 40 CFR 98 Table C-1, natural gas)
    carbon_usd_per_tco2 : an optional emissions cost [USD/tCO2]
    basis_usd_per_mmbtu : the site's gas price less Henry Hub (Waha basis) [USD/MMBtu]
    """

    capacity_mw: float
    units: int = 4
    heat_rate_mmbtu_per_mwh: float = 8.8
    vom_usd_per_mwh: float = 5.0
    fom_usd_per_kw_year: float = 20.0
    availability_frac: float = 0.95
    capex_usd_per_kw: float = 1_500.0
    build_months: int = 18
    emission_factor_tco2_per_mmbtu: float = 0.05306
    carbon_usd_per_tco2: float = 0.0
    basis_usd_per_mmbtu: float = 0.0

    def __post_init__(self) -> None:
        _nonneg("generation.gas.capacity_mw", self.capacity_mw, "MW")
        if not self.heat_rate_mmbtu_per_mwh > 0.0:
            raise InputError(
                "generation.gas.heat_rate_mmbtu_per_mwh",
                self.heat_rate_mmbtu_per_mwh,
                "a number > 0 (MMBtu/MWh)",
            )
        if self.units < 1:
            raise InputError("generation.gas.units", self.units, "an integer >= 1")
        _frac("generation.gas.availability_frac", self.availability_frac)

    @property
    def firm_mw(self) -> float:
        """Capacity with the largest unit out (N+1) [MW]."""
        return self.capacity_mw * (self.units - 1) / self.units

    def marginal_cost_usd_per_mwh(self, gas_usd_per_mmbtu: float) -> float:
        """Fuel (Henry Hub + basis) x heat rate + carbon + VOM [USD/MWh]."""
        fuel = gas_usd_per_mmbtu + self.basis_usd_per_mmbtu
        carbon = self.emission_factor_tco2_per_mmbtu * self.carbon_usd_per_tco2
        return self.heat_rate_mmbtu_per_mwh * (fuel + carbon) + self.vom_usd_per_mwh


@dataclass(frozen=True, slots=True, kw_only=True)
class SolarPlant:
    """A fixed-tilt PV field (pvlib clear sky x a cloudiness process).

    capacity_mwac, dc_ac_ratio : inverter MW and DC/AC ratio; degradation_frac_per_year
    latitude_deg, longitude_deg : site [degrees]; tilt_deg defaults to the latitude
    capex_usd_per_wac, fom_usd_per_kw_year : costs
    irradiance : measured hourly GHI (or GHI/DNI/DHI) replacing clear sky x cloudiness
    single_axis_tracking : modules on north-south single-axis trackers (else fixed tilt)
    """

    capacity_mwac: float
    latitude_deg: float = 31.9
    longitude_deg: float = -102.1
    dc_ac_ratio: float = 1.3
    degradation_frac_per_year: float = 0.005
    capex_usd_per_wac: float = 1.2
    fom_usd_per_kw_year: float = 20.0
    single_axis_tracking: bool = False
    irradiance: HourlyResource | None = None

    def __post_init__(self) -> None:
        _nonneg("generation.solar.capacity_mwac", self.capacity_mwac, "MWac")
        if not -90.0 <= self.latitude_deg <= 90.0:
            raise InputError("generation.solar.latitude_deg", self.latitude_deg, "[-90, 90] deg")
        if not -180.0 <= self.longitude_deg <= 180.0:
            raise InputError(
                "generation.solar.longitude_deg", self.longitude_deg, "[-180, 180] deg"
            )
        if not 0.5 <= self.dc_ac_ratio <= 2.0:
            raise InputError("generation.solar.dc_ac_ratio", self.dc_ac_ratio, "[0.5, 2]")


@dataclass(frozen=True, slots=True, kw_only=True)
class WindPlant:
    """Wind turbines on a generic power curve (docs/methodology.md) and a Weibull wind series.

    capacity_mw : nameplate [MW]; weibull_k, weibull_c_m_s : shape and scale of hub-height
    wind speed [-, m/s]; capex_usd_per_kw, fom_usd_per_kw_year : costs
    wind_speed : measured hourly hub-height speeds replacing the Weibull series
    """

    capacity_mw: float
    weibull_k: float = 2.2
    weibull_c_m_s: float = 8.5
    capex_usd_per_kw: float = 1_500.0
    fom_usd_per_kw_year: float = 40.0
    wind_speed: HourlyResource | None = None

    def __post_init__(self) -> None:
        _nonneg("generation.wind.capacity_mw", self.capacity_mw, "MW")


@dataclass(frozen=True, slots=True, kw_only=True)
class Battery:
    """A battery: power, energy, round-trip efficiency and a cycle limit.

    power_mw, energy_mwh : ratings; round_trip_efficiency_frac : in (0, 1]
    max_cycles_per_day : full-equivalent discharges a day; capex per kW and per kWh
    """

    power_mw: float
    energy_mwh: float
    round_trip_efficiency_frac: float = 0.86
    max_cycles_per_day: float = 1.0
    capex_usd_per_kw: float = 300.0
    capex_usd_per_kwh: float = 250.0
    fom_usd_per_kw_year: float = 10.0

    def __post_init__(self) -> None:
        _nonneg("generation.battery.power_mw", self.power_mw, "MW")
        _nonneg("generation.battery.energy_mwh", self.energy_mwh, "MWh")
        _frac(
            "generation.battery.round_trip_efficiency_frac",
            self.round_trip_efficiency_frac,
            open_low=True,
        )
        _nonneg("generation.battery.max_cycles_per_day", self.max_cycles_per_day, "cycles/day")


@dataclass(frozen=True, slots=True, kw_only=True)
class GridConnection:
    """The site's interconnection: import and export limits [MW] and a delivery adder on
    imports [USD/MWh]; both trade at the hourly ISO price (hashpivot.power.prices)."""

    import_limit_mw: float = 0.0
    export_limit_mw: float = 0.0
    import_adder_usd_per_mwh: float = 0.0

    def __post_init__(self) -> None:
        _nonneg("generation.grid.import_limit_mw", self.import_limit_mw, "MW")
        _nonneg("generation.grid.export_limit_mw", self.export_limit_mw, "MW")


@dataclass(frozen=True, slots=True, kw_only=True)
class SitePlant:
    """The site as a one-bus energy system.

    ai_load_mw : the firm AI tenant [MW]; mining_mw : the flexible miners' draw at full run [MW]
    gas, solar, wind, battery : owned plant (None: none); grid : the connection
    unserved_usd_per_mwh : value of lost load, the penalty on unserved AI energy [USD/MWh]
    life_years : economic life of the plant [years]
    """

    ai_load_mw: float
    mining_mw: float
    gas: GasPlant | None = None
    solar: SolarPlant | None = None
    wind: WindPlant | None = None
    battery: Battery | None = None
    grid: GridConnection = field(default_factory=GridConnection)
    unserved_usd_per_mwh: float = 5_000.0
    life_years: int = 20

    def __post_init__(self) -> None:
        _nonneg("generation.ai_load_mw", self.ai_load_mw, "MW")
        _nonneg("generation.mining_mw", self.mining_mw, "MW")

    @property
    def capex_usd(self) -> float:
        """Overnight capital of the owned plant [USD]."""
        total = 0.0
        if self.gas is not None:
            total += self.gas.capacity_mw * 1e3 * self.gas.capex_usd_per_kw
        if self.solar is not None:
            total += self.solar.capacity_mwac * 1e6 * self.solar.capex_usd_per_wac
        if self.wind is not None:
            total += self.wind.capacity_mw * 1e3 * self.wind.capex_usd_per_kw
        if self.battery is not None:
            b = self.battery
            total += (
                b.power_mw * 1e3 * b.capex_usd_per_kw + b.energy_mwh * 1e3 * b.capex_usd_per_kwh
            )
        return total

    @property
    def fom_usd_per_year(self) -> float:
        """Fixed O&M of the owned plant [USD/year]."""
        total = 0.0
        if self.gas is not None:
            total += self.gas.capacity_mw * 1e3 * self.gas.fom_usd_per_kw_year
        if self.solar is not None:
            total += self.solar.capacity_mwac * 1e3 * self.solar.fom_usd_per_kw_year
        if self.wind is not None:
            total += self.wind.capacity_mw * 1e3 * self.wind.fom_usd_per_kw_year
        if self.battery is not None:
            total += self.battery.power_mw * 1e3 * self.battery.fom_usd_per_kw_year
        return total

    @property
    def capacity_kw(self) -> float:
        """Generating capacity (gas + solar AC + wind) [kW], the $/kW denominator."""
        mw = (
            (self.gas.capacity_mw if self.gas else 0.0)
            + (self.solar.capacity_mwac if self.solar else 0.0)
            + (self.wind.capacity_mw if self.wind else 0.0)
        )
        return mw * 1e3


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplyCase:
    """Own generation as the engine sees it: the plant, the gas price level and the plant's
    discount rate (the ``[generation]`` table of a site file).

    henry_hub_usd_per_mmbtu : gas price level today [USD/MMBtu]; on Monte Carlo paths the
        fitted gas process starts from it (hashpivot.market.gas, docs/methodology.md)
    discount_rate : the plant's rate (annualised capital in sizing, its NPV) [fraction/year]
    gas_long_run_usd_per_mmbtu, gas_reversion_per_year, gas_vol_per_year, gas_power_corr :
        the site's overrides of the fitted gas process (None: the fit's; ``[generation]``
        henry_hub_long_run_usd_per_mmbtu, _reversion_per_year, _vol_per_year, _power_corr)
    """

    plant: SitePlant
    henry_hub_usd_per_mmbtu: float = 3.52
    discount_rate: float = 0.08
    gas_long_run_usd_per_mmbtu: float | None = None
    gas_reversion_per_year: float | None = None
    gas_vol_per_year: float | None = None
    gas_power_corr: float | None = None
