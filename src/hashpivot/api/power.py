"""The power jobs: summarise a price file, and dispatch a mining load against its prices.

Returned reports are JSON-ready dicts whose keys carry their units (``_usd_per_mwh``,
``_hours``, ``_frac``, ``_usd``), as :mod:`hashpivot.adapters.prices` builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hashpivot.adapters.prices import (
    FilePriceSource,
    dispatch_report,
    parse_market,
    site_breakeven_usd_per_mwh,
    summary_report,
)
from hashpivot.config.site import load_site
from hashpivot.errors import InputError
from hashpivot.power.dispatch import (
    CoincidentPeakTerms,
    DispatchPolicy,
    PpaTerms,
    RunConstraints,
    SiteDispatchSpec,
)

__all__ = ["FIXED_PRICE_NOTE", "FOURCP_NOTE", "DispatchRun", "dispatch_run", "prices_summary"]

#: Said with every 4CP dispatch: what the value leaves out (docs/methodology.md, 4CP).
FOURCP_NOTE = (
    "4CP: the value shown counts only the energy margin lost by curtailing in the likely 4CP "
    "intervals; the avoided transmission charge is not valued (no sourced ERCOT 4CP tariff "
    "in hashpivot), so 4CP lowers the value here"
)

#: Said when a fixed-price site is dispatched against an hourly price file.
FIXED_PRICE_NOTE = (
    "the site file buys power at a fixed ${0:g}/MWh and names no hourly price source; "
    "this dispatch prices every hour at the --source file's prices instead, with the site's "
    "dispatch policy '{1}' (set --policy curtail to curtail against those prices)"
)


def prices_summary(source: Path, location: str, market: str, year: int | None) -> dict[str, Any]:
    """Hours, missing hours, mean, median, max [USD/MWh] and share of negative hours of one
    series of a price file (``year``: one UTC calendar year, else all)."""
    series = FilePriceSource(source).get_prices(location, parse_market(market))
    return summary_report(series, year=year)


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchRun:
    """One dispatch run.

    report : the dispatch report (:func:`hashpivot.adapters.prices.dispatch_report`)
    mining_mw : mining load dispatched [MW] (1 MW unless a site file gives its fleet)
    year : UTC calendar year dispatched, or None for the whole file
    breakeven_source : how the breakeven [USD/MWh] was found ("given", or from the site)
    """

    report: dict[str, Any]
    mining_mw: float
    year: int | None
    breakeven_source: str
    price_note: str = ""


def dispatch_run(
    *,
    source: Path | None,
    location: str | None,
    market: str | None,
    year: int | None,
    breakeven_usd_per_mwh: float | None,
    site: Path | None,
    policy: str | None,
    min_run_hours: float | None,
    min_down_hours: float | None,
    ppa_contract_mw: float | None,
    ppa_price_usd_per_mwh: float | None,
    fourcp: bool,
) -> DispatchRun:
    """Curtailment dispatch of the mining load against hourly prices (per MW unless ``site``).

    Exactly one of ``breakeven_usd_per_mwh`` [USD/MWh] or ``site`` (a site file: the
    breakeven from its fleet and hashprice, and its ``[power]`` table as defaults).
    """
    if (breakeven_usd_per_mwh is None) == (site is None):
        raise InputError(
            "--breakeven-usd-per-mwh/--site",
            "both" if site is not None else "neither",
            "exactly one of --breakeven-usd-per-mwh or --site",
        )
    mining_mw = 1.0
    spec = SiteDispatchSpec(mining_mw=1.0, policy=DispatchPolicy.CURTAIL)
    how = "given"
    price_note = ""
    if site is not None:
        site_file = load_site(site)
        breakeven_usd_per_mwh, how = site_breakeven_usd_per_mwh(site_file)
        pw = site_file.power
        mining_mw = site_file.build_fleet().power_mw
        src_path = pw.source_path(site.parent)
        source = source or src_path
        location = location or pw.location
        market = market or str(pw.market)
        year = year if year is not None else pw.year
        spec = pw.site_spec(mining_mw)
        if policy is None:
            policy = str(pw.dispatch)
        price_note = "" if src_path else FIXED_PRICE_NOTE.format(pw.price_usd_per_mwh, policy)
    if source is None or location is None:
        raise InputError("--source/--location", None, "a price file and a location")
    price_source = FilePriceSource(source)
    series = price_source.get_prices(location, parse_market(market or "RT"))
    try:
        pol = DispatchPolicy((policy or "curtail").lower())
    except ValueError:
        raise InputError("--policy", policy, "flat or curtail") from None
    constraints = RunConstraints.from_hours(
        interval_minutes=series.interval_minutes,
        min_run_hours=min_run_hours or 0.0,
        min_down_hours=min_down_hours or 0.0,
    )
    ppa = _ppa_terms(spec.ppa, ppa_contract_mw, ppa_price_usd_per_mwh)
    spec = SiteDispatchSpec(
        mining_mw=spec.mining_mw,
        ai_load_mw=spec.ai_load_mw,
        policy=pol,
        constraints=constraints if (min_run_hours or min_down_hours) else spec.constraints,
        ppa=ppa,
        fourcp=CoincidentPeakTerms() if fourcp else spec.fourcp,
        ai_power_paid_by=spec.ai_power_paid_by,
        adder_usd_per_mwh=spec.adder_usd_per_mwh,
    )
    report = dispatch_report(
        series,
        breakeven_usd_per_mwh=float(breakeven_usd_per_mwh),  # type: ignore[arg-type]
        spec=spec,
        year=year,
        breakeven_source=how,
    )
    return _with_notes(report, spec, mining_mw, year, how, price_note)


def _ppa_terms(
    default: PpaTerms | None, contract_mw: float | None, price_usd_per_mwh: float | None
) -> PpaTerms | None:
    """The contract of the flags (both, or neither: then ``default``, the site file's)."""
    if (contract_mw is None) != (price_usd_per_mwh is None):
        raise InputError(
            "--ppa-contract-mw/--ppa-price-usd-per-mwh", None, "both options, or neither"
        )
    if contract_mw is not None and price_usd_per_mwh is not None:
        return PpaTerms(contract_mw=contract_mw, price_usd_per_mwh=price_usd_per_mwh)
    return default


def _with_notes(
    report: dict[str, Any],
    spec: SiteDispatchSpec,
    mining_mw: float,
    year: int | None,
    how: str,
    price_note: str,
) -> DispatchRun:
    """The run, its report saying what 4CP leaves out and which price a fixed-price site was
    dispatched at (``fourcp_note``, ``price_note``)."""
    if spec.fourcp is not None:
        report["fourcp_note"] = FOURCP_NOTE
    if price_note:
        report["price_note"] = price_note
    return DispatchRun(
        report=report, mining_mw=mining_mw, year=year, breakeven_source=how, price_note=price_note
    )
