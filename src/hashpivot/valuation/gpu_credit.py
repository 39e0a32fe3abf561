"""The contracted share of a GPU cloud at its counterparty's credit.

Convention (docs/methodology.md, "Counterparty credit"): the contracted share's NET flows - the
take-or-pay revenue (prepayment included) less the share of opex and capex that serves the
contract (``contracted_cost_share``, compute/gpu_cloud.py) - are discounted at ``risk-free +
the counterparty's credit spread`` (the rate its bonds would carry); the merchant share (its
revenue, the rest of opex and capex) and the terminal value at the valuation rate. Discounting
only the revenue at the lower rate while the outlays that earn it stay at the higher one would
shrink those outlays' present value and inflate the NPV. NPV is linear in the flows, so
``NPV = PV_site(all flows) + PV_contract(contracted net) - PV_site(contracted net)``; the NPV
decomposition gives ``revenue_contracted`` (at the contract rate), ``revenue_merchant``,
``opex`` and ``capex`` (each the sum of its contracted share at the contract rate and the rest
at the valuation rate), ``terminal_value`` (valuation rate); the parts sum to the NPV, and
``npv_all_at_site_rate_usd`` is the NPV with every flow at the valuation rate.
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
    """``(PV of the contracted net flows at the contract rate, that minus their PV at the
    valuation rate)`` [USD], each ``(paths,)``; ``contracted_usd`` ``(paths, months)`` [USD],
    end-of-month flows, rates annual [1/year] compounded monthly ``(1 + r) ** (1/12) - 1``.
    Without a contract rate the adjustment is 0.

    Hand case: one month, revenue R, cost C at r_c: ``PV = (R - C) / (1 + r_c) ** (1/12)``."""
    c = np.atleast_2d(np.asarray(contracted_usd, dtype=np.float64))
    pv_site = npv_end_of_month(monthly_rate(discount_rate_per_year), c)
    if contract_rate_per_year is None:
        return pv_site, np.zeros_like(pv_site)
    pv_contract = npv_end_of_month(monthly_rate(contract_rate_per_year), c)
    return pv_contract, pv_contract - pv_site


def _split_pv(
    flows_usd: FloatArray, share: FloatArray, r_site: float, r_contract: float
) -> FloatArray:
    """PV [USD] of ``flows_usd`` ``(paths, months)`` whose ``share`` ``(months,)`` is
    discounted at ``r_contract`` and the rest at ``r_site`` (monthly rates)."""
    s = share[None, :]
    return np.asarray(
        npv_end_of_month(r_contract, flows_usd * s) + npv_end_of_month(r_site, flows_usd * (1 - s)),
        dtype=np.float64,
    )


def _parts(
    v: ProjectValuation,
    contracted_revenue_usd: FloatArray,
    cost_share: FloatArray,
    r_site: float,
    r_contract: float,
) -> dict[str, FloatArray]:
    """The NPV decomposition with the contracted share at ``r_contract`` (monthly rates)."""
    parts = dict(v.npv_decomposition_usd or {})
    cf = v.cash_flows
    if cf is None or "revenue" not in parts:
        return parts
    paths = v.npv_usd.shape[0]

    def pv(r: float, x: FloatArray) -> FloatArray:
        return np.broadcast_to(npv_end_of_month(r, x), (paths,)).copy()

    rev = np.atleast_2d(cf.revenue_usd)
    parts.pop("revenue")
    out = {
        "revenue_contracted": pv(r_contract, contracted_revenue_usd),
        "revenue_merchant": pv(r_site, rev - contracted_revenue_usd),
    }
    for key, flows in (("opex", cf.opex_usd), ("capex", cf.capex_usd)):
        split = _split_pv(np.atleast_2d(flows), cost_share, r_site, r_contract)
        parts[key] = np.broadcast_to(split, (paths,)).copy()
    return {**out, **parts}


def with_contract_credit(
    v: ProjectValuation,
    contracted_revenue_usd: ArrayLike,
    cost_share: ArrayLike,
    discount_rate_per_year: float,
    contract_rate_per_year: float | None,
) -> ProjectValuation:
    """``v`` with its contracted share revalued at ``contract_rate_per_year`` [1/year]: the
    net flows ``contracted_revenue_usd`` [USD] ``(paths, months)`` less ``cost_share``
    [fraction] ``(months,)`` of ``v``'s opex and capex. NPV, value, value created (and the
    equity's without debt) move by the adjustment; ``npv_all_at_site_rate_usd`` keeps the NPV
    at the valuation rate; the decomposition splits revenue into ``revenue_contracted`` +
    ``revenue_merchant`` and discounts each line's contracted share at the contract rate.
    The levered figures are unchanged (the equity's flows at the equity rate)."""
    rev_c = np.atleast_2d(np.asarray(contracted_revenue_usd, dtype=np.float64))
    share = np.asarray(cost_share, dtype=np.float64)
    net_c = rev_c
    if v.cash_flows is not None:
        cf = v.cash_flows
        net_c = rev_c + share[None, :] * (np.atleast_2d(cf.opex_usd) + np.atleast_2d(cf.capex_usd))
    _, adj = contract_credit_adjustment_usd(net_c, discount_rate_per_year, contract_rate_per_year)
    r_site = float(monthly_rate(discount_rate_per_year))
    r_contract = (
        r_site if contract_rate_per_year is None else float(monthly_rate(contract_rate_per_year))
    )
    return replace(
        v,
        npv_usd=v.npv_usd + adj,
        npv_all_at_site_rate_usd=v.npv_usd,
        value_usd=v.value_usd + adj,
        value_created_usd=v.value_created_usd + adj,
        equity_value_created_usd=(
            v.equity_value_created_usd + adj
            if v.levered_npv_usd is None
            else v.equity_value_created_usd
        ),
        npv_decomposition_usd=_parts(v, rev_c, share, r_site, r_contract),
    )
