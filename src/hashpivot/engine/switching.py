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
from enum import StrEnum
from itertools import combinations_with_replacement

import numpy as np
from numpy.typing import ArrayLike

from hashpivot.errors import InputError
from hashpivot.types import FloatArray

BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]


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


def _feature_rows(z: FloatArray, degree: int) -> FloatArray:
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


def _least_squares(feats: FloatArray, y: FloatArray) -> FloatArray:
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
    stopping_index: np.ndarray[tuple[int], np.dtype[np.int64]]
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


def _as_basis(basis: ArrayLike, paths: int, dates: int) -> FloatArray:
    b = np.asarray(basis, dtype=np.float64)
    if b.ndim == 2:
        b = b[:, :, None]
    if b.ndim != 3 or b.shape[:2] != (paths, dates):
        raise InputError(
            "basis", b.shape, f"(paths, dates) or (paths, dates, k) = ({paths}, {dates}, k)"
        )
    return b


def _check_inputs(
    exercise_value: ArrayLike,
    continuation_cash_flows: ArrayLike | None,
    discount_factors: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
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
    ev, cf, df = _check_inputs(exercise_value, continuation_cash_flows, discount_factors)
    paths, dates = ev.shape
    x = _as_basis(basis, paths, dates)
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
        ex_last = ev[:, last] > cf[:, last]
        if itm_only:
            ex_last &= ev[:, last] > 0
        future = np.where(ex_last, ev[:, last], cf[:, last]) * df[last]
        stop = np.where(ex_last, last, dates).astype(np.int64)
        first = last - 1

    # state-major copy: each date's regression reads contiguous rows
    xt = np.ascontiguousarray(x.transpose(1, 2, 0))  # (dates, k, paths)
    for k in range(first, -1, -1):
        cont_realised = future + cf[:, k] * df[k]  # time-0 money
        cand = ev[:, k] > 0 if itm_only else None
        n_cand = paths if cand is None else int(cand.sum())
        ex = np.zeros(paths, dtype=bool)
        if n_cand >= min_regression_paths:
            s = xt[k] if cand is None else xt[k][:, cand]  # (k, n_cand)
            c = s.mean(axis=1)
            sd = s.std(axis=1)
            sd = np.where(sd > 0, sd, 1.0)
            feats = _feature_rows((s - c[:, None]) / sd[:, None], degree)  # (n_feat, n_cand)
            y = cont_realised if cand is None else cont_realised[cand]
            y = y / df[k]  # date-k money for conditioning
            e_k = ev[:, k] if cand is None else ev[cand, k]
            if not exercise_known:
                y = y - e_k
            beta = _least_squares(feats, y)
            coef[k], center[k], scale[k] = beta, c, sd
            fitted = beta @ feats
            hit = fitted < 0 if not exercise_known else e_k > fitted
            if cand is None:
                ex = hit
            else:
                ex[cand] = hit
        future = np.where(ex, ev[:, k] * df[k], cont_realised)
        stop = np.where(ex, k, stop)

    exercised = stop[:, None] == np.arange(dates)[None, :]
    policy = ExercisePolicy(
        coef=coef,
        center=center,
        scale=scale,
        degree=degree,
        itm_only=itm_only,
        difference=not exercise_known,
    )
    return LsmResult(
        value=float(future.mean()),
        std_error=float(future.std(ddof=1) / math.sqrt(paths)) if paths > 1 else 0.0,
        path_values=future,
        stopping_index=stop,
        exercised=exercised,
        exercise_now_value=float(ev[:, 0].mean() * df[0]),
        never_exercise_value=float((cf * df).sum(axis=1).mean()),
        policy=policy,
    )


def _result(
    pv: FloatArray,
    stop: np.ndarray[tuple[int], np.dtype[np.int64]],
    ev: FloatArray,
    cf: FloatArray,
    df: FloatArray,
    policy: ExercisePolicy,
) -> LsmResult:
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
    ev, cf, df = _check_inputs(exercise_value, continuation_cash_flows, discount_factors)
    paths, dates = ev.shape
    if dates != policy.dates:
        raise InputError("exercise_value", ev.shape, f"{policy.dates} dates as the policy")
    x = _as_basis(basis, paths, dates)
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
        return _result(pv, stop, ev, cf, df, policy)
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
    return _result(pv, stop, ev, cf, df, policy)


# --------------------------------------------------------------------------------------------
# Readable policy: an exercise boundary
# --------------------------------------------------------------------------------------------


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
    x = _as_basis(basis, paths, dates)
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
