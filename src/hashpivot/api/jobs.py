"""The runs an HTTP service answers, each as one JSON-ready object (the CLI's ``--json``).

Every function takes a site (or company) file that the caller has written, calls the same
``api`` functions as the CLI and renders with :func:`hashpivot.api.jsonable.to_jsonable`, so a
run over HTTP gives the CLI's numbers. ``progress(done, total)`` may raise to stop a Monte Carlo
run (the service cancels a job that way).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pydantic

from hashpivot.api import decide
from hashpivot.api.case import build_case
from hashpivot.api.company import value_company, write_company_report_files
from hashpivot.api.jsonable import to_jsonable
from hashpivot.api.mining import run_mining
from hashpivot.api.projects import gpu_cloud_report, lease_report
from hashpivot.config.errors import first_input_error
from hashpivot.engine.compare import Comparison
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT

__all__ = [
    "HISTOGRAM_BINS",
    "check_site",
    "company_result",
    "compare_result",
    "first_input_error",
    "gpu_cloud_result",
    "lease_result",
    "mine_result",
    "package_version",
    "snapshot_as_of",
]

#: bins of the NPV histograms the dashboard draws
HISTOGRAM_BINS = 40

Progress = Callable[[int, int], None]


def _json(obj: Any) -> dict[str, Any]:
    """:func:`to_jsonable` of a mapping (a JSON object)."""
    out: dict[str, Any] = to_jsonable(obj)
    return out


def package_version() -> str:
    """The installed hashpivot version (``0+unknown`` outside an installed package)."""
    try:
        return version("hashpivot")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def snapshot_as_of() -> str:
    """The date of the built-in market snapshot every run starts from (YYYY-MM-DD)."""
    return SNAPSHOT.as_of.isoformat()


def as_input_error(exc: pydantic.ValidationError, source: str | None = None) -> InputError:
    """A pydantic error as the CLI's one-message-per-field :class:`InputError`."""
    return first_input_error(exc, source=source)


def check_site(path: Path) -> dict[str, Any]:
    """Validate a site file by building its case: its name, size, horizon and strategies."""
    case = build_case(path)
    return _json(
        {
            "site": case.mining.name,
            "capacity_mw": case.mining.capacity_mw,
            "start": f"{case.mining.start:%Y-%m}",
            "horizon_months": case.horizon,
            "strategies": list(case.strategies),
            "defaulted_tables": list(case.defaulted_tables),
        }
    )


def charts(cmp: Comparison) -> dict[str, Any]:
    """What the dashboard draws beyond the CLI's JSON: each strategy's NPV histogram [USD]
    (``HISTOGRAM_BINS`` bins over the paths) and its mean monthly net cash flow [USD]."""
    out: dict[str, Any] = {}
    for name, s in cmp.strategies.items():
        npv = np.asarray(s.npv_usd, dtype=float)
        npv = npv[np.isfinite(npv)]
        counts, edges = np.histogram(npv, bins=HISTOGRAM_BINS) if npv.size else ([], [])
        out[name] = {
            "npv_histogram": {"counts": counts, "edges_usd": edges},
            "monthly_mean_net_usd": s.monthly_mean_net_usd,
        }
    return _json(out)


def compare_result(
    path: Path,
    *,
    paths: int,
    seed: int,
    deterministic: bool,
    scenario: str | None = None,
    months: int | None = None,
    sensitivity_of: str | None = None,
    report_dir: Path | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``hashpivot compare [--deterministic] --json`` on a site file: (the CLI's JSON, the
    dashboard's charts). Reports (Excel + HTML) go to ``report_dir`` when given; a Monte Carlo
    run goes to the Dask ``scheduler`` when given (the same numbers for a seed)."""
    case = decide.prepare_compare(
        path,
        paths=paths,
        seed=seed,
        months=months,
        sensitivity_of=sensitivity_of,
        snapshot=SNAPSHOT,
        deterministic=deterministic,
        scenario=scenario,
    )
    if deterministic:
        cmp = decide.deterministic(case, scenario)
    else:
        cmp = decide.simulate(
            case,
            paths=paths,
            seed=seed,
            batch_paths=5_000,
            backend="local" if scheduler is None else "dask",
            scheduler=scheduler,
            workers=None,
            progress=progress,
        )
    out, rows = decide.finish_compare(case, cmp, sensitivity_of=sensitivity_of, report=report_dir)
    out["assumptions"] = [{"name": n, "value": v, "source": s} for n, v, s in rows]
    return _json(out), charts(cmp)


def mine_result(path: Path, *, scenario: str | None = None) -> dict[str, Any]:
    """``hashpivot mine --json`` on a site file."""
    if scenario is not None and scenario not in decide.SCENARIO_NAMES:
        raise InputError("scenario", scenario, "one of " + ", ".join(decide.SCENARIO_NAMES))
    report = run_mining(path, scenario=scenario)
    return _json(
        {**report.summary, "assumptions": dict(report.assumptions), "monthly": report.monthly}
    )


def lease_result(path: Path) -> dict[str, Any]:
    """``hashpivot lease --json`` on a site or lease file."""
    return _json(lease_report(path))


def gpu_cloud_result(path: Path) -> dict[str, Any]:
    """``hashpivot gpu-cloud --json`` on a site or GPU file."""
    return _json(gpu_cloud_report(path))


def company_result(
    path: Path,
    *,
    paths: int,
    seed: int,
    report_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """``hashpivot company --json`` on a company file (its site files beside it)."""
    if not 1 <= paths <= 2_000_000:
        raise InputError("paths", paths, "1..2,000,000")
    if seed < 0:
        raise InputError("seed", seed, "an integer >= 0")
    out, co, _ = value_company(path, paths=paths, seed=seed, progress=progress)
    write_company_report_files(report_dir, out, co)
    return _json(out)
