"""The fitted exercise policy of Longstaff-Schwartz (LSM), its regression and its result.

:func:`polynomial_features` and :func:`least_squares` are the regression of the realised
continuation value on the standardised state (Longstaff & Schwartz 2001, Rev. Fin. Stud. 14(1),
113-147); :class:`ExercisePolicy` holds the fitted coefficients per decision date and decides on
any path; :class:`LsmResult` is the value and policy :func:`hashpivot.engine.switching.
longstaff_schwartz` returns. :func:`as_basis` and :func:`check_inputs` check the arrays every
LSM function takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.errors import InputError
from hashpivot.types import FloatArray

__all__ = [
    "BoolArray",
    "ExercisePolicy",
    "LsmResult",
    "as_basis",
    "check_inputs",
    "feature_rows",
    "least_squares",
    "lsm_result",
    "polynomial_features",
]

BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]
IndexArray = np.ndarray[tuple[int], np.dtype[np.int64]]


def polynomial_features(x: FloatArray, degree: int) -> FloatArray:
    """All monomials of total degree <= ``degree`` of the columns of ``x`` ``(n, k)``, constant
    first: for k = 2, degree 2: ``1, x1, x2, x1^2, x1 x2, x2^2``. Shape ``(n, C(k + d, d))``."""
    n, k = x.shape
    cols = [np.ones(n)]
    for d in range(1, degree + 1):
        for combo in combinations_with_replacement(range(k), d):
            c = x[:, combo[0]].copy()
            for j in combo[1:]:
                c *= x[:, j]
            cols.append(c)
    return np.column_stack(cols)


def feature_rows(z: FloatArray, degree: int) -> FloatArray:
    """:func:`polynomial_features` of the columns of ``z`` ``(k, n)``, laid out as rows
    ``(n_features, n)`` (same order)."""
    k, n = z.shape
    rows = [np.ones(n)]
    for d in range(1, degree + 1):
        for combo in combinations_with_replacement(range(k), d):
            r = z[combo[0]].copy()
            for j in combo[1:]:
                r *= z[j]
            rows.append(r)
    return np.stack(rows)


def least_squares(feats: FloatArray, y: FloatArray) -> FloatArray:
    """Coefficients ``beta`` minimising ``|beta @ feats - y|`` for ``feats`` ``(p, n)``, n >> p.

    Normal equations on the standardised features (a p x p solve: the features are
    standardised, so the Gram matrix is well conditioned); an SVD least-squares solve where
    the Gram matrix is singular or the solve is not finite (collinear features)."""
    gram = feats @ feats.T
    rhs = feats @ y
    try:
        beta = np.linalg.solve(gram, rhs)
        if np.all(np.isfinite(beta)) and np.linalg.cond(gram) < 1e10:
            return np.asarray(beta, dtype=np.float64)
    except np.linalg.LinAlgError:
        pass
    beta, *_ = np.linalg.lstsq(feats.T, y, rcond=None)
    return np.asarray(beta, dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExercisePolicy:
    """The fitted continuation-value regressions, one per decision date.

    coef : ``(dates, n_features)`` regression coefficients (NaN where no regression was run:
        the last date, or dates with too few in-the-money paths)
    center, scale : ``(dates, k)`` standardisation of the state variables before the
        polynomial features: ``z = (state - center) / scale``
    degree : polynomial degree
    itm_only : whether exercise is only considered where the exercise value is > 0
    difference : the regressions fit ``E[continuation - exercise | state]`` (for exercise
        values that hold cash flows realised after the date, so are not known at it); exercise
        where the fitted difference is < 0
    """

    coef: FloatArray
    center: FloatArray
    scale: FloatArray
    degree: int
    itm_only: bool
    difference: bool = False

    def decide(self, k: int, state: FloatArray, exercise_value: FloatArray) -> BoolArray:
        """Exercise at date ``k``? ``state`` ``(n, k)``, ``exercise_value`` ``(n,)``; False
        where no regression was fitted at ``k``."""
        cv = self.continuation_value(k, state)
        ok = ~np.isnan(cv)
        if self.difference:
            dec = ok & (np.where(ok, cv, np.inf) < 0.0)
        else:
            dec = ok & (exercise_value > np.where(ok, cv, np.inf))
        if self.itm_only:
            dec &= exercise_value > 0
        return np.asarray(dec)

    @property
    def dates(self) -> int:
        return int(self.coef.shape[0])

    def continuation_value(self, k: int, state: FloatArray) -> FloatArray:
        """Fitted value at date ``k`` of continuing, in date-``k`` money, for states ``(n, k)``.

        NaN coefficients (last date) mean no continuation: 0 beyond the continuation cash flow
        (which the caller adds)."""
        if np.isnan(self.coef[k]).any():
            return np.full(state.shape[0], np.nan)
        z = (state - self.center[k]) / self.scale[k]
        return np.asarray(polynomial_features(z, self.degree) @ self.coef[k], dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class LsmResult:
    """Value and policy of the optimal-stopping problem.

    value : mean over paths of the discounted realised value under the fitted policy [USD or the
        unit of the inputs], at time 0
    std_error : standard error of ``value`` (sd / sqrt(paths))
    path_values : ``(paths,)`` discounted realised value of each path
    stopping_index : ``(paths,)`` date of exercise, ``dates`` where never exercised
    exercised : ``(paths, dates)`` True at a path's stopping date
    exercise_now_value : mean discounted exercise value at date 0 (convert now) [same unit]
    never_exercise_value : mean discounted sum of all continuation cash flows (never convert)
    policy : the fitted regressions
    """

    value: float
    std_error: float
    path_values: FloatArray
    stopping_index: IndexArray
    exercised: BoolArray
    exercise_now_value: float
    never_exercise_value: float
    policy: ExercisePolicy

    @property
    def option_value_vs_now(self) -> float:
        """Value of keeping the choice open over exercising at date 0 (>= 0 up to noise)."""
        return self.value - self.exercise_now_value

    @property
    def option_value_vs_never(self) -> float:
        """Value of the option to exercise over never exercising."""
        return self.value - self.never_exercise_value

    def exercise_probability_by_date(self) -> FloatArray:
        """Share of paths that stop at each date ``(dates,)``."""
        return np.asarray(self.exercised.mean(axis=0), dtype=np.float64)


def lsm_result(
    pv: FloatArray,
    stop: IndexArray,
    ev: FloatArray,
    cf: FloatArray,
    df: FloatArray,
    policy: ExercisePolicy,
) -> LsmResult:
    """The result of ``policy`` on paths: ``pv`` discounted path values [USD, time 0],
    ``stop`` stopping dates, with the convert-now and never-convert values of ``ev`` / ``cf``
    [USD] discounted by ``df`` [-]."""
    paths, dates = ev.shape
    exercised = stop[:, None] == np.arange(dates)[None, :]
    return LsmResult(
        value=float(pv.mean()),
        std_error=float(pv.std(ddof=1) / math.sqrt(paths)) if paths > 1 else 0.0,
        path_values=pv,
        stopping_index=stop,
        exercised=exercised,
        exercise_now_value=float(ev[:, 0].mean() * df[0]),
        never_exercise_value=float((cf * df).sum(axis=1).mean()),
        policy=policy,
    )


def as_basis(basis: ArrayLike, paths: int, dates: int) -> FloatArray:
    """The state variables as ``(paths, dates, k)`` (a ``(paths, dates)`` basis is k = 1)."""
    b = np.asarray(basis, dtype=np.float64)
    if b.ndim == 2:
        b = b[:, :, None]
    if b.ndim != 3 or b.shape[:2] != (paths, dates):
        raise InputError(
            "basis", b.shape, f"(paths, dates) or (paths, dates, k) = ({paths}, {dates}, k)"
        )
    return b


def check_inputs(
    exercise_value: ArrayLike,
    continuation_cash_flows: ArrayLike | None,
    discount_factors: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The exercise values [USD] ``(paths, dates)``, continuation cash flows [USD] (zeros where
    None) and discount factors [-] ``(dates,)`` as float arrays, checked."""
    ev = np.asarray(exercise_value, dtype=np.float64)
    if ev.ndim != 2 or ev.shape[1] < 1:
        raise InputError("exercise_value", ev.shape, "a (paths, dates) array")
    cf = (
        np.zeros_like(ev)
        if continuation_cash_flows is None
        else np.asarray(continuation_cash_flows, dtype=np.float64)
    )
    if cf.shape != ev.shape:
        raise InputError("continuation_cash_flows", cf.shape, f"shape {ev.shape}")
    df = np.broadcast_to(np.asarray(discount_factors, dtype=np.float64), (ev.shape[1],))
    if not np.all(np.isfinite(df)) or np.any(df <= 0):
        raise InputError("discount_factors", df.tolist()[:5], "finite factors > 0, one per date")
    return ev, cf, np.asarray(df, dtype=np.float64)
