"""Numbers as a finance reader expects them, shared by the terminal, the HTML report and the
one-sentence answers: ``-$0.98M`` (sign before the currency), ``6.95%``, ``never`` for a payback
that does not happen, ``n/a`` for a value that does not exist (never ``nan``)."""

from __future__ import annotations

import math

__all__ = [
    "irr_pct",
    "is_number",
    "money",
    "money_m",
    "months_text",
    "pct",
    "per_unit",
    "signed_money_m",
]


def is_number(value: object) -> bool:
    """True for a finite int or float (not bool, not None, not NaN or infinity)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def money_m(value_usd: float | None, digits: int = 2) -> str:
    """USD in millions with the sign first: ``-$0.98M``, ``$428.00M``; ``n/a`` if not a number.

    Amounts of a billion or more print in billions with one more decimal (``-$1.236B`` for
    ``digits=2``, ``$1.2B`` for 0) so columns stay narrow; an amount that rounds to zero
    has no sign."""
    if value_usd is None or not is_number(value_usd):
        return "n/a"
    a = abs(float(value_usd))
    text = f"{a / 1e9:,.{digits + 1}f}B" if a >= 1e9 else f"{a / 1e6:,.{digits}f}M"
    return _signed(value_usd, text)


def _signed(value: float, text: str) -> str:
    """``-$text`` for a negative value that does not round to zero, else ``$text``."""
    shows_nonzero = any(ch in "123456789" for ch in text)
    return f"-${text}" if value < 0 and shows_nonzero else f"${text}"


def signed_money_m(value_usd: float | None, digits: int = 0) -> str:
    """``+$428M`` / ``-$3M``: a change or an NPV stated in a sentence."""
    if value_usd is None or not is_number(value_usd):
        return "n/a"
    return ("+" if value_usd >= 0 else "") + money_m(value_usd, digits)


def money(value_usd: float | None, digits: int = 0) -> str:
    """Whole USD with the sign first: ``-$1,234``; ``n/a`` if not a number."""
    if value_usd is None or not is_number(value_usd):
        return "n/a"
    return _signed(value_usd, f"{abs(float(value_usd)):,.{digits}f}")


def per_unit(value_usd: float | None, unit: str, digits: int = 2) -> str:
    """``$207/kW-month``, ``-$0.12/W``; ``n/a`` if not a number."""
    if value_usd is None or not is_number(value_usd):
        return "n/a"
    return f"{money(value_usd, digits)}/{unit}"


def pct(value_frac: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.0695`` -> ``6.9%`` (``digits`` decimals); ``n/a``."""
    if value_frac is None or not is_number(value_frac):
        return "n/a"
    return f"{float(value_frac) * 100:.{digits}f}%"


def months_text(value_months: float | None) -> str:
    """A payback or a wait in months: ``14 months``; ``never`` when it does not happen."""
    if value_months is None or not is_number(value_months):
        return "never"
    return f"{float(value_months):,.0f} months"


def irr_pct(rate_per_year: float | None) -> str:
    """An annual IRR as a percentage (``23.4%``); above 1,000% (an outlay near zero, where
    the rate means little) as ``>1,000%``; ``n/a`` where there is none."""
    if rate_per_year is not None and is_number(rate_per_year) and rate_per_year > 10.0:
        return ">1,000%"
    return pct(rate_per_year, 1)
