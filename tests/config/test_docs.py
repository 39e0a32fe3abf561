"""docs/site-file.md is what `python -m hashpivot.config.docs` writes from the parameter table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hashpivot.config.docs import render
from hashpivot.config.parameters import parameters

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs/site-file.md"


def test_the_site_file_doc_is_generated_and_up_to_date() -> None:
    assert DOC.read_text() == render(), (
        "docs/site-file.md is out of date: python -m hashpivot.config.docs > docs/site-file.md"
    )


def test_the_module_prints_the_doc() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hashpivot.config.docs"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == DOC.read_text()


def test_every_key_is_documented_with_its_range_and_source() -> None:
    text = DOC.read_text()
    for p in parameters():
        assert f"| `{p.key}` |" in text, p.name
        assert p.source.replace("|", "\\|") in text, p.name
        if p.range_text():
            assert p.range_text() in text, p.name
    for table in ("[lease]", "[lease.debt]", "[lease.tax]", "[gpu_cloud]", "[conversion]"):
        assert f"### `{table}`" in text
    assert "### `[market]`" in text and "### `[[conversion.phases]]`" in text
