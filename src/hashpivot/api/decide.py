"""The compare job as the interfaces run it: validate the run options, build the case, simulate
on a backend, summarise, add the sensitivity and write the reports.

:func:`prepare_compare` -> :func:`simulate` -> :func:`finish_compare`; an interface may show
progress between the steps (the CLI draws a bar from :func:`simulate`'s ``progress``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hashpivot.api.answer import compare_answer
from hashpivot.api.compare import assumptions, build_case, sensitivity, summary
from hashpivot.engine.backends import open_backend
from hashpivot.engine.compare import Comparison
from hashpivot.engine.compare import compare as run_compare
from hashpivot.engine.deterministic import run_deterministic
from hashpivot.engine.strategies import CompareCase
from hashpivot.errors import InputError
from hashpivot.market.deterministic import scenario_table_note
from hashpivot.market.snapshot import MarketSnapshot, ScenarioName

SCENARIO_NAMES = tuple(s.value for s in ScenarioName)

__all__ = [
    "CompareCase",
    "Comparison",
    "deterministic",
    "finish_compare",
    "prepare_compare",
    "simulate",
]


def prepare_compare(
    site_file: Path,
    *,
    paths: int,
    seed: int,
    months: int | None,
    sensitivity_of: str | None,
    snapshot: MarketSnapshot,
    deterministic: bool = False,
    scenario: str | None = None,
) -> CompareCase:
    """Check the run options and build the case of a site file (``months`` [months] overrides
    the horizon; ``sensitivity_of``: a strategy of the case, ``"none"`` or None)."""
    if not 1 <= paths <= 10_000_000:
        raise InputError("--paths", paths, "1..10,000,000")
    if seed < 0:
        raise InputError("--seed", seed, "an integer >= 0")
    case = build_case(site_file, months=months, snapshot=snapshot)
    names = list(case.strategies)
    if sensitivity_of is not None and sensitivity_of not in (*names, "none"):
        raise InputError("--sensitivity", sensitivity_of, "one of " + ", ".join([*names, "none"]))
    if scenario is not None and not deterministic:
        raise InputError("--scenario", scenario, "only with --deterministic")
    if scenario is not None and scenario not in SCENARIO_NAMES:
        raise InputError("--scenario", scenario, "one of " + ", ".join(SCENARIO_NAMES))
    return case


def deterministic(case: CompareCase, scenario: str | None) -> Comparison:
    """The engine on one path: the site file's named scenario (or ``scenario``)."""
    return run_deterministic(case, scenario).comparison


def simulate(
    case: CompareCase,
    *,
    paths: int,
    seed: int,
    batch_paths: int,
    backend: str,
    scheduler: str | None,
    workers: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run :func:`hashpivot.engine.compare.compare` on the backend (``local`` or ``dask``);
    ``progress(done, total)`` after each batch."""
    with open_backend(backend, scheduler=scheduler, workers=workers) as map_fn:
        return run_compare(
            case, paths=paths, seed=seed, batch_paths=batch_paths, map_fn=map_fn, progress=progress
        )


def finish_compare(
    case: CompareCase,
    cmp: Comparison,
    *,
    sensitivity_of: str | None,
    report: Path | None,
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The JSON-ready summary (with the sensitivity unless ``"none"``, and the report files
    written to ``report``) and the assumptions as (name, value, source) rows."""
    out = summary(case, cmp)
    note = scenario_table_note(case.scenario_override)
    if note is not None and not cmp.market.startswith("deterministic"):
        out["notes"].append(note)
    if sensitivity_of != "none":
        out["sensitivity"] = sensitivity(case, sensitivity_of or out["recommendation"])
    out["answer"] = compare_answer(out)
    rows = assumptions(case)
    if report is not None:
        from hashpivot.adapters.reports import write_reports

        files = write_reports(report, case, cmp, out, rows)
        out["report_files"] = [str(f) for f in files]
    return out, rows
