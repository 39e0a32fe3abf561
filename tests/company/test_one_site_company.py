"""A company with one wholly owned site is that site's value less net debt and the G&A PV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.case import build_case
from hashpivot.api.company import value_company
from hashpivot.engine.compare import compare
from hashpivot.market.snapshot import SNAPSHOT

REPO = Path(__file__).resolve().parents[2]
COMPANIES = REPO / "examples/companies"


@pytest.mark.parametrize("name", ["terawulf-illustrative", "cipher-illustrative"])
def test_one_site_company(name: str) -> None:
    f = COMPANIES / f"{name}.toml"
    out, co, _ = value_company(f, paths=500, seed=9)
    site = COMPANIES / "sites" / Path(out["sites"][0]["file"]).name
    case = build_case(site)
    lease = compare(case, paths=500, seed=9).strategies["lease"].npv_mean_usd
    # the site's NPV is at its first month (2025-12-01): bring it to the snapshot's date
    years = (case.mining.start - SNAPSHOT.as_of).days / 365.25
    site_value = lease * (1.0 + case.mining.discount_rate) ** -years
    # G&A: a month-end annuity of ga / 12 for 60 months at 12%/yr
    r = 1.12 ** (1 / 12) - 1
    ga = {"terawulf-illustrative": 45e6, "cipher-illustrative": 40e6}[name]
    ga_pv = ga / 12 * (1 - (1 + r) ** -60) / r
    debt = {"terawulf-illustrative": 500e6, "cipher-illustrative": 0.0}[name]
    assert out["corporate_ga_pv_usd"] == pytest.approx(ga_pv, rel=1e-9)
    assert out["by_megawatts"]["ev_mean_usd"] == pytest.approx(site_value, rel=1e-9)
    assert out["equity"]["mean_usd"] == pytest.approx(site_value - debt - ga_pv, rel=1e-9)
    assert np.allclose(co.equity_usd, co.ev_usd - debt - ga_pv)
