"""The powered land's value moves with the product's rent index, whatever the site's lease:
a lease's rent (its spread to the index) changes the lease path, never what the land fetches
when the site is sold (mine, sell)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case
from hashpivot.engine.strategies.base import Factors
from hashpivot.engine.strategies.context import batch_context, site_rent_paths
from hashpivot.market.scenarios import simulate

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"


def _site(tmp_path: Path, spread: float) -> Path:
    text = SITE.read_text()
    text = text.replace("rent_usd_per_kw_month = 82.0   # year 1, per IT kW\n", "")
    text = text.replace(
        'rent_basis = "signed" ', f'rent_basis = "market"\nspread_usd_per_kw_month = {spread}'
    )
    out = tmp_path / f"site{spread}.toml"
    out.write_text(text)
    return out


@pytest.mark.parametrize("spread", [0.0, -100.0, -128.0])
def test_land_follows_the_index_not_the_leases_rent(tmp_path: Path, spread: float) -> None:
    case = build_case(_site(tmp_path, spread), months=36)
    scen = simulate(
        case.market_params, case.start_state, case.market_months + 1, 200, np.random.default_rng(3)
    )
    ctx = batch_context(case, scen)
    index = scen.rent_usd_per_kw_month[:, case.offset : case.offset + case.horizon + 1]
    want = index / scen.rent_usd_per_kw_month[:, :1]
    np.testing.assert_allclose(ctx.land_mult, want, rtol=1e-12)
    # the site rent is the index + the spread (one for one), the template's multiplier on it
    site, _ = site_rent_paths(case, scen, Factors())
    np.testing.assert_allclose(site, np.maximum(index + spread, 0.0), rtol=1e-12)


def test_a_signed_lease_signs_later_at_todays_spread() -> None:
    case = build_case(SITE, months=36)
    scen = simulate(
        case.market_params, case.start_state, case.market_months + 1, 500, np.random.default_rng(5)
    )
    site, _ = site_rent_paths(case, scen, Factors())
    index = scen.rent_usd_per_kw_month[:, case.offset : case.offset + case.horizon + 1]
    assert np.all(site[:, 0] == 82.0)  # the contract at the site's first month
    # later: the index + (82 - the AI-hall index expected at the site's start), one spread
    assert case.lease is not None and case.lease.rent is not None
    spread = case.lease.rent.spread_usd_per_kw_month
    np.testing.assert_allclose(site[:, 1:], index[:, 1:] + spread, rtol=1e-12)
