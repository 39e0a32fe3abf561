"""Conversion: MW through PUE, phases, capex timing, mining share, the ASIC fleet."""

from __future__ import annotations

import pytest

from hashpivot.compute.conversion import (
    Conversion,
    FitoutPayer,
    FleetDisposition,
    MiningDuringConstruction,
    Phase,
    capex_schedule_usd,
    delivered_it_mw,
    fleet_disposition_usd,
    gross_mw_from_it,
    it_mw_from_gross,
    landlord_capex_usd_per_it_mw,
    mining_share_of_site,
)

PHASES = (Phase(it_mw=30.0, delivery_month=3), Phase(it_mw=50.0, delivery_month=6))


def _conv(**kw: object) -> Conversion:
    base: dict[str, object] = dict(
        gross_mw=100.0,
        pue=1.25,
        phases=PHASES,
        construction_months=3,
        shell_capex_usd_per_it_mw=2e6,
        fitout_capex_usd_per_it_mw=7e6,
        fleet_sale_proceeds_usd=8e6,
    )
    base.update(kw)
    return Conversion(**base)  # type: ignore[arg-type]


def test_pue() -> None:
    assert it_mw_from_gross(100.0, 1.25) == pytest.approx(80.0)
    assert gross_mw_from_it(80.0, 1.25) == pytest.approx(100.0)


def test_phases_and_capex_timing() -> None:
    assert delivered_it_mw(PHASES, 8).tolist() == [0, 0, 0, 30, 30, 30, 80, 80]
    capex = capex_schedule_usd(PHASES, 1e6, 3, 8)
    # 30 MW x $1M over months 0-2 ($10M each); 50 MW over months 3-5 ($16.67M each)
    assert capex.tolist() == pytest.approx([-10e6] * 3 + [-50e6 / 3] * 3 + [0, 0])
    assert capex_schedule_usd((Phase(it_mw=1.0, delivery_month=0),), 5.0, 3, 2).tolist() == [
        -5.0,
        0.0,
    ]


def test_who_pays_the_fitout() -> None:
    assert landlord_capex_usd_per_it_mw(_conv()) == 9e6
    assert landlord_capex_usd_per_it_mw(_conv(fitout_paid_by=FitoutPayer.TENANT)) == 2e6


def test_mining_share_and_fleet_sale() -> None:
    # phase 1 takes 30 x 1.25 = 37.5 gross MW, phase 2 62.5 MW
    go_on = mining_share_of_site(_conv(), 8)
    assert go_on.tolist() == pytest.approx([1, 1, 1, 0.625, 0.625, 0.625, 0, 0])
    stop = mining_share_of_site(_conv(mining_during_construction=MiningDuringConstruction.STOP), 8)
    assert stop.tolist() == pytest.approx([0.625, 0.625, 0.625, 0, 0, 0, 0, 0])
    sale = fleet_disposition_usd(_conv(), 8)
    assert sale[3] == pytest.approx(3e6) and sale[6] == pytest.approx(5e6)
    move = fleet_disposition_usd(
        _conv(fleet_disposition=FleetDisposition.MOVE, fleet_move_cost_usd=1e6), 8
    )
    assert move.sum() == pytest.approx(-1e6)
