"""The CLI's commands and :func:`main`, which runs one.

:func:`main` turns every user error (a :class:`~hashpivot.errors.HashpivotError` or a pydantic
validation error) into one clear message on stderr and exit code 2, never a traceback.
Importing this module imports every command (seconds: numba, pypsa); the console script
(:func:`hashpivot.cli.run`) does it inside its Ctrl-C guard.
"""

from __future__ import annotations

import pydantic

from hashpivot.api.errors import describe_validation_error
from hashpivot.cli import (  # noqa: F401  (commands register)
    ai,
    calc,
    company,
    decide,
    market,
    mining,
    network,
    power,
    serve,
    supply,
    view,
)
from hashpivot.cli._app import app, err_console, safe
from hashpivot.cli._exit import EXIT_SIGINT, INTERRUPTED_LINE
from hashpivot.errors import HashpivotError


def _click_classes() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """Click's exception classes: typer >= 0.17 may vendor its own click (typer._click)."""
    import click

    usage: list[type[Exception]] = [click.exceptions.ClickException]
    abort: list[type[Exception]] = [click.exceptions.Abort]
    try:
        from typer import _click  # type: ignore[attr-defined]

        usage.append(_click.exceptions.ClickException)
        if hasattr(_click.exceptions, "Abort"):
            abort.append(_click.exceptions.Abort)
    except ImportError:
        pass
    return tuple(usage), tuple(abort)


_CLICK_USAGE, _CLICK_ABORT = _click_classes()

__all__ = ["app", "main"]


def _error_line(message: str) -> None:
    """Print ``error: message`` as one line on stderr (control characters stripped, markup
    escaped, line breaks folded into spaces)."""
    err_console.print(
        f"[bold red]error:[/] {safe(' '.join(message.split()))}", highlight=False, soft_wrap=True
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 internal error, 2 user error, 3 interrupted
    after a partial summary, 130 interrupted before any result)."""
    try:
        result = app(args=argv, prog_name="hashpivot", standalone_mode=False)
    except HashpivotError as exc:
        _error_line(str(exc))
        return 2
    except pydantic.ValidationError as exc:
        _error_line(describe_validation_error(exc))
        return 2
    except KeyboardInterrupt:
        err_console.print(INTERRUPTED_LINE, highlight=False)
        return EXIT_SIGINT
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        return code
    except Exception as exc:  # click usage errors arrive here with standalone_mode=False
        if isinstance(exc, _CLICK_USAGE):  # one line, like every other bad input
            message = exc.format_message()  # type: ignore[attr-defined]
            _error_line(f"{message} (see --help)")
            return 2
        if isinstance(exc, _CLICK_ABORT):
            return 1
        raise
    return result if isinstance(result, int) else 0  # typer.Exit(code) returns its code
