"""The typer application and the helpers every command shares.

Commands live in one module per area (``mining.py``, ``power.py``, ``ai.py``, ``decide.py``)
and register themselves on :data:`app`. Commands parse, call the public API and render; they
never compute. Every command takes ``--json`` and then prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from hashpivot.api.jsonable import to_jsonable
from hashpivot.api.network import MEMPOOL_URL_ENV, PRICE_URL_ENV, market_snapshot
from hashpivot.cli._exit import EXIT_CODES_EPILOG, EXIT_INTERRUPTED
from hashpivot.errors import InputError

__all__ = [
    "EXIT_CODES_EPILOG",
    "EXIT_INTERRUPTED",
    "JSON_OPTION",
    "LIVE_OPTION",
    "MEMPOOL_URL_OPTION",
    "PRICE_URL_OPTION",
    "app",
    "batches_bar",
    "console",
    "emit_json",
    "err_console",
    "market_snapshot",
    "to_jsonable",
]

app = typer.Typer(
    name="hashpivot",
    help="Mine, lease or compute: value a Bitcoin mining site's three paths.",
    epilog=EXIT_CODES_EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help text: rich markup would swallow every bracketed word ("[lease]", "[power]")
    rich_markup_mode=None,
)

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option(False, "--json", help="Print one JSON object on stdout.")

# A terminal escape sequence (CSI ``ESC [ ... final``, OSC ``ESC ] ... BEL/ST``, or a two-byte
# ``ESC x``), then any other C0/C1 control character except tab and newline.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def strip_control(text: str) -> str:
    """``text`` without terminal escape sequences or control characters (tab, newline kept)."""
    return _CONTROL.sub("", text)


def safe(value: object) -> str:
    """Any text from a file, a flag or the network, ready to print with rich: control
    characters stripped (no terminal escape reaches the terminal) and rich markup escaped
    (a name ``[/bold]`` prints as itself). Every command prints names through this."""
    return escape(strip_control(str(value)))


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


def number_flag(
    flag: str, value: float | None, low: float, high: float, unit: str, *, low_open: bool = False
) -> float | None:
    """``value`` of a numeric flag if finite and in ``[low, high]`` (``(low, high]`` with
    ``low_open``), else one InputError naming the flag. ``None`` (flag not given) passes."""
    if value is None:
        return None
    above = value > low if low_open else value >= low
    if not (math.isfinite(value) and above and value <= high):
        bracket = "(" if low_open else "["
        raise InputError(flag, value, f"a finite number in {bracket}{low:g}, {high:g}] {unit}")
    return value


def int_flag(flag: str, value: int | None, low: int, high: int) -> int | None:
    """``value`` of an integer flag if in ``[low, high]``, else one InputError naming the flag."""
    if value is not None and not low <= value <= high:
        raise InputError(flag, value, f"an integer in [{low:,}, {high:,}]")
    return value


SCHEDULER_CONNECT_TIMEOUT_S = 5.0


def check_scheduler(address: str, timeout_s: float = SCHEDULER_CONNECT_TIMEOUT_S) -> str:
    """``address`` (``tcp://host:port`` or ``host:port``) if a TCP connection to it opens within
    ``timeout_s`` [s]; else one InputError naming ``--scheduler`` (a garbled address, or nothing
    listening), instead of Dask's own 30 s wait and traceback."""
    import socket
    from urllib.parse import urlsplit

    text = address.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        raise InputError("--scheduler", address, "a Dask scheduler address tcp://HOST:PORT")
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        raise InputError(
            "--scheduler", address, f"a reachable Dask scheduler (no connection: {exc})"
        ) from None
    return address


def interrupted_line(paths_done: int, paths_asked: int) -> str:
    """The first line printed by an interrupted run (exit code :data:`EXIT_INTERRUPTED`)."""
    return (
        f"interrupted: partial result on {paths_done:,} of {paths_asked:,} paths "
        f"(exit code {EXIT_INTERRUPTED})"
    )


def batches_bar() -> Progress:
    """A transient progress bar of Monte Carlo batches done (its task's description first)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} batches"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
