"""Sensitivity of a model output to its inputs: tornado (one at a time) and Sobol indices.

- :func:`tornado`: each input is set to the low and the high end of its documented range, all
  others held at the base case; the rows are sorted by swing ``|f(high) - f(low)|``.
- :func:`sobol_indices`: variance-based first-order and total indices (Sobol 2001; Saltelli
  2002 sampling, Saltelli et al. 2010 / Jansen estimators as implemented by SALib) for a
  vectorised model over independent uniform inputs.

References: Saltelli et al., *Global Sensitivity Analysis: The Primer* (2008); SALib
(Herman & Usher 2017, JOSS 2(9)).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, TypeVar

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from hashpivot.errors import InputError
from hashpivot.types import FloatArray

P = TypeVar("P")


@dataclass(frozen=True, slots=True, kw_only=True)
class InputRange:
    """A documented range of one input: ``low`` and ``high`` in the input's unit, and why."""

    low: float
    high: float
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TornadoRow:
    """One input's effect: output at the low and high ends, and the swing between them."""

    name: str
    low_input: float
    high_input: float
    low_output: float
    high_output: float

    @property
    def swing(self) -> float:
        """``|output(high) - output(low)|``."""
        return abs(self.high_output - self.low_output)


@dataclass(frozen=True, slots=True, kw_only=True)
class TornadoResult:
    """Rows sorted by decreasing swing, and the base-case output."""

    base_output: float
    rows: tuple[TornadoRow, ...]

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rows)


def replace_path(obj: P, dotted: str, value: Any) -> P:
    """``dataclasses.replace`` along a dotted path of nested frozen dataclasses
    (``"btc.vol_per_year"``), or a key of a mapping (returns a new dict)."""
    head, _, rest = dotted.partition(".")
    if isinstance(obj, Mapping):
        if head not in obj:
            raise InputError(dotted, value, f"one of {sorted(obj)}")
        new = dict(obj)
        new[head] = replace_path(obj[head], rest, value) if rest else value
        return new  # type: ignore[return-value]
    if not is_dataclass(obj) or isinstance(obj, type):
        raise InputError(dotted, value, "a field of a dataclass or a key of a mapping")
    names = {f.name for f in fields(obj)}
    if head not in names:
        raise InputError(dotted, value, f"one of {sorted(names)}")
    inner = replace_path(getattr(obj, head), rest, value) if rest else value
    return replace(obj, **{head: inner})  # type: ignore[type-var]


def tornado(
    model: Callable[[P], float],
    base: P,
    ranges: Mapping[str, InputRange | tuple[float, float]],
) -> TornadoResult:
    """One-at-a-time sensitivity: ``model(base with name = low)`` and ``= high`` for each input.

    ``base`` is a frozen dataclass (dotted names reach nested ones) or a mapping; ``model``
    returns a scalar (e.g. the NPV of a strategy in USD).
    """
    if not ranges:
        raise InputError("ranges", {}, "at least one input range")
    base_out = float(model(base))
    rows = []
    for name, rng in ranges.items():
        lo, hi = (rng.low, rng.high) if isinstance(rng, InputRange) else rng
        if not lo <= hi:
            raise InputError(f"ranges[{name}]", (lo, hi), "low <= high")
        rows.append(
            TornadoRow(
                name=name,
                low_input=float(lo),
                high_input=float(hi),
                low_output=float(model(replace_path(base, name, lo))),
                high_output=float(model(replace_path(base, name, hi))),
            )
        )
    rows.sort(key=lambda r: r.swing, reverse=True)
    return TornadoResult(base_output=base_out, rows=tuple(rows))


@dataclass(frozen=True, slots=True, kw_only=True)
class SobolResult:
    """Sobol indices per input (order of ``names``), with 95% bootstrap half-widths.

    first_order : S1, share of output variance due to the input alone [-]
    total : ST, share including all interactions [-]
    n_evaluations : model evaluations used, ``n_base x (d + 2)``
    """

    names: tuple[str, ...]
    first_order: FloatArray
    first_order_conf: FloatArray
    total: FloatArray
    total_conf: FloatArray
    n_evaluations: int

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {
            n: {
                "S1": float(self.first_order[i]),
                "S1_conf": float(self.first_order_conf[i]),
                "ST": float(self.total[i]),
                "ST_conf": float(self.total_conf[i]),
            }
            for i, n in enumerate(self.names)
        }


def sobol_indices(
    model: Callable[[FloatArray], FloatArray],
    bounds: Mapping[str, InputRange | tuple[float, float]],
    *,
    n_base: int = 1024,
    seed: int = 0,
) -> SobolResult:
    """First-order and total Sobol indices of a vectorised ``model`` over independent uniform
    inputs on ``bounds``.

    ``model`` maps an ``(n, d)`` array of inputs (columns in the order of ``bounds``) to ``(n,)``
    outputs. ``n_base`` (a power of 2) base samples give ``n_base x (d + 2)`` evaluations
    (Saltelli sampling on a scrambled Sobol sequence, seeded; bootstrap seeded too).
    """
    if n_base < 2 or n_base & (n_base - 1):
        raise InputError("n_base", n_base, "a power of 2 >= 2")
    names = tuple(bounds)
    b = [(r.low, r.high) if isinstance(r, InputRange) else r for r in bounds.values()]
    for n, (lo, hi) in zip(names, b, strict=True):
        if not lo < hi:
            raise InputError(f"bounds[{n}]", (lo, hi), "low < high")
    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(x) for x in b]}
    x = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    y = np.asarray(model(x), dtype=np.float64)
    if y.shape != (x.shape[0],):
        raise InputError("model output", y.shape, f"one value per sample, ({x.shape[0]},)")
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    return SobolResult(
        names=names,
        first_order=np.asarray(res["S1"], dtype=np.float64),
        first_order_conf=np.asarray(res["S1_conf"], dtype=np.float64),
        total=np.asarray(res["ST"], dtype=np.float64),
        total_conf=np.asarray(res["ST_conf"], dtype=np.float64),
        n_evaluations=int(x.shape[0]),
    )
