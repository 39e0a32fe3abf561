"""The typer application and the helpers every command shares.

Commands live in one module per area (``mining.py``, ``power.py``, ``ai.py``, ``decide.py``)
and register themselves on :data:`app`. Commands parse, call the public API and render; they
never compute. Every command takes ``--json`` and then prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console

from hashpivot.api.network import MEMPOOL_URL_ENV, PRICE_URL_ENV, market_snapshot

__all__ = [
    "JSON_OPTION",
    "LIVE_OPTION",
    "MEMPOOL_URL_OPTION",
    "PRICE_URL_OPTION",
    "app",
    "console",
    "emit_json",
    "err_console",
    "market_snapshot",
    "to_jsonable",
]

app = typer.Typer(
    name="hashpivot",
    help="Mine, lease or compute: value a Bitcoin mining site's three paths.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option(False, "--json", help="Print one JSON object on stdout.")


def to_jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays, dates, enums and paths into JSON-ready values.

    Non-finite floats become ``null`` (JSON has no NaN); callers that can produce NaN give
    the reason in a neighbouring field.
    """
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Path):
        return str(obj)
    return obj


def emit_json(payload: Mapping[str, Any]) -> None:
    """Print one JSON object on stdout."""
    sys.stdout.write(json.dumps(to_jsonable(payload), allow_nan=False) + "\n")
    sys.stdout.flush()


LIVE_OPTION = typer.Option(
    False, "--live", help="Start from the network and BTC price fetched now (else the snapshot)."
)
MEMPOOL_URL_OPTION = typer.Option(
    None,
    "--mempool-url",
    envvar=MEMPOOL_URL_ENV,
    help="mempool.space-style API base URL (with --live).",
)
PRICE_URL_OPTION = typer.Option(
    None,
    "--price-url",
    envvar=PRICE_URL_ENV,
    help="CoinGecko-style price API base URL (with --live; default: the mempool.space price).",
)
