"""The FastAPI app: /v1 endpoints, the dashboard (``/``) and its files, error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pydantic
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse

from hashpivot.adapters.store import RunStore
from hashpivot.api.jobs import as_input_error, package_version
from hashpivot.errors import HashpivotError, InputError
from hashpivot.service import routes, routes_runs
from hashpivot.service.runner import JobRunner, JobsFullError
from hashpivot.service.runs import Runs
from hashpivot.service.security import RequestGuard
from hashpivot.service.settings import Settings

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"app.js": "text/javascript", "app.css": "text/css"}


def plotly_js() -> Path:
    """plotly.js as the installed plotly package ships it (no CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _error(status: int, field: str, message: str, limit: str | None = None) -> JSONResponse:
    err: dict[str, Any] = {"field": field, "message": message}
    if limit:
        err["limit"] = limit
    return JSONResponse({"error": err}, status_code=status)


def _input_error(exc: InputError) -> JSONResponse:
    plain = InputError(exc.field, exc.value, exc.allowed)  # no server path in the message
    limit = exc.allowed.split(" = ")[0].split()[-1] if "max_" in exc.allowed else None
    return _error(422, exc.field, str(plain), limit)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def on_input(_: Request, exc: InputError) -> JSONResponse:
        return _input_error(exc)

    @app.exception_handler(HashpivotError)
    async def on_hashpivot(_: Request, exc: HashpivotError) -> JSONResponse:
        return _error(422, "(file)", str(exc))

    @app.exception_handler(pydantic.ValidationError)
    async def on_pydantic(_: Request, exc: pydantic.ValidationError) -> JSONResponse:
        return _input_error(as_input_error(exc))

    @app.exception_handler(RequestValidationError)
    async def on_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0]
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "body"
        return _error(422, field, f"{field}: {err.get('msg', 'invalid')}")

    @app.exception_handler(JobsFullError)
    async def on_full(_: Request, exc: JobsFullError) -> JSONResponse:
        return _error(429, "jobs", str(exc), "max_concurrent_jobs")


def _pages(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        if name == "plotly.min.js":
            return FileResponse(plotly_js(), media_type="text/javascript")
        if name not in STATIC_FILES:
            raise HTTPException(404, "no such file")
        return FileResponse(STATIC / name, media_type=STATIC_FILES[name])


def create_app(settings: Settings) -> FastAPI:
    """The service on the store of ``settings`` (opened when the app starts)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = RunStore(settings.store)
        runner = JobRunner(store, settings.max_concurrent_jobs)
        app.state.runs = Runs(
            store, runner, max_paths=settings.max_paths_per_run, scheduler=settings.scheduler
        )
        try:
            yield
        finally:
            runner.shutdown()
            store.close()

    app = FastAPI(
        title="hashpivot",
        version=package_version(),
        description="Mine, lease or compute: value a Bitcoin mining site's paths over HTTP.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.include_router(routes.router)
    app.include_router(routes_runs.router)
    _handlers(app)
    _pages(app)
    app.add_middleware(RequestGuard, token=settings.token, max_body_bytes=settings.max_body_bytes)
    return app
