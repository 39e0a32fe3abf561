"""Converting a mine into an AI data hall: MW, phases, who pays what, when mining stops.

Pure functions over numpy arrays; monthly periods; month index 0 is the analysis start.
Capex is a signed cash flow (outflows negative), as everywhere in hashpivot.

Sources (market-facts.md, late 2025): PUE of miner-conversion AI halls 1.18-1.25 (Applied
Digital Polaris Forge 1.18; TeraWulf CB-5 1.25); conversion in practice 8-24 months (Morgan
Stanley 18-24); build cost $9.3-15.0M per MW of critical load (Cushman & Wakefield 2025),
miner conversions to liquid-cooled halls $8-11M per IT MW, powered shell alone ~$2M/MW
(Hut 8; Riot Corsicana core and shell ~$1.9M/MW).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = [
    "Conversion",
    "FitoutPayer",
    "FleetDisposition",
    "MiningDuringConstruction",
    "Phase",
    "capex_schedule_usd",
    "delivered_it_mw",
    "fleet_disposition_usd",
    "gross_mw_from_it",
    "it_mw_from_gross",
    "landlord_capex_usd_per_it_mw",
    "mining_share_of_site",
    "paths_of",
    "per_path",
]


class FitoutPayer(StrEnum):
    """Who pays the fit-out (critical power, cooling, white space) beyond the powered shell."""

    LANDLORD = "landlord"  # landlord delivers a turnkey hall (colocation / full fit-out)
    TENANT = "tenant"  # landlord delivers a powered shell; the tenant fits it out


class MiningDuringConstruction(StrEnum):
    """Whether the ASICs keep hashing on a phase's MW while that phase is being built."""

    CONTINUE = "continue"  # mining stops on a phase's MW only when it is handed over
    STOP = "stop"  # mining stops on a phase's MW when its construction starts


class FleetDisposition(StrEnum):
    """What happens to the ASICs displaced by the conversion."""

    SELL = "sell"  # sold: a positive one-off flow (user-supplied proceeds)
    MOVE = "move"  # moved to another site: a one-off cost, the fleet keeps its value elsewhere
    RETIRE = "retire"  # scrapped: no flow


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """One tranche of critical IT capacity handed over to the tenant/operator.

    it_mw : critical IT MW delivered [MW]
    delivery_month : months after the analysis start when it is ready [month index]
    """

    it_mw: float
    delivery_month: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversion:
    """A mine-to-AI conversion (built from ``[conversion]`` by the config layer).

    gross_mw : energized capacity at the meter [MW]
    pue : power usage effectiveness, facility power / IT power [>= 1]
    phases : IT MW delivered by month (sum <= gross_mw / pue)
    construction_months : months of works before each phase's delivery [months]
    shell_capex_usd_per_it_mw : powered shell capex, always the landlord's [USD per IT MW]
    fitout_capex_usd_per_it_mw : fit-out capex [USD per IT MW], paid per ``fitout_paid_by``
    fitout_paid_by : :class:`FitoutPayer`
    mining_during_construction : :class:`MiningDuringConstruction`
    fleet_disposition : :class:`FleetDisposition`
    fleet_sale_proceeds_usd : proceeds of selling the whole fleet [USD, >= 0]
    fleet_move_cost_usd : cost of moving the whole fleet [USD, >= 0]
    """

    gross_mw: float
    pue: float
    phases: tuple[Phase, ...]
    construction_months: int
    shell_capex_usd_per_it_mw: float
    fitout_capex_usd_per_it_mw: float
    fitout_paid_by: FitoutPayer = FitoutPayer.LANDLORD
    mining_during_construction: MiningDuringConstruction = MiningDuringConstruction.CONTINUE
    fleet_disposition: FleetDisposition = FleetDisposition.SELL
    fleet_sale_proceeds_usd: float = 0.0
    fleet_move_cost_usd: float = 0.0

    @property
    def it_mw(self) -> float:
        """Total critical IT MW of all phases [MW]."""
        return float(sum(p.it_mw for p in self.phases))

    @property
    def first_delivery_month(self) -> int:
        """Month index of the first phase's delivery."""
        return min(p.delivery_month for p in self.phases)

    @property
    def full_delivery_month(self) -> int:
        """Month index of the last phase's delivery (all IT MW available)."""
        return max(p.delivery_month for p in self.phases)


def it_mw_from_gross(gross_mw: float, pue: float) -> float:
    """Critical IT MW a gross (meter) capacity supports: ``gross_mw / pue`` [MW]."""
    return gross_mw / pue


