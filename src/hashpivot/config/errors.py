"""Turn pydantic validation errors into one clear sentence per bad field."""

from __future__ import annotations

from typing import Any

import pydantic

from hashpivot.errors import InputError

_ALLOWED_BY_TYPE = {
    "missing": "this field (it is required)",
    "extra_forbidden": "no such key (unknown field; check the spelling)",
    "greater_than": "a number > {gt}",
    "greater_than_equal": "a number >= {ge}",
    "less_than": "a number < {lt}",
    "less_than_equal": "a number <= {le}",
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "date_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_type": "a date YYYY-MM-DD",
    "finite_number": "a finite number",
    "literal_error": "one of {expected}",
    "enum": "one of {expected}",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "too_short": "at least {min_length} item(s)",
    "too_long": "at most {max_length} item(s)",
}


def _loc_to_field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def _allowed(err: Any) -> str:
    template = _ALLOWED_BY_TYPE.get(err["type"])
    ctx = err.get("ctx") or {}
    if template is None:
        msg = str(err.get("msg", "a valid value"))
        # pydantic's custom errors read "Value error, <our text>"
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def first_input_error(exc: pydantic.ValidationError, *, source: str | None = None) -> InputError:
    """The first error of a pydantic ValidationError as an :class:`InputError`."""
    err = exc.errors()[0]
    field = _loc_to_field(tuple(err["loc"]))
    value = err.get("input") if err["type"] != "missing" else "(missing)"
    return InputError(field, value, _allowed(err), source=source)


def describe_validation_error(exc: pydantic.ValidationError, *, source: str | None = None) -> str:
    """One line naming the field, the value and what is allowed (first error + count of others)."""
    msg = str(first_input_error(exc, source=source))
    extra = exc.error_count() - 1
    return msg + (f" (and {extra} more problem(s))" if extra > 0 else "")
