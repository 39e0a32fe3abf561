"""The typed result of a comparison: NPV distributions, the recommendation, switch timing.

Every field carries its unit in its name or docstring. A strategy whose NPV is not finite on
some path (an input at the edge of its range can overflow) is never ranked: it is reported
with its reason, left out of the recommendation and of P(best), and the notes say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hashpivot.engine.case import CompareCase
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import IrrStatus, irr_annual, irr_shown, payback_months

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyStats:
    """Distribution of one strategy's NPV over the paths (USD unless stated).

    npv_usd : NPV per path [USD]; npv_mean_usd, npv_p10/p50/p90_usd : its mean and percentiles
    prob_loss : share of paths with NPV < 0; prob_best : share of paths where it is the best
    irr_p50 : median annual IRR of the sample paths' flows where finite and meaningful, else
        None; irr_display : it as shown ("12.3%"), or why not ("no sign change", "multiple
        roots", "> 1,000%: capital back in N months"; valuation.cashflow.irr_shown);
        irr_note : the statuses over the sample paths
    equity_usd_per_w_p50 : P50 NPV per W of gross capacity [USD/W]
    monthly_p50_net_usd, monthly_mean_net_usd : the sample's monthly net flows [USD]
    finite : every path's NPV is a finite number; note : why not, where it is not
    """

    name: str
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
    finite: bool = True
    note: str = ""
    irr_display: str = "n/a"


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchResult:
    """Switch timing.

    best_month : fixed month of conversion with the highest mean NPV (``horizon`` = never)
    npv_by_month_mean_usd : mean NPV of converting at each month 0..H [USD]
    convert_now_usd : mean NPV of converting now (= ``lease``) [USD]
    lsm_value_usd, lsm_std_error_usd : value of the fitted policy (out of sample) and its SE
    option_value_usd : value of keeping the choice open over converting now [USD]
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
    """The result of :func:`hashpivot.engine.compare.compare` (or of one deterministic path).

    paths, seed, months : the run; strategies : each strategy's stats, in registry order
    recommendation : the strategy with the highest mean NPV among those with finite values
    switch : switch timing (None without a lease); fan_* : percentiles of the sample paths;
    fan_*_mean : the mean over the sample paths, per month (a lognormal's mean lies above its
    median: label both)
    market : "monte carlo" or "deterministic <scenario>"
    """

    paths: int
    seed: int
    months: int
    strategies: dict[str, StrategyStats]
    recommendation: str
    switch: SwitchResult | None
    fan_hashprice: FloatArray  # (len(PERCENTILES), months) USD/PH/day
    fan_btc_price: FloatArray  # (len(PERCENTILES), months) USD
    fan_hashprice_mean: FloatArray  # (months,) USD/PH/day
    fan_btc_price_mean: FloatArray  # (months,) USD
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)
    market: str = "monte carlo"


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchSummary:
    """What a comparison keeps of one batch: NPVs, the sample's flows and the switch's sums."""

    npv_usd: dict[str, FloatArray]
    sample_net_usd: dict[str, FloatArray]
    sample_hashprice: FloatArray
    sample_btc_price: FloatArray
    option_sums_usd: FloatArray | None = None  # (blocks, H + 1)
    option_stop_month: FloatArray | None = None  # (paths,)
    option_name: str = "switch"


def _pct(x: FloatArray, q: float) -> float:
    return float(np.percentile(x, q)) if x.size else float("nan")


def _credit(npv: dict[str, FloatArray], ranked: list[str]) -> dict[str, FloatArray]:
    """P(best) credit per path: a path's credit is split between strategies that tie on it
    (the switch policy that converts at once *is* the lease, to the cent)."""
    if not ranked:
        return {}
    stacked = np.stack([npv[k] for k in ranked])
    top = stacked.max(axis=0)
    ties = stacked >= top - 1e-9 * np.maximum(1.0, np.abs(top))
    credit = ties / ties.sum(axis=0)
    return {k: credit[i] for i, k in enumerate(ranked)}


def _median(x: FloatArray) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def irr_p50(flows: FloatArray) -> tuple[float | None, str, str]:
    """Median annual IRR of the paths' monthly flows ``(paths, months)`` as shown: (value or
    None, display, note). Where at least half the paths have an IRR, their median (or "> 1,000%:
    capital back in N months", N the median payback); else the most common reason."""
    res = irr_annual(flows)
    pb = payback_months(flows, flows_at_period_end=True)
    n = flows.shape[0]
    note = f"IRR over {n} sample paths; {res.reason}"
    ok = res.status == IrrStatus.OK.value
    if ok.mean() >= 0.5:
        value, text = irr_shown(float(np.median(res.rate[ok])), IrrStatus.OK.value, _median(pb[ok]))
        return value, text, note
    reasons, counts = np.unique(res.status[~ok], return_counts=True)
    top = str(reasons[int(np.argmax(counts))])
    value, text = irr_shown(float("nan"), top, _median(pb[res.status == top]))
    if n > 1:
        text += f" (on {counts.max() / n:.0%} of {n} sample paths)"
    return value, text, note


