"""Switch timing as a real option: Longstaff-Schwartz least-squares Monte Carlo (LSM).

Generic optimal stopping over simulated paths. At each decision date ``k = 0 .. n-1`` the holder
either *exercises* (e.g. converts the mine to a powered shell), receiving ``exercise_value[:, k]``
(the value at date ``k`` of everything from then on, capex and lead time included) and stopping,
or *continues*, receiving ``continuation_cash_flows[:, k]`` (e.g. that month's mining cash flow)
and facing the same choice at ``k + 1``. Values are discounted to time 0 with
``discount_factors[k]``. After the last date a continuing holder gets nothing more (put any
terminal value in the last continuation cash flow).

Backward induction (Longstaff & Schwartz 2001, Rev. Fin. Stud. 14(1), 113-147): at each date the
realised value of continuing (the cash flows along the path under the policy already fixed for
later dates) is regressed on polynomials of the state variables over the in-the-money paths;
exercise where the immediate value beats the fitted continuation value. The fitted policy
(:class:`ExercisePolicy`) can be applied to fresh paths (:func:`apply_policy`) for an
out-of-sample, low-biased value, and summarised as an exercise boundary
("convert when hashprice < X given rent ~ Y", :func:`exercise_boundary`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.engine.exercise_boundary import (
    BoundaryPoint,
    Side,
    best_threshold,
    describe_boundary,
    exercise_boundary,
)
from hashpivot.engine.lsm_policy import (
    BoolArray,
    ExercisePolicy,
    IndexArray,
    LsmResult,
    as_basis,
    check_inputs,
    feature_rows,
    least_squares,
    lsm_result,
    polynomial_features,
)
from hashpivot.errors import InputError
from hashpivot.types import FloatArray

__all__ = [
    "BoundaryPoint",
    "ExercisePolicy",
    "LsmResult",
    "Side",
    "apply_policy",
    "best_threshold",
    "describe_boundary",
    "exercise_boundary",
    "longstaff_schwartz",
    "polynomial_features",
]


def _last_date(
    ev: FloatArray, cf: FloatArray, df: FloatArray, itm_only: bool
) -> tuple[FloatArray, IndexArray]:
    """Exercise at the last date where the exercise value [USD] beats the last continuation
    cash flow [USD] (and is > 0 with ``itm_only``): each path's value [USD, time 0] and
    stopping date (``dates`` where it continues)."""
    dates = ev.shape[1]
    last = dates - 1
    ex_last = ev[:, last] > cf[:, last]
    if itm_only:
        ex_last &= ev[:, last] > 0
    future = np.where(ex_last, ev[:, last], cf[:, last]) * df[last]
    stop = np.where(ex_last, last, dates).astype(np.int64)
    return future, stop


@dataclass(frozen=True, slots=True, kw_only=True)
class _DateFit:
    """One decision date's regression over the candidate paths.

    beta : coefficients on the standardised polynomial features
    center, scale : standardisation of the state, ``(k,)``
    exercise : the decision at each candidate path
    """

    beta: FloatArray
    center: FloatArray
    scale: FloatArray
    exercise: BoolArray


def _fit_date(
    state: FloatArray,
    cont_realised: FloatArray,
    ev_k: FloatArray,
    df_k: np.float64,
    cand: BoolArray | None,
    degree: int,
    exercise_known: bool,
) -> _DateFit:
    """Regress the realised continuation value on the state at one date and decide
    (Longstaff-Schwartz).

    ``state`` ``(k, paths)``; ``cont_realised`` [USD, time-0 money] and ``ev_k`` [USD, date-k
    money] per path; ``df_k`` the date's discount factor [-]; ``cand`` the candidate paths
    (None: all). The regressand is the continuation value in date-k money; exercise where
    ``ev_k`` beats its fitted value, or (``exercise_known`` False) regress continuation -
    exercise and exercise where the fitted difference is < 0.
    """
    s = state if cand is None else state[:, cand]  # (k, n_cand)
    c = s.mean(axis=1)
    sd = s.std(axis=1)
    sd = np.where(sd > 0, sd, 1.0)
    feats = feature_rows((s - c[:, None]) / sd[:, None], degree)  # (n_feat, n_cand)
    y = cont_realised if cand is None else cont_realised[cand]
    y = y / df_k  # date-k money for conditioning
    e_k = ev_k if cand is None else ev_k[cand]
    if not exercise_known:
        y = y - e_k
    beta = least_squares(feats, y)
    fitted = beta @ feats
    hit = fitted < 0 if not exercise_known else e_k > fitted
    return _DateFit(beta=beta, center=c, scale=sd, exercise=np.asarray(hit))


def longstaff_schwartz(
    exercise_value: ArrayLike,
    continuation_cash_flows: ArrayLike | None,
    discount_factors: ArrayLike,
    basis: ArrayLike,
    *,
    degree: int = 2,
    itm_only: bool = True,
    min_regression_paths: int = 20,
    exercise_known: bool = True,
) -> LsmResult:
    """Longstaff-Schwartz least-squares Monte Carlo value and policy.

    Parameters
    ----------
    exercise_value : ``(paths, dates)`` value received on exercising at each date, in that
        date's money [USD]
    continuation_cash_flows : ``(paths, dates)`` cash flow received at each date when not
        exercising [USD] (None: zeros, as for an American option)
    discount_factors : ``(dates,)`` discount factor from each date to time 0 [-]
    basis : ``(paths, dates, k)`` (or ``(paths, dates)`` for k = 1) state variables the decision
        may depend on (e.g. hashprice and rent)
    degree : total degree of the polynomial regression in the standardised state
    itm_only : regress and exercise only where the exercise value is > 0 (LSM's in-the-money
        rule); set False where exercise values may all be negative
    min_regression_paths : fewer in-the-money paths than this at a date: do not exercise there
    exercise_known : False where the exercise value holds cash flows realised after its date
        (e.g. mining that goes on while a conversion is built): the decision then regresses
        the realised difference continuation - exercise on the state and exercises where its
        fitted value is < 0, so it uses nothing unknown at the date (at every date, the last
        included)

    Returns
    -------
    LsmResult with value (time-0 money), standard error, per-path values and stopping dates.
    """
    ev, cf, df = check_inputs(exercise_value, continuation_cash_flows, discount_factors)
    paths, dates = ev.shape
    x = as_basis(basis, paths, dates)
    k_state = x.shape[2]
    n_feat = math.comb(k_state + degree, degree)
    coef = np.full((dates, n_feat), np.nan)
    center = np.zeros((dates, k_state))
    scale = np.ones((dates, k_state))

    # value of the path from the current date on, in time-0 money, under the policy so far
    last = dates - 1
    future = np.zeros(paths)
    stop = np.full(paths, dates, dtype=np.int64)
    first = last
    if exercise_known:
        future, stop = _last_date(ev, cf, df, itm_only)
        first = last - 1

    # state-major copy: each date's regression reads contiguous rows
    xt = np.ascontiguousarray(x.transpose(1, 2, 0))  # (dates, k, paths)
    for k in range(first, -1, -1):
        cont_realised = future + cf[:, k] * df[k]  # time-0 money
        cand = ev[:, k] > 0 if itm_only else None
        n_cand = paths if cand is None else int(cand.sum())
        ex: BoolArray = np.zeros(paths, dtype=bool)
        if n_cand >= min_regression_paths:
            fit = _fit_date(xt[k], cont_realised, ev[:, k], df[k], cand, degree, exercise_known)
            coef[k], center[k], scale[k] = fit.beta, fit.center, fit.scale
            if cand is None:
                ex = fit.exercise
            else:
                ex[cand] = fit.exercise
        future = np.where(ex, ev[:, k] * df[k], cont_realised)
        stop = np.where(ex, k, stop)

    policy = ExercisePolicy(
        coef=coef,
        center=center,
        scale=scale,
        degree=degree,
        itm_only=itm_only,
        difference=not exercise_known,
    )
    return lsm_result(future, stop, ev, cf, df, policy)


#: apply_policy runs the compiled kernel where numba is here (the numpy loop is its reference)
try:
    from hashpivot.engine._policy_kernel import apply_policy_kernel as _apply_policy_kernel

    COMPILED = True
except ImportError:  # pragma: no cover - numba is a dependency
    COMPILED = False


def apply_policy(
    policy: ExercisePolicy,
    exercise_value: ArrayLike,
    continuation_cash_flows: ArrayLike | None,
    discount_factors: ArrayLike,
    basis: ArrayLike,
) -> LsmResult:
    """Value of a fitted policy on (fresh) paths: exercise at the first date where the
    exercise value beats the fitted continuation value (at the last date: beats the last
    continuation cash flow). On paths independent of the fit this is a low-biased estimate."""
    ev, cf, df = check_inputs(exercise_value, continuation_cash_flows, discount_factors)
    paths, dates = ev.shape
    if dates != policy.dates:
        raise InputError("exercise_value", ev.shape, f"{policy.dates} dates as the policy")
    x = as_basis(basis, paths, dates)
    if COMPILED:
        pv = np.empty(paths)
        stop = np.empty(paths, dtype=np.int64)
        k_state = x.shape[2]
        powers = np.array(
            [
                [combo.count(j) for j in range(k_state)]
                for d in range(policy.degree + 1)
                for combo in combinations_with_replacement(range(k_state), d)
            ],
            dtype=np.int64,
        )
        c = np.ascontiguousarray
        _apply_policy_kernel(
            c(ev),
            c(cf),
            c(df),
            c(x),
            c(policy.coef),
            c(policy.center),
            c(policy.scale),
            powers,
            policy.difference,
            policy.itm_only,
            pv,
            stop,
        )
        return lsm_result(pv, stop, ev, cf, df, policy)
    ex = np.zeros((paths, dates), dtype=bool)
    for k in range(dates - 1):
        ex[:, k] = policy.decide(k, x[:, k, :], ev[:, k])
    if policy.difference:
        ex[:, -1] = policy.decide(dates - 1, x[:, -1, :], ev[:, -1])
    else:
        e_last = ev[:, -1] > cf[:, -1]
        if policy.itm_only:
            e_last &= ev[:, -1] > 0
        ex[:, -1] = e_last
    any_ex = ex.any(axis=1)
    stop = np.where(any_ex, ex.argmax(axis=1), dates).astype(np.int64)
    alive = np.arange(dates)[None, :] < stop[:, None]
    pv = (np.where(alive, cf, 0.0) * df).sum(axis=1)
    idx = np.minimum(stop, dates - 1)
    pv += np.where(any_ex, ev[np.arange(paths), idx] * df[idx], 0.0)
    return lsm_result(pv, stop, ev, cf, df, policy)
