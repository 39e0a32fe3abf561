"""`hashpivot solo`, `power-gap`, `breakeven`: one JSON object, exit 2 on bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_solo_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        ["solo", "--hashrate-th-s", "1000", "--days", "30", "--network-hashrate-eh-s", "1000",
         "--json"],
    )  # fmt: skip
    assert out["expected_blocks"] == pytest.approx(144 * 1e-6 * 30)
    assert out["prob_at_least_one"] == pytest.approx(-math.expm1(-144 * 1e-6 * 30))
    assert out["expected_days_to_block"] == pytest.approx(1 / (144 * 1e-6))
    assert out["reward_btc"] == pytest.approx(3.163)


def test_power_gap_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["power-gap", "--json"])
    assert out["years"][-1] == 2028 and out["gap_gw"][-1] == 44.0


def test_breakeven_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        ["breakeven", str(PERMIAN), "--between", "mine", "sell", "--vary", "power_usd_per_mwh",
         "--deterministic", "--json"],
    )  # fmt: skip
    assert out["between"] == ["mine", "sell"] and out["today"] == 42.0
    assert 0 < out["threshold"] < 42.0


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["solo", "--hashrate-th-s", "0"], "--hashrate-th-s"),
        (["solo", "--hashrate-th-s", "10", "--pool-fee", "0.9"], "--pool-fee"),
        (["breakeven", str(PERMIAN), "--vary", "hashrate"], "--vary"),
        (["breakeven", str(PERMIAN), "--vary", "btc_price_usd", "--between", "switch", "mine"],
         "--between"),
        (["power-gap", "--file", "/nonexistent/gap.toml"], "gap.toml"),
    ],
)  # fmt: skip
def test_bad_input_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], word: str) -> None:
    assert main([*argv, "--json"]) == 2
    err = capsys.readouterr().err
    assert word in err and "Traceback" not in err
