"""CLI commands of the decision engine: ``compare`` and ``calibrate``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.table import Table

from hashpivot.api import decide as decide_api
from hashpivot.cli._app import (
    EXIT_INTERRUPTED,
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    batches_bar,
    check_scheduler,
    console,
    emit_json,
    err_console,
    int_flag,
    interrupted_line,
    market_snapshot,
    safe,
)
from hashpivot.cli._compare_view import render_compare
from hashpivot.errors import InputError


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


def _with_progress_bar(
    simulate: Callable[[Callable[[int, int], None] | None], decide_api.Comparison],
) -> decide_api.Comparison:
    """Run ``simulate`` under a transient progress bar of Monte Carlo batches done."""
    with batches_bar() as bar:
        task = bar.add_task("Simulating", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return simulate(tick)


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
    deterministic: bool = typer.Option(
        False,
        "--deterministic",
        help="One path: the site file's named scenario (or --scenario), the same engine and "
        "JSON shape; its mine equals `hashpivot mine`.",
    ),
    scenario: str | None = typer.Option(
        None, "--scenario", help="bear | base | bull with --deterministic (default: the file's)."
    ),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Mine, lease, GPU cloud, switch, split or sell: the paths side by side under Monte Carlo
    (or on one deterministic path with --deterministic)."""
    _check_backend_flags(backend, scheduler, workers, batch_paths)
    case = decide_api.prepare_compare(
        site_file,
        paths=paths,
        seed=seed,
        months=months,
        sensitivity_of=sensitivity_of,
        snapshot=market_snapshot(live, mempool_url, price_url),
        deterministic=deterministic,
        scenario=scenario,
    )

    def simulate(progress: Callable[[int, int], None] | None = None) -> decide_api.Comparison:
        return decide_api.simulate(
            case,
            paths=paths,
            seed=seed,
            batch_paths=batch_paths,
            backend=backend,
            scheduler=scheduler,
            workers=workers,
            progress=progress,
        )

    if deterministic:
        cmp = decide_api.deterministic(case, scenario)
    elif as_json:
        cmp = simulate()
    else:
        cmp = _with_progress_bar(simulate)
    if cmp.interrupted:  # the first line printed says so; the exit code is 3 (README)
        (err_console if as_json else console).print(
            interrupted_line(cmp.paths, paths), highlight=False
        )
    out, rows = decide_api.finish_compare(
        case, cmp, sensitivity_of="none" if cmp.interrupted else sensitivity_of, report=report
    )
    if as_json:
        out["assumptions"] = [{"name": n, "value": v, "source": s} for n, v, s in rows]
        emit_json(out)
    else:
        render_compare(out, rows)
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
