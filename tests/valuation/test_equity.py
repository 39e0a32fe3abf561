"""$/W, cap-rate value, development spread (Morgan Stanley by hand) and project debt."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.valuation.cashflow import npv
from hashpivot.valuation.equity import (
    Amortisation,
    DebtTerms,
    cap_rate_value_usd,
    debt_schedule,
    development_spread_usd,
    dscr,
    ev_per_mw_usd,
    levered_cash_flows_usd,
    usd_per_w,
    yield_on_cost_frac,
)


def test_morgan_stanley_reconstruction_by_hand() -> None:
    # per IT MW: capex $9.64M; NOI = yield x capex; value created = NOI / cap - capex
    capex = 9.64e6
    hyper = development_spread_usd(0.10 * capex, 0.065, capex)  # 14.8308M - 9.64M
    neo = development_spread_usd(0.14 * capex, 0.0773, capex)  # 17.4592M - 9.64M
    assert float(usd_per_w(hyper, 1.0)) == pytest.approx(5.1908, abs=1e-4)
    assert float(usd_per_w(neo, 1.0)) == pytest.approx(7.8192, abs=1e-4)
    assert float(cap_rate_value_usd(964_000.0, 0.065)) == pytest.approx(14_830_769.23, abs=0.01)
    assert float(yield_on_cost_frac(964_000.0, 9.64e6)) == pytest.approx(0.10)


def test_per_w_and_per_mw_units() -> None:
    assert float(usd_per_w(5.19e8, 100.0)) == pytest.approx(5.19)  # $519M on 100 MW
    assert float(ev_per_mw_usd(1.5e9, 100.0)) == pytest.approx(1.5e7)
    both = usd_per_w(np.array([1e6, 2e6]), 1.0)
    assert both.tolist() == [1.0, 2.0]


def test_annuity_matches_numpy_financial_pmt() -> None:
    """A 12% loan quoted as lenders do (nominal, 1% a month) drawn at the end of month 0:
    no grace -> 36 level payments pmt(0.01, 36, 800) in months 1..36; one month of grace ->
    interest only in month 1, then 35 payments pmt(0.01, 35, 800) in months 2..36."""
    capex = np.zeros(60)
    capex[0] = -1000.0
    r = 0.12 / 12
    s = debt_schedule(capex, DebtTerms(ltc_frac=0.8, rate_per_year=0.12, tenor_months=36))
    assert s.draw_usd[0] == pytest.approx(800.0)
    pay = -npf.pmt(r, 36, 800.0)
    assert pay == pytest.approx(26.5715, abs=1e-4)  # 800 x 0.01 / (1 - 1.01^-36)
    service = -(s.interest_usd + s.principal_usd)
    assert service[0] == 0.0
    np.testing.assert_allclose(service[1:37], pay, rtol=1e-10)
    assert s.balance_usd[36] == pytest.approx(0.0, abs=1e-8) and service[37:].sum() == 0.0
    g = debt_schedule(
        capex, DebtTerms(ltc_frac=0.8, rate_per_year=0.12, tenor_months=36, grace_months=1)
    )
    assert -g.interest_usd[1] == pytest.approx(800 * r) and g.principal_usd[1] == 0.0
    pay35 = -npf.pmt(r, 35, 800.0)
    assert -(g.interest_usd[2] + g.principal_usd[2]) == pytest.approx(pay35, rel=1e-10)
    assert -(g.interest_usd[36] + g.principal_usd[36]) == pytest.approx(pay35, rel=1e-10)
    assert g.balance_usd[36] == pytest.approx(0.0, abs=1e-8)
    assert -(g.principal_usd.sum() + g.payoff_usd.sum()) == pytest.approx(800.0)


@pytest.mark.parametrize("amort", list(Amortisation))
def test_debt_is_worth_par_at_its_own_rate(amort: Amortisation) -> None:
    capex = np.zeros((2, 48))
    capex[0, :6] = -100.0
    capex[1, 2] = -900.0
    terms = DebtTerms(
        ltc_frac=0.7, rate_per_year=0.09, tenor_months=30, amortisation=amort, grace_months=6
    )
    s = debt_schedule(capex, terms)
    # the borrower's flows discounted at the loan rate are worth zero: no value created by debt
    assert np.allclose(npv(0.09 / 12, s.net_usd), 0.0, atol=1e-8)
    assert np.all(s.balance_usd[:, -1] == 0.0)


def test_linear_and_bullet_by_hand() -> None:
    capex = np.zeros(10)
    capex[0] = -100.0
    lin = debt_schedule(
        capex,
        DebtTerms(
            ltc_frac=1.0,
            rate_per_year=0.0,
            tenor_months=5,
            amortisation=Amortisation.LINEAR,
            grace_months=1,
        ),
    )
    # drawn at the end of month 0, a month of grace, repaid in months 2..5 (maturity 0 + 5)
    assert (-lin.principal_usd[:7]).tolist() == pytest.approx([0, 0, 25, 25, 25, 25, 0])
    bul = debt_schedule(
        capex,
        DebtTerms(
            ltc_frac=0.5, rate_per_year=0.0, tenor_months=5, amortisation=Amortisation.BULLET
        ),
    )
    assert bul.principal_usd.sum() == 0.0
    assert bul.payoff_usd[5] == pytest.approx(-50.0)  # at maturity, month 0 + 5
    assert bul.payoff_usd.sum() == pytest.approx(-50.0)


def test_horizon_payoff_and_levered_flows() -> None:
    capex = np.zeros(24)
    capex[0] = -1000.0
    s = debt_schedule(capex, DebtTerms(ltc_frac=0.6, rate_per_year=0.06, tenor_months=120))
    assert s.payoff_usd[-1] < 0  # balance repaid from the exit at the horizon
    lev = levered_cash_flows_usd(capex, s)
    assert lev[0] == pytest.approx(-400.0)  # equity pays the other 40%


def test_dscr_by_hand() -> None:
    cfads = np.full(24, 10.0)  # 120 a year
    ds = np.concatenate([np.full(12, -8.0), np.zeros(12)])  # 96 then none
    cov = dscr(cfads, ds)
    assert cov[0] == pytest.approx(120 / 96)
    assert np.isnan(cov[1])


@given(st.floats(0.0, 0.2), st.integers(2, 240), st.floats(0.1, 1.0))
@settings(max_examples=40, deadline=None)
def test_annuity_repays_exactly(rate: float, tenor: int, ltc: float) -> None:
    capex = np.zeros(tenor + 5)
    capex[0] = -1e6
    s = debt_schedule(capex, DebtTerms(ltc_frac=ltc, rate_per_year=rate, tenor_months=tenor))
    repaid = -(s.principal_usd.sum() + s.payoff_usd.sum())
    assert repaid == pytest.approx(ltc * 1e6, rel=1e-9)
    assert np.all(s.balance_usd >= -1e-6)
