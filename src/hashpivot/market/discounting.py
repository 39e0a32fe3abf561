"""Which rate discounts which cash flow, by the BTC drift basis (named in every output).

Under the risk-neutral basis the BTC price paths are risk-neutral expectations, so the BTC
revenue they give is discounted at the risk-free rate (Hull, *Options, Futures and Other
Derivatives*, ch. 5: a forward on BTC is worth ``e^(-rT) E_Q[S_T - F]``), and so are the USD
costs of mining (power, opex, capex): one measure for the whole mining flow, never BTC at
``r_f`` against costs at a higher rate (that mix lifts the NPV by the mismatch alone). The
lease, GPU cloud and the site's exit value keep the site's rate. Under the expected and median
bases the site's rate discounts every flow. The engine applies it in
:func:`hashpivot.engine.strategies.context.mining_net_at_site_rate`.
"""

from __future__ import annotations

from hashpivot.market.processes import BtcPriceParams


def discounting(btc: BtcPriceParams, site_rate_per_year: float) -> dict[str, object]:
    """The drift basis and the annual rates [1/yr] that discount the BTC revenue and mining's
    USD costs: the risk-free rate for both under the risk-neutral basis, else the site's."""
    rf = btc.discounts_btc_at_risk_free
    return {
        "drift_basis": btc.drift_basis.value,
        "btc_revenue_rate_per_year": btc.risk_free_rate_per_year if rf else site_rate_per_year,
        "usd_flows_rate_per_year": btc.risk_free_rate_per_year if rf else site_rate_per_year,
        "btc_revenue_at": "risk-free rate" if rf else "site's discount rate",
    }
