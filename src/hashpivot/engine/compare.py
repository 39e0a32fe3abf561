"""``compare()``: which path, when, and how sure are we.

The paths are drawn in fixed blocks of :data:`BLOCK_PATHS` (block ``i`` seeded by child ``i`` of
``SeedSequence(seed)``), so the numbers depend only on the seed and the path count: never on
how blocks are grouped into batches, nor on the backend that runs them (local or Dask).

Two passes:

1. the Longstaff-Schwartz policy for the switch is fitted on :data:`TRAIN_PATHS` paths of a
   separate random stream (regressing on hashprice and the rent this site would sign);
2. every batch is valued: NPV per strategy and path, the fitted policy applied to every path
   (out of sample: a slightly low, unbiased estimate of the option's value), the NPV of
   switching at each fixed month, and a sample of paths kept for monthly tables and fan charts.

Per-block sums are combined in block order, so averages are bit-identical across batchings.
The strategies are whatever :mod:`hashpivot.engine.strategies.registry` offers for the case.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from hashpivot.engine.strategies import (
    BatchValues,
    CompareCase,
    available,
    evaluate_batch,
    prepare,
)
from hashpivot.engine.summary import (
    PERCENTILES,
    BatchSummary,
    Comparison,
    StrategyStats,
    SwitchResult,
    summarise,
)
from hashpivot.engine.switching import (
    ExercisePolicy,
    Side,
    apply_policy,
    describe_boundary,
    exercise_boundary,
    longstaff_schwartz,
)
from hashpivot.errors import InputError
from hashpivot.market.scenarios import ChunkSimulator, ChunkSpec, MarketScenarios, chunk_specs
from hashpivot.types import FloatArray

BLOCK_PATHS = 5_000  # paths per RNG block: fixes the random numbers whatever the batching
TRAIN_PATHS = 10_000  # paths of a separate stream used to fit the switch policy
TRAIN_STREAM = 0x5EED  # second entropy word of the training stream: SeedSequence([seed, this])
SUB_PATHS = 1_000  # paths valued at a time inside a block (work arrays that stay in cache)
SAMPLE_PATHS = 1_000  # paths kept whole for monthly tables, IRR and fan charts
DESCRIBE_PATHS = 1_000  # paths used to state the fitted policy as thresholds


class MapFn(Protocol):
    """``map(fn, items)`` returning results in the order of ``items`` (local or Dask)."""

    def __call__(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...


def local_map(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """In-process map on a thread per core (numpy and the numba kernel release the GIL);
    results in the order of ``items``."""
    workers = min(len(items), os.cpu_count() or 1)
    if workers <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


@dataclass(frozen=True, slots=True)
class Batch:
    """A group of consecutive RNG blocks."""

    index: int
    blocks: tuple[ChunkSpec, ...]

    @property
    def first_path(self) -> int:
        return self.blocks[0].first_path

    @property
    def paths(self) -> int:
        return sum(b.paths for b in self.blocks)


def make_batches(paths: int, seed: int | np.random.SeedSequence, batch_paths: int) -> list[Batch]:
    """Blocks of :data:`BLOCK_PATHS` paths grouped ``batch_paths // BLOCK_PATHS`` at a time."""
    if paths < 1:
        raise InputError("paths", paths, "an integer >= 1")
    if batch_paths < BLOCK_PATHS or batch_paths % BLOCK_PATHS:
        raise InputError("batch_paths", batch_paths, f"a multiple of {BLOCK_PATHS}")
    specs = chunk_specs(paths, BLOCK_PATHS, seed)
    per = batch_paths // BLOCK_PATHS
    return [
        Batch(index=i, blocks=tuple(specs[j : j + per]))
        for i, j in enumerate(range(0, len(specs), per))
    ]


