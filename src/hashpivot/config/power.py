"""The ``[power]`` table of a site file (validated at the edge).

Minimal form (a fixed all-in price)::

    [power]
    price_usd_per_mwh = 45.0

With hourly prices, curtailment, a fixed-price contract with sell-back, 4CP and an AI tenant::

    [power]
    price_usd_per_mwh = 45.0          # used where no hourly source is named
    source = "prices/ercot_west_hourly.csv"   # CSV/Parquet, relative to the site file
    location = "HB_WEST"
    market = "RT"
    year = 2025                       # optional: one UTC year of history
    adder_usd_per_mwh = 5.0           # delivery charges on energy bought at the index
    dispatch = "curtail"              # flat | curtail
    min_run_hours = 0
    min_down_hours = 0
    ramp_frac_per_hour = 1.0
    ai_load_mw = 0.0                  # firm AI load beside the miners [MW at the meter]
    ai_power_paid_by = "tenant"       # tenant (pass-through) | landlord

    [power.ppa]
    contract_mw = 100.0
    price_usd_per_mwh = 40.0

    [power.fourcp]
    months = [6, 7, 8, 9]
    peak_days_per_month = 5
    window_start_hour_local = 15
    window_hours = 4

Defaults and their sources are in docs/methodology.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hashpivot.power.dispatch import (
    CoincidentPeakTerms,
    DispatchPolicy,
    PowerPayer,
    PpaTerms,
    RunConstraints,
    SiteDispatchSpec,
)
from hashpivot.power.prices import Market

__all__ = ["FourCpConfig", "PowerConfig", "PpaConfig"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class PpaConfig(BaseModel):
    """``[power.ppa]``: fixed-price take-or-pay contract; unused power resold at real time."""

    model_config = _STRICT
    contract_mw: float = Field(gt=0, le=10_000, allow_inf_nan=False, description="[MW]")
    price_usd_per_mwh: float = Field(
        ge=-1000.0, le=10_000.0, allow_inf_nan=False, description="Contract price [USD/MWh]"
    )

    def terms(self) -> PpaTerms:
        return PpaTerms(contract_mw=self.contract_mw, price_usd_per_mwh=self.price_usd_per_mwh)


class FourCpConfig(BaseModel):
    """``[power.fourcp]``: curtail in the likely ERCOT 4CP intervals (June-September).

    Defaults: the four 4CP months (PUCT 16 TAC 25.192); window 15:00-19:00 CDT and 5 days a
    month are assumptions (see docs/methodology.md).
    """

    model_config = _STRICT
    months: list[int] = Field(default=[6, 7, 8, 9], min_length=1, max_length=12)
    peak_days_per_month: int = Field(default=5, ge=1, le=31)
    window_start_hour_local: int = Field(default=15, ge=0, le=23)
    window_hours: int = Field(default=4, ge=1, le=24)

    @model_validator(mode="after")
    def _check(self) -> FourCpConfig:
        if any(not 1 <= m <= 12 for m in self.months):
            raise ValueError("months 1-12 in fourcp.months")
        if self.window_start_hour_local + self.window_hours > 24:
            raise ValueError("window_start_hour_local + window_hours <= 24 (one local day)")
        return self

    def terms(self) -> CoincidentPeakTerms:
        return CoincidentPeakTerms(
            months=tuple(self.months),
            peak_days_per_month=self.peak_days_per_month,
            window_start_hour_local=self.window_start_hour_local,
            window_hours=self.window_hours,
        )


class PowerConfig(BaseModel):
    """How the site buys power.

    ``price_usd_per_mwh`` is the all-in fixed price (energy + delivery) [USD/MWh] that the site
    pays for every MWh it consumes when no hourly price ``source`` is named. With a source, the
    hourly price + ``adder_usd_per_mwh`` is paid instead and ``dispatch`` decides when the
    miners run.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    price_usd_per_mwh: float = Field(
        ge=-1000.0, le=10000.0, description="All-in fixed power price [USD/MWh]"
    )
    source: str | None = Field(
        default=None, min_length=1, description="Hourly/15-min price file (CSV/Parquet)"
    )
    location: str | None = Field(default=None, min_length=1, description="e.g. HB_WEST")
    market: Market = Field(default=Market.RT, description="DAM or RT")
    year: int | None = Field(default=None, ge=2000, le=2100, description="UTC year of history")
    adder_usd_per_mwh: float = Field(
        default=0.0, ge=-1000.0, le=1000.0, allow_inf_nan=False, description="[USD/MWh]"
    )
    dispatch: DispatchPolicy = Field(default=DispatchPolicy.FLAT, description="flat | curtail")
    min_run_hours: float = Field(default=0.0, ge=0.0, le=168.0, allow_inf_nan=False)
    min_down_hours: float = Field(default=0.0, ge=0.0, le=168.0, allow_inf_nan=False)
    ramp_frac_per_hour: float = Field(default=1.0, gt=0.0, le=1.0, allow_inf_nan=False)
    ppa: PpaConfig | None = None
    fourcp: FourCpConfig | None = None
    ai_load_mw: float = Field(default=0.0, ge=0.0, le=10_000.0, allow_inf_nan=False)
    ai_power_paid_by: PowerPayer = Field(default=PowerPayer.TENANT)

    @model_validator(mode="after")
    def _source_needs_location(self) -> PowerConfig:
        if self.source is not None and self.location is None:
            raise ValueError("a location (e.g. HB_WEST) with source")
        if self.source is None and (self.ppa is not None or self.fourcp is not None):
            raise ValueError("an hourly price source with [power.ppa] or [power.fourcp]")
        return self

    def source_path(self, base_dir: str | Path | None = None) -> Path | None:
        """The price file, relative paths taken from ``base_dir`` (the site file's folder).

        ``${HASHPIVOT_SHARED_DATA}`` in the path is the shared data folder: the environment
        variable, else ``../shared/data`` from the current directory.
        """
        if self.source is None:
            return None
        shared = os.environ.get("HASHPIVOT_SHARED_DATA") or str(Path("../shared/data").resolve())
        p = Path(self.source.replace("${HASHPIVOT_SHARED_DATA}", shared))
        return p if p.is_absolute() or base_dir is None else Path(base_dir) / p

    def constraints(self, interval_minutes: int = 60) -> RunConstraints:
        """Run constraints in intervals of the price series."""
        return RunConstraints.from_hours(
            interval_minutes=interval_minutes,
            min_run_hours=self.min_run_hours,
            min_down_hours=self.min_down_hours,
            ramp_frac_per_hour=self.ramp_frac_per_hour,
        )

    def site_spec(self, mining_mw: float, *, interval_minutes: int = 60) -> SiteDispatchSpec:
        """The core dispatch spec for a mining load of ``mining_mw`` [MW]."""
        return SiteDispatchSpec(
            mining_mw=mining_mw,
            ai_load_mw=self.ai_load_mw,
            policy=self.dispatch,
            constraints=self.constraints(interval_minutes),
            ppa=None if self.ppa is None else self.ppa.terms(),
            fourcp=None if self.fourcp is None else self.fourcp.terms(),
            ai_power_paid_by=self.ai_power_paid_by,
            adder_usd_per_mwh=self.adder_usd_per_mwh,
        )
