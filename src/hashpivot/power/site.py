"""A whole site: flexible mining, an optional firm AI load, an optional fixed-price contract
with sell-back of unused power, optional 4CP avoidance.

Sign convention: cash inflows positive, outflows negative, as numpy-financial. Costs are
reported as positive magnitudes in fields named ``*_cost_usd`` and turned into signed cash
flows only in ``SiteDispatch.net_power_cash_usd``. The public names are re-exported by
:mod:`hashpivot.power.dispatch`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.errors import InputError
from hashpivot.power.flexible import (
    DEFAULT_BLOCK_INTERVALS,
    NO_CONSTRAINTS,
    BoolArray,
    DispatchPolicy,
    PowerPayer,
    RunConstraints,
    _as_2d,
    _iter_blocks,
    _prices_2d,
    _sub,
)
from hashpivot.power.fourcp import CoincidentPeakTerms, coincident_peak_mask
from hashpivot.power.prices import DatetimeArray
from hashpivot.types import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class PpaTerms:
    """Fixed-price power contract (take-or-pay) with sell-back of unused power.

    The site buys ``contract_mw`` every interval at ``price_usd_per_mwh``; what its loads do
    not use is resold at the real-time price (credit = revenue); load above the contract is
    bought at the index price plus the delivery adder.
    """

    contract_mw: float
    price_usd_per_mwh: float

    def __post_init__(self) -> None:
        if self.contract_mw <= 0:
            raise InputError("ppa.contract_mw", self.contract_mw, "a number > 0 (MW)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteDispatchSpec:
    """What runs on the site and how it buys power (all MW at the meter).

    ``mining_mw``: flexible mining load when fully on; ``ai_load_mw``: firm AI load (every
    interval); ``adder_usd_per_mwh``: delivery charges on energy bought at the index price.
    """

    mining_mw: float
    ai_load_mw: float = 0.0
    policy: DispatchPolicy = DispatchPolicy.CURTAIL
    constraints: RunConstraints = NO_CONSTRAINTS
    ppa: PpaTerms | None = None
    fourcp: CoincidentPeakTerms | None = None
    ai_power_paid_by: PowerPayer = PowerPayer.TENANT
    adder_usd_per_mwh: float = 0.0

    def __post_init__(self) -> None:
        if self.mining_mw < 0:
            raise InputError("mining_mw", self.mining_mw, "a number >= 0 (MW)")
        if self.ai_load_mw < 0:
            raise InputError("ai_load_mw", self.ai_load_mw, "a number >= 0 (MW)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteDispatch:
    """Per-path results of :func:`dispatch_site`, each ``(paths,)``; energy MWh, money USD.

    Cost fields are positive magnitudes. ``net_power_cash_usd`` is the landlord's signed
    power cash flow: credit - mining cost - unused contract cost - AI cost if the landlord
    bears it.
    """

    hours: float
    mining_uptime_frac: FloatArray
    mining_energy_mwh: FloatArray
    mining_value_usd: FloatArray  #: sum of mining MWh x breakeven (revenue net of pool fee)
    mining_power_cost_usd: FloatArray
    mining_avg_power_price_usd_per_mwh: FloatArray  #: cost / energy (NaN if it never ran)
    avg_all_hours_usd_per_mwh: FloatArray
    ai_energy_mwh: FloatArray
    ai_power_cost_usd: FloatArray
    landlord_ai_power_cost_usd: FloatArray
    unused_contract_cost_usd: FloatArray
    sellback_credit_usd: FloatArray
    fourcp_curtailed_hours: FloatArray

    @property
    def net_power_cash_usd(self) -> FloatArray:
        return (
            self.sellback_credit_usd
            - self.mining_power_cost_usd
            - self.unused_contract_cost_usd
            - self.landlord_ai_power_cost_usd
        )

    @property
    def mining_margin_usd(self) -> FloatArray:
        """Mining value + sell-back credit - mining power cost - unused contract cost [USD]."""
        return (
            self.mining_value_usd
            + self.sellback_credit_usd
            - self.mining_power_cost_usd
            - self.unused_contract_cost_usd
        )


def dispatch_site(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    spec: SiteDispatchSpec,
    *,
    interval_hours: float = 1.0,
    interval_start_utc: DatetimeArray | None = None,
    block: int = DEFAULT_BLOCK_INTERVALS,
) -> SiteDispatch:
    """Dispatch a site hour by hour: firm AI load, flexible mining, contract and sell-back.

    Decision price of mining: the index price + adder without a contract; the real-time price
    under a contract (the opportunity cost of a contracted MWh is its resale price). Under a
    contract the AI load is served first; per interval (C = contract MW, a = AI MW,
    m = mining MW x run share): ai_cov = min(a, C), mine_cov = min(m, C - ai_cov),
    unused = C - ai_cov - mine_cov, shortfalls bought at index + adder; contract energy at the
    contract price; credit = unused x price x dt (:func:`sellback_credit_usd`).
    ``interval_start_utc`` is needed only for 4CP.
    """
    p = _prices_2d(price_usd_per_mwh)
    b = _as_2d(breakeven_usd_per_mwh, "breakeven_usd_per_mwh")
    n = p.shape[1]
    forced = None
    if spec.fourcp is not None:
        if interval_start_utc is None:
            raise InputError("interval_start_utc", None, "timestamps (needed for 4CP)")
        forced = coincident_peak_mask(interval_start_utc, p, spec.fourcp)
    decision = p if spec.ppa is not None else p + spec.adder_usd_per_mwh
    paths = max(p.shape[0], b.shape[0])
    acc = {k: np.zeros(paths) for k in _SUMS}
    dt = interval_hours
    for rows, cols, run in _iter_blocks(
        decision,
        b,
        policy=spec.policy,
        constraints=spec.constraints,
        forced_off=forced,
        block=block,
    ):
        pb = np.broadcast_to(_sub(p, rows, cols), run.shape)
        fb = None if forced is None else np.broadcast_to(_sub(forced, rows, cols), run.shape)
        sums = _block_sums(pb, _sub(b, rows, cols), np.asarray(run, dtype=np.float64), fb, spec)
        for k, v in sums.items():
            acc[k][rows] += v if k in _COUNTS else v * dt
    mine_mwh, mine_cost, ai_cost = acc["mine_mwh"], acc["mine_cost"], acc["ai_cost"]
    with np.errstate(invalid="ignore", divide="ignore"):
        avg_run = np.where(mine_mwh > 0, mine_cost / np.where(mine_mwh > 0, mine_mwh, 1.0), np.nan)
    landlord_ai = ai_cost if spec.ai_power_paid_by is PowerPayer.LANDLORD else np.zeros(paths)
    return SiteDispatch(
        hours=n * dt,
        mining_uptime_frac=acc["run"] / n,
        mining_energy_mwh=mine_mwh,
        mining_value_usd=acc["mine_val"],
        mining_power_cost_usd=mine_cost,
        mining_avg_power_price_usd_per_mwh=avg_run,
        avg_all_hours_usd_per_mwh=acc["all_p"] / n,
        ai_energy_mwh=np.full(paths, spec.ai_load_mw * n * dt),
        ai_power_cost_usd=ai_cost,
        landlord_ai_power_cost_usd=landlord_ai,
        unused_contract_cost_usd=acc["unused_cost"],
        sellback_credit_usd=acc["credit"],
        fourcp_curtailed_hours=acc["forced"] * dt,
    )


#: per-path sums of :func:`dispatch_site`; all but :data:`_COUNTS` (interval counts and price
#: sums) are MW or USD/h sums, made MWh or USD by the interval length as they are added
_SUMS = (
    "run",
    "mine_mwh",
    "mine_val",
    "all_p",
    "mine_cost",
    "ai_cost",
    "unused_cost",
    "credit",
    "forced",
)
_COUNTS = ("run", "all_p", "forced")


def _block_sums(
    pb: FloatArray,
    bb: FloatArray,
    r: FloatArray,
    forced: BoolArray | None,
    spec: SiteDispatchSpec,
) -> dict[str, FloatArray]:
    """Per-path sums over one block's intervals (see :func:`dispatch_site`'s formulas)."""
    a, m = spec.ai_load_mw, spec.mining_mw
    index_p = pb + spec.adder_usd_per_mwh
    mining = m * r
    out = {
        "run": r.sum(axis=1),
        "mine_mwh": mining.sum(axis=1),
        "mine_val": (mining * bb).sum(axis=1),
        "all_p": pb.sum(axis=1),
    }
    if forced is not None:
        out["forced"] = forced.sum(axis=1)
    if spec.ppa is None:
        out["mine_cost"] = (mining * index_p).sum(axis=1)
        out["ai_cost"] = a * index_p.sum(axis=1)
        return out
    c, k = spec.ppa.contract_mw, spec.ppa.price_usd_per_mwh
    ai_cov = min(a, c)
    mine_cov = np.minimum(mining, c - ai_cov)
    unused = c - ai_cov - mine_cov
    out["mine_cost"] = (mine_cov * k + (mining - mine_cov) * index_p).sum(axis=1)
    out["ai_cost"] = ai_cov * k * r.shape[1] + (a - ai_cov) * index_p.sum(axis=1)
    out["unused_cost"] = unused.sum(axis=1) * k
    out["credit"] = (unused * pb).sum(axis=1)
    return out
