"""The ``[conversion]`` table: turning the mine into an AI hall (validated at the edge).

Defaults and their sources (market-facts.md, late 2025; see docs/methodology.md):
PUE 1.2 (designs 1.18-1.25: Applied Digital 1.18, TeraWulf 1.25); 18 months of works
(Morgan Stanley 18-24, practice 8-24); shell $2.0M per IT MW (Hut 8 ~$2M/MW powered shell,
Riot Corsicana ~$1.9M/MW) and fit-out $7.64M per IT MW, together the $9.64M/MW of the Morgan
Stanley reconstruction (miner conversions $8-11M per IT MW).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hashpivot.compute.conversion import (
    Conversion,
    FitoutPayer,
    FleetDisposition,
    MiningDuringConstruction,
    Phase,
)
from hashpivot.errors import InputError

__all__ = ["ConversionConfig", "PhaseConfig"]


class PhaseConfig(BaseModel):
    """One tranche of critical IT MW and its delivery month."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    it_mw: float = Field(gt=0, le=10_000, description="Critical IT MW delivered [MW]")
    delivery_month: int = Field(
        ge=0, le=600, description="Months after the site start when it is ready [months]"
    )


class ConversionConfig(BaseModel):
    """How the mine becomes an AI hall: PUE, phases, capex and who pays, the ASICs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pue: float = Field(1.2, ge=1.0, le=3.0, description="Facility power / IT power [>= 1]")
    it_mw: float | None = Field(
        None, gt=0, le=10_000, description="Critical IT MW (default gross MW / PUE) [MW]"
    )
    construction_months: int = Field(18, ge=0, le=120, description="Works per phase [months]")
    phases: list[PhaseConfig] | None = Field(
        None, min_length=1, description="IT MW by delivery month (default: all at once)"
    )
    shell_capex_usd_per_it_mw: float = Field(
        2.0e6, ge=0, le=1e8, description="Powered shell capex, landlord [USD per IT MW]"
    )
    fitout_capex_usd_per_it_mw: float = Field(
        7.64e6, ge=0, le=1e8, description="Fit-out capex [USD per IT MW]"
    )
    fitout_paid_by: FitoutPayer = FitoutPayer.LANDLORD
    mining_during_construction: MiningDuringConstruction = MiningDuringConstruction.CONTINUE
    fleet_disposition: FleetDisposition = FleetDisposition.SELL
    fleet_sale_proceeds_usd: float = Field(0.0, ge=0, description="ASIC sale proceeds [USD]")
    fleet_move_cost_usd: float = Field(0.0, ge=0, description="Cost of moving ASICs [USD]")

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
