"""The service's settings: where the store lives, the token, and the limits of a request."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from hashpivot.errors import InputError

__all__ = ["LOOPBACK_NAMES", "Settings", "check_host", "default_store_path"]

LOOPBACK_NAMES = ("localhost",)

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
    """

    store: Path
    token: str | None = None
    max_paths_per_run: int = 200_000
    max_body_bytes: int = 1_000_000
    max_concurrent_jobs: int = 2

    @classmethod
    def from_env(cls, store: Path | None = None) -> Settings:
        """Settings with the token from ``HASHPIVOT_TOKEN`` (empty = none)."""
        return cls(
            store=store or default_store_path(), token=os.environ.get(TOKEN_ENV) or None
        )
