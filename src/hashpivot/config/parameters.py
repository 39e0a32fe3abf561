"""Parameters as data: one row per input key of the site, lease, GPU and company files.

The table is ``config/parameters.csv`` (package data), one row per key with its file kind
(``site``: site files and the lease / GPU tables of standalone files; ``standalone``: the small
``[site]`` table of a standalone lease or GPU file; ``company``: company files), dotted name,
type, unit, default, range (both bounds, ``[`` / ``]`` inclusive, ``(`` / ``)`` exclusive),
choices, dated source and description. Like PyPSA's component attribute tables, this one table
drives

- the pydantic models' bounds and defaults (:func:`field`, :func:`item_field`), so that no bound
  is written twice;
- the generated ``docs/site-file.md`` (:mod:`hashpivot.config.docs`);
- the checks that the core dataclasses' defaults agree with it (tests/config).

One rule for numbers: every number is finite and inside both bounds; booleans are TOML booleans,
integers are integers, strings are strings and lists are homogeneous (pydantic strict mode).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field

__all__ = [
    "REQUIRED",
    "Parameter",
    "field",
    "item_field",
    "parameter",
    "parameters",
    "within",
]

FileKind = Literal["site", "standalone", "company"]

#: the default of a key the file must give
REQUIRED: Any = ...

#: sub-tables that share another table's rows (same pydantic model)
ALIASES = {"gpu_cloud.debt.": "lease.debt.", "gpu_cloud.tax.": "lease.tax."}

_COLUMNS = ("file", "name", "type", "unit", "default", "range", "choices", "source", "description")
_NUMERIC = ("float", "int", "date", "list[int]", "dict[float]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """One input key: its name, type, unit, default, bounds, source and description.

    ``lower`` / ``upper`` bound the value (numbers, dates, the items of a ``list[int]`` or
    ``dict[float]``) or the length (``str``, ``list[table]``); ``default`` is :data:`REQUIRED`,
    ``None`` (optional, with a meaning given in ``source``) or the value.
    """

    file: FileKind
    name: str
    type: str
    unit: str
    default: Any
    lower: float | date | None
    upper: float | date | None
    lower_inclusive: bool
    upper_inclusive: bool
    choices: tuple[str, ...]
    source: str
    description: str

    @property
    def required(self) -> bool:
        """True when the file must give the key (within its table)."""
        return self.default is REQUIRED

    @property
    def table(self) -> str:
        """The TOML table of the key, e.g. ``lease.debt``."""
        return self.name.rpartition(".")[0]

    @property
    def key(self) -> str:
        """The key within its table."""
        return self.name.rpartition(".")[2]

    def range_text(self) -> str:
        """The bounds as an interval, e.g. ``(0, 1]``; empty when there are none."""
        if self.lower is None or self.upper is None:
            return ""
        lo = "[" if self.lower_inclusive else "("
        hi = "]" if self.upper_inclusive else ")"
        return f"{lo}{_fmt(self.lower)}, {_fmt(self.upper)}{hi}"

    def bounds(self) -> dict[str, Any]:
        """pydantic's ``ge``/``gt`` and ``le``/``lt`` of a value bound."""
        if self.lower is None or self.upper is None:
            return {}
        return {
            ("ge" if self.lower_inclusive else "gt"): self.lower,
            ("le" if self.upper_inclusive else "lt"): self.upper,
        }


def _fmt(x: float | date) -> str:
    if isinstance(x, date):
        return x.isoformat()
    return f"{x:,.0f}" if abs(x) >= 10_000 and x == int(x) else f"{x:g}"


def _parse_bound(text: str, kind: str) -> float | date:
    text = text.strip()
    if kind == "date":
        return date.fromisoformat(text)
    x = float(text)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _parse_default(text: str, kind: str) -> Any:
    if text == "required":
        return REQUIRED
    if text == "none":
        return None
    if kind == "float":
        return float(text)
    if kind == "int":
        return int(text)
    if kind == "bool":
        return {"true": True, "false": False}[text]
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "list[int]":
        return tuple(json.loads(text))
    if kind == "dict[float]":
        return None
    return text  # str, enum (validated by the model)


