"""The API over HTTP against a real ``hashpivot serve`` on 127.0.0.1."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples" / "sites" / "permian-west-100mw-s21.toml"
EXAMPLE = {"example": "permian-west-100mw-s21"}


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(list(args)) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_openapi_lists_the_versioned_endpoints(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in (
        "/v1/sites/validate",
        "/v1/mine",
        "/v1/lease",
        "/v1/gpu-cloud",
        "/v1/compare/deterministic",
        "/v1/jobs/compare",
        "/v1/jobs/{run_id}",
        "/v1/runs",
        "/v1/runs/diff",
        "/v1/runs/{run_id}/report.{fmt}",
    ):
        assert p in paths, p


def test_deterministic_compare_over_http_equals_the_cli_json(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    run = client.post("/v1/compare/deterministic", json={**EXAMPLE, "sensitivity": "none"})
    assert run.status_code == 200, run.text
    cli = cli_json(
        capsys, "compare", str(SITE), "--deterministic", "--sensitivity", "none", "--json"
    )
    http = dict(run.json()["result"])
    assert http.pop("report_files") == ["compare.xlsx", "compare.html"]
    assert http == cli


@pytest.mark.parametrize(
    ("path", "command"),
    [("/v1/mine", "mine"), ("/v1/lease", "lease"), ("/v1/gpu-cloud", "gpu-cloud")],
)
def test_direct_runs_give_the_cli_numbers(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], path: str, command: str
) -> None:
    http = client.post(path, json=EXAMPLE).json()["result"]
    cli = cli_json(capsys, command, str(SITE), "--json")
    assert http["npv_usd"] == cli["npv_usd"]


def test_a_bad_field_is_a_422_naming_it_with_the_cli_message(
    client: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # btc_vol_per_year is bounded to [0, 5] (config/parameters.csv)
    bad = {**EXAMPLE, "overrides": {"btc_vol_per_year": 9.0}}
    r = client.post("/v1/sites/validate", json=bad)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "market.btc_vol_per_year"
    text = SITE.read_text().replace("[compare]", "[market]\nbtc_vol_per_year = 9.0\n\n[compare]")
    site = tmp_path / "bad.toml"
    site.write_text(text)
    assert main(["compare", str(site), "--deterministic"]) == 2
    cli_line = " ".join(capsys.readouterr().err.split())
    assert cli_line.endswith(err["message"]), (cli_line, err["message"])


def test_an_uploaded_site_file_is_validated(client: httpx.Client) -> None:
    files = {"file": ("site.toml", SITE.read_bytes(), "application/toml")}
    ok = client.post("/v1/sites/validate/upload", files=files).json()
    assert ok["valid"] and ok["capacity_mw"] == 100.0
    bad = {"file": ("site.toml", b"[site\nname=", "application/toml")}
    r = client.post("/v1/sites/validate/upload", files=bad)
    assert r.status_code == 422 and r.json()["error"]["field"] == "site_toml"


def test_a_submitted_site_names_no_file_outside_the_shared_data(client: httpx.Client) -> None:
    text = SITE.read_text().replace(
        "[power]\n", '[power]\nsource = "/etc/passwd"\nlocation = "HB_WEST"\n'
    )
    r = client.post("/v1/sites/validate", json={"site_toml": text})
    assert r.status_code == 422 and r.json()["error"]["field"] == "power.source"


def test_limits_answer_4xx_naming_the_limit(client: httpx.Client) -> None:
    r = client.post("/v1/jobs/compare", json={**EXAMPLE, "paths": 10_000_000})
    assert r.status_code == 422 and r.json()["error"]["limit"] == "max_paths_per_run"
    big = {"site_toml": "#" * 2_000_000}
    r = client.post("/v1/sites/validate", json=big)
    assert r.status_code == 413 and r.json()["error"]["limit"] == "max_body_bytes"


def test_monte_carlo_job_result_reports_and_rerun(
    client: httpx.Client, wait_job: Callable[..., dict[str, Any]]
) -> None:
    body = {**EXAMPLE, "paths": 5_000, "seed": 7, "sensitivity": "none"}
    job = client.post("/v1/jobs/compare", json=body)
    assert job.status_code == 202
    run_id = job.json()["id"]
    status = wait_job(client, run_id)
    assert status["status"] == "done", status
    assert status["progress"]["done"] == status["progress"]["total"] >= 1
    run = client.get(f"/v1/jobs/{run_id}/result").json()
    assert run["seed"] == 7 and run["paths"] == 5_000
    assert run["input_sha256"] and run["snapshot_as_of"] and run["package_version"]
    xlsx = client.get(f"/v1/runs/{run_id}/report.xlsx")
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert client.get(f"/v1/runs/{run_id}/report.html").text.lstrip().startswith("<")
    again = client.post(f"/v1/runs/{run_id}/rerun").json()
    assert wait_job(client, again["id"])["status"] == "done"
    rerun = client.get(f"/v1/runs/{again['id']}").json()
    assert rerun["result"]["strategies"] == run["result"]["strategies"]
    assert rerun["input_sha256"] != ""  # the stored inputs, written again


def test_a_stored_deterministic_run_reruns_to_the_same_numbers(client: httpx.Client) -> None:
    body = {**EXAMPLE, "sensitivity": "none", "overrides": {"power_price_usd_per_mwh": 35.0}}
    first = client.post("/v1/compare/deterministic", json=body).json()
    again = client.post(f"/v1/runs/{first['id']}/rerun").json()
    assert again["id"] != first["id"]
    assert again["result"]["strategies"] == first["result"]["strategies"]


def test_runs_are_listed_and_diffed(client: httpx.Client) -> None:
    a = client.post(
        "/v1/compare/deterministic", json={**EXAMPLE, "sensitivity": "none", "reports": False}
    ).json()
    b = client.post(
        "/v1/compare/deterministic",
        json={
            **EXAMPLE,
            "sensitivity": "none",
            "reports": False,
            "overrides": {"power_price_usd_per_mwh": 30.0},
        },
    ).json()
    ids = [r["id"] for r in client.get("/v1/runs").json()["runs"]]
    assert a["id"] in ids and b["id"] in ids
    diff = client.get(f"/v1/runs/diff?a={a['id']}&b={b['id']}").json()
    changed = {row["field"]: (row["a"], row["b"]) for row in diff["inputs"]}
    assert changed == {"site.power.price_usd_per_mwh": (42.0, 30.0)}
    npv = {row["strategy"]: row for row in diff["npv_mean_usd"]}
    # cheaper power raises the value of mining
    assert npv["mine"]["b_usd"] > npv["mine"]["a_usd"]


def test_a_cancelled_job_is_marked_cancelled(
    client: httpx.Client, wait_job: Callable[..., dict[str, Any]]
) -> None:
    job = client.post("/v1/jobs/compare", json={**EXAMPLE, "paths": 200_000, "seed": 3})
    run_id = job.json()["id"]
    assert client.delete(f"/v1/jobs/{run_id}").status_code == 202
    status = wait_job(client, run_id)
    assert status["status"] == "cancelled"
    assert client.get(f"/v1/jobs/{run_id}/result").status_code == 409


def test_unknown_run_is_404(client: httpx.Client) -> None:
    assert client.get("/v1/runs/999999").status_code == 404


def test_a_company_job_values_the_sites_sent_with_it(
    client: httpx.Client, wait_job: Callable[..., dict[str, Any]]
) -> None:
    company = (
        '[company]\nname = "Test Co"\nshares_outstanding = 1000000\nnet_debt_usd = 0\n'
        "corporate_ga_usd_per_year = 0\nga_months = 12\ndiscount_rate = 0.12\n\n"
        '[[site]]\nfile = "permian.toml"\n'
    )
    outside = company.replace("permian.toml", "../../../etc/hosts")
    r = client.post("/v1/jobs/company", json={"company_toml": outside, "sites": {}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "site[0].file"
    body = {
        "company_toml": company,
        "sites": {"permian.toml": SITE.read_text()},
        "paths": 5_000,
        "seed": 1,
    }
    job = client.post("/v1/jobs/company", json=body)
    assert job.status_code == 202, job.text
    status = wait_job(client, job.json()["id"])
    assert status["status"] == "done", status
    result = client.get(f"/v1/jobs/{job.json()['id']}/result").json()["result"]
    # one site, no debt, no G&A: equity is the site's value
    assert result["equity"]["mean_usd"] == pytest.approx(result["by_megawatts"]["ev_mean_usd"])


def test_calc_over_http_equals_the_cli_json(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {
        "hashrate_th_s": 270.0,
        "efficiency_j_per_th": 13.5,
        "power_usd_per_mwh": 50.0,
        "difficulty": 100e12,
        "btc_price_usd": 100_000.0,
        "fees_btc_per_block": 0.05,
        "pool_fee_frac": 0.02,
        "uptime_frac": 0.95,
    }
    r = client.post("/v1/calc", json=body)
    assert r.status_code == 200, r.text
    args = [f"--{k.replace('_', '-')}={v}" for k, v in body.items()]
    assert r.json() == cli_json(capsys, "calc", *args, "--json")
    assert round(r.json()["profit_usd_per_day"], 2) == 11.90  # the hand-worked day (tests/mining)
    bad = client.post("/v1/calc", json={**body, "power_usd_per_mwh": 1e12})
    assert bad.status_code == 422 and "power" in bad.text