def _stats(
    k: str, x: FloatArray, flows: FloatArray | None, credit: FloatArray | None, capacity_w: float
) -> StrategyStats:
    finite = bool(np.isfinite(x).all())
    irr_value: float | None = None
    irr_text = "n/a (policy)"
    note = "not computed for a path-dependent policy"
    p50_m = mean_m = None
    if flows is not None and flows.shape[0] and np.isfinite(flows).all():
        p50_m = np.percentile(flows, 50, axis=0)
        mean_m = flows.mean(axis=0)
        irr_value, irr_text, note = irr_p50(flows)
    bad = "" if finite else f"NPV not finite on {int((~np.isfinite(x)).sum())} of {x.size} paths"
    if not finite:
        note = bad
    return StrategyStats(
        name=k,
        npv_usd=x,
        npv_mean_usd=float(x.mean()),
        npv_p10_usd=_pct(x, 10),
        npv_p50_usd=_pct(x, 50),
        npv_p90_usd=_pct(x, 90),
        prob_loss=float((x < 0).mean()),
        prob_best=float(credit.mean()) if credit is not None else 0.0,
        irr_p50=irr_value,
        irr_display=irr_text,
        irr_note=note,
        equity_usd_per_w_p50=_pct(x, 50) / capacity_w,
        monthly_p50_net_usd=p50_m,
        monthly_mean_net_usd=mean_m,
        finite=finite,
        note=bad,
    )


def _switch(
    results: Sequence[BatchSummary], lsm: FloatArray, lines: list[str], n: int, h: int
) -> SwitchResult:
    sums = np.concatenate([r.option_sums_usd for r in results if r.option_sums_usd is not None])
    by_month = sums.sum(axis=0) / n
    stops = np.concatenate(
        [r.option_stop_month for r in results if r.option_stop_month is not None]
    )
    convert_now = float(by_month[0])
    best_m = int(np.argmax(by_month))
    return SwitchResult(
        best_month=best_m,
        best_month_npv_mean_usd=float(by_month[best_m]),
        npv_by_month_mean_usd=by_month,
        convert_now_usd=convert_now,
        lsm_value_usd=float(lsm.mean()),
        lsm_std_error_usd=float(lsm.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0,
        option_value_usd=float(lsm.mean()) - convert_now,
        policy_lines=lines,
        conversion_prob_by_month=np.bincount(stops.astype(np.int64), minlength=h + 1)[: h + 1] / n,
    )


def summarise(
    case: CompareCase,
    results: Sequence[BatchSummary],
    *,
    paths_asked: int,
    seed: int,
    lines: list[str],
    interrupted: bool,
    market: str = "monte carlo",
) -> Comparison:
    """Combine the batches (in path order) into a :class:`Comparison`."""
    names = list(results[0].npv_usd)
    npv = {k: np.concatenate([r.npv_usd[k] for r in results]) for k in names}
    n = npv[names[0]].size
    ranked = [k for k in names if np.isfinite(npv[k]).all()]
    credit = _credit(npv, ranked)
    capacity_w = case.mining.capacity_mw * 1e6
    h = case.horizon
    stats: dict[str, StrategyStats] = {}
    for k in names:
        sample = [r.sample_net_usd[k] for r in results if k in r.sample_net_usd]
        flows = np.concatenate(sample) if sample and sum(s.shape[0] for s in sample) else None
        stats[k] = _stats(k, npv[k], flows, credit.get(k), capacity_w)
    notes = []
    if interrupted:
        notes.append(f"interrupted: {n} of {paths_asked} paths finished and summarised")
    for s in stats.values():
        if not s.finite:
            notes.append(f"{s.name} left out of the ranking: {s.note}")
    if not ranked:
        raise ValueError("no strategy has a finite value on every path")
    recommendation = max((stats[k] for k in ranked), key=lambda s: s.npv_mean_usd).name
    option = results[0].option_name
    switch = None
    if option in npv and any(r.option_sums_usd is not None for r in results):
        switch = _switch(results, npv[option], lines, n, h)
    hp = np.concatenate([r.sample_hashprice for r in results])
    btc = np.concatenate([r.sample_btc_price for r in results])
    return Comparison(
        paths=n,
        seed=seed,
        months=h,
        strategies=stats,
        recommendation=recommendation,
        switch=switch,
        fan_hashprice=np.percentile(hp, PERCENTILES, axis=0),
        fan_btc_price=np.percentile(btc, PERCENTILES, axis=0),
        fan_hashprice_mean=hp.mean(axis=0),
        fan_btc_price_mean=btc.mean(axis=0),
        interrupted=interrupted,
        notes=notes,
        market=market,
    )
