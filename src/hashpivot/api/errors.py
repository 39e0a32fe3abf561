"""User-facing messages for errors raised at the edge (pydantic validation of input files)."""

from __future__ import annotations

from hashpivot.config.errors import describe_validation_error

__all__ = ["describe_validation_error"]
