"""Transparency: how much of the product's supply the data can see."""

from __future__ import annotations

import pandas as pd

from supplyscope.indicators.base import Computed, Indicator, Unavailable
from supplyscope.indicators.context import Context
from supplyscope.indicators.diversity import IMPORTS
from supplyscope.indicators.security import WGI_REF, _wgi


def _undisclosed(ctx: Context) -> Computed:
    if not ctx.has_rows("partner_totals", f"importer = '{ctx.importer}' AND year = {ctx.y}"):
        raise Unavailable("needs imports by chapter from all partners (partner_totals) for this importer-year")
    by_hs2 = ctx.undisclosed["undisclosed_partner_share"].astype(float)
    hs6 = ctx.importer_stats.index.to_series()
    values = pd.Series(hs6.str[:2].map(by_hs2).to_numpy(), index=hs6.index, dtype=float)
    return Computed(values, "HS2 chapter: 1 − imports in the 51-partner HTS10 table / imports from all 226 partners")


def _nes(ctx: Context) -> Computed:
    if not ctx.has_rows("tariff_line_flows", f"importer = '{ctx.importer}' AND year = {ctx.y}"):
        raise Unavailable("needs national tariff-line imports with descriptions (tariff_line_flows)")
    return Computed(
        ctx.tariff_line_stats["nes_basket_share"].astype(float),
        "HTS10 lines whose description says NESOI / not elsewhere specified",
    )


def _mirror(ctx: Context) -> Computed:
    if not ctx.has_rows("trade_flows", f"importer = '{ctx.importer}' AND year = {ctx.y} AND reporter = 'exporter'"):
        raise Unavailable("needs exporter-reported flows (UN Comtrade exports) for the same importer and year")
    return Computed(
        ctx.mirror["mirror_discrepancy"].astype(float),
        "importer- vs exporter-reported values (CIF vs FOB differences included)",
    )


def _upstream(ctx: Context) -> Computed:
    if not ctx.has_rows("industries", "upstreamness IS NOT NULL"):
        raise Unavailable("upstreamness by BEA industry not loaded")
    return Computed(
        ctx.industry_link["upstreamness"].astype(float),
        "Antràs-Chor upstreamness of BEA 2012 detail industries (2012), concordance-weighted",
    )


INDICATORS = (
    Indicator(
        "undisclosed_partner_share",
        "transparency",
        "transparency",
        "higher",
        "share 0-1",
        "1 − Σ_{disclosed partners} M / Σ_{all partners} M, per HS2 chapter",
        "USTR (2024) data gaps in supply chain visibility",
        "partner_totals and trade_flows",
        "Share of the chapter's imports from partners outside the detailed table.",
        _undisclosed,
    ),
    Indicator(
        "nes_basket_share",
        "transparency",
        "transparency",
        "higher",
        "share 0-1",
        "Σ value of 'not elsewhere specified' HTS10 lines / Σ value",
        "WCO Harmonized System residual ('other') subheadings; US Census NESOI descriptions",
        "tariff_line_flows with descriptions",
        "Share of import value in basket lines that hide what is traded.",
        _nes,
    ),
    Indicator(
        "supplier_regulatory_quality",
        "transparency",
        "transparency",
        "lower",
        "WGI estimate (-2.5..2.5)",
        "Σ_j s_j · RQ_j over suppliers with a WGI score",
        WGI_REF,
        IMPORTS + "; WGI",
        "Import-weighted regulatory quality of suppliers.",
        _wgi("wgi_rq"),
    ),
    Indicator(
        "mirror_discrepancy",
        "transparency",
        "transparency",
        "higher",
        "share 0-1",
        "Σ_j |M_j − X_j| / Σ_j max(M_j, X_j)",
        "Bhagwati (1964); Javorcik and Narciso (2008) mirror statistics",
        "importer- and exporter-reported flows",
        "Disagreement between the two sides' statistics.",
        _mirror,
    ),
    Indicator(
        "upstreamness",
        "transparency",
        "substitutability",
        "higher",
        "stages",
        "U = (I − Δ)⁻¹·1, Δ_ij = a_ji·Y_j / Y_i; concordance-weighted over BEA industries",
        "Antràs, Chor, Fally and Hillberry (2012) AER P&P 102(3); Antràs and Chor (2013)",
        "industries.upstreamness",
        "Distance from final demand: more stages between this product "
        "and its final use, so disruptions propagate further and are harder to see.",
        _upstream,
    ),
)
