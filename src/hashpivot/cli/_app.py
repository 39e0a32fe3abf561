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
