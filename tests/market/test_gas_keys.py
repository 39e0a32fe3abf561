"""`[generation]` keys of the gas process (long-run level, reversion, vol, correlation with
power): each reaches the supplier and `hashpivot supply`, a bad value exits 2 naming its field."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashpivot.api.case import build_case
from hashpivot.api.supply import year_gas_usd_per_mmbtu
from hashpivot.cli import main
from hashpivot.config.parameters import parameter
from hashpivot.engine.case import CompareCase
from hashpivot.engine.indifference import fixed_paths
from hashpivot.engine.strategies.context import batch_context
from hashpivot.engine.strategies.supplier import Supplier, plant_gain_usd, site_gas_process
from hashpivot.market.gas import DEFAULT_GAS, GasProcess, gas_paths, zero_shock_gas_path
from hashpivot.market.params import DEFAULT_PARAMS
from hashpivot.power.generation import SitePlant, SupplyCase

EXAMPLE = Path(__file__).resolve().parents[2] / "examples/sites/west-texas-supplier-gas-solar.toml"
_KEYS = ("long_run_usd_per_mmbtu", "reversion_per_year", "vol_per_year", "power_corr")
_LEVEL = "henry_hub_usd_per_mmbtu = 3.52   # EIA Henry Hub 2025 mean\n"


def _site_with(tmp_path: Path, keys: str, level: str = _LEVEL) -> Path:
    text = EXAMPLE.read_text()
    assert _LEVEL in text
    f = tmp_path / "site.toml"
    f.write_text(text.replace(_LEVEL, level + keys))
    return f


def _case(shared_data: Path, f: Path, months: int = 12) -> CompareCase:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HASHPIVOT_SHARED_DATA", str(shared_data))
        return build_case(f, months=months)


def test_unset_keys_keep_the_fit() -> None:
    rows = {k: parameter(f"generation.henry_hub_{k}").default for k in _KEYS}
    assert rows == {k: getattr(DEFAULT_GAS, k) for k in _KEYS}
    assert site_gas_process(SupplyCase(plant=_empty_plant())) == DEFAULT_GAS
    assert (DEFAULT_GAS.long_run_usd_per_mmbtu, DEFAULT_GAS.reversion_per_year) == (3.097, 1.721)
    assert (DEFAULT_GAS.vol_per_year, DEFAULT_GAS.power_corr) == (0.565, 0.571)


def _empty_plant() -> SitePlant:
    return SitePlant(ai_load_mw=0.0, mining_mw=0.0)


def test_the_keys_reach_the_supplier(shared_data: Path, tmp_path: Path) -> None:
    f = _site_with(
        tmp_path,
        "henry_hub_long_run_usd_per_mmbtu = 4.0\nhenry_hub_reversion_per_year = 2.5\n"
        "henry_hub_vol_per_year = 0.3\nhenry_hub_power_corr = -0.2\n",
    )
    case = _case(shared_data, f)
    assert case.generation is not None
    assert site_gas_process(case.generation) == GasProcess(
        long_run_usd_per_mmbtu=4.0, reversion_per_year=2.5, vol_per_year=0.3, power_corr=-0.2
    )


def test_vol_zero_gives_the_deterministic_reversion_path() -> None:
    """``log S_t = log L + (log S_0 - log L) e^{-kappa t}`` on every path, whatever its power
    shocks. By hand at t = 1 yr: log(3.52 / 3.097) = 0.128024, e^-1.721 = 0.178901, so
    S_1 = 3.097 x e^(0.128024 x 0.178901) = 3.097 x e^0.022903 = 3.16875."""
    gas = replace(DEFAULT_GAS, vol_per_year=0.0)
    rng = np.random.default_rng(2)
    power = 32.0 * np.exp(np.cumsum(rng.normal(0.0, 0.2, (50, 25)), axis=1))
    paths = gas_paths(3.52, power, DEFAULT_PARAMS.power_price, gas)
    t = np.arange(25) / 12.0
    hand = np.exp(np.log(3.097) + np.log(3.52 / 3.097) * np.exp(-1.721 * t))
    np.testing.assert_allclose(paths, np.broadcast_to(hand, paths.shape), rtol=1e-12)
    np.testing.assert_allclose(zero_shock_gas_path(3.52, 25, gas), hand, rtol=1e-12)
    assert paths[0, 12] == pytest.approx(3.16875, abs=2e-5)


def test_the_supplier_values_the_gas_path_of_the_keys(shared_data: Path, tmp_path: Path) -> None:
    """A flat gas path two ways: Henry Hub $3.52 held (long run 3.52, vol 0) and $4.52 held with
    a basis $1 lower: the same fuel cost every hour, so the same plant gain on every path; the
    fitted process from $4.52 (reverting to $3.10, with shocks) gives another."""
    flat = "henry_hub_long_run_usd_per_mmbtu = 3.52\nhenry_hub_vol_per_year = 0.0\n"
    a = _case(shared_data, _site_with(tmp_path, flat), months=21)
    f = _site_with(
        tmp_path,
        "henry_hub_long_run_usd_per_mmbtu = 4.52\nhenry_hub_vol_per_year = 0.0\n",
        level="henry_hub_usd_per_mmbtu = 4.52\n",
    )
    b = _case(shared_data, f, months=21)
    assert a.generation is not None and b.generation is not None
    b_gas = b.generation.plant.gas
    assert b_gas is not None
    b_plant = replace(b.generation.plant, gas=replace(b_gas, basis_usd_per_mmbtu=-2.0))
    b = replace(b, generation=replace(b.generation, plant=b_plant))
    fitted = replace(b.generation, gas_long_run_usd_per_mmbtu=None, gas_vol_per_year=None)
    c = replace(b, generation=fitted)
    scen = fixed_paths(a, paths=4, seed=5)
    t = Supplier().prepare(a)
    ga, gb, gc = (plant_gain_usd(batch_context(x, scen), t) for x in (a, b, c))
    assert np.all(ga[:, :18] == 0.0) and np.all(ga[:, 18:] != 0.0)  # built in month 18
    np.testing.assert_allclose(gb, ga, rtol=1e-9, atol=1e-3)
    assert not np.allclose(gc, ga)


def test_supply_holds_gas_on_the_zero_shock_path_over_its_year() -> None:
    """January of the price year is today's level, December month 11 of the reversion."""
    idx = pd.date_range("2025-01-01", periods=8760, freq="h", tz="UTC")
    sc = SupplyCase(plant=_empty_plant(), henry_hub_usd_per_mmbtu=3.52, gas_vol_per_year=0.3)
    hourly = year_gas_usd_per_mmbtu(sc, idx)
    assert hourly[0] == hourly[743] == pytest.approx(3.52, rel=1e-12)  # all of January
    dec = 3.097 * math.exp(math.log(3.52 / 3.097) * math.exp(-1.721 * 11 / 12))
    assert hourly[-1] == pytest.approx(dec, rel=1e-12)
    assert len(np.unique(hourly)) == 12


@pytest.mark.parametrize(
    ("keys", "needle"),
    [
        ("henry_hub_long_run_usd_per_mmbtu = 0.0\n", "generation.henry_hub_long_run_usd_per_mmbtu"),
        ("henry_hub_reversion_per_year = -1.0\n", "generation.henry_hub_reversion_per_year"),
        ("henry_hub_vol_per_year = 6.0\n", "generation.henry_hub_vol_per_year"),
        ("henry_hub_power_corr = 1.5\n", "generation.henry_hub_power_corr"),
        ('henry_hub_power_corr = "high"\n', "generation.henry_hub_power_corr"),
    ],
)
def test_bad_gas_keys_exit_2_naming_the_field(
    shared_data: Path,
    tmp_path: Path,
    keys: str,
    needle: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HASHPIVOT_SHARED_DATA", str(shared_data))
    code = main(["compare", str(_site_with(tmp_path, keys)), "--paths", "5000", "--json"])
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
