"""Which inputs move a site's answer: tornado and Sobol indices on the strategies' NPV.

The model is the engine itself on the site's named deterministic scenario, the path of
``compare --deterministic`` (:func:`hashpivot.engine.deterministic.deterministic_scenarios`, the
case under its ``[scenario]``: :func:`~hashpivot.engine.deterministic.deterministic_case`), so the
tornado's base is that run's NPV. The inputs are applied as per-path
:class:`~hashpivot.engine.strategies.Factors`, so a Sobol design of thousands of points is one
vectorised batch. For ``switch`` the value is the best fixed conversion month (under
certainty the optimal policy is a fixed month). A site priced against an hourly price history
is dispatched exactly against it, hour by hour, at every point (as ``compare --deterministic``
does), the power-price input scaling every hour's index price of that history (the delivery
adder and a PPA's contract price stay): one exact dispatch per distinct power-price value, so
the Sobol design's few hundred distinct values cost about a second more than the curve
(docs/methodology.md "Sensitivity").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from hashpivot.engine.deterministic import (
    deterministic_case,
    deterministic_scenarios,
    scenario_of,
)
from hashpivot.engine.sensitivity import (
    InputRange,
    SobolResult,
    TornadoResult,
    sobol_indices,
    tornado,
)
from hashpivot.engine.strategies import (
    CompareCase,
    Factors,
    StrategyName,
    evaluate_batch,
    prepare,
)
from hashpivot.market.scenarios import MarketScenarios
from hashpivot.types import FloatArray

#: Documented ranges (docs/methodology.md, "Sensitivity").
SENSITIVITY_RANGES: dict[str, InputRange] = {
    "btc_price": InputRange(
        low=0.6, high=1.4, source="x today's path; +-40% ~ one year at 72%/yr volatility"
    ),
    "network_hashrate": InputRange(
        low=0.8, high=1.2, source="x path; +-20% ~ one year at 26%/yr volatility"
    ),
    "power_price": InputRange(
        low=0.75, high=1.25, source="x contract; ERCOT West 2024 vs 2025 means $27-33"
    ),
    "rent": InputRange(
        low=0.8,
        high=1.2,
        source="x the site's rent at signing; inside the signed deals' $84-135/kW-month",
    ),
    "conversion_capex": InputRange(
        low=0.8, high=1.3, source="x capex; C&W $9.3-15.0M per IT MW vs $9.64M"
    ),
    "gpu_rate": InputRange(
        low=0.75, high=1.25, source="x GPU rate; H100 $1.70 trough to $2.4 typical"
    ),
    "discount_rate_per_year": InputRange(
        low=0.09, high=0.15, source="annual; +-3 points around 12%"
    ),
}


def base_label(case: CompareCase) -> str:
    """What the tornado is centred on: the site's named scenario, as ``compare
    --deterministic`` runs it."""
    name = scenario_of(case, None).value
    dispatch = (
        "; dispatched hour by hour against its price history (power price x every hour)"
        if case.power_history is not None
        else ""
    )
    return f"deterministic base: the site's '{name}' scenario (compare --deterministic){dispatch}"


@dataclass(frozen=True, slots=True)
class SiteModel:
    """``factors (n, d) -> NPV (n,)`` of one strategy on the named deterministic scenario,
    dispatched exactly against the site's price history where it has one (``exact_power``)."""

    case: CompareCase
    strategy: str
    names: tuple[str, ...]
    scen: MarketScenarios
    prepared: dict[str, Any]

    def __call__(self, x: FloatArray) -> FloatArray:
        x = np.atleast_2d(x)
        n = x.shape[0]
        scen = self.scen.take(np.zeros(n, dtype=np.int64))
        kw = {name: x[:, i] for i, name in enumerate(self.names)}
        v = evaluate_batch(self.case, scen, self.prepared, Factors(**kw), exact_power=True)
        if v.option is not None and self.strategy == v.option_name:
            return np.asarray(v.option.stop_npv_usd.max(axis=1))
        return np.asarray(v.npv_usd[self.strategy])


def _names(case: CompareCase) -> tuple[str, ...]:
    names = ["btc_price", "network_hashrate", "power_price", "discount_rate_per_year"]
    if case.lease is not None:
        names += ["rent", "conversion_capex"]
    if case.gpu is not None:
        names.append("gpu_rate")
    return tuple(n for n in SENSITIVITY_RANGES if n in names)


def base_values(case: CompareCase, names: tuple[str, ...]) -> dict[str, float]:
    return {n: (case.mining.discount_rate if n == "discount_rate_per_year" else 1.0) for n in names}


def site_sensitivity(
    case: CompareCase,
    strategy: str,
    *,
    sobol_n_base: int = 256,
    ranges: Mapping[str, InputRange] = SENSITIVITY_RANGES,
) -> tuple[TornadoResult, SobolResult]:
    """Tornado (one input at a time at the ends of its range) and Sobol indices of the NPV of
    ``strategy`` over the documented ranges, on the site's named deterministic scenario (the
    base: ``compare --deterministic``'s NPV of ``strategy``; :func:`base_label`)."""
    if strategy not in case.strategies:
        strategy = StrategyName.MINE
    names = _names(case)
    scen = deterministic_scenarios(case)  # the path of run_deterministic (the named scenario)
    case = deterministic_case(case)
    model = SiteModel(case, strategy, names, scen, prepare(case))
    base = base_values(case, names)

    def one(point: Mapping[str, float]) -> float:
        return float(model(np.array([[point[n] for n in names]]))[0])

    tor = tornado(one, base, {n: ranges[n] for n in names})
    sob = sobol_indices(model, {n: ranges[n] for n in names}, n_base=sobol_n_base, seed=0)
    return tor, sob
