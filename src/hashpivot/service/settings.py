"""The service's settings: where the store lives, the token, and the limits of a request."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from hashpivot.errors import InputError

__all__ = ["LOOPBACK_NAMES", "Settings", "check_host", "default_store_path"]

LOOPBACK_NAMES = ("localhost",)

#: default limits: Monte Carlo paths of one run, request body [bytes], jobs at once
MAX_PATHS_PER_RUN = 200_000
MAX_BODY_BYTES = 1_000_000
MAX_CONCURRENT_JOBS = 2

#: the environment variable holding the token every request must carry off loopback
TOKEN_ENV = "HASHPIVOT_TOKEN"


def default_store_path() -> Path:
    """``$XDG_DATA_HOME/hashpivot/runs.duckdb`` (``~/.local/share`` without XDG_DATA_HOME)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hashpivot" / "runs.duckdb"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, token: str | None) -> None:
    """Off loopback, a token is required (InputError naming --host and the variable)."""
    if not is_loopback(host) and not token:
        raise InputError(
            "--host",
            host,
            f"127.0.0.1 (loopback), or set {TOKEN_ENV} to serve on another address",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """store : the DuckDB file (its folder holds the runs' files)
    token : every request must carry it (``Authorization: Bearer TOKEN``) when set
    max_paths_per_run : Monte Carlo paths [paths]; max_body_bytes : request body [bytes]
    max_concurrent_jobs : Monte Carlo and company jobs queued or running at once
    scheduler : a Dask scheduler's address for Monte Carlo compare jobs (None: in process)
    """

    store: Path
    token: str | None = None
    max_paths_per_run: int = MAX_PATHS_PER_RUN
    max_body_bytes: int = MAX_BODY_BYTES
    max_concurrent_jobs: int = MAX_CONCURRENT_JOBS
    scheduler: str | None = None

    @classmethod
    def from_env(cls, store: Path | None = None, scheduler: str | None = None) -> Settings:
        """Settings with the token from ``HASHPIVOT_TOKEN`` (empty = none) and the limits from
        ``HASHPIVOT_MAX_PATHS``, ``HASHPIVOT_MAX_BODY_BYTES``, ``HASHPIVOT_MAX_JOBS``."""
        return cls(
            store=store or default_store_path(),
            token=os.environ.get(TOKEN_ENV) or None,
            max_paths_per_run=_env_int("HASHPIVOT_MAX_PATHS", MAX_PATHS_PER_RUN, 10_000_000),
            max_body_bytes=_env_int("HASHPIVOT_MAX_BODY_BYTES", MAX_BODY_BYTES, 100_000_000),
            max_concurrent_jobs=_env_int("HASHPIVOT_MAX_JOBS", MAX_CONCURRENT_JOBS, 64),
            scheduler=scheduler,
        )


def _env_int(name: str, default: int, high: int) -> int:
    """A positive whole number from the environment (InputError naming the variable)."""
    text = os.environ.get(name)
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= high:
        raise InputError(name, text, f"a whole number in [1, {high:,}]")
    return int(text)
