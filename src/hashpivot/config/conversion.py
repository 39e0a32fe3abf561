"""The ``[conversion]`` table: turning the mine into an AI hall (validated at the edge).

Defaults and their sources (market-facts.md, late 2025; see docs/methodology.md):
PUE 1.2 (designs 1.18-1.25: Applied Digital 1.18, TeraWulf 1.25); 18 months of works
(Morgan Stanley 18-24, practice 8-24); shell $2.0M per IT MW (Hut 8 ~$2M/MW powered shell,
Riot Corsicana ~$1.9M/MW) and fit-out $7.64M per IT MW, together the $9.64M/MW of the Morgan
Stanley reconstruction (miner conversions $8-11M per IT MW).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from hashpivot.compute.conversion import (
    Conversion,
    FitoutPayer,
    FleetDisposition,
    MiningDuringConstruction,
    Phase,
)
from hashpivot.config.parameters import field
from hashpivot.errors import InputError

__all__ = ["ConversionConfig", "PhaseConfig"]


_STRICT = ConfigDict(extra="forbid", frozen=True)


class PhaseConfig(BaseModel):
    """One tranche of critical IT MW and its delivery month."""

    model_config = _STRICT

    it_mw: float = field("conversion.phases.it_mw")
    delivery_month: int = field("conversion.phases.delivery_month")


def _f(name: str) -> Any:
    return field(f"conversion.{name}")


class ConversionConfig(BaseModel):
    """How the mine becomes an AI hall: PUE, phases, capex and who pays, the ASICs.

    ``ConversionConfig()`` (every key at its default) values a site without ``[conversion]``.
    """

    model_config = _STRICT

    pue: float = _f("pue")
    it_mw: float | None = _f("it_mw")
    construction_months: int = _f("construction_months")
    phases: list[PhaseConfig] | None = _f("phases")
    shell_capex_usd_per_it_mw: float = _f("shell_capex_usd_per_it_mw")
    fitout_capex_usd_per_it_mw: float = _f("fitout_capex_usd_per_it_mw")
    fitout_paid_by: FitoutPayer = _f("fitout_paid_by")
    mining_during_construction: MiningDuringConstruction = _f("mining_during_construction")
    fleet_disposition: FleetDisposition = _f("fleet_disposition")
    fleet_sale_proceeds_usd: float = _f("fleet_sale_proceeds_usd")
    fleet_move_cost_usd: float = _f("fleet_move_cost_usd")

    def to_domain(
        self, *, gross_mw: float | None, it_mw: float | None = None, source: str | None = None
    ) -> Conversion:
        """The core :class:`~hashpivot.compute.conversion.Conversion`.

        ``gross_mw`` is the site's capacity at the meter (``None``: exactly what the IT load
        needs at this PUE); ``it_mw`` the IT MW asked for by the lease / GPU table when this
        table gives none. Raises :class:`InputError` if the IT load needs more than the site.
        """
        phases = self.phases
        total_it = (
            sum(p.it_mw for p in phases)
            if phases
            else (self.it_mw or it_mw or (gross_mw / self.pue if gross_mw else None))
        )
        if total_it is None:
            raise InputError(
                "conversion.it_mw", None, "a number > 0 (MW) or a [site] capacity_mw", source=source
            )
        gross = gross_mw if gross_mw is not None else total_it * self.pue
        if total_it * self.pue > gross * (1 + 1e-9):
            raise InputError(
                "conversion.it_mw",
                total_it,
                f"at most capacity_mw / pue = {gross:g} / {self.pue:g} = {gross / self.pue:.4g} MW",
                source=source,
            )
        domain_phases = (
            tuple(Phase(it_mw=p.it_mw, delivery_month=p.delivery_month) for p in phases)
            if phases
            else (Phase(it_mw=total_it, delivery_month=self.construction_months),)
        )
        return Conversion(
            gross_mw=gross,
            pue=self.pue,
            phases=domain_phases,
            construction_months=self.construction_months,
            shell_capex_usd_per_it_mw=self.shell_capex_usd_per_it_mw,
            fitout_capex_usd_per_it_mw=self.fitout_capex_usd_per_it_mw,
            fitout_paid_by=self.fitout_paid_by,
            mining_during_construction=self.mining_during_construction,
            fleet_disposition=self.fleet_disposition,
            fleet_sale_proceeds_usd=self.fleet_sale_proceeds_usd,
            fleet_move_cost_usd=self.fleet_move_cost_usd,
        )
