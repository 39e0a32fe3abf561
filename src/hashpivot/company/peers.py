"""Public miners side by side: their megawatts, EH/s and signed AI/HPC leases (every value dated
and sourced), valued per MW under hashpivot's defaults, against the EV per MW the market's caps
imply. The gap between the two is the *mispriced megawatts* column.

The built-in table (``peers.csv``, ``peer_leases.csv`` next to this module) is built from
``market-facts.md`` (late 2025) and the filings it cites; a value that is not public there is
left empty, never estimated.

Value per MW (documented defaults, :class:`PeerAssumptions`, every one adjustable):

- a signed lease of ``IT`` MW is worth its stabilised value less the conversion capex:
  ``IT x (margin x rent / cap_rate - capex)``, with the average rent
  ``rent = contract value / term / IT`` [USD per IT MW-year]; NOI margin 85% (Cipher,
  TeraWulf: 80-85%), cap rate 7% (JLL: colocation 6-7%, powered shell 7-8%), capex $9.6M per
  IT MW (the Morgan Stanley reconstruction in market-facts.md);
- a GPU-cloud contract is listed but not valued as a lease (its value hangs on GPU capex);
- every other energized (else contracted) MW is valued as a mined MW at $0.4M/MW, the price
  of powered land hashpivot's ``sell`` strategy uses (B. Riley $0.4-0.55M/MW);
- the MW a lease takes is ``IT x PUE`` (1.2; the designs run 1.18-1.25).

``value per MW = (leases + mined MW x mined value) / MW valued``, ``MW valued =
max(energized or contracted MW, leased gross MW)``; ``EV per MW = (market cap + net debt) / MW
valued``; ``mispriced = value per MW - EV per MW`` (positive: the market pays less than
hashpivot's defaults say the megawatts are worth).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from hashpivot.errors import InputError

FIELDS = ("mw_energized", "mw_contracted", "mw_pipeline", "eh_s")
FACT_COLUMNS = ("ticker", "company", "field", "value", "unit", "as_of", "source")
LEASE_COLUMNS = (
    "ticker",
    "tenant",
    "site",
    "it_mw",
    "contract_value_usd",
    "term_years",
    "kind",
    "announced",
    "source",
)
KINDS = ("lease", "gpu_cloud")


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """One public value with its unit, date and source."""

    value: float
    unit: str
    as_of: date
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerLease:
    """A signed AI/HPC contract: ``it_mw`` [MW], ``contract_value_usd`` [USD] over
    ``term_years`` [years]; ``kind`` lease | gpu_cloud."""

    ticker: str
    tenant: str
    site: str
    it_mw: float
    contract_value_usd: float
    term_years: float
    kind: str
    announced: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Peer:
    ticker: str
    company: str
    facts: dict[str, Fact] = field(default_factory=dict)
    leases: tuple[PeerLease, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerAssumptions:
    """How megawatts are valued (see the module docstring for sources)."""

    noi_margin_frac: float = 0.85
    cap_rate_frac: float = 0.07
    capex_usd_per_it_mw: float = 9.6e6
    mined_usd_per_mw: float = 400_000.0
    pue: float = 1.2


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerValue:
    """A peer valued by its megawatts [USD, MW]."""

    peer: Peer
    leased_it_mw: float
    leased_gross_mw: float
    mined_mw: float
    mw_valued: float
    leases_value_usd: float
    value_usd: float

    @property
    def value_usd_per_mw(self) -> float | None:
        return self.value_usd / self.mw_valued if self.mw_valued > 0 else None


def _number(text: str, where: str, col: str, *, positive: bool = False) -> float:
    try:
        v = float(text.replace("_", ""))
    except ValueError:
        raise InputError(f"{where}.{col}", text, "a number") from None
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        raise InputError(
            f"{where}.{col}", text, "a finite number " + ("> 0" if positive else ">= 0")
        )
    return v


def _date(text: str, where: str, col: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{where}.{col}", text, "a date YYYY-MM-DD") from None


def _rows(text: str, columns: tuple[str, ...], source: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    have = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in have]
    if missing:
        raise InputError(f"{source} columns", list(have), "the columns " + ", ".join(columns))
    rows = []
    for row in reader:
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{source} line {reader.line_num}", row, f"{len(have)} fields")
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def parse_peers(facts_csv: str, leases_csv: str, *, source: str = "peers") -> list[Peer]:
    """Peers from their facts table (one value per row) and their leases table."""
    peers: dict[str, Peer] = {}
    for i, r in enumerate(_rows(facts_csv, FACT_COLUMNS, source), start=2):
        where = f"{source} line {i}"
        t = r["ticker"]
        if not t:
            raise InputError(f"{where}.ticker", t, "a ticker")
        p = peers.setdefault(t, Peer(ticker=t, company=r["company"] or t))
        if not r["field"]:  # a peer listed with no public figure: the note says why
            peers[t] = Peer(ticker=t, company=p.company, facts=p.facts, note=r["source"])
            continue
        if r["field"] not in FIELDS:
            raise InputError(f"{where}.field", r["field"], "one of " + ", ".join(FIELDS))
        if not r["source"]:
            raise InputError(f"{where}.source", "", "the value's source")
        if r["field"] in p.facts:
            raise InputError(f"{where}.field", r["field"], f"one {r['field']} row per ticker")
        p.facts[r["field"]] = Fact(
            value=_number(r["value"], where, "value"),
            unit=r["unit"],
            as_of=_date(r["as_of"], where, "as_of"),
            source=r["source"],
        )
    leases: dict[str, list[PeerLease]] = {}
    for i, r in enumerate(_rows(leases_csv, LEASE_COLUMNS, f"{source} leases"), start=2):
        where = f"{source} leases line {i}"
        if r["ticker"] not in peers:
            raise InputError(f"{where}.ticker", r["ticker"], "a ticker of the facts table")
        if r["kind"] not in KINDS:
            raise InputError(f"{where}.kind", r["kind"], "one of " + ", ".join(KINDS))
        if not r["source"]:
            raise InputError(f"{where}.source", "", "the lease's source")
        leases.setdefault(r["ticker"], []).append(
            PeerLease(
                ticker=r["ticker"],
                tenant=r["tenant"],
                site=r["site"],
                it_mw=_number(r["it_mw"], where, "it_mw", positive=True),
                contract_value_usd=_number(r["contract_value_usd"], where, "contract_value_usd"),
                term_years=_number(r["term_years"], where, "term_years", positive=True),
                kind=r["kind"],
                announced=r["announced"],
                source=r["source"],
            )
        )
    return [
        Peer(
            ticker=t, company=p.company, facts=p.facts, leases=tuple(leases.get(t, ())), note=p.note
        )
        for t, p in peers.items()
    ]


def builtin_tables() -> tuple[str, str]:
    """The built-in facts and leases tables (CSV text)."""
    pkg = resources.files("hashpivot.company")
    return (
        pkg.joinpath("peers.csv").read_text(encoding="utf-8"),
        pkg.joinpath("peer_leases.csv").read_text(encoding="utf-8"),
    )


def builtin_peers() -> list[Peer]:
    facts, leases = builtin_tables()
    return parse_peers(facts, leases, source="built-in peers")


def lease_value_usd(lease: PeerLease, a: PeerAssumptions) -> float:
    """``IT x (margin x rent / cap_rate - capex)`` [USD], ``rent = value / term / IT``."""
    rent = lease.contract_value_usd / lease.term_years / lease.it_mw
    return lease.it_mw * (a.noi_margin_frac * rent / a.cap_rate_frac - a.capex_usd_per_it_mw)


def value_peer(peer: Peer, a: PeerAssumptions = PeerAssumptions()) -> PeerValue:
    """A peer's megawatts valued: its leases, and its other energized (else contracted) MW as
    mined MW."""
    leases = [x for x in peer.leases if x.kind == "lease"]
    it_mw = float(sum(x.it_mw for x in leases))
    gross = it_mw * a.pue
    base = peer.facts.get("mw_energized") or peer.facts.get("mw_contracted")
    mw = max(base.value if base else 0.0, gross)
    mined = max(mw - gross, 0.0)
    lv = float(sum(lease_value_usd(x, a) for x in leases))
    return PeerValue(
        peer=peer,
        leased_it_mw=it_mw,
        leased_gross_mw=gross,
        mined_mw=mined,
        mw_valued=mw,
        leases_value_usd=lv,
        value_usd=lv + mined * a.mined_usd_per_mw,
    )