def gross_mw_from_it(it_mw: float, pue: float) -> float:
    """Gross (meter) MW drawn by a critical IT load at full use: ``it_mw * pue`` [MW]."""
    return it_mw * pue


def landlord_capex_usd_per_it_mw(conv: Conversion) -> float:
    """Capex the site owner pays per IT MW: shell, plus fit-out if the landlord pays it [USD/MW]."""
    fitout = conv.fitout_capex_usd_per_it_mw if conv.fitout_paid_by is FitoutPayer.LANDLORD else 0
    return conv.shell_capex_usd_per_it_mw + fitout


def delivered_it_mw(phases: tuple[Phase, ...], months: int) -> FloatArray:
    """Cumulative critical IT MW available in each month, ``(months,)`` [MW]."""
    out = np.zeros(months)
    m = np.arange(months)
    for p in phases:  # a handful of phases, not paths
        out += np.where(m >= p.delivery_month, p.it_mw, 0.0)
    return out


def capex_schedule_usd(
    phases: tuple[Phase, ...], capex_usd_per_it_mw: float, construction_months: int, months: int
) -> FloatArray:
    """Conversion capex per month [USD, negative], ``(months,)``.

    Each phase's capex ``it_mw * capex_usd_per_it_mw`` is spread evenly over the
    ``construction_months`` months before its delivery (fewer if the delivery comes sooner;
    all in month 0 when it is delivered at once). Capex falling after the horizon is dropped.
    """
    out = np.zeros(months)
    for p in phases:
        total = p.it_mw * capex_usd_per_it_mw
        first = max(p.delivery_month - construction_months, 0)
        last = max(p.delivery_month, first + 1)  # exclusive
        idx = np.arange(first, last)
        idx = idx[idx < months]
        out[idx] -= total / (last - first)
    return out


def mining_share_of_site(conv: Conversion, months: int) -> FloatArray:
    """Share of the gross site MW still mining in each month [fraction], ``(months,)``.

    Each phase takes ``it_mw * pue`` gross MW away from mining from its delivery month
    (``continue``) or from the start of its construction (``stop``). Gross MW not converted
    keeps mining. The lead's mining path multiplies its fleet by this share.
    """
    m = np.arange(months)
    taken = np.zeros(months)
    for p in conv.phases:
        stop_at = p.delivery_month
        if conv.mining_during_construction is MiningDuringConstruction.STOP:
            stop_at = max(p.delivery_month - conv.construction_months, 0)
        taken += np.where(m >= stop_at, p.it_mw * conv.pue, 0.0)
    return np.asarray(np.clip(1.0 - taken / conv.gross_mw, 0.0, 1.0), dtype=np.float64)


def fleet_disposition_usd(conv: Conversion, months: int) -> FloatArray:
    """One-off flows of the displaced ASICs [USD], ``(months,)``: sale > 0, move cost < 0.

    The fleet leaves in proportion to the drop in :func:`mining_share_of_site`, so a fleet
    displaced in phases is sold (or moved) in the same phases.
    """
    share = mining_share_of_site(conv, months)
    drop = -np.diff(np.concatenate([[1.0], share]))
    if conv.fleet_disposition is FleetDisposition.SELL:
        return np.asarray(drop * conv.fleet_sale_proceeds_usd, dtype=np.float64)
    if conv.fleet_disposition is FleetDisposition.MOVE:
        return np.asarray(-drop * conv.fleet_move_cost_usd, dtype=np.float64)
    return np.zeros(months)


def paths_of(*inputs: ArrayLike | None) -> int:
    """Number of paths implied by optional per-path inputs (first with ndim >= 1), else 1."""
    for x in inputs:
        if x is not None and np.ndim(x) >= 1:
            return int(np.shape(x)[0])
    return 1


def per_path(
    x: ArrayLike | None, paths: int, months: int, default: float, *, ext: int | None = None
) -> FloatArray:
    """Broadcast an optional scalar, ``(paths,)`` or ``(paths, months)`` input to
    ``(paths, ext)`` (``ext`` defaults to ``months``); months after ``months`` repeat the
    last month's value; ``None`` gives ``default`` everywhere."""
    ext = months if ext is None else ext
    if x is None:
        return np.full((paths, ext), default)
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        return np.full((paths, ext), float(a))
    if a.ndim == 1:
        return np.repeat(a[:, None], ext, axis=1)
    if a.ndim != 2 or a.shape[1] != months:
        raise ValueError(f"per-path input has shape {a.shape}, expected (paths, {months})")
    if ext == months:
        return a.copy()
    return np.concatenate([a, np.repeat(a[:, -1:], ext - months, axis=1)], axis=1)
