"""``hashpivot serve``: the HTTP API and the dashboard (hashpivot.service) on uvicorn."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from hashpivot.cli._app import app, check_scheduler


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback default)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    store: Path | None = typer.Option(
        None,
        "--store",
        help="DuckDB run store (default: $XDG_DATA_HOME/hashpivot/runs.duckdb).",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler for Monte Carlo compare jobs (same numbers)."
    ),
) -> None:
    """Serve the API (/docs) and the dashboard (/). Off loopback, HASHPIVOT_TOKEN is required
    and every request must carry it (Authorization: Bearer TOKEN)."""
    # the service is the CLI's sibling layer: loaded by name, not imported
    if scheduler is not None:
        check_scheduler(scheduler)
    server = importlib.import_module("hashpivot.service.server")
    server.serve(host=host, port=port, store=store, scheduler=scheduler)
