"""What must be true: Brent's method on common random numbers finds a known threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.breakeven import breakeven_report
from hashpivot.api.case import build_case
from hashpivot.engine.compare import compare
from hashpivot.engine.deterministic import deterministic_scenarios
from hashpivot.engine.indifference import DiffModel, breakeven, fixed_paths
from hashpivot.engine.strategies import prepare
from hashpivot.errors import InputError

REPO = Path(__file__).resolve().parents[2]
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return build_case(PERMIAN)


def test_power_price_threshold_against_the_closed_form(case) -> None:  # type: ignore[no-untyped-def]
    """On one deterministic path mine - sell is linear in the power price while the fleet runs
    (both pay the same $/MWh for the MWh each uses): d(x) = d0 + x (d1 - d0), so the root is
    x* = d0 / (d0 - d1), solved by hand from the two ends."""
    scen = deterministic_scenarios(case)
    model = DiffModel(case, scen, prepare(case), "mine", "sell", "power_price")
    d0, d_half, d1 = (float(model(x)[0]) for x in (0.0, 0.125, 0.25))
    assert d_half == pytest.approx((d0 + d1) / 2, rel=1e-9)  # linear on [0, 0.25]
    slope = (d1 - d0) / 0.25
    x_star = -d0 / slope
    assert 0.0 < x_star < 0.25
    r = breakeven(case, "mine", "sell", "power_price", scen=scen)
    assert r.multiplier == pytest.approx(x_star, rel=1e-6)
    assert r.ci_low == r.ci_high == r.multiplier  # one path: no Monte Carlo error
    assert r.a_better_above is False  # dearer power favours selling
    assert r.evaluations < 40


def test_same_paths_as_compare(case) -> None:  # type: ignore[no-untyped-def]
    """The fixed batch is the paths compare() values for the seed (common random numbers)."""
    scen = fixed_paths(case, paths=600, seed=11)
    d = DiffModel(case, scen, prepare(case), "lease", "mine", "btc_price")(1.0)
    c = compare(case, paths=600, seed=11)
    want = c.strategies["lease"].npv_mean_usd - c.strategies["mine"].npv_mean_usd
    assert float(d.mean()) == pytest.approx(want, rel=1e-9)


def test_monte_carlo_threshold_and_interval(case) -> None:  # type: ignore[no-untyped-def]
    out = breakeven_report(
        PERMIAN, between=("lease", "mine"), vary="btc_price_usd", paths=400, seed=3
    )
    lo, hi = out["ci95"]
    assert lo < out["threshold"] < hi
    assert out["threshold"] == pytest.approx(out["multiplier"] * 91_000.0)
    # at the threshold the mean NPVs are equal on the same paths
    scen = fixed_paths(case, paths=400, seed=3)
    d = DiffModel(case, scen, prepare(case), "lease", "mine", "btc_price")(out["multiplier"])
    assert abs(float(np.mean(d))) < 1e-3 * abs(out["diff_today_usd"])


@pytest.mark.parametrize(
    ("a", "b", "factor", "field"),
    [
        ("switch", "mine", "btc_price", "--between"),
        ("mine", "mine", "btc_price", "--between"),
        ("lease", "mine", "hashrate", "--vary"),
    ],
)
def test_bad_requests(case, a: str, b: str, factor: str, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=field):
        breakeven(case, a, b, factor, scen=deterministic_scenarios(case))


def test_one_site_company_threshold_is_the_sites() -> None:
    """A company of one site valued as leased flips where that site's lease and mine do: the
    ownership and discount weights scale the difference, not its root."""
    from hashpivot.api.breakeven import company_breakeven_report

    co = company_breakeven_report(
        REPO / "examples/companies/terawulf-illustrative.toml", paths=300, seed=4
    )
    site = breakeven_report(
        REPO / "examples/companies/sites/terawulf-lake-mariner.toml",
        between=("lease", "mine"),
        vary="btc_price_usd",
        paths=300,
        seed=4,
    )
    assert co["sites"][0]["valued_as"] == "lease"
    assert co["threshold"] == pytest.approx(site["threshold"], rel=1e-6)
    assert co["threshold"] > 91_000.0  # the megawatts are worth more than mining today
