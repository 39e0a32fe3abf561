"""hashpivot: value a Bitcoin mining site's three paths (mine, lease, compute)."""

from __future__ import annotations

from hashpivot.errors import DataError, FetchError, HashpivotError, InputError

__version__ = "0.1.0"

__all__ = ["DataError", "FetchError", "HashpivotError", "InputError", "__version__"]
