"""One risk-free rate per site: the risk-neutral basis and a GPU contract's credit read the same
figure ([market] risk_free_rate_per_year, else the 5-year Treasury default)."""

from __future__ import annotations

import pytest

from hashpivot.config.gpu_cloud import GpuCloudConfig
from hashpivot.config.market import MarketTable, site_risk_free_rate


def test_the_default_is_the_five_year_treasury() -> None:
    # US Treasury 5-year constant maturity, December 2025 average (Fed H.15 DGS5): 3.70%
    assert site_risk_free_rate(None) == pytest.approx(0.037)
    assert site_risk_free_rate(MarketTable()) == pytest.approx(0.037)
    assert site_risk_free_rate(MarketTable(risk_free_rate_per_year=0.05)) == pytest.approx(0.05)


def test_a_gpu_contract_adds_its_spread_to_the_sites_rate() -> None:
    g = GpuCloudConfig(contracted_share_frac=1.0, counterparty_rating="AAA")
    # AAA option-adjusted spread 0.30% (config/catalogue/credit_spread.csv)
    assert g.contract_discount_rate(0.05) == pytest.approx(0.053)
    own = GpuCloudConfig(contracted_share_frac=1.0, counterparty_rating="AAA", risk_free_rate=0.04)
    assert own.contract_discount_rate(0.05) == pytest.approx(0.043)
    merchant = GpuCloudConfig(contracted_share_frac=0.0, counterparty_rating="AAA")
    assert merchant.contract_discount_rate(0.05) is None
