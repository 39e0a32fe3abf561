"""CLI commands of the market view: ``solo``, ``power-gap``, ``peers``, ``breakeven``.

Thin: parse, call :mod:`hashpivot.api`, render. ``--json`` prints exactly one JSON object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from hashpivot.api.breakeven import (
    VARY,
    breakeven_report,
    company_breakeven_report,
    is_company_file,
)
from hashpivot.api.peers import peers_report
from hashpivot.api.power_gap import power_gap_report
from hashpivot.api.power_gap_page import write_power_gap_page
from hashpivot.api.solo import solo_report
from hashpivot.cli._app import (
    JSON_OPTION,
    LIVE_OPTION,
    MEMPOOL_URL_OPTION,
    PRICE_URL_OPTION,
    app,
    console,
    emit_json,
    int_flag,
    market_snapshot,
    number_flag,
    safe,
)
from hashpivot.errors import InputError


def _assumptions(out: dict[str, Any]) -> None:
    for a in out.get("assumptions", []):
        console.print(f"  [dim]{safe(a['name'])}: {safe(a['value'])} ({safe(a['source'])})[/]")


@app.command()
def solo(
    hashrate_th_s: float = typer.Option(
        ..., "--hashrate-th-s", help="The fleet's hashrate [TH/s]."
    ),
    days: float = typer.Option(30.0, "--days", help="Window [days]."),
    network_hashrate_eh_s: float | None = typer.Option(
        None, "--network-hashrate-eh-s", help="Network hashrate [EH/s] (default: the snapshot)."
    ),
    pool_fee: float = typer.Option(0.025, "--pool-fee", help="FPPS pool fee [fraction]."),
    live: bool = LIVE_OPTION,
    mempool_url: str | None = MEMPOOL_URL_OPTION,
    price_url: str | None = PRICE_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Solo-mining odds: expected blocks, P(at least one), time to the first block, and the
    income variance a pool paying FPPS takes away for its fee."""
    number_flag("--hashrate-th-s", hashrate_th_s, 0, 1e12, "TH/s", low_open=True)
    number_flag("--days", days, 0, 36_500, "days", low_open=True)
    number_flag("--network-hashrate-eh-s", network_hashrate_eh_s, 0, 1e9, "EH/s", low_open=True)
    number_flag("--pool-fee", pool_fee, 0, 0.5, "(fraction)")
    out = solo_report(
        hashrate_th_s=hashrate_th_s,
        days=days,
        network_hashrate_eh_s=network_hashrate_eh_s,
        pool_fee_frac=pool_fee,
        snapshot=market_snapshot(live, mempool_url, price_url),
    )
    if as_json:
        emit_json(out)
        return
    inc = out["income"]
    console.print(
        f"{hashrate_th_s:,.0f} TH/s = {out['share_of_network']:.3g} of the network: "
        f"{out['expected_blocks']:.4g} blocks expected in {days:g} days, "
        f"P(at least one) {out['prob_at_least_one']:.2%}, "
        f"one block every {out['expected_days_to_block']:,.0f} days on average"
    )
    q = out["days_to_block_quantiles"]
    console.print("Days to the first block: " + ", ".join(f"{k} {v:,.0f}" for k, v in q.items()))
    console.print(
        f"Reward {out['reward_btc']:.4f} BTC (${out['reward_usd']:,.0f}). Over {days:g} days: "
        f"solo {inc['solo_mean_btc']:.6f} +- {inc['solo_sd_btc']:.6f} BTC; FPPS at "
        f"{inc['pool_fee_frac']:.1%}: {inc['fpps_btc']:.6f} BTC for certain; "
        f"P(solo pays less) {inc['prob_solo_below_fpps']:.1%}"
    )
    _assumptions(out)


