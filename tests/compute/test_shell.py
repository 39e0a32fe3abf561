"""The lease builder: a hand-worked lease, deal totals, per-path inputs, invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashpivot.compute.conversion import Conversion, FitoutPayer, Phase
from hashpivot.compute.shell import (
    LeaseTerms,
    LeaseType,
    contract_value_usd,
    deal_figures,
    escalation_factor,
    lease_cash_flows,
)
from hashpivot.valuation.cashflow import monthly_rate
from hashpivot.valuation.projects import PowerBasis, ValuationAssumptions, value_lease

START = date(2026, 1, 1)


def _conv(capex_per_mw: float = 1e6, delivery: int = 2) -> Conversion:
    return Conversion(
        gross_mw=12.5,
        pue=1.25,
        phases=(Phase(it_mw=10.0, delivery_month=delivery),),
        construction_months=2,
        shell_capex_usd_per_it_mw=capex_per_mw,
        fitout_capex_usd_per_it_mw=0.0,
    )


def _terms(**kw: object) -> LeaseTerms:
    base = LeaseTerms(
        it_mw=10.0,
        rent_usd_per_kw_month=100.0,
        commencement_month=2,
        term_months=24,
        escalator_frac_per_year=0.03,
        management_fee_frac=0.02,
        non_recoverable_opex_usd_per_it_mw_year=12_000.0,
        opex_escalator_frac_per_year=0.0,
        lease_type=LeaseType.TRIPLE_NET,
        property_tax_usd_per_it_mw_year=0.0,
        insurance_usd_per_it_mw_year=0.0,
        maintenance_opex_usd_per_it_mw_year=0.0,
        maintenance_capex_usd_per_it_mw_year=0.0,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_hand_worked_lease() -> None:
    """10 IT MW at $100/kW-month, 3% escalator, 2-year NNN term, exit at an 8% cap."""
    terms, conv = _terms(), _conv()
    cf = lease_cash_flows(terms, conv, start=START, months=26, exit_cap_rate_frac=0.08)
    # capex $10M spread over the 2 months of works
    assert cf.capex_usd[0, :3].tolist() == pytest.approx([-5e6, -5e6, 0.0])
    # year 1: rent 10,000 kW x $100 = $1.0M; 2% fee $20,000; $12,000/MW-yr x 10 MW / 12
    noi1 = 1_000_000 - 20_000 - 10_000
    noi2 = 1_030_000 - 20_600 - 10_000  # year 2: rent x 1.03
    noi = cf.extras["noi_usd"][0]
    assert noi[:2].tolist() == [0.0, 0.0]
    assert noi[2:14] == pytest.approx([noi1] * 12)
    assert noi[14:26] == pytest.approx([noi2] * 12)
    assert float(cf.extras["noi_first_year_usd"][0]) == pytest.approx(12 * noi1)
    # forward year: renewal at the in-place rent escalated once more: $106.09/kW-month
    fwd = 12 * (1_060_900 - 21_218 - 10_000)
    assert float(cf.extras["forward_noi_usd_per_year"][0]) == pytest.approx(fwd)
    assert cf.terminal_value_usd is not None
    assert float(cf.terminal_value_usd[0]) == pytest.approx(fwd / 0.08)

    flows = [-5e6, -5e6] + [noi1] * 12 + [noi2] * 12
    flows[-1] += fwd / 0.08
    r = float(monthly_rate(0.10))
    a = ValuationAssumptions(
        discount_rate_per_year=0.10, cap_rate_frac=0.08, exit_cap_rate_frac=0.08
    )
    v = value_lease(terms, conv, a, start=START)
    # monthly flows at each month's end: npv of [0, *flows]
    assert float(v.npv_usd[0]) == pytest.approx(npf.npv(r, [0.0, *flows]), rel=1e-10)
    assert (1 + float(v.irr[0])) ** (1 / 12) - 1 == pytest.approx(npf.irr(flows), rel=1e-8)
    # development spread: 11.64M / 8% - 10M = 135.5M = $13.55 per W of IT
    assert float(v.value_created_usd[0]) == pytest.approx(12 * noi1 / 0.08 - 10e6)
    assert float(v.equity_value_created_usd_per_w[0]) == pytest.approx(13.55)
    assert float(v.per_w(v.value_created_usd, PowerBasis.GROSS)[0]) == pytest.approx(13.55 / 1.25)


def test_gross_lease_pays_power_and_recoverables() -> None:
    terms = _terms(
        lease_type=LeaseType.GROSS,
        power_price_usd_per_mwh=50.0,
        it_load_frac=0.8,
        property_tax_usd_per_it_mw_year=24_000.0,
        management_fee_frac=0.0,
        non_recoverable_opex_usd_per_it_mw_year=0.0,
    )
    cf = lease_cash_flows(terms, _conv(), start=START, months=26)
    # power in June 2026 (720 h): 10 MW x 0.8 x PUE 1.25 x 720 h x $50 = $360,000;
    # tax $24,000 x 10 / 12 = $20,000
    assert cf.opex_usd[0, 5] == pytest.approx(-360_000.0 - 20_000.0)
    nnn = lease_cash_flows(
        replace(terms, lease_type=LeaseType.TRIPLE_NET), _conv(), start=START, months=26
    )
    assert nnn.opex_usd[0, 5] == pytest.approx(0.0)
    # vacant after delivery but before commencement: the landlord pays the property tax
    late = lease_cash_flows(
        replace(terms, lease_type=LeaseType.TRIPLE_NET, commencement_month=4),
        _conv(),
        start=START,
        months=28,
    )
    assert late.opex_usd[0, 2] == pytest.approx(-20_000.0)


def test_free_rent_prepayment_and_ramp() -> None:
    terms = _terms(free_rent_months=2, prepayment_months=1, management_fee_frac=0.0)
    cf = lease_cash_flows(terms, _conv(), start=START, months=26)
    rev = cf.revenue_usd[0]
    # prepayment of 1 month ($1.0M) at signing, credited against the first rent due (month 4)
    assert rev[0] == pytest.approx(1_000_000.0)
    assert rev[2:6].tolist() == pytest.approx([0.0, 0.0, 0.0, 1_000_000.0])
    assert rev.sum() == pytest.approx(contract_value_usd(terms))
    ramp = _terms(ramp_months=4)
    billed = lease_cash_flows(ramp, _conv(), start=START, months=26).extras["billed_it_mw"]
    assert billed[2:7].tolist() == pytest.approx([2.5, 5.0, 7.5, 10.0, 10.0])


def test_contract_value_closed_form() -> None:
    # 10 years, 3% escalator: sum of 1.03^y for y < 10 = 11.4638793...
    t = _terms(term_months=120, it_mw=60.0, rent_usd_per_kw_month=125.0)
    factor = sum(1.03**y for y in range(10))
    assert contract_value_usd(t) == pytest.approx(60_000 * 125 * 12 * factor)
    figs = deal_figures(t, 1.1e9)
    assert figs["average_rent_usd_per_kw_month"] == pytest.approx(125 * factor / 10)
    assert figs["contract_value_gap_frac"] == pytest.approx(60_000 * 125 * 12 * factor / 1.1e9 - 1)


def test_escalation_factor_steps_on_anniversaries() -> None:
    assert escalation_factor([-1, 0, 11, 12, 24], 0.03).tolist() == pytest.approx(
        [0.0, 1.0, 1.0, 1.03, 1.03**2]
    )


def test_paths_match_single_runs_and_market_rent_renewal() -> None:
    terms = _terms(renewal_options=1, renewals_assumed=1, renewal_term_months=12)
    months = terms.lease_end_month
    mult = np.array([1.0, 0.5, 1.2])
    many = lease_cash_flows(terms, _conv(), start=START, months=months, rent_multiplier=mult)
    for i, k in enumerate(mult):
        one = lease_cash_flows(terms, _conv(), start=START, months=months, rent_multiplier=k)
        assert np.allclose(many.revenue_usd[i], one.revenue_usd[0])
    market = np.full((2, months), 150.0)
    market[1] = 80.0
    cf = lease_cash_flows(
        terms, _conv(), start=START, months=months, market_rent_usd_per_kw_month=market
    )
    rent = cf.extras["rent_usd_per_kw_month"]
    renewal_start = 2 + 24
    assert rent[0, renewal_start] == pytest.approx(150.0)
    assert rent[1, renewal_start] == pytest.approx(80.0)
    assert rent[0, renewal_start - 1] == pytest.approx(103.0)


@given(st.floats(10.0, 300.0), st.floats(1.0, 50.0))
@settings(max_examples=30, deadline=None)
def test_more_rent_never_lowers_value(rent: float, extra: float) -> None:
    a = ValuationAssumptions(
        discount_rate_per_year=0.1, cap_rate_frac=0.07, exit_cap_rate_frac=0.07
    )
    lo = value_lease(_terms(rent_usd_per_kw_month=rent), _conv(), a, start=START)
    hi = value_lease(_terms(rent_usd_per_kw_month=rent + extra), _conv(), a, start=START)
    assert hi.npv_usd[0] > lo.npv_usd[0]
    assert hi.value_created_usd[0] > lo.value_created_usd[0]


def test_tenant_fitout_lowers_landlord_capex() -> None:
    conv = replace(_conv(), fitout_capex_usd_per_it_mw=7e6, fitout_paid_by=FitoutPayer.TENANT)
    cf = lease_cash_flows(_terms(), conv, start=START, months=26)
    assert cf.capex_usd.sum() == pytest.approx(-10e6)  # only the landlord's shell


def test_lease_flows_are_affine_in_the_rent_multiplier_with_prepayment() -> None:
    """cf(s) = A + s x B exactly (the decision engine's lease template relies on it): check
    cf(0.5) against the line through cf(1) and cf(2), with a 12-month prepayment."""
    from hashpivot.compute.conversion import Conversion, Phase
    from hashpivot.compute.shell import LeaseTerms, lease_cash_flows

    conv = Conversion(
        gross_mw=120.0,
        pue=1.2,
        phases=(Phase(delivery_month=12, it_mw=100.0),),
        construction_months=12,
        shell_capex_usd_per_it_mw=2e6,
        fitout_capex_usd_per_it_mw=6e6,
    )
    terms = LeaseTerms(
        it_mw=100.0,
        rent_usd_per_kw_month=125.0,
        commencement_month=12,
        term_months=120,
        prepayment_months=12,
        management_fee_frac=0.02,
        property_tax_usd_per_it_mw_year=0.0,
        insurance_usd_per_it_mw_year=0.0,
        maintenance_opex_usd_per_it_mw_year=0.0,
        maintenance_capex_usd_per_it_mw_year=0.0,
    )
    start = date(2026, 1, 1)

    def net(s: float) -> np.ndarray:
        cf = lease_cash_flows(terms, conv, start=start, months=60, rent_multiplier=s)
        return np.asarray(cf.revenue_usd + cf.opex_usd + cf.capex_usd)[0]

    one, two = net(1.0), net(2.0)
    np.testing.assert_allclose(net(0.5), one + (0.5 - 1.0) * (two - one), rtol=1e-12, atol=1e-3)
