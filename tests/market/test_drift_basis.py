"""The BTC drift basis: expected growth, median growth, or risk-neutral from a forward."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hashpivot.config.market import MarketTable, apply_market_table
from hashpivot.errors import InputError
from hashpivot.market import scenarios as sc
from hashpivot.market.processes import DriftBasis, risk_neutral_growth_per_year

START = sc.StartState.late_2025()


def test_forward_implied_growth_by_hand() -> None:
    # F/S = 99,000 / 90,000 = 1.1 over 12 months: +10%/yr; over 6 months: 1.1^2 - 1 = +21%/yr
    assert risk_neutral_growth_per_year(90_000, 99_000, 12) == pytest.approx(0.10, rel=1e-12)
    assert risk_neutral_growth_per_year(90_000, 99_000, 6) == pytest.approx(0.21, rel=1e-12)
    with pytest.raises(InputError):
        risk_neutral_growth_per_year(90_000, -1.0, 12)


def _market(**keys: object) -> sc.MarketParams:
    params, _ = apply_market_table(MarketTable.model_validate(keys), sc.DEFAULT_PARAMS, START)
    return params


def test_risk_neutral_drift_prices_the_forward_at_zero() -> None:
    """A forward struck at the price entered is worth nothing under the risk-neutral drift:
    ``e^(-rT) E[S_T - F] = 0``, i.e. ``E[S_T] = F`` (Hull ch. 5), to Monte Carlo error."""
    spot, fwd, months, r = 91_000.0, 96_500.0, 12, 0.04
    p = _market(
        btc_drift_basis="risk_neutral",
        btc_forward_price_usd=fwd,
        btc_forward_months=months,
        btc_tails="normal",
    )
    assert p.btc.drift_basis is DriftBasis.RISK_NEUTRAL
    s = sc.simulate(p, START, months + 1, 200_000, np.random.default_rng(11))
    s_t = s.btc_price_usd[:, months]
    assert s.btc_price_usd[0, 0] == spot
    disc = math.exp(-r * months / 12)
    value = disc * (s_t - fwd)
    se = float(value.std(ddof=1)) / math.sqrt(value.size)
    assert abs(float(value.mean())) < 4 * se
    # the median path does not: it sits below the forward by exp(-sigma^2 T / 2)
    assert float(np.median(s_t)) < fwd * math.exp(-0.5 * p.btc.vol_per_year**2) * 1.02


def test_median_basis_grows_the_median_path() -> None:
    p = _market(btc_drift_basis="median", btc_median_growth_per_year=0.10)
    assert p.btc.log_drift_per_year == pytest.approx(math.log(1.10), rel=1e-12)
    s = sc.simulate(p, START, 13, 100_000, np.random.default_rng(12))
    # the sample median of a lognormal: sd ~ 1.2533 sigma / sqrt(n) in log, ~0.3% here
    assert float(np.median(s.btc_price_usd[:, 12])) / START.btc_price_usd == pytest.approx(
        1.10, rel=0.012
    )


def test_a_key_of_another_basis_is_refused() -> None:
    with pytest.raises(InputError) as e:
        _market(btc_forward_price_usd=100_000.0)
    assert e.value.field == "market.btc_forward_price_usd"
    with pytest.raises(InputError) as e:
        _market(btc_drift_basis="risk_neutral")
    assert e.value.field == "market.btc_forward_price_usd"
    with pytest.raises(InputError) as e:
        _market(btc_drift_basis="median", btc_expected_growth_per_year=0.2)
    assert e.value.field == "market.btc_expected_growth_per_year"
