"""Reading user files: one clear :class:`~hashpivot.errors.InputError` for every way a file
can be unreadable, and no hang on any of them.

Every reader of a user file (site, lease, GPU, company TOML; price CSV/Parquet; the daily
history) goes through :func:`checked_file`, which requires a *regular* file under a size limit
before anything opens it: a missing path, a folder, a device (``/dev/zero``, ``/dev/urandom``),
a FIFO (whose open would block), a symlink loop, a name too long for the file system, an
unreadable or empty file each give one InputError naming the file. :func:`read_toml` adds the
checks TOML needs: UTF-8 text with no NUL byte (binary files), valid syntax, and nesting no
deeper than :data:`MAX_TOML_DEPTH` (``tomllib`` recurses per level, so a file nested 1,000
levels deep would otherwise raise RecursionError).
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hashpivot.errors import InputError

__all__ = [
    "MAX_DATA_BYTES",
    "MAX_TOML_BYTES",
    "MAX_TOML_DEPTH",
    "checked_file",
    "read_checked_frame",
    "read_text",
    "read_toml",
]

#: largest TOML input (site, lease, GPU, company file) [bytes]; the examples are < 10 kB
MAX_TOML_BYTES = 1 << 20  # 1 MiB
#: largest data input (price CSV/Parquet, daily history) [bytes]; ten years of 15-minute
#: prices at one node is ~20 MB of CSV
MAX_DATA_BYTES = 256 << 20  # 256 MiB
#: deepest nesting of tables/arrays accepted in a TOML file [levels]; the schema needs <= 4
MAX_TOML_DEPTH = 32

T = TypeVar("T")

_ERRNO_WORDS: dict[int, str] = {
    errno.ENOENT: "an existing file (no such file)",
    errno.ENOTDIR: "an existing file (a parent is not a folder)",
    errno.ELOOP: "a file, not a symbolic-link loop",
    errno.ENAMETOOLONG: "a shorter path (file name too long)",
    errno.EACCES: "a readable file (permission denied)",
    errno.EPERM: "a readable file (permission denied)",
}


def _os_error(exc: OSError, field: str, path: Path, kind: str) -> InputError:
    words = _ERRNO_WORDS.get(exc.errno or 0, f"a readable {kind} ({exc.strerror or exc})")
    return InputError(field, str(path), words)


def checked_file(
    path: str | Path, *, field: str = "path", max_bytes: int = MAX_TOML_BYTES, kind: str = "file"
) -> Path:
    """``path`` if it is a readable, non-empty regular file of at most ``max_bytes``.

    Follows symbolic links (a loop is an error). Never opens a device or FIFO, so it never
    blocks. Raises one :class:`InputError` naming ``field`` and the path otherwise.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise _os_error(exc, field, p, kind) from None
    except ValueError:  # an embedded NUL byte in the path
        raise InputError(field, str(p), f"a valid {kind} path") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(field, str(p), f"a {kind}, not a folder")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(field, str(p), f"a regular {kind}, not a device, FIFO or socket")
    if st.st_size == 0:
        raise InputError(field, str(p), f"a non-empty {kind} (this one is empty)")
    if st.st_size > max_bytes:
        raise InputError(
            field, str(p), f"a {kind} of at most {max_bytes:,} bytes (found {st.st_size:,})"
        )
    if not os.access(p, os.R_OK):
        raise InputError(field, str(p), f"a readable {kind} (permission denied)")
    return p


def _read_bytes(p: Path, field: str, max_bytes: int, kind: str) -> bytes:
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # a file that grew since the stat stops here
    except OSError as exc:
        raise _os_error(exc, field, p, kind) from None
    if len(data) > max_bytes:
        raise InputError(field, str(p), f"a {kind} of at most {max_bytes:,} bytes")
    return data


def read_text(
    path: str | Path, *, field: str = "path", max_bytes: int = MAX_TOML_BYTES, kind: str = "file"
) -> str:
    """The UTF-8 text of a checked file; binary content (a NUL byte, bad UTF-8) is an error."""
    p = checked_file(path, field=field, max_bytes=max_bytes, kind=kind)
    data = _read_bytes(p, field, max_bytes, kind)
    if b"\x00" in data:
        raise InputError(field, str(p), f"a UTF-8 text {kind} (this one is binary)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(field, str(p), f"a UTF-8 text {kind}") from None


def _depth(doc: Any) -> int:
    """Deepest nesting of dicts/lists in a parsed document [levels] (iterative, no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_TOML_DEPTH:
            return level
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest


def read_toml(path: str | Path, *, field: str = "path") -> dict[str, Any]:
    """Read a TOML file; every way it can fail is an InputError naming the file."""
    p = Path(path)
    text = read_text(p, field=field, max_bytes=MAX_TOML_BYTES, kind="TOML file")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("(syntax)", str(exc), "valid TOML", source=str(p)) from None
    except RecursionError:
        raise InputError(
            "(nesting)", "too deep", f"at most {MAX_TOML_DEPTH} nested levels", source=str(p)
        ) from None
    if _depth(doc) > MAX_TOML_DEPTH:
        raise InputError(
            "(nesting)", "too deep", f"at most {MAX_TOML_DEPTH} nested levels", source=str(p)
        )
    return doc


def read_checked_frame(
    path: str | Path,
    reader: Callable[[Path], T],
    *,
    field: str = "path",
    max_bytes: int = MAX_DATA_BYTES,
    kind: str = "data file",
) -> T:
    """``reader(path)`` on a checked data file; a read that fails (binary, empty, bad CSV) is
    one InputError naming the file. ``reader`` is e.g. ``lambda p: pd.read_csv(p, dtype=str)``.
    """
    p = checked_file(path, field=field, max_bytes=max_bytes, kind=kind)
    with p.open("rb") as fh:
        head = fh.read(8192)
    if b"\x00" in head and p.suffix.lower() not in {".parquet", ".pq"}:
        raise InputError(field, str(p), f"a UTF-8 text {kind} (this one is binary)")
    try:
        return reader(p)
    except (OSError, ValueError, UnicodeDecodeError, MemoryError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(field, str(p), f"a readable {kind} ({first})") from None
