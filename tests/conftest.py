"""Shared fixtures: the shared data folder (skip with a reason where it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
