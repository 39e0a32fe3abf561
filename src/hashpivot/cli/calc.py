"""``hashpivot calc``: the one-day mining calculator (thin: :mod:`hashpivot.api.calc` computes)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from hashpivot.api.calc import calc_day
from hashpivot.cli._app import (
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    console,
    emit_json,
    market_snapshot,
    safe,
)

__all__ = ["calc"]

_ROWS: list[tuple[str, str, str]] = [
    ("btc_per_day", "BTC mined per day", "{:,.8f} BTC"),
    ("revenue_usd_per_day", "Revenue per day", "${:,.2f}"),
    ("power_cost_usd_per_day", "Power cost per day", "${:,.2f}"),
    ("profit_usd_per_day", "Profit per day", "${:,.2f}"),
    ("hashprice_usd_per_ph_day", "Hashprice (gross)", "${:,.2f}/PH/day"),
    ("breakeven_power_usd_per_mwh", "Breakeven power price", "${:,.2f}/MWh"),
    ("breakeven_btc_usd", "Breakeven BTC price", "${:,.0f}"),
]


def _render(out: dict[str, Any]) -> None:
    t = Table(title=f"One day: {safe(out['machines'])}", show_header=False)
    t.add_column("item", style="bold")
    t.add_column("value", justify="right")
    for key, label, fmt in _ROWS:
        t.add_row(label, fmt.format(out[key]))
    console.print(t)
    src = out["market_source"]
    console.print(
        f"[dim]difficulty {out['difficulty']:,.0f} ({safe(src['difficulty'])}), BTC "
        f"${out['btc_price_usd']:,.0f} ({safe(src['btc_price_usd'])}), fees "
        f"{out['fees_btc_per_block']:g} BTC/block ({safe(src['fees_btc_per_block'])}), subsidy "
        f"{out['subsidy_btc']:g} BTC, pool fee {out['pool_fee_frac']:.2%}, uptime "
        f"{out['uptime_frac']:.1%}, power {out['power_kw']:,.2f} kW at "
        f"${out['power_usd_per_mwh']:,.2f}/MWh[/]",
        highlight=False,
    )
    console.print(f"[dim]{safe(out['formula'])}[/]", highlight=False)


@app.command()
def calc(
    hashrate_th_s: float | None = typer.Option(None, "--hashrate-th-s", help="Hashrate [TH/s]."),
    efficiency_j_per_th: float | None = typer.Option(
        None, "--efficiency-j-per-th", help="Efficiency [J/TH]."
    ),
    model: str | None = typer.Option(None, "--model", help="ASIC catalogue model (`asics`)."),
    count: int | None = typer.Option(None, "--count", help="Machines of --model (default 1)."),
    power_usd_per_mwh: float | None = typer.Option(
        None, "--power-usd-per-mwh", help="Power price [USD/MWh] (required)."
    ),
    difficulty: float | None = typer.Option(None, "--difficulty", help="Default: snapshot."),
    btc_price_usd: float | None = typer.Option(
        None, "--btc-price-usd", help="BTC price [USD] (default: snapshot)."
    ),
    fees_btc_per_block: float | None = typer.Option(
        None, "--fees-btc-per-block", help="Fees per block [BTC] (default: snapshot)."
    ),
    pool_fee_frac: float | None = typer.Option(
        None, "--pool-fee-frac", help="Pool fee [fraction] (default 0.02)."
    ),
    uptime_frac: float | None = typer.Option(
        None, "--uptime-frac", help="Share of the day hashing [fraction] (default 0.97)."
    ),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """One day of mining at today's difficulty: BTC, revenue, power cost, profit, breakevens."""
    out = calc_day(
        power_usd_per_mwh=power_usd_per_mwh,
        hashrate_th_s=hashrate_th_s,
        efficiency_j_per_th=efficiency_j_per_th,
        model=model,
        count=count,
        difficulty=difficulty,
        btc_price_usd=btc_price_usd,
        fees_btc_per_block=fees_btc_per_block,
        pool_fee_frac=pool_fee_frac,
        uptime_frac=uptime_frac,
        snapshot=market_snapshot(live, mempool_url, price_url),
    )
    if as_json:
        emit_json(out)
    else:
        _render(out)
