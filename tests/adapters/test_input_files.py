"""Bounded inputs: every input file is a readable, non-empty regular file under a size limit.

Each hostile path (a device, a FIFO, a folder, a symlink loop, a 300-character name, binary
or empty content, TOML nested 1,500 levels deep) gives one InputError naming the file, through
the library and through every command that reads a file (exit 2, one line, no traceback).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hashpivot.cli import main
from hashpivot.config.files import (
    MAX_TOML_BYTES,
    MAX_TOML_DEPTH,
    checked_file,
    read_checked_frame,
    read_toml,
)
from hashpivot.errors import InputError

REPO = Path(__file__).resolve().parents[2]


def _loop(tmp: Path) -> Path:
    (tmp / "a").symlink_to(tmp / "b")
    (tmp / "b").symlink_to(tmp / "a")
    return tmp / "a"


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "fifo")  # opening it for reading would block until a writer comes
    return tmp / "fifo"


def _binary(tmp: Path) -> Path:
    p = tmp / "bin.toml"
    p.write_bytes(bytes(range(256)) * 4)
    return p


def _empty(tmp: Path) -> Path:
    p = tmp / "empty.toml"
    p.write_bytes(b"")
    return p


def _deep_array(tmp: Path) -> Path:
    p = tmp / "deep.toml"
    p.write_text("a = " + "[" * 1500 + "1" + "]" * 1500 + "\n")
    return p


def _deep_tables(tmp: Path) -> Path:
    p = tmp / "deep2.toml"
    p.write_text("x" + ".a" * 2000 + " = 1\n")
    return p


def _long_name(tmp: Path) -> Path:
    return tmp / ("a" * 300 + ".toml")


def _too_big(tmp: Path) -> Path:
    p = tmp / "big.toml"
    p.write_text("# pad\n" * (MAX_TOML_BYTES // 6 + 1))
    return p


# name -> (make the path, words the message must hold)
BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "dev-zero": (lambda _: Path("/dev/zero"), "not a device, FIFO or socket"),
    "dev-urandom": (lambda _: Path("/dev/urandom"), "not a device, FIFO or socket"),
    "fifo": (_fifo, "not a device, FIFO or socket"),
    "folder": (lambda tmp: tmp, "not a folder"),
    "symlink-loop": (_loop, "symbolic-link loop"),
    "long-name": (_long_name, "file name too long"),
    "missing": (lambda tmp: tmp / "nope.toml", "no such file"),
    "binary": (_binary, "binary"),
    "empty": (_empty, "empty"),
    "too-big": (_too_big, f"at most {MAX_TOML_BYTES:,} bytes"),
}
TOML_ONLY: dict[str, tuple[Callable[[Path], Path], str]] = {
    "deep-array": (_deep_array, f"at most {MAX_TOML_DEPTH} nested levels"),
    "deep-tables": (_deep_tables, f"at most {MAX_TOML_DEPTH} nested levels"),
}


@pytest.mark.parametrize("name", [*BAD, *TOML_ONLY])
def test_read_toml_refuses(name: str, tmp_path: Path) -> None:
    make, words = {**BAD, **TOML_ONLY}[name]
    with pytest.raises(InputError, match=words):
        read_toml(make(tmp_path))


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file: permission cannot be denied here")
    p = tmp_path / "site.toml"
    p.write_text("a = 1\n")
    p.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_toml(p)


def test_checked_file_passes_a_good_file_and_a_link_to_it(tmp_path: Path) -> None:
    p = tmp_path / "ok.toml"
    p.write_text("a = 1\n")
    (tmp_path / "link.toml").symlink_to(p)
    assert checked_file(p) == p
    assert read_toml(tmp_path / "link.toml") == {"a": 1}


def test_depth_at_the_limit_is_read(tmp_path: Path) -> None:
    # the document itself is level 1, so MAX_TOML_DEPTH - 1 arrays fit exactly
    n = MAX_TOML_DEPTH - 1
    p = tmp_path / "ok.toml"
    p.write_text("a = " + "[" * n + "1" + "]" * n + "\n")
    assert read_toml(p)["a"] is not None
    p.write_text("a = " + "[" * (n + 1) + "1" + "]" * (n + 1) + "\n")
    with pytest.raises(InputError, match="nested levels"):
        read_toml(p)


def test_frame_reader_errors_name_the_field(tmp_path: Path) -> None:
    import pandas as pd

    p = tmp_path / "h.csv"
    p.write_text('date,price\n"2024-01-01,1\n')  # an unclosed quote: pandas ParserError
    with pytest.raises(InputError, match="--history"):
        read_checked_frame(p, pd.read_csv, field="--history")


def _commands(path: Path) -> dict[str, list[str]]:
    site = REPO / "examples" / "sites" / "ozark-50mw-s19jpro.toml"
    return {
        "mine": ["mine", str(path)],
        "lease": ["lease", str(path)],
        "gpu-cloud": ["gpu-cloud", str(path)],
        "company": ["company", str(path), "--paths", "5000"],
        "compare": ["compare", str(path), "--paths", "10"],
        "dispatch-site": ["dispatch", "--site", str(path)],
        "prices": ["prices", "summary", "--source", str(path), "--location", "HB_WEST"],
        "dispatch-source": [
            "dispatch",
            "--source",
            str(path),
            "--location",
            "HB_WEST",
            "--breakeven-usd-per-mwh",
            "50",
        ],
        "calibrate": ["calibrate", "--history", str(path)],
        "hashprice": ["hashprice", "--date", "2024-01-01", "--history", str(path)],
        "dispatch-with-site": ["dispatch", "--site", str(site), "--source", str(path)],
    }


@pytest.mark.parametrize("command", list(_commands(Path("x"))))
@pytest.mark.parametrize("name", ["dev-zero", "fifo", "symlink-loop", "binary", "empty"])
def test_every_command_refuses_in_one_line(
    command: str, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, _ = BAD[name]
    path = make(tmp_path)
    if name == "binary":  # give data readers a data-file suffix
        path = path.rename(path.with_suffix(".csv"))
    code = main([*_commands(path)[command], "--json"])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error:")
    assert "Traceback" not in err
