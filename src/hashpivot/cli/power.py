"""CLI commands: power (``prices summary``, ``dispatch``). Thin: parse, call, render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.adapters.prices import (
    FilePriceSource,
    dispatch_report,
    parse_market,
    site_breakeven_usd_per_mwh,
    summary_report,
)
from hashpivot.cli._app import JSON_OPTION, app, console, emit_json, int_flag, number_flag, safe
from hashpivot.errors import InputError
from hashpivot.power.dispatch import (
    CoincidentPeakTerms,
    DispatchPolicy,
    PpaTerms,
    RunConstraints,
    SiteDispatchSpec,
)

prices_app = typer.Typer(
    name="prices", help="Hourly / 15-minute power prices.", no_args_is_help=True
)
app.add_typer(prices_app, name="prices")

_SOURCE = typer.Option(None, "--source", help="Price file (CSV or Parquet).")
_LOCATION = typer.Option(None, "--location", help="Settlement point, e.g. HB_WEST.")
_MARKET = typer.Option(None, "--market", help="DAM or RT (default RT).")
_YEAR = typer.Option(None, "--year", help="UTC calendar year.")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def _table(title: str, rows: dict[str, Any], keys: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, label in keys:
        if key in rows:
            table.add_row(safe(label), safe(_fmt(rows[key])))
    return table


@prices_app.command("summary")
def prices_summary(
    source: Path = typer.Option(..., "--source", help="Price file (CSV or Parquet)."),
    location: str = typer.Option(..., "--location", help="Settlement point, e.g. HB_WEST."),
    market: str = typer.Option("RT", "--market", help="DAM or RT."),
    year: int | None = _YEAR,
    as_json: bool = JSON_OPTION,
) -> None:
    """Hours, missing hours, mean, median, max and share of negative hours of one series."""
    int_flag("--year", year, 2000, 2100)
    series = FilePriceSource(source).get_prices(location, parse_market(market))
    report = summary_report(series, year=year)
    if as_json:
        emit_json(report)
        return
    console.print(
        _table(
            f"{safe(report['location'])} {report['market']} prices"
            + (f", {year} (UTC)" if year else ""),
            report,
            [
                ("first_utc", "first interval (UTC)"),
                ("last_utc", "last interval (UTC)"),
                ("interval_minutes", "interval [min]"),
                ("hours", "hours with prices"),
                ("missing_hours", "missing hours"),
                ("mean_usd_per_mwh", "mean [$/MWh]"),
                ("median_usd_per_mwh", "median [$/MWh]"),
                ("min_usd_per_mwh", "min [$/MWh]"),
                ("max_usd_per_mwh", "max [$/MWh]"),
                ("negative_hours_frac", "share of negative hours"),
            ],
        )
    )
    for run in report["missing_runs"]:  # type: ignore[attr-defined]
        console.print(f"  gap from {run['start_utc']}: {run['hours']:g} h missing", highlight=False)


def _check_dispatch_flags(
    breakeven: float | None,
    min_run: float | None,
    min_down: float | None,
    ppa_mw: float | None,
    ppa_price: float | None,
) -> None:
    """The numeric flags of ``dispatch``: finite and inside the site file's bounds
    (config/power.py), each refused with one InputError naming the flag."""
    number_flag("--breakeven-usd-per-mwh", breakeven, -10_000.0, 10_000.0, "USD/MWh")
    number_flag("--min-run-hours", min_run, 0.0, 168.0, "h")
    number_flag("--min-down-hours", min_down, 0.0, 168.0, "h")
    number_flag("--ppa-contract-mw", ppa_mw, 0.0, 10_000.0, "MW", low_open=True)
    number_flag("--ppa-price-usd-per-mwh", ppa_price, -1_000.0, 10_000.0, "USD/MWh")


@app.command("dispatch")
def dispatch_cmd(
    source: Path | None = _SOURCE,
    location: str | None = _LOCATION,
    market: str | None = _MARKET,
    year: int | None = _YEAR,
    breakeven_usd_per_mwh: float | None = typer.Option(
        None, "--breakeven-usd-per-mwh", help="Mining value of a MWh (hashprice x TH per MWh)."
    ),
    site: Path | None = typer.Option(
        None, "--site", help="Site file: breakeven from its fleet and hashprice; its [power]."
    ),
    policy: str | None = typer.Option(None, "--policy", help="flat or curtail (default curtail)."),
    min_run_hours: float | None = typer.Option(None, "--min-run-hours"),
    min_down_hours: float | None = typer.Option(None, "--min-down-hours"),
    ppa_contract_mw: float | None = typer.Option(
        None, "--ppa-contract-mw", help="Fixed-price contract [MW] (with --ppa-price-usd-per-mwh)."
    ),
    ppa_price_usd_per_mwh: float | None = typer.Option(None, "--ppa-price-usd-per-mwh"),
    fourcp: bool = typer.Option(False, "--fourcp", help="Curtail in likely ERCOT 4CP intervals."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Curtailment dispatch of the mining load against hourly prices (per MW unless --site)."""
    _check_dispatch_flags(
        breakeven_usd_per_mwh, min_run_hours, min_down_hours, ppa_contract_mw, ppa_price_usd_per_mwh
    )
    int_flag("--year", year, 2000, 2100)
    if (breakeven_usd_per_mwh is None) == (site is None):
        raise InputError(
            "--breakeven-usd-per-mwh/--site",
            "both" if site is not None else "neither",
            "exactly one of --breakeven-usd-per-mwh or --site",
        )
    mining_mw = 1.0
    spec = SiteDispatchSpec(mining_mw=1.0, policy=DispatchPolicy.CURTAIL)
    how = "given"
    if site is not None:
        from hashpivot.config.site import load_site

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
    ppa = spec.ppa
    if (ppa_contract_mw is None) != (ppa_price_usd_per_mwh is None):
        raise InputError(
            "--ppa-contract-mw/--ppa-price-usd-per-mwh", None, "both options, or neither"
        )
    if ppa_contract_mw is not None and ppa_price_usd_per_mwh is not None:
        ppa = PpaTerms(contract_mw=ppa_contract_mw, price_usd_per_mwh=ppa_price_usd_per_mwh)
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
    if as_json:
        emit_json(report)
        return
    unit = "per MW of mining" if mining_mw == 1.0 and site is None else f"site, {mining_mw:.1f} MW"
    console.print(
        _table(
            f"Dispatch {safe(report['location'])} {report['market']}"
            + (f" {year} (UTC)" if year else "")
            + f" - {report['policy']}, {safe(unit)}",
            report,
            [
                ("breakeven_usd_per_mwh", "breakeven (mining value) [$/MWh]"),
                ("hours", "hours with prices"),
                ("missing_hours", "missing hours"),
                ("uptime_frac", "uptime"),
                ("avg_power_price_usd_per_mwh", "avg price over hours run [$/MWh]"),
                ("avg_all_hours_usd_per_mwh", "avg price, all hours [$/MWh]"),
                ("mining_margin_usd", "mining margin [$]"),
                ("flat_mining_margin_usd", "margin running flat out [$]"),
                ("curtailment_option_value_usd", "value of curtailing [$]"),
                ("sellback_credit_usd", "sell-back credit [$]"),
                ("fourcp_curtailed_hours", "4CP hours curtailed"),
                ("ai_power_cost_usd", "AI load power cost [$]"),
                ("net_power_cash_usd", "landlord power cash [$]"),
            ],
        )
    )
    if report.get("note"):
        console.print(safe(report["note"]))
    if how != "given":
        console.print(f"breakeven: {safe(how)}")
