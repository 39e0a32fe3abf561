"""The batch context every strategy starts from: the site kept mining on the batch's market
paths (how it buys its power, hour by hour where it curtails), the site's discount factors and
what the site would fetch if sold at every month (powered land + ASICs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from typing import Any

import numpy as np

from hashpivot.calendar import month_seconds
from hashpivot.engine.case import CompareCase, PowerHistory
from hashpivot.engine.strategies.base import BatchContext, Factors, col, scaled
from hashpivot.market.rent_products import RentBasis
from hashpivot.market.scenarios import MarketScenarios
from hashpivot.mining.projection import MiningModel, MiningResult
from hashpivot.power.dispatch import MonthlyPower, monthly_power
from hashpivot.types import FloatArray, MarketPaths
from hashpivot.valuation.cashflow import monthly_rate


def _curtailing(
    case: CompareCase, decision_usd_per_mwh: FloatArray, first_month_of_year: int, h: int
) -> Callable[[FloatArray], tuple[FloatArray, FloatArray]]:
    """Hour-by-hour curtailment within each path-month (:mod:`hashpivot.power.curtailment`):
    the month's hourly prices have the site history's shape around the path's monthly level;
    the fleet runs where its value per MWh beats the hour's price + adder."""
    curve = case.curtailment
    assert curve is not None
    adder = case.power_index_adder_usd_per_mwh or 0.0
    level = decision_usd_per_mwh - adder  # the monthly mean index price, (n, h)
    moy = (first_month_of_year + np.arange(h)) % 12

    def dispatch(value_usd_per_mwh: FloatArray) -> tuple[FloatArray, FloatArray]:
        run, cost_shape = curve.evaluate((value_usd_per_mwh - adder) / level, moy)
        with np.errstate(invalid="ignore", divide="ignore"):
            paid = np.where(run > 0, level * cost_shape / run + adder, decision_usd_per_mwh)
        return run, paid

    return dispatch


def _market_paths(case: CompareCase, scen: MarketScenarios, f: Factors) -> MarketPaths:
    first = case.snapshot.as_of
    return MarketPaths(
        start=scen.start,
        btc_price_usd=scaled(scen.btc_price_usd, f.btc_price),
        network_hashrate_eh_s=scaled(scen.network_hashrate_eh_s, f.network_hashrate),
        fee_share_frac=scen.fee_share_frac,
        fees_btc_per_block=scen.fees_btc_per_block,
        first_month_elapsed_s=(first.day - 1) * 86_400.0,
    )


def _run_on_market_power(
    model: MiningModel, case: CompareCase, scen: MarketScenarios, f: Factors
) -> MiningResult:
    """Monte Carlo power: a fixed price, the market index + adder, or a PPA settled as a
    contract for difference on the index; curtailment within the month where set."""
    site = case.mining
    h, off, n = case.horizon, case.offset, scen.paths
    power: FloatArray | float
    if case.power_index_adder_usd_per_mwh is None:
        power = site.power_price_usd_per_mwh
        if np.ndim(f.power_price) or float(f.power_price) != 1.0:  # type: ignore[arg-type]
            power = np.full((n, h), site.power_price_usd_per_mwh) * col(f.power_price)
    else:
        # a power-price sensitivity moves the market index; the adder is a delivery charge
        index = scaled(scen.power_price_usd_per_mwh[:, off : off + h], f.power_price)
        power = index + case.power_index_adder_usd_per_mwh
    settlement = None
    if case.ppa_contract_mw is not None and case.ppa_price_usd_per_mwh is not None:
        # take-or-pay + resale = a contract for difference on the whole contract; each MWh
        # the miners draw costs what it would have fetched at the index, and so does the firm
        # AI load's draw where the landlord pays for it
        power = scaled(scen.power_price_usd_per_mwh[:, off : off + h], f.power_price)
        hours = month_seconds(site.start, h)[None, :] / 3600.0
        settlement = (
            -(case.ppa_price_usd_per_mwh - power) * case.ppa_contract_mw
            - power * case.ppa_landlord_ai_mw
        ) * hours
    dispatch = None
    if case.curtailment is not None and not isinstance(power, float):
        dispatch = _curtailing(case, power, site.start.month - 1, h)
    return model.run(power_price_usd_per_mwh=power, other_revenue_usd=settlement, dispatch=dispatch)


