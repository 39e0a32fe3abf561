"""CLI commands: power (``prices summary``, ``dispatch``). Thin: parse, call, render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.api import power as power_api
from hashpivot.api.answer import is_number, money, pct
from hashpivot.cli._app import JSON_OPTION, app, console, emit_json, int_flag, number_flag, safe

prices_app = typer.Typer(
    name="prices",
    help="Hourly / 15-minute power prices.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(prices_app, name="prices")

_SOURCE = typer.Option(None, "--source", help="Price file (CSV or Parquet).")
_LOCATION = typer.Option(None, "--location", help="Settlement point, e.g. HB_WEST.")
_MARKET = typer.Option(None, "--market", help="DAM or RT (default RT).")
_YEAR = typer.Option(None, "--year", help="UTC calendar year.")


def _fmt(key: str, value: Any) -> str:
    """A report value as its unit says: hours and minutes as whole numbers, shares as
    percentages, USD sign first, prices in $/MWh; "n/a" where there is none."""
    if value is None or (isinstance(value, float) and not is_number(value)):
        return "n/a"
    if not is_number(value):
        return str(value)
    if key.endswith("_frac"):
        return pct(value, 2)
    if key == "hours" or key.endswith(("_hours", "_minutes")):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if key.endswith("_usd_per_mwh"):
        return money(value, 2)
    if key.endswith("_usd"):
        return money(value)
    return f"{value:,.4f}" if abs(value) < 1 else f"{value:,.2f}"


def _table(title: str, rows: dict[str, Any], keys: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, label in keys:
        if key in rows:
            table.add_row(safe(label), safe(_fmt(key, rows[key])))
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
    report = power_api.prices_summary(source, location, market, year)
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
                ("hours", "hours with prices [h]"),
                ("missing_hours", "missing hours [h]"),
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
    run = power_api.dispatch_run(
        source=source,
        location=location,
        market=market,
        year=year,
        breakeven_usd_per_mwh=breakeven_usd_per_mwh,
        site=site,
        policy=policy,
        min_run_hours=min_run_hours,
        min_down_hours=min_down_hours,
        ppa_contract_mw=ppa_contract_mw,
        ppa_price_usd_per_mwh=ppa_price_usd_per_mwh,
        fourcp=fourcp,
    )
    report, mining_mw, year, how = run.report, run.mining_mw, run.year, run.breakeven_source
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
    for key in ("note", "fourcp_note", "price_note"):
        if report.get(key):
            console.print(safe(f"Note: {report[key]}."), highlight=False)
    if how != "given":
        console.print(f"breakeven: {safe(how)}")
