"""The US data-center power gap: demand against the capacity that can serve it, by year, and
the documented link from that scarcity to the long-run rent of powered megawatts.

Default numbers (Morgan Stanley, 2025-09-21, as reported in ``market-facts.md``): US
data-center demand 2025-2028 ~65 GW against ~15 GW of near-term grid access and ~6 GW under
construction, "~45 GW short" (the arithmetic gives 65 - 15 - 6 = 44 GW; the source rounds it,
and later updates quoted 44 and 47 GW). After gas turbines (15-20 GW), fuel cells (5-8 GW)
and existing nuclear (5-15 GW) it is still 5-15 GW short by 2028. The source gives totals for
2028 only; the years before are a straight-line ramp from zero at the start of 2025 (an
assumption, labelled as such). LBNL's 2024 US Data Center Energy Usage Report (Shehabi et al.,
2024-12-20) brackets the demand: 176 TWh in 2023 (4.4% of US electricity), 325-580 TWh in
2028 (6.7-12%), 74-132 GW of capacity.

Rent link (an assumption, adjustable): the long-run rent of the Monte Carlo rent process is

``rent_lr = rent_ref x exp(elasticity x (s - s_ref))``, ``s = gap / demand``

(the share of demand left unserved in the gap's last year). At the default gap
``s_ref = 44 / 65`` it is the reference rent (CBRE 2025 wholesale colocation, $195/kW-month),
so the default market is unchanged; a larger gap raises the anchor, a closing gap lowers it
and the rent process reverts towards it at its own speed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from hashpivot.errors import InputError
from hashpivot.types import FloatArray

MS_SOURCE = "Morgan Stanley power-gap note, 2025-09-21 (market-facts.md, secondary summaries)"
MS_AS_OF = date(2025, 9, 21)
LBNL_SOURCE = (
    "LBNL, 2024 United States Data Center Energy Usage Report (Shehabi et al., 2024-12-20): "
    "176 TWh in 2023 (4.4%), 325-580 TWh in 2028 (6.7-12%), 74-132 GW"
)
LBNL_AS_OF = date(2024, 12, 20)
SOURCE_ROUNDED_GAP_GW = 45.0  # "~45 GW short" as the source rounds 65 - 15 - 6
RENT_REF_USD_PER_KW_MONTH = 195.0  # CBRE wholesale colocation 2025 average (market-facts.md)
RENT_GAP_ELASTICITY = 0.5  # assumption: +10 points of unserved demand -> +5% long-run rent


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplyBlock:
    """A block of supply that can close part of the gap from ``online_year`` on.

    gw : the block's central capacity [GW]; low_gw, high_gw : its range [GW]
    """

    name: str
    gw: float
    low_gw: float
    high_gw: float
    online_year: int
    source: str
    as_of: date


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandRange:
    """An outside range of the demand, for context (e.g. LBNL's)."""

    name: str
    year: int
    low_gw: float
    high_gw: float
    source: str
    as_of: date


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerGapInputs:
    """Demand and supply by year [GW], cumulative from the start of the first year.

    demand_gw : data-center demand; grid_gw : near-term grid capacity available to data
    centers; construction_gw : capacity under construction; blocks : optional supply blocks
    """

    years: tuple[int, ...]
    demand_gw: tuple[float, ...]
    grid_gw: tuple[float, ...]
    construction_gw: tuple[float, ...]
    source: str
    as_of: date
    blocks: tuple[SupplyBlock, ...] = ()
    ranges: tuple[DemandRange, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.years)
        if n == 0 or list(self.years) != sorted(set(self.years)):
            raise InputError("years", list(self.years), "one or more years, increasing")
        for name in ("demand_gw", "grid_gw", "construction_gw"):
            vals = getattr(self, name)
            if len(vals) != n:
                raise InputError(name, list(vals), f"{n} values, one per year")
            if not all(math.isfinite(v) and v >= 0 for v in vals):
                raise InputError(name, list(vals), "finite numbers >= 0 (GW)")
        for b in self.blocks:
            if not (0 <= b.low_gw <= b.gw <= b.high_gw and math.isfinite(b.high_gw)):
                raise InputError(f"block {b.name}", b.gw, "0 <= low_gw <= gw <= high_gw (GW)")


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerGap:
    """The gap by year [GW]: ``gap = demand - supply`` (negative: a surplus)."""

    years: tuple[int, ...]
    demand_gw: tuple[float, ...]
    supply_gw: tuple[float, ...]
    gap_gw: tuple[float, ...]
    blocks_gw: tuple[float, ...]
    gap_after_blocks_gw: tuple[float, ...]
    gap_after_blocks_low_gw: tuple[float, ...]
    gap_after_blocks_high_gw: tuple[float, ...]

    @property
    def last_scarcity(self) -> float:
        """Share of the last year's demand left unserved (before blocks) [-]."""
        return scarcity(self.gap_gw[-1], self.demand_gw[-1])


def _ramp(total: float, years: tuple[int, ...]) -> tuple[float, ...]:
    """``total`` reached at the end of the last year, a straight line from zero at the start
    of the first (an assumption where the source gives only the total)."""
    n = len(years)
    return tuple(total * (i + 1) / n for i in range(n))


_YEARS = (2025, 2026, 2027, 2028)
DEFAULT_INPUTS = PowerGapInputs(
    years=_YEARS,
    demand_gw=_ramp(65.0, _YEARS),
    grid_gw=_ramp(15.0, _YEARS),
    construction_gw=_ramp(6.0, _YEARS),
    source=MS_SOURCE,
    as_of=MS_AS_OF,
    blocks=(
        SupplyBlock(
            name="gas turbines",
            gw=17.5,
            low_gw=15.0,
            high_gw=20.0,
            online_year=2028,
            source=MS_SOURCE,
            as_of=MS_AS_OF,
        ),
        SupplyBlock(
            name="fuel cells",
            gw=6.5,
            low_gw=5.0,
            high_gw=8.0,
            online_year=2028,
            source=MS_SOURCE,
            as_of=MS_AS_OF,
        ),
        SupplyBlock(
            name="existing nuclear",
            gw=10.0,
            low_gw=5.0,
            high_gw=15.0,
            online_year=2028,
            source=MS_SOURCE,
            as_of=MS_AS_OF,
        ),
    ),
    ranges=(
        DemandRange(
            name="LBNL 2028 data-center capacity (total, not incremental)",
            year=2028,
            low_gw=74.0,
            high_gw=132.0,
            source=LBNL_SOURCE,
            as_of=LBNL_AS_OF,
        ),
    ),
    notes=(
        "2028: 65 - 15 - 6 = 44 GW; the source rounds this to ~45 GW (later updates: 44, 47 GW)",
        "2025-2027 are a straight-line ramp to the 2028 totals (assumption: the source gives "
        "only the 2025-2028 totals)",
        "supply blocks at their mid-points; the source: still 5-15 GW short by 2028 after them",
    ),
)


def power_gap(inputs: PowerGapInputs = DEFAULT_INPUTS) -> PowerGap:
    """Demand less grid capacity and capacity under construction, by year; and after the
    supply blocks online by each year (central, and with every block at its high / low end)."""
    supply = tuple(g + c for g, c in zip(inputs.grid_gw, inputs.construction_gw, strict=True))
    gap = tuple(d - s for d, s in zip(inputs.demand_gw, supply, strict=True))

    def online(y: int, attr: str) -> float:
        return float(sum(getattr(b, attr) for b in inputs.blocks if b.online_year <= y))

    blocks = tuple(online(y, "gw") for y in inputs.years)
    return PowerGap(
        years=inputs.years,
        demand_gw=inputs.demand_gw,
        supply_gw=supply,
        gap_gw=gap,
        blocks_gw=blocks,
        gap_after_blocks_gw=tuple(g - b for g, b in zip(gap, blocks, strict=True)),
        # low gap = every block at its high end, and the other way round
        gap_after_blocks_low_gw=tuple(
            g - online(y, "high_gw") for g, y in zip(gap, inputs.years, strict=True)
        ),
        gap_after_blocks_high_gw=tuple(
            g - online(y, "low_gw") for g, y in zip(gap, inputs.years, strict=True)
        ),
    )


def scarcity(gap_gw: float, demand_gw: float) -> float:
    """Share of demand left unserved, ``max(gap, 0) / demand`` [-] (0 with no demand)."""
    return max(gap_gw, 0.0) / demand_gw if demand_gw > 0 else 0.0


DEFAULT_SCARCITY = scarcity(44.0, 65.0)


def rent_anchor_usd_per_kw_month(
    gap_scarcity: float,
    *,
    rent_ref_usd_per_kw_month: float = RENT_REF_USD_PER_KW_MONTH,
    ref_scarcity: float = DEFAULT_SCARCITY,
    elasticity: float = RENT_GAP_ELASTICITY,
) -> float:
    """Long-run rent [USD/kW-month] implied by the power gap:
    ``rent_ref x exp(elasticity x (s - s_ref))``; increasing in the scarcity ``s`` for
    ``elasticity > 0``, equal to ``rent_ref`` at ``s_ref`` (the default gap, 44/65)."""
    if not (math.isfinite(gap_scarcity) and 0.0 <= gap_scarcity <= 1.0):
        raise InputError("gap_scarcity", gap_scarcity, "a share in [0, 1]")
    if not (math.isfinite(elasticity) and elasticity >= 0):
        raise InputError("rent_gap_elasticity", elasticity, "a number >= 0")
    if not rent_ref_usd_per_kw_month > 0:
        raise InputError("rent_ref_usd_per_kw_month", rent_ref_usd_per_kw_month, "a number > 0")
    return rent_ref_usd_per_kw_month * math.exp(elasticity * (gap_scarcity - ref_scarcity))


Z_90 = 1.6448536269514722  # the 95th percentile of the standard normal


def gap_log_sigma(gap: PowerGap) -> float:
    """Log-sd of the last year's gap [-]: the supply blocks' range (every block at its high end
    to every one at its low end, ``gap_after_blocks_high - low``) taken as a 90% interval of
    width ``w`` around the gap ``G``: ``sigma = ln((G + w/2) / (G - w/2)) / (2 z_0.95)``
    (0 without blocks or without a gap). Defaults: G = 44, w = 19 - 1 = 18 GW: sigma = 0.126."""
    g = gap.gap_gw[-1]
    w = gap.gap_after_blocks_high_gw[-1] - gap.gap_after_blocks_low_gw[-1]
    if g <= 0 or w <= 0:
        return 0.0
    lo = max(g - w / 2.0, 1e-3 * g)
    return math.log((g + w / 2.0) / lo) / (2.0 * Z_90)


def rent_anchor_paths(
    gap: PowerGap,
    *,
    months: int,
    paths: int,
    seed: int,
    rent_level_usd_per_kw_month: float = RENT_REF_USD_PER_KW_MONTH,
    log_trend_per_year: float = 0.0,
    elasticity: float = RENT_GAP_ELASTICITY,
    sigma: float | None = None,
) -> FloatArray:
    """One long-run rent path per Monte Carlo path ``(paths, months)`` [USD/kW-month], each on
    its own draw of the gap: ``G_i = G exp(sigma z_i)`` (lognormal, median the gap path's last
    year ``G``; ``sigma`` from :func:`gap_log_sigma` unless given), ``s_i = min(G_i / D, 1)``,
    ``anchor_i,j = level x exp(elasticity (s_i - s_ref)) x exp(trend j / 12)`` (the case's
    long-run level scaled as :func:`rent_anchor_usd_per_kw_month`). ``z_i`` are drawn from
    ``default_rng(seed)``, a stream of their own: the same seed, the same anchors."""
    sd = gap_log_sigma(gap) if sigma is None else sigma
    if not (math.isfinite(sd) and sd >= 0):
        raise InputError("gap_log_sigma", sd, "a number >= 0")
    if months < 1 or paths < 1:
        raise InputError("paths x months", (paths, months), "both >= 1")
    z = np.random.default_rng(seed).standard_normal(paths)
    return _anchors(gap, z, months, sd, rent_level_usd_per_kw_month, log_trend_per_year, elasticity)


def _anchors(
    gap: PowerGap,
    z: FloatArray,
    months: int,
    sd: float,
    level_usd_per_kw_month: float,
    log_trend_per_year: float,
    elasticity: float,
) -> FloatArray:
    """``(len(z), months)`` anchors for standard normal draws ``z`` of the gap."""
    paths = z.shape[0]
    g, d = max(gap.gap_gw[-1], 0.0), gap.demand_gw[-1]
    s = np.minimum(g * np.exp(sd * z) / d, 1.0) if d > 0 else np.zeros(paths)
    rent_anchor_usd_per_kw_month(DEFAULT_SCARCITY, elasticity=elasticity)  # checks elasticity
    ratio = np.exp(elasticity * (s - DEFAULT_SCARCITY))  # vectorised rent_anchor / rent_ref
    trend = np.exp(log_trend_per_year * np.arange(months) / 12.0)
    return np.asarray(level_usd_per_kw_month * ratio[:, None] * trend[None, :], dtype=np.float64)


GAP_STREAM = 0x6A9  # the gap draw's key under a chunk's seed: a stream of its own


@dataclass(frozen=True, slots=True)
class GapRentDraw:
    """A picklable ``(spec, months) -> (spec.paths, months)`` per-path rent anchor for
    :class:`hashpivot.market.chunks.ChunkSimulator` (``rent_anchor_draw``): as
    :func:`rent_anchor_paths`, ``z`` drawn from the chunk's own seed extended by
    :data:`GAP_STREAM` (the same seed, the same anchors, wherever the chunk runs; the market's
    own draws unchanged)."""

    gap: PowerGap
    level_usd_per_kw_month: float = RENT_REF_USD_PER_KW_MONTH
    log_trend_per_year: float = 0.0
    elasticity: float = RENT_GAP_ELASTICITY
    sigma: float | None = None

    def __call__(self, spec: Any, months: int) -> FloatArray:
        ss = spec.seed_sequence
        seq = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, GAP_STREAM))
        z = np.random.default_rng(seq).standard_normal(spec.paths)
        sd = gap_log_sigma(self.gap) if self.sigma is None else self.sigma
        return _anchors(
            self.gap, z, months, sd, self.level_usd_per_kw_month, self.log_trend_per_year,
            self.elasticity,
        )  # fmt: skip
