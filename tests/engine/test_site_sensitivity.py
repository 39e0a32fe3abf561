"""The tornado runs on the site's named scenario: its base is ``compare --deterministic``'s NPV
of the same strategy, and the JSON names the scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from hashpivot.api.compare import build_case, sensitivity
from hashpivot.engine.case import CompareCase
from hashpivot.engine.deterministic import run_deterministic
from hashpivot.engine.site_sensitivity import site_sensitivity

REPO = Path(__file__).resolve().parents[2]
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"


@pytest.fixture(scope="module")
def permian() -> tuple[CompareCase, dict[str, float]]:
    case = build_case(PERMIAN)
    det = run_deterministic(case).comparison.strategies
    return case, {k: s.npv_mean_usd for k, s in det.items()}


@pytest.mark.parametrize("strategy", ["mine", "sell", "lease", "gpu_cloud", "switch", "split"])
def test_tornado_base_is_the_deterministic_npv(
    permian: tuple[CompareCase, dict[str, float]], strategy: str
) -> None:
    case, det_npv = permian
    tor, _ = site_sensitivity(case, strategy, sobol_n_base=2)
    # the same engine on the same path: equal to rounding (was the zero-volatility path)
    assert tor.base_output == pytest.approx(det_npv[strategy], rel=1e-6, abs=1e-6)


def test_sensitivity_json_names_the_scenario(permian: tuple[CompareCase, dict[str, float]]) -> None:
    case, det_npv = permian
    out = sensitivity(case, "lease")
    assert out["scenario"] == case.scenario == "base"
    assert "'base' scenario (compare --deterministic)" in out["base_label"]
    assert out["base_output_usd"] == pytest.approx(det_npv["lease"], rel=1e-6)
