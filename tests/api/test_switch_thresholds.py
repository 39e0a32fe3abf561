"""Thresholds in the site's own terms: ``compare --json`` gives ``switch.thresholds`` in the
rent this site would sign ($/IT kW-month), with its index level beside it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case, rent_terms, summary
from hashpivot.api.switch_rules import RentTerms, boundary_points, merge_rules, thresholds
from hashpivot.engine.compare import compare
from hashpivot.engine.strategies.base import Factors
from hashpivot.engine.strategies.context import site_rent_paths
from hashpivot.market.scenarios import simulate

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"

LINES = [
    "date 12: convert when rent $/kW-mo > 105 given hashprice $/PH/day in [2, 15] "
    "(rule matches 100% of decisions)",
    "date 12: convert when rent $/kW-mo > 106 given hashprice $/PH/day in [15, 25] "
    "(rule matches 100% of decisions)",
    "date 12: convert when rent $/kW-mo > 107 given hashprice $/PH/day in [25, 111] "
    "(rule matches 99% of decisions)",
    "date 24: always convert given hashprice $/PH/day in [1, 7] (rule matches 100% of decisions)",
]
TERMS = RentTerms(spread_usd_per_kw_month=-46.63, index_name="AI-hall index")


def test_thresholds_take_the_middle_bin_in_site_rent_with_the_index() -> None:
    out = thresholds(LINES, TERMS)
    # month 24 has no finite threshold; month 12: the middle hashprice bin [15, 25]
    assert out == [
        {
            "month": 12,
            "hashprice_usd_per_ph_day": 20.0,
            "rent_usd_per_kw_month": 106.0,
            "index_rent_usd_per_kw_month": pytest.approx(106.0 + 46.63),
        }
    ]


def test_rules_and_boundary_state_site_rent_and_index() -> None:
    rule = merge_rules(LINES, ["m"] * 30, TERMS)[0]
    # 105..107 differ by 2 > 1% of 106: a range; the index is $46.63 above the site rent
    # amounts of $100 and more are whole dollars; each step ($1) is within 1% of the median
    # ($1.06), so no direction is claimed (a wobble is not a finding)
    assert rule["text"] == (
        "convert when site rent passes $105 to $107/kW-month (AI-hall index $152 to $154)"
    )
    assert rule["index_threshold"] == pytest.approx(106.0 + 46.63)
    pts = boundary_points(LINES, ["m"] * 30, TERMS)[0]
    assert pts["rent_usd_per_kw_month"] == [105.0, 105.0, 106.0, 106.0, 107.0, 107.0]
    assert pts["index_rent_usd_per_kw_month"] == pytest.approx(
        [y + 46.63 for y in pts["rent_usd_per_kw_month"]]
    )


def test_the_permian_thresholds_are_in_the_sites_own_rent() -> None:
    case = build_case(SITE, months=36)
    cmp = compare(case, paths=5000, seed=7)
    out = summary(case, cmp)
    th = out["switch"]["thresholds"]
    assert th, out["switch"]["policy"]
    first = th[0]
    assert set(first) == {
        "month",
        "hashprice_usd_per_ph_day",
        "rent_usd_per_kw_month",
        "index_rent_usd_per_kw_month",
    }
    # the range the site's rent takes at that month on Monte Carlo paths of the case's market
    scen = simulate(
        case.market_params, case.start_state, case.market_months + 1, 5000, np.random.default_rng(1)
    )
    site, _ = site_rent_paths(case, scen, Factors())
    at = site[:, first["month"]]
    assert at.min() < first["rent_usd_per_kw_month"] < at.max()
    # site rent = index + spread (the $82 contract less the AI-hall index today)
    spread = rent_terms(case).spread_usd_per_kw_month
    assert case.lease is not None and case.lease.rent is not None
    assert spread == case.lease.rent.spread_usd_per_kw_month
    assert -48.5 < spread < -46.5  # 82 - the AI-hall index expected at the site's start
    for t in th:
        assert t["index_rent_usd_per_kw_month"] == pytest.approx(
            t["rent_usd_per_kw_month"] - spread
        )
    # the one-sentence rules name the site's rent, not the colocation index
    rules = [r for r in out["switch"]["rules"] if r["variable"] == "rent"]
    assert rules and all("site rent" in r["text"] and "AI-hall index" in r["text"] for r in rules)
