"""The what-must-be-true job: the value of BTC price, rent, power price or conversion capex at
which two strategies of a site are worth the same (common random numbers + Brent's method,
:mod:`hashpivot.engine.indifference`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from hashpivot.api.case import build_case
from hashpivot.compute.conversion import FitoutPayer
from hashpivot.config.company import load_company
from hashpivot.config.files import read_toml
from hashpivot.engine.deterministic import deterministic_scenarios
from hashpivot.engine.indifference import (
    VARY_FACTORS,
    Breakeven,
    DiffModel,
    SumModel,
    breakeven,
    fixed_paths,
    solve_breakeven,
)
from hashpivot.engine.strategies import (
    CompareCase,
    StrategyName,
    available,
    evaluate_batch,
    prepare,
)
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot

__all__ = [
    "VARY",
    "base_value",
    "breakeven_report",
    "company_breakeven_report",
    "is_company_file",
]

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
        return (
            lease.terms.rent_usd_per_kw_month,
            "the rent this site signs (its product's index paths shifted with it)",
        )
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


def is_company_file(path: str | Path) -> bool:
    """Whether a TOML file is a company file (it has a ``[company]`` table)."""
    return "company" in read_toml(path)


def _site_part(
    entry: Any,
    case: CompareCase,
    paths: int,
    seed: int,
    snapshot: MarketSnapshot,
    value_as: str | None = None,
) -> tuple[str, float, DiffModel] | None:
    """One site's term of the company's ``by megawatts - as a miner`` difference: the strategy
    it is valued as (``value_as`` when given and without optional stopping, else the site
    file's; ``recommended``: the best mean NPV of the strategies without optional stopping at
    today's BTC price, held fixed), its weight and its model."""
    scen = fixed_paths(case, paths=paths, seed=seed)
    prepared = prepare(case)
    plain_names = {s.name for s in available(case) if not s.optional_stopping}
    strategy = value_as if value_as in plain_names else str(entry.value_as)
    if strategy == "recommended":
        v = evaluate_batch(case, scen.take(slice(0, min(paths, 2_000))), prepared)
        plain = [s.name for s in available(case) if not s.optional_stopping]
        strategy = max(plain, key=lambda k: float(v.npv_usd[k].mean()))
    if strategy == StrategyName.MINE:
        return None
    if strategy not in {s.name for s in available(case) if not s.optional_stopping}:
        raise InputError("site.value_as", strategy, "a strategy without optional stopping")
    years = (case.mining.start - snapshot.as_of).days / 365.25
    weight = entry.ownership_frac * (1.0 + case.mining.discount_rate) ** -years
    return strategy, weight, DiffModel(case, scen, prepared, strategy, "mine", "btc_price")


def company_breakeven_report(
    company_file: str | Path,
    *,
    paths: int = 2_000,
    seed: int = 42,
    snapshot: MarketSnapshot = SNAPSHOT,
    value_as: list[str] | None = None,
) -> dict[str, Any]:
    """The BTC price at which the company valued by its megawatts equals the company as a
    miner (its sites on the same paths, each on the strategy it is valued as: ``value_as[i]``
    for site ``i`` when given, e.g. the strategies ``value_company`` chose). Net debt and G&A
    are the same on both sides and cancel. ``diff_at_threshold_usd``: the mean EV difference
    re-evaluated at the threshold (0 up to the root-finder's tolerance)."""
    if not 1 <= paths <= 200_000:
        raise InputError("--paths", paths, "1..200,000")
    doc = load_company(company_file)
    files = doc.site_paths(Path(company_file).parent)
    cases = [build_case(f, snapshot=snapshot) for f in files]
    months = max(c.market_months for c in cases)
    cases = [replace(c, min_market_months=months) for c in cases]
    chosen: list[str | None] = list(value_as) if value_as else [None] * len(cases)
    parts = [
        _site_part(e, c, paths, seed, snapshot, v)
        for e, c, v in zip(doc.site, cases, chosen, strict=True)
    ]
    kept = [p for p in parts if p is not None]
    base = snapshot.btc_price_usd
    out: dict[str, Any] = {
        "company": doc.company.name,
        "between": ["by_megawatts", "as_miner"],
        "vary": "btc_price_usd",
        "paths": paths,
        "seed": seed,
        "sites": [
            {"name": c.mining.name, "valued_as": "mine" if p is None else p[0]}
            for c, p in zip(cases, parts, strict=True)
        ],
    }
    if not kept:
        return out | {"threshold": None, "note": "every site is valued as a miner"}
    model = SumModel(tuple((w, m) for _, w, m in kept))
    r = solve_breakeven(model, "by_megawatts", "as_miner", "btc_price")
    at = None if r.multiplier is None else float(model(r.multiplier).mean())
    return (
        out
        | _row(r, base)
        | {"what": "BTC price at the start (every path scaled)", "diff_at_threshold_usd": at}
    )
