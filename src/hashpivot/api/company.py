"""The company job: company file -> every site through ``compare()`` on shared market paths ->
sum of the parts (``company.portfolio``) -> a JSON-ready summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.api.answer import company_answer
from hashpivot.api.breakeven import company_breakeven_report
from hashpivot.api.compare import build_case
from hashpivot.company.portfolio import (
    CompanyValue,
    SiteValue,
    corporate_ga_pv_usd,
    sum_of_the_parts,
)
from hashpivot.config.company import load_company
from hashpivot.engine.compare import Comparison, MapFn, compare, local_map
from hashpivot.engine.strategies import CompareCase, StrategyName
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot

BREAKEVEN_PATHS = 1_000  # paths for the company's break-even BTC price (Brent's method
# re-values every site on them some 20-40 times: bounded so `company` stays quick)


def _stats(x: np.ndarray, prefix: str) -> dict[str, float]:
    return {
        f"{prefix}mean_usd": float(x.mean()),
        f"{prefix}p10_usd": float(np.percentile(x, 10)),
        f"{prefix}p50_usd": float(np.percentile(x, 50)),
        f"{prefix}p90_usd": float(np.percentile(x, 90)),
    }


def _check_sites(doc: Any, files: list[Path], cases: list[CompareCase], src: str) -> None:
    """Every site file exists, draws the same shocks, is valued as a strategy it offers, and
    its ownership shares add up to at most 1."""
    owned: dict[Path, float] = {}
    for i, (entry, f, case) in enumerate(zip(doc.site, files, cases, strict=True)):
        # one state of the world per path: every site must draw the same shocks
        if case.market_params.shock_layout() != cases[0].market_params.shock_layout():
            raise InputError(
                f"site[{i}].file",
                entry.file,
                "a site whose [market] table draws the same shocks as site[0]'s (the same "
                "factors with volatility, the same BTC tails): the sites share one set of paths",
                source=src,
            )
        if entry.value_as != "recommended" and entry.value_as not in case.strategies:
            raise InputError(
                f"site[{i}].value_as",
                entry.value_as,
                "one of recommended, " + ", ".join(case.strategies),
                source=src,
            )
        key = f.resolve()
        owned[key] = owned.get(key, 0.0) + entry.ownership_frac
        if owned[key] > 1.0 + 1e-9:
            raise InputError(
                f"site[{i}].ownership_frac",
                entry.ownership_frac,
                f"shares of {entry.file} that add up to at most 1 across its entries",
                source=src,
            )


def _site_value(
    entry: Any, path: Path, case: CompareCase, cmp: Comparison, snapshot: MarketSnapshot
) -> tuple[SiteValue, dict[str, Any]]:
    """One site's value (the strategy it is valued as, at the snapshot's date) and its row."""
    name = case.mining.name
    strategy = cmp.recommendation if entry.value_as == "recommended" else str(entry.value_as)
    stats = cmp.strategies[strategy]
    mine = cmp.strategies[StrategyName.MINE]
    # a site's NPVs are at its first month: bring them to the snapshot's date, when the
    # net debt and the G&A annuity are counted
    years = (case.mining.start - snapshot.as_of).days / 365.25
    to_today = float((1.0 + case.mining.discount_rate) ** -years)
    value = SiteValue(
        name=name,
        capacity_mw=case.mining.capacity_mw,
        fleet_eh_s=case.mining.fleet.hashrate_ph_s / 1000.0,
        ownership_frac=entry.ownership_frac,
        strategy=strategy,
        npv_usd=stats.npv_usd * to_today,
        mine_npv_usd=mine.npv_usd * to_today,
    )
    row = {
        "name": name,
        "file": str(path),
        "capacity_mw": value.capacity_mw,
        "fleet_eh_s": value.fleet_eh_s,
        "ownership_frac": value.ownership_frac,
        "value_as": entry.value_as,
        "strategy": strategy,
        "recommendation": cmp.recommendation,
        "start": f"{case.mining.start:%Y-%m}",
        "discount_to_snapshot": to_today,
        **_stats(value.npv_usd, "npv_"),
        "mine_npv_mean_usd": float(value.mine_npv_usd.mean()),
        "usd_per_w": float(value.npv_usd.mean()) / (value.capacity_mw * 1e6),
        "prob_best": stats.prob_best,
    }
    return value, row


def value_company(
    company_file: str | Path,
    *,
    paths: int,
    seed: int,
    snapshot: MarketSnapshot = SNAPSHOT,
    map_fn: MapFn = local_map,
    progress: Callable[[str, int, int], None] | None = None,
    breakeven_paths: int = BREAKEVEN_PATHS,
) -> tuple[dict[str, Any], CompanyValue, list[Comparison]]:
    """Value every site of the company on the same ``paths`` market paths of ``seed`` and add
    them up. ``progress(site, done, total)`` follows each site's batches. The break-even BTC
    price (:func:`_breakeven`) is found on the first ``min(paths, breakeven_paths)`` paths of
    the same seed (0: not computed)."""
    doc = load_company(company_file)
    files = doc.site_paths(Path(company_file).parent)
    for i, (entry, f) in enumerate(zip(doc.site, files, strict=True)):
        if not f.is_file():
            raise InputError(
                f"site[{i}].file",
                entry.file,
                "an existing site file (relative to the company file's folder)",
                source=str(company_file),
            )
    cases = [build_case(f, snapshot=snapshot) for f in files]
    _check_sites(doc, files, cases, str(company_file))
    # one path length for all, so that path i is the same market for every site
    months = max(c.market_months for c in cases)
    cases = [replace(c, min_market_months=months) for c in cases]
    values: list[SiteValue] = []
    comparisons: list[Comparison] = []
    rows: list[dict[str, Any]] = []
    for entry, path, case in zip(doc.site, files, cases, strict=True):

        def tick(done: int, total: int, name: str = case.mining.name) -> None:
            if progress:
                progress(name, done, total)

        cmp = compare(case, paths=paths, seed=seed, map_fn=map_fn, progress=tick)
        if cmp.interrupted:  # a company total needs every site on every path
            raise KeyboardInterrupt
        comparisons.append(cmp)
        value, row = _site_value(entry, path, case, cmp, snapshot)
        values.append(value)
        rows.append(row)
    c = doc.company
    ga = corporate_ga_pv_usd(c.corporate_ga_usd_per_year, c.discount_rate, c.ga_months)
    co = sum_of_the_parts(
        values,
        net_debt_usd=c.net_debt_usd,
        corporate_ga_pv_usd=ga,
        shares_outstanding=c.shares_outstanding,
    )
    out = _summary(c, co, rows, paths=paths, seed=seed, months=months, ga=ga, snapshot=snapshot)
    if breakeven_paths > 0:
        chosen = [str(r["strategy"]) for r in rows]
        out |= _breakeven(company_file, min(paths, breakeven_paths), seed, snapshot, chosen)
    return out, co, comparisons


def _breakeven(
    company_file: str | Path, paths: int, seed: int, snapshot: MarketSnapshot, chosen: list[str]
) -> dict[str, Any]:
    """The BTC price [USD] at which the company by its megawatts and as a miner have the same
    mean EV (:func:`hashpivot.api.breakeven.company_breakeven_report`: common random numbers
    + Brent's method, 95% CI by the delta method), each site on the strategy chosen here."""
    r = company_breakeven_report(
        company_file, paths=paths, seed=seed, snapshot=snapshot, value_as=chosen
    )
    return {
        "breakeven_btc_price_usd": r.get("threshold"),
        "breakeven_btc_price_ci95_usd": r.get("ci95", [None, None]),
        "breakeven": {
            "paths": paths,
            "seed": seed,
            "diff_today_usd": r.get("diff_today_usd"),
            "diff_at_threshold_usd": r.get("diff_at_threshold_usd"),
            "by_megawatts_better_above": r.get("a_better_above"),
            # a site valued as a strategy with optional stopping (switch) enters as its best
            # strategy without: the root-finder needs a mean NPV smooth in the BTC price
            "valued_as": [s["valued_as"] for s in r["sites"]],
            "note": r.get(
                "note",
                "by megawatts = as a miner at this BTC price (every path "
                "scaled); net debt and G&A cancel",
            ),
        },
    }


def _summary(
    c: Any,
    co: CompanyValue,
    rows: list[dict[str, Any]],
    *,
    paths: int,
    seed: int,
    months: int,
    ga: float,
    snapshot: MarketSnapshot,
) -> dict[str, Any]:
    """The JSON object of ``hashpivot company``."""
    equity = {
        **_stats(co.equity_usd, ""),
        "prob_negative": float((co.equity_usd < 0).mean()),
    }
    per_share = co.equity_usd_per_share()
    if per_share is not None:
        equity |= {
            "per_share_mean_usd": float(per_share.mean()),
            "per_share_p10_usd": float(np.percentile(per_share, 10)),
            "per_share_p90_usd": float(np.percentile(per_share, 90)),
        }
    return {
        "company": c.name,
        "paths": paths,
        "seed": seed,
        "market_months": months,
        "snapshot": {"as_of": snapshot.as_of.isoformat(), "live": snapshot != SNAPSHOT},
        "capacity_mw": co.capacity_mw,
        "fleet_eh_s": co.fleet_eh_s,
        "sites": rows,
        "by_megawatts": {
            **_stats(co.ev_usd, "ev_"),
            "ev_usd_per_mw": co.ev_usd_per_mw(),
            "usd_per_w": co.ev_usd_per_mw() / 1e6,
            "ev_usd_per_eh_s": co.ev_usd_per_eh_s(),
        },
        "as_miner": {
            **_stats(co.ev_as_miner_usd, "ev_"),
            "ev_usd_per_mw": co.ev_usd_per_mw(as_miner=True),
            "usd_per_w": co.ev_usd_per_mw(as_miner=True) / 1e6,
            "ev_usd_per_eh_s": co.ev_usd_per_eh_s(as_miner=True),
        },
        "megawatt_premium_usd": co.megawatt_premium_usd,
        "net_debt_usd": co.net_debt_usd,
        "corporate_ga_pv_usd": co.corporate_ga_pv_usd,
        "equity": equity,
        "assumptions": _assumptions(
            c, paths=paths, seed=seed, months=months, ga=ga, snapshot=snapshot
        ),
    }


def _assumptions(
    c: Any, *, paths: int, seed: int, months: int, ga: float, snapshot: MarketSnapshot
) -> list[dict[str, str]]:
    return [
        {
            "name": "shared paths",
            "value": f"{paths:,} market paths of seed {seed}, {months} months, for every site",
            "source": "one state of the world per path: site values add path by path",
        },
        {
            "name": "corporate G&A",
            "value": f"${c.corporate_ga_usd_per_year:,.0f}/yr for {c.ga_months} months at "
            f"{c.discount_rate:.1%}/yr: PV ${ga:,.0f}",
            "source": "company file [company]",
        },
        {
            "name": "net debt",
            "value": f"${c.net_debt_usd:,.0f}",
            "source": "company file [company]",
        },
        {
            "name": "site values",
            "value": "each site's NPV at its first month (the discount rate and every "
            "assumption of its site file: `hashpivot compare SITE` lists them), brought to "
            f"the snapshot's date {snapshot.as_of} at the site's rate; the company's paths "
            "cover the longest horizon, so a site's figures differ from its own `compare` "
            "run by Monte Carlo noise only",
            "source": "site files",
        },
    ]


def write_company_report_files(
    report_dir: Path | None, out: dict[str, Any], co: CompanyValue
) -> None:
    """Write the company's Excel and HTML reports to ``report_dir`` (if given) and list the
    files in ``out["report_files"]``; ``out["answer"]``: the company's sentence."""
    out["answer"] = {"sentence": company_answer(out)}
    if report_dir is not None:
        from hashpivot.adapters.reports.company import write_company_reports

        out["report_files"] = [str(f) for f in write_company_reports(report_dir, out, co)]


def value_company_on_backend(
    company_file: str | Path,
    *,
    backend: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    **kwargs: Any,
) -> tuple[dict[str, Any], CompanyValue, list[Comparison]]:
    """:func:`value_company` with every site's batches run on ``backend`` (``local``, or
    ``dask`` on a LocalCluster of ``workers`` or the ``scheduler`` given): the same numbers for
    one seed either way (tests/company/test_company_dask.py)."""
    from hashpivot.engine.backends import open_backend

    with open_backend(backend, scheduler=scheduler, workers=workers) as map_fn:
        return value_company(company_file, map_fn=map_fn, **kwargs)
