"""The numbers behind the workbook's model sheets: the engine's deterministic run, taken apart.

:func:`model_data` runs the engine on the site's named deterministic scenario
(:func:`hashpivot.engine.deterministic.run_deterministic`, the run of ``compare
--deterministic``) and rebuilds its batch context on the same path
(:func:`hashpivot.engine.strategies.context.batch_context`), so the workbook can write each
strategy's cash flows as formulas over the parts the engine combines: the market path (BTC
price, the fleet's BTC at full uptime, hours, rent and fleet-value multipliers), the lease
template's flows by age (:meth:`~hashpivot.engine.strategies.LeaseTemplate.values_at_age`) and
the GPU cloud's flows. The engine's NPVs come along as the check the formulas must meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.calendar import month_starts
from hashpivot.compute.conversion import landlord_capex_usd_per_it_mw, mining_share_of_site
from hashpivot.engine.case import CompareCase
from hashpivot.engine.deterministic import run_deterministic
from hashpivot.engine.strategies import BatchContext, StrategyName, prepare
from hashpivot.engine.strategies.context import batch_context
from hashpivot.engine.strategies.lease import (
    LeaseTemplate,
    conversion_values,
    fleet_multiplier_at_sale,
)
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import monthly_rate


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversionData:
    """The lease conversion (shared by ``lease``, ``switch`` and ``split``).

    By age a = 0..H-1 (months since converting): fixed_usd, capex_usd (at the site file's
    capex), fleet_usd (ASIC sale, at today's fleet value), rent_usd (at the contract rent and
    today's market rent), mining_share (share of the site still mining). By months left
    k = 0..H: exit_*_usd, the value at age k of everything after (exit at the cap rate).
    By decision month m = 0..H: sold_at_mult (fleet value multiplier when the ASICs are sold).
    """

    fixed_usd: FloatArray
    capex_usd: FloatArray
    fleet_usd: FloatArray
    rent_usd: FloatArray
    mining_share: FloatArray
    exit_fixed_usd: FloatArray
    exit_capex_usd: FloatArray
    exit_fleet_usd: FloatArray
    exit_rent_usd: FloatArray
    sold_at_mult: FloatArray
    rent_usd_per_kw_month: float
    capex_usd_per_it_mw: float
    it_mw: float
    escalator_frac_per_year: float
    exit_cap_rate_frac: float
    discount_rate_per_year: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelData:
    """One deterministic path, every array over the site's months (H) unless noted.

    months : labels 'YYYY-MM'; btc_price_usd, network_hashrate_eh_s, hashprice_usd_per_ph_day
    btc_full_uptime : BTC the fleet earns at 100% uptime, before the pool fee [BTC]
    run_share : share of the available hours the fleet runs (dispatch, shutdown rule) [0-1]
    hours : hours in each month; power_price_usd_per_mwh : price paid per MWh drawn
    power_cost_usd : the engine's power cost (a take-or-pay contract is not energy x price)
    other_revenue_usd : power sold back, contract settlement; fleet_capex_usd : ASIC purchases
    rent_mult, land_mult, fleet_mult : (H + 1,) at each month's start: the site's rent at
    signing over the lease template's, the rent index over today's (the land's value), the
    fleet's value over its value at the ASIC price
    mine_net_usd : the engine's mining net flows (a check on the formulas)
    fixed_power : the site pays one fixed price (a named input drives the power cost)
    contract_power : the power cost is a take-or-pay payment, not energy x price (values)
    gpu_net_usd, gpu_mining_share : the GPU cloud's own flows (values) and mining share
    gpu_contracted_net_usd : the contracted share's net flows (values, in ``gpu_net_usd``),
        discounted at ``gpu_contract_rate_per_year`` (None: the GPU rate)
    npv_usd : the engine's NPV per strategy (switch: its best fixed month)
    best_month : the switch's best fixed month (H: never); scenario : the scenario's name
    """

    months: list[str]
    btc_price_usd: FloatArray
    network_hashrate_eh_s: FloatArray
    hashprice_usd_per_ph_day: FloatArray
    btc_full_uptime: FloatArray
    run_share: FloatArray
    hours: FloatArray
    power_price_usd_per_mwh: FloatArray
    power_cost_usd: FloatArray
    other_revenue_usd: FloatArray
    fleet_capex_usd: FloatArray
    rent_mult: FloatArray
    land_mult: FloatArray
    fleet_mult: FloatArray
    mine_net_usd: FloatArray
    fixed_power: bool
    contract_power: bool
    conversion: ConversionData | None
    gpu_net_usd: FloatArray | None
    gpu_mining_share: FloatArray | None
    gpu_discount_rate_per_year: float
    gpu_contracted_net_usd: FloatArray | None
    gpu_contract_rate_per_year: float | None
    npv_usd: dict[str, float]
    best_month: int | None
    scenario: str

    @property
    def horizon(self) -> int:
        return len(self.months)


def _conversion(case: CompareCase, ctx: BatchContext) -> ConversionData | None:
    """The lease conversion's parts on the deterministic path (None without a lease)."""
    lo = case.lease
    if lo is None:
        return None
    h = case.horizon
    template = ctx.prepared[StrategyName.LEASE]
    assert isinstance(template, LeaseTemplate)
    parts = conversion_values(ctx).parts
    n_t = template.fixed_usd.size
    r = float(monthly_rate(lo.discount_rate_per_year))
    disc_t = (1.0 + r) ** -np.arange(n_t + 1, dtype=np.float64)
    sold = fleet_multiplier_at_sale(template.fleet_usd, disc_t, ctx.fleet_mult)
    return ConversionData(
        fixed_usd=template.fixed_usd[:h].copy(),
        capex_usd=template.capex_usd[:h].copy(),
        fleet_usd=template.fleet_usd[:h].copy(),
        rent_usd=template.rent_usd[:h].copy(),
        mining_share=template.mining_share[:h].copy(),
        exit_fixed_usd=parts["fixed"][1][0].copy(),
        exit_capex_usd=parts["capex"][1][0].copy(),
        exit_fleet_usd=parts["fleet"][1][0].copy(),
        exit_rent_usd=parts["rent"][1][0].copy(),
        sold_at_mult=np.asarray(sold[0], dtype=np.float64),
        rent_usd_per_kw_month=lo.terms.rent_usd_per_kw_month,
        capex_usd_per_it_mw=landlord_capex_usd_per_it_mw(lo.conversion),
        it_mw=lo.conversion.it_mw,
        escalator_frac_per_year=lo.terms.escalator_frac_per_year,
        exit_cap_rate_frac=lo.exit_cap_rate_frac,
        discount_rate_per_year=lo.discount_rate_per_year,
    )


def model_data(case: CompareCase, scenario: str | None = None) -> ModelData:
    """The engine's deterministic run on ``scenario`` (default: the case's), in the workbook's
    parts."""
    run = run_deterministic(case, scenario)
    v, site, h = run.values, case.mining, case.horizon
    mined = v.mined
    fleet_ph = mined.fleet_hashrate_th_s / 1000.0
    days = mined.chain.days
    uptime = mined.uptime_frac[0]
    run_share = uptime / site.uptime_frac if site.uptime_frac > 0 else np.zeros(h)
    sold = mined.btc_mined[0] * mined.btc_price_usd[0]
    npv = {k: float(s.npv_mean_usd) for k, s in run.comparison.strategies.items()}
    sw = run.comparison.switch
    gpu_net = gpu_share = None
    if case.gpu is not None and StrategyName.GPU_CLOUD in v.net_usd:
        gpu_share = mining_share_of_site(case.gpu.conversion, h)
        mine_part = mined.cash_flows.net_usd[0] * gpu_share
        gpu_net = v.net_usd[StrategyName.GPU_CLOUD][0] - mine_part
    hp = mined.hashprice_usd_per_ph_day[0]
    prepared = prepare(case)
    ctx = batch_context(case, run.scenarios, exact_power=True, prepared=prepared)
    gt = prepared.get(StrategyName.GPU_CLOUD.value)
    return ModelData(
        months=[f"{d:%Y-%m}" for d in month_starts(site.start, h)],
        btc_price_usd=mined.btc_price_usd[0].copy(),
        network_hashrate_eh_s=mined.network_hashrate_eh_s[0].copy(),
        hashprice_usd_per_ph_day=hp.copy(),
        btc_full_uptime=np.asarray(fleet_ph * mined.hashvalue_btc_per_ph_day[0] * days),
        run_share=np.asarray(run_share, dtype=np.float64),
        hours=np.asarray(days * 24.0),
        power_price_usd_per_mwh=np.broadcast_to(mined.power_price_usd_per_mwh, (1, h))[0].copy(),
        power_cost_usd=mined.power_cost_usd[0].copy(),
        other_revenue_usd=mined.cash_flows.revenue_usd[0] - sold,
        fleet_capex_usd=mined.cash_flows.capex_usd[0].copy(),
        rent_mult=ctx.rent_mult[0].copy(),
        land_mult=ctx.land_mult[0].copy(),
        fleet_mult=ctx.fleet_mult[0].copy(),
        mine_net_usd=mined.cash_flows.net_usd[0].copy(),
        fixed_power=case.power_history is None
        and case.power_index_adder_usd_per_mwh is None
        and case.ppa_contract_mw is None,
        contract_power=not np.allclose(
            mined.power_cost_usd[0],
            mined.energy_mwh[0] * mined.power_price_usd_per_mwh[0],
            rtol=1e-12,
            atol=0.0,
        ),
        conversion=_conversion(case, ctx),
        gpu_net_usd=gpu_net,
        gpu_mining_share=gpu_share,
        gpu_discount_rate_per_year=case.gpu.discount_rate_per_year if case.gpu else 0.0,
        gpu_contracted_net_usd=None if gt is None else np.asarray(gt.contracted_usd[:h]),
        gpu_contract_rate_per_year=(
            case.gpu.terms.contract_discount_rate_per_year if case.gpu else None
        ),
        npv_usd=npv,
        best_month=None if sw is None else sw.best_month,
        scenario=run.scenario,
    )