def _row(raw: dict[str, str]) -> Parameter:
    kind = raw["type"]
    rng = raw["range"].strip()
    lower = upper = None
    lo_inc = hi_inc = True
    if rng:
        lo_inc, hi_inc = rng[0] == "[", rng[-1] == "]"
        lo_text, hi_text = rng[1:-1].split(",")
        bound_kind = kind if kind in ("date",) else "float"
        lower, upper = _parse_bound(lo_text, bound_kind), _parse_bound(hi_text, bound_kind)
    return Parameter(
        file=raw["file"],  # type: ignore[arg-type]
        name=raw["name"],
        type=kind,
        unit=raw["unit"],
        default=_parse_default(raw["default"], kind),
        lower=lower,
        upper=upper,
        lower_inclusive=lo_inc,
        upper_inclusive=hi_inc,
        choices=tuple(c for c in raw["choices"].split("|") if c),
        source=raw["source"],
        description=raw["description"],
    )


@cache
def parameters() -> tuple[Parameter, ...]:
    """Every row of the table, in the order of the file."""
    text = resources.files("hashpivot.config").joinpath("parameters.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise RuntimeError(f"parameters.csv: expected columns {_COLUMNS}")
    return tuple(_row(r) for r in reader)


@cache
def _by_name() -> dict[tuple[str, str], Parameter]:
    return {(p.file, p.name): p for p in parameters()}


def parameter(name: str, file: FileKind = "site") -> Parameter:
    """The row of ``name`` (``gpu_cloud.debt.*`` / ``gpu_cloud.tax.*`` share the lease's)."""
    for alias, target in ALIASES.items():
        if name.startswith(alias):
            name = target + name.removeprefix(alias)
    try:
        return _by_name()[(file, name)]
    except KeyError:
        raise KeyError(f"no parameter {name!r} for {file} files in parameters.csv") from None


def _description(p: Parameter) -> str:
    return p.description + (f" [{p.unit}]" if p.unit else "")


def _whole(x: float | date | None) -> int:
    if not isinstance(x, int | float):
        raise TypeError(f"a whole-number bound, not {x!r}")
    return int(x)


def field(name: str, *, file: FileKind = "site", override: bool = False) -> Any:
    """A pydantic ``Field`` with the row's default, bounds, strictness and description.

    ``override=True``: the field defaults to ``None`` (the key is an override of a default held
    elsewhere, e.g. the market model's), the row's default being documentation.
    """
    p = parameter(name, file)
    default = None if override else p.default
    kw: dict[str, Any] = {"description": _description(p)}
    if p.type in ("float", "int", "bool", "str", "date"):
        kw["strict"] = True
    if p.type in ("float", "int", "date"):
        kw.update(p.bounds())
    if p.type == "float":
        kw["allow_inf_nan"] = False
    if p.type in ("str", "list[table]") and p.range_text():
        lo, hi = _whole(p.lower), _whole(p.upper)
        kw.update(min_length=lo, max_length=hi)
    if p.type == "enum":
        kw["validate_default"] = default is not None and default is not REQUIRED
    if p.type == "list[int]":  # at most one of each allowed value
        kw.update(strict=True, min_length=1, max_length=_whole(p.upper) - _whole(p.lower) + 1)
        if isinstance(default, tuple):
            items = list(default)
            return Field(default_factory=lambda: list(items), **kw)
    if p.type == "dict[float]":
        return Field(default_factory=dict, **kw)
    return Field(default, **kw)


def item_field(name: str, *, file: FileKind = "site") -> Any:
    """The bounds and strictness of one item of a ``list[int]`` / ``dict[float]`` key."""
    p = parameter(name, file)
    if p.type == "dict[float]":  # its bounds: checked with the key's name (see config.market)
        return Field(strict=True, allow_inf_nan=False)
    return Field(strict=True, **p.bounds())


def within(p: Parameter, x: float) -> bool:
    """True when ``x`` is finite and inside the row's bounds."""
    if not math.isfinite(x) or p.lower is None or p.upper is None:
        return False
    lo, hi = float(p.lower), float(p.upper)  # type: ignore[arg-type]
    above = x >= lo if p.lower_inclusive else x > lo
    below = x <= hi if p.upper_inclusive else x < hi
    return above and below
