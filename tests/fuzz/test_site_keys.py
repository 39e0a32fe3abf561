"""Fuzz every key of the example site files from the parameter table's own bounds.

Each example mutates one key of one example site (the key's table is added where the file has
none) to a value drawn from its row of ``config/parameters.csv``: inside its bounds, at them,
just outside, NaN, infinities, a huge or tiny number, the wrong type. The whole pipeline runs
(`compare --deterministic`: every strategy on one path, the market, the assumptions). Then
either the run succeeds and every number it prints is finite (or null), or it exits 2 with one
line naming the field; never a traceback, never another exit code.

The seed is fixed in CI (the ``ci`` hypothesis profile of conftest.py) and the number of
examples bounded, so the file runs in about a minute on two cores.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashpivot.cli import main
from hashpivot.config.parameters import Parameter, parameters

REPO = Path(__file__).resolve().parents[2]
SITES = [
    REPO / "examples/sites/permian-west-100mw-s21.toml",  # every table
    REPO / "examples/sites/ozark-50mw-s19jpro.toml",  # no AI tables: their defaults
]
_SCALAR = ("float", "int", "bool", "enum", "str", "date")
#: keys whose table is a list or that need companions to mean anything alone
_SKIP_TABLES = (
    "fleet",
    "conversion.phases",
    "power.ppa",
    "power.fourcp",
    "lease.debt",
    "lease.tax",
    "generation.gas",
    "generation.solar",
    "generation.wind",
    "generation.battery",
)


def _keys() -> list[Parameter]:
    return [
        p
        for p in parameters()
        if p.file == "site"
        and p.type in _SCALAR
        and not p.table.startswith(_SKIP_TABLES)
        and not p.table.startswith("gpu_cloud.")
    ]


KEYS = _keys()


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int | date):
        return str(v) if isinstance(v, date) else repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string is a JSON string for these characters
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


def _dump(doc: dict[str, Any]) -> str:
    """A TOML writer for site files: scalar keys, tables, arrays of tables."""
    out: list[str] = []

    def table(prefix: str, body: dict[str, Any]) -> None:
        scalars = {k: v for k, v in body.items() if not isinstance(v, dict | list) or _plain(v)}
        if prefix:
            out.append(f"[{prefix}]")
        out.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items())
        for k, v in body.items():
            name = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                table(name, v)
            elif isinstance(v, list) and not _plain(v):
                for item in v:
                    out.append(f"[[{name}]]")
                    out.extend(f"{a} = {_toml_value(b)}" for a, b in item.items())

    table("", doc)
    return "\n".join(out) + "\n"


def _plain(v: Any) -> bool:
    return isinstance(v, list) and all(not isinstance(x, dict) for x in v)


def _values(p: Parameter) -> st.SearchStrategy[Any]:
    """Values for a key: valid ones from its bounds and choices, and every kind of wrong one."""
    wrong = st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, "text", True])
    if p.type == "enum":
        return st.one_of(st.sampled_from(p.choices or ("x",)), st.just("bogus"), wrong)
    if p.type == "bool":
        return st.sampled_from([True, False, 1, "yes"])
    if p.type == "str":
        return st.sampled_from(["x", "[/bold]", "=HYPERLINK(1)", "\x1b[31mred", "", "a" * 300])
    if p.type == "date":
        return st.sampled_from([date(2026, 12, 1), date(2030, 6, 1), date(9999, 12, 1), "x", 1])
    lo = p.lower if isinstance(p.lower, int | float) else -1e9
    hi = p.upper if isinstance(p.upper, int | float) else 1e9
    if p.type == "int":
        inside = st.integers(math.ceil(lo), math.floor(hi))
        return st.one_of(inside, st.sampled_from([int(lo) - 1, int(hi) + 1, 1.5]), wrong)
    inside = st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False)
    edges = st.sampled_from(
        [float(lo), float(hi), float(lo) - 1e-9 * max(1.0, abs(lo)), hi * 2 + 1]
    )
    return st.one_of(inside, edges, wrong)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[Path, Parameter, Any]:
    site = draw(st.sampled_from(SITES))
    p = draw(st.sampled_from(KEYS))
    return site, p, draw(_values(p))


def _set(doc: dict[str, Any], dotted: str, value: Any) -> None:
    *tables, key = dotted.split(".")
    node = doc
    for t in tables:
        node = node.setdefault(t, {})
    node[key] = value


def _numbers(x: Any) -> list[float]:
    if isinstance(x, bool):
        return []
    if isinstance(x, int | float):
        return [float(x)]
    if isinstance(x, dict):
        return [n for v in x.values() for n in _numbers(v)]
    if isinstance(x, list):
        return [n for v in x for n in _numbers(v)]
    return []


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(m=mutation())
def test_every_key_gives_a_finite_answer_or_one_line_naming_it(
    m: tuple[Path, Parameter, Any], tmp_path: Path
) -> None:
    site, p, value = m
    doc = tomllib.loads(site.read_text())
    _set(doc, p.name, value)
    f = tmp_path / "site.toml"
    try:
        f.write_text(_dump(doc))
    except (ValueError, UnicodeEncodeError):
        return  # a value TOML cannot hold
    code, out, err = _run(["compare", str(f), "--deterministic", "--sensitivity", "none", "--json"])
    assert "Traceback" not in out + err
    assert code in (0, 2), (p.name, value, code, err[-2000:])
    if code == 0:
        payload = json.loads(out)
        bad = [x for x in _numbers(payload) if not math.isfinite(x)]
        assert not bad, (p.name, value, bad[:5])
    else:
        lines = [line for line in err.strip().splitlines() if line.strip()]
        assert len(lines) == 1, (p.name, value, err)
        outside = isinstance(value, float) and not math.isfinite(value)
        if outside:
            assert p.key in err, (p.name, value, err)


def test_the_writer_round_trips_every_example() -> None:
    for site in SITES:
        doc = tomllib.loads(site.read_text())
        assert tomllib.loads(_dump(doc)) == doc
