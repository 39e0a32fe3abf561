"""Taxes as an option: straight-line and MACRS depreciation, income tax with loss carry-forward.

All arrays are monthly, shaped ``(paths, months)`` (or ``(months,)``), nominal USD.
Depreciation is returned as a **positive expense** (it is not a cash flow); the income tax is
returned as a **signed cash flow** (negative when tax is paid), matching the house sign
convention (inflows positive, outflows negative).

References
----------
- IRS Publication 946 (2024), *How To Depreciate Property*, Appendix A, Table A-1 (GDS,
  half-year convention: 3/5/7/10-year classes 200% declining balance, 15/20-year classes 150%
  declining balance, switching to straight line when that gives more).
- Internal Revenue Code §172(a)(2): net operating losses arising after 2017 offset at most 80%
  of taxable income, carried forward indefinitely.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = [
    "DepreciationMethod",
    "depreciation_kernel_monthly",
    "depreciation_usd",
    "income_tax_usd",
    "macrs_half_year_fractions",
    "straight_line_fractions",
]


class DepreciationMethod(StrEnum):
    """How capex is depreciated for tax."""

    STRAIGHT_LINE = "straight_line"
    MACRS = "macrs"


_MACRS_DB_FACTOR = {3: 2.0, 5: 2.0, 7: 2.0, 10: 2.0, 15: 1.5, 20: 1.5}


def macrs_half_year_fractions(recovery_years: int) -> FloatArray:
    """MACRS GDS fractions of basis per tax year, half-year convention [fraction per year].

    ``recovery_years`` in {3, 5, 7, 10} (200% declining balance) or {15, 20} (150%); the
    result has ``recovery_years + 1`` entries summing to 1. Each year takes the larger of the
    declining-balance charge ``remaining * factor / n`` and the straight-line charge over the
    remaining life, with half a year in the first year (IRS Pub. 946, Table A-1).
    """
    if recovery_years not in _MACRS_DB_FACTOR:
        raise ValueError(
            f"MACRS recovery period {recovery_years!r}: expected one of "
            f"{sorted(_MACRS_DB_FACTOR)} years"
        )
    n = recovery_years
    factor = _MACRS_DB_FACTOR[n]
    remaining = 1.0
    out = []
    for year in range(1, n + 2):
        if year == n + 1:
            dep = remaining
        else:
            part = 0.5 if year == 1 else 1.0
            life_left = n if year == 1 else n + 0.5 - (year - 1)
            declining = remaining * factor / n * part
            straight = remaining / life_left * part
            dep = max(declining, straight)
        out.append(dep)
        remaining -= dep
    return np.asarray(out, dtype=np.float64)


def straight_line_fractions(life_years: float) -> FloatArray:
    """Straight-line fractions of basis per month over ``life_years`` [fraction per month].

    ``round(12 * life_years)`` equal monthly charges starting in the month placed in service;
    no salvage value.
    """
    months = round(12 * life_years)
    if months < 1:
        raise ValueError(f"depreciation life {life_years!r} years: expected >= 1 month")
    return np.full(months, 1.0 / months)


def depreciation_kernel_monthly(method: DepreciationMethod, life_years: float) -> FloatArray:
    """Monthly depreciation fractions of one dollar of capex placed in service in month 0.

    Straight-line: :func:`straight_line_fractions`. MACRS: each tax-year fraction of
    :func:`macrs_half_year_fractions` spread evenly over the 12 months of that recovery year,
    the recovery years counted from the month placed in service (a simplification of the
    calendar tax year, documented in docs/methodology.md).
    """
    if method is DepreciationMethod.STRAIGHT_LINE:
        return straight_line_fractions(life_years)
    if float(life_years) != int(life_years):
        raise ValueError(f"MACRS recovery period {life_years!r}: expected whole years")
    annual = macrs_half_year_fractions(int(life_years))
    return np.asarray(np.repeat(annual / 12.0, 12), dtype=np.float64)


def depreciation_usd(capex_spend_usd: ArrayLike, kernel: ArrayLike) -> FloatArray:
    """Depreciation expense per month [USD, positive] of monthly capex spend.

    ``capex_spend_usd`` [USD, positive amounts spent] shape ``(..., months)``; ``kernel`` the
    monthly fractions of :func:`depreciation_kernel_monthly`. The expense of month ``j`` is
    ``sum_i spend_i * kernel[j - i]`` (a discrete convolution truncated at the horizon),
    computed as one matrix product over all paths.
    """
    spend = np.asarray(capex_spend_usd, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    months = spend.shape[-1]
    lag = np.arange(months)[None, :] - np.arange(months)[:, None]  # j - i
    valid = (lag >= 0) & (lag < k.size)
    toeplitz = np.where(valid, k[np.clip(lag, 0, k.size - 1)], 0.0)
    return np.asarray(spend @ toeplitz, dtype=np.float64)


def income_tax_usd(
    taxable_income_usd: ArrayLike,
    tax_rate_frac: float,
    *,
    carry_forward: bool = True,
    nol_usage_limit_frac: float = 0.8,
) -> FloatArray:
    """Income tax per month as a signed cash flow [USD, <= 0 when paid].

    ``taxable_income_usd`` [USD per month], ``(..., months)``: EBITDA minus depreciation
    (minus interest for the levered view). ``tax_rate_frac`` combined federal + state rate,
    e.g. 0.21 federal (IRC §11(b)) plus state.

    With ``carry_forward`` losses accumulate as a net operating loss that offsets at most
    ``nol_usage_limit_frac`` of later positive income (IRC §172: 80% after 2017); without it a
    loss gives a negative tax (a benefit, as if the group had other income to shelter).
    The loop runs over months, vectorised over paths.
    """
    income = np.asarray(taxable_income_usd, dtype=np.float64)
    if not carry_forward:
        return np.asarray(-tax_rate_frac * income, dtype=np.float64)
    tax = np.zeros_like(income)
    nol = np.zeros(income.shape[:-1])
    for m in range(income.shape[-1]):
        inc = income[..., m]
        loss = np.where(inc < 0, -inc, 0.0)
        gain = np.where(inc > 0, inc, 0.0)
        used = np.minimum(nol, nol_usage_limit_frac * gain)
        tax[..., m] = -tax_rate_frac * (gain - used)
        nol = nol - used + loss
    return tax
