"""The HTML report in a real browser (Debian's Chromium driven by Playwright): the answer names
the JSON's recommendation, every chart holds data, and the page prints to PDF.

``make test`` installs Chromium where it is missing (apt-get, as root); the test skips, saying
why, only where ``/usr/bin/chromium`` is absent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHARTS = {
    "npv-distributions",
    "p50-cash-flows",
    "fan-hashprice",
    "fan-btc-price",
    "tornado",
    "switch-boundary",
    "switch-policy",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium missing: `make test` installs it with apt-get (needs root)",
    ),
]

# what each chart holds, read in the page: its traces and their points
_CHART_POINTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
  id: el.id,
  points: el.data.map(t => Math.max((t.x || []).length, (t.y || []).length)),
  finite: el.data.every(t => (t.x || []).concat(t.y || []).every(
    v => typeof v === 'string' || Number.isFinite(v))),
}))"""


def test_report_in_chromium(compare_run: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    out, folder = compare_run
    page_file = folder / "compare.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(page_file.as_uri())
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot').length >= {len(CHARTS)}"
            )
            answer = page.locator("#answer")
            assert answer.get_attribute("data-strategy") == out["recommendation"]
            text = " ".join(answer.inner_text().split())
            assert text.startswith(f"Recommendation: {out['recommendation']}.")
            assert out["answer"]["sentence"] in text
            for driver in out["answer"]["drivers"][:2]:  # the why names the drivers
                label = next(
                    r["label"]
                    for r in out["sensitivity"]["tornado_readable"]
                    if r["name"] == driver
                )
                assert label.lower() in page.locator("#why").inner_text().lower()
            winner = page.locator("#ranked tr.winner")
            assert winner.count() == 1
            assert winner.get_attribute("data-strategy") == out["recommendation"]
            charts = {c["id"]: c for c in page.evaluate(_CHART_POINTS)}
            assert set(charts) == CHARTS
            for cid, chart in charts.items():
                assert chart["points"] and max(chart["points"]) > 0, cid
                assert chart["finite"], cid
            assert charts["npv-distributions"]["points"] == [1_000] * len(out["strategies"])
            base = page.locator("#deterministic-base").inner_text()
            assert re.fullmatch(r"-?\$[\d,.]+[MB]", base)
            assert "hashpivot" in page.locator("#run").inner_text()
            assert f"seed {out['seed']}" in page.locator("#run").inner_text()
            pdf = tmp_path / "compare.pdf"
            page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
        finally:
            browser.close()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 3  # charts span pages
