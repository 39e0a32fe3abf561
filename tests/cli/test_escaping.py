"""Everything printed is escaped: a name from a file is shown as itself, in text mode, by every
command that prints it; rich markup in it is not interpreted (``[/bold]`` used to raise
MarkupError) and terminal escape sequences in it never reach the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hashpivot.cli import main
from hashpivot.cli._app import safe, strip_control

REPO = Path(__file__).resolve().parents[2]
EX = REPO / "examples"

NAMES = {
    "markup": ("[/bold]", "[/bold]"),  # (name in the file, what the terminal shows)
    "ansi": ("\x1b[31mred\x1b[0m [b]x", "red [b]x"),
}


def _renamed(src: Path, old: str, new: str, dest: Path) -> Path:
    text = src.read_text()
    assert old in text
    dest.write_text(text.replace(old, new))
    return dest


def _site(tmp: Path, name: str) -> Path:
    return _renamed(
        EX / "sites/ozark-50mw-s19jpro.toml",
        'name = "Ozark 50 MW (S19j Pro)"',
        f"name = {json.dumps(name)}",
        tmp / "site.toml",
    )


def _lease(tmp: Path, name: str) -> Path:
    old = 'name = "MS reconstruction: 100 IT MW powered shell, hyperscaler tenant"'
    dest = tmp / "lease.toml"
    return _renamed(EX / "leases/ms-hyperscaler.toml", old, f"name = {json.dumps(name)}", dest)


def _gpu(tmp: Path, name: str) -> Path:
    old = 'name = "Permian West 100: H100 merchant GPU cloud"'
    dest = tmp / "gpu.toml"
    return _renamed(EX / "gpu/h100-merchant.toml", old, f"name = {json.dumps(name)}", dest)


def _company(tmp: Path, name: str) -> Path:
    site = _site(tmp, name)
    text = (
        f"[company]\nname = {json.dumps(name)}\nnet_debt_usd = 0\n\n"
        f"[[site]]\nfile = {json.dumps(str(site))}\n"
    )
    p = tmp / "co.toml"
    p.write_text(text)
    return p


def _prices(tmp: Path, name: str) -> Path:
    rows = ["timestamp_utc,location,market,price_usd_per_mwh"]
    rows += [f'2024-01-01T{h:02d}:00:00Z,"{name}",RT,{20 + h}' for h in range(24)]
    p = tmp / "prices.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def _args(command: str, tmp: Path, name: str) -> list[str]:
    if command == "mine":
        return ["mine", str(_site(tmp, name))]
    if command == "compare":
        return ["compare", str(_site(tmp, name)), "--paths", "10", "--sensitivity", "none"]
    if command == "lease":
        return ["lease", str(_lease(tmp, name))]
    if command == "gpu-cloud":
        return ["gpu-cloud", str(_gpu(tmp, name))]
    if command == "company":
        return ["company", str(_company(tmp, name)), "--paths", "5000"]
    src = str(_prices(tmp, name))
    if command == "prices":
        return ["prices", "summary", "--source", src, "--location", name]
    return ["dispatch", "--source", src, "--location", name, "--breakeven-usd-per-mwh", "30"]


COMMANDS = ["mine", "compare", "lease", "gpu-cloud", "company", "prices", "dispatch"]


@pytest.mark.parametrize("kind", list(NAMES))
@pytest.mark.parametrize("command", COMMANDS)
def test_names_print_as_themselves(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, shown = NAMES[kind]
    code = main(_args(command, tmp_path, name))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "\x1b" not in out  # capsys is not a terminal: rich adds no colour of its own
    assert shown in " ".join(out.split())


def test_safe() -> None:
    assert safe("[/bold]") == "\\[/bold]"
    assert strip_control("a\x1b[31mb\x1b[0mc\x1b]0;title\x07d\x07e\x9bf") == "abcdef"
    assert strip_control("tab\tand\nline") == "tab\tand\nline"


def test_error_line_is_one_line_without_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "bad\x1b[31m[/bold]\nname.toml"
    code = main(["mine", str(p)])
    err = capsys.readouterr().err
    assert code == 2
    assert "\x1b" not in err and len(err.strip().splitlines()) == 1
