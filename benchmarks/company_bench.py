"""Speed of ``hashpivot company`` in process against a local Dask cluster, in one run.

The example company (``examples/companies/example-co.toml``: three sites) is valued on the same
``--paths`` market paths of one seed, first in process, then on a ``LocalCluster`` of
``--workers`` processes (``engine.backends.open_backend("dask")``, dashboard on any free port).
Speed is ``sites x paths / s``. The two runs must agree path by path (a company total is a sum
over the same states of the world, wherever they are valued). The break-even BTC price is left
out (``breakeven_paths=0``): it is the same work on both sides.

Usage: python benchmarks/company_bench.py [--paths 20000] [--workers 2] [--json]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from hashpivot.api.company import value_company
from hashpivot.engine.backends import open_backend
from hashpivot.engine.compare import MapFn, local_map

COMPANY = Path(__file__).resolve().parents[1] / "examples/companies/example-co.toml"


def timed(paths: int, seed: int, map_fn: MapFn) -> tuple[float, int, np.ndarray]:
    """Seconds to value the company, its site count and its EV by megawatts per path."""
    t0 = time.perf_counter()
    out, co, _ = value_company(COMPANY, paths=paths, seed=seed, map_fn=map_fn, breakeven_paths=0)
    return time.perf_counter() - t0, len(out["sites"]), co.ev_usd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    a = ap.parse_args()
    t_local, sites, ev_local = timed(a.paths, a.seed, local_map)
    with open_backend("dask", workers=a.workers) as map_fn:
        timed(5_000, a.seed, map_fn)  # warm the workers (imports, compiled kernels)
        t_dask, _, ev_dask = timed(a.paths, a.seed, map_fn)
    res = {
        "company": COMPANY.name,
        "sites": sites,
        "paths": a.paths,
        "workers": a.workers,
        "local_s": round(t_local, 2),
        "dask_s": round(t_dask, 2),
        "local_site_paths_per_s": round(sites * a.paths / t_local),
        "dask_site_paths_per_s": round(sites * a.paths / t_dask),
        "speedup": round(t_local / t_dask, 2),
        "equal_path_by_path": bool(np.array_equal(ev_local, ev_dask)),
    }
    if not a.json:
        print(
            f"{sites} sites x {a.paths:,} paths: in process {t_local:.1f} s "
            f"({res['local_site_paths_per_s']:,}/s), {a.workers}-worker cluster {t_dask:.1f} s "
            f"({res['dask_site_paths_per_s']:,}/s), x{res['speedup']}; "
            f"equal path by path: {res['equal_path_by_path']}"
        )
    print(json.dumps(res))


if __name__ == "__main__":
    main()
