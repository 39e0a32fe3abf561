"""Reading user files: one clear :class:`~hashpivot.errors.InputError` for every way a file
can be unreadable (missing, a folder, bad TOML syntax, not UTF-8)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hashpivot.errors import InputError


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file; a missing file or bad syntax is an InputError naming the file."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError("path", str(p), "an existing TOML file") from None
    except IsADirectoryError:
        raise InputError("path", str(p), "a TOML file, not a folder") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError("(syntax)", str(exc), "valid TOML", source=str(p)) from None
    except UnicodeDecodeError:
        raise InputError("(encoding)", str(p), "a UTF-8 TOML file") from None
