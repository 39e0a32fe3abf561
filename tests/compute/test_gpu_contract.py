"""The take-or-pay contract of a GPU cloud: its GPU-hours through a refresh, its term inside
the horizon, the share of costs serving it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from gpu_fixtures import CONV, SPEC, TERMS
from hashpivot.compute.gpu_cloud import GpuModel, gpu_cloud_cash_flows
from hashpivot.errors import InputError

START = date(2026, 1, 1)
# the fixture's H100 (1,000 GPUs on 1.28 IT MW) and a later generation at twice the kW per GPU:
# a refresh in month 12 (2027-01) buys it, 1.28 MW / 2.56 kW = 500 GPUs
OLD = replace(SPEC, release=date(2023, 3, 1))
NEW = replace(SPEC, model=GpuModel.B200, it_kw_per_gpu=2.56, release=date(2026, 6, 1))
REFRESHED = replace(
    TERMS,
    generations=(OLD, NEW),
    refresh_years=1.0,
    contracted_share_frac=0.4,
    contract_rate_usd_per_gpu_hour=3.0,
    contract_months=24,
)


def test_a_refresh_inside_the_contract_keeps_its_gpu_hours() -> None:
    cf = gpu_cloud_cash_flows(REFRESHED, CONV, start=START, months=24)
    gpus = cf.extras["gpus"]
    assert gpus[0] == 1000.0 and gpus[12] == 500.0
    # the contract sold 40% of the first purchase's 1,000 GPUs for 24 months: 400 throughout
    # (it followed the installed fleet before: 200 after the refresh)
    assert cf.extras["contracted_gpus"].tolist() == [400.0] * 24
    # January 2027 (744 h): 400 x 744 x $3 contracted + (500 - 400) x 744 x 50% x $2 merchant
    assert cf.revenue_usd[0, 12] == pytest.approx(400 * 744 * 3.0 + 100 * 744 * 0.5 * 2.0)
    # the contract's value (and a prepayment on it) is the full term's: 400 x 17,520 h x $3
    assert cf.extras["contract_value_usd"][0] == pytest.approx(400 * 17_520 * 3.0)
    # the share of costs serving the contract: 40% before the refresh, 400 / 500 after
    share = cf.extras["contracted_cost_share"]
    assert share[0] == pytest.approx(0.4) and share[12] == pytest.approx(0.8)


def test_a_contract_larger_than_the_refreshed_fleet_leaves_no_merchant_gpus() -> None:
    t = replace(REFRESHED, contracted_share_frac=0.8)  # 800 contracted, 500 installed
    cf = gpu_cloud_cash_flows(t, CONV, start=START, months=24)
    assert cf.revenue_usd[0, 12] == pytest.approx(800 * 744 * 3.0)
    assert cf.extras["contracted_cost_share"][12] == 1.0


def test_a_contract_ending_after_the_horizon_is_refused() -> None:
    # 24-month contract from month 0 on a 12-month horizon: the prepayment would be credited
    # against 12 months of hours and the other 12 valued at nothing
    with pytest.raises(InputError) as err:
        gpu_cloud_cash_flows(REFRESHED, CONV, start=START, months=12)
    assert err.value.field == "gpu_cloud.contract_years"
    assert err.value.value == 2.0
    assert "at most 1 years" in str(err.value.allowed)


def test_prepayment_is_credited_over_the_whole_contract() -> None:
    # 20% of the contract value arrives in month 0 and is credited pro rata over all its hours
    t = replace(REFRESHED, prepayment_frac=0.2, refresh_years=0.0)
    cf = gpu_cloud_cash_flows(t, CONV, start=START, months=24)
    c = cf.extras["contracted_revenue_usd"][0]
    value = 400 * 17_520 * 3.0
    assert c.sum() == pytest.approx(value)
    assert c[1] == pytest.approx(400 * 672 * 3.0 * 0.8)  # February, 672 h, 80% billed
    assert np.all(c[1:] > 0)
