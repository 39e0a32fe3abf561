"""The site file (TOML): validation at the edge, then plain frozen dataclasses inside.

A bad file gives one :class:`~hashpivot.errors.InputError` naming the field, the value and what
is allowed; the CLI prints it and exits 2. Every key's type, unit, default, bounds and source is
a row of config/parameters.csv (docs/site-file.md is generated from it).

The file is read once into :class:`SiteFile`; its builders give the core types of the three
paths (:meth:`SiteFile.mining_site`, :meth:`SiteFile.lease_case`, :meth:`SiteFile.gpu_case`).
This module imports config.lease and config.gpu_cloud, never the reverse.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hashpivot.config.catalogue import find_asic
from hashpivot.config.conversion import ConversionConfig
from hashpivot.config.errors import first_input_error
from hashpivot.config.files import read_toml
from hashpivot.config.generation import GenerationConfig
from hashpivot.config.gpu_cloud import (
    GpuCloudCase,
    GpuCloudConfig,
    build_gpu_case,
    parse_gpu_cloud_file,
)
from hashpivot.config.lease import (
    LeaseCase,
    LeaseConfig,
    SiteInfo,
    build_lease_case,
    parse_lease_file,
)
from hashpivot.config.market import MarketTable
from hashpivot.config.parameters import field
from hashpivot.config.power import PowerConfig
from hashpivot.config.scenario import ScenarioTable
from hashpivot.errors import InputError
from hashpivot.mining.fleet import Fleet, FleetLine, asic_power_available_mw
from hashpivot.mining.projection import MiningSite

_STRICT = ConfigDict(extra="forbid", frozen=True)


def _f(name: str) -> Any:
    return field(name)


class SiteTable(BaseModel):
    """``[site]``: the place and the money frame."""

    model_config = _STRICT
    name: str = _f("site.name")
    capacity_mw: float = _f("site.capacity_mw")
    overhead_frac: float = _f("site.overhead_frac")
    start: date = _f("site.start")
    horizon_months: int = _f("site.horizon_months")
    discount_rate: float = _f("site.discount_rate")


class FleetEntry(BaseModel):
    """``[[fleet]]``: a catalogue model and a count, or a custom machine, or a block of TH/s."""

    model_config = _STRICT
    model: str | None = _f("fleet.model")
    name: str | None = _f("fleet.name")
    count: int | None = _f("fleet.count")
    hashrate_th_s: float | None = _f("fleet.hashrate_th_s")
    efficiency_j_per_th: float | None = _f("fleet.efficiency_j_per_th")

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
    uptime_frac: float = _f("mining.uptime_frac")
    pool_fee_frac: float = _f("mining.pool_fee_frac")
    opex_usd_per_month: float = _f("mining.opex_usd_per_month")
    asic_price_usd_per_th: float = _f("mining.asic_price_usd_per_th")
    degradation_frac_per_year: float = _f("mining.degradation_frac_per_year")
    buy_fleet: bool = _f("mining.buy_fleet")
    shutdown_when_unprofitable: bool = _f("mining.shutdown_when_unprofitable")
    refresh_month: int | None = _f("mining.refresh_month")
    refresh_model: str | None = _f("mining.refresh_model")
    refresh_efficiency_j_per_th: float | None = _f("mining.refresh_efficiency_j_per_th")
    scenario: Literal["bear", "base", "bull"] = _f("mining.scenario")

    @model_validator(mode="after")
    def _refresh(self) -> MiningTable:
        chosen = (self.refresh_model is not None) + (self.refresh_efficiency_j_per_th is not None)
        if self.refresh_month is None and chosen:
            raise ValueError("refresh_month with refresh_model or refresh_efficiency_j_per_th")
        if self.refresh_month is not None and chosen != 1:
            raise ValueError("one of refresh_model or refresh_efficiency_j_per_th")
        return self


class CompareTable(BaseModel):
    """``[compare]``: the strategies that are not described by other tables."""

    model_config = _STRICT
    sale_price_usd_per_mw: float = _f("compare.sale_price_usd_per_mw")
    sale_months_to_close: int = _f("compare.sale_months_to_close")
    sale_cost_frac: float = _f("compare.sale_cost_frac")
    split_lease_frac: float = _f("compare.split_lease_frac")


#: the tables of the AI paths, valued on their documented defaults when a site file lacks them
AI_TABLES = ("conversion", "lease", "gpu_cloud")

#: where the defaults of a missing AI table come from (each key's source: parameters.csv)
DEFAULT_TABLE_SOURCES = {
    "conversion": "PUE 1.2, 18 months, $2.0M shell + $7.64M fit-out per IT MW: Morgan Stanley "
    "2025-09-21 reconstruction, market-facts.md",
    "lease": "$82/kW-month NNN, 15 years, +3%/yr, cap rate 6.5%, hyperscaler: Morgan Stanley "
    "2025-09-21 hyperscaler reconstruction, market-facts.md",
    "gpu_cloud": "H100 merchant at the catalogue's terms: config/catalogue/gpu.csv, "
    "market-facts.md late 2025",
}


class SiteFile(BaseModel):
    """The whole site file: one sub-model per table, each with its builder of core types.

    Read once (:func:`load_site`); :meth:`mining_site`, :meth:`lease_case` and :meth:`gpu_case`
    build the three paths. A file without ``[conversion]``, ``[lease]`` or ``[gpu_cloud]`` is
    valued on those tables' documented defaults (:attr:`defaulted_tables`).
    """

    model_config = _STRICT
    site: SiteTable
    power: PowerConfig
    fleet: list[FleetEntry] = Field(min_length=1, max_length=1000)
    mining: MiningTable = MiningTable()
    lease: LeaseConfig | None = None
    gpu_cloud: GpuCloudConfig | None = None
    conversion: ConversionConfig | None = None
    compare: CompareTable = CompareTable()
    market: MarketTable = MarketTable()
    scenario: ScenarioTable | None = None
    generation: GenerationConfig | None = None

    @property
    def defaulted_tables(self) -> tuple[str, ...]:
        """The AI tables the file lacks, in :data:`AI_TABLES` order."""
        return tuple(t for t in AI_TABLES if getattr(self, t) is None)

    def lease_config(self) -> LeaseConfig:
        """``[lease]``, else the default lease (Morgan Stanley hyperscaler reconstruction)."""
        return self.lease if self.lease is not None else LeaseConfig()

    def gpu_config(self) -> GpuCloudConfig:
        """``[gpu_cloud]``, else the default (an H100 merchant cloud from the catalogue)."""
        return self.gpu_cloud if self.gpu_cloud is not None else GpuCloudConfig()

    def conversion_config(self) -> ConversionConfig:
        """``[conversion]``, else the default (PUE 1.2, 18 months, $9.64M per IT MW)."""
        return self.conversion if self.conversion is not None else ConversionConfig()

    def frame(self) -> SiteInfo:
        """The site's name, gross MW, start, horizon and rate, as the AI paths read them."""
        s = self.site
        return SiteInfo(
            name=s.name,
            capacity_mw=s.capacity_mw,
            start=s.start,
            horizon_months=s.horizon_months,
            discount_rate=s.discount_rate,
        )

    def lease_case(self, source: str) -> LeaseCase:
        """The lease path (``[lease]`` or its defaults) on this site."""
        tables = tuple(t for t in self.defaulted_tables if t != "gpu_cloud")
        return build_lease_case(
            self.frame(),
            self.power.price_usd_per_mwh,
            self.lease_config(),
            self.conversion_config(),
            source,
            defaulted=tables,
        )

    def gpu_case(self, source: str) -> GpuCloudCase:
        """The GPU cloud path (``[gpu_cloud]`` or its defaults) on this site."""
        tables = tuple(t for t in self.defaulted_tables if t != "lease")
        return build_gpu_case(
            self.frame(),
            self.power.price_usd_per_mwh,
            self.gpu_config(),
            self.conversion_config(),
            source,
            defaulted=tables,
            hall_lease=self.lease_config(),
            market=self.market,
        )

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

    def mining_site(self, source: str | None = None) -> MiningSite:
        """The validated :class:`MiningSite`; checks that the fleet fits the site's power.

        Raises :class:`InputError` (naming ``source``) when it does not.
        """
        try:
            return self._mining_site()
        except InputError as exc:
            raise InputError(exc.field, exc.value, exc.allowed, source=source) from None

    def _mining_site(self) -> MiningSite:
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
    return load_site(path).mining_site(source=str(path))


def is_site_file(data: dict[str, Any]) -> bool:
    """A full site file has ``[fleet]`` or ``[mining]``; else a standalone lease/GPU file."""
    return "fleet" in data or "mining" in data


def load_lease_file(path: str | Path) -> LeaseCase:
    """Read a lease file, or a site file (its ``[lease]``, or the default lease without one).

    Raises :class:`InputError` naming the file, the field, the value and what is allowed.
    """
    src = str(path)
    data = read_toml(path)
    if is_site_file(data):
        return parse_site(data, source=src).lease_case(src)
    return parse_lease_file(data, src)


def load_gpu_cloud_file(path: str | Path) -> GpuCloudCase:
    """Read a GPU cloud file, or a site file (its ``[gpu_cloud]``, or the default H100)."""
    src = str(path)
    data = read_toml(path)
    if is_site_file(data):
        return parse_site(data, source=src).gpu_case(src)
    return parse_gpu_cloud_file(data, src)
