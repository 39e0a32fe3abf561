"""One site model: the file read once, no import circle in config/, no importlib imports."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import hashpivot.config
from hashpivot.api.compare import build_case
from hashpivot.config.site import load_gpu_cloud_file, load_lease_file, load_site

REPO = Path(__file__).resolve().parents[2]
CONFIG = Path(hashpivot.config.__file__).parent
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_no_import_circle_and_no_importlib_in_config() -> None:
    mods = {p.stem: _imports(p) for p in CONFIG.glob("*.py")}
    assert all("import_module" not in p.read_text() for p in CONFIG.glob("*.py"))
    assert not {"hashpivot.config.site", "hashpivot.config.gpu_cloud"} & mods["lease"]
    assert "hashpivot.config.site" not in mods["gpu_cloud"]
    assert {"hashpivot.config.lease", "hashpivot.config.gpu_cloud"} <= mods["site"]


def test_the_lease_model_imports_alone() -> None:
    code = "import sys, hashpivot.config.lease; print('hashpivot.config.site' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_build_case_reads_the_site_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Any] = []
    real = tomllib.loads

    def counting(text: str, **kw: Any) -> dict[str, Any]:
        reads.append(text)
        return real(text, **kw)

    monkeypatch.setattr(tomllib, "loads", counting)
    build_case(PERMIAN, months=12)
    assert len(reads) == 1


def test_the_site_file_and_its_lease_and_gpu_views_agree() -> None:
    """The lease / GPU of a site file are the same sub-models' builders as the site model's."""
    doc = load_site(PERMIAN)
    lease = load_lease_file(PERMIAN)
    gpu = load_gpu_cloud_file(PERMIAN)
    assert lease.terms == doc.lease_case(str(PERMIAN)).terms
    assert gpu.terms == doc.gpu_case(str(PERMIAN)).terms
    # 100 MW / PUE 1.2 = 83.3 IT MW at $82/kW-month; H100 at 1.28 kW per GPU
    assert lease.terms.it_mw == pytest.approx(100 / 1.2)
    assert lease.terms.rent_usd_per_kw_month == 82.0
    assert gpu.conversion.it_mw == pytest.approx(100 / 1.2)
    assert gpu.terms.gpu.it_kw_per_gpu == 1.28
