"""The strategies a site can follow, evaluated side by side on the same market paths.

Every strategy turns a :class:`CompareCase` and one batch of market scenarios into per-path
values; all arrays are ``(paths, months)`` or ``(paths,)``, discounted at the site's rate with
monthly flows received at each month's end.

Built-ins (:class:`StrategyName`):

- ``mine``: keep mining to the horizon, then the site is worth its value as powered land;
- ``lease``: convert now to a powered shell / colocation hall and lease it (exit at a cap rate);
- ``gpu_cloud``: convert now and sell GPU compute;
- ``switch``: keep mining and convert when the fitted Longstaff-Schwartz policy says so (and,
  as a by-product, the NPV of converting at every fixed month ``m``);
- ``split``: lease a share of the site now, keep mining on the rest;
- ``sell``: keep mining while a sale of the site as powered land closes.

Switching at every month is cheap: the lease is built once as a template and decomposed as
``A + s x B`` (``s`` the market-rent multiplier at signing), so the value of converting at month
``m`` is a cumulative sum of discounted mining cash flows up to ``m`` plus the template's
discounted prefix of length ``H - m`` and its exit value, all read off cumulative sums.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from hashpivot.bitcoin.chain import month_seconds
from hashpivot.bitcoin.network import hashprice_usd_per_ph_day
from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.compute.conversion import Conversion, fleet_disposition_usd, mining_share_of_site
from hashpivot.compute.gpu_cloud import GpuCloudTerms, gpu_cloud_cash_flows
from hashpivot.compute.shell import LeaseTerms, lease_cash_flows, stabilisation_month
from hashpivot.config.defaults import MarketSnapshot
from hashpivot.market.scenarios import MarketParams, MarketScenarios, StartState
from hashpivot.mining.projection import MiningModel, MiningSite
from hashpivot.power.curtailment import CurtailmentCurve
from hashpivot.types import FloatArray, MarketPaths
from hashpivot.valuation.cashflow import monthly_rate


class StrategyName(StrEnum):
    """The strategies of :func:`hashpivot.engine.compare.compare`."""

    MINE = "mine"
    LEASE = "lease"
    GPU_CLOUD = "gpu_cloud"
    SWITCH = "switch"
    SPLIT = "split"
    SELL = "sell"


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleTerms:
    """Selling the site as energized land.

    price_usd_per_mw : price per MW of energized gross capacity today [USD/MW]; it moves with
        the market rent path (powered land is priced off what AI tenants pay)
    months_to_close : months of mining before the sale closes [months]
    cost_frac : transaction costs [fraction of the price]

    Default $0.4M/MW: B. Riley's powered-land range $0.4-0.55M/MW ($0.1-0.25M for weaker
    sites), market-facts.md.
    """

    price_usd_per_mw: float = 400_000.0
    months_to_close: int = 6
    cost_frac: float = 0.02


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseOption:
    """A lease of the converted site (terms + conversion) and how its exit is valued."""

    terms: LeaseTerms
    conversion: Conversion
    exit_cap_rate_frac: float
    sale_cost_frac: float = 0.0
    discount_rate_per_year: float = 0.095  # the lease's own DCF rate (cap rate + escalator)


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuOption:
    """A GPU cloud on the converted site; ``rate_now_usd_per_gpu_hour`` anchors the market path."""

    terms: GpuCloudTerms
    conversion: Conversion
    rate_now_usd_per_gpu_hour: float
    discount_rate_per_year: float = 0.12


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareCase:
    """Everything the engine needs about one site (built from a site file by ``hashpivot.api``).

    mining : the mining site (fleet, costs, start, horizon, discount rate)
    snapshot : the network today (chain state for block production)
    market_params, start_state : the stochastic market and its starting point
    lease, gpu : the AI paths (None where the site file gives none)
    sale : selling the site as powered land; split_lease_frac : share leased in ``split``
    power_index_adder_usd_per_mwh : None = the site's fixed power price; else the site buys at
        the market power-price path plus this adder [USD/MWh]
    ppa_contract_mw, ppa_price_usd_per_mwh : a fixed-price take-or-pay contract with resale at
        the market power price, i.e. a contract for difference: the site pays
        ``(price - index) x contract MW x hours`` every month and values each MWh it uses at
        the index price (the contract share a tenant reimburses is left out)
    ppa_landlord_ai_mw : the firm AI load [MW] whose power the landlord pays under the PPA:
        its draw is valued at the index every hour
    curtailment : with a market power path (index + adder, or a PPA), curtail hour by hour
        within each month on the site history's price shape (None: run the month or not)
    min_market_months : simulate at least this many market months (a company's sites share
        one set of market paths for one seed only if they draw paths of one length)
    defaulted_tables : the site file's tables valued on their documented defaults
        (``conversion``, ``lease``, ``gpu_cloud``)
    """

    mining: MiningSite
    snapshot: MarketSnapshot
    market_params: MarketParams
    start_state: StartState
    lease: LeaseOption | None
    gpu: GpuOption | None
    sale: SaleTerms = field(default_factory=SaleTerms)
    split_lease_frac: float = 0.5
    power_index_adder_usd_per_mwh: float | None = None
    ppa_contract_mw: float | None = None
    ppa_price_usd_per_mwh: float | None = None
    ppa_landlord_ai_mw: float = 0.0
    curtailment: CurtailmentCurve | None = None
    min_market_months: int = 0
    defaulted_tables: tuple[str, ...] = ()

    @property
    def offset(self) -> int:
        """Months from the snapshot's month to the site's first month."""
        a, b = self.snapshot.as_of, self.mining.start
        return (b.year - a.year) * 12 + (b.month - a.month)

    @property
    def horizon(self) -> int:
        return self.mining.horizon_months

    @property
    def asic_price_hashprice_usd_per_ph_day(self) -> float:
        """Hashprice [USD/PH/day] when the site's ASIC price holds: the snapshot's (its
        difficulty, subsidy and fees at today's BTC price); fleet values scale with hashprice
        from there."""
        s = self.snapshot
        return float(
            hashprice_usd_per_ph_day(
                self.start_state.btc_price_usd,
                s.difficulty,
                subsidy_btc(s.height),
                s.fees_btc_per_block,
            )
        )

    @property
    def market_months(self) -> int:
        """Months of market paths simulated: from the snapshot's month to the horizon's end, or
        ``min_market_months`` if longer (sites valued together draw the same market paths)."""
        return max(self.offset + self.horizon, self.min_market_months)

    @property
    def strategies(self) -> tuple[StrategyName, ...]:
        out = [StrategyName.MINE]
        if self.lease is not None:
            out += [StrategyName.LEASE, StrategyName.SWITCH, StrategyName.SPLIT]
        if self.gpu is not None:
            out.append(StrategyName.GPU_CLOUD)
        out.append(StrategyName.SELL)
        return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class Factors:
    """Per-path multipliers for sensitivity runs; each a scalar or ``(paths,)``.

    btc_price, network_hashrate, power_price, rent, conversion_capex, gpu_rate : [x]
    discount_rate_per_year : replaces the site's rate where given [fraction/year]
    """

    btc_price: FloatArray | float = 1.0
    network_hashrate: FloatArray | float = 1.0
    power_price: FloatArray | float = 1.0
    rent: FloatArray | float = 1.0
    conversion_capex: FloatArray | float = 1.0
    gpu_rate: FloatArray | float = 1.0
    discount_rate_per_year: FloatArray | float | None = None


def _col(x: FloatArray | float) -> FloatArray:
    """A scalar or ``(paths,)`` as a ``(paths or 1, 1)`` column."""
    return np.asarray(x, dtype=np.float64).reshape(-1, 1)


def _scaled(a: FloatArray, factor: FloatArray | float) -> FloatArray:
    """``a x factor`` per path, without a copy where the factor is the scalar 1."""
    if np.ndim(factor) == 0 and float(factor) == 1.0:  # type: ignore[arg-type]
        return a
    return np.asarray(a * _col(factor))


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseTemplate:
    """The lease's monthly net flows at rent multiplier ``s``: ``fixed + capex + s x rent``,
    each ``(months + 12,)``; NOI likewise, for exit values after any truncation."""

    fixed_usd: FloatArray
    capex_usd: FloatArray
    fleet_usd: FloatArray  # the displaced ASICs sold (or moved), at today's value
    rent_usd: FloatArray
    noi_fixed_usd: FloatArray
    noi_rent_usd: FloatArray
    exit_factor: float  # (1 - sale cost) / exit cap rate
    mining_share: FloatArray  # (H + 1,) share of the site still mining l months after converting
    stabilised_month: int  # months from conversion to a delivered, fully ramped hall

    def values_at_age(self, disc: FloatArray, h: int) -> dict[str, tuple[FloatArray, FloatArray]]:
        """For each part (fixed, capex, fleet, rent) and every age k = 0..h of the template
        (months since converting): the PV at the template's start of its first k months, and
        its value at age k (in age-k money) of everything after: past stabilisation (month s:
        delivered and ramped), the exit at forward 12-month NOI / cap; up to it, the flows
        through month s (the fleet sale and the last capex included) plus the exit at s + 1 (a
        hall still being built at the horizon is worth its completion value, not its sunk
        capex).

        ``disc`` is ``(p, L + 1)`` with ``disc[:, t] = (1 + r_m)^-t`` over the template length.
        Returns ``{part: (pv_first_k, value_after_k)}``, each ``(p, h + 1)``.
        """
        s = self.stabilised_month + 1  # the exit point of a hall not yet stabilised
        out = {}
        none = np.zeros_like(self.capex_usd)
        parts = (
            ("fixed", self.fixed_usd, self.noi_fixed_usd),
            ("capex", self.capex_usd, none),
            ("fleet", self.fleet_usd, none),
            ("rent", self.rent_usd, self.noi_rent_usd),
        )
        k = np.arange(h + 1)
        for name, flows, noi in parts:
            pv = np.zeros((disc.shape[0], flows.size + 1))
            np.cumsum(flows[None, :] * disc[:, 1 : flows.size + 1], axis=1, out=pv[:, 1:])
            # forward 12-month NOI at each age (fewer months near the template's end)
            cum_noi = np.concatenate([[0.0], np.cumsum(noi)])
            ages = np.arange(max(h, s) + 1)
            fwd = cum_noi[np.minimum(ages + 12, noi.size)] - cum_noi[np.minimum(ages, noi.size)]
            after = np.where(
                k[None, :] >= s,
                self.exit_factor * fwd[None, : h + 1] * np.ones((disc.shape[0], 1)),
                (pv[:, [s]] - pv[:, : h + 1] + disc[:, [s]] * self.exit_factor * fwd[s])
                / disc[:, : h + 1],
            )
            out[name] = (pv[:, : h + 1], after)
        return out


def lease_template(case: CompareCase) -> LeaseTemplate:
    """Decompose the lease's cash flows into rent-linked and fixed parts (the flows are affine
    in the rent multiplier: build them at multipliers 1 and 2 and difference)."""
    assert case.lease is not None
    lo = case.lease
    stab = stabilisation_month(lo.terms, lo.conversion)
    n = max(case.horizon, stab + 1) + 13  # flows to the exit point and its forward year
    # At any truncation age the hall is let: where the template outlives the base term, the
    # renewals (at the renewal rent) run on, as the exit's forward year assumes anyway.
    terms = lo.terms
    base_end = terms.commencement_month + terms.term_months
    if n > terms.lease_end_month:
        renewals = -(-(n - base_end) // max(terms.renewal_term_months, 1))
        terms = replace(terms, renewals_assumed=max(terms.renewals_assumed, renewals))
    one = lease_cash_flows(terms, lo.conversion, start=case.mining.start, months=n)
    two = lease_cash_flows(
        terms, lo.conversion, start=case.mining.start, months=n, rent_multiplier=2.0
    )
    net1 = (one.revenue_usd + one.opex_usd + one.capex_usd)[0]
    net2 = (two.revenue_usd + two.opex_usd + two.capex_usd)[0]
    rent = net2 - net1
    fleet = fleet_disposition_usd(lo.conversion, n)
    capex = one.capex_usd[0] - fleet
    noi1, noi2 = one.extras["noi_usd"][0], two.extras["noi_usd"][0]
    return LeaseTemplate(
        fixed_usd=net1 - rent - capex - fleet,
        capex_usd=capex,
        fleet_usd=fleet,
        rent_usd=rent,
        noi_fixed_usd=noi1 - (noi2 - noi1),
        noi_rent_usd=noi2 - noi1,
        exit_factor=(1.0 - lo.sale_cost_frac) / lo.exit_cap_rate_frac,
        mining_share=mining_share_of_site(lo.conversion, case.horizon + 1),
        stabilised_month=stab,
    )


#: Run the compiled kernels (bitcoin/_chain_kernel, engine/_switch_kernel) where numba is here;
#: the numpy code paths stay as their references (tests compare the two).
try:
    from hashpivot.engine._switch_kernel import switch_block as _switch_block

    USE_KERNELS = True
except ImportError:  # pragma: no cover - numba is a dependency
    USE_KERNELS = False


def _switch_compiled(
    mine_net: FloatArray,
    disc: FloatArray,
    r_m: FloatArray,
    parts: dict[str, FloatArray],
    cap: FloatArray,
    fleet_mult: FloatArray,
    rent_mult: FloatArray,
    residual: FloatArray,
    share: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The switch arithmetic of :func:`evaluate_batch` in one compiled pass per path."""
    n, h = mine_net.shape
    steps = np.nonzero(np.diff(share))[0] + 1
    out_cum = np.empty((n, h + 1))
    out_sw = np.empty((n, h + 1))
    out_ex = np.empty((n, h))
    out_cont = np.empty((n, h))
    c = np.ascontiguousarray
    _switch_block(
        c(mine_net),
        c(disc),
        c(r_m[:, 0]),
        c(parts["fixed"]),
        c(parts["capex"]),
        c(parts["fleet"]),
        c(parts["rent"]),
        c(cap[:, 0]),
        c(fleet_mult),
        c(rent_mult),
        c(residual),
        float(share[h]),
        steps.astype(np.int64),
        c(share[steps - 1] - share[steps]),
        out_cum,
        out_sw,
        out_ex,
        out_cont,
    )
    return out_sw, out_ex, out_cont


