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

Defaults, bounds and sources: config/parameters.csv (docs/site-file.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, model_validator

from hashpivot.config.parameters import field, item_field
from hashpivot.errors import InputError
from hashpivot.power.dispatch import (
    CoincidentPeakTerms,
    DispatchPolicy,
    PowerPayer,
    PpaTerms,
    RunConstraints,
    SiteDispatchSpec,
)
from hashpivot.power.prices import Market

__all__ = ["FourCpConfig", "PowerConfig", "PpaConfig", "expand_variables"]

SHARED_DATA_ENV = "HASHPIVOT_SHARED_DATA"
_REPO_SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def _variable_value(name: str) -> str | None:
    """The value of one environment variable; the shared data folder beside the checkout
    for an unset ``HASHPIVOT_SHARED_DATA`` (where that folder exists)."""
    value = os.environ.get(name)
    if value and name == SHARED_DATA_ENV:  # a folder: a relative value is from the cwd
        return str(Path(value).resolve())
    if value:
        return value
    if name == SHARED_DATA_ENV and _REPO_SHARED_DATA.is_dir():
        return str(_REPO_SHARED_DATA)
    return None


def expand_variables(text: str, *, field: str) -> str:
    """``text`` with ``$NAME`` and ``${NAME}`` replaced by the environment's values; an unset
    (or empty) variable is one InputError naming it, never a path left with ``$`` in it."""
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        value = _variable_value(name)
        if value is None:
            missing.append(name)
            return m.group(0)
        return value

    out = _VARIABLE.sub(sub, text)
    if missing:
        raise InputError(
            field,
            text,
            "a path whose environment variables are set (not set: " + ", ".join(missing) + ")",
        )
    return out


_STRICT = ConfigDict(extra="forbid", frozen=True)


class PpaConfig(BaseModel):
    """``[power.ppa]``: fixed-price take-or-pay contract; unused power resold at real time."""

    model_config = _STRICT
    contract_mw: float = field("power.ppa.contract_mw")
    price_usd_per_mwh: float = field("power.ppa.price_usd_per_mwh")

    def terms(self) -> PpaTerms:
        return PpaTerms(contract_mw=self.contract_mw, price_usd_per_mwh=self.price_usd_per_mwh)


class FourCpConfig(BaseModel):
    """``[power.fourcp]``: curtail in the likely ERCOT 4CP intervals (June-September).

    Defaults: the four 4CP months (PUCT 16 TAC 25.192); window 15:00-19:00 CDT and 5 days a
    month are assumptions (see docs/methodology.md).
    """

    model_config = _STRICT
    months: list[Annotated[int, item_field("power.fourcp.months")]] = field("power.fourcp.months")
    peak_days_per_month: int = field("power.fourcp.peak_days_per_month")
    window_start_hour_local: int = field("power.fourcp.window_start_hour_local")
    window_hours: int = field("power.fourcp.window_hours")

    @model_validator(mode="after")
    def _check(self) -> FourCpConfig:
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


def _f(name: str) -> Any:
    return field(f"power.{name}")


class PowerConfig(BaseModel):
    """How the site buys power.

    ``price_usd_per_mwh`` is the all-in fixed price (energy + delivery) [USD/MWh] that the site
    pays for every MWh it consumes when no hourly price ``source`` is named. With a source, the
    hourly price + ``adder_usd_per_mwh`` is paid instead and ``dispatch`` decides when the
    miners run.
    """

    model_config = _STRICT

    price_usd_per_mwh: float = _f("price_usd_per_mwh")
    source: str | None = _f("source")
    location: str | None = _f("location")
    market: Market = _f("market")
    year: int | None = _f("year")
    adder_usd_per_mwh: float = _f("adder_usd_per_mwh")
    dispatch: DispatchPolicy = _f("dispatch")
    min_run_hours: float = _f("min_run_hours")
    min_down_hours: float = _f("min_down_hours")
    ramp_frac_per_hour: float = _f("ramp_frac_per_hour")
    ppa: PpaConfig | None = _f("ppa")
    fourcp: FourCpConfig | None = _f("fourcp")
    ai_load_mw: float = _f("ai_load_mw")
    ai_power_paid_by: PowerPayer = _f("ai_power_paid_by")

    @model_validator(mode="after")
    def _source_needs_location(self) -> PowerConfig:
        if self.source is not None and self.location is None:
            raise ValueError("a location (e.g. HB_WEST) with source")
        if self.source is None and (self.ppa is not None or self.fourcp is not None):
            raise ValueError("an hourly price source with [power.ppa] or [power.fourcp]")
        return self

    def source_path(self, base_dir: str | Path | None = None) -> Path | None:
        """The price file: environment variables (``$NAME``, ``${NAME}``) expanded, then a
        relative path taken from ``base_dir`` (the site file's folder), never from the
        current directory.

        ``${HASHPIVOT_SHARED_DATA}`` (a relative value is taken from the current directory)
        unset falls back to the shared data folder beside the repository
        (``../shared/data`` of the checkout) where it exists. Any other variable
        that is not set is one :class:`~hashpivot.errors.InputError` naming it.
        """
        if self.source is None:
            return None
        p = Path(expand_variables(self.source, field="power.source"))
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
