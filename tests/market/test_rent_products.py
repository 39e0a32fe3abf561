"""Rent markets per product: levels recomputed by hand from the signed-deal table
(market-facts.md), the one-factor correlation, and the site's product in the 6 x 6 matrix."""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.errors import InputError
from hashpivot.market.rent_products import (
    PRODUCTS,
    RentProduct,
    deal_year1_rent_usd_per_kw_month,
    for_product,
    product_correlation,
    rent_deals,
    simulate_products,
)
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, simulate


def _year1(value_usd: float, years: float, it_mw: float) -> float:
    """market-facts.md: average = value / term / IT MW; year 1 = average / (escalator factor),
    3%/yr: (1.03^T - 1) / (0.03 T)."""
    average = value_usd / years / (it_mw * 1000.0) / 12.0
    return average / ((1.03**years - 1.0) / (0.03 * years))


def test_the_escalator_factors_are_the_tables() -> None:
    # market-facts.md: / 1.15 (10 y), / 1.24 (15 y), / 1.46 (25 y)
    for years, factor in ((10, 1.15), (15, 1.24), (25, 1.46)):
        avg = deal_year1_rent_usd_per_kw_month(12e6 * years, years, 1.0, 0.0)
        assert avg == pytest.approx(1000.0)
        assert avg / deal_year1_rent_usd_per_kw_month(
            12e6 * years, years, 1.0, 0.03
        ) == pytest.approx(factor, abs=0.005)


def test_the_product_levels_are_the_deal_tables_medians_by_hand() -> None:
    # powered shell: Core Scientific - CoreWeave $8.7B / 12 y / 500 MW = $120.83 average,
    # / 1.1827 = $102.17; Cipher - AWS $5.5B / 15 y / (300 gross / PUE 1.2 = 250 IT MW)
    # = $122.22, / 1.2399 = $98.57; median = mean of the two = $100.37
    core, aws = _year1(8.7e9, 12, 500), _year1(5.5e9, 15, 250)
    assert core == pytest.approx(102.17, abs=0.01) and aws == pytest.approx(98.57, abs=0.01)
    shell = PRODUCTS[RentProduct.POWERED_SHELL].level_usd_per_kw_month
    assert shell == pytest.approx((core + aws) / 2, rel=1e-12)
    assert shell == pytest.approx(100.37, abs=0.01)
    # AI hall: 8 leases; sorted year-1 rents 84.0 (Galaxy Helios) 112.0 123.2 128.0 129.2
    # 129.8 133.3 135.3 -> median (128.0 + 129.2) / 2
    hall = [
        _year1(11e9, 15, 400),  # Applied Digital PF1: 152.78 / 1.2399 = 123.22
        _year1(5e9, 15, 200),  # Applied Digital PF2: 138.89 / 1.2399 = 112.02
        _year1(3e9, 10, 168),  # Cipher Barber Lake: 148.81 / 1.1464 = 129.81
        _year1(1.1e9, 10, 60),  # TeraWulf Core42: 152.78 / 1.1464 = 133.27 (disclosed $125)
        _year1(6.7e9, 10, 360),  # TeraWulf Lake Mariner: 155.09 / 1.1464 = 135.29
        _year1(9.5e9, 25, 168),  # TeraWulf Abernathy: 188.49 / 1.4584 = 129.24
        _year1(7e9, 15, 245),  # Hut 8 River Bend: 158.73 / 1.2399 = 128.02
        _year1(15e9, 15, 800),  # Galaxy Helios: 104.17 / 1.2399 = 84.01
    ]
    assert hall[0] == pytest.approx(123.22, abs=0.01)
    assert hall[-1] == pytest.approx(84.01, abs=0.01)
    level = PRODUCTS[RentProduct.AI_HALL].level_usd_per_kw_month
    assert level == pytest.approx(statistics.median(hall), rel=1e-12)
    assert level == pytest.approx((128.02 + 129.24) / 2, abs=0.01)
    # colocation: CBRE 2025 average
    assert PRODUCTS[RentProduct.COLOCATION].level_usd_per_kw_month == 195.0
    assert len(rent_deals()) == 10  # IREN - Microsoft is a GPU cloud, not a lease


def test_every_product_names_a_dated_source() -> None:
    for m in PRODUCTS.values():
        assert m.source and m.as_of
        assert m.process.long_run_level == m.level_usd_per_kw_month


def test_the_joint_simulation_has_the_documented_correlation() -> None:
    months, paths = 2, 200_000
    out = simulate_products(months, paths, np.random.default_rng(11))
    shocks = [np.log(out[p][:, 1] / out[p][:, 0]) for p in RentProduct]
    got = np.corrcoef(shocks)
    want = product_correlation()
    # rho_ps 0.8, rho_ai 0.9, rho_colo 0.7: 0.72, 0.56, 0.63 (sd of a correlation ~ 1/sqrt(n))
    assert want[0, 1] == pytest.approx(0.72) and want[0, 2] == pytest.approx(0.56)
    np.testing.assert_allclose(got, want, atol=0.01)
    for p in RentProduct:
        assert np.all(out[p][:, 0] == PRODUCTS[p].level_usd_per_kw_month)


@given(st.sampled_from(list(RentProduct)))
def test_the_sites_product_loads_the_common_shock(product: RentProduct) -> None:
    p, s = for_product(DEFAULT_PARAMS, StartState.late_2025(), product)
    assert p.rent_loading == PRODUCTS[product].loading
    assert p.correlation == DEFAULT_PARAMS.correlation  # the common shock's, unchanged
    assert s.rent_usd_per_kw_month == PRODUCTS[product].level_usd_per_kw_month
    assert p.rent == PRODUCTS[product].process


def _shocks(x: np.ndarray) -> np.ndarray:
    """Monthly log changes of a level path, first step (from the start: no reversion yet)."""
    return np.log(x[:, 1] / x[:, 0])


def test_every_other_path_is_the_same_whatever_the_product() -> None:
    start = StartState.late_2025()
    runs = {}
    for product in RentProduct:
        p, s = for_product(DEFAULT_PARAMS, start, product)
        runs[product] = simulate(p, s, 3, 50_000, np.random.default_rng(5))
    a, b = runs[RentProduct.AI_HALL], runs[RentProduct.POWERED_SHELL]
    for name in ("btc_price_usd", "network_hashrate_eh_s", "gpu_rate_usd_per_gpu_hour"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    # each index correlates rho_p x 0.30 with the GPU rate, and rho_p rho_q with another
    gpu = _shocks(a.gpu_rate_usd_per_gpu_hour)
    rent = {q: _shocks(r.rent_usd_per_kw_month) for q, r in runs.items()}
    for q in RentProduct:
        rho = PRODUCTS[q].loading
        assert np.corrcoef(rent[q], gpu)[0, 1] == pytest.approx(0.30 * rho, abs=0.015)
    got = np.corrcoef(rent[RentProduct.AI_HALL], rent[RentProduct.COLOCATION])[0, 1]
    assert got == pytest.approx(0.9 * 0.7, abs=0.015)


def test_a_deal_without_megawatts_is_an_input_error() -> None:
    with pytest.raises(InputError) as exc:
        deal_year1_rent_usd_per_kw_month(1e9, 10, 0.0, 0.03)
    assert exc.value.field == "it_mw"
