"""``compare()``: which path, when, and how sure are we.

The paths are drawn in fixed blocks of :data:`BLOCK_PATHS` (block ``i`` seeded by child ``i`` of
``SeedSequence(seed)``), so the numbers depend only on the seed and the path count: never on
how blocks are grouped into batches, nor on the backend that runs them (local or Dask).

Two passes:

1. the Longstaff-Schwartz policy for the switch is fitted on :data:`TRAIN_PATHS` paths of a
   separate random stream (regressing on hashprice and market rent);
2. every batch is valued: NPV per strategy and path, the fitted policy applied to every path
   (out of sample: a slightly low, unbiased estimate of the option's value), the NPV of
   switching at each fixed month, and a sample of paths kept for monthly tables and fan charts.

Per-block sums are combined in block order, so averages are bit-identical across batchings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from hashpivot.engine.strategies import (
    BatchValues,
    CompareCase,
    GpuTemplate,
    LeaseTemplate,
    StrategyName,
    evaluate_batch,
    gpu_template,
    lease_template,
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
from hashpivot.valuation.cashflow import irr_annual

BLOCK_PATHS = 5_000  # paths per RNG block: fixes the random numbers whatever the batching
TRAIN_PATHS = 10_000  # paths of a separate stream used to fit the switch policy
TRAIN_STREAM = 0x5EED  # second entropy word of the training stream: SeedSequence([seed, this])
SUB_PATHS = 1_000  # paths valued at a time inside a block (work arrays that stay in cache)
SAMPLE_PATHS = 1_000  # paths kept whole for monthly tables, IRR and fan charts
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
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
    sim = ChunkSimulator(case.market_params, case.start_state, case.market_months + 1)
    parts = [sim(spec)[1] for spec in batch.blocks]
    return parts[0] if len(parts) == 1 else MarketScenarios.concat(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """What a pass-2 task sends back (small: per-path NPVs, per-block sums, the sample)."""

    index: int
    first_path: int
    npv_usd: dict[StrategyName, FloatArray]
    switch_sums_usd: FloatArray | None  # (blocks, H + 1) sums over each block's paths
    switch_stop_month: FloatArray | None  # (paths,) month of conversion, H = never
    sample_net_usd: dict[StrategyName, FloatArray]
    sample_hashprice: FloatArray
    sample_btc_price: FloatArray
    lsm_inputs: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = None


@dataclass(frozen=True, slots=True)
class ValueTask:
    """Picklable task: value every strategy on one batch. Without a policy (the training
    batches of pass 1) it keeps the Longstaff-Schwartz inputs for the fit instead."""

    case: CompareCase
    template: LeaseTemplate | None
    policy: ExercisePolicy | Future[ExercisePolicy] | None
    gpu: GpuTemplate | None = None

    def __call__(self, batch: Batch) -> BatchResult:
        scen = _simulate(self.case, batch)
        training = self.template is not None and self.policy is None
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
            switch_sums_usd=sums,
            switch_stop_month=stop,
            sample_net_usd={k: np.concatenate([p.net[k] for p in parts]) for k in parts[0].net},
            sample_hashprice=np.concatenate([p.hashprice for p in parts]),
            sample_btc_price=np.concatenate([p.btc_price for p in parts]),
            lsm_inputs=lsm,
        )

    def _value(self, scen: MarketScenarios, training: bool, keep: int) -> _Part:
        rows = max(0, min(keep, scen.paths))
        v: BatchValues = evaluate_batch(
            self.case,
            scen,
            self.template,
            gpu=self.gpu,
            with_gpu=not training,  # the fit needs only mining and the lease
            net_rows=rows,
        )
        part = _Part(
            npv=dict(v.npv_usd),
            net={k: a[:rows] for k, a in v.net_usd.items()},
            hashprice=v.hashprice_usd_per_ph_day[:rows],
            btc_price=v.btc_price_usd[:rows],
        )
        if v.switch_npv_usd is not None:
            assert v.exercise_value_usd is not None and v.basis is not None
            assert v.continuation_usd is not None
            part.sums = v.switch_npv_usd.sum(axis=0)
            df = v.discount_per_month[0, : self.case.horizon]
            part.lsm = (v.exercise_value_usd, v.continuation_usd, v.basis, df)
        return part

    def _apply(self, part: _Part, *, wait: bool) -> None:
        """Value the switch on ``part`` under the fitted policy (once it is fitted)."""
        if part.lsm is None or self.policy is None:
            return
        policy = self.policy
        if isinstance(policy, Future):
            if not (wait or policy.done()):
                return
            policy = policy.result()
        ev, cont, basis, df = part.lsm
        res = apply_policy(policy, ev, cont, df, basis)
        part.npv[StrategyName.SWITCH] = res.path_values
        part.stop = res.stopping_index.astype(np.float64)
        part.lsm = None


@dataclass(slots=True, kw_only=True)
class _Part:
    """What one sub-block of a batch gives (mutable while the batch is valued)."""

    npv: dict[StrategyName, FloatArray]
    net: dict[StrategyName, FloatArray]
    hashprice: FloatArray
    btc_price: FloatArray
    block: int = 0
    sums: FloatArray | None = None
    stop: FloatArray | None = None
    lsm: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyStats:
    """Distribution of one strategy's NPV over the paths (USD unless stated)."""

    name: StrategyName
    npv_usd: FloatArray
    npv_mean_usd: float
    npv_p10_usd: float
    npv_p50_usd: float
    npv_p90_usd: float
    prob_loss: float
    prob_best: float
    irr_p50: float | None
    irr_note: str
    equity_usd_per_w_p50: float
    monthly_p50_net_usd: FloatArray | None
    monthly_mean_net_usd: FloatArray | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchResult:
    """Switch timing.

    best_month : fixed month of conversion with the highest mean NPV (``horizon`` = never)
    npv_by_month_mean_usd : mean NPV of converting at each month 0..H
    convert_now_usd : mean NPV of converting now (= ``lease``)
    lsm_value_usd, lsm_std_error_usd : value of the fitted policy (out of sample) and its SE
    option_value_usd : value of keeping the choice open over converting now
    policy_lines : the policy in words, e.g. "convert when hashprice < X given rent in [a, b]"
    conversion_prob_by_month : share of paths converting at each month under the policy
    """

    best_month: int
    best_month_npv_mean_usd: float
    npv_by_month_mean_usd: FloatArray
    convert_now_usd: float
    lsm_value_usd: float
    lsm_std_error_usd: float
    option_value_usd: float
    policy_lines: list[str]
    conversion_prob_by_month: FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The result of :func:`compare`."""

    paths: int
    seed: int
    months: int
    strategies: dict[StrategyName, StrategyStats]
    recommendation: StrategyName
    switch: SwitchResult | None
    fan_hashprice: FloatArray  # (len(PERCENTILES), months) USD/PH/day
    fan_btc_price: FloatArray  # (len(PERCENTILES), months) USD
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)


def _pct(x: FloatArray, q: float) -> float:
    return float(np.percentile(x, q)) if x.size else float("nan")


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


def compare(
    case: CompareCase,
    *,
    paths: int,
    seed: int,
    batch_paths: int = 5_000,
    map_fn: MapFn = local_map,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Value every strategy of ``case`` over ``paths`` Monte Carlo paths.

    ``map_fn`` runs the batches (in process, or on Dask: see :mod:`hashpivot.engine.backends`);
    ``progress(done, total)`` is called as batches finish. Interrupted with Ctrl-C (local
    runs), the batches already finished are summarised and ``interrupted`` is set.
    """
    batch_paths = max(BLOCK_PATHS, min(batch_paths, -(-paths // BLOCK_PATHS) * BLOCK_PATHS))
    batch_paths -= batch_paths % BLOCK_PATHS
    batches = make_batches(paths, seed, batch_paths)
    template = lease_template(case) if case.lease is not None else None
    gpu = gpu_template(case)
    results: list[BatchResult] = []
    lines: list[str] = []
    train_batches = (
        []
        if template is None
        else make_batches(TRAIN_PATHS, np.random.SeedSequence([seed, TRAIN_STREAM]), batch_paths)
    )
    interrupted = False
    if map_fn is not local_map:
        # pass 1: fit the policy on TRAIN_PATHS paths of their own random stream, so every
        # valued path is out of sample (the policy value is then a low-biased estimate)
        task = ValueTask(case, template, None, gpu)
        if template is not None:
            policy, lines = fit_switch_policy(
                map_fn(ValueTask(case, template, None, gpu), train_batches)
            )
            task = ValueTask(case, template, policy, gpu)
        if progress:
            progress(0, len(batches))
        results.extend(map_fn(task, batches))
        if progress:
            progress(len(batches), len(batches))
    else:
        # the same two passes on a thread per core, overlapped: the valued batches start while
        # the policy is fitted here and wait for it only to apply it
        workers = max(1, min(len(batches) + len(train_batches), os.cpu_count() or 1))
        pool = ThreadPoolExecutor(max_workers=workers)
        pending: Future[ExercisePolicy] = Future()
        try:
            train_jobs = [
                pool.submit(ValueTask(case, template, None, gpu), b) for b in train_batches
            ]
            task = ValueTask(case, template, pending if template is not None else None, gpu)
            jobs = [pool.submit(task, b) for b in batches]
            if progress:
                progress(0, len(batches))
            if template is not None:
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
            interrupted = True  # Ctrl-C after some batches: summarise those
        finally:
            pool.shutdown(wait=True)
    results.sort(key=lambda r: r.index)
    return _summarise(
        case, results, paths_asked=paths, seed=seed, lines=lines, interrupted=interrupted
    )


def _summarise(
    case: CompareCase,
    results: list[BatchResult],
    *,
    paths_asked: int,
    seed: int,
    lines: list[str],
    interrupted: bool,
) -> Comparison:
    names = list(results[0].npv_usd)
    npv = {k: np.concatenate([r.npv_usd[k] for r in results]) for k in names}
    n = npv[names[0]].size
    stacked = np.stack([npv[k] for k in names])
    # P(best): a path's credit is split between strategies that tie on it (the switch policy
    # that converts at once *is* the lease, to the cent)
    top = stacked.max(axis=0)
    ties = stacked >= top - 1e-9 * np.maximum(1.0, np.abs(top))
    credit = ties / ties.sum(axis=0)
    capacity_w = case.mining.capacity_mw * 1e6
    h = case.horizon
    stats: dict[StrategyName, StrategyStats] = {}
    for i, k in enumerate(names):
        x = npv[k]
        sample = [r.sample_net_usd[k] for r in results if k in r.sample_net_usd]
        flows = np.concatenate(sample) if sample and sum(s.shape[0] for s in sample) else None
        irr_p50: float | None = None
        note = "not computed for a path-dependent policy"
        p50_m = mean_m = None
        if flows is not None and flows.shape[0]:
            p50_m = np.percentile(flows, 50, axis=0)
            mean_m = flows.mean(axis=0)
            res = irr_annual(flows)
            ok = np.isfinite(res.rate)
            irr_p50 = float(np.median(res.rate[ok])) if ok.mean() >= 0.5 else None
            note = f"IRR over {flows.shape[0]} sample paths; {res.reason}"
        stats[k] = StrategyStats(
            name=k,
            npv_usd=x,
            npv_mean_usd=float(x.mean()),
            npv_p10_usd=_pct(x, 10),
            npv_p50_usd=_pct(x, 50),
            npv_p90_usd=_pct(x, 90),
            prob_loss=float((x < 0).mean()),
            prob_best=float(credit[i].mean()),
            irr_p50=irr_p50,
            irr_note=note,
            equity_usd_per_w_p50=_pct(x, 50) / capacity_w,
            monthly_p50_net_usd=p50_m,
            monthly_mean_net_usd=mean_m,
        )
    recommendation = max(stats.values(), key=lambda s: s.npv_mean_usd).name
    switch = None
    if StrategyName.SWITCH in npv:
        sums = np.concatenate([r.switch_sums_usd for r in results if r.switch_sums_usd is not None])
        by_month = sums.sum(axis=0) / n
        stops = np.concatenate(
            [r.switch_stop_month for r in results if r.switch_stop_month is not None]
        )
        lsm = npv[StrategyName.SWITCH]
        convert_now = float(by_month[0])
        best_m = int(np.argmax(by_month))
        switch = SwitchResult(
            best_month=best_m,
            best_month_npv_mean_usd=float(by_month[best_m]),
            npv_by_month_mean_usd=by_month,
            convert_now_usd=convert_now,
            lsm_value_usd=float(lsm.mean()),
            lsm_std_error_usd=float(lsm.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0,
            option_value_usd=float(lsm.mean()) - convert_now,
            policy_lines=lines,
            conversion_prob_by_month=np.bincount(stops.astype(np.int64), minlength=h + 1)[: h + 1]
            / n,
        )
    hp = np.concatenate([r.sample_hashprice for r in results])
    btc = np.concatenate([r.sample_btc_price for r in results])
    notes = []
    if interrupted:
        notes.append(f"interrupted: {n} of {paths_asked} paths finished and summarised")
    return Comparison(
        paths=n,
        seed=seed,
        months=h,
        strategies=stats,
        recommendation=recommendation,
        switch=switch,
        fan_hashprice=np.percentile(hp, PERCENTILES, axis=0),
        fan_btc_price=np.percentile(btc, PERCENTILES, axis=0),
        interrupted=interrupted,
        notes=notes,
    )
