"""The run store: every run of the service in one embedded DuckDB file.

A run keeps its inputs (the site file as submitted, its SHA-256 and the effective inputs after
the form's overrides), the package version, the market snapshot's date, the seed and paths,
its status and progress, its results and the names of its report files (kept in
``<store folder>/runs/<id>/``). Results are written in one transaction, so a finished run is
whole or absent; a run left ``queued`` or ``running`` when the process died is marked
``failed`` when the store opens again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["INTERRUPTED", "RunRecord", "RunStore", "sha256_text"]

#: the error of a run the store found unfinished when it opened (the process had died)
INTERRUPTED = "interrupted: the server stopped while the run was in progress"

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS run_ids START 1;
CREATE TABLE IF NOT EXISTS runs (
    id BIGINT PRIMARY KEY DEFAULT nextval('run_ids'),
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    site_name VARCHAR,
    input_text VARCHAR NOT NULL,
    input_format VARCHAR NOT NULL,
    input_sha256 VARCHAR NOT NULL,
    inputs_json VARCHAR NOT NULL,
    options_json VARCHAR NOT NULL,
    package_version VARCHAR NOT NULL,
    snapshot_as_of VARCHAR NOT NULL,
    seed BIGINT,
    paths BIGINT,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    result_json VARCHAR,
    charts_json VARCHAR,
    report_files_json VARCHAR,
    error VARCHAR
);
"""

_COLUMNS = (
    "id, kind, status, created_at, finished_at, site_name, input_text, input_format, "
    "input_sha256, inputs_json, options_json, package_version, snapshot_as_of, seed, paths, "
    "progress_done, progress_total, result_json, charts_json, report_files_json, error"
)


def sha256_text(text: str) -> str:
    """The SHA-256 of a submitted file's text (UTF-8), hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRecord:
    """One stored run (times in UTC; JSON columns decoded)."""

    id: int
    kind: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    site_name: str | None
    input_text: str
    input_format: str
    input_sha256: str
    inputs: dict[str, Any]
    options: dict[str, Any]
    package_version: str
    snapshot_as_of: str
    seed: int | None
    paths: int | None
    progress_done: int
    progress_total: int
    result: dict[str, Any] | None
    charts: dict[str, Any] | None
    report_files: list[str]
    error: str | None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> RunRecord:
        def js(text: Any) -> Any:
            return None if text is None else json.loads(text)

        return cls(
            id=int(row[0]),
            kind=row[1],
            status=row[2],
            created_at=row[3],
            finished_at=row[4],
            site_name=row[5],
            input_text=row[6],
            input_format=row[7],
            input_sha256=row[8],
            inputs=js(row[9]),
            options=js(row[10]),
            package_version=row[11],
            snapshot_as_of=row[12],
            seed=row[13],
            paths=row[14],
            progress_done=int(row[15]),
            progress_total=int(row[16]),
            result=js(row[17]),
            charts=js(row[18]),
            report_files=js(row[19]) or [],
            error=row[20],
        )


class RunStore:
    """The DuckDB file at ``path`` (created with its folder); one connection, one lock.

    ``folder`` holds the file and ``runs/<id>/`` (the site file written for the engine and
    the reports). Opening marks every unfinished run failed (:data:`INTERRUPTED`).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        self.folder = self.path.parent
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._con = duckdb.connect(str(self.path))
        with self._lock:
            self._con.execute(_SCHEMA)
            self._con.execute(
                "UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
                "WHERE status IN ('queued', 'running')",
                [INTERRUPTED, _now()],
            )

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def run_folder(self, run_id: int) -> Path:
        """``<folder>/runs/<id>/`` (created)."""
        out = self.folder / "runs" / str(int(run_id))
        out.mkdir(parents=True, exist_ok=True)
        return out

    def create(
        self,
        *,
        kind: str,
        site_name: str | None,
        input_text: str,
        input_format: str,
        inputs: dict[str, Any],
        options: dict[str, Any],
        package_version: str,
        snapshot_as_of: str,
        seed: int | None,
        paths: int | None,
    ) -> int:
        """Insert a ``queued`` run; its id."""
        with self._lock:
            row = self._con.execute(
                "INSERT INTO runs (kind, status, created_at, site_name, input_text, "
                "input_format, input_sha256, inputs_json, options_json, package_version, "
                "snapshot_as_of, seed, paths) "
                "VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    kind,
                    _now(),
                    site_name,
                    input_text,
                    input_format,
                    sha256_text(input_text),
                    json.dumps(inputs, default=str),
                    json.dumps(options),
                    package_version,
                    snapshot_as_of,
                    seed,
                    paths,
                ],
            ).fetchone()
        assert row is not None
        return int(row[0])

    def set_running(self, run_id: int) -> None:
        with self._lock:
            self._con.execute("UPDATE runs SET status = 'running' WHERE id = ?", [run_id])

    def set_progress(self, run_id: int, done: int, total: int) -> None:
        with self._lock:
            self._con.execute(
                "UPDATE runs SET progress_done = ?, progress_total = ? WHERE id = ?",
                [done, total, run_id],
            )

    def finish(
        self,
        run_id: int,
        *,
        result: dict[str, Any],
        charts: dict[str, Any] | None,
        report_files: list[str],
    ) -> None:
        """Write a run's results, report names and ``done`` in one transaction."""
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                self._con.execute(
                    "UPDATE runs SET status = 'done', finished_at = ?, result_json = ?, "
                    "charts_json = ?, report_files_json = ?, error = NULL WHERE id = ?",
                    [
                        _now(),
                        json.dumps(result, allow_nan=False),
                        None if charts is None else json.dumps(charts, allow_nan=False),
                        json.dumps(report_files),
                        run_id,
                    ],
                )
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise

    def fail(self, run_id: int, error: str, *, status: str = "failed") -> None:
        """Mark a run ``failed`` (or ``cancelled``) with its reason."""
        with self._lock:
            self._con.execute(
                "UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
                [status, error, _now(), run_id],
            )

    def get(self, run_id: int) -> RunRecord | None:
        with self._lock:
            row = self._con.execute(
                f"SELECT {_COLUMNS} FROM runs WHERE id = ?", [run_id]
            ).fetchone()
        return None if row is None else RunRecord.from_row(row)

    def list(self, *, limit: int = 50, offset: int = 0) -> list[RunRecord]:
        """The latest runs first."""
        with self._lock:
            rows = self._con.execute(
                f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset]
            ).fetchall()
        return [RunRecord.from_row(r) for r in rows]
