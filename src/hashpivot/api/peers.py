"""The peers job: the built-in (or the user's) table of public miners, valued per MW under
hashpivot's defaults, against the EV per MW implied by the market caps and net debt the user
supplies (dated). See :mod:`hashpivot.company.peers` for the method and its sources."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from hashpivot.company.peers import (
    LEASE_COLUMNS,
    Peer,
    PeerAssumptions,
    PeerValue,
    builtin_tables,
    lease_value_usd,
    parse_peers,
    value_peer,
)
from hashpivot.config.files import read_text
from hashpivot.errors import InputError

__all__ = ["MarketCap", "load_market_caps", "peers_report"]

CAP_COLUMNS = ("ticker", "market_cap_usd", "net_debt_usd", "as_of")


class MarketCap:
    """A peer's market capitalisation and net debt [USD] on a date."""

    __slots__ = ("as_of", "market_cap_usd", "net_debt_usd", "ticker")

    def __init__(self, ticker: str, market_cap_usd: float, net_debt_usd: float, as_of: date):
        self.ticker = ticker
        self.market_cap_usd = market_cap_usd
        self.net_debt_usd = net_debt_usd
        self.as_of = as_of

    @property
    def ev_usd(self) -> float:
        return self.market_cap_usd + self.net_debt_usd


def _float(text: str, where: str, *, low: float | None) -> float:
    try:
        v = float(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise InputError(where, text, "a number (USD)") from None
    if not math.isfinite(v) or (low is not None and v <= low):
        raise InputError(
            where, text, "a finite number" + (f" > {low:g}" if low is not None else "")
        )
    return v


def load_market_caps(path: str | Path, tickers: set[str]) -> dict[str, MarketCap]:
    """``ticker,market_cap_usd,net_debt_usd,as_of`` rows (a CSV file); one InputError if bad."""
    import csv
    import io

    src = str(path)
    reader = csv.DictReader(io.StringIO(read_text(path, field="--market-caps", kind="CSV file")))
    have = tuple(reader.fieldnames or ())
    if any(c not in have for c in CAP_COLUMNS):
        raise InputError("columns", list(have), "the columns " + ", ".join(CAP_COLUMNS), source=src)
    caps: dict[str, MarketCap] = {}
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise InputError(where, row, f"{len(have)} fields", source=src)
        t = row["ticker"].strip()
        if t not in tickers:
            raise InputError(f"{where}.ticker", t, "a ticker of the peers table", source=src)
        if t in caps:
            raise InputError(f"{where}.ticker", t, "one row per ticker", source=src)
        try:
            as_of = date.fromisoformat(row["as_of"].strip())
            cap = _float(row["market_cap_usd"], f"{where}.market_cap_usd", low=0.0)
            debt = _float(row["net_debt_usd"], f"{where}.net_debt_usd", low=None)
        except InputError as exc:
            raise InputError(exc.field, exc.value, exc.allowed, source=src) from None
        except ValueError:
            raise InputError(
                f"{where}.as_of", row["as_of"], "a date YYYY-MM-DD", source=src
            ) from None
        caps[t] = MarketCap(t, cap, debt, as_of)
    return caps


def _facts(p: Peer) -> dict[str, Any]:
    return {
        k: {"value": f.value, "unit": f.unit, "as_of": f.as_of.isoformat(), "source": f.source}
        for k, f in p.facts.items()
    }


def _row(v: PeerValue, cap: MarketCap | None, a: PeerAssumptions) -> dict[str, Any]:
    p = v.peer

    def fact(name: str) -> float | None:
        f = p.facts.get(name)
        return None if f is None else f.value

    ev_per_mw = cap.ev_usd / v.mw_valued if cap is not None and v.mw_valued > 0 else None
    value = v.value_usd_per_mw
    return {
        "ticker": p.ticker,
        "company": p.company,
        "mw_energized": fact("mw_energized"),
        "mw_contracted": fact("mw_contracted"),
        "mw_pipeline": fact("mw_pipeline"),
        "eh_s": fact("eh_s"),
        "facts": _facts(p),
        "note": p.note,
        "leases": [
            {
                "tenant": x.tenant,
                "site": x.site,
                "it_mw": x.it_mw,
                "contract_value_usd": x.contract_value_usd,
                "term_years": x.term_years,
                "kind": x.kind,
                "announced": x.announced,
                "source": x.source,
                "value_usd": lease_value_usd(x, a) if x.kind == "lease" else None,
            }
            for x in p.leases
        ],
        "leased_it_mw": v.leased_it_mw,
        "mined_mw": v.mined_mw,
        "mw_valued": v.mw_valued,
        "value_usd": v.value_usd,
        "value_usd_per_mw": value,
        "market_cap_usd": None if cap is None else cap.market_cap_usd,
        "net_debt_usd": None if cap is None else cap.net_debt_usd,
        "market_as_of": None if cap is None else cap.as_of.isoformat(),
        "ev_usd_per_mw": ev_per_mw,
        "mispriced_usd_per_mw": None if ev_per_mw is None or value is None else value - ev_per_mw,
    }


def peers_report(
    *,
    peers_file: str | Path | None = None,
    peer_leases_file: str | Path | None = None,
    market_caps_file: str | Path | None = None,
    assumptions: PeerAssumptions = PeerAssumptions(),
) -> dict[str, Any]:
    """The JSON object of ``hashpivot peers``: peers ranked by value per MW (hashpivot's
    defaults), with EV per MW and the mispriced-megawatts gap where market caps are given."""
    facts, leases = builtin_tables()
    source = "built-in peers"
    if peers_file is not None:
        facts = read_text(peers_file, field="--peers", kind="CSV file")
        leases = ",".join(LEASE_COLUMNS) + "\n"
        source = str(peers_file)
    if peer_leases_file is not None:
        leases = read_text(peer_leases_file, field="--peer-leases", kind="CSV file")
    peers = parse_peers(facts, leases, source=source)
    caps = (
        {}
        if market_caps_file is None
        else load_market_caps(market_caps_file, {p.ticker for p in peers})
    )
    rows = [_row(value_peer(p, assumptions), caps.get(p.ticker), assumptions) for p in peers]
    rows.sort(
        key=lambda r: -(r["value_usd_per_mw"] if r["value_usd_per_mw"] is not None else -math.inf)
    )
    a = assumptions
    return {
        "source": source,
        "peers": rows,
        "assumptions": [
            {
                "name": "leased MW",
                "value": f"IT MW x ({a.noi_margin_frac:.0%} x rent / {a.cap_rate_frac:.1%} - "
                f"${a.capex_usd_per_it_mw / 1e6:.1f}M), rent = contract value / term / IT MW",
                "source": "NOI margin 80-85% (Cipher, TeraWulf); cap rate: JLL colocation 6-7%, "
                "powered shell 7-8%; capex: Morgan Stanley reconstruction (market-facts.md)",
            },
            {
                "name": "mined MW",
                "value": f"${a.mined_usd_per_mw / 1e6:.2f}M per MW (energized, else contracted, "
                f"less leased IT MW x PUE {a.pue:g})",
                "source": "hashpivot's sale price of powered land (B. Riley $0.4-0.55M/MW)",
            },
            {
                "name": "EV per MW",
                "value": "(market cap + net debt) / MW valued",
                "source": "--market-caps (user-supplied, dated)"
                if market_caps_file
                else "no --market-caps given: EV per MW and the mispriced column are empty",
            },
        ],
    }
