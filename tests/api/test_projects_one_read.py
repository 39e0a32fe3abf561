"""``hashpivot lease SITE`` / ``gpu-cloud SITE`` read the site file once: the standalone project
and the engine view (``compare --deterministic``'s strategy) are built from one parsed file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hashpivot.config.files as files
from hashpivot.api.compare import build_case
from hashpivot.api.projects import gpu_cloud_report, lease_report
from hashpivot.engine.deterministic import run_deterministic

REPO = Path(__file__).resolve().parents[2]
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"
LEASE_FILE = REPO / "examples/leases/ms-hyperscaler.toml"


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the readers of config/files.py check before opening (one per read)."""
    seen: list[Path] = []
    real = files.checked_file

    def counting(path: str | Path, **kw: Any) -> Path:
        seen.append(Path(path).resolve())
        return real(path, **kw)

    monkeypatch.setattr(files, "checked_file", counting)
    return seen


@pytest.mark.parametrize(
    ("report", "strategy"), [(lease_report, "lease"), (gpu_cloud_report, "gpu_cloud")]
)
def test_site_file_is_read_once(
    monkeypatch: pytest.MonkeyPatch,
    report: Callable[[Path], dict[str, Any]],
    strategy: str,
) -> None:
    seen = _count_reads(monkeypatch)
    out = report(PERMIAN)
    assert seen.count(PERMIAN.resolve()) == 1  # was 3: project, site check, engine case
    # the one read still gives the engine's number (compare --deterministic's strategy) ...
    det = run_deterministic(build_case(PERMIAN)).comparison.strategies[strategy]
    assert out["npv_usd"] == pytest.approx(det.npv_mean_usd, rel=1e-12)
    # ... beside the project on its own
    assert "project_npv_usd" in out and out["project_npv_usd"] != out["npv_usd"]


def test_standalone_lease_file_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _count_reads(monkeypatch)
    out = lease_report(LEASE_FILE)
    assert seen.count(LEASE_FILE.resolve()) == 1
    assert "project_npv_usd" not in out and out["npv_basis"].startswith("the project on its own")
