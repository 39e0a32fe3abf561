"""``hashpivot lease`` and ``gpu-cloud`` on a site file: views of the engine's deterministic run.

On a site file the headline ``npv_usd`` is the engine's ``lease`` (or ``gpu_cloud``) strategy on
the site's named deterministic scenario, the same number as ``compare --deterministic``: convert
now, mine on the unconverted share while the hall is built, sell the displaced ASICs, value the
hall to the site's horizon and exit there. The lease or GPU project on its own (its own term,
exit, taxes and debt: post-processing of the same core cash flows) is kept beside it as
``project_npv_usd``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hashpivot.config.files import read_toml
from hashpivot.config.site import is_site_file


def site_strategy_view(path: str | Path, strategy: str) -> dict[str, Any] | None:
    """The engine's value of ``strategy`` on a site file's deterministic scenario (None for a
    standalone lease / GPU file, which has no site to convert)."""
    if not is_site_file(read_toml(path)):
        return None
    from hashpivot.api.compare import build_case, market_statement
    from hashpivot.engine.deterministic import run_deterministic

    case = build_case(path)
    run = run_deterministic(case)
    stats = run.comparison.strategies.get(strategy)
    if stats is None:
        return None
    return {
        "npv_usd": stats.npv_mean_usd,
        "npv_basis": f"the site's `{strategy}` strategy of `hashpivot compare --deterministic`: "
        "convert now, keep mining the unconverted share while the hall is built, sell the "
        "displaced ASICs, value to the site's horizon "
        f"({case.horizon} months from {case.start:%Y-%m}) and exit there; pre-tax, unlevered",
        "market": market_statement(case, run.comparison),
        "site_irr": stats.irr_p50,
        "site_irr_display": stats.irr_display,
    }
