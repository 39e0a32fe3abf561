"""Writing report files safely: atomically, and with text that is never a formula.

:func:`write_atomically` writes into a temporary file in the target's own folder and renames it
over the target (``os.replace``, atomic on POSIX within one file system), so a failed write (a
full disk, a read-only folder, an interrupted run) leaves the old file or nothing, never a
half-written one; the failure is one :class:`~hashpivot.errors.InputError` naming ``--report``.

:func:`new_workbook` opens an xlsxwriter workbook whose ``write``/``write_row`` store every
Python string as a string: ``strings_to_formulas`` off (a site named ``=HYPERLINK(...)`` stays
text, see https://xlsxwriter.readthedocs.io/workbook.html#constructor), ``strings_to_urls``
off, non-finite numbers as Excel errors (``#NUM!``) rather than an exception.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from hashpivot.errors import InputError

__all__ = ["WORKBOOK_OPTIONS", "new_workbook", "prepare_folder", "write_atomically"]

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
    "in_memory": True,  # no temporary files of xlsxwriter's own outside the target folder
}


def new_workbook(path: Path) -> Any:
    """An xlsxwriter workbook at ``path`` that writes strings as strings (never formulas)."""
    return xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)


def prepare_folder(folder: str | Path, *, field: str = "--report") -> Path:
    """``folder``, created if needed; an InputError naming ``field`` if it cannot be."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(field, str(out), f"a folder that can be created ({exc})") from None
    return out


def write_atomically(
    target: Path, write: Callable[[Path], object], *, field: str = "--report"
) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then rename it to ``target``.

    On any failure the temporary file is removed and ``target`` is left as it was; an OSError
    (or xlsxwriter's wrapper of one) becomes an InputError naming ``field``.
    """
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise InputError(field, str(target.parent), f"a writable folder ({exc})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except (OSError, XlsxWriterException) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise InputError(field, str(target), f"{target.name} written in full ({exc})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target
