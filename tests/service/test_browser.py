"""The dashboard in headless Chromium (Debian's, driven by Playwright) against a real server:
submit a site, check the numbers shown equal the API's, validation beside the field, a Monte
Carlo job with progress, open a past run, two side by side, download the Excel; no console
error and no request leaves the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
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
WAIT_MS = 180_000

pytestmark = pytest.mark.browser


def _is_error(message: Any) -> bool:
    """A console error, except Chromium's own network line for the 422 the test provokes on
    purpose (a bad field: the API answers 422 and the page shows it beside the field)."""
    if message.type != "error":
        return False
    expected = "status of 422" in message.text and message.location.get("url", "").endswith(
        "/v1/sites/validate"
    )
    return not expected


@pytest.fixture
def page(api_server: Any) -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} missing (make chromium installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, accept_downloads=True
        )
        pg = context.new_page()
        pg.set_default_timeout(WAIT_MS)
        errors: list[str] = []
        foreign: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on(
            "request",
            lambda r: (
                None if r.url.startswith((api_server.url, "data:")) else foreign.append(r.url)
            ),
        )
        pg.goto(api_server.url + "/")
        yield pg
        browser.close()
    assert errors == [], errors
    assert foreign == [], foreign


def _shown_npv(page: Any) -> dict[str, float]:
    rows = page.locator("#ranked tbody tr")
    return {
        rows.nth(i).get_attribute("data-strategy"): float(
            rows.nth(i).locator("td").nth(1).get_attribute("data-value")
        )
        for i in range(rows.count())
    }


def _shown_run(page: Any) -> int:
    return int(page.locator("#run-label").inner_text().split("run ")[1].split(",")[0])


def test_dashboard_runs_a_site_and_shows_the_api_numbers(page: Any, client: Any) -> None:
    page.wait_for_selector("#example option[value=permian-west-100mw-s21]", state="attached")
    page.select_option("#example", "permian-west-100mw-s21")
    # a bad value: the message appears beside its field, nothing runs
    page.fill("#btc_vol_per_year", "9")
    page.click("#run")
    page.wait_for_function("document.getElementById('err-btc_vol_per_year').textContent !== ''")
    assert "btc_vol_per_year" in page.inner_text("#err-btc_vol_per_year")
    page.fill("#btc_vol_per_year", "")
    page.fill("#power_price_usd_per_mwh", "38")
    page.click("#run")
    page.wait_for_selector("#answer:not([hidden]) #ranked tbody tr")
    first = _shown_run(page)
    api = client.get(f"/v1/runs/{first}").json()
    assert api["inputs"]["power"]["price_usd_per_mwh"] == 38.0
    want = {k: v["npv_mean_usd"] for k, v in api["result"]["strategies"].items()}
    assert _shown_npv(page) == want
    assert (
        page.locator("#recommendation").get_attribute("data-strategy")
        == api["result"]["recommendation"]
    )

    # Monte Carlo as a job, with progress, then the answer
    page.check("input[name=mode][value=montecarlo]")
    page.fill("#paths", "5000")
    page.click("#run")
    page.wait_for_function(
        f"document.getElementById('run-label').textContent.includes('5000 path')"
        f" && !document.getElementById('run-label').textContent.includes('run {first},')"
    )
    second = _shown_run(page)
    job = client.get(f"/v1/runs/{second}").json()
    assert job["kind"] == "compare" and job["status"] == "done"
    assert _shown_npv(page) == {
        k: v["npv_mean_usd"] for k, v in job["result"]["strategies"].items()
    }

    # open the first run again from the list
    page.click("#refresh")
    page.locator(f"#runs tr[data-run='{first}'] button.open").click()
    page.wait_for_function(
        f"document.getElementById('run-label').textContent.includes('run {first},')"
    )
    assert _shown_npv(page) == want

    # the two side by side, with the inputs that differ highlighted
    page.check(f"#runs tr[data-run='{first}'] input")
    page.check(f"#runs tr[data-run='{second}'] input")
    page.click("#side-by-side")
    page.wait_for_selector("#pair tr.diff")
    assert page.locator("#pair > div").count() == 2

    # download the Excel report of the run shown
    with page.expect_download() as info:
        page.click("#dl-xlsx")
    download = info.value
    assert download.suggested_filename == f"run-{first}-compare.xlsx"
    with Path(download.path()).open("rb") as f:
        assert openpyxl.load_workbook(f).sheetnames
