"""CLI command of the company: ``company`` (sum of the parts, by megawatts and as a miner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from hashpivot.api.answer import company_answer, money, money_m, pct, per_unit
from hashpivot.api.company import value_company_on_backend, write_company_report_files
from hashpivot.cli._app import (
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    batches_bar,
    console,
    emit_json,
    market_snapshot,
    safe,
)
from hashpivot.cli._app import console as _console
from hashpivot.cli.decide import _check_backend_flags
from hashpivot.errors import InputError


def _m(x: float) -> str:
    return money_m(x, 1)


#: From this terminal width on, the sites table adds EH/s, ownership, P10 and P90.
WIDE_COLUMNS = 120


def _sites_table(out: dict[str, Any], width: int) -> Table:
    """The sites, with the path each is valued on; narrow below :data:`WIDE_COLUMNS`."""
    wide = width >= WIDE_COLUMNS
    t = Table(
        title=f"{safe(out['company'])}: sum of the parts ({out['paths']:,} shared paths)",
        caption="NPV in USD; mining: the same site kept mining.",
        caption_justify="left",
    )
    cols = ["site", "MW", *(["EH/s", "own"] if wide else []), "valued as", "mean NPV"]
    cols += [*(["P10", "P90"] if wide else []), "$/W", "mining"]
    for col in cols:
        t.add_column(col, justify="left" if col in ("site", "valued as") else "right")
    for s in out["sites"]:
        t.add_row(
            safe(s["name"]),
            f"{s['capacity_mw']:,.0f}",
            *([f"{s['fleet_eh_s']:,.2f}", pct(s["ownership_frac"], 0)] if wide else []),
            s["strategy"] + (" (best)" if s["value_as"] == "recommended" else ""),
            _m(s["npv_mean_usd"]),
            *([_m(s["npv_p10_usd"]), _m(s["npv_p90_usd"])] if wide else []),
            per_unit(s["usd_per_w"], "W"),
            _m(s["mine_npv_mean_usd"]),
        )
    return t


def _per_share(eq: dict[str, Any]) -> bool:
    return "per_share_mean_usd" in eq


def _render(out: dict[str, Any], con: Console | None = None) -> None:
    """Print a company valuation on ``con`` (the CLI's console unless given), its answer in
    one sentence first."""
    console = con or _console
    console.print(f"[bold]{safe(company_answer(out))}[/]", highlight=False)
    t = _sites_table(out, console.width)
    console.print(t)
    mw, miner, eq = out["by_megawatts"], out["as_miner"], out["equity"]
    head = Table(show_header=True)
    head.add_column("")
    head.add_column("by its megawatts", justify="right")
    head.add_column("as a miner", justify="right")
    head.add_row("EV (mean)", _m(mw["ev_mean_usd"]), _m(miner["ev_mean_usd"]))
    head.add_row(
        "EV P10 / P90",
        f"{_m(mw['ev_p10_usd'])} / {_m(mw['ev_p90_usd'])}",
        f"{_m(miner['ev_p10_usd'])} / {_m(miner['ev_p90_usd'])}",
    )
    head.add_row("EV per MW", f"{_m(mw['ev_usd_per_mw'])}/MW", f"{_m(miner['ev_usd_per_mw'])}/MW")
    head.add_row(
        "EV per EH/s", f"{_m(mw['ev_usd_per_eh_s'])}/EH/s", f"{_m(miner['ev_usd_per_eh_s'])}/EH/s"
    )
    console.print(head)
    console.print(
        f"Megawatt premium {_m(out['megawatt_premium_usd'])}; net debt {_m(out['net_debt_usd'])}; "
        f"corporate G&A PV {_m(out['corporate_ga_pv_usd'])}; equity {_m(eq['mean_usd'])} "
        f"(P10 {_m(eq['p10_usd'])}, P90 {_m(eq['p90_usd'])}, P(< 0) {pct(eq['prob_negative'], 0)})"
        + (
            f"; per share {money(eq['per_share_mean_usd'], 2)}"
            if "per_share_mean_usd" in eq
            else ""
        )
    )
    if out.get("breakeven_btc_price_usd") is not None:
        low, high = out["breakeven_btc_price_ci95_usd"]
        console.print(
            f"Break-even BTC price {money(out['breakeven_btc_price_usd'], 0)} "
            f"(95% CI {money(low, 0)} to {money(high, 0)}, "
            f"{out['breakeven']['paths']:,} paths): by megawatts = as a miner"
        )
    for a in out["assumptions"]:
        console.print(f"  [dim]{safe(a['name'])}: {safe(a['value'])} ({safe(a['source'])})[/]")


@app.command()
def company(
    company_file: Path = typer.Argument(..., help="Company file (TOML); see examples/companies/."),
    paths: int = typer.Option(10_000, "--paths", help="Monte Carlo paths (shared by every site)."),
    seed: int = typer.Option(42, "--seed", help="Random seed (same seed, same numbers)."),
    report: Path | None = typer.Option(None, "--report", help="Write Excel + HTML reports here."),
    backend: str = typer.Option("local", "--backend", help="local | dask"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    workers: int | None = typer.Option(None, "--workers", help="Dask LocalCluster workers."),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """A company valued by its megawatts: every site's best path on shared Monte Carlo paths,
    summed, against the same sites kept mining (EV/MW, EV per EH/s, equity per share)."""
    if not 1 <= paths <= 2_000_000:
        raise InputError("--paths", paths, "1..2,000,000")
    if seed < 0:
        raise InputError("--seed", seed, "an integer >= 0")
    _check_backend_flags(backend, scheduler, workers, 5_000)
    on: dict[str, Any] = {"backend": backend, "scheduler": scheduler, "workers": workers}
    snapshot = market_snapshot(live, mempool_url, price_url)
    if as_json:
        out, co, _ = value_company_on_backend(
            company_file, paths=paths, seed=seed, snapshot=snapshot, **on
        )
        write_company_report_files(report, out, co)
        emit_json(out)
        return
    with batches_bar() as bar:
        task = bar.add_task("company", total=None)

        def tick(site: str, done: int, total: int) -> None:
            bar.update(task, description=site, completed=done, total=total)

        out, co, _ = value_company_on_backend(
            company_file, paths=paths, seed=seed, snapshot=snapshot, progress=tick, **on
        )
    write_company_report_files(report, out, co)
    _render(out)
    for f in out.get("report_files", []):
        console.print(f"Wrote [bold]{safe(f)}[/]")
