"""The tornado runs on the site's named scenario: its base is ``compare --deterministic``'s NPV
of the same strategy on every example site (hub-priced sites dispatched hour by hour against
their price history in both), and the JSON names the scenario."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case, sensitivity
from hashpivot.engine.case import CompareCase
from hashpivot.engine.deterministic import (
    deterministic_case,
    deterministic_scenarios,
    run_deterministic,
)
from hashpivot.engine.site_sensitivity import SiteModel, site_sensitivity
from hashpivot.engine.strategies import evaluate_batch, prepare

REPO = Path(__file__).resolve().parents[2]
SITES = sorted((REPO / "examples/sites").glob("*.toml"))
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"
CURTAIL = REPO / "examples/sites/permian-west-100mw-s21-curtail.toml"
SUPPLIER = REPO / "examples/sites/west-texas-supplier-gas-solar.toml"


def _det_npv(case: CompareCase) -> dict[str, float]:
    return {k: s.npv_mean_usd for k, s in run_deterministic(case).comparison.strategies.items()}


@pytest.fixture(scope="module")
def permian() -> tuple[CompareCase, dict[str, float]]:
    case = build_case(PERMIAN)
    return case, _det_npv(case)


def test_every_example_site_is_covered() -> None:
    # the hub-priced examples (price history, exact dispatch) are among the sites below
    hub = [p.name for p in SITES if build_case(p).power_history is not None]
    assert CURTAIL.name in hub and SUPPLIER.name in hub
    assert len(SITES) >= 6


@pytest.mark.parametrize("site", SITES, ids=[p.stem for p in SITES])
def test_tornado_base_is_the_deterministic_npv(site: Path) -> None:
    case = build_case(site)
    det_npv = _det_npv(case)
    for strategy in ("mine", "sell", "lease", "gpu_cloud", "switch", "split", "supplier"):
        if strategy not in det_npv:
            continue
        tor, _ = site_sensitivity(case, strategy, sobol_n_base=2)
        # the same engine on the same path and dispatch: equal to rounding (a hub-priced site
        # was $1.0M off on mining, $0.65M on lease, on the monthly curtailment curve)
        assert tor.base_output == pytest.approx(det_npv[strategy], rel=1e-6, abs=1e-6), strategy


def _scaled_history(case: CompareCase, k: float) -> CompareCase:
    ph = case.power_history
    assert ph is not None
    return replace(case, power_history=replace(ph, price_usd_per_mwh=ph.price_usd_per_mwh * k))


@pytest.mark.parametrize("site", [CURTAIL, SUPPLIER], ids=["curtail", "supplier"])
@pytest.mark.parametrize("strategy", ["mine", "lease", "switch"])
def test_tornado_power_point_is_the_history_scaled_by_hand(site: Path, strategy: str) -> None:
    case = build_case(site)
    tor, _ = site_sensitivity(case, strategy, sobol_n_base=2)
    row = next(r for r in tor.rows if r.name == "power_price")
    assert (row.low_input, row.high_input) == (0.75, 1.25)
    low = _det_npv(_scaled_history(case, 0.75))[strategy]
    high = _det_npv(_scaled_history(case, 1.25))[strategy]
    assert row.low_output == pytest.approx(low, rel=1e-6, abs=1e-6)
    assert row.high_output == pytest.approx(high, rel=1e-6, abs=1e-6)
    if strategy == "mine":  # dearer power, less mining value: the point moves off the base
        assert high < tor.base_output < low


def test_a_batch_of_power_factors_equals_one_point_each() -> None:
    # the Sobol design's batch: paths with different power-price factors, dispatched once per
    # distinct factor, give each path what it gets alone
    case = build_case(CURTAIL)
    scen = deterministic_scenarios(case)
    run = deterministic_case(case)
    model = SiteModel(run, "mine", ("power_price",), scen, prepare(run))
    x = np.array([[0.8], [1.2], [0.8], [1.0]])
    batch = model(x)
    one_by_one = np.array([model(row[None, :])[0] for row in x])
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-12)
    assert batch[0] == batch[2] and batch[0] > batch[3] > batch[1]
    alone = evaluate_batch(run, scen, prepare(run), exact_power=True).npv_usd["mine"][0]
    assert batch[3] == pytest.approx(alone, rel=1e-12)


def test_sensitivity_json_names_the_scenario(permian: tuple[CompareCase, dict[str, float]]) -> None:
    case, det_npv = permian
    out = sensitivity(case, "lease")
    assert out["scenario"] == case.scenario == "base"
    assert "'base' scenario (compare --deterministic)" in out["base_label"]
    assert "hour by hour" not in out["base_label"]
    assert out["base_output_usd"] == pytest.approx(det_npv["lease"], rel=1e-6)


def test_hub_site_json_says_it_is_dispatched_hour_by_hour() -> None:
    case = build_case(CURTAIL)
    out = sensitivity(case, "mine")
    assert "hour by hour against its price history" in out["base_label"]
    assert "curtailment curve" not in out["base_label"]
    assert out["base_output_usd"] == pytest.approx(_det_npv(case)["mine"], rel=1e-6)
