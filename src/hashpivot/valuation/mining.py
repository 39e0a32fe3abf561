"""Value the mining path: NPV, breakevens, payback, and a monthly table.

Breakevens are measured over the first 12 months of the projection (or the horizon if
shorter), the numbers a CFO quotes "today": the power price, BTC price or hashprice at which
those months' EBITDA (revenue - power - other opex) is zero with the fleet running (at the
uptime it has before the monthly shutdown rule, at the power price the costs assume).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hashpivot.calendar import month_starts
from hashpivot.mining.economics import (
    breakeven_btc_price_usd,
    breakeven_hashprice_usd_per_ph_day,
)
from hashpivot.mining.projection import MiningResult
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import monthly_rate, npv_end_of_month, payback_months

BREAKEVEN_WINDOW_MONTHS = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class MiningValuation:
    """Per-path results (arrays of shape ``(paths,)``); USD nominal."""

    npv_usd: FloatArray
    ebitda_total_usd: FloatArray
    btc_mined_total: FloatArray
    breakeven_power_usd_per_mwh: FloatArray
    breakeven_btc_usd: FloatArray
    breakeven_hashprice_usd_per_ph_day: FloatArray
    payback_months: FloatArray
    fleet_value_usd: float


def value_mining(result: MiningResult) -> MiningValuation:
    """NPV at the site's discount rate, first-year breakevens and fleet payback, per path."""
    site = result.site
    cf = result.cash_flows
    w = min(BREAKEVEN_WINDOW_MONTHS, cf.months)
    # Breakevens are those of running the fleet (at the uptime it would have before the
    # monthly shutdown rule), so a site that is switched off still gets its thresholds.
    u = result.running_uptime_frac[:, :w]
    th = result.fleet_hashrate_th_s[None, :w]
    days = result.chain.days[None, :w]
    keep = 1.0 - site.pool_fee_frac
    ph_days = (th / 1000.0 * u * days).sum(axis=1)
    btc = (result.hashvalue_btc_per_ph_day[:, :w] * th / 1000.0 * u * days).sum(axis=1) * keep
    revenue = (result.hashprice_usd_per_ph_day[:, :w] * th / 1000.0 * u * days).sum(axis=1) * keep
    energy_m = site.fleet.power_mw * u * days * 24.0 / (1.0 - site.overhead_frac)
    energy = energy_m.sum(axis=1)
    power = (energy_m * result.power_price_usd_per_mwh[:, :w]).sum(axis=1)
    other = result.other_opex_usd[:, :w].sum(axis=1)
    # Hashprice breakeven: the hashprice (before pool fee) at which revenue = power + other.
    be_hashprice = breakeven_hashprice_usd_per_ph_day(power + other, ph_days, site.pool_fee_frac)
    be_power = np.divide(
        revenue - other, energy, out=np.full_like(revenue, np.nan), where=energy > 0
    )
    fleet_value = site.fleet_capex_usd
    # payback of the fleet: the fleet's value at the start, then each month's EBITDA at its end
    fleet_flows = cf.ebitda_usd.copy()
    fleet_flows[:, 0] -= fleet_value
    return MiningValuation(
        npv_usd=npv_end_of_month(monthly_rate(site.discount_rate), cf.net_usd),
        ebitda_total_usd=cf.ebitda_usd.sum(axis=1),
        btc_mined_total=result.btc_mined.sum(axis=1),
        breakeven_power_usd_per_mwh=be_power,
        breakeven_btc_usd=breakeven_btc_price_usd(power + other, btc),
        breakeven_hashprice_usd_per_ph_day=be_hashprice,
        payback_months=payback_months(fleet_flows, flows_at_period_end=True),
        fleet_value_usd=fleet_value,
    )


def monthly_rows(result: MiningResult, path: int = 0) -> list[dict[str, Any]]:
    """One dict per month for one path (the deterministic case has one)."""
    cf = result.cash_flows
    rows = []
    for j, month in enumerate(month_starts(result.site.start, cf.months)):
        rows.append(
            {
                "month": f"{month:%Y-%m}",
                "btc_price_usd": float(result.btc_price_usd[path, j]),
                "network_hashrate_eh_s": float(result.network_hashrate_eh_s[path, j]),
                "difficulty": float(result.chain.difficulty_mean[path, j]),
                "block_height_end": float(result.chain.height_end[path, j]),
                "blocks": float(result.chain.blocks[path, j]),
                "hashprice_usd_per_ph_day": float(result.hashprice_usd_per_ph_day[path, j]),
                "btc_mined": float(result.btc_mined[path, j]),
                "revenue_usd": float(cf.revenue_usd[path, j]),
                "power_cost_usd": float(result.power_cost_usd[path, j]),
                "other_opex_usd": float(result.other_opex_usd[path, j]),
                "ebitda_usd": float(cf.ebitda_usd[path, j]),
                "capex_usd": float(cf.capex_usd[path, j]),
                "uptime_frac": float(result.uptime_frac[path, j]),
            }
        )
    return rows
