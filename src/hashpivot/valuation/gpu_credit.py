"""The contracted share of a GPU cloud at its counterparty's credit.

Convention (docs/methodology.md, "Counterparty credit"): the take-or-pay revenue of the
contracted share (prepayment included) is discounted at ``risk-free + the counterparty's credit
spread`` (the rate its bonds would carry); everything else (merchant revenue, opex, capex,
terminal value) at the valuation rate. NPV is linear in the flows, so
``NPV = PV_site(all flows) + PV_contract(contracted) - PV_site(contracted)``; the NPV
decomposition splits revenue into ``revenue_contracted`` (at the contract rate) and
``revenue_merchant`` (at the valuation rate), and the parts still sum to the NPV.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import monthly_rate, npv_end_of_month

if TYPE_CHECKING:
    from hashpivot.valuation.projects import ProjectValuation

__all__ = ["contract_credit_adjustment_usd", "with_contract_credit"]


def contract_credit_adjustment_usd(
    contracted_usd: ArrayLike, discount_rate_per_year: float, contract_rate_per_year: float | None
) -> tuple[FloatArray, FloatArray]:
    """``(PV of the contracted flows at the contract rate, that minus their PV at the valuation
    rate)`` [USD], each ``(paths,)``; ``contracted_usd`` ``(paths, months)`` [USD], end-of-month
    flows, rates annual [1/year] compounded monthly ``(1 + r) ** (1/12) - 1``. Without a
    contract rate the adjustment is 0."""
    c = np.atleast_2d(np.asarray(contracted_usd, dtype=np.float64))
    pv_site = npv_end_of_month(monthly_rate(discount_rate_per_year), c)
    if contract_rate_per_year is None:
        return pv_site, np.zeros_like(pv_site)
    pv_contract = npv_end_of_month(monthly_rate(contract_rate_per_year), c)
    return pv_contract, pv_contract - pv_site


def with_contract_credit(
    v: ProjectValuation,
    contracted_usd: ArrayLike,
    discount_rate_per_year: float,
    contract_rate_per_year: float | None,
) -> ProjectValuation:
    """``v`` with its contracted flows ``contracted_usd`` [USD] revalued at
    ``contract_rate_per_year`` [1/year]: NPV, value, value created (and the equity's without
    debt) move by the adjustment; the decomposition's ``revenue`` becomes
    ``revenue_contracted`` + ``revenue_merchant``. The levered figures are unchanged (the
    equity's flows at the equity rate)."""
    pv_contract, adj = contract_credit_adjustment_usd(
        contracted_usd, discount_rate_per_year, contract_rate_per_year
    )
    parts = dict(v.npv_decomposition_usd or {})
    if "revenue" in parts:
        revenue = parts.pop("revenue")
        merchant = revenue - (pv_contract - adj)
        parts = {"revenue_contracted": pv_contract, "revenue_merchant": merchant, **parts}
    return replace(
        v,
        npv_usd=v.npv_usd + adj,
        value_usd=v.value_usd + adj,
        value_created_usd=v.value_created_usd + adj,
        equity_value_created_usd=(
            v.equity_value_created_usd + adj
            if v.levered_npv_usd is None
            else v.equity_value_created_usd
        ),
        npv_decomposition_usd=parts,
    )