def revenue_per_site_mwh(result: MiningResult) -> FloatArray:
    """Mining revenue per MWh the site draws at full run [USD/MWh], ``(paths, months)``: the
    power price below which running pays (the dispatch breakeven)."""
    site = result.site
    return np.asarray(
        result.hashprice_usd_per_ph_day
        * (result.fleet_hashrate_th_s / 1000.0)
        * (1.0 - site.pool_fee_frac)
        * (1.0 - site.overhead_frac)
        / (site.fleet.power_mw * 24.0)
    )


def _dispatch_on_history(
    ph: PowerHistory, revenue_usd_per_mwh: FloatArray, start: date, power_price: FloatArray | float
) -> MonthlyPower:
    """:func:`~hashpivot.power.dispatch.monthly_power` of each path against the history with
    every interval's index price x the path's power-price factor (a multiplicative shift of
    every hour, docs/methodology.md "Sensitivity"; the delivery adder and a PPA's contract
    price stay). One dispatch per distinct factor: the paths sharing one go together."""
    n = revenue_usd_per_mwh.shape[0]
    k = np.broadcast_to(np.asarray(power_price, dtype=np.float64).reshape(-1), (n,))
    levels, which = np.unique(k, return_inverse=True)
    parts = [
        monthly_power(
            ph.price_usd_per_mwh * level,
            ph.interval_start_utc,
            revenue_usd_per_mwh[which == i],
            start=start,
            policy=ph.policy,
            constraints=ph.constraints,
            adder_usd_per_mwh=ph.adder_usd_per_mwh,
            ppa_price_usd_per_mwh=ph.ppa_price_usd_per_mwh,
            fourcp=ph.fourcp,
        )
        for i, level in enumerate(levels)
    ]
    if len(parts) == 1:
        return parts[0]
    merged: dict[str, FloatArray | None] = {}
    for fld in fields(MonthlyPower):
        merged[fld.name] = getattr(parts[0], fld.name)
        if fld.name == "hours_in_month" or merged[fld.name] is None:
            continue  # the calendar's hours are every path's
        out = np.empty_like(revenue_usd_per_mwh)
        for i, part in enumerate(parts):
            out[which == i] = getattr(part, fld.name)
        merged[fld.name] = out
    return MonthlyPower(**merged)  # type: ignore[arg-type]


def _run_on_history(
    model: MiningModel, case: CompareCase, ph: PowerHistory, power_price: FloatArray | float
) -> tuple[MiningResult, MonthlyPower]:
    """Exact dispatch of a deterministic path against the site's price history (replayed by
    calendar month, docs/methodology.md "Power"; every hour's index price x ``power_price``):
    a first run gives the value of a MWh each month, the dispatch gives the uptime and the
    price paid, the second run prices them."""
    site = case.mining
    first = MiningModel(
        replace(site, shutdown_when_unprofitable=False), model.state, model.market
    ).run()
    mp = _dispatch_on_history(ph, revenue_per_site_mwh(first), site.start, power_price)
    hours = mp.hours_in_month[None, :]
    if ph.ppa_price_usd_per_mwh is None or ph.ppa_contract_mw is None:
        result = model.run(
            uptime_frac=site.uptime_frac * mp.uptime_frac,
            power_price_usd_per_mwh=mp.power_cost_usd_per_mwh,
        )
        return result, mp
    site_mw = site.fleet.power_mw / (1.0 - site.overhead_frac)
    contract_mw, price, ai_mw = ph.ppa_contract_mw, ph.ppa_price_usd_per_mwh, ph.ai_load_mw
    assert mp.mean_index_price_usd_per_mwh is not None
    # take-or-pay on the whole contract; the mining load's curtailed hours and the contract
    # beyond both loads are resold at the index price; a tenant paying for its power
    # (pass-through) reimburses the firm load at the contract price
    reimbursed = ai_mw * price if ph.ai_power_paid_by_tenant else 0.0
    # the hours dispatch runs the fleet but it is down (availability < 1) are resold too
    index_run = mp.mean_index_price_usd_per_mwh - mp.sellback_credit_usd_per_mwh_contracted
    downtime_resale = (1.0 - site.uptime_frac) * index_run
    result = model.run(
        uptime_frac=site.uptime_frac * mp.uptime_frac,
        power_cost_usd=np.broadcast_to(price * contract_mw * hours, mp.uptime_frac.shape).copy(),
        other_revenue_usd=(
            (mp.sellback_credit_usd_per_mwh_contracted + downtime_resale) * site_mw
            + mp.mean_index_price_usd_per_mwh * (contract_mw - site_mw - ai_mw)
            + reimbursed
        )
        * hours,
    )
    return result, mp


