"""Hostile GPU cloud inputs: one InputError naming the field (CLI exit 2), or a stated cap; the
assumption rows cite the GPU actually bought."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hashpivot.api.projects import gpu_cloud_report
from hashpivot.cli import main
from hashpivot.compute.gpu_fleet import build_fleet
from hashpivot.config.gpu_cloud import load_gpu_catalogue, parse_gpu_cloud_file
from hashpivot.errors import InputError

GPU = Path(__file__).resolve().parents[2] / "examples" / "gpu"
MERCHANT = (GPU / "h100-merchant.toml").read_text()
IREN = (GPU / "iren-microsoft.toml").read_text()


def _edit(text: str, key: str, value: str) -> str:
    lines = [
        f"{key} = {value}" if ln.split("=")[0].strip() == key else ln for ln in text.split("\n")
    ]
    return "\n".join(lines)


def _refused(tmp_path: Path, text: str, field: str) -> InputError:
    f = tmp_path / "gpu.toml"
    f.write_text(text)
    assert main(["gpu-cloud", str(f)]) == 2
    with pytest.raises(InputError) as err:
        gpu_cloud_report(f)
    assert err.value.field == field
    return err.value


def test_a_contracted_share_without_a_contract_length_is_refused(tmp_path: Path) -> None:
    # 100% contracted with a AAA rating for 0 years ran merchant before
    err = _refused(tmp_path, _edit(IREN, "contract_years", "0"), "gpu_cloud.contract_years")
    assert err.value == 0.0 and "contracted_share_frac" in str(err.allowed)


def test_a_site_too_small_for_one_gpu_is_refused(tmp_path: Path) -> None:
    # 0.001 MW gross / PUE 1.2 = 0.83 kW of IT < 1.28 kW per H100: 0 GPUs (IRR 10%, MOIC 1.66)
    text = _edit(MERCHANT, "capacity_mw", "0.001")
    err = _refused(tmp_path, text, "site.capacity_mw")
    assert err.value == 0.001 and "1.28 kW" in str(err.allowed)


def test_a_contract_ending_after_the_horizon_is_refused(tmp_path: Path) -> None:
    # delivered in month 12, 10-year contract, 6-year horizon
    err = _refused(tmp_path, _edit(IREN, "contract_years", "10"), "gpu_cloud.contract_years")
    assert "at most 5 years" in str(err.allowed)


def _first(text: str, tmp_path: Path) -> Any:
    f = tmp_path / "gpu.toml"
    f.write_text(text)
    case = parse_gpu_cloud_file(__import__("tomllib").loads(text), str(f))
    return build_fleet(case.terms, case.conversion, case.start, case.months).first_purchases[0]


def test_no_purchase_is_priced_before_its_release(tmp_path: Path) -> None:
    # "current" from 2010: the oldest row, A100 (released 2020-05), at its release price
    # ($30,000 quoted 2020-05), not aged back 10 years (~$224k)
    text = _edit(_edit(MERCHANT, "start", "2010-01-01"), "gpu_model", '"current"')
    p = _first(text, tmp_path)
    assert p.spec.name == "A100"
    assert p.capex_usd_per_gpu == pytest.approx(30_000.0)
    # rate: $1.20 quoted 2026-05, at the release 72 months earlier at the 35%-per-2-year decay:
    # 1.20 / 0.65^3 = $4.37 (not $32.62)
    assert p.rate_usd_per_gpu_hour == pytest.approx(1.20 / 0.65**3, rel=1e-9)
    rows = {r["name"]: r["value"] for r in gpu_cloud_report(tmp_path / "gpu.toml")["assumptions"]}
    assert "priced at its 2020-05 release" in rows["capex per GPU (all-in) at purchase"]


def test_the_performance_extrapolation_is_capped_at_ten_years(tmp_path: Path) -> None:
    # a 2090 start: VR200 (8.34 x H100, 2026-09) grows 2.81x per 2-year generation for at most
    # 5 generations (10 years): 8.34 x 2.81^5 ~ 1,470, not 1.99e15
    text = _edit(_edit(MERCHANT, "start", "2090-01-01"), "gpu_model", '"current"')
    p = _first(text, tmp_path)
    vr200 = max(load_gpu_catalogue(0.0).values(), key=lambda s: s.release)  # type: ignore[arg-type,return-value]
    growth = (vr200.relative_performance / 0.315) ** (24 / 76)
    assert p.spec.relative_performance == pytest.approx(vr200.relative_performance * growth**5)
    assert p.spec.relative_performance < 2_000
    assert "capped" in p.spec.source


def test_rows_cite_the_gpu_bought_not_the_newest_row(tmp_path: Path) -> None:
    # "current" from 2025-01 buys the generation current then (GB200 or GB300), not VR200
    text = _edit(_edit(MERCHANT, "start", "2025-01-01"), "gpu_model", '"current"')
    f = tmp_path / "gpu.toml"
    f.write_text(text)
    rows = {r["name"]: r for r in gpu_cloud_report(f)["assumptions"]}
    model = rows["GPU model"]["value"]
    assert model != "VR200"
    assert rows["IT power per GPU"]["source"].startswith(f"catalogue gpu.csv ({model}):")
    assert "Vera Rubin" not in rows["IT power per GPU"]["source"]


def test_catalogue_labels_the_performance_basis_and_prices_b200_on_contract() -> None:
    cat = {s.model.value: s for s in load_gpu_catalogue(0.0).values()}
    assert all(s.performance_basis for s in cat.values())
    # NVIDIA's 3.3x (Vera Rubin NVL144 vs GB300 NVL72) is FP4 inference / FP8 training
    vr = cat["VR200"]
    assert vr.relative_performance == pytest.approx(3.3 * 2.528, abs=0.01)
    assert "NOT dense BF16" in vr.performance_basis and "FP4" in vr.performance_basis
    assert cat["H100"].performance_basis.startswith("dense BF16")
    # B200 on the contract basis of H100 / GB200: on-demand $5.00 less the 20-40% reserved
    # discount (midpoint 30%) = $3.50, not the $5.00 on-demand list
    b200 = cat["B200"]
    assert b200.rate_usd_per_gpu_hour == pytest.approx(5.00 * (1 - 0.30))
    assert "on-demand" not in b200.rate_basis.split("(")[0] and "contract" in b200.rate_basis
    assert "lyceum.technology" in b200.source and "inworld.ai" in b200.source
