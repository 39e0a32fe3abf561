"""The site file (TOML): validation at the edge, then plain frozen dataclasses inside.

A bad file gives one :class:`~hashpivot.errors.InputError` naming the field, the value and what
is allowed; the CLI prints it and exits 2. See docs/site-file.md for every key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hashpivot.config.catalogue import find_asic
from hashpivot.config.conversion import ConversionConfig
from hashpivot.config.errors import first_input_error
from hashpivot.config.files import read_toml
from hashpivot.config.gpu_cloud import GpuCloudConfig
from hashpivot.config.lease import LeaseConfig
from hashpivot.config.market import MarketTable
from hashpivot.config.power import PowerConfig
from hashpivot.errors import InputError
from hashpivot.mining.fleet import Fleet, FleetLine, asic_power_available_mw
from hashpivot.mining.projection import MiningSite

_STRICT = ConfigDict(extra="forbid", frozen=True)

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class SiteTable(BaseModel):
    """``[site]``: the place and the money frame."""

    model_config = _STRICT
    name: str = Field(min_length=1)
    capacity_mw: float = Field(gt=0, le=10_000, allow_inf_nan=False, description="Gross MW")
    overhead_frac: float = Field(
        default=0.05, ge=0, lt=1, description="Cooling/aux/losses share of the site draw"
    )
    start: date
    horizon_months: int = Field(default=60, ge=1, le=600)
    discount_rate: float = Field(default=0.12, gt=-1, le=1, allow_inf_nan=False)


class FleetEntry(BaseModel):
    """``[[fleet]]``: a catalogue model and a count, or a custom machine, or a block of TH/s."""

    model_config = _STRICT
    model: str | None = Field(default=None, description="ASIC catalogue model name")
    name: str | None = Field(default=None, description="Label for a custom line")
    count: int | None = Field(default=None, ge=1, le=10_000_000)
    hashrate_th_s: PositiveFloat | None = Field(
        default=None, description="Per machine with count, else the line's total [TH/s]"
    )
    efficiency_j_per_th: float | None = Field(default=None, gt=0, le=1000, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_way(self) -> FleetEntry:
        if self.model is not None:
            if self.count is None:
                raise ValueError("a count (machines) with model")
            if self.hashrate_th_s is not None or self.efficiency_j_per_th is not None:
                raise ValueError("either model + count, or hashrate_th_s + efficiency_j_per_th")
        elif self.hashrate_th_s is None or self.efficiency_j_per_th is None:
            raise ValueError("model + count, or hashrate_th_s + efficiency_j_per_th (+ count)")
        return self


class MiningTable(BaseModel):
    """``[mining]``: how the fleet is run and what it costs besides power."""

    model_config = _STRICT
    uptime_frac: float = Field(default=0.97, gt=0, le=1)
    pool_fee_frac: float = Field(default=0.02, ge=0, lt=1)
    opex_usd_per_month: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    asic_price_usd_per_th: float = Field(default=15.0, ge=0, le=1000, allow_inf_nan=False)
    degradation_frac_per_year: float = Field(default=0.03, ge=0, lt=1)
    buy_fleet: bool = False
    shutdown_when_unprofitable: bool = True
    refresh_month: int | None = Field(default=None, ge=1, le=600, description="Months from start")
    refresh_model: str | None = Field(default=None, description="Catalogue model of the refresh")
    refresh_efficiency_j_per_th: float | None = Field(default=None, gt=0, le=1000)

    @model_validator(mode="after")
    def _refresh(self) -> MiningTable:
        chosen = (self.refresh_model is not None) + (self.refresh_efficiency_j_per_th is not None)
        if self.refresh_month is None and chosen:
            raise ValueError("refresh_month with refresh_model or refresh_efficiency_j_per_th")
        if self.refresh_month is not None and chosen != 1:
            raise ValueError("one of refresh_model or refresh_efficiency_j_per_th")
        return self

    scenario: str = Field(default="base", pattern="^(bear|base|bull)$")


class CompareTable(BaseModel):
    """``[compare]``: the strategies that are not described by other tables."""

    model_config = _STRICT
    sale_price_usd_per_mw: float = Field(
        default=400_000.0,
        ge=0,
        le=50e6,
        allow_inf_nan=False,
        description="Powered land [USD/MW] (B. Riley $0.4-0.55M/MW, market-facts.md)",
    )
    sale_months_to_close: int = Field(default=6, ge=0, le=60)
    sale_cost_frac: float = Field(default=0.02, ge=0, lt=1)
    split_lease_frac: float = Field(default=0.5, gt=0, lt=1)


class SiteFile(BaseModel):
    """The whole site file."""

    model_config = _STRICT
    site: SiteTable
    power: PowerConfig
    fleet: list[FleetEntry] = Field(min_length=1)
    mining: MiningTable = MiningTable()
    lease: LeaseConfig | None = None
    gpu_cloud: GpuCloudConfig | None = None
    conversion: ConversionConfig | None = None
    compare: CompareTable = CompareTable()
    market: MarketTable = MarketTable()

    def build_fleet(self) -> Fleet:
        """Resolve catalogue names; one line per entry."""
        lines = []
        for i, entry in enumerate(self.fleet):
            if entry.model is not None:
                asic = find_asic(entry.model, field=f"fleet[{i}].model")
                assert entry.count is not None
                lines.append(
                    FleetLine(
                        name=asic.model,
                        count=entry.count,
                        hashrate_th_s=asic.hashrate_th_s,
                        power_w=asic.power_w,
                    )
                )
            else:
                assert entry.hashrate_th_s is not None and entry.efficiency_j_per_th is not None
                count = entry.count or 1
                lines.append(
                    FleetLine(
                        name=entry.name or f"custom {entry.efficiency_j_per_th:g} J/TH",
                        count=count,
                        hashrate_th_s=entry.hashrate_th_s,
                        power_w=entry.hashrate_th_s * entry.efficiency_j_per_th,
                    )
                )
        return Fleet.of(lines)

    def _refresh_efficiency(self) -> float | None:
        m = self.mining
        if m.refresh_model is not None:
            return find_asic(m.refresh_model, field="mining.refresh_model").efficiency_j_per_th
        return m.refresh_efficiency_j_per_th

    def mining_site(self) -> MiningSite:
        """The validated :class:`MiningSite`; checks that the fleet fits the site's power."""
        fleet = self.build_fleet()
        ai_mw = self.power.ai_load_mw
        if ai_mw >= self.site.capacity_mw:
            raise InputError(
                "power.ai_load_mw", ai_mw, f"less than capacity_mw {self.site.capacity_mw:g}"
            )
        available = asic_power_available_mw(self.site.capacity_mw - ai_mw, self.site.overhead_frac)
        if fleet.power_mw > available * (1 + 1e-9):
            ai = f" - ai_load_mw {ai_mw:g}" if ai_mw else ""
            raise InputError(
                "fleet",
                f"{fleet.power_mw:.2f} MW of ASICs",
                f"at most {available:.2f} MW ((capacity_mw {self.site.capacity_mw:g}{ai}) x "
                f"(1 - overhead_frac {self.site.overhead_frac:g}))",
            )
        return MiningSite(
            name=self.site.name,
            capacity_mw=self.site.capacity_mw,
            overhead_frac=self.site.overhead_frac,
            fleet=fleet,
            uptime_frac=self.mining.uptime_frac,
            pool_fee_frac=self.mining.pool_fee_frac,
            power_price_usd_per_mwh=self.power.price_usd_per_mwh,
            opex_usd_per_month=self.mining.opex_usd_per_month,
            degradation_frac_per_year=self.mining.degradation_frac_per_year,
            asic_price_usd_per_th=self.mining.asic_price_usd_per_th,
            buy_fleet=self.mining.buy_fleet,
            shutdown_when_unprofitable=self.mining.shutdown_when_unprofitable,
            refresh_month=self.mining.refresh_month,
            refresh_efficiency_j_per_th=self._refresh_efficiency(),
            start=self.site.start,
            horizon_months=self.site.horizon_months,
            discount_rate=self.site.discount_rate,
        )


def parse_site(data: dict[str, Any], *, source: str | None = None) -> SiteFile:
    """Validate a parsed site document; the first problem becomes an InputError."""
    try:
        return SiteFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise first_input_error(exc, source=source) from None


def load_site(path: str | Path) -> SiteFile:
    """Read and validate a site file."""
    return parse_site(read_toml(path), source=str(path))


def load_mining_site(path: str | Path) -> MiningSite:
    """Read a site file and return its validated mining site (fleet resolved and checked)."""
    site_file = load_site(path)
    try:
        return site_file.mining_site()
    except InputError as exc:
        raise InputError(exc.field, exc.value, exc.allowed, source=str(path)) from None
