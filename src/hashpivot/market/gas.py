"""The gas price in the Monte Carlo: Henry Hub as a log mean-reverting level whose monthly shock
is correlated with the power price's (fitted on the shared EIA and ERCOT data).

Model (month j to j + 1, ``y = log`` price)::

    g_{j+1} = phi_g g_j + (1 - phi_g) log L_g + s_g (rho z_j + sqrt(1 - rho^2) e_j)

``z_j`` is the power price's standardised shock of the same month, recovered from the power
path itself (:func:`power_shocks`: the market's recursion
``p_{j+1} = phi_p p_j + (1 - phi_p) m_j + s_p z_j`` solved for ``z_j``), so the gas path needs
no draw from the market's generator and a site without generation pays nothing for it. ``e_j``
is an independent standard normal from a counter-based hash of the path's own power prices
(:func:`idiosyncratic_normals`, splitmix64): the same path gives the same gas path in any batch,
on any backend, at any batch size. A path whose power has no shock (a deterministic scenario)
gets no gas shock either: gas then follows its zero-volatility path.

The fit (:func:`fit_gas_process`, figures in docs/methodology.md, "Own generation"): the AR(1)
``g_{t+1} = a + b g_t + u`` by least squares on monthly means of the EIA Henry Hub daily spot
(``phi_g = b``, ``L_g = exp(a / (1 - b))``, ``s_g`` = sd of ``u``), and ``rho`` = the correlation
of ``u`` with the power shocks ``z`` of the market's power process on the ERCOT HB_WEST
real-time monthly means over the months both series cover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from scipy import special

from hashpivot.errors import InputError
from hashpivot.market.processes import MONTHS_PER_YEAR, MeanRevertingParams
from hashpivot.types import FloatArray

U64Array = npt.NDArray[np.uint64]

__all__ = [
    "DEFAULT_GAS",
    "GasFit",
    "GasProcess",
    "fit_gas_process",
    "gas_paths",
    "gas_process",
    "idiosyncratic_normals",
    "monthly_means",
    "power_shocks",
    "zero_shock_gas_path",
]

SQRT12 = math.sqrt(MONTHS_PER_YEAR)


@dataclass(frozen=True, slots=True, kw_only=True)
class GasProcess:
    """Henry Hub as a log mean-reverting level correlated with power.

    long_run_usd_per_mmbtu : the level it reverts to (median: exp of the log mean) [USD/MMBtu]
    reversion_per_year : kappa [1/yr] (phi = exp(-kappa / 12) a month)
    vol_per_year : sd of the monthly log shock x sqrt(12) [1/sqrt(yr)]
    power_corr : correlation of the monthly gas shock with the power price's shock [-]
    """

    long_run_usd_per_mmbtu: float
    reversion_per_year: float
    vol_per_year: float
    power_corr: float

    def __post_init__(self) -> None:
        if not self.long_run_usd_per_mmbtu > 0:
            raise InputError("gas.long_run_usd_per_mmbtu", self.long_run_usd_per_mmbtu, "> 0")
        if not self.reversion_per_year >= 0:
            raise InputError("gas.reversion_per_year", self.reversion_per_year, ">= 0")
        if not self.vol_per_year >= 0:
            raise InputError("gas.vol_per_year", self.vol_per_year, ">= 0")
        if not -1.0 <= self.power_corr <= 1.0:
            raise InputError("gas.power_corr", self.power_corr, "[-1, 1]")

    @property
    def persistence_per_month(self) -> float:
        return math.exp(-self.reversion_per_year / MONTHS_PER_YEAR)


#: Fitted on the shared data (tests/market/test_gas.py refits it from the files): Henry Hub
#: monthly means 2010-01..2026-07 (199 months) and ERCOT HB_WEST RT monthly means
#: 2024-01..2026-02 (26 months, 25 shock pairs); docs/methodology.md, "Own generation".
DEFAULT_GAS = GasProcess(
    long_run_usd_per_mmbtu=3.097,
    reversion_per_year=1.721,
    vol_per_year=0.565,
    power_corr=0.571,
)


def gas_process(
    *,
    long_run_usd_per_mmbtu: float | None = None,
    reversion_per_year: float | None = None,
    vol_per_year: float | None = None,
    power_corr: float | None = None,
    base: GasProcess = DEFAULT_GAS,
) -> GasProcess:
    """``base`` (the fit) with the given parameters replaced (None keeps the fit's)."""
    given = {
        "long_run_usd_per_mmbtu": long_run_usd_per_mmbtu,
        "reversion_per_year": reversion_per_year,
        "vol_per_year": vol_per_year,
        "power_corr": power_corr,
    }
    return replace(base, **{k: v for k, v in given.items() if v is not None})


def zero_shock_gas_path(
    start_usd_per_mmbtu: float, months: int, gas: GasProcess = DEFAULT_GAS
) -> FloatArray:
    """Henry Hub on the zero-shock path, months ``0..months - 1`` [USD/MMBtu]: the recursion
    of :func:`gas_paths` without shocks, ``log S_m = log L + (log S_0 - log L) phi^m`` with
    ``phi = exp(-kappa / 12)``, i.e. ``S_t = L (S_0 / L)^(e^(-kappa t))`` at ``t = m / 12``."""
    if not start_usd_per_mmbtu > 0:
        raise InputError("generation.henry_hub_usd_per_mmbtu", start_usd_per_mmbtu, "> 0")
    log_l = math.log(gas.long_run_usd_per_mmbtu)
    decay = gas.persistence_per_month ** np.arange(months)
    return np.asarray(np.exp(log_l + (math.log(start_usd_per_mmbtu) - log_l) * decay))


@dataclass(frozen=True, slots=True, kw_only=True)
class GasFit:
    """A fit and what it rests on: the process, the months used, the data's correlations."""

    process: GasProcess
    gas_months: int
    corr_months: int
    corr_log_changes: float
    corr_log_levels: float


def monthly_means(days: Sequence[str], values: FloatArray) -> tuple[list[str], FloatArray]:
    """Calendar-month means of a daily or hourly series keyed by ISO dates/timestamps
    (``YYYY-MM...``): the months in order and their means (NaN values dropped)."""
    v = np.asarray(values, dtype=np.float64)
    keys = np.asarray([d[:7] for d in days])
    ok = np.isfinite(v)
    months, inv = np.unique(keys[ok], return_inverse=True)
    means = np.bincount(inv, weights=v[ok]) / np.bincount(inv)
    return [str(m) for m in months], means


def _ar1(y: FloatArray) -> tuple[float, float, FloatArray]:
    """Least squares ``y_{t+1} = a + b y_t + u``: (b, a / (1 - b), u)."""
    x = np.column_stack([np.ones(y.size - 1), y[:-1]])
    (a, b), *_ = np.linalg.lstsq(x, y[1:], rcond=None)
    return float(b), float(a / (1.0 - b)), y[1:] - x @ np.array([a, b])


def _window(months: list[str], v: FloatArray, lo: str, hi: str) -> tuple[list[str], FloatArray]:
    keep = [i for i, m in enumerate(months) if lo <= m <= hi]
    if len(keep) < 3 or keep != list(range(keep[0], keep[-1] + 1)):
        raise InputError("gas fit window", f"{lo}..{hi}", "3+ consecutive months of data")
    return [months[i] for i in keep], v[keep]


def fit_gas_process(
    gas: tuple[list[str], FloatArray],
    power: tuple[list[str], FloatArray],
    power_process: MeanRevertingParams,
    *,
    gas_window: tuple[str, str],
    corr_window: tuple[str, str],
) -> GasFit:
    """Fit :class:`GasProcess` on monthly means (``(months, means)`` pairs from
    :func:`monthly_means`): the AR(1) of log gas over ``gas_window``, its residuals' correlation
    with the power process's shocks over ``corr_window`` (months ``YYYY-MM``, inclusive)."""
    gm, gv = _window(*gas, *gas_window)
    lg = np.log(gv)
    b, mu, res = _ar1(lg)
    cm, pv = _window(*power, *corr_window)
    if not set(cm) <= set(gm):
        raise InputError("gas fit window", f"{corr_window}", f"inside {gas_window}")
    gc = lg[[gm.index(m) for m in cm]]
    u = gc[1:] - b * gc[:-1] - (1.0 - b) * mu
    z = power_shocks(pv[None, :], power_process)[0]
    proc = GasProcess(
        long_run_usd_per_mmbtu=math.exp(mu),
        reversion_per_year=-MONTHS_PER_YEAR * math.log(b),
        vol_per_year=float(np.std(res, ddof=2)) * SQRT12,
        power_corr=float(np.corrcoef(u, z)[0, 1]),
    )
    lp = np.log(pv)
    return GasFit(
        process=proc,
        gas_months=len(gm),
        corr_months=len(cm),
        corr_log_changes=float(np.corrcoef(np.diff(gc), np.diff(lp))[0, 1]),
        corr_log_levels=float(np.corrcoef(gc, lp)[0, 1]),
    )


def power_shocks(power_usd_per_mwh: FloatArray, params: MeanRevertingParams) -> FloatArray:
    """The standardised monthly shocks ``z`` ``(paths, months - 1)`` that drove a power path
    ``(paths, months)`` under the market's log mean-reverting recursion (zero where the process
    has no volatility)."""
    y = np.log(np.asarray(power_usd_per_mwh, dtype=np.float64))
    months = y.shape[1]
    phi = params.persistence_per_month
    s = params.vol_per_year / SQRT12
    if s == 0 or months < 2:
        return np.zeros((y.shape[0], max(months - 1, 0)))
    m = (
        math.log(params.long_run_level)
        + params.long_run_log_trend_per_year * np.arange(months - 1) / MONTHS_PER_YEAR
    )
    return np.asarray((y[:, 1:] - phi * y[:, :-1] - (1.0 - phi) * m[None, :]) / s)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _splitmix64(x: U64Array) -> U64Array:
    """splitmix64's output function (Steele, Lea & Flood 2014), elementwise on uint64."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    out: U64Array = z ^ (z >> np.uint64(31))
    return out


def idiosyncratic_normals(key_paths: FloatArray, steps: int) -> FloatArray:
    """Standard normals ``(paths, steps)``, a pure function of each row of ``key_paths`` (the
    path's float64 power prices): a splitmix64 hash of the row's bits keys a counter per month,
    whose top 53 bits give a uniform in (0, 1) mapped by the normal quantile."""
    bits = np.ascontiguousarray(key_paths, dtype=np.float64).view(np.uint64)
    key: U64Array = np.zeros(bits.shape[0], dtype=np.uint64)
    for j in range(bits.shape[1]):
        key = _splitmix64(key ^ bits[:, j])
    with np.errstate(over="ignore"):
        ctr = key[:, None] + np.arange(1, steps + 1, dtype=np.uint64)[None, :] * _GOLDEN
    u = ((_splitmix64(ctr) >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53
    return np.asarray(special.ndtri(u))


def gas_paths(
    start_usd_per_mmbtu: float,
    power_usd_per_mwh: FloatArray,
    power_params: MeanRevertingParams,
    gas: GasProcess = DEFAULT_GAS,
) -> FloatArray:
    """Henry Hub paths ``(paths, months)`` [USD/MMBtu] alongside the power paths (column 0 =
    ``start``), correlated with their shocks (see the module docstring)."""
    p = np.asarray(power_usd_per_mwh, dtype=np.float64)
    if not start_usd_per_mmbtu > 0:
        raise InputError("generation.henry_hub_usd_per_mmbtu", start_usd_per_mmbtu, "> 0")
    n, months = p.shape
    z = power_shocks(p, power_params)
    e = idiosyncratic_normals(p, months - 1)
    e[np.max(np.abs(z), axis=1, initial=0.0) < 1e-9] = 0.0  # no power shock: no gas shock
    rho = gas.power_corr
    shock = gas.vol_per_year / SQRT12 * (rho * z + math.sqrt(1.0 - rho * rho) * e)
    phi = gas.persistence_per_month
    drive = (1.0 - phi) * math.log(gas.long_run_usd_per_mmbtu)
    y = np.empty((n, months))
    y[:, 0] = math.log(start_usd_per_mmbtu)
    for j in range(months - 1):
        y[:, j + 1] = phi * y[:, j] + drive + shock[:, j]
    return np.exp(y)