def _fleet_multiplier_at_sale(
    fleet_usd: FloatArray, disc: FloatArray, fleet_mult: FloatArray
) -> FloatArray:
    """For a conversion decided at each month m, the fleet's value multiplier when its ASICs are
    sold: ``sum_a w_a fleet_mult[m + a]`` over the template ages ``a`` of the sale proceeds,
    weighted by their PV (one sale: the multiplier ``a`` months later; beyond the horizon, the
    horizon's), ``(n, H + 1)``."""
    h = fleet_mult.shape[1] - 1
    ages = np.flatnonzero(fleet_usd)
    if ages.size == 0:
        return fleet_mult
    w = fleet_usd[ages] * disc[ages + 1]
    w = w / w.sum()
    m = np.arange(h + 1)
    out = np.zeros_like(fleet_mult)
    for a, wa in zip(ages, w, strict=True):  # the phases' sale months: a few, never paths
        out += wa * fleet_mult[:, np.minimum(m + a, h)]
    return out


def _mining_while_converting(share: FloatArray, cum_mine: FloatArray) -> FloatArray:
    """PV at time 0 of the mining that continues on the unconverted share of the site after a
    switch at month m, for every m: ``sum_{t >= m} share[t - m] x PV(mining in month t)``.

    ``share`` is a step function (one step per phase), so with ``cum`` the cumulative PV of
    mining, the sum telescopes: ``share[H] (cum[H] - cum[m]) + sum_b (share[b-1] - share[b])
    (cum[min(m + b, H)] - cum[m])`` over the few b where the share steps down.
    """
    h = cum_mine.shape[1] - 1
    m = np.arange(h + 1)
    out = share[h] * (cum_mine[:, h : h + 1] - cum_mine)
    steps = np.nonzero(np.diff(share))[0] + 1
    for b in steps:
        drop = share[b - 1] - share[b]
        out += drop * (cum_mine[:, np.minimum(m + b, h)] - cum_mine)
    return np.asarray(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchValues:
    """Per-path results of one batch.

    npv_usd : NPV per strategy ``(paths,)`` (``switch`` filled later from the policy)
    net_usd : monthly net cash flows per strategy ``(paths, months)`` (fixed-time strategies)
    switch_npv_usd : NPV of converting at month m, ``(paths, H + 1)`` (m = H: never)
    exercise_value_usd : value at month m of converting then, in month-m money ``(paths, H)``
    continuation_usd : mining cash flow of month m in month-m money ``(paths, H)``
    basis : ``(paths, H, 2)`` hashprice [USD/PH/day] and market rent [USD/kW-month]
    hashprice_usd_per_ph_day, btc_price_usd : ``(paths, H)`` for fan charts
    discount_per_month : ``(paths or 1, H + 1)`` factors ``(1 + r_m)^-t``
    """

    npv_usd: dict[StrategyName, FloatArray]
    net_usd: dict[StrategyName, FloatArray]
    switch_npv_usd: FloatArray | None
    exercise_value_usd: FloatArray | None
    continuation_usd: FloatArray | None
    basis: FloatArray | None
    hashprice_usd_per_ph_day: FloatArray
    btc_price_usd: FloatArray
    discount_per_month: FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuTemplate:
    """The GPU cloud's monthly net cash flows as ``fixed + per_rate x rate`` (they are affine in
    the market rate of the uncontracted GPU-hours; checked when built, else ``affine=False``
    and the engine calls the builder per batch), plus the catalogue age curve."""

    fixed_usd: FloatArray  # (H,)
    per_rate_usd: FloatArray  # (H,) USD per (USD/GPU-hour)
    curve_usd_per_gpu_hour: FloatArray  # (1, H) catalogue rate by age since delivery
    affine: bool


def gpu_template(case: CompareCase) -> GpuTemplate | None:
    """Build the GPU cloud template of ``case`` (None without a GPU cloud)."""
    if case.gpu is None:
        return None
    g, h, start = case.gpu, case.horizon, case.mining.start

    def net(rate: FloatArray | None) -> FloatArray:
        cf = gpu_cloud_cash_flows(
            g.terms, g.conversion, start=start, months=h, gpu_rate_usd_per_gpu_hour=rate
        )
        return np.asarray(cf.net_usd)

    curve = gpu_cloud_cash_flows(g.terms, g.conversion, start=start, months=h).extras[
        "market_rate_usd_per_gpu_hour"
    ]
    one = net(np.ones((1, h)))[0]
    per_rate = net(np.full((1, h), 2.0))[0] - one
    fixed = one - per_rate
    probe = (1.5 + 0.5 * np.sin(np.arange(h)))[None, :]
    scale = max(1.0, float(np.abs(one).max()))
    affine = bool(np.abs(net(probe)[0] - (fixed + per_rate * probe[0])).max() <= 1e-9 * scale)
    return GpuTemplate(
        fixed_usd=fixed, per_rate_usd=per_rate, curve_usd_per_gpu_hour=curve, affine=affine
    )


def _gpu_trend(case: CompareCase, off: int, h: int) -> FloatArray:
    """The GPU-rate process's zero-volatility path [USD/GPU-hour] for the site's months:
    ``y_{j+1} = phi y_j + (1 - phi) m_j`` from today's log rate (market.processes)."""
    p = case.market_params.gpu_rate
    n = off + h
    mean = np.log(p.long_run_level) + p.long_run_log_trend_per_year * np.arange(n) / 12.0
    y = np.empty(n)
    y[0] = np.log(case.start_state.gpu_rate_usd_per_gpu_hour)
    phi = p.persistence_per_month
    for j in range(n - 1):
        y[j + 1] = phi * y[j] + (1.0 - phi) * mean[j]
    return np.exp(y[off:])[None, :]


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


def evaluate_batch(
    case: CompareCase,
    scen: MarketScenarios,
    template: LeaseTemplate | None,
    factors: Factors | None = None,
    *,
    with_gpu: bool = True,
    gpu: GpuTemplate | None = None,
    net_rows: int | None = None,
) -> BatchValues:
    """Value every strategy on one batch of market paths (column 0 = the snapshot's month).

    ``with_gpu=False`` skips the GPU cloud (the switch-policy fit needs only mining and lease);
    ``net_rows`` limits the monthly net cash flows (``net_usd``) to the first rows (the sample
    kept for monthly tables; the NPVs never need them).
    """
    f = factors or Factors()
    site = case.mining
    h, off = case.horizon, case.offset
    n = scen.paths
    rate = site.discount_rate if f.discount_rate_per_year is None else f.discount_rate_per_year
    shift = np.asarray(rate) - site.discount_rate  # a sensitivity moves every rate together
    r_m = _col(monthly_rate(rate))
    disc = (1.0 + r_m) ** -np.arange(h + 1, dtype=np.float64)[None, :]  # (n|1, H+1)

    # --- keep mining -------------------------------------------------------------------
    first = case.snapshot.as_of
    market = MarketPaths(
        start=scen.start,
        btc_price_usd=_scaled(scen.btc_price_usd, f.btc_price),
        network_hashrate_eh_s=_scaled(scen.network_hashrate_eh_s, f.network_hashrate),
        fee_share_frac=scen.fee_share_frac,
        fees_btc_per_block=scen.fees_btc_per_block,
        first_month_elapsed_s=(first.day - 1) * 86_400.0,
    )
    power: FloatArray | float
    if case.power_index_adder_usd_per_mwh is None:
        power = site.power_price_usd_per_mwh
        if np.ndim(f.power_price) or float(f.power_price) != 1.0:  # type: ignore[arg-type]
            power = np.full((n, h), site.power_price_usd_per_mwh) * _col(f.power_price)
    else:
        # a power-price sensitivity moves the market index; the adder is a delivery charge
        index = _scaled(scen.power_price_usd_per_mwh[:, off : off + h], f.power_price)
        power = index + case.power_index_adder_usd_per_mwh
    settlement = None
    if case.ppa_contract_mw is not None and case.ppa_price_usd_per_mwh is not None:
        # take-or-pay + resale = a contract for difference on the whole contract; each MWh
        # the miners draw costs what it would have fetched at the index, and so does the firm
        # AI load's draw where the landlord pays for it
        power = _scaled(scen.power_price_usd_per_mwh[:, off : off + h], f.power_price)
        hours = month_seconds(site.start, h)[None, :] / 3600.0
        settlement = (
            -(case.ppa_price_usd_per_mwh - power) * case.ppa_contract_mw
            - power * case.ppa_landlord_ai_mw
        ) * hours
    dispatch = None
    if case.curtailment is not None and not isinstance(power, float):
        dispatch = _curtailing(case, power, site.start.month - 1, h)
    mined = MiningModel(site, case.snapshot.network_state, market).run(
        power_price_usd_per_mwh=power, other_revenue_usd=settlement, dispatch=dispatch
    )
    mine_net = mined.cash_flows.net_usd
    cum_mine = np.zeros((n, h + 1))
    np.cumsum(mine_net * disc[:, 1:], axis=1, out=cum_mine[:, 1:])

    rent_path = scen.rent_usd_per_kw_month[:, off : off + h + 1]
    if rent_path.shape[1] < h + 1:  # the market ends at the horizon: hold the last rent
        rent_path = np.concatenate([rent_path, rent_path[:, -1:]], axis=1)
    rent_mult = _scaled(rent_path / scen.rent_usd_per_kw_month[:, :1], f.rent)  # (n, H+1)

    # What the site is worth at each month if sold: the powered land (today's price x the
    # rent multiplier) and the ASICs (TH/s left x the ASIC price, which tracks hashprice).
    sale = case.sale
    hp = mined.hashprice_usd_per_ph_day
    # the ASIC price is the snapshot's: a machine's value moves with hashprice from then on
    hp_ratio = hp[:, np.minimum(np.arange(h + 1), h - 1)] / case.asic_price_hashprice_usd_per_ph_day
    th = site.fleet_hashrate_th_s(h + 1)
    fleet_mult = th[None, :] / th[0] * hp_ratio  # fleet value at m / at the ASIC price, (n, H+1)
    fleet_usd = site.fleet_capex_usd * fleet_mult
    land_usd = sale.price_usd_per_mw * site.capacity_mw * rent_mult
    residual_usd = (land_usd + fleet_usd) * (1.0 - sale.cost_frac)
    npv: dict[StrategyName, FloatArray] = {}
    nets: dict[StrategyName, FloatArray] = {}
    npv[StrategyName.MINE] = cum_mine[:, h] + residual_usd[:, h] * disc[:, h]
    r = n if net_rows is None else min(net_rows, n)
    mine_net_tv = mine_net[:r].copy()
    mine_net_tv[:, -1] += residual_usd[:r, h]
    nets[StrategyName.MINE] = mine_net_tv

    # Selling the site (land and ASICs) at closing, after mining until then.
    k = min(sale.months_to_close, h)
    proceeds = residual_usd[:, k]
    npv[StrategyName.SELL] = cum_mine[:, k] + proceeds * disc[:, k]
    sell_net = np.zeros((r, h))
    sell_net[:, :k] = mine_net[:r, :k]
    sell_net[:, max(k - 1, 0)] += proceeds[:r]  # closes at the end of month k - 1
    nets[StrategyName.SELL] = sell_net

    switch_npv = exercise = cont = basis = None
    if template is not None:
        cap = _col(f.conversion_capex)
        n_t = template.fixed_usd.size
        # the lease is valued at its own rate (tenant credit: cap rate + escalator), consistent
        # with its exit cap rate; the months before signing are discounted at the site's rate
        assert case.lease is not None
        r_lease = _col(monthly_rate(case.lease.discount_rate_per_year + shift))
        disc_t = (1.0 + r_lease) ** -np.arange(n_t + 1, dtype=np.float64)[None, :]
        dk_lease = disc_t[:, : h + 1][:, h - np.arange(h + 1)]
        parts = template.values_at_age(disc_t, h)
        # switching at month m leaves k = H - m months to the horizon; reverse along m
        kk = h - np.arange(h + 1)
        s_m = rent_mult  # rent multiplier at signing, (n, H+1)

        def part(name: str) -> FloatArray:
            pv, after = parts[name]
            return np.asarray(pv[:, kk] + dk_lease * after[:, kk])

        # the ASICs displaced by a conversion at m are sold at ages a of the template: at the
        # value of month m + a (after wear and any halving in between), not of month m
        sold_at = _fleet_multiplier_at_sale(template.fleet_usd, disc_t[0], fleet_mult)
        if USE_KERNELS:
            switch_npv, exercise, cont = _switch_compiled(
                mine_net,
                disc,
                r_m,
                {k: part(k) for k in parts},
                cap,
                sold_at,
                s_m,
                residual_usd,
                template.mining_share,
            )
        else:
            lease_value_at_m = (
                part("fixed") + cap * part("capex") + sold_at * part("fleet") + s_m * part("rent")
            )
            lease_value_at_m[:, h] = residual_usd[:, h]  # "switch" at the horizon = never
            still_mining = _mining_while_converting(template.mining_share, cum_mine)  # time 0
            switch_npv = cum_mine + disc * lease_value_at_m + still_mining  # (n, H+1)
            # Longstaff-Schwartz inputs: decide at the start of month m (m = 0..H-1)
            exercise = lease_value_at_m[:, :h] + still_mining[:, :h] / disc[:, :h]
            cont = mine_net / (1.0 + r_m)  # received at month end, in month-m money
            cont[:, -1] += residual_usd[:, h] / (1.0 + r_m[:, 0])
        npv[StrategyName.LEASE] = switch_npv[:, 0]
        cap_r = cap[: min(r, cap.shape[0])]
        lease_net = (
            template.fixed_usd[None, :h]
            + cap_r * template.capex_usd[None, :h]
            + template.fleet_usd[None, :h] * fleet_mult[:r, :h]
            + s_m[:r, :1] * template.rent_usd[None, :h]
        )
        lease_net = lease_net + mine_net[:r] * template.mining_share[None, :h]
        lease_net[:, -1] += (
            parts["fixed"][1][: min(r, parts["fixed"][1].shape[0]), h]
            + cap_r[:, 0] * parts["capex"][1][: min(r, parts["capex"][1].shape[0]), h]
            + parts["fleet"][1][: min(r, parts["fleet"][1].shape[0]), h]
            + s_m[:r, 0] * parts["rent"][1][: min(r, parts["rent"][1].shape[0]), h]
        )
        nets[StrategyName.LEASE] = lease_net
        w = case.split_lease_frac
        npv[StrategyName.SPLIT] = (1.0 - w) * npv[StrategyName.MINE] + w * npv[StrategyName.LEASE]
        nets[StrategyName.SPLIT] = (1.0 - w) * mine_net_tv + w * lease_net
        basis = np.stack([mined.hashprice_usd_per_ph_day, rent_path[:, :h]], axis=2)

    if case.gpu is not None and with_gpu:
        g = case.gpu
        # The catalogue curve prices each GPU by its age since delivery (decay per generation,
        # floor, reset at refresh); the market process adds its deviation from its own
        # deterministic path, so a path's GPU rates move with the market around that curve.
        gt = gpu if gpu is not None else gpu_template(case)
        assert gt is not None
        dev = scen.gpu_rate_usd_per_gpu_hour[:, off : off + h] / _gpu_trend(case, off, h)
        rate_path = _scaled(gt.curve_usd_per_gpu_hour * dev, f.gpu_rate)
        if gt.affine:
            gnet = gt.fixed_usd[None, :] + gt.per_rate_usd[None, :] * rate_path
        else:
            gnet = gpu_cloud_cash_flows(
                g.terms,
                g.conversion,
                start=site.start,
                months=h,
                gpu_rate_usd_per_gpu_hour=rate_path,
            ).net_usd
        if gnet.shape[0] != n:
            gnet = np.broadcast_to(gnet, (n, h)).copy()
        # Like the lease: the displaced ASICs are sold (at their value in the month of the sale,
        # as the GPU builder leaves them out) and the site's unconverted share keeps mining.
        gnet = gnet + fleet_disposition_usd(g.conversion, h)[None, :] * fleet_mult[:, :h]
        gmine = mine_net * mining_share_of_site(g.conversion, h)[None, :]
        nets[StrategyName.GPU_CLOUD] = gnet[:r] + gmine[:r]
        r_gpu = _col(monthly_rate(g.discount_rate_per_year + shift))
        disc_g = (1.0 + r_gpu) ** -np.arange(1, h + 1, dtype=np.float64)[None, :]
        npv[StrategyName.GPU_CLOUD] = (gnet * disc_g).sum(axis=1) + (gmine * disc[:, 1:]).sum(
            axis=1
        )

    return BatchValues(
        npv_usd=npv,
        net_usd=nets,
        switch_npv_usd=switch_npv,
        exercise_value_usd=exercise,
        continuation_usd=cont,
        basis=basis,
        hashprice_usd_per_ph_day=mined.hashprice_usd_per_ph_day,
        btc_price_usd=mined.btc_price_usd,
        discount_per_month=disc,
    )
