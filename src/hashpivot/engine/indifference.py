"""What must be true: the value of one input at which two strategies are worth the same.

The two strategies' mean NPVs are compared on one fixed batch of Monte Carlo paths (the paths
``compare()`` draws for the seed: common random numbers), the input applied as a per-path
multiplier (:class:`~hashpivot.engine.strategies.Factors`). The mean difference

``g(x) = mean_i [NPV_a,i(x) - NPV_b,i(x)]``

is a smooth function of the multiplier ``x`` on fixed paths, so a bracketing root-finder
(Brent's method, ``scipy.optimize.brentq``) finds ``g(x*) = 0`` in tens of evaluations. The
bracket is found by doubling / halving ``x`` from 1 (today's value) until ``g`` changes sign.

Monte Carlo confidence interval (delta method for the root of a sample mean): with ``s`` the
standard deviation across paths of the difference at ``x*`` and ``g'`` its slope there,
``x* +- z s / (sqrt(N) |g'(x*)|)`` (Robbins-Monro / stochastic root-finding; e.g. Glasserman
2003, section 7.3). On one deterministic path the interval is the point itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from hashpivot.engine.strategies import (
    CompareCase,
    Factors,
    available,
    evaluate_batch,
    prepare,
)
from hashpivot.errors import InputError
from hashpivot.market.scenarios import ChunkSimulator, MarketScenarios, chunk_specs
from hashpivot.types import FloatArray

BLOCK_PATHS = 5_000  # as engine.compare: the same paths as compare() for a seed
SUB_PATHS = 1_000  # paths valued at a time
Z_95 = 1.959963984540054
VARY_FACTORS: dict[str, str] = {
    "btc_price_usd": "btc_price",
    "rent_usd_per_kw_month": "rent",
    "power_usd_per_mwh": "power_price",
    "conversion_capex_usd_per_mw": "conversion_capex",
}
MULT_LOW, MULT_HIGH = 1.0 / 64.0, 64.0  # the widest bracket searched [x today's value]


@dataclass(frozen=True, slots=True, kw_only=True)
class Breakeven:
    """Where ``a`` and ``b`` are worth the same.

    multiplier : ``x*`` [x today's value], None if ``g`` keeps its sign over the search range
    ci_low, ci_high : 95% Monte Carlo interval on ``x*`` [x]
    diff_today_usd : ``g(1)``, mean NPV of a less b at today's value [USD]
    a_better_above : whether ``a`` wins for values above ``x*``
    evaluations : how many times ``g`` was evaluated
    """

    a: str
    b: str
    factor: str
    multiplier: float | None
    ci_low: float | None
    ci_high: float | None
    diff_today_usd: float
    a_better_above: bool | None
    evaluations: int
    paths: int
    bracket: tuple[float, float] | None


def fixed_paths(case: CompareCase, *, paths: int, seed: int) -> MarketScenarios:
    """The ``paths`` market paths ``compare(case, paths=paths, seed=seed)`` values."""
    sim = ChunkSimulator(
        case.market_params, case.start_state, case.market_months + 1,
        rent_anchor_draw=case.rent_anchor_draw,
    )  # fmt: skip
    parts = [sim(spec)[1] for spec in chunk_specs(paths, BLOCK_PATHS, seed)]
    return parts[0] if len(parts) == 1 else MarketScenarios.concat(parts)


def _check(case: CompareCase, a: str, b: str, factor: str) -> None:
    names = {s.name: s for s in available(case)}
    for side in (a, b):
        if side not in names or names[side].optional_stopping:
            plain = [n for n, s in names.items() if not s.optional_stopping]
            raise InputError("--between", side, "one of " + ", ".join(plain))
    if a == b:
        raise InputError("--between", f"{a} {b}", "two different strategies")
    if factor not in VARY_FACTORS.values():
        raise InputError("--vary", factor, "one of " + ", ".join(VARY_FACTORS))


@dataclass(frozen=True, slots=True)
class DiffModel:
    """``x -> NPV_a - NPV_b`` per path on fixed paths, ``x`` a multiplier of ``factor``."""

    case: CompareCase
    scen: MarketScenarios
    prepared: dict[str, Any]
    a: str
    b: str
    factor: str

    def __call__(self, x: float) -> FloatArray:
        out = []
        for lo in range(0, self.scen.paths, SUB_PATHS):
            part = self.scen.take(slice(lo, min(lo + SUB_PATHS, self.scen.paths)))
            v = evaluate_batch(self.case, part, self.prepared, Factors(**{self.factor: x}))
            out.append(v.npv_usd[self.a] - v.npv_usd[self.b])
        return np.concatenate(out)


def _bracket(g: Callable[[float], float], g1: float) -> tuple[float, float] | None:
    """The bracket nearest 1 (doubling up, halving down, alternately) where ``g`` changes sign."""
    up_lo, dn_hi = 1.0, 1.0
    while up_lo < MULT_HIGH or dn_hi > MULT_LOW:
        if up_lo < MULT_HIGH:
            up = min(up_lo * 2.0, MULT_HIGH)
            if np.sign(g(up)) != np.sign(g1):
                return (up_lo, up)
            up_lo = up
        if dn_hi > MULT_LOW:
            dn = max(dn_hi / 2.0, MULT_LOW)
            if np.sign(g(dn)) != np.sign(g1):
                return (dn, dn_hi)
            dn_hi = dn
    return None


@dataclass(frozen=True, slots=True)
class SumModel:
    """``x -> sum_s w_s x (NPV_a,s - NPV_b,s)`` per path: sites of one company on the same
    market paths (path ``i`` is one state of the world for every site), weighted by ownership
    and the discount to a common date."""

    parts: tuple[tuple[float, DiffModel], ...]

    def __call__(self, x: float) -> FloatArray:
        return np.asarray(sum(w * m(x) for w, m in self.parts))


def breakeven(
    case: CompareCase,
    a: str,
    b: str,
    factor: str,
    *,
    scen: MarketScenarios,
    xtol: float = 1e-6,
) -> Breakeven:
    """The multiplier of ``factor`` at which ``a`` and ``b`` have equal mean NPV on ``scen``."""
    _check(case, a, b, factor)
    return solve_breakeven(DiffModel(case, scen, prepare(case), a, b, factor), a, b, factor, xtol)


def solve_breakeven(
    model: Callable[[float], FloatArray], a: str, b: str, factor: str, xtol: float = 1e-6
) -> Breakeven:
    """The root of ``x -> mean(model(x))`` nearest 1 (Brent's method) and its 95% interval."""
    calls = 0
    cache: dict[float, float] = {}
    paths = 0

    def g(x: float) -> float:
        nonlocal calls, paths
        if x not in cache:
            calls += 1
            d = model(x)
            paths = d.size
            cache[x] = float(d.mean())
        return cache[x]

    g1 = g(1.0)
    bracket = (1.0, 1.0) if g1 == 0.0 else _bracket(g, g1)
    if bracket is None:
        return Breakeven(
            a=a, b=b, factor=factor, multiplier=None, ci_low=None, ci_high=None,
            diff_today_usd=g1, a_better_above=None, evaluations=calls, paths=paths,
            bracket=None,
        )  # fmt: skip
    root = 1.0 if g1 == 0.0 else float(optimize.brentq(g, *bracket, xtol=xtol * min(bracket)))
    h = max(root * 1e-3, 1e-9)
    slope = float((model(root + h).mean() - model(root - h).mean()) / (2 * h))
    half = _half_width(model(root), slope)
    return Breakeven(
        a=a,
        b=b,
        factor=factor,
        multiplier=root,
        ci_low=max(root - half, 0.0),
        ci_high=root + half,
        diff_today_usd=g1,
        a_better_above=slope > 0 if slope != 0 else None,
        evaluations=calls + 3,
        paths=paths,
        bracket=bracket,
    )


def _half_width(diff_at_root: FloatArray, slope: float) -> float:
    """``z s / (sqrt(N) |g'|)``: the 95% half-width of the root of a sample mean."""
    n = diff_at_root.size
    if n < 2:
        return 0.0
    if slope == 0.0:
        return math.inf
    s = float(diff_at_root.std(ddof=1))
    return Z_95 * s / (math.sqrt(n) * abs(slope))
