"""The Strategy contract: what every strategy module provides and what it is given.

A strategy turns one batch of market paths into per-path values. It is given a
:class:`BatchContext` (the site's case, the batch's market paths, the mining run that every
strategy starts from, discount factors and the site's value at every month) and returns a
:class:`StrategyValue`: its NPV per path and its signed monthly net cash flows (inflows
positive, outflows negative, as numpy-financial; the exit or residual value is in the last
month), both over ``(paths, months)``.

A strategy that can be exercised at any month (``switch``) also returns
:class:`OptionInputs`; the engine fits its Longstaff-Schwartz policy on a training stream and
fills its NPV from the policy (:mod:`hashpivot.engine.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np

from hashpivot.engine.case import CompareCase
from hashpivot.market.scenarios import MarketScenarios
from hashpivot.mining.projection import MiningResult
from hashpivot.power.dispatch import MonthlyPower
from hashpivot.types import FloatArray


class StrategyName(StrEnum):
    """The built-in strategies (a registered strategy may have any other name)."""

    MINE = "mine"
    LEASE = "lease"
    GPU_CLOUD = "gpu_cloud"
    SWITCH = "switch"
    SPLIT = "split"
    SELL = "sell"


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


def col(x: FloatArray | float) -> FloatArray:
    """A scalar or ``(paths,)`` as a ``(paths or 1, 1)`` column."""
    return np.asarray(x, dtype=np.float64).reshape(-1, 1)


def scaled(a: FloatArray, factor: FloatArray | float) -> FloatArray:
    """``a x factor`` per path, without a copy where the factor is the scalar 1."""
    if np.ndim(factor) == 0 and float(factor) == 1.0:  # type: ignore[arg-type]
        return a
    return np.asarray(a * col(factor))


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionInputs:
    """An optional-stopping strategy's values on one batch (H = horizon months).

    stop_npv_usd : NPV of stopping (converting) at each fixed month m, ``(paths, H + 1)``
        (m = H: never)
    exercise_value_usd : value at month m of stopping then, in month-m money ``(paths, H)``
    continuation_usd : cash flow of month m if not stopped, in month-m money ``(paths, H)``
    basis : regression variables ``(paths, H, 2)``: hashprice [USD/PH/day], rent [USD/kW-month]
    """

    stop_npv_usd: FloatArray
    exercise_value_usd: FloatArray
    continuation_usd: FloatArray
    basis: FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyValue:
    """One strategy on one batch.

    npv_usd : NPV per path at the site's first month ``(paths,)`` [USD]; NaN where the value
        comes from a fitted policy applied later (``option`` is then set)
    net_usd : signed monthly net cash flows of the kept sample paths ``(rows, H)`` [USD],
        exit / residual value in the last month
    option : the inputs of an optional-stopping strategy (``switch``)
    """

    npv_usd: FloatArray
    net_usd: FloatArray
    option: OptionInputs | None = None


@dataclass(slots=True, kw_only=True)
class BatchContext:
    """What every strategy is given for one batch (built by
    :func:`hashpivot.engine.strategies.context.batch_context`).

    case, scen, factors : the site, the batch's market paths, sensitivity multipliers
    rows : sample paths whose monthly net flows are kept
    rate_shift : change of every discount rate (a discount-rate sensitivity) [fraction/year]
    disc : site discount factors ``(1 + r_m)^-t``, ``(paths or 1, H + 1)``
    r_m : site monthly rate ``(paths or 1, 1)``
    mined : the mining run (keep mining, the whole site); mine_net : its net flows ``(n, H)``
    cum_mine : cumulative PV of mining ``(n, H + 1)`` (column m: months before m)
    rent_mult : the rent this site would sign at month m over the lease template's
        ``(n, H + 1)`` (x the rent factor)
    land_mult : the product's rent index at month m over today's ``(n, H + 1)`` (x the rent
        factor): what the powered land's value moves with
    fleet_mult : the fleet's value at month m over its value at the ASIC price ``(n, H + 1)``
    residual_usd : the site sold at month m: powered land + ASICs, less costs ``(n, H + 1)``
    monthly_power : exact dispatch of a deterministic path (None in Monte Carlo)
    prepared : what each strategy built once per run (templates), by name
    values : the strategies valued so far on this batch (a composite reads its parts)
    shared : work shared between strategies on this batch (e.g. the conversion arrays)
    """

    case: CompareCase
    scen: MarketScenarios
    factors: Factors
    rows: int
    rate_shift: FloatArray | float
    disc: FloatArray
    r_m: FloatArray
    mined: MiningResult
    mine_net: FloatArray
    cum_mine: FloatArray
    rent_mult: FloatArray
    land_mult: FloatArray
    fleet_mult: FloatArray
    residual_usd: FloatArray
    monthly_power: MonthlyPower | None = None
    prepared: dict[str, Any] = field(default_factory=dict)
    values: dict[str, StrategyValue] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def paths(self) -> int:
        return self.scen.paths

    @property
    def horizon(self) -> int:
        return self.case.horizon


class Strategy(Protocol):
    """A strategy module's contract (one module per strategy, registered in
    :mod:`hashpivot.engine.strategies.registry`).

    name : the key in every result (``mine``, ``lease``, ...)
    label : a short description for outputs
    requires : the case's options it needs (``"lease"``, ``"gpu"``); it is offered only
        where they are present
    after : strategies it reads from ``ctx.values`` or ``ctx.shared`` (valued first)
    optional_stopping : exercised at any month by a fitted policy (its ``cash_flows`` returns
        :class:`OptionInputs`; at most one such strategy is available per case)
    in_training : needed on the policy-fit pass (the fit needs mining and the conversion)
    """

    name: str
    label: str
    requires: tuple[str, ...]
    after: tuple[str, ...]
    optional_stopping: bool
    in_training: bool

    def prepare(self, case: CompareCase) -> Any:
        """Work done once per run (templates); None if nothing. Must be picklable."""
        ...

    def cash_flows(self, ctx: BatchContext) -> StrategyValue:
        """Value the strategy on one batch."""
        ...
