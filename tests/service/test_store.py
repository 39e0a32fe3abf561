"""The DuckDB run store on its own: a run's record, one-transaction results, interrupted runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hashpivot.adapters.store import INTERRUPTED, RunStore, sha256_text


def _create(store: RunStore, text: str = "[site]\nname = 'x'\n") -> int:
    return store.create(
        kind="compare",
        site_name="x",
        input_text=text,
        input_format="toml",
        inputs={"site": {"name": "x"}},
        options={"paths": 10},
        package_version="0.1.0",
        snapshot_as_of="2025-11-27",
        seed=1,
        paths=10,
    )


def test_a_run_keeps_its_inputs_hash_and_versions(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s" / "runs.duckdb")
    run_id = _create(store, "abc")
    rec = store.get(run_id)
    assert rec is not None
    # SHA-256("abc"), FIPS 180-2 appendix B.1
    assert rec.input_sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert rec.input_sha256 == sha256_text("abc")
    assert (rec.status, rec.seed, rec.paths, rec.snapshot_as_of) == ("queued", 1, 10, "2025-11-27")
    store.finish(run_id, result={"npv": 1.5}, charts=None, report_files=["compare.xlsx"])
    rec = store.get(run_id)
    assert rec is not None and rec.status == "done" and rec.result == {"npv": 1.5}


def test_a_result_that_cannot_be_written_leaves_the_run_unchanged(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = _create(store)
    with pytest.raises(ValueError):
        store.finish(run_id, result={"npv": float("nan")}, charts=None, report_files=[])
    rec = store.get(run_id)
    assert rec is not None and rec.status == "queued" and rec.result is None


def test_reopening_marks_unfinished_runs_failed(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    store = RunStore(path)
    running, finished = _create(store), _create(store)
    store.set_running(running)
    store.finish(finished, result={"ok": True}, charts=None, report_files=[])
    store.close()
    store = RunStore(path)
    a, b = store.get(running), store.get(finished)
    assert a is not None and (a.status, a.error) == ("failed", INTERRUPTED)
    assert b is not None and b.status == "done" and b.result == {"ok": True}
    assert [r.id for r in store.list()] == [finished, running]
