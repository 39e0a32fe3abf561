"""One pipeline: `mine`, `lease`, `gpu-cloud` and `compare --deterministic` are one engine run.

On every example site, the deterministic comparison's strategies equal what the single
commands print (to 1e-6 relative), the deterministic run reproduces the mining cash flows of a
hand-built projection on the same named scenario, and the registry is what `compare` iterates.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hashpivot.api.compare import build_case
from hashpivot.cli import main
from hashpivot.engine.deterministic import deterministic_scenarios, run_deterministic
from hashpivot.engine.strategies import registered

REPO = Path(__file__).resolve().parents[2]
SITES = sorted((REPO / "examples/sites").glob("*.toml"))


def run_json(*args: str) -> dict[str, Any]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--json"])
    assert code == 0, buf.getvalue()
    out: dict[str, Any] = json.loads(buf.getvalue())
    return out


def needs_shared(site: Path, request: pytest.FixtureRequest) -> None:
    if "HASHPIVOT_SHARED_DATA" in site.read_text():
        request.getfixturevalue("shared_data")  # skips, saying why, where it is absent


@pytest.mark.parametrize("site", SITES, ids=[p.stem for p in SITES])
def test_deterministic_compare_equals_the_single_commands(
    site: Path, request: pytest.FixtureRequest
) -> None:
    needs_shared(site, request)
    det = run_json("compare", str(site), "--deterministic", "--sensitivity", "none")
    assert det["paths"] == 1 and det["market"].startswith("deterministic scenario 'base'")
    mine = run_json("mine", str(site))
    got = det["strategies"]["mine"]["npv_mean_usd"]
    assert got == pytest.approx(mine["npv_usd"], rel=1e-6)
    # the mine command's NPV reconciles: operating cash flows + the site's value at the horizon
    assert mine["npv_usd"] == pytest.approx(
        mine["npv_operating_usd"] + mine["residual_value_pv_usd"], rel=1e-9
    )
    for strategy, command in (("lease", "lease"), ("gpu_cloud", "gpu-cloud")):
        if strategy in det["strategies"]:
            view = run_json(command, str(site))
            assert det["strategies"][strategy]["npv_mean_usd"] == pytest.approx(
                view["npv_usd"], rel=1e-6
            )
            assert "project_npv_usd" in view


def test_deterministic_run_has_the_monte_carlo_json_shape() -> None:
    site = str(REPO / "examples/sites/permian-west-100mw-s21.toml")
    det = run_json("compare", site, "--deterministic", "--sensitivity", "none")
    mc = run_json("compare", site, "--paths", "200", "--months", "24", "--sensitivity", "none")
    assert set(det) == set(mc)
    assert set(det["strategies"]) == set(mc["strategies"])
    for k, s in det["strategies"].items():
        assert set(s) == set(mc["strategies"][k])
        # one path: every percentile is the value
        assert s["npv_p10_usd"] == s["npv_p50_usd"] == s["npv_p90_usd"] == s["npv_mean_usd"]
    assert mc["market"].startswith("Monte Carlo: 200 paths")
    # under certainty the switch is the best fixed month
    sw = det["switch"]
    assert det["strategies"]["switch"]["npv_mean_usd"] == pytest.approx(
        sw["best_month_npv_mean_usd"], rel=1e-12
    )


def test_the_deterministic_path_is_the_named_scenario_hand_built() -> None:
    """Base scenario (+10%/yr BTC, the network on the hashrate model's expected path, fee share
    1.5%): the path's BTC price at the first month's middle is the snapshot price x 1.10^t, t
    the years from the snapshot (2025-11-27) to mid-December 2025, and each month's fees are
    subsidy x share / (1 - share) of the blocks produced. The network's first step is the
    error correction's, by hand: in November (month 0: 4 days left, middle at t0 = 2/365.25)
    hashprice x0 = 144 x 3.125 / (1 - 0.015) x 91,000 x 1.10^t0 / (1000 x 1,069 EH/s)
    = $38.91/PH/day; h_1 = h_0 + 0.0578 x ln(38.91 / 24.3) (no earlier hashprice change)."""
    case = build_case(REPO / "examples/sites/permian-west-100mw-s21.toml")
    scen = deterministic_scenarios(case)
    # December 2025 (column 1): from Nov 27 to Dec 16.5 = 4 + 15.5 = 19.5 days
    t = 19.5 / 365.25
    assert scen.btc_price_usd[0, 1] == pytest.approx(91_000.0 * 1.10**t, rel=1e-12)
    h = case.market_params.hashrate
    assert (h.gap_speed_per_month, h.equilibrium_hashprice_usd_per_ph_day) == (0.0578, 24.3)
    x0 = 144 * 3.125 / 0.985 * 91_000 * 1.10 ** (2 / 365.25) / (1000 * 1_069.0)
    assert x0 == pytest.approx(38.91, abs=0.005)
    assert scen.network_hashrate_eh_s[0, 0] == 1_069.0
    assert scen.network_hashrate_eh_s[0, 1] == pytest.approx(
        1_069.0 * np.exp(0.0578 * np.log(x0 / 24.3)), rel=1e-12
    )
    share = scen.fee_share_frac[0]
    np.testing.assert_allclose(share, 0.015, rtol=1e-12)


def test_every_strategy_comes_from_the_registry() -> None:
    names = [s.name for s in registered()]
    assert names[:6] == ["mine", "lease", "gpu_cloud", "switch", "split", "sell"]
    case = build_case(REPO / "examples/sites/permian-west-100mw-s21.toml")
    run = run_deterministic(case)
    assert list(run.comparison.strategies) == list(case.strategies)
