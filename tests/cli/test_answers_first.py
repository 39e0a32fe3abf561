"""Answers first in the terminal: each command's sentence, a ranked table that fits 80 columns
with no cell cut, help text that keeps its bracketed words, and the defects of issue 11."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from hashpivot.api.answer import money_m, pct
from hashpivot.api.mining import run_mining
from hashpivot.cli import main
from hashpivot.cli._compare_view import render_compare
from hashpivot.cli.mining import _render_report

REPO = Path(__file__).resolve().parents[2]
CURTAIL = REPO / "examples/sites/permian-west-100mw-s21-curtail.toml"
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _at_80(draw: Any) -> list[str]:
    con = Console(width=80, record=True, force_terminal=False, color_system=None)
    draw(con)
    return con.export_text().splitlines()


def test_compare_at_80_columns_leads_with_the_answer_and_cuts_no_cell(
    compare_run: tuple[dict[str, Any], Path],
) -> None:
    out, _ = compare_run
    rows = [(a["name"], a["value"], a["source"]) for a in out["assumptions"]]
    lines = _at_80(lambda con: render_compare(out, rows, con))
    text = "\n".join(lines)
    assert "…" not in text and max(len(line) for line in lines) <= 80
    # the first thing printed is the answer sentence, joined back from its wrapped lines
    head = " ".join(line.strip() for line in lines[:4])
    assert head.startswith(out["answer"]["sentence"][:60])
    assert "mean NPV, best on" in head
    # ranked by mean NPV, the winner marked, every amount as the JSON says, sign first
    table = [line for line in lines if re.match(r"^\s+(\* )?\s*[a-z_]+\s+-?\$", line)]
    names = [line.split()[1] if line.split()[0] == "*" else line.split()[0] for line in table]
    st = out["strategies"]
    assert names == sorted(st, key=lambda k: -st[k]["npv_mean_usd"])
    assert table[0].split()[:2] == ["*", out["recommendation"]]
    for line, name in zip(table, names, strict=True):
        cells = line.split()[-6:]  # NPV mean, P10, P90, P(best), P(loss), IRR P50
        assert cells[0] == money_m(st[name]["npv_mean_usd"], 1)
        assert cells[3] == pct(st[name]["prob_best"], 0)
        assert "$-" not in line
    for header in ("strategy", "NPV mean", "NPV P10", "NPV P90", "P(best)", "P(loss)", "IRR P50"):
        assert header in text
    # the switch policy: one rule per decision date, and "convert now is best" said once
    rules = [line for line in lines if re.match(r"^\s+\d{4}-\d{2}: convert", line)]
    dates = [r.split(":")[0].strip() for r in rules]
    assert dates == sorted(set(dates)) and len(dates) == len(out["switch"]["rules"])
    if out["switch"]["best_month_is_now"]:
        assert text.count("converting now is best") == 1 and "Best fixed" not in text


def test_mine_at_80_columns(shared_data: Path) -> None:
    report = run_mining(SITE, scenario=None)
    lines = _at_80(lambda con: _render_report(report, con))
    text = "\n".join(lines)
    assert "…" not in text and max(len(line) for line in lines) <= 80
    assert lines[0].startswith("Keep mining is worth +$")
    assert "$-" not in text  # -$8.19M, never $-8.19M
    assert "payback never" in " ".join(lines[:4]) or "payback" in " ".join(lines[:4])


@pytest.mark.parametrize(
    ("command", "file", "start"),
    [
        ("lease", "examples/leases/ms-hyperscaler.toml", "The lease "),
        ("gpu-cloud", "examples/gpu/h100-merchant.toml", "The GPU cloud "),
    ],
)
def test_projects_lead_with_their_sentence_and_never_print_nan(
    command: str, file: str, start: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(REPO / file)]) == 0
    out = capsys.readouterr().out
    assert out.lstrip().startswith(start)
    assert not re.search(r"\bnan\b", out, re.IGNORECASE) and "$-" not in out


def test_help_keeps_bracketed_words(capsys: pytest.CaptureFixture[str]) -> None:
    for args, words in (
        (["compare", "--help"], ["[lease]", "[gpu_cloud]", "[months]"]),
        (["dispatch", "--help"], ["[power]", "[MW]"]),
        (["calibrate", "--help"], ["[market]"]),
    ):
        assert main(args) == 0
        text = capsys.readouterr().out
        for word in words:
            assert word in text, (args, word)


def test_curtail_example_runs_from_another_directory(shared_data: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HASHPIVOT_SHARED_DATA": str(shared_data)}
    done = subprocess.run(
        [sys.executable, "-c", "from hashpivot.cli import run; run()", "mine", str(CURTAIL)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Keep mining is worth" in done.stdout


def test_dispatch_says_what_4cp_leaves_out_and_which_price_it_used(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["dispatch", "--site", str(SITE), "--source", str(shared_data / "ercot_west_hourly.csv")]
    assert main([*args, "--location", "HB_WEST", "--year", "2024", "--fourcp"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "avoided transmission charge is not valued" in text
    assert "fixed $42/MWh" in text and "prices every hour at the --source file" in text
