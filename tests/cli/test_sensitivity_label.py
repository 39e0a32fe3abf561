"""The report names the tornado's base: the site's named scenario (compare --deterministic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_report_labels_the_tornado_base_with_its_scenario(
    compare_run: tuple[dict[str, Any], Path],
) -> None:
    out, folder = compare_run
    sens = out["sensitivity"]
    assert sens["scenario"] == "base"  # the Permian example's [mining] scenario
    assert sens["base_label"].startswith("deterministic base: the site's 'base' scenario")
    page = (folder / "compare.html").read_text()
    assert "the 'base' scenario of compare --deterministic; the tornado's centre" in page
    assert "zero-volatility market path; the tornado" not in page
