"""Named exceptions of hashpivot.

Every error a user can cause is an :class:`InputError` (bad site file, bad request, bad
argument) or a :class:`DataError` (a data file or a fetched response that is not what it
should be). Both carry the field, the value found and what is allowed, so that the CLI can
print one clear line (exit code 2) and the HTTP API can answer 422, never a traceback.
"""

from __future__ import annotations

from typing import Any


class HashpivotError(Exception):
    """Base class of every error hashpivot raises on purpose."""


def _fmt_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class InputError(HashpivotError, ValueError):
    """An input (site file, lease file, request, CLI option) is invalid.

    Parameters
    ----------
    field : dotted name of the offending field, e.g. ``"fleet[0].count"``
    value : the value found
    allowed : what is allowed, in words, e.g. ``"a number > 0 (MW)"``
    source : optional file or request the field came from
    """

    def __init__(self, field: str, value: Any, allowed: str, *, source: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field} = {_fmt_value(value)}: expected {allowed}")


class DataError(HashpivotError):
    """A data file or a fetched response is malformed (wrong columns, unsorted, bad units...)."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class FetchError(DataError):
    """A live data source could not be reached or answered something unusable."""
