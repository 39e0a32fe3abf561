"""MACRS against IRS Publication 946 Table A-1; straight line; income tax with NOLs."""

from __future__ import annotations

import numpy as np
import pytest

from hashpivot.valuation.tax import (
    DepreciationMethod,
    depreciation_kernel_monthly,
    depreciation_usd,
    income_tax_usd,
    macrs_half_year_fractions,
    straight_line_fractions,
)

# IRS Publication 946 (2024), Table A-1, GDS half-year convention, percent of basis
IRS_TABLE_A1 = {
    3: [33.33, 44.45, 14.81, 7.41],
    5: [20.00, 32.00, 19.20, 11.52, 11.52, 5.76],
    7: [14.29, 24.49, 17.49, 12.49, 8.93, 8.92, 8.93, 4.46],
    10: [10.00, 18.00, 14.40, 11.52, 9.22, 7.37, 6.55, 6.55, 6.56, 6.55, 3.28],
    15: [
        5.00,
        9.50,
        8.55,
        7.70,
        6.93,
        6.23,
        5.90,
        5.90,
        5.91,
        5.90,
        5.91,
        5.90,
        5.91,
        5.90,
        5.91,
        2.95,
    ],
    20: [
        3.750,
        7.219,
        6.677,
        6.177,
        5.713,
        5.285,
        4.888,
        4.522,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        2.231,
    ],
}


@pytest.mark.parametrize("years", sorted(IRS_TABLE_A1))
def test_macrs_matches_irs_table(years: int) -> None:
    got = macrs_half_year_fractions(years) * 100
    table = np.array(IRS_TABLE_A1[years])
    assert got.shape == table.shape
    # the IRS table is built from rounded year-by-year figures (2 decimals, 3 for 20-year,
    # alternating in the straight-line years so the column sums to 100): agree within
    # 0.01 percentage point; a wrong method (e.g. 150% instead of 200% DB) misses by > 1 point
    assert np.max(np.abs(got - table)) <= 0.01
    assert got.sum() == pytest.approx(100.0, abs=1e-9)


def test_macrs_rejects_unknown_class() -> None:
    with pytest.raises(ValueError, match="MACRS recovery period"):
        macrs_half_year_fractions(6)


def test_straight_line_and_convolution_by_hand() -> None:
    k = straight_line_fractions(0.5)  # 6 months
    assert k.tolist() == pytest.approx([1 / 6] * 6)
    spend = np.zeros((2, 10))
    spend[0, 0] = 600.0  # 100 a month in months 0..5
    spend[1, 8] = 60.0  # 10 a month in months 8, 9 (truncated at the horizon)
    dep = depreciation_usd(spend, k)
    assert dep[0].tolist() == pytest.approx([100.0] * 6 + [0.0] * 4)
    assert dep[1].tolist() == pytest.approx([0.0] * 8 + [10.0, 10.0])


def test_macrs_monthly_kernel_spreads_each_year_over_12_months() -> None:
    k = depreciation_kernel_monthly(DepreciationMethod.MACRS, 5)
    assert k.size == 72
    assert k[:12].sum() == pytest.approx(0.20)
    assert k[12:24].sum() == pytest.approx(0.32)
    assert k.sum() == pytest.approx(1.0)


def test_income_tax_with_loss_carry_forward_by_hand() -> None:
    # month 0: loss 100 -> NOL 100; month 1: income 100, NOL offsets 80% = 80, taxed 20 x 21%
    # month 2: income 50, remaining NOL 20 offsets min(20, 40) = 20, taxed 30 x 21%
    tax = income_tax_usd(np.array([-100.0, 100.0, 50.0]), 0.21)
    assert tax.tolist() == pytest.approx([0.0, -4.2, -6.3])
    # without carry-forward the loss is a benefit at once
    assert income_tax_usd(np.array([-100.0, 100.0]), 0.21, carry_forward=False).tolist() == (
        pytest.approx([21.0, -21.0])
    )
