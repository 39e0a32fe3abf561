"""Shared fixtures: the shared data folder (skip with a reason where it is absent), and a loopback
server replaying the recorded network/price API responses (no test touches the internet)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from replay import Recorded, recorded_routes, serve

# CI runs the property tests on a fixed seed (reproducible); locally they explore anew each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"


def shared_data_dir() -> Path:
    """``$HASHPIVOT_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    env = os.environ.get("HASHPIVOT_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; tests that need it skip, saying why, where it is absent."""
    path = shared_data_dir()
    if not (path / "SOURCES.md").is_file():
        pytest.skip(f"shared data not found at {path} (set HASHPIVOT_SHARED_DATA)")
    return path


@pytest.fixture
def server() -> Iterator[Recorded]:
    """The recorded mempool.space / CoinGecko responses, served on 127.0.0.1."""
    with serve(recorded_routes()) as state:
        yield state
