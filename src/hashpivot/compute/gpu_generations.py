"""GPU generations: what a GPU costs and rents for by generation and purchase date.

A GPU bought in 2028 is a 2028 GPU at 2028 prices. Each catalogue row
(config/catalogue/gpu.csv, each with its source) is one generation: its release month, its
performance relative to the H100, its IT power per GPU, its all-in capex per GPU quoted at
``capex_date`` and its rental rate quoted at ``rate_date``. Pure functions of those rows:

- **Age decay.** A generation's rental rate falls with calendar time at the GPU-rate
  process's per-generation trend, ``ln(1 - decay_per_generation) / generation_years`` per year
  (:func:`hashpivot.market.processes.gpu_decay_log_trend_per_year`: -35% per 2-year generation
  gives ``ln(0.65) / 2 = -0.215``/yr, i.e. ``rate_decay_frac_per_year = 1 - 0.65 ** 0.5 =
  19.4%``), never below the row's floor; its price falls at the same rate (a GPU's price follows
  what it earns). ``price(t) = price(t_quote) x (1 - decay) ** (months(t_quote -> t) / 12)``.
- **Frontier.** What a buyer gets at a date: the newest generation released by then.
- **No purchase before a release.** A GPU bought before its generation's release month (a
  site starting before it) is priced at its release (capex and rate aged back to the release,
  not further): the quoted figures are not extrapolated backwards into years when the
  generation did not exist (a 2010 start would otherwise buy an A100 at ~$224k).
- **Beyond the catalogue** a new generation arrives every ``generation_years`` after the newest
  row and costs and rents at its launch what the newest row did at its own launch (per GPU and
  per kW: the catalogue shows capex per kW flat across generations, H100 $50k / 1.28 kW =
  $39k/kW, GB300 $73k / 1.88 kW = $39k/kW), while its performance grows by the catalogue's
  fitted growth per generation, so the price per unit of performance falls by that factor.
  The performance growth stops ``MAX_EXTRAPOLATED_YEARS`` (10) after the newest row: a growth
  fitted on six years of releases is not carried further (a 2090 purchase would otherwise be
  ~2e15 H100-equivalents); later generations keep the launch capex and rate per GPU and the
  performance of the 10-year generation.

Sources: config/catalogue/gpu.csv (each row's ``source``); docs/methodology.md, "GPU
generations".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hashpivot.calendar import months_between

FloatArray = NDArray[np.float64]

#: Years past the catalogue's newest release the generations are extrapolated [years]
MAX_EXTRAPOLATED_YEARS = 10.0

__all__ = [
    "MAX_EXTRAPOLATED_YEARS",
    "GpuModel",
    "GpuSpec",
    "add_months",
    "capex_at_usd_per_gpu",
    "frontier_generation",
    "gpus_per_it_mw",
    "market_rate_curve",
    "performance_growth_per_generation",
    "rate_at_usd_per_gpu_hour",
    "usd_per_performance",
]


class GpuModel(StrEnum):
    """GPU models of the catalogue (config/catalogue/gpu.csv); ``current`` = the newest
    generation at each purchase date."""

    A100 = "A100"
    H100 = "H100"
    H200 = "H200"
    B200 = "B200"
    GB200 = "GB200"
    GB300 = "GB300"
    VR200 = "VR200"
    CURRENT = "current"


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuSpec:
    """One generation (a catalogue row, possibly overridden or extrapolated).

    it_kw_per_gpu : IT power per GPU incl. its server/network share [kW]
    capex_usd_per_gpu : all-in capex per GPU at ``capex_date`` [USD] (flat when None)
    rate_usd_per_gpu_hour : market rental rate at ``rate_date`` [USD/GPU-hour] (at the
        purchase when None)
    rate_decay_frac_per_year : yearly decline of rate and price with age [fraction/year]
    rate_floor_usd_per_gpu_hour : the market rate never falls below this [USD/GPU-hour]
    release : first month the generation can be bought (None: undated)
    relative_performance : throughput relative to the H100 [-] on ``performance_basis``
    performance_basis : what the ratio compares (dense BF16 where published; VR200's is
        NVIDIA's low-precision system claim, labelled so)
    label : the name shown (``VR200+1`` for a generation beyond the catalogue)
    """

    model: GpuModel
    it_kw_per_gpu: float
    capex_usd_per_gpu: float
    rate_usd_per_gpu_hour: float
    rate_decay_frac_per_year: float
    rate_floor_usd_per_gpu_hour: float
    rate_basis: str = ""
    source: str = ""
    release: date | None = None
    relative_performance: float = 1.0
    performance_basis: str = ""
    capex_date: date | None = None
    rate_date: date | None = None
    label: str = ""

    @property
    def name(self) -> str:
        """The generation's name: ``label`` if set, else the model."""
        return self.label or self.model.value


def gpus_per_it_mw(it_kw_per_gpu: float) -> float:
    """GPUs one MW of critical IT power supports: ``1000 / it_kw_per_gpu`` [GPUs/MW]."""
    return 1000.0 / it_kw_per_gpu


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` [months] after ``d``'s month (negative: before)."""
    k = d.year * 12 + d.month - 1 + months
    return date(k // 12, k % 12 + 1, 1)


def _aged(value: float, decay_frac_per_year: float, quoted: date | None, when: date) -> float:
    """``value x (1 - decay) ** (months(quoted -> when) / 12)`` [units of value]; ``value``
    itself when ``quoted`` is None."""
    if quoted is None:
        return value
    return float(value * (1.0 - decay_frac_per_year) ** (months_between(quoted, when) / 12.0))


def _not_before_release(spec: GpuSpec, when: date) -> date:
    """``when``, or ``spec``'s release month when ``when`` is earlier (no GPU is bought, nor
    priced, before its release)."""
    return when if spec.release is None or when >= spec.release else spec.release


def capex_at_usd_per_gpu(spec: GpuSpec, when: date) -> float:
    """All-in price of one GPU of ``spec`` bought in ``when``'s month [USD]: the quoted capex
    aged at the generation decay from ``capex_date`` (no floor); before the release, the
    price at the release.

    Example: H100 $50,000 quoted 2025-10, decay 19.4%/yr, bought 2028-01 (27 months later):
    ``50,000 x 0.806 ** 2.25 = $30,807``.
    """
    when = _not_before_release(spec, when)
    return _aged(spec.capex_usd_per_gpu, spec.rate_decay_frac_per_year, spec.capex_date, when)


def rate_at_usd_per_gpu_hour(spec: GpuSpec, when: date) -> float:
    """Market rate of a ``spec`` GPU in ``when``'s month [USD/GPU-hour], before the floor: the
    quoted rate aged at the generation decay from ``rate_date`` (before the release, the rate
    at the release)."""
    when = _not_before_release(spec, when)
    return _aged(spec.rate_usd_per_gpu_hour, spec.rate_decay_frac_per_year, spec.rate_date, when)


def market_rate_curve(spec: GpuSpec, age_months: ArrayLike) -> FloatArray:
    """Market rental rate of a GPU ``age_months`` after its rate was ``rate_usd_per_gpu_hour``
    [USD/GPU-hour]: ``max(floor, rate0 * (1 - decay) ** (age_months / 12))`` (ages < 0 count
    as 0)."""
    age = np.maximum(np.asarray(age_months, dtype=np.float64), 0.0)
    rate = spec.rate_usd_per_gpu_hour * (1.0 - spec.rate_decay_frac_per_year) ** (age / 12.0)
    return np.asarray(np.maximum(rate, spec.rate_floor_usd_per_gpu_hour), dtype=np.float64)


def usd_per_performance(capex_usd_per_gpu: float, relative_performance: float) -> float:
    """Price per unit of performance [USD per H100-equivalent]: ``capex / relative
    performance``; e.g. GB300 $73,000 / 2.528 = $28,877 against the H100's $50,000."""
    return capex_usd_per_gpu / relative_performance


def _dated(catalogue: Sequence[GpuSpec]) -> list[GpuSpec]:
    """The rows with a release month, oldest first."""
    return sorted((s for s in catalogue if s.release is not None), key=lambda s: s.release or 0)


def performance_growth_per_generation(
    catalogue: Sequence[GpuSpec], generation_years: float
) -> float:
    """Performance growth per generation [-] fitted on the catalogue's first and newest
    releases: ``(perf_new / perf_first) ** (12 x generation_years / months between)``; 1.0
    with fewer than two dated rows. Catalogue: A100 2020-05 (0.315) to VR200 2026-09 (8.34),
    76 months, 2-year generations: ``26.5 ** (24 / 76) = 2.81``."""
    rows = _dated(catalogue)
    if len(rows) < 2:
        return 1.0
    first, last = rows[0], rows[-1]
    assert first.release is not None and last.release is not None
    months = months_between(first.release, last.release)
    if months <= 0:
        return 1.0
    ratio = last.relative_performance / first.relative_performance
    return float(ratio ** (12.0 * generation_years / months))


def frontier_generation(
    catalogue: Sequence[GpuSpec], when: date, generation_years: float
) -> GpuSpec:
    """The generation a buyer gets in ``when``'s month: the newest row released by then (the
    oldest row before any release); ``n = floor(months since the newest release / (12 x
    generation_years))`` generations past the newest row, that row's launch figures (capex and
    rate aged back to its release) with performance x growth ** n, released ``n`` generations
    later, labelled ``NEWEST+n``; the performance growth counts at most
    ``MAX_EXTRAPOLATED_YEARS / generation_years`` generations. Raises ValueError on a
    catalogue without release months."""
    rows = _dated(catalogue)
    if not rows:
        raise ValueError("no dated generation in the catalogue")
    released = [s for s in rows if s.release is not None and s.release <= when]
    newest = rows[-1]
    assert newest.release is not None
    step = max(round(12 * generation_years), 1)
    n_max = max(int(MAX_EXTRAPOLATED_YEARS * 12) // step, 1)
    n = months_between(newest.release, when) // step
    if n < 1:
        return released[-1] if released else rows[0]
    launch = newest.release
    growth = performance_growth_per_generation(rows, generation_years)
    release = add_months(launch, n * step)
    return replace(
        newest,
        label=f"{newest.model.value}+{n}",
        release=release,
        relative_performance=newest.relative_performance * growth ** min(n, n_max),
        capex_usd_per_gpu=capex_at_usd_per_gpu(newest, launch),
        capex_date=release,
        rate_usd_per_gpu_hour=rate_at_usd_per_gpu_hour(newest, launch),
        rate_date=release,
        source=f"{n} generation(s) past {newest.model.value}: its launch capex and rate, "
        f"performance x {growth:.2f} per generation (docs/methodology.md, GPU generations)"
        + (
            f"; performance capped at {n_max} generations' growth: the fitted growth is not "
            f"extrapolated more than {MAX_EXTRAPOLATED_YEARS:g} years past {newest.model.value}"
            if n > n_max
            else ""
        ),
    )
