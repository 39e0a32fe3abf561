"""``hashpivot serve``: the app on uvicorn."""

from __future__ import annotations

from pathlib import Path

from hashpivot.service.settings import Settings, check_host

__all__ = ["serve"]


def serve(*, host: str, port: int, store: Path | None, scheduler: str | None = None) -> None:
    """Serve on ``host:port`` until stopped; off loopback only with ``HASHPIVOT_TOKEN``
    (InputError otherwise, before anything starts)."""
    settings = Settings.from_env(store, scheduler)
    check_host(host, settings.token)
    if not 0 <= port <= 65_535:
        from hashpivot.errors import InputError

        raise InputError("--port", port, "0..65535")
    import uvicorn

    from hashpivot.service.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
