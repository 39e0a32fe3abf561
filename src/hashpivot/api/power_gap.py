"""The power-gap job: the US data-center power gap by year (the dated defaults, or the user's
numbers from a TOML file), and the link of that gap to the Monte Carlo rent process.

User file::

    [power_gap]
    source = "my own view"            # where the numbers come from (required)
    as_of = 2025-12-01                # their date (required)
    years = [2026, 2027, 2028]
    demand_gw = [20, 40, 65]          # cumulative from the start of the first year [GW]
    grid_gw = [5, 10, 15]
    under_construction_gw = [2, 4, 6]
    rent_gap_elasticity = 0.5         # optional: the rent link (docs/methodology.md)

    [[power_gap.block]]               # optional supply blocks
    name = "gas turbines"
    gw = 17.5
    low_gw = 15
    high_gw = 20
    online_year = 2028
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hashpivot.config.errors import first_input_error
from hashpivot.config.files import read_toml
from hashpivot.engine.strategies import CompareCase
from hashpivot.market.power_gap import (
    DEFAULT_INPUTS,
    RENT_GAP_ELASTICITY,
    RENT_REF_USD_PER_KW_MONTH,
    SOURCE_ROUNDED_GAP_GW,
    GapRentDraw,
    PowerGap,
    PowerGapInputs,
    SupplyBlock,
    power_gap,
    rent_anchor_usd_per_kw_month,
)
from hashpivot.market.scenarios import MarketParams

__all__ = ["apply_power_gap", "load_power_gap", "power_gap_report", "with_gap_rent"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class _Block(BaseModel):
    model_config = _STRICT
    name: str = Field(min_length=1, max_length=100)
    gw: float = Field(ge=0, le=10_000)
    low_gw: float | None = Field(default=None, ge=0, le=10_000)
    high_gw: float | None = Field(default=None, ge=0, le=10_000)
    online_year: int = Field(ge=2000, le=2100)
    source: str | None = Field(default=None, max_length=500)


class _Table(BaseModel):
    model_config = _STRICT
    source: str = Field(min_length=1, max_length=500)
    as_of: date
    years: list[int] = Field(min_length=1, max_length=50)
    demand_gw: list[float] = Field(min_length=1, max_length=50)
    grid_gw: list[float] = Field(min_length=1, max_length=50)
    under_construction_gw: list[float] = Field(min_length=1, max_length=50)
    rent_gap_elasticity: float = Field(default=RENT_GAP_ELASTICITY, ge=0, le=10)
    block: list[_Block] = Field(default_factory=list, max_length=50)


class _File(BaseModel):
    model_config = _STRICT
    power_gap: _Table


def load_power_gap(path: str | Path) -> tuple[PowerGapInputs, float]:
    """A power-gap TOML file as inputs and the rent elasticity; one InputError if bad."""
    from hashpivot.errors import InputError

    src = str(path)
    try:
        t = _File.model_validate(read_toml(path)).power_gap
    except ValidationError as exc:
        raise first_input_error(exc, source=src) from None
    blocks = tuple(
        SupplyBlock(
            name=b.name,
            gw=b.gw,
            low_gw=b.gw if b.low_gw is None else b.low_gw,
            high_gw=b.gw if b.high_gw is None else b.high_gw,
            online_year=b.online_year,
            source=b.source or t.source,
            as_of=t.as_of,
        )
        for b in t.block
    )
    try:
        inputs = PowerGapInputs(
            years=tuple(t.years),
            demand_gw=tuple(t.demand_gw),
            grid_gw=tuple(t.grid_gw),
            construction_gw=tuple(t.under_construction_gw),
            source=t.source,
            as_of=t.as_of,
            blocks=blocks,
        )
    except InputError as exc:
        raise InputError(f"power_gap.{exc.field}", exc.value, exc.allowed, source=src) from None
    return inputs, t.rent_gap_elasticity


def with_gap_rent(
    params: MarketParams, gap: PowerGap, elasticity: float = RENT_GAP_ELASTICITY
) -> MarketParams:
    """``params`` with the rent process's long-run level set by the gap
    (:func:`hashpivot.market.power_gap.rent_anchor_usd_per_kw_month`, scaled from the
    reference $195 to the case's own long-run level)."""
    anchor = rent_anchor_usd_per_kw_month(gap.last_scarcity, elasticity=elasticity)
    level = params.rent.long_run_level * anchor / RENT_REF_USD_PER_KW_MONTH
    return replace(params, rent=replace(params.rent, long_run_level=level))


def apply_power_gap(
    case: CompareCase,
    inputs: PowerGapInputs = DEFAULT_INPUTS,
    elasticity: float = RENT_GAP_ELASTICITY,
    *,
    per_path: bool = False,
) -> CompareCase:
    """The case with its market's long-run rent anchored on the power gap of ``inputs``;
    ``per_path``: each Monte Carlo path on its own lognormal draw of the gap
    (:class:`hashpivot.market.power_gap.GapRentDraw`, at the case's long-run rent level and
    trend), drawn from each chunk's seed: the same seed, the same anchors."""
    gap = power_gap(inputs)
    if per_path:
        rent = case.market_params.rent
        draw = GapRentDraw(
            gap,
            level_usd_per_kw_month=rent.long_run_level,
            log_trend_per_year=rent.long_run_log_trend_per_year,
            elasticity=elasticity,
        )
        return replace(case, rent_anchor_draw=draw)
    return replace(case, market_params=with_gap_rent(case.market_params, gap, elasticity))


def power_gap_report(file: str | Path | None = None) -> dict[str, Any]:
    """The JSON object of ``hashpivot power-gap``."""
    inputs, elasticity = (
        (DEFAULT_INPUTS, RENT_GAP_ELASTICITY) if file is None else load_power_gap(file)
    )
    g = power_gap(inputs)
    anchor = rent_anchor_usd_per_kw_month(g.last_scarcity, elasticity=elasticity)
    notes = list(inputs.notes) if file is None else [f"user numbers from {file}"]
    last = g.gap_gw[-1]
    if file is None:
        notes[0] = (
            f"{g.years[-1]}: {g.demand_gw[-1]:g} - {inputs.grid_gw[-1]:g} - "
            f"{inputs.construction_gw[-1]:g} = {last:g} GW; the source rounds this to "
            f"~{SOURCE_ROUNDED_GAP_GW:g} GW (later updates: 44, 47 GW)"
        )
    return {
        "years": list(g.years),
        "demand_gw": list(g.demand_gw),
        "supply_gw": list(g.supply_gw),
        "gap_gw": list(g.gap_gw),
        "grid_gw": list(inputs.grid_gw),
        "under_construction_gw": list(inputs.construction_gw),
        "blocks_gw": list(g.blocks_gw),
        "gap_after_blocks_gw": list(g.gap_after_blocks_gw),
        "gap_after_blocks_range_gw": [
            list(g.gap_after_blocks_low_gw),
            list(g.gap_after_blocks_high_gw),
        ],
        "blocks": [
            {
                "name": b.name,
                "gw": b.gw,
                "low_gw": b.low_gw,
                "high_gw": b.high_gw,
                "online_year": b.online_year,
                "source": b.source,
                "as_of": b.as_of.isoformat(),
            }
            for b in inputs.blocks
        ],
        "ranges": [
            {
                "name": r.name,
                "year": r.year,
                "low_gw": r.low_gw,
                "high_gw": r.high_gw,
                "source": r.source,
                "as_of": r.as_of.isoformat(),
            }
            for r in inputs.ranges
        ],
        "source": inputs.source,
        "as_of": inputs.as_of.isoformat(),
        "rent_link": {
            "scarcity": g.last_scarcity,
            "elasticity": elasticity,
            "long_run_rent_usd_per_kw_month": anchor,
            "formula": "195 x exp(elasticity x (gap/demand - 44/65)) [USD/kW-month]",
        },
        "notes": notes,
    }
