"""``hashpivot supply`` on the West Texas example (the shared 2025 HB_WEST year), and the
``supplier`` strategy in ``compare``: offered only with ``[generation]``, equal to ``mine`` for
a plant of no capacity and no cost."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hashpivot.api.case import build_case
from hashpivot.cli import main
from hashpivot.engine.deterministic import run_deterministic
from hashpivot.power.generation import SitePlant, SupplyCase

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples/sites/west-texas-supplier-gas-solar.toml"
PLAIN = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _json(*args: str) -> dict[str, Any]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--json"])
    assert code == 0, buf.getvalue()
    out: dict[str, Any] = json.loads(buf.getvalue())
    return out


def test_supply_prints_the_results_and_balances(shared_data: Path) -> None:
    r = _json("supply", str(EXAMPLE))
    for key in (
        "ai_load_served_frac",
        "own_generation_mwh",
        "grid_export_mwh",
        "grid_import_mwh",
        "mining_uptime_frac",
        "unserved_ai_mwh",
        "npv_usd",
    ):
        assert np.isfinite(r[key]), key
    # energy over the year: own generation + import = AI + mining + export (no battery)
    supply = r["own_generation_mwh"] + r["grid_import_mwh"]
    use = r["ai_load_mwh"] * r["ai_load_met_frac"] + r["mining_mwh"] + r["grid_export_mwh"]
    assert supply == pytest.approx(use, rel=1e-9)
    # 160 MW gas at 95 % (152 MW) + 50 MW import cover the 100 MW tenant every hour
    assert r["unserved_ai_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert 0.0 <= r["mining_uptime_frac"] <= 1.0
    # $/kW: (160 MW x $1,500/kW + 100 MWac x $1.2/W) / 260 MW = $360M / 260,000 kW
    assert r["usd_per_kw"] == pytest.approx(360e6 / 260e3)
    assert r["capacities_mw"] == {"gas": 160.0, "solar": 100.0}


def test_the_supplier_strategy_only_where_there_is_generation(shared_data: Path) -> None:
    assert "supplier" in build_case(EXAMPLE).strategies
    assert "supplier" not in build_case(PLAIN).strategies


def test_a_plant_of_nothing_adds_nothing(shared_data: Path) -> None:
    """No plant, no cost, the grid-only site: supplier = mine on the same path."""
    case = build_case(EXAMPLE)
    assert case.generation is not None
    empty = SitePlant(
        ai_load_mw=case.generation.plant.ai_load_mw,
        mining_mw=case.generation.plant.mining_mw,
        grid=case.generation.plant.grid,
    )
    case = replace(case, generation=SupplyCase(plant=empty))
    det = run_deterministic(case)
    npv = {k: float(np.mean(v)) for k, v in det.values.npv_usd.items()}
    assert npv["supplier"] == pytest.approx(npv["mine"], rel=1e-12)


def test_size_prints_the_capacities_by_technology(tmp_path: Path) -> None:
    """Two days of prices ($30 at night, $90 by day): --size returns a capacity per technology
    of the file (gas, solar) and a plan that serves the tenant (gas covers the night: islanded
    beyond the 50 MW import, the 100 MW tenant needs >= 50 / 0.95 MW of gas)."""
    hours = np.arange(48)
    ts = np.datetime64("2025-06-01T00:00") + hours.astype("timedelta64[h]")
    price = np.where((hours % 24 >= 12) & (hours % 24 < 24), 90.0, 30.0)
    rows = [f"{t}:00Z,HB_WEST,RT,{p}" for t, p in zip(ts, price, strict=True)]
    csv = tmp_path / "prices.csv"
    csv.write_text("timestamp_utc,location,market,price_usd_per_mwh\n" + "\n".join(rows) + "\n")
    text = (
        EXAMPLE.read_text()
        .replace('"${HASHPIVOT_SHARED_DATA}/ercot_west_hourly.csv"', f'"{csv}"')
        .replace('dispatch = "curtail"', 'dispatch = "flat"')  # a curve needs 12 months
    )
    site = tmp_path / "site.toml"
    site.write_text(text)
    r = _json("supply", str(site), "--size")
    assert r["sized"] is True and set(r["capacities_mw"]) == {"gas", "solar"}
    assert r["capacities_mw"]["gas"] >= 50.0 / 0.95 - 1e-6
    assert r["unserved_ai_mwh"] == pytest.approx(0.0, abs=1e-6)
