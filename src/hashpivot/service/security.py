"""The request guard (pure ASGI): the token off loopback, and the request body limit."""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestGuard"]


async def _answer(send: Send, status: int, error: dict[str, Any]) -> None:
    body = json.dumps({"error": error}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _token_of(headers: dict[bytes, bytes]) -> str | None:
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "hashpivot_token":
            return value
    return None


class RequestGuard:
    """Every HTTP request carries ``token`` (when set) as ``Authorization: Bearer TOKEN`` or
    the ``hashpivot_token`` cookie (401 otherwise), and a body of at most ``max_body_bytes``
    (413 naming the limit). The token is compared in constant time and never logged."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int) -> None:
        self.app = app
        self.token = token
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if self.token is not None:
            given = _token_of(headers) or ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                await _answer(send, 401, {"field": "authorization", "message": "token required"})
                return
        too_big = {
            "field": "body",
            "message": f"request body over max_body_bytes = {self.max_body_bytes}",
            "limit": "max_body_bytes",
        }
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _answer(send, 413, too_big)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)
