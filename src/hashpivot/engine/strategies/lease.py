"""``lease``: convert now to a powered shell / AI hall and lease it; exit at the cap rate.

Converting at any month is cheap to value: the lease is built once as a template
(:class:`LeaseTemplate`) and decomposed as ``A + s x B`` (``s`` the market-rent multiplier at
signing), so the value of converting at month ``m`` is a cumulative sum of discounted mining
cash flows up to ``m`` plus the template's discounted prefix of length ``H - m`` and its exit
value, all read off cumulative sums (:func:`conversion_values`, shared with ``switch``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hashpivot.compute.conversion import fleet_disposition_usd, mining_share_of_site
from hashpivot.compute.shell import lease_cash_flows, stabilisation_month
from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import BatchContext, StrategyName, StrategyValue, col
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import monthly_rate

#: Run the compiled switch kernel (engine/_switch_kernel) where numba is here; the numpy code
#: path stays as its reference (tests compare the two).
try:
    from hashpivot.engine._switch_kernel import switch_block as _switch_block

    USE_KERNELS = True
except ImportError:  # pragma: no cover - numba is a dependency
    USE_KERNELS = False


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
    """The conversion arithmetic of :func:`conversion_values` in one compiled pass per path."""
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


def fleet_multiplier_at_sale(
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
class ConversionValues:
    """Converting at every month m = 0..H on one batch (m = H: never).

    stop_npv_usd : NPV of converting at m ``(n, H + 1)``; exercise_value_usd : its value at m
    in month-m money ``(n, H)``; continuation_usd : mining's month-m flow in month-m money
    ``(n, H)``; parts : the template's value at every age per part (see
    :meth:`LeaseTemplate.values_at_age`); cap : capex multiplier column
    """

    stop_npv_usd: FloatArray
    exercise_value_usd: FloatArray
    continuation_usd: FloatArray
    parts: dict[str, tuple[FloatArray, FloatArray]]
    cap: FloatArray


def conversion_values(ctx: BatchContext) -> ConversionValues:
    """The value of converting to the lease at every month, on one batch (cached per batch)."""
    if "conversion" in ctx.shared:
        return ctx.shared["conversion"]  # type: ignore[no-any-return]
    case, template = ctx.case, ctx.prepared[StrategyName.LEASE]
    assert case.lease is not None and isinstance(template, LeaseTemplate)
    h = ctx.horizon
    cap = col(ctx.factors.conversion_capex)
    n_t = template.fixed_usd.size
    # the lease is valued at its own rate (tenant credit: cap rate + escalator), consistent
    # with its exit cap rate; the months before signing are discounted at the site's rate
    r_lease = col(monthly_rate(case.lease.discount_rate_per_year + ctx.rate_shift))
    disc_t = (1.0 + r_lease) ** -np.arange(n_t + 1, dtype=np.float64)[None, :]
    dk_lease = disc_t[:, : h + 1][:, h - np.arange(h + 1)]
    parts = template.values_at_age(disc_t, h)
    kk = h - np.arange(h + 1)  # switching at month m leaves k = H - m months to the horizon

    def part(name: str) -> FloatArray:
        pv, after = parts[name]
        return np.asarray(pv[:, kk] + dk_lease * after[:, kk])

    # the ASICs displaced by a conversion at m are sold at ages a of the template: at the
    # value of month m + a (after wear and any halving in between), not of month m
    sold_at = fleet_multiplier_at_sale(template.fleet_usd, disc_t[0], ctx.fleet_mult)
    s_m = ctx.rent_mult  # rent multiplier at signing, (n, H+1)
    if USE_KERNELS:
        sw, ex, cont = _switch_compiled(
            ctx.mine_net,
            ctx.disc,
            ctx.r_m,
            {k: part(k) for k in parts},
            cap,
            sold_at,
            s_m,
            ctx.residual_usd,
            template.mining_share,
        )
    else:
        disc = ctx.disc
        lease_value_at_m = (
            part("fixed") + cap * part("capex") + sold_at * part("fleet") + s_m * part("rent")
        )
        lease_value_at_m[:, h] = ctx.residual_usd[:, h]  # "switch" at the horizon = never
        still_mining = _mining_while_converting(template.mining_share, ctx.cum_mine)  # time 0
        sw = ctx.cum_mine + disc * lease_value_at_m + still_mining  # (n, H+1)
        # Longstaff-Schwartz inputs: decide at the start of month m (m = 0..H-1)
        ex = lease_value_at_m[:, :h] + still_mining[:, :h] / disc[:, :h]
        cont = ctx.mine_net / (1.0 + ctx.r_m)  # received at month end, in month-m money
        cont[:, -1] += ctx.residual_usd[:, h] / (1.0 + ctx.r_m[:, 0])
    out = ConversionValues(
        stop_npv_usd=sw, exercise_value_usd=ex, continuation_usd=cont, parts=parts, cap=cap
    )
    ctx.shared["conversion"] = out
    return out


class Lease:
    """Convert now and lease; the unconverted share keeps mining while the hall is built."""

    name = StrategyName.LEASE.value
    label = "convert now to a powered shell / AI hall and lease it (exit at the cap rate)"
    requires: tuple[str, ...] = ("lease",)
    after: tuple[str, ...] = ()
    optional_stopping = False
    in_training = True

    def prepare(self, case: CompareCase) -> LeaseTemplate:
        return lease_template(case)

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        conv = conversion_values(ctx)
        t = ctx.prepared[self.name]
        h, r = ctx.horizon, ctx.rows
        s_m, parts = ctx.rent_mult, conv.parts
        cap_r = conv.cap[: min(r, conv.cap.shape[0])]
        net = (
            t.fixed_usd[None, :h]
            + cap_r * t.capex_usd[None, :h]
            + t.fleet_usd[None, :h] * ctx.fleet_mult[:r, :h]
            + s_m[:r, :1] * t.rent_usd[None, :h]
        )
        net = net + ctx.mined.cash_flows.net_usd[:r] * t.mining_share[None, :h]  # cash

        def exit_(name: str) -> FloatArray:
            after = parts[name][1]
            return after[: min(r, after.shape[0]), h]

        net[:, -1] += (
            exit_("fixed")
            + cap_r[:, 0] * exit_("capex")
            + exit_("fleet")
            + s_m[:r, 0] * exit_("rent")
        )
        return StrategyValue(npv_usd=conv.stop_npv_usd[:, 0], net_usd=net)
