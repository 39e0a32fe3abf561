"""Dispatch: mining as a flexible load, sell-back of contracted power, 4CP, a firm AI load.

One import point for the power dispatch, in four modules:

- :mod:`hashpivot.power.flexible`: the run decision, run constraints (a compiled recursion),
  per-path totals;
- :mod:`hashpivot.power.fourcp`: ERCOT 4CP intervals in the grid's local time;
- :mod:`hashpivot.power.site`: a whole site (firm AI load, fixed-price contract, sell-back);
- :mod:`hashpivot.power.monthly`: monthly results for the mining path.

Sign convention: cash inflows positive, outflows negative, as numpy-financial. Costs are
reported as positive magnitudes in fields named ``*_cost_usd`` and turned into signed cash
flows only in ``SiteDispatch.net_power_cash_usd``.
"""

from __future__ import annotations

from hashpivot.power.flexible import (
    DEFAULT_BLOCK_INTERVALS,
    NO_CONSTRAINTS,
    DispatchPolicy,
    DispatchTotals,
    PowerPayer,
    RunConstraints,
    dispatch_run_frac,
    dispatch_totals,
    flat_margin_usd_per_mw,
    run_decision,
    sellback_credit_usd,
)
from hashpivot.power.fourcp import CoincidentPeakTerms, coincident_peak_mask, local_wall_time
from hashpivot.power.monthly import MonthlyPower, monthly_power
from hashpivot.power.site import PpaTerms, SiteDispatch, SiteDispatchSpec, dispatch_site

__all__ = [
    "DEFAULT_BLOCK_INTERVALS",
    "NO_CONSTRAINTS",
    "CoincidentPeakTerms",
    "DispatchPolicy",
    "DispatchTotals",
    "MonthlyPower",
    "PowerPayer",
    "PpaTerms",
    "RunConstraints",
    "SiteDispatch",
    "SiteDispatchSpec",
    "coincident_peak_mask",
    "dispatch_run_frac",
    "dispatch_site",
    "dispatch_totals",
    "flat_margin_usd_per_mw",
    "local_wall_time",
    "monthly_power",
    "run_decision",
    "sellback_credit_usd",
]
