"""Bounded HTTP GET and JSON parsing: every fetch ends within its deadline and its memory limit.

:func:`bounded_get` runs one GET with

* a **total** deadline [s] covering connect, headers and the whole body (not per read: a server
  that trickles one byte every 0.5 s is cut off at the deadline, not kept waiting forever). The
  request runs in a daemon thread and the caller waits at most the deadline, so a stalled socket
  never holds the caller; the worker stops at its next chunk.
* a **maximum body size** [bytes]: a declared ``Content-Length`` above it is refused before the
  body is read, and a streamed body is counted chunk by chunk and dropped at the limit (a server
  that streams without end costs at most the limit in memory).

:func:`parse_json` refuses bodies nested deeper than :data:`MAX_JSON_DEPTH` (Python's parser
recurses per level) and integers longer than :data:`MAX_JSON_INT_DIGITS` digits (a 400-digit
integer overflows ``float``); ``NaN``/``Infinity`` literals are refused. Every failure is a
:class:`~hashpivot.errors.FetchError` naming the URL.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from hashpivot.errors import FetchError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_JSON_INT_DIGITS",
    "bounded_get",
    "check_base_url",
    "parse_json",
]

#: deepest nesting of JSON arrays/objects accepted [levels]; the APIs used nest <= 4
MAX_JSON_DEPTH = 64
#: longest JSON integer accepted [digits]; a block height has 7, a fee total in sat ~12
MAX_JSON_INT_DIGITS = 30

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def check_base_url(base_url: str) -> str:
    """``base_url`` without a trailing ``/`` if it is a valid http(s) URL, else a FetchError."""
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise FetchError(f"base URL must start with http:// or https://, got {base_url!r}")
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(f"invalid base URL {base_url!r} ({exc})") from None
    if not url.host:
        raise FetchError(f"invalid base URL {base_url!r} (no host)")
    return base_url.rstrip("/")


@dataclass
class _Outcome:
    status: int = 0
    body: bytes = b""
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)


def _too_big(url: str, max_bytes: int) -> FetchError:
    return FetchError(f"response body larger than the {max_bytes:,}-byte limit", source=url)


def _fetch(
    out: _Outcome,
    url: str,
    params: Mapping[str, Any] | None,
    headers: Mapping[str, str],
    deadline: float,
    max_bytes: int,
) -> None:
    """The worker: stream the body, counting bytes and watching the deadline at every chunk."""
    try:
        timeout = httpx.Timeout(max(deadline - time.monotonic(), 0.001))
        with (
            httpx.Client(timeout=timeout) as client,
            client.stream("GET", url, params=params, headers=dict(headers)) as resp,
        ):
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_big(url, max_bytes)
            buf = bytearray()
            limit = max_bytes if resp.status_code == 200 else 512
            for chunk in resp.iter_bytes():
                if out.cancel.is_set() or time.monotonic() > deadline:
                    return  # the caller has given up (deadline): drop the body
                buf += chunk
                if len(buf) > limit:
                    if resp.status_code != 200:
                        break  # an error page: its first bytes are enough for the message
                    raise _too_big(url, max_bytes)
            out.status, out.body = resp.status_code, bytes(buf)
    except BaseException as exc:  # handed to the caller's thread
        out.error = exc
    finally:
        out.done.set()


def bounded_get(
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    deadline_s: float,
    max_bytes: int,
) -> tuple[int, bytes]:
    """``(status, body)`` of one GET finished within ``deadline_s`` [s] in at most
    ``max_bytes`` of body; else a FetchError naming ``url``."""
    if not (deadline_s > 0) or deadline_s == float("inf"):
        raise FetchError(f"timeout must be a finite number > 0 s, got {deadline_s!r}", source=url)
    if max_bytes < 1:
        raise FetchError(f"body limit must be >= 1 byte, got {max_bytes!r}", source=url)
    hdrs = {"Accept": "application/json", "Accept-Encoding": "identity", **(headers or {})}
    out = _Outcome()
    deadline = time.monotonic() + deadline_s
    worker = threading.Thread(
        target=_fetch,
        args=(out, url, params, hdrs, deadline, max_bytes),
        name="hashpivot-fetch",
        daemon=True,
    )
    worker.start()
    finished = out.done.wait(deadline_s)
    if not finished or (out.error is None and out.status == 0):
        out.cancel.set()
        raise FetchError(f"timed out after {deadline_s:g} s (total deadline)", source=url)
    err = out.error
    if isinstance(err, FetchError):
        raise err
    if isinstance(err, httpx.TimeoutException):
        raise FetchError(f"timed out after {deadline_s:g} s ({err})", source=url) from None
    if isinstance(err, httpx.ConnectError):
        raise FetchError(f"cannot reach the server ({err})", source=url) from None
    if isinstance(err, httpx.HTTPError | httpx.InvalidURL | OSError | ValueError):
        raise FetchError(f"request failed: {type(err).__name__}: {err}", source=url) from None
    if err is not None:
        raise err
    return out.status, out.body


def _depth(body: bytes) -> int:
    """Deepest nesting of ``[``/``{`` in a JSON text, strings skipped [levels]."""
    level = deepest = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b'""', body)):
        level += 1 if m.group() in (b"[", b"{") else -1
        deepest = max(deepest, level)
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(body: bytes, url: str) -> Any:
    """Parse a JSON body with the depth and number-size guards; a FetchError naming ``url``."""
    if _depth(body) > MAX_JSON_DEPTH:
        raise FetchError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", source=url)

    def parse_int(text: str) -> int:
        if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
            raise ValueError(f"an integer of {len(text)} digits (> {MAX_JSON_INT_DIGITS})")
        return int(text)

    try:
        return json.loads(body, parse_int=parse_int, parse_constant=_refuse_constant)
    except RecursionError:
        raise FetchError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", source=url) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, the guards above
        text = body[:80].decode("utf-8", "replace")
        raise FetchError(f"response is not JSON ({exc}): {text!r}", source=url) from None
