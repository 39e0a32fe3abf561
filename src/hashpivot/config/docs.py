"""Generate ``docs/site-file.md`` from the parameter table.

``python -m hashpivot.config.docs > docs/site-file.md``. The hand-written prose is
``config/site-file.template.md``; each ``<!-- parameters:KIND -->`` marker becomes the reference
tables of the keys of that file kind (``site``, ``standalone``, ``company``), one table per TOML
table, generated from ``config/parameters.csv``. tests/config/test_docs.py fails when the
committed file differs from this output.
"""

from __future__ import annotations

import sys
from datetime import date
from importlib import resources

from hashpivot.config.parameters import REQUIRED, FileKind, Parameter, parameters

__all__ = ["render", "render_market_example", "render_tables"]

_TYPES = {
    "float": "number",
    "int": "integer",
    "bool": "boolean",
    "str": "string",
    "date": "date",
    "list[int]": "list of integers",
    "list[table]": "array of tables",
    "table": "table",
    "dict[float]": "table of numbers",
}

#: how a table is written in TOML, where it is not ``[name]``
_HEADINGS = {"fleet": "[[fleet]]", "conversion.phases": "[[conversion.phases]]"}
_COMPANY_HEADINGS = {"site": "[[site]]"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(p: Parameter) -> str:
    d = p.default
    if d is REQUIRED:
        return "required"
    if d is None:
        return "-"
    if isinstance(d, bool):
        return "`true`" if d else "`false`"
    if isinstance(d, date):
        return f"`{d.isoformat()}`"
    if isinstance(d, tuple):
        return "`[" + ", ".join(str(x) for x in d) + "]`"
    if isinstance(d, float):
        return f"`{d:,.0f}`".replace(",", "_") if abs(d) >= 10_000 else f"`{d:g}`"
    if isinstance(d, int):
        return f"`{d}`"
    return f'`"{d}"`'


def _type(p: Parameter) -> str:
    if p.type == "enum":
        return "one of " + ", ".join(f'`"{c}"`' for c in p.choices)
    return _TYPES[p.type]


def _range(p: Parameter) -> str:
    text = p.range_text()
    if not text:
        return ""
    if p.type in ("str", "list[table]"):
        return f"length {text}"
    if p.type in ("list[int]", "dict[float]"):
        return f"each {text}"
    return text


def _heading(kind: FileKind, table: str) -> str:
    names = _COMPANY_HEADINGS if kind == "company" else _HEADINGS
    return names.get(table, f"[{table}]")


def _table(kind: FileKind, table: str, rows: list[Parameter]) -> str:
    lines = [
        f"### `{_heading(kind, table)}`",
        "",
        "| key | type | unit | default | range | source | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in rows:
        cells = (
            f"`{p.key}`",
            _type(p),
            p.unit,
            _default(p),
            _range(p),
            p.source,
            p.description,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if table in ("lease.debt", "lease.tax"):
        lines += ["", f"`[gpu_cloud.{table.split('.')[1]}]` takes the same keys."]
    return "\n".join(lines)


def render_tables(kind: FileKind) -> str:
    """The reference tables of every key of one file kind, one per TOML table."""
    tables: dict[str, list[Parameter]] = {}
    for p in parameters():
        if p.file == kind:
            tables.setdefault(p.table, []).append(p)
    return "\n\n".join(_table(kind, t, rows) for t, rows in tables.items())


#: keys shown commented out in the ``[market]`` example (they exclude a key shown)
_COMMENTED = {"market.btc_log_drift_per_year"}


def _toml_value(p: Parameter) -> str:
    d = p.default
    if isinstance(d, bool):
        return "true" if d else "false"
    if isinstance(d, str):
        return f'"{d}"'
    return f"{d:g}" if isinstance(d, float) else str(d)


def render_market_example() -> str:
    """The ``[market]`` table with every key at its default, as TOML."""
    lines = ["```toml", "[market]"]
    for p in parameters():
        if p.file != "site" or p.table != "market" or p.default is None:
            continue
        rng = p.range_text()
        entry = f"{'# ' if p.name in _COMMENTED else ''}{p.key} = {_toml_value(p)}"
        lines.append(f"{entry:<42} # {p.description}" + (f"; {rng}" if rng else ""))
    lines += [
        "",
        "[market.correlation]                       # of the monthly shocks, each in (-1, 1)",
        '# "btc_price:hashrate" = 0.23              # any pair of btc_price, hashrate, fee_share,',
        '# "rent:gpu_rate" = 0.30                   # rent, gpu_rate, power_price',
        "```",
    ]
    return "\n".join(lines)


def render() -> str:
    """The whole ``docs/site-file.md``."""
    text = resources.files("hashpivot.config").joinpath("site-file.template.md").read_text("utf-8")
    for kind in ("site", "standalone", "company"):
        text = text.replace(f"<!-- parameters:{kind} -->", render_tables(kind))
    return text.replace("<!-- parameters:market-example -->", render_market_example())


if __name__ == "__main__":
    sys.stdout.write(render())
