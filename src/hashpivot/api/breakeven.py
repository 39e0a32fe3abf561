"""The what-must-be-true job: the value of BTC price, rent, power price or conversion capex at
which two strategies of a site are worth the same (common random numbers + Brent's method,
:mod:`hashpivot.engine.indifference`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hashpivot.api.case import build_case
from hashpivot.compute.conversion import FitoutPayer
from hashpivot.engine.deterministic import deterministic_scenarios
from hashpivot.engine.indifference import VARY_FACTORS, Breakeven, breakeven, fixed_paths
from hashpivot.engine.strategies import CompareCase
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot

__all__ = ["VARY", "base_value", "breakeven_report"]

VARY = tuple(VARY_FACTORS)


def base_value(case: CompareCase, vary: str) -> tuple[float, str]:
    """Today's value of the varied input [its unit] and what it is."""
    if vary == "btc_price_usd":
        return case.start_state.btc_price_usd, "BTC price at the start (every path scaled)"
    if vary == "power_usd_per_mwh":
        if case.power_index_adder_usd_per_mwh is None and case.ppa_contract_mw is None:
            return case.mining.power_price_usd_per_mwh, "the site's power price"
        return case.start_state.power_price_usd_per_mwh, "the market power index (paths scaled)"
    lease = case.lease
    if lease is None:
        raise InputError("--vary", vary, "an input of a site with a lease: " + ", ".join(VARY[:1]))
    if vary == "rent_usd_per_kw_month":
        return lease.terms.rent_usd_per_kw_month, "the lease's year-1 rent (market path scaled)"
    c = lease.conversion
    fit = c.fitout_capex_usd_per_it_mw if c.fitout_paid_by is FitoutPayer.LANDLORD else 0.0
    return c.shell_capex_usd_per_it_mw + fit, "the landlord's conversion capex per IT MW"


def _row(r: Breakeven, base: float) -> dict[str, Any]:
    def scale(x: float | None) -> float | None:
        return None if x is None else x * base

    return {
        "threshold": scale(r.multiplier),
        "ci95": [scale(r.ci_low), scale(r.ci_high)],
        "multiplier": r.multiplier,
        "multiplier_ci95": [r.ci_low, r.ci_high],
        "today": base,
        "diff_today_usd": r.diff_today_usd,
        "a_better_above": r.a_better_above,
        "evaluations": r.evaluations,
        "bracket": None if r.bracket is None else list(r.bracket),
    }


def breakeven_report(
    site_file: str | Path,
    *,
    between: tuple[str, str],
    vary: str,
    paths: int = 2_000,
    seed: int = 42,
    deterministic: bool = False,
    snapshot: MarketSnapshot = SNAPSHOT,
) -> dict[str, Any]:
    """The JSON object of ``hashpivot breakeven``."""
    if vary not in VARY_FACTORS:
        raise InputError("--vary", vary, "one of " + ", ".join(VARY))
    if not 1 <= paths <= 200_000:
        raise InputError("--paths", paths, "1..200,000")
    case = build_case(site_file, snapshot=snapshot)
    scen = (
        deterministic_scenarios(case)
        if deterministic
        else fixed_paths(case, paths=paths, seed=seed)
    )
    base, what = base_value(case, vary)
    a, b = between
    r = breakeven(case, a, b, VARY_FACTORS[vary], scen=scen)
    out = {
        "site": case.mining.name,
        "between": [a, b],
        "vary": vary,
        "paths": scen.paths,
        "seed": None if deterministic else seed,
        "market": f"deterministic {case.scenario}" if deterministic else "Monte Carlo",
        **_row(r, base),
        "what": what,
        "method": "common random numbers (the same paths for every trial) + Brent's method on "
        "the mean NPV difference; 95% CI by the delta method: z s / (sqrt(N) |slope|)",
    }
    if r.multiplier is None:
        out["note"] = f"{a} and {b} do not change order between {1 / 64:g}x and 64x today's value"
    return out
