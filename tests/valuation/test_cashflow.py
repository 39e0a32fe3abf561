"""NPV, IRR, XIRR, payback, MOIC against numpy-financial / pyxirr and hand calculations."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hashpivot.valuation.cashflow import (
    IrrStatus,
    annual_rate,
    annual_sums,
    cash_yield,
    irr,
    irr_annual,
    moic,
    monthly_rate,
    npv,
    payback_months,
    xirr,
    xnpv,
)

money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
# inflows of at least a cent (or none): sub-cent floats (down to 1e-308) are not money
inflow = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e6))


@st.composite
def conventional_flows(draw: st.DrawFn) -> list[float]:
    """An investment: one outflow first, then non-negative inflows (one sign change)."""
    n = draw(st.integers(min_value=1, max_value=40))
    first = -draw(st.floats(min_value=1.0, max_value=1e6))
    rest = draw(st.lists(inflow, min_size=n, max_size=n))
    assume(sum(rest) > 0)
    return [first, *rest]


def test_monthly_rate_compounds_to_the_annual_rate() -> None:
    # (1 + 0.12) ** (1/12) - 1 = 0.00948879...; twelve of them give 12% exactly
    r = float(monthly_rate(0.12))
    assert r == pytest.approx(0.009488792934583046, rel=1e-12)
    assert (1 + r) ** 12 - 1 == pytest.approx(0.12, rel=1e-12)
    assert float(annual_rate(r)) == pytest.approx(0.12, rel=1e-12)


def test_sign_convention_outflow_first_gives_positive_irr() -> None:
    # pay 100 today, receive 110 in one period: IRR +10%, NPV at 5% = -100 + 110/1.05
    cf = [-100.0, 110.0]
    assert float(irr(cf).rate) == pytest.approx(0.10, abs=1e-12)
    assert float(npv(0.05, cf)) == pytest.approx(-100 + 110 / 1.05, rel=1e-12)
    # the same flows with signs flipped (a borrower's view) keep the IRR, flip the NPV
    assert float(npv(0.05, [100.0, -110.0])) == pytest.approx(100 - 110 / 1.05, rel=1e-12)


def test_npv_hand_example() -> None:
    # -1000 + 300/1.1 + 400/1.1^2 + 500/1.1^3 = -21.036814...
    assert float(npv(0.1, [-1000, 300, 400, 500])) == pytest.approx(-21.036814425244188)


@given(st.floats(min_value=-0.5, max_value=1.0), st.lists(money, min_size=1, max_size=60))
@settings(max_examples=150, deadline=None)
def test_npv_matches_numpy_financial(rate: float, flows: list[float]) -> None:
    expected = npf.npv(rate, flows)
    assert float(npv(rate, flows)) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(conventional_flows())
@settings(max_examples=150, deadline=None)
def test_irr_matches_numpy_financial_and_zeroes_npv(flows: list[float]) -> None:
    expected = npf.irr(flows)
    assume(np.isfinite(expected) and -0.99 < expected < 900)
    res = irr(flows)
    assert str(res.status) == IrrStatus.OK
    assert float(res.rate) == pytest.approx(expected, rel=1e-7, abs=1e-9)
    scale = sum(abs(x) for x in flows)
    assert abs(float(npv(res.rate, flows))) <= 1e-8 * scale


@given(st.lists(conventional_flows(), min_size=2, max_size=6))
@settings(max_examples=40, deadline=None)
def test_irr_rows_are_independent(rows: list[list[float]]) -> None:
    n = max(len(r) for r in rows)
    arr = np.array([r + [0.0] * (n - len(r)) for r in rows])
    together = irr(arr)
    for i, row in enumerate(arr):
        alone = irr(row)
        if np.isnan(alone.rate):
            assert np.isnan(together.rate[i])
        else:
            assert together.rate[i] == pytest.approx(float(alone.rate), rel=1e-9, abs=1e-12)
        assert together.status[i] == alone.status


def test_irr_reasons_where_undefined() -> None:
    res = irr(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, np.nan, 2.0], [-1.0, 0.5, 0.6]]))
    assert list(res.status[:3]) == [
        IrrStatus.NO_SIGN_CHANGE,
        IrrStatus.NO_SIGN_CHANGE,
        IrrStatus.NON_FINITE,
    ]
    assert np.all(np.isnan(res.rate[:3]))
    assert res.status[3] == IrrStatus.OK
    # -1 + 0.5x + 0.6x^2 = 0 -> x = 0.9067..., r = 1/x - 1
    x = (-0.5 + np.sqrt(0.25 + 2.4)) / 1.2
    assert res.rate[3] == pytest.approx(1 / x - 1, rel=1e-10)


def test_irr_multiple_roots_flagged_and_nearest_zero() -> None:
    # -100 + 230/(1+r) - 132/(1+r)^2 = 0 has roots r = 10% and r = 20%
    res = irr([-100.0, 230.0, -132.0])
    assert res.status == IrrStatus.MULTIPLE_ROOTS
    assert float(res.rate) == pytest.approx(0.10, abs=1e-10)
    assert float(res.rate) == pytest.approx(npf.irr([-100.0, 230.0, -132.0]), abs=1e-10)


def test_irr_annual_of_monthly_flows() -> None:
    # 1% a month for 12 months in one lump: (1.01)^12 - 1 = 12.6825...% a year
    cf = np.zeros(13)
    cf[0], cf[12] = -100.0, 100.0 * 1.01**12
    assert float(irr_annual(cf).rate) == pytest.approx(1.01**12 - 1, rel=1e-10)


@given(
    st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=12),
    st.data(),
)
@settings(max_examples=80, deadline=None)
def test_xirr_matches_pyxirr(gaps: list[int], data: st.DataObject) -> None:
    d0 = date(2025, 1, 15)
    dates = [d0]
    for g in gaps:
        dates.append(dates[-1] + timedelta(days=g))
    first = -data.draw(st.floats(min_value=1.0, max_value=1e6))
    rest = data.draw(st.lists(inflow, min_size=len(gaps), max_size=len(gaps)))
    assume(sum(rest) > 0)
    flows = [first, *rest]
    expected = pyxirr.xirr(dates, flows)
    assume(expected is not None and -0.99 < expected < 100)
    got = float(xirr(dates, flows).rate)
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-8)
    assert float(xnpv(got, dates, flows)) == pytest.approx(0.0, abs=1e-7 * sum(map(abs, flows)))
    assert float(xnpv(0.07, dates, flows)) == pytest.approx(
        pyxirr.xnpv(0.07, dates, flows), rel=1e-9, abs=1e-6
    )


def test_payback_hand_examples() -> None:
    # cumulative: -100, -50, 0, 50 -> non-negative for good from t = 2
    assert float(payback_months([-100.0, 50.0, 50.0, 50.0])) == 2.0
    # dips negative again at the end: never pays back for good
    assert np.isnan(payback_months([-100.0, 150.0, -100.0]))
    assert float(payback_months([5.0, 5.0])) == 0.0
    # discounted at 10%: -100, +60/1.1 = 54.5, +60/1.21 = 49.6 -> cumulative >= 0 at t = 2
    assert float(payback_months([-100.0, 60.0, 60.0], 0.1)) == 2.0
    both = payback_months(np.array([[-100.0, 50.0, 50.0, 50.0], [-100.0, 10.0, 10.0, 10.0]]))
    assert both[0] == 2.0 and np.isnan(both[1])


def test_payback_with_month_end_flows_counts_the_month_of_the_flow() -> None:
    """Flows at the end of months 1, 2, 3 (columns 0, 1, 2): -100, +50, +50 pay back at the end
    of month 3, three months from the valuation date (the column index is 2)."""
    assert float(payback_months([-100.0, 50.0, 50.0])) == 2.0
    assert float(payback_months([-100.0, 50.0, 50.0], flows_at_period_end=True)) == 3.0
    assert float(payback_months([5.0, 5.0], flows_at_period_end=True)) == 0.0
    assert np.isnan(payback_months([-100.0, 50.0], flows_at_period_end=True))


def test_moic_and_yields_and_annual_sums() -> None:
    assert float(moic([-100.0, -50.0, 60.0, 240.0])) == pytest.approx(2.0)
    assert np.isnan(moic([1.0, 2.0]))
    assert float(cash_yield(10.0, 100.0)) == pytest.approx(0.10)
    sums = annual_sums(np.arange(30.0))
    assert sums.tolist() == [sum(range(12)), sum(range(12, 24))]


@given(st.lists(money, min_size=2, max_size=30), st.floats(-3, 3), st.floats(0.0, 0.5))
@settings(max_examples=60, deadline=None)
def test_npv_is_linear_in_cash_flows(flows: list[float], k: float, rate: float) -> None:
    a = np.array(flows)
    b = a[::-1].copy()
    lhs = npv(rate, k * a + b)
    rhs = k * npv(rate, a) + npv(rate, b)
    assert float(lhs) == pytest.approx(float(rhs), rel=1e-9, abs=1e-4)
