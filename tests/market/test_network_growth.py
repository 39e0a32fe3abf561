"""The network grows as fleets get more efficient: the technology term of the hashrate model."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashpivot.market import processes as pr
from hashpivot.market import scenarios as sc
from hashpivot.market.processes import log_drift_for_expected_growth


def test_flat_revenue_grows_the_network_at_the_efficiency_rate() -> None:
    """With revenue flat, ``x = r - h`` and ``xbar`` falling ``e/12`` a month, a constant gap
    needs ``h`` to grow ``g = -e/12`` a month; then ``g = alpha gap - beta g`` fixes the gap at
    ``g (1 + beta) / alpha``. Hand numbers: e = -0.24/yr, g = 0.02/month; alpha 0.05, beta 0.1:
    gap = 0.02 x 1.1 / 0.05 = 0.44."""
    n, e, a, b = 600, -0.24, 0.05, 0.10
    r = np.full((n, 1), math.log(0.144 * 3.125 * 90_000))
    xbar = math.log(30.0) + e * np.arange(n) / 12
    h = pr.hashrate_ecm_paths(math.log(1000.0), r, xbar, a, b, 0.0, None, 0.0)[:, 0]
    assert h[-1] - h[-2] == pytest.approx(0.02, abs=1e-9)
    assert (r[-1, 0] - h[-1]) - xbar[-1] == pytest.approx(0.44, abs=1e-6)


@pytest.fixture(scope="module")
def realised_growth(shared_data: Path) -> tuple[float, float, float]:
    """Year-on-year growth of the monthly mean hashrate for the years ending 2023-08, 2024-08
    and 2025-08 (the last three of the shared history), and the BTC expected growth those
    three years realised (monthly average prices, 2022-08 to 2025-08, per year)."""
    df = pd.read_csv(shared_data / "btc_daily.csv", parse_dates=["date"]).set_index("date")
    monthly = df[["hashrate_ths", "price_usd"]].resample("MS").mean()
    hr, px = monthly["hashrate_ths"], monthly["price_usd"]
    years = [hr[f"{y}-08"].iloc[0] / hr[f"{y - 1}-08"].iloc[0] - 1 for y in (2023, 2024, 2025)]
    btc = (px["2025-08"].iloc[0] / px["2022-08"].iloc[0]) ** (1 / 3) - 1
    return min(years), max(years), btc


def _year1(params: sc.MarketParams, paths: int = 4000) -> tuple[float, float]:
    start = sc.StartState.late_2025()
    s = sc.simulate(params, start, 13, paths, np.random.default_rng(2026))
    g = s.network_hashrate_eh_s[:, 12] / start.network_hashrate_eh_s
    return float(g.mean()) - 1, float(np.median(g)) - 1


def test_default_market_grows_the_network_in_year_one(
    realised_growth: tuple[float, float, float],
) -> None:
    lo, hi, _ = realised_growth
    # the last three years: +83% (to 2023-08), +63% (2024-08), +50% (2025-08)
    assert (lo, hi) == pytest.approx((0.505, 0.834), abs=0.005)
    mean, median = _year1(sc.DEFAULT_PARAMS)
    # default: mean +34%, median +28% (BTC expected growth +10%/yr; no halving in year 1)
    assert mean > 0.25 and median > 0.20
    # above the technology term alone: J/TH -0.2094/yr (log) grows a flat-hashprice network
    assert math.log1p(median) > 0.2094 * 0.9


def test_year_one_growth_within_the_realised_range_when_btc_grows_as_it_did(
    realised_growth: tuple[float, float, float],
) -> None:
    """The default hashrate model under the BTC growth the last three years realised (+72%/yr
    on monthly averages): the year-1 mean growth lies within what those years realised."""
    lo, hi, btc = realised_growth
    assert btc == pytest.approx(0.725, abs=0.005)
    p = sc.DEFAULT_PARAMS
    drift = log_drift_for_expected_growth(btc, p.btc.vol_per_year, p.btc.tails)
    mean, median = _year1(replace(p, btc=replace(p.btc, log_drift_per_year=drift)))
    assert lo < mean < hi
    assert median > 0.3
