"""Reports are written atomically and their text is never a formula.

* A site named ``=HYPERLINK(...)`` is a text cell in compare.xlsx (read back with openpyxl).
* A failed write (the file-size limit of the process standing in for a full disk; a report
  path that is a file) exits 2 with one line naming ``--report`` and leaves no file behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from hashpivot.adapters.reports._atomic import new_workbook, write_atomically
from hashpivot.cli import main
from hashpivot.errors import InputError

REPO = Path(__file__).resolve().parents[2]
OZARK = REPO / "examples" / "sites" / "ozark-50mw-s19jpro.toml"
FORMULA = '=HYPERLINK("http://127.0.0.1/x","click")'


def _site_named(tmp: Path, name: str) -> Path:
    text = OZARK.read_text().replace(
        'name = "Ozark 50 MW (S19j Pro)"', f"name = {json.dumps(name)}"
    )
    assert json.dumps(name) in text
    p = tmp / "site.toml"
    p.write_text(text)
    return p


def test_formula_name_stays_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = _site_named(tmp_path, FORMULA)
    out_dir = tmp_path / "out"
    args = ["compare", str(site), "--paths", "10", "--sensitivity", "none"]
    code = main([*args, "--report", str(out_dir), "--json"])
    assert code == 0, capsys.readouterr().err
    wb = openpyxl.load_workbook(out_dir / "compare.xlsx")
    for sheet, cell in (("Summary", "B1"), ("Inputs", "B2")):
        c = wb[sheet][cell]
        assert c.value == FORMULA
        assert c.data_type == "s"  # a string cell: "f" would be a formula
    html = (out_dir / "compare.html").read_text()
    assert "=HYPERLINK(&quot;http://127.0.0.1/x&quot;" in html  # escaped, inert


def test_new_workbook_writes_strings_as_strings(tmp_path: Path) -> None:
    p = tmp_path / "w.xlsx"
    wb = new_workbook(p)
    ws = wb.add_worksheet("S")
    ws.write(0, 0, "=1+1")
    ws.write_row(1, 0, ["=SUM(A1:A1)", "http://127.0.0.1/"])
    ws.write_number(2, 0, float("nan"))  # an Excel error (#NUM!), not an exception
    wb.close()
    sheet = openpyxl.load_workbook(p)["S"]
    assert [sheet["A1"].data_type, sheet["A2"].data_type] == ["s", "s"]
    assert sheet["A1"].value == "=1+1" and sheet["B2"].hyperlink is None
    assert sheet["A3"].value == "=#NUM!"


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "compare.html"
    target.write_text("old")

    def half_write(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match=r"--report.*No space left"):
        write_atomically(target, half_write)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare.html"]


def test_report_path_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    args = ["compare", str(OZARK), "--paths", "10", "--sensitivity", "none"]
    code = main([*args, "--report", str(blocker / "sub"), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "--report" in err and len(err.strip().splitlines()) == 1


def test_read_only_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders: the file-size test covers this path")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    args = ["compare", str(OZARK), "--paths", "10", "--sensitivity", "none"]
    code = main([*args, "--report", str(out), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "--report" in err and len(err.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_full_disk_leaves_nothing_half_written(tmp_path: Path) -> None:
    # RLIMIT_FSIZE makes every write past 200 kB fail with EFBIG, as a full disk fails with
    # ENOSPC: the workbook (~30 kB) fits, the HTML page (~4 MB with plotly.js inlined) does not.
    out_dir = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
        from hashpivot.cli import main
        sys.exit(main(["compare", {str(OZARK)!r}, "--paths", "10", "--sensitivity", "none",
                       "--report", {str(out_dir)!r}, "--json"]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--report" in lines[0] and "compare.html" in lines[0]
    assert "Traceback" not in proc.stderr
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["compare.xlsx"]  # complete; no compare.html, no temporary file
    openpyxl.load_workbook(out_dir / "compare.xlsx")