@app.command("power-gap")
def power_gap_cmd(
    file: Path | None = typer.Option(None, "--file", help="Your own numbers (TOML [power_gap])."),
    report: Path | None = typer.Option(None, "--report", help="Write power-gap.html here."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The US data-center power gap by year: demand less grid capacity and capacity under
    construction, dated and sourced; and the long-run rent it implies."""
    out = power_gap_report(file)
    if report is not None:
        out["report_files"] = [str(write_power_gap_page(report, out))]
    if as_json:
        emit_json(out)
        return
    t = Table(title="US data-center power gap [GW]")
    for col in ("year", "demand", "supply", "gap", "after blocks"):
        t.add_column(col, justify="right")
    for i, y in enumerate(out["years"]):
        t.add_row(
            str(y),
            f"{out['demand_gw'][i]:,.1f}",
            f"{out['supply_gw'][i]:,.1f}",
            f"{out['gap_gw'][i]:,.1f}",
            f"{out['gap_after_blocks_gw'][i]:,.1f}",
        )
    console.print(t)
    for n in out["notes"]:
        console.print(f"  {safe(n)}")
    link = out["rent_link"]
    console.print(
        f"Rent link: scarcity {link['scarcity']:.2f} -> long-run rent "
        f"${link['long_run_rent_usd_per_kw_month']:,.0f}/kW-month ({safe(link['formula'])})"
    )
    console.print(f"  [dim]source: {safe(out['source'])} ({out['as_of']})[/]")
    for f in out.get("report_files", []):
        console.print(f"Wrote [bold]{safe(f)}[/]")


@app.command()
def breakeven(
    site_file: Path = typer.Argument(
        ..., help="Site file (TOML); a company file compares by megawatts with as a miner."
    ),
    between: tuple[str, str] = typer.Option(
        ("lease", "mine"), "--between", help="The two strategies, e.g. --between lease mine."
    ),
    vary: str = typer.Option(..., "--vary", help="One of " + ", ".join(VARY) + "."),
    paths: int = typer.Option(2_000, "--paths", help="Monte Carlo paths (common to all trials)."),
    seed: int = typer.Option(42, "--seed", help="Random seed."),
    deterministic: bool = typer.Option(
        False, "--deterministic", help="On the site's named deterministic scenario (one path)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """What must be true: the value of one input at which two strategies' mean NPVs are
    equal, with a Monte Carlo 95% confidence interval."""
    int_flag("--paths", paths, 1, 200_000)
    int_flag("--seed", seed, 0, 2**63 - 1)
    if vary not in VARY:
        raise InputError("--vary", vary, "one of " + ", ".join(VARY))
    if is_company_file(site_file):
        if vary != "btc_price_usd":
            raise InputError("--vary", vary, "btc_price_usd for a company file")
        out = company_breakeven_report(site_file, paths=paths, seed=seed)
    else:
        out = breakeven_report(
            site_file,
            between=between,
            vary=vary,
            paths=paths,
            seed=seed,
            deterministic=deterministic,
        )
    if as_json:
        emit_json(out)
        return
    a, b = out["between"]
    if out["threshold"] is None:
        console.print(safe(out.get("note", "no threshold within 1/64x to 64x today's value")))
        return
    lo, hi = out["ci95"]
    side = a if out["a_better_above"] else b
    console.print(
        f"{safe(a)} = {safe(b)} at {vary} = {out['threshold']:,.4g} "
        f"(95% CI {lo:,.4g} - {hi:,.4g}; today {out['today']:,.4g}: {safe(out['what'])}); "
        f"above it {safe(side)} is worth more. {out['paths']:,} paths, "
        f"{out['evaluations']} evaluations."
    )


@app.command()
def peers(
    peers_file: Path | None = typer.Option(None, "--peers", help="Your own peers table (CSV)."),
    peer_leases: Path | None = typer.Option(
        None, "--peer-leases", help="Your own leases table (CSV) for --peers."
    ),
    market_caps: Path | None = typer.Option(
        None, "--market-caps", help="CSV of ticker, market_cap_usd, net_debt_usd, as_of."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Public miners side by side: megawatts, EH/s, signed AI/HPC leases, value per MW under
    hashpivot's defaults against EV per MW implied by market caps (the mispriced megawatts)."""
    out = peers_report(
        peers_file=peers_file, peer_leases_file=peer_leases, market_caps_file=market_caps
    )
    if as_json:
        emit_json(out)
        return
    t = Table(title="Peers ranked by value per MW (hashpivot defaults)")
    for col in (
        "ticker",
        "MW energized",
        "MW leased",
        "EH/s",
        "value $M/MW",
        "EV $M/MW",
        "mispriced",
    ):
        t.add_column(col, justify="left" if col == "ticker" else "right")

    def m(x: float | None) -> str:
        return "-" if x is None else f"{x / 1e6:,.2f}"

    for r in out["peers"]:
        t.add_row(
            safe(r["ticker"]),
            "-" if r["mw_energized"] is None else f"{r['mw_energized']:,.0f}",
            f"{r['leased_it_mw']:,.0f}",
            "-" if r["eh_s"] is None else f"{r['eh_s']:,.1f}",
            m(r["value_usd_per_mw"]),
            m(r["ev_usd_per_mw"]),
            m(r["mispriced_usd_per_mw"]),
        )
    console.print(t)
    _assumptions(out)
