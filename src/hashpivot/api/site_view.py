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
from hashpivot.config.site import SiteFile, is_site_file, parse_site


def site_strategy_view(path: str | Path, strategy: str) -> dict[str, Any] | None:
    """The engine's value of ``strategy`` on a site file's deterministic scenario (None for a
    standalone lease / GPU file, which has no site to convert)."""
    data = read_toml(path)
    if not is_site_file(data):
        return None
    return site_view_of(parse_site(data, source=str(path)), path, strategy)


def site_view_of(doc: SiteFile, path: str | Path, strategy: str) -> dict[str, Any] | None:
    """:func:`site_strategy_view` of a parsed site file ``doc`` (read from ``path``): the engine
    case is built from ``doc`` (:func:`hashpivot.api.case.case_from_site`), not a new read."""
    from hashpivot.api.case import case_from_site
    from hashpivot.api.compare import market_statement
    from hashpivot.engine.deterministic import run_deterministic

    case = case_from_site(doc, path)
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
