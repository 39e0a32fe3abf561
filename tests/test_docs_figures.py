"""Figures quoted in README.md and docs/methodology.md are what the CLI prints now (the
deterministic ones, which do not depend on Monte Carlo noise)."""

from __future__ import annotations

import re
from pathlib import Path

from hashpivot.api.mining import run_mining

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _m(usd: float) -> str:
    return f"{'-' if usd < 0 else ''}${abs(usd) / 1e6:.1f}M"


def test_the_readme_quotes_mines_split_as_printed() -> None:
    r = run_mining(SITE).summary
    quoted = re.search(r"Permian West: (\S+) \+ (\S+) = (\S+)\.", (REPO / "README.md").read_text())
    assert quoted is not None
    printed = (_m(r["npv_operating_usd"]), _m(r["residual_value_pv_usd"]), _m(r["npv_usd"]))
    assert quoted.groups() == printed
    methodology = (REPO / "docs/methodology.md").read_text()
    assert f"horizon ({printed[1]} PV), NPV {printed[2]}" in methodology