def risk_free_discount(case: CompareCase, shift: FloatArray | float, h: int) -> FloatArray | None:
    """Discount factors ``(1 + r_f,m)^-t`` ``(1|n, H + 1)`` of the BTC-linked flows under the
    risk-neutral drift basis (``r_f`` = ``btc.risk_free_rate_per_year``, moved by a
    discount-rate sensitivity with every other rate); None under the other bases (the site's
    rate discounts everything)."""
    btc = case.market_params.btc
    if not btc.discounts_btc_at_risk_free:
        return None
    rf_m = col(monthly_rate(btc.risk_free_rate_per_year + np.asarray(shift)))
    return np.asarray((1.0 + rf_m) ** -np.arange(h + 1, dtype=np.float64)[None, :])


def mining_net_at_site_rate(
    case: CompareCase, mined: MiningResult, disc: FloatArray, shift: FloatArray | float
) -> FloatArray:
    """Mining net flows ``(n, H)`` [USD] that, discounted at the site's rate ``disc``, give
    their present value: the cash flows themselves, except under the risk-neutral drift basis.
    There the BTC price paths are risk-neutral expectations, so the BTC revenue is discounted at
    the risk-free rate (Hull ch. 5), and so are the USD costs of earning it (power, opex,
    capex): one measure for the whole mining flow, as a hedged miner values it. A mix (BTC at
    ``r_f``, costs at the site's higher rate) would shrink the costs' present value and lift
    the NPV by the mismatch alone. The flows are restated as ``net x (1 + r_f,m)^-t /
    (1 + r_m)^-t`` so that ``sum(net x disc)`` discounts them at ``r_f``. Every strategy
    (mine, switch, split, sell, the compiled kernels) reads these, so they all see the same
    present values; the cash rows they report stay ``mined.cash_flows.net_usd``."""
    net = mined.cash_flows.net_usd
    disc_rf = risk_free_discount(case, shift, net.shape[1])
    if disc_rf is None:
        return net
    return np.asarray(net * (disc_rf[:, 1:] / disc[:, 1:]))


def site_rent_paths(
    case: CompareCase, scen: MarketScenarios, f: Factors
) -> tuple[FloatArray, FloatArray]:
    """The rent this site would sign at each month m = 0..H [USD/IT kW-month] and the lease
    template's multiplier ``(n, H + 1)``: its product's index + spread (docs/methodology.md
    "Rent markets"). A signed contract holds at the site's first month on every path (its
    month-0 rent is the contract whatever the index); a later conversion signs at that
    month's index + the link's spread: for a signed rent, the contract less the index
    expected at the site's first month (:func:`hashpivot.api.case.signed_at_site_start`), one
    figure for every path, the one the outputs print; for a market rent, the stated one. The
    multiplier is that rent over the template's (x the rent factor); without a rent link, the
    index over today's."""
    index = _site_index(case, scen)
    link = None if case.lease is None else case.lease.rent
    if link is None:
        return index, scaled(index / scen.rent_usd_per_kw_month[:, :1], f.rent)
    contract = case.lease.terms.rent_usd_per_kw_month  # type: ignore[union-attr]
    site = np.maximum(index + link.spread_usd_per_kw_month, 0.0)
    if link.basis is RentBasis.SIGNED:
        site[:, 0] = contract
    return site, scaled(site / contract, f.rent)


