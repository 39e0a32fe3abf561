"""CLI commands of the mining path: ``mine``, ``asics``, ``demo``."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from hashpivot.api.answer import mining_answer, money_m, months_text
from hashpivot.api.mining import (
    EXAMPLE_SITE,
    SCENARIO_NAMES,
    MiningReport,
    asic_rows,
    run_mining,
)
from hashpivot.cli._app import (
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    console,
    emit_json,
    int_flag,
    market_snapshot,
    safe,
)
from hashpivot.errors import InputError


def _money(x: float) -> str:
    return money_m(x, 2)


def _or_none(value: float | None, fmt: str) -> str:
    """``fmt`` of a finite value, else "none" (the reason is printed in its own row)."""
    return "none" if value is None or not math.isfinite(value) else fmt.format(value)


def _render_report(report: MiningReport, con: Console | None = None) -> None:
    """Print the mining report on ``con`` (the CLI's console unless given): the answer in one
    sentence, the headline table, the monthly projection and the assumptions."""
    c = con or console
    s = report.summary
    c.print(f"[bold]{safe(mining_answer(s))}[/]", highlight=False)
    head = Table(
        title=f"{safe(s['site'])} — keep mining ({s['scenario']} scenario)", show_header=False
    )
    head.add_column("item", style="bold")
    head.add_column("value", justify="right")
    head.add_column("note", style="dim")
    head.add_row(
        "Fleet",
        f"{s['fleet_ph_s']:,.0f} PH/s",
        f"{s['fleet_efficiency_j_per_th']:.1f} J/TH, {s['fleet_power_mw']:.1f} MW of ASICs",
    )
    head.add_row(
        "NPV",
        _money(s["npv_usd"]),
        f"at {s['discount_rate']:.1%}/yr, {s['horizon_months']} months from {s['start']}",
    )
    head.add_row(
        "EBITDA (horizon)", _money(s["ebitda_total_usd"]), f"BTC mined {s['btc_mined_total']:,.1f}"
    )
    head.add_row(
        "Breakeven power",
        _or_none(s["breakeven_power_usd_per_mwh"], "${:,.1f}/MWh"),
        f"first 12 months; contract ${s['power_price_usd_per_mwh']:,.1f}/MWh",
    )
    head.add_row(
        "Breakeven BTC",
        _or_none(s["breakeven_btc_usd"], "${:,.0f}"),
        "first 12 months, power + other opex",
    )
    head.add_row(
        "Breakeven hashprice",
        _or_none(s["breakeven_hashprice_usd_per_ph_day"], "${:,.2f}/PH/day"),
        f"hashprice at the start ${s['hashprice_start_usd_per_ph_day']:,.2f}",
    )
    if s.get("breakeven_note"):
        head.add_row("Breakevens", "none", safe(s["breakeven_note"]))
    head.add_row(
        "Fleet payback",
        months_text(s["payback_months"]),
        f"fleet value {_money(s['fleet_value_usd'])}",
    )
    head.add_row(
        "Halving (height 1,050,000)",
        str(s["halving_month"] or "after horizon"),
        "from block production along the hashrate path",
    )
    c.print(head)
    table = Table(
        title="Monthly projection (hashprice in $/PH/day, BTC mined, money in $k)",
        box=box.SIMPLE_HEAD,
    )
    for col in ("month", "BTC $", "$/PH/d", "BTC", "revenue", "power", "other", "EBITDA"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in report.monthly:
        table.add_row(
            r["month"],
            f"{r['btc_price_usd']:,.0f}",
            f"{r['hashprice_usd_per_ph_day']:,.2f}",
            f"{r['btc_mined']:,.2f}",
            f"{r['revenue_usd'] / 1e3:,.0f}",
            f"{r['power_cost_usd'] / 1e3:,.0f}",
            f"{r['other_opex_usd'] / 1e3:,.0f}",
            f"{r['ebitda_usd'] / 1e3:,.0f}",
        )
    c.print(table)
    c.print("[dim]Assumptions:[/]")
    for key, text in report.assumptions:
        c.print(f"[dim]  {safe(key)}: {safe(text)}[/]", highlight=False)


@app.command()
def mine(
    site_file: Path = typer.Argument(..., help="Site file (TOML); see examples/sites/."),
    scenario: str | None = typer.Option(
        None, help="bear | base | bull (default: the site file's)."
    ),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Project the keep-mining path of a site: monthly cash flows, NPV, breakevens."""
    if scenario is not None and scenario not in SCENARIO_NAMES:
        raise InputError("--scenario", scenario, "one of bear, base, bull")
    report = run_mining(
        site_file, scenario=scenario, snapshot=market_snapshot(live, mempool_url, price_url)
    )
    if as_json:
        emit_json(
            {**report.summary, "assumptions": dict(report.assumptions), "monthly": report.monthly}
        )
    else:
        _render_report(report)


@app.command()
def asics(as_json: bool = JSON_OPTION) -> None:
    """List the ASIC catalogue (nameplate specs with sources)."""
    rows = asic_rows()
    if as_json:
        emit_json({"models": rows})
        return
    table = Table(title="ASIC catalogue (nameplate)")
    for col in ("model", "TH/s", "W", "J/TH", "release", "cooling"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["model"],
            f"{r['hashrate_th_s']:g}",
            f"{r['power_w']:g}",
            f"{r['efficiency_j_per_th']:.1f}",
            r["release"],
            r["cooling"],
        )
    console.print(table)


@app.command()
def demo(
    site: Path = typer.Option(EXAMPLE_SITE, "--site", help="Site file to run."),
    out_dir: Path = typer.Option(Path("hashpivot-out"), help="Where to write the demo's results."),
    paths: int = typer.Option(
        10_000, "--paths", help="Monte Carlo paths of the comparison (0: skip)."
    ),
) -> None:
    """Run the main job offline on built-in defaults: the mining path of an example site, then
    its three paths side by side under Monte Carlo; write JSON, Excel and HTML results."""
    if paths != 0:
        int_flag("--paths", paths, 1, 10_000_000)
    import json

    from hashpivot.adapters.reports._atomic import prepare_folder, write_atomically
    from hashpivot.cli._app import to_jsonable

    report = run_mining(site, scenario=None)
    _render_report(report)
    prepare_folder(out_dir, field="--out-dir")
    out = out_dir / f"mine-{site.stem}.json"
    payload = {**report.summary, "assumptions": dict(report.assumptions), "monthly": report.monthly}
    text = json.dumps(to_jsonable(payload), indent=2)
    write_atomically(out, lambda tmp: tmp.write_text(text), field="--out-dir")
    console.print(f"\nWrote [bold]{safe(out)}[/].")
    if paths > 0:
        from hashpivot.cli.decide import compare as compare_command

        console.rule("Which path? Mine, lease, GPU cloud, switch, split or sell (Monte Carlo)")
        compare_command(
            site_file=site,
            paths=paths,
            seed=42,
            months=None,
            report=out_dir,
            backend="local",
            scheduler=None,
            workers=None,
            batch_paths=5_000,
            sensitivity_of=None,
            deterministic=False,
            scenario=None,
            live=False,  # the demo runs offline, on the dated snapshot
            mempool_url=None,
            price_url=None,
            as_json=False,
        )
    console.print(
        "\nNext: open the report (compare.html, compare.xlsx in "
        f"{safe(out_dir)}); try `hashpivot mine examples/sites/ozark-50mw-s19jpro.toml`, "
        "`hashpivot lease examples/leases/ms-hyperscaler.toml`, "
        "`hashpivot company examples/companies/example-co.toml`, `hashpivot compare --help`; "
        "the method is in docs/methodology.md."
    )
