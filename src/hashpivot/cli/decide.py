"""CLI commands of the decision engine: ``compare`` and ``calibrate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hashpivot.api.compare import assumptions, build_case, sensitivity, summary
from hashpivot.cli._app import (
    EXIT_INTERRUPTED,
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    check_scheduler,
    console,
    emit_json,
    err_console,
    int_flag,
    interrupted_line,
    market_snapshot,
    safe,
)
from hashpivot.engine.backends import open_backend
from hashpivot.engine.compare import compare as run_compare
from hashpivot.errors import InputError


def _m(x: float) -> str:
    return f"${x / 1e6:,.1f}M"


def _render(out: dict[str, Any], rows: list[tuple[str, str, str]]) -> None:
    t = Table(
        title=f"{safe(out['site'])}: {out['paths']:,} paths, seed {out['seed']}, "
        f"{out['months']} months from {out['start']}, discount {out['discount_rate']:.1%}"
    )
    for col in (
        "strategy",
        "NPV mean",
        "P10",
        "P50",
        "P90",
        "P(best)",
        "P(loss)",
        "IRR P50",
        "$/W P50",
    ):
        t.add_column(col, justify="right")
    for name, s in sorted(out["strategies"].items(), key=lambda kv: -kv[1]["npv_mean_usd"]):
        star = " *" if name == out["recommendation"] else ""
        irr = s["irr_p50"]
        t.add_row(
            name + star,
            _m(s["npv_mean_usd"]),
            _m(s["npv_p10_usd"]),
            _m(s["npv_p50_usd"]),
            _m(s["npv_p90_usd"]),
            f"{s['prob_best']:.0%}",
            f"{s['prob_loss']:.0%}",
            "n/a" if irr is None else f"{irr:.1%}",
            f"{s['equity_usd_per_w_p50']:.2f}",
        )
    console.print(t)
    console.print(f"Recommendation: [bold]{out['recommendation']}[/] (highest mean NPV).")
    sw = out["switch"]
    if sw.get("best_month") is not None:
        console.print(
            f"Switch timing: best fixed month {sw['best_month']} ({sw['best_month_date']}), "
            f"mean NPV {_m(sw['best_month_npv_mean_usd'])} vs converting now "
            f"{_m(sw['convert_now_npv_mean_usd'])}; keeping the choice open is worth "
            f"{_m(sw['option_value_usd'])} (Longstaff-Schwartz, SE {_m(sw['lsm_std_error_usd'])})."
        )
        for line in sw["policy"][:8]:
            console.print(f"  {safe(line)}", highlight=False)
    console.print("[dim]Assumptions:[/]")
    for name, value, source in rows:
        console.print(f"[dim]  {safe(name)}: {safe(value)} ({safe(source)})[/]", highlight=False)
    for note in out["notes"]:
        console.print(f"[yellow]{safe(note)}[/]")


def _check_backend_flags(
    backend: str, scheduler: str | None, workers: int | None, batch_paths: int
) -> None:
    """--batch-paths a multiple of 5,000; --workers 1..256 and --scheduler reachable, both only
    with --backend dask (never silently clamped or ignored)."""
    if not (5_000 <= batch_paths <= 10_000_000 and batch_paths % 5_000 == 0):
        raise InputError("--batch-paths", batch_paths, "a multiple of 5,000 in [5,000, 10,000,000]")
    for flag, value in (("--workers", workers), ("--scheduler", scheduler)):
        if value is not None and backend != "dask":
            raise InputError(flag, value, "used only with --backend dask")
    if workers is not None and scheduler is not None:
        raise InputError("--workers", workers, "either --workers (a local cluster) or --scheduler")
    int_flag("--workers", workers, 1, 256)
    if scheduler is not None:
        check_scheduler(scheduler)


@app.command()
def compare(
    site_file: Path = typer.Argument(..., help="Site file with [lease] / [gpu_cloud] tables."),
    paths: int = typer.Option(10_000, "--paths", help="Monte Carlo paths."),
    seed: int = typer.Option(42, "--seed", help="Random seed (same seed, same numbers)."),
    months: int | None = typer.Option(None, "--months", help="Horizon override [months]."),
    report: Path | None = typer.Option(None, "--report", help="Write Excel + HTML reports here."),
    backend: str = typer.Option("local", "--backend", help="local | dask"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    workers: int | None = typer.Option(None, "--workers", help="Dask LocalCluster workers."),
    batch_paths: int = typer.Option(
        5_000, "--batch-paths", help="Paths per task (a multiple of 5,000)."
    ),
    sensitivity_of: str | None = typer.Option(
        None,
        "--sensitivity",
        help="Tornado and Sobol indices of this strategy's NPV (default: the recommendation; "
        "'none' skips them).",
    ),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Mine, lease, GPU cloud, switch, split or sell: the paths side by side under Monte Carlo."""
    if not 1 <= paths <= 10_000_000:
        raise InputError("--paths", paths, "1..10,000,000")
    if seed < 0:
        raise InputError("--seed", seed, "an integer >= 0")
    _check_backend_flags(backend, scheduler, workers, batch_paths)
    case = build_case(
        site_file, months=months, snapshot=market_snapshot(live, mempool_url, price_url)
    )
    names = [s.value for s in case.strategies]
    if sensitivity_of is not None and sensitivity_of not in (*names, "none"):
        raise InputError("--sensitivity", sensitivity_of, "one of " + ", ".join([*names, "none"]))
    with open_backend(backend, scheduler=scheduler, workers=workers) as map_fn:
        if as_json:
            cmp = run_compare(case, paths=paths, seed=seed, batch_paths=batch_paths, map_fn=map_fn)
        else:
            with Progress(
                TextColumn("[bold]Simulating"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} batches"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task("compare", total=None)

                def tick(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                cmp = run_compare(
                    case,
                    paths=paths,
                    seed=seed,
                    batch_paths=batch_paths,
                    map_fn=map_fn,
                    progress=tick,
                )
    out = summary(case, cmp)
    if cmp.interrupted:  # the first line printed says so; the exit code is 3 (README)
        (err_console if as_json else console).print(
            interrupted_line(cmp.paths, paths), highlight=False
        )
    if sensitivity_of != "none" and not cmp.interrupted:
        out["sensitivity"] = sensitivity(case, sensitivity_of or out["recommendation"])
    rows = assumptions(case)
    if report is not None:
        from hashpivot.adapters.reports import write_reports

        files = write_reports(report, case, cmp, out, rows)
        out["report_files"] = [str(f) for f in files]
    if as_json:
        out["assumptions"] = [{"name": n, "value": v, "source": s} for n, v, s in rows]
        emit_json(out)
    else:
        _render(out, rows)
        for f in out.get("report_files", []):
            console.print(f"Wrote [bold]{safe(f)}[/]")
    if cmp.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)


@app.command()
def calibrate(
    history: Path | None = typer.Option(
        None, "--history", help="btc_daily.csv (default: shared data)."
    ),
    since: str = typer.Option("2017-01-01", "--since", help="Window start YYYY-MM-DD."),
    until: str | None = typer.Option(None, "--until", help="Window end YYYY-MM-DD."),
    market_toml: Path | None = typer.Option(
        None, "--market-toml", help="Also write the fit as a site file's [market] table here."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Fit the market processes on the daily history and print the parameters."""
    from hashpivot.api.calibration import calibrate_from_history, market_table_toml

    fitted = calibrate_from_history(history, since=since, until=until)
    if market_toml is not None:
        from hashpivot.adapters.reports._atomic import write_atomically

        text = market_table_toml(fitted)
        write_atomically(market_toml, lambda tmp: tmp.write_text(text), field="--market-toml")
    if as_json:
        emit_json(fitted)
        return
    t = Table(title=f"Calibration on {safe(fitted.get('source', 'history'))} ({fitted['window']})")
    t.add_column("parameter")
    t.add_column("value (± standard error)", justify="right")
    for k, v in fitted.items():
        t.add_row(safe(k), safe(v))
    console.print(t)
