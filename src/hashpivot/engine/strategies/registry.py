"""The strategy registry and the batch evaluation that iterates it.

A new strategy is one module with a class that follows
:class:`~hashpivot.engine.strategies.base.Strategy`, plus one :func:`register` call (or a line
in :data:`BUILT_INS`); :func:`evaluate_batch` and :func:`hashpivot.engine.compare.compare`
value whatever is registered and available for the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies.base import (
    BatchContext,
    Factors,
    OptionInputs,
    Strategy,
    StrategyValue,
)
from hashpivot.engine.strategies.context import batch_context
from hashpivot.engine.strategies.gpu_cloud import GpuCloud
from hashpivot.engine.strategies.lease import Lease
from hashpivot.engine.strategies.mine import Mine
from hashpivot.engine.strategies.sell import Sell
from hashpivot.engine.strategies.split import Split
from hashpivot.engine.strategies.supplier import Supplier
from hashpivot.engine.strategies.switch import Switch
from hashpivot.errors import InputError
from hashpivot.market.scenarios import MarketScenarios
from hashpivot.mining.projection import MiningResult
from hashpivot.power.dispatch import MonthlyPower
from hashpivot.types import FloatArray

#: The built-ins, in the order they are valued and shown (a composite after its parts).
BUILT_INS: tuple[Strategy, ...] = (
    Mine(),
    Lease(),
    GpuCloud(),
    Switch(),
    Split(),
    Sell(),
    Supplier(),
)

_REGISTRY: dict[str, Strategy] = {s.name: s for s in BUILT_INS}


def register(strategy: Strategy) -> None:
    """Add a strategy (valued after those already registered); a name is registered once."""
    if strategy.name in _REGISTRY:
        raise InputError("strategy", strategy.name, "a name not already registered")
    missing = [a for a in strategy.after if a not in _REGISTRY]
    if missing:
        raise InputError("strategy.after", missing, "strategies already registered")
    _REGISTRY[strategy.name] = strategy


def registered() -> tuple[Strategy, ...]:
    return tuple(_REGISTRY.values())


def _has(case: CompareCase, need: str) -> bool:
    if need == "lease":
        return case.lease is not None
    if need == "gpu":
        return case.gpu is not None
    return getattr(case, need, None) is not None


def available(case: CompareCase) -> tuple[Strategy, ...]:
    """The registered strategies whose needs the case meets (and whose parts are available)."""
    out: list[Strategy] = []
    names: set[str] = set()
    for s in _REGISTRY.values():
        if all(_has(case, r) for r in s.requires) and all(a in names for a in s.after):
            out.append(s)
            names.add(s.name)
    return tuple(out)


def prepare(case: CompareCase) -> dict[str, Any]:
    """Each available strategy's once-per-run work (templates), by name."""
    return {s.name: s.prepare(case) for s in available(case)}


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchValues:
    """Per-path results of one batch.

    npv_usd : NPV per strategy ``(paths,)`` (an optional-stopping strategy's is NaN until its
        policy is applied)
    net_usd : monthly net cash flows per strategy of the kept sample ``(rows, H)``
    option : the optional-stopping strategy's inputs (``switch``), if any
    option_name : its name
    hashprice_usd_per_ph_day, btc_price_usd : ``(paths, H)`` for fan charts
    discount_per_month : ``(paths or 1, H + 1)`` factors ``(1 + r_m)^-t``
    mined : the mining run behind every strategy; monthly_power : exact dispatch (one path)
    """

    npv_usd: dict[str, FloatArray]
    net_usd: dict[str, FloatArray]
    option: OptionInputs | None
    option_name: str | None
    hashprice_usd_per_ph_day: FloatArray
    btc_price_usd: FloatArray
    discount_per_month: FloatArray
    mined: MiningResult
    monthly_power: MonthlyPower | None = None

    @property
    def switch_npv_usd(self) -> FloatArray | None:
        """NPV of converting at each fixed month ``(paths, H + 1)`` (None without a lease)."""
        return None if self.option is None else self.option.stop_npv_usd


def evaluate_batch(
    case: CompareCase,
    scen: MarketScenarios,
    prepared: dict[str, Any] | None = None,
    factors: Factors | None = None,
    *,
    training: bool = False,
    net_rows: int | None = None,
    exact_power: bool = False,
) -> BatchValues:
    """Value every available strategy on one batch of market paths (column 0 = the snapshot's
    month).

    ``prepared`` holds the strategies' templates (:func:`prepare`; built here if None).
    ``training`` values only what the switch-policy fit needs; ``net_rows`` limits the monthly
    net cash flows to the first rows (the sample kept for monthly tables); ``exact_power``
    dispatches a deterministic path exactly against the site's price history.
    """
    strategies = available(case)
    if training:
        strategies = tuple(s for s in strategies if s.in_training)
    ctx: BatchContext = batch_context(
        case,
        scen,
        factors=factors,
        rows=net_rows,
        exact_power=exact_power,
        prepared=prepare(case) if prepared is None else prepared,
    )
    option = option_name = None
    for s in strategies:
        v: StrategyValue = s.cash_flows(ctx)
        ctx.values[s.name] = v
        if v.option is not None:
            option, option_name = v.option, s.name
    return BatchValues(
        npv_usd={k: v.npv_usd for k, v in ctx.values.items()},
        net_usd={k: v.net_usd for k, v in ctx.values.items() if v.option is None},
        option=option,
        option_name=option_name,
        hashprice_usd_per_ph_day=ctx.mined.hashprice_usd_per_ph_day,
        btc_price_usd=ctx.mined.btc_price_usd,
        discount_per_month=ctx.disc,
        mined=ctx.mined,
        monthly_power=ctx.monthly_power,
    )
