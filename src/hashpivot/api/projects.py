"""The AI-path jobs: value a powered-shell lease or a GPU cloud from its file.

On a site file, ``npv_usd`` is the engine's strategy on the site's deterministic scenario
(:mod:`hashpivot.api.site_view`) and the project on its own is ``project_npv_usd``.
Each returns one JSON-ready report: the headline figures of
:func:`hashpivot.valuation.projects.headline` (USD, fractions, USD/W as their keys say), the
deal figures, and the assumptions with their sources.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hashpivot.api.site_view import site_view_of
from hashpivot.compute.shell import deal_figures
from hashpivot.config.files import read_toml
from hashpivot.config.gpu_cloud import gpu_assumption_rows, parse_gpu_cloud_file
from hashpivot.config.lease import lease_assumption_rows, parse_lease_file
from hashpivot.config.site import SiteFile, is_site_file, parse_site
from hashpivot.valuation.projects import headline, value_gpu_cloud, value_lease

__all__ = ["gpu_cloud_report", "lease_report"]


def _read(path: Path) -> tuple[dict[str, Any], SiteFile | None]:
    """The one read of a lease / GPU / site file: its document, and the parsed site file (None
    for a standalone lease or GPU file). Both the project and the engine view are built from
    these (:func:`hashpivot.api.site_view.site_view_of`)."""
    data = read_toml(path)
    return data, parse_site(data, source=str(path)) if is_site_file(data) else None


def lease_report(path: Path) -> dict[str, Any]:
    """Value the lease of a lease file (or a site file's ``[lease]``): NPV, IRR, $/W, deal."""
    data, doc = _read(path)
    case = parse_lease_file(data, str(path)) if doc is None else doc.lease_case(str(path))
    v = value_lease(
        case.terms, case.conversion, case.assumptions, start=case.start, months=case.months
    )
    payload: dict[str, Any] = {
        "command": "lease",
        "file": str(path),
        "name": case.name,
        "tenant": case.config.tenant,
        **headline(v),
        **deal_figures(case.terms, case.config.announced_contract_value_usd),
        "assumptions": lease_assumption_rows(case),
    }
    add_payback_note(payload)
    return with_site_view(payload, doc, path, "lease")


def gpu_cloud_report(path: Path) -> dict[str, Any]:
    """Value the GPU cloud of a GPU file (or a site file's ``[gpu_cloud]``): NPV, IRR, $/W."""
    data, doc = _read(path)
    case = parse_gpu_cloud_file(data, str(path)) if doc is None else doc.gpu_case(str(path))
    v = value_gpu_cloud(
        case.terms, case.conversion, case.assumptions, start=case.start, months=case.months
    )
    cf = v.cash_flows
    extras = {} if cf is None else cf.extras
    payload: dict[str, Any] = {
        "command": "gpu-cloud",
        "file": str(path),
        "name": case.name,
        "gpu_model": case.terms.gpu.model.value,
        "gpus": float(extras["gpus"].max()) if "gpus" in extras else None,
        "contract_value_usd": float(extras["contract_value_usd"][0])
        if "contract_value_usd" in extras
        else None,
        "announced_contract_value_usd": case.config.announced_contract_value_usd,
        **headline(v),
        "terminal_value_at_horizon_usd": {
            "hall_leased": float(extras["hall_terminal_value_usd"][0]),
            "gpus_book": float(extras["gpu_terminal_value_usd"][0]),
        }
        if "hall_terminal_value_usd" in extras
        else None,
        "assumptions": gpu_assumption_rows(case),
    }
    add_payback_note(payload)
    return with_site_view(payload, doc, path, "gpu_cloud")


def add_payback_note(payload: dict[str, Any]) -> None:
    """A payback that never comes is "never" with its reason, not NaN (JSON: null + note)."""
    pb = payload.get("payback_months")
    if "payback_months" in payload and (pb is None or not math.isfinite(pb)):
        payload["payback_months"] = None
        payload["payback_note"] = "never: cumulative cash flow stays below zero over the horizon"


def with_site_view(
    payload: dict[str, Any], doc: SiteFile | None, path: Path, strategy: str
) -> dict[str, Any]:
    """On a site file (``doc``), lead with the engine's value of the strategy (the same number as
    ``compare --deterministic``) and keep the standalone project's NPV beside it (with its
    decomposition, ``project_npv_decomposition_usd``)."""
    view = None if doc is None else site_view_of(doc, path, strategy)
    if view is None:
        payload["npv_basis"] = "the project on its own: its term, exit at the cap rate"
        return payload
    payload["project_npv_usd"] = payload["npv_usd"]
    if "npv_decomposition_usd" in payload:  # it sums to the project's NPV, not the engine's
        payload["project_npv_decomposition_usd"] = payload.pop("npv_decomposition_usd")
    payload.update(view)
    return payload
