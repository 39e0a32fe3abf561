"""Hard edges found by the fuzzers after the bounds landed: each gives one line naming the
field (exit 2) or a finite answer, never a warning or a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from pathlib import Path

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _edited(tmp_path: Path, example: str, key: str, value: str) -> Path:
    lines = (REPO / example).read_text().splitlines()
    edited = [f"{key} = {value}" if ln.split("=")[0].strip() == key else ln for ln in lines]
    assert edited != lines, key
    f = tmp_path / "edited.toml"
    f.write_text("\n".join(edited) + "\n")
    return f


def test_a_vanishing_uptime_is_refused_by_its_bound(tmp_path: Path) -> None:
    f = _edited(tmp_path, "examples/sites/permian-west-100mw-s21.toml", "uptime_frac", "5e-324")
    code, _, err = _run("mine", str(f), "--json")
    assert code == 2 and "mining.uptime_frac" in err and len(err.strip().splitlines()) == 1


def test_a_lease_with_no_owner_capex_has_no_yield_on_cost_and_no_warning(tmp_path: Path) -> None:
    f = _edited(
        tmp_path, "examples/leases/core-scientific-coreweave.toml", "shell_capex_usd_per_it_mw", "0"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a divide-by-zero warning fails the test
        code, out, _ = _run("lease", str(f), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["yield_on_cost_frac"] is None


def test_a_calibration_window_outside_the_history_names_the_flags(shared_data: Path) -> None:
    code, _, err = _run("calibrate", "--since", "9999-12-31", "--json")
    assert code == 2 and "--since/--until" in err


def test_a_year_9999_price_row_is_named_as_out_of_range(tmp_path: Path) -> None:
    f = tmp_path / "prices.csv"
    f.write_text(
        "timestamp_utc,location,market,price_usd_per_mwh\n"
        "2025-01-01T00:00:00Z,HB_WEST,RT,30\n"
        "9999-12-31T23:00:00Z,HB_WEST,RT,30\n"
    )
    code, _, err = _run(
        "prices", "summary", "--source", str(f), "--location", "HB_WEST", "--market", "RT"
    )
    assert code == 2 and "row 2" in err and "outside the years 2000-2100" in err
    assert "ISO 8601" not in err
