"""The packaged GPU catalogue (one generation per row) and the credit-spread table.

``config/catalogue/gpu.csv``: release month, performance relative to the H100, IT kW per GPU,
all-in capex per GPU with the month it was quoted, market rate with the month it was quoted,
the rate's floor, and a ``source`` per row. The rate's decay with age is not a column: it is
the GPU-rate process's decay per generation (``market.gpu_rate_decay_per_generation_frac`` over
``market.gpu_rate_generation_years``), applied to every generation.

``config/catalogue/credit_spread.csv``: option-adjusted spread over Treasuries by rating
(ICE BofA US corporate indices, FRED, August 2025), for the contracted share's discount rate.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from hashpivot.compute.gpu_generations import GpuModel, GpuSpec
from hashpivot.errors import DataError

__all__ = [
    "CreditRating",
    "credit_spread",
    "decay_frac_per_year",
    "load_gpu_catalogue",
]

CreditRating = Literal["AAA", "AA", "A", "BBB", "BB", "B"]

_CATALOGUE_COLUMNS = (
    "model",
    "release",
    "relative_performance",
    "performance_basis",
    "it_kw_per_gpu",
    "capex_usd_per_gpu",
    "capex_date",
    "rate_usd_per_gpu_hour",
    "rate_date",
    "rate_basis",
    "rate_floor_usd_per_gpu_hour",
    "status",
    "source",
)
_SPREAD_COLUMNS = ("rating", "spread_frac", "series", "as_of", "source")


def decay_frac_per_year(decay_per_generation_frac: float, generation_years: float) -> float:
    """Yearly decline of a GPU's rate [fraction/year] when it loses ``decay_per_generation_frac``
    per ``generation_years`` [years]: ``1 - (1 - decay) ** (1 / years)`` (the GPU-rate
    process's trend ``ln(1 - decay) / years`` as a yearly fraction); 35% per 2 years gives
    ``1 - 0.65 ** 0.5 = 19.38%``."""
    return -math.expm1(math.log1p(-decay_per_generation_frac) / generation_years)


def _read(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    text = resources.files("hashpivot.config").joinpath(f"catalogue/{name}").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or tuple(rows[0].keys()) != columns:
        raise DataError(f"expected columns {', '.join(columns)}", source=f"config/catalogue/{name}")
    return rows


def _month(text: str) -> date:
    """``YYYY-MM`` as the first day of that month."""
    y, m = text.split("-")
    return date(int(y), int(m), 1)


@cache
def load_gpu_catalogue(decay: float = decay_frac_per_year(0.35, 2.0)) -> dict[GpuModel, GpuSpec]:
    """The packaged GPU catalogue, one :class:`GpuSpec` per :class:`GpuModel` (``current``
    excepted), every generation decaying at ``decay`` [fraction/year] (default: the GPU-rate
    process's default, 35% per 2-year generation).

    Raises :class:`DataError` if the CSV lacks a column, a model or holds a non-number.
    """
    src = "config/catalogue/gpu.csv"
    out: dict[GpuModel, GpuSpec] = {}
    for i, row in enumerate(_read("gpu.csv", _CATALOGUE_COLUMNS), start=2):
        try:
            model = GpuModel(row["model"])
            out[model] = GpuSpec(
                model=model,
                release=_month(row["release"]),
                relative_performance=float(row["relative_performance"]),
                performance_basis=row["performance_basis"],
                it_kw_per_gpu=float(row["it_kw_per_gpu"]),
                capex_usd_per_gpu=float(row["capex_usd_per_gpu"]),
                capex_date=_month(row["capex_date"]),
                rate_usd_per_gpu_hour=float(row["rate_usd_per_gpu_hour"]),
                rate_date=_month(row["rate_date"]),
                rate_decay_frac_per_year=decay,
                rate_floor_usd_per_gpu_hour=float(row["rate_floor_usd_per_gpu_hour"]),
                rate_basis=row["rate_basis"],
                source=row["source"],
            )
        except ValueError as exc:
            raise DataError(f"line {i}: {exc}", source=src) from exc
    missing = set(GpuModel) - set(out) - {GpuModel.CURRENT}
    if missing:
        raise DataError(f"models missing: {sorted(missing)}", source=src)
    return out


@cache
def _spreads() -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for i, row in enumerate(_read("credit_spread.csv", _SPREAD_COLUMNS), start=2):
        try:
            out[row["rating"]] = (float(row["spread_frac"]), row["source"])
        except ValueError as exc:
            raise DataError(
                f"line {i}: {exc}", source="config/catalogue/credit_spread.csv"
            ) from exc
    return out


def credit_spread(rating: CreditRating) -> tuple[float, str]:
    """The credit spread over Treasuries of a ``rating`` [fraction/year] and its source
    (config/catalogue/credit_spread.csv: ICE BofA option-adjusted spreads, FRED, Aug 2025)."""
    return _spreads()[rating]
