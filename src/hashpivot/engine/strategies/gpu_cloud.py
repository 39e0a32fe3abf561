"""``gpu_cloud``: convert now and sell GPU compute (generation curves x market deviation; the
contracted share's net flows - take-or-pay revenue less the opex and capex serving it -
discounted at risk-free + the counterparty's spread, valuation/gpu_credit.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.compute.conversion import fleet_disposition_usd, mining_share_of_site
from hashpivot.compute.gpu_cloud import gpu_cloud_cash_flows
from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import (
    BatchContext,
    StrategyName,
    StrategyValue,
    col,
    scaled,
)
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import monthly_rate


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuTemplate:
    """The GPU cloud's monthly net cash flows as ``fixed + per_rate x rate`` (they are affine in
    the market rate of the uncontracted GPU-hours; checked when built, else ``affine=False``
    and the engine calls the builder per batch), plus the catalogue age curve."""

    fixed_usd: FloatArray  # (H,)
    per_rate_usd: FloatArray  # (H,) USD per (USD/GPU-hour)
    curve_usd_per_gpu_hour: FloatArray  # (1, H) the generations' rate by age since purchase
    contracted_usd: FloatArray  # (H,) the contracted share's net flows, in the net: take-or-pay
    # revenue (prepayment included) less the share of opex and capex serving the contract
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

    base = gpu_cloud_cash_flows(g.terms, g.conversion, start=start, months=h).extras
    curve = base["market_rate_usd_per_gpu_hour"]
    one = net(np.ones((1, h)))[0]
    per_rate = net(np.full((1, h), 2.0))[0] - one
    fixed = one - per_rate
    probe = (1.5 + 0.5 * np.sin(np.arange(h)))[None, :]
    scale = max(1.0, float(np.abs(one).max()))
    affine = bool(np.abs(net(probe)[0] - (fixed + per_rate * probe[0])).max() <= 1e-9 * scale)
    return GpuTemplate(
        fixed_usd=fixed,
        per_rate_usd=per_rate,
        curve_usd_per_gpu_hour=curve,
        contracted_usd=np.asarray(base["contracted_net_usd"])[0],
        affine=affine,
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


class GpuCloud:
    """Convert now and run a GPU cloud at its own discount rate; the displaced ASICs are sold
    and the unconverted share keeps mining (at the site's rate)."""

    name = StrategyName.GPU_CLOUD.value
    label = "convert now and sell GPU compute"
    requires: tuple[str, ...] = ("gpu",)
    after: tuple[str, ...] = ()
    optional_stopping = False
    in_training = False

    def prepare(self, case: CompareCase) -> GpuTemplate | None:
        return gpu_template(case)

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        case, f = ctx.case, ctx.factors
        g = case.gpu
        assert g is not None
        h, off, n, r = ctx.horizon, case.offset, ctx.paths, ctx.rows
        # The catalogue curve prices each GPU by its age since delivery (decay per generation,
        # floor, reset at refresh); the market process adds its deviation from its own
        # deterministic path, so a path's GPU rates move with the market around that curve.
        gt = ctx.prepared.get(self.name) or gpu_template(case)
        assert gt is not None
        dev = ctx.scen.gpu_rate_usd_per_gpu_hour[:, off : off + h] / _gpu_trend(case, off, h)
        rate_path = scaled(gt.curve_usd_per_gpu_hour * dev, f.gpu_rate)
        if gt.affine:
            gnet = gt.fixed_usd[None, :] + gt.per_rate_usd[None, :] * rate_path
        else:
            gnet = gpu_cloud_cash_flows(
                g.terms,
                g.conversion,
                start=case.mining.start,
                months=h,
                gpu_rate_usd_per_gpu_hour=rate_path,
            ).net_usd
        if gnet.shape[0] != n:
            gnet = np.broadcast_to(gnet, (n, h)).copy()
        # Like the lease: the displaced ASICs are sold (at their value in the month of the sale,
        # as the GPU builder leaves them out) and the site's unconverted share keeps mining.
        gnet = gnet + fleet_disposition_usd(g.conversion, h)[None, :] * ctx.fleet_mult[:, :h]
        gmine = ctx.mine_net * mining_share_of_site(g.conversion, h)[None, :]
        t = np.arange(1, h + 1, dtype=np.float64)[None, :]
        r_gpu = col(monthly_rate(g.discount_rate_per_year + ctx.rate_shift))
        disc_g = (1.0 + r_gpu) ** -t
        npv = (gnet * disc_g).sum(axis=1) + (gmine * ctx.disc[:, 1:]).sum(axis=1)
        r_contract = g.terms.contract_discount_rate_per_year
        if r_contract is not None:  # the contract's net flows at the counterparty's credit
            disc_c = (1.0 + col(monthly_rate(r_contract + ctx.rate_shift))) ** -t
            npv = npv + (gt.contracted_usd[None, :] * (disc_c - disc_g)).sum(axis=1)
        cash_mine = (
            ctx.mined.cash_flows.net_usd[:r] * mining_share_of_site(g.conversion, h)[None, :]
        )
        return StrategyValue(npv_usd=npv, net_usd=gnet[:r] + cash_mine)
