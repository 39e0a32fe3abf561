"""Speed of ``compare()`` (switch timing included) against two yardsticks, in one run.

- RNG floor: the time to draw the same count of standard normals with numpy that the market
  model draws (six factors per path and month, for the valued paths and the 10,000 paths of the
  switch policy's own training stream), in the same blocks of paths the engine uses (fresh
  arrays per block, as a bounded-memory run must allocate them). The ratio says how many
  "random-number budgets" the whole model costs.
- Reference speed-up: the same model run one path at a time, straightforwardly: each path
  simulated, valued and put through the fitted switch policy on its own, with the compiled
  kernels switched off (their numpy references run instead); timed on a few paths in this run
  and scaled per path.

Usage: python benchmarks/compare_bench.py [--paths 100000] [--months 180] [--json]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from hashpivot.api.compare import build_case
from hashpivot.engine.compare import (
    BLOCK_PATHS,
    TRAIN_PATHS,
    ValueTask,
    compare,
    fit_switch_policy,
    make_batches,
)
from hashpivot.engine.strategies import StrategyName, evaluate_batch, prepare
from hashpivot.engine.switching import apply_policy
from hashpivot.market.processes import FACTORS, PriceTails
from hashpivot.market.scenarios import simulate

SITE = Path(__file__).resolve().parents[1] / "examples/sites/permian-west-100mw-s21.toml"


def rng_floor_seconds(
    paths: int,
    months: int,
    seed: int,
    tails: PriceTails = PriceTails.NORMAL,
    parameter_draws: bool = False,
) -> float:
    """Draw the random numbers the market model draws, in blocks of BLOCK_PATHS, fresh arrays
    per block: 6 x paths x months normals, plus (Student-t BTC tails) one gamma variate per
    path-month (market.shocks.student_t_shocks) or (Merton) one Poisson and one normal, plus
    (hashrate parameter uncertainty) one uniform and two normals per path
    (market.parameter_draws)."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    left = paths
    while left > 0:
        n = min(BLOCK_PATHS, left)
        rng.standard_normal((len(FACTORS), months, n))
        if tails is PriceTails.STUDENT_T:
            rng.standard_gamma(6.5, size=(months, n))
        elif tails is PriceTails.MERTON:
            rng.poisson(0.1, size=(months, n))
            rng.standard_normal((months, n))
        if parameter_draws:
            rng.random(n)
            rng.standard_normal((2, n))
        left -= n
    return time.perf_counter() - t0


def reference_seconds_per_path(case, n: int) -> float:  # type: ignore[no-untyped-def]
    """The same model, one path at a time, numpy references instead of the compiled kernels."""
    from hashpivot.bitcoin import chain
    from hashpivot.engine import switching
    from hashpivot.engine.strategies import lease as strategies

    prepared = prepare(case)
    train = [ValueTask(case, prepared, None)(b) for b in make_batches(BLOCK_PATHS, 99, BLOCK_PATHS)]
    policy, _ = fit_switch_policy(train)
    rng = np.random.default_rng(1)
    flags = (chain.COMPILED, strategies.USE_KERNELS, switching.COMPILED)
    chain.COMPILED = strategies.USE_KERNELS = switching.COMPILED = False
    t0 = time.perf_counter()
    for _ in range(n):
        scen = simulate(case.market_params, case.start_state, case.market_months + 1, 1, rng)
        v = evaluate_batch(case, scen, prepared)
        assert v.option is not None
        df = v.discount_per_month[0, : case.horizon]
        o = v.option
        apply_policy(policy, o.exercise_value_usd, o.continuation_usd, df, o.basis)
        _ = v.npv_usd[StrategyName.MINE]
    seconds = (time.perf_counter() - t0) / n
    chain.COMPILED, strategies.USE_KERNELS, switching.COMPILED = flags
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=180)
    ap.add_argument("--reference-paths", type=int, default=40)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    case = build_case(SITE, months=a.months)
    compare(case, paths=BLOCK_PATHS, seed=0)  # warm-up: compile the chain kernel
    t0 = time.perf_counter()
    cmp = compare(case, paths=a.paths, seed=1)
    seconds = time.perf_counter() - t0
    market_months = case.market_months + 1
    drawn = a.paths + (TRAIN_PATHS if case.lease is not None else 0)
    floor_normals = rng_floor_seconds(drawn, market_months, 2)
    hr = case.market_params.hashrate
    floor = rng_floor_seconds(
        drawn, market_months, 2, case.market_params.btc.tails, hr.has_parameter_uncertainty
    )
    ref = reference_seconds_per_path(case, a.reference_paths)
    out = {
        "paths": a.paths,
        "months": a.months,
        "seconds": round(seconds, 3),
        "rng_floor_seconds": round(floor, 3),
        "btc_tails": case.market_params.btc.tails.value,
        "normals_drawn": len(FACTORS) * drawn * market_months,
        "ratio_to_rng_floor": round(seconds / floor, 2),
        "normals_only_floor_seconds": round(floor_normals, 3),
        "ratio_to_normals_only_floor": round(seconds / floor_normals, 2),
        "reference_seconds_per_path": round(ref, 5),
        "reference_speedup": round(ref / (seconds / a.paths), 1),
        "recommendation": cmp.recommendation,
    }
    if not a.json:
        print(f"compare: {a.paths:,} paths x {a.months} months in {seconds:.2f} s")
        print(
            f"RNG floor ({len(FACTORS)} normals per path-month + the tails' draws): {floor:.2f} s"
        )
        print(f"per-path reference: {ref * 1e3:.2f} ms/path")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