def _simulate(case: CompareCase, batch: Batch) -> MarketScenarios:
    sim = ChunkSimulator(
        case.market_params, case.start_state, case.market_months + 1,
        rent_anchor_draw=case.rent_anchor_draw,
    )  # fmt: skip
    parts = [sim(spec)[1] for spec in batch.blocks]
    return parts[0] if len(parts) == 1 else MarketScenarios.concat(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """What a pass-2 task sends back (small: per-path NPVs, per-block sums, the sample)."""

    index: int
    first_path: int
    npv_usd: dict[str, FloatArray]
    option_sums_usd: FloatArray | None  # (blocks, H + 1) sums of stop_npv over each block
    option_stop_month: FloatArray | None  # (paths,) month of conversion, H = never
    sample_net_usd: dict[str, FloatArray]
    sample_hashprice: FloatArray
    sample_btc_price: FloatArray
    lsm_inputs: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = None


def has_option(case: CompareCase) -> bool:
    """Whether an optional-stopping strategy (``switch``) is available: its policy is fitted."""
    return any(s.optional_stopping for s in available(case))


@dataclass(frozen=True, slots=True)
class ValueTask:
    """Picklable task: value every strategy on one batch. Without a policy where one is needed
    (the training batches of pass 1) it keeps the Longstaff-Schwartz inputs for the fit."""

    case: CompareCase
    prepared: dict[str, Any]
    policy: ExercisePolicy | Future[ExercisePolicy] | None

    def __call__(self, batch: Batch) -> BatchResult:
        scen = _simulate(self.case, batch)
        training = self.policy is None and has_option(self.case)
        keep = 0 if training else max(0, min(SAMPLE_PATHS - batch.first_path, batch.paths))
        # value in sub-blocks (aligned on the RNG blocks) whose (paths, months) work arrays
        # stay in cache; policies are applied once the fit is done (local runs overlap the
        # fit with this work), so nothing waits for it before the batch is valued
        parts: list[_Part] = []
        first = 0
        for i, block in enumerate(batch.blocks):
            for a in range(0, block.paths, SUB_PATHS):
                lo, hi = first + a, first + min(a + SUB_PATHS, block.paths)
                parts.append(self._value(scen.take(slice(lo, hi)), training, keep - lo))
                parts[-1].block = i
                self._apply(parts[-1], wait=False)
            first += block.paths
        for part in parts:
            self._apply(part, wait=True)
        names = list(parts[0].npv)
        npv = {k: np.concatenate([p.npv[k] for p in parts]) for k in names}
        sums = stop = lsm = None
        if parts[0].sums is not None:
            sums = np.zeros((len(batch.blocks), self.case.horizon + 1))
            for part in parts:  # in path order within each block: the same for any batching
                assert part.sums is not None
                sums[part.block] += part.sums
            if training:
                ev, cont, basis, df = zip(*(p.lsm for p in parts if p.lsm is not None), strict=True)
                lsm = (np.concatenate(ev), np.concatenate(cont), np.concatenate(basis), df[0])
            else:
                stop = np.concatenate([p.stop for p in parts if p.stop is not None])
        return BatchResult(
            index=batch.index,
            first_path=batch.first_path,
            npv_usd=npv,
            option_sums_usd=sums,
            option_stop_month=stop,
            sample_net_usd={k: np.concatenate([p.net[k] for p in parts]) for k in parts[0].net},
            sample_hashprice=np.concatenate([p.hashprice for p in parts]),
            sample_btc_price=np.concatenate([p.btc_price for p in parts]),
            lsm_inputs=lsm,
        )

    def _value(self, scen: MarketScenarios, training: bool, keep: int) -> _Part:
        rows = max(0, min(keep, scen.paths))
        v: BatchValues = evaluate_batch(
            self.case, scen, self.prepared, training=training, net_rows=rows
        )
        part = _Part(
            npv=dict(v.npv_usd),
            net={k: a[:rows] for k, a in v.net_usd.items()},
            hashprice=v.hashprice_usd_per_ph_day[:rows],
            btc_price=v.btc_price_usd[:rows],
            option_name=v.option_name,
        )
        if v.option is not None:
            part.sums = v.option.stop_npv_usd.sum(axis=0)
            df = v.discount_per_month[0, : self.case.horizon]
            o = v.option
            part.lsm = (o.exercise_value_usd, o.continuation_usd, o.basis, df)
        return part

    def _apply(self, part: _Part, *, wait: bool) -> None:
        """Value the optional-stopping strategy on ``part`` under the fitted policy (once it is
        fitted)."""
        if part.lsm is None or self.policy is None or part.option_name is None:
            return
        policy = self.policy
        if isinstance(policy, Future):
            if not (wait or policy.done()):
                return
            policy = policy.result()
        ev, cont, basis, df = part.lsm
        res = apply_policy(policy, ev, cont, df, basis)
        part.npv[part.option_name] = res.path_values
        part.stop = res.stopping_index.astype(np.float64)
        part.lsm = None


@dataclass(slots=True, kw_only=True)
class _Part:
    """What one sub-block of a batch gives (mutable while the batch is valued)."""

    npv: dict[str, FloatArray]
    net: dict[str, FloatArray]
    hashprice: FloatArray
    btc_price: FloatArray
    option_name: str | None = None
    block: int = 0
    sums: FloatArray | None = None
    stop: FloatArray | None = None
    lsm: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = None


def fit_switch_policy(train: Sequence[BatchResult]) -> tuple[ExercisePolicy, list[str]]:
    """Fit the Longstaff-Schwartz conversion policy on the training batches' paths."""
    parts = [r.lsm_inputs for r in train if r.lsm_inputs is not None]
    ev = np.concatenate([p[0] for p in parts])
    cf = np.concatenate([p[1] for p in parts])
    basis = np.concatenate([p[2] for p in parts])
    df = parts[0][3]
    # the exercise value holds the mining that goes on while the hall is built (realised
    # later): regress the difference so the decision uses only what is known at the date
    res = longstaff_schwartz(ev, cf, df, basis, degree=2, itm_only=False, exercise_known=False)
    # the policy in words, read off a subsample (the thresholds are quantile searches): state
    # it on whichever variable describes the decisions best (hashprice below X given rent, or
    # rent above Y given hashprice), yearly, and only the bins where some paths convert
    sub = slice(0, min(ev.shape[0], DESCRIBE_PATHS))
    best: tuple[float, list[str]] = (-1.0, [])
    for var, given, side, vname, gname in (
        (1, 0, Side.ABOVE, "rent $/kW-mo", "hashprice $/PH/day"),
        (0, 1, Side.BELOW, "hashprice $/PH/day", "rent $/kW-mo"),
    ):
        pts = exercise_boundary(
            res, ev[sub], basis[sub], variable=var, given=given, given_bins=3, side=side, every=12
        )
        active = [p for p in pts if p.exercise_frac > 0.0]
        score = float(np.mean([p.agreement_frac for p in active])) if active else 0.0
        if score > best[0]:
            lines = describe_boundary(active, variable_name=vname, given_name=gname, every=12)
            best = (score, lines)
        if best[0] >= 0.97:  # the rule describes the policy well enough: stop looking
            break
    lines = best[1] or ["the policy never converts within the horizon on these paths"]
    return res.policy, lines


Progress = Callable[[int, int], None] | None


def _run_mapped(
    task: ValueTask,
    batches: list[Batch],
    train_batches: list[Batch],
    map_fn: MapFn,
    progress: Progress,
) -> tuple[list[BatchResult], list[str]]:
    """Two passes on any map (Dask): fit the policy on the training stream's own paths, so
    every valued path is out of sample (the policy value is then a low-biased estimate)."""
    lines: list[str] = []
    if train_batches:
        policy, lines = fit_switch_policy(map_fn(task, train_batches))
        task = ValueTask(task.case, task.prepared, policy)
    if progress:
        progress(0, len(batches))
    results = map_fn(task, batches)
    if progress:
        progress(len(batches), len(batches))
    return results, lines


def _run_local(
    task: ValueTask, batches: list[Batch], train_batches: list[Batch], progress: Progress
) -> tuple[list[BatchResult], list[str], bool]:
    """The same two passes on a thread per core, overlapped: the valued batches start while
    the policy is fitted here and wait for it only to apply it. Ctrl-C after some batches
    summarises those (``interrupted``)."""
    results: list[BatchResult] = []
    lines: list[str] = []
    workers = max(1, min(len(batches) + len(train_batches), os.cpu_count() or 1))
    pool = ThreadPoolExecutor(max_workers=workers)
    pending: Future[ExercisePolicy] = Future()
    try:
        train_jobs = [pool.submit(task, b) for b in train_batches]
        valued = ValueTask(task.case, task.prepared, pending if train_batches else None)
        jobs = [pool.submit(valued, b) for b in batches]
        if progress:
            progress(0, len(batches))
        if train_batches:
            policy, lines = fit_switch_policy([j.result() for j in train_jobs])
            pending.set_result(policy)
        for job in jobs:  # in order
            results.append(job.result())
            if progress:
                progress(len(results), len(batches))
    except BaseException as exc:
        # whatever stops the run (Ctrl-C, a failed batch or fit, a progress callback):
        # release the batches waiting for the policy and drop the queued ones
        if not pending.done():
            pending.set_exception(exc)
        pool.shutdown(wait=False, cancel_futures=True)
        if not isinstance(exc, KeyboardInterrupt) or not results:
            raise
        return results, lines, True
    finally:
        pool.shutdown(wait=True)
    return results, lines, False


def compare(
    case: CompareCase,
    *,
    paths: int,
    seed: int,
    batch_paths: int = 5_000,
    map_fn: MapFn = local_map,
    progress: Progress = None,
) -> Comparison:
    """Value every strategy of ``case`` over ``paths`` Monte Carlo paths.

    ``map_fn`` runs the batches (in process, or on Dask: see :mod:`hashpivot.engine.backends`);
    ``progress(done, total)`` is called as batches finish. Interrupted with Ctrl-C (local
    runs), the batches already finished are summarised and ``interrupted`` is set.
    """
    batch_paths = max(BLOCK_PATHS, min(batch_paths, -(-paths // BLOCK_PATHS) * BLOCK_PATHS))
    batch_paths -= batch_paths % BLOCK_PATHS
    batches = make_batches(paths, seed, batch_paths)
    train_batches = (
        make_batches(TRAIN_PATHS, np.random.SeedSequence([seed, TRAIN_STREAM]), batch_paths)
        if has_option(case)
        else []
    )
    task = ValueTask(case, prepare(case), None)
    interrupted = False
    if map_fn is not local_map:
        results, lines = _run_mapped(task, batches, train_batches, map_fn, progress)
    else:
        results, lines, interrupted = _run_local(task, batches, train_batches, progress)
    results = sorted(results, key=lambda r: r.index)
    option = next((s.name for s in available(case) if s.optional_stopping), "")
    summaries = [
        BatchSummary(
            npv_usd=r.npv_usd,
            sample_net_usd=r.sample_net_usd,
            sample_hashprice=r.sample_hashprice,
            sample_btc_price=r.sample_btc_price,
            option_sums_usd=r.option_sums_usd,
            option_stop_month=r.option_stop_month,
            option_name=option,
        )
        for r in results
    ]
    return summarise(
        case, summaries, paths_asked=paths, seed=seed, lines=lines, interrupted=interrupted
    )


__all__ = [
    "BLOCK_PATHS",
    "PERCENTILES",
    "Comparison",
    "StrategyStats",
    "SwitchResult",
    "compare",
    "fit_switch_policy",
    "local_map",
    "make_batches",
]
