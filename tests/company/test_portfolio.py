"""Sum of the parts: G&A annuity and path-by-path totals, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from hashpivot.company.portfolio import SiteValue, corporate_ga_pv_usd, sum_of_the_parts
from hashpivot.errors import InputError


def test_corporate_ga_is_a_month_end_annuity() -> None:
    # $12M/yr = $1M a month for 12 months at 12%/yr: r = 1.12^(1/12) - 1 = 0.0094888;
    # annuity PV = 1e6 x (1 - (1 + r)^-12) / r = 1e6 x 11.2915
    r = 1.12 ** (1 / 12) - 1
    by_hand = 1e6 * (1 - (1 + r) ** -12) / r
    assert by_hand == pytest.approx(11_291_516, rel=1e-6)
    assert corporate_ga_pv_usd(12e6, 0.12, 12) == pytest.approx(by_hand, rel=1e-12)
    assert corporate_ga_pv_usd(12e6, 0.12, 0) == 0.0
    with pytest.raises(InputError, match="corporate_ga_usd_per_year"):
        corporate_ga_pv_usd(-1.0, 0.12, 12)


def _site(name: str, npv: list[float], mine: list[float], own: float = 1.0) -> SiteValue:
    return SiteValue(
        name=name,
        capacity_mw=100.0,
        fleet_eh_s=5.0,
        ownership_frac=own,
        strategy="lease",
        npv_usd=np.array(npv),
        mine_npv_usd=np.array(mine),
    )


def test_sites_add_path_by_path() -> None:
    a = _site("a", [400e6, 200e6], [80e6, -20e6])
    b = _site("b", [100e6, 50e6], [100e6, 50e6], own=0.5)
    co = sum_of_the_parts(
        [a, b], net_debt_usd=150e6, corporate_ga_pv_usd=50e6, shares_outstanding=1e8
    )
    # path 0: 400 + 0.5 x 100 = 450; path 1: 200 + 25 = 225
    np.testing.assert_allclose(co.ev_usd, [450e6, 225e6])
    np.testing.assert_allclose(co.ev_as_miner_usd, [130e6, 5e6])
    np.testing.assert_allclose(co.equity_usd, [250e6, 25e6])
    equity_per_share = co.equity_usd_per_share()
    assert equity_per_share is not None
    np.testing.assert_allclose(equity_per_share, [2.5, 0.25])
    assert co.capacity_mw == 150.0 and co.fleet_eh_s == 7.5
    # mean EV 337.5M over 150 MW = 2.25M/MW ($2.25/W); over 7.5 EH/s = 45M per EH/s
    assert co.ev_usd_per_mw() == pytest.approx(2.25e6)
    assert co.ev_usd_per_eh_s() == pytest.approx(45e6)
    assert co.ev_usd_per_mw(as_miner=True) == pytest.approx(67.5e6 / 150)
    assert co.megawatt_premium_usd == pytest.approx(337.5e6 - 67.5e6)


def test_sites_must_share_the_paths() -> None:
    with pytest.raises(InputError, match="same number of paths"):
        sum_of_the_parts([_site("a", [1.0, 2.0], [1.0, 2.0]), _site("b", [1.0], [1.0])])
    with pytest.raises(InputError, match="ownership_frac"):
        _site("c", [1.0], [1.0], own=1.5)
