"""A readable LSM policy: thresholds on one state variable, an exercise boundary.

Summarises a fitted :class:`~hashpivot.engine.lsm_policy.ExercisePolicy` as "convert when
hashprice < X given rent in [a, b]" per decision date (:func:`exercise_boundary`), with the
share of the policy's decisions each threshold rule reproduces (:func:`best_threshold`), and
as lines of text (:func:`describe_boundary`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.engine.lsm_policy import BoolArray, LsmResult, as_basis
from hashpivot.types import FloatArray

__all__ = ["BoundaryPoint", "Side", "best_threshold", "describe_boundary", "exercise_boundary"]


class Side(StrEnum):
    """Which side of the threshold triggers exercise."""

    BELOW = "below"  # exercise when the variable is below the threshold (e.g. hashprice)
    ABOVE = "above"


def best_threshold(
    values: FloatArray, exercise: BoolArray, side: Side = Side.BELOW
) -> tuple[float, float]:
    """Threshold ``X`` for the rule "exercise iff value < X" (or > X) that agrees with the most
    decisions; returns ``(X, agreement_frac)``. ``X`` is the midpoint between the two sorted
    values it falls between (``-inf``/``+inf`` where the best rule never/always exercises)."""
    v = np.asarray(values, dtype=np.float64)
    e = np.asarray(exercise, dtype=bool)
    if v.size == 0:
        return float("nan"), float("nan")
    if side is Side.ABOVE:
        x, a = best_threshold(-v, e, Side.BELOW)
        return -x, a
    order = np.argsort(v, kind="stable")
    vs, es = v[order], e[order]
    # rule "exercise the first i sorted values": correct = exercised among first i + continued after
    ex_cum = np.concatenate([[0], np.cumsum(es)])
    cont_after = (~es).sum() - np.concatenate([[0], np.cumsum(~es)])
    correct = ex_cum + cont_after
    # only cut between distinct values
    valid = np.ones(v.size + 1, dtype=bool)
    valid[1:-1] = vs[1:] > vs[:-1]
    correct = np.where(valid, correct, -1)
    i = int(np.argmax(correct))
    if i == 0:
        x = -math.inf
    elif i == v.size:
        x = math.inf
    else:
        x = 0.5 * (vs[i - 1] + vs[i])
    return x, float(correct[i]) / v.size


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundaryPoint:
    """At ``date_index``, for ``given`` in ``[given_low, given_high]``: exercise when the
    variable is below (or above) ``threshold``; ``agreement_frac`` of the policy's decisions
    follow this rule; ``exercise_frac`` of the paths' decisions are "exercise"."""

    date_index: int
    given_low: float
    given_high: float
    threshold: float
    agreement_frac: float
    exercise_frac: float
    side: Side


def exercise_boundary(
    result: LsmResult,
    exercise_value: ArrayLike,
    basis: ArrayLike,
    *,
    variable: int = 0,
    given: int | None = None,
    given_bins: int = 3,
    side: Side = Side.BELOW,
    every: int = 1,
) -> list[BoundaryPoint]:
    """Summarise the fitted policy as thresholds on one state variable per date, within bins
    (quantiles) of another: "convert when hashprice < X given rent in [a, b]".

    The decision at each date is the policy's (exercise value > fitted continuation, and in the
    money if ``itm_only``) evaluated on every path, whether or not the path stopped earlier.
    ``every``: summarise only the dates ``k`` with ``k % every == 0`` (e.g. 12: yearly).
    """
    ev = np.asarray(exercise_value, dtype=np.float64)
    paths, dates = ev.shape
    x = as_basis(basis, paths, dates)
    pol = result.policy
    out: list[BoundaryPoint] = []
    for k in range(0, dates - 1, max(1, every)):
        if np.isnan(pol.coef[k]).any():
            continue
        dec = pol.decide(k, x[:, k, :], ev[:, k])
        var = x[:, k, variable]
        if given is None:
            groups = [(np.ones(paths, dtype=bool), -math.inf, math.inf)]
        else:
            g = x[:, k, given]
            edges = np.quantile(g, np.linspace(0, 1, given_bins + 1))
            groups = []
            for i in range(given_bins):
                hi_ok = g <= edges[i + 1] if i == given_bins - 1 else g < edges[i + 1]
                groups.append((hi_ok & (g >= edges[i]), float(edges[i]), float(edges[i + 1])))
        for mask, lo, hi in groups:
            if not mask.any():
                continue
            thr, agree = best_threshold(var[mask], dec[mask], side)
            out.append(
                BoundaryPoint(
                    date_index=k,
                    given_low=lo,
                    given_high=hi,
                    threshold=thr,
                    agreement_frac=agree,
                    exercise_frac=float(dec[mask].mean()),
                    side=side,
                )
            )
    return out


def describe_boundary(
    points: list[BoundaryPoint],
    *,
    variable_name: str = "hashprice",
    given_name: str = "rent",
    every: int = 12,
) -> list[str]:
    """One line per date (every ``every`` dates) and bin, e.g.
    ``"date 12: convert when hashprice < 31.2 given rent in [180, 210] (rule matches 97%)"``."""
    lines = []
    for p in points:
        if p.date_index % every:
            continue
        op = "<" if p.side is Side.BELOW else ">"
        given = (
            ""
            if math.isinf(p.given_low) and math.isinf(p.given_high)
            else (f" given {given_name} in [{p.given_low:.4g}, {p.given_high:.4g}]")
        )
        if math.isinf(p.threshold) and (p.threshold < 0) == (p.side is Side.BELOW):
            rule = "never convert"
        elif math.isinf(p.threshold):
            rule = "always convert"
        else:
            rule = f"convert when {variable_name} {op} {p.threshold:.4g}"
        lines.append(
            f"date {p.date_index}: {rule}{given} (rule matches {p.agreement_frac:.0%} of decisions)"
        )
    return lines