def _site_index(case: CompareCase, scen: MarketScenarios) -> FloatArray:
    """The product's rent index at the site's months 0..H ``(n, H + 1)`` [USD/kW-month]."""
    off, h = case.offset, case.horizon
    index = scen.rent_usd_per_kw_month[:, off : off + h + 1]
    if index.shape[1] < h + 1:  # the market ends at the horizon: hold the last rent
        index = np.concatenate([index, index[:, -1:]], axis=1)
    return np.asarray(index)


def land_multiplier(case: CompareCase, scen: MarketScenarios, f: Factors) -> FloatArray:
    """What the powered land's value moves with ``(n, H + 1)``: the product's rent index over
    today's (x the rent factor). Not the site's rent over its contract: a cheap lease would
    multiply every index move (a spread near -index sends the ratio to infinity)."""
    return scaled(_site_index(case, scen) / scen.rent_usd_per_kw_month[:, :1], f.rent)


def batch_context(
    case: CompareCase,
    scen: MarketScenarios,
    *,
    factors: Factors | None = None,
    rows: int | None = None,
    exact_power: bool = False,
    prepared: dict[str, Any] | None = None,
) -> BatchContext:
    """Run the mining every strategy starts from and the site's value at every month.

    ``mine_net`` / ``cum_mine`` are at the site's rate: under the risk-neutral drift basis the
    BTC revenue is discounted at the risk-free rate inside them (:func:`mining_net_at_site_rate`).

    ``exact_power`` dispatches a deterministic path exactly against the site's price history
    (``case.power_history``, every hour x the factors' ``power_price``) instead of the Monte
    Carlo's monthly curtailment curve.
    """
    f = factors or Factors()
    site = case.mining
    h, n = case.horizon, scen.paths
    rate = site.discount_rate if f.discount_rate_per_year is None else f.discount_rate_per_year
    shift = np.asarray(rate) - site.discount_rate  # a sensitivity moves every rate together
    r_m = col(monthly_rate(rate))
    disc = (1.0 + r_m) ** -np.arange(h + 1, dtype=np.float64)[None, :]  # (n|1, H+1)

    model = MiningModel(site, case.snapshot.network_state, _market_paths(case, scen, f))
    mp = None
    if exact_power and case.power_history is not None:
        mined, mp = _run_on_history(model, case, case.power_history, f.power_price)
    else:
        mined = _run_on_market_power(model, case, scen, f)
    mine_net = mining_net_at_site_rate(case, mined, disc, shift)
    cum_mine = np.zeros((n, h + 1))
    np.cumsum(mine_net * disc[:, 1:], axis=1, out=cum_mine[:, 1:])

    rent_path, rent_mult = site_rent_paths(case, scen, f)

    # What the site is worth at each month if sold: the powered land (today's price x the
    # rent multiplier) and the ASICs (TH/s left x the ASIC price, which tracks hashprice).
    sale = case.sale
    hp = mined.hashprice_usd_per_ph_day
    # the ASIC price is the snapshot's: a machine's value moves with hashprice from then on
    hp_ratio = hp[:, np.minimum(np.arange(h + 1), h - 1)] / case.asic_price_hashprice_usd_per_ph_day
    th = site.fleet_hashrate_th_s(h + 1)
    fleet_mult = th[None, :] / th[0] * hp_ratio  # fleet value at m / at the ASIC price
    land_mult = land_multiplier(case, scen, f)
    land_usd = sale.price_usd_per_mw * site.capacity_mw * land_mult
    residual_usd = (land_usd + site.fleet_capex_usd * fleet_mult) * (1.0 - sale.cost_frac)
    return BatchContext(
        case=case,
        scen=scen,
        factors=f,
        rows=n if rows is None else min(rows, n),
        rate_shift=shift,
        disc=disc,
        r_m=r_m,
        mined=mined,
        mine_net=mine_net,
        cum_mine=cum_mine,
        rent_mult=rent_mult,
        land_mult=land_mult,
        fleet_mult=fleet_mult,
        residual_usd=residual_usd,
        monthly_power=mp,
        prepared=dict(prepared or {}),
        shared={"rent_path": rent_path},
    )
