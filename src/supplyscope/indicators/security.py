"""Security: exposure to countries of concern, trade policy and import dependence."""

from __future__ import annotations

from supplyscope.indicators.base import Computed, Indicator, Unavailable, column
from supplyscope.indicators.context import Context
from supplyscope.indicators.diversity import IMPORTS, WORLD

WGI_REF = (
    "Kaufmann, Kraay and Mastruzzi (2010) The Worldwide Governance Indicators, World Bank "
    "Policy Research WP 5430; WGI 2022 update (data to 2021)"
)


def _imp(ctx: Context) -> str:
    return f"{ctx.importer} imports {ctx.y}; groups from settings"


def _wgi(col: str):  # type: ignore[no-untyped-def]
    def compute(ctx: Context) -> Computed:
        stats = ctx.importer_stats
        cov = float((stats["wgi_coverage"] * stats["import_value"]).sum() / stats["import_value"].sum())
        return Computed(
            stats[col].astype(float),
            f"WGI 2021 estimate, import-weighted; "
            f"{cov:.0%} of import value has a WGI score (EU27 = GDP-weighted members)",
        )

    return compute


def _section301(ctx: Context) -> Computed:
    if ctx.importer != "USA":
        raise Unavailable("Section 301 duties apply to US imports only")
    if not ctx.has_rows("trade_measures", "kind = '301'"):
        raise Unavailable("Section 301 lists are not loaded (trade_measures kind '301')")
    if not ctx.has_rows("tariff_line_flows", f"importer = 'USA' AND year = {ctx.y}"):
        raise Unavailable("needs HTS10 tariff-line imports (tariff_line_flows)")
    return Computed(
        ctx.tariff_line_stats["section301_share"].astype(float),
        "HTS8 on Section 301 lists 1, 2, 3, 4A (USTR); CHN origin only; exclusions not modelled",
    )


def _duty(ctx: Context) -> Computed:
    stats = ctx.importer_stats
    if stats["duty_value"].isna().all():
        raise Unavailable("the loaded trade data carry no calculated duty")
    return Computed(
        stats["duty_value"].astype(float) / stats["import_value"].astype(float),
        "calculated duty / customs value (US Census)",
    )


def _penetration(ctx: Context) -> Computed:
    if not ctx.has_rows("industries", "import_penetration IS NOT NULL"):
        raise Unavailable("BEA Use table import penetration not loaded")
    if ctx.importer != "USA":
        raise Unavailable("BEA Use and Import tables describe the US economy only")
    return Computed(
        ctx.industry_link["import_penetration"].astype(float),
        "BEA 2017 detail Use table, via HS6→NAICS→BEA concordance weights",
    )


INDICATORS = (
    Indicator(
        "concern_share",
        "security",
        "security",
        "higher",
        "share 0-1",
        "Σ_{j ∈ concern} s_j",
        "15 CFR 791.4 (foreign adversaries); USTR (2024) supply chain resilience",
        IMPORTS + "; country group 'concern'",
        "Share of imports from countries of concern.",
        column("importer_stats", "concern_share", _imp),
    ),
    Indicator(
        "non_fta_share",
        "security",
        "security",
        "higher",
        "share 0-1",
        "Σ_{j ∉ FTA} s_j",
        "USTR list of US FTA partners; HTSUS General Note 3(c)(i)",
        IMPORTS + "; country group 'fta'",
        "Share of imports from partners without a US FTA.",
        column("importer_stats", "non_fta_share", _imp),
    ),
    Indicator(
        "supplier_political_stability",
        "security",
        "security",
        "lower",
        "WGI estimate (-2.5..2.5)",
        "Σ_j s_j · PV_j over suppliers with a WGI score",
        WGI_REF,
        IMPORTS + "; WGI",
        "Import-weighted political stability and absence of violence of suppliers.",
        _wgi("wgi_pv"),
    ),
    Indicator(
        "world_concern_share",
        "security",
        "security",
        "higher",
        "share 0-1",
        "Σ_{c ∈ concern} w_c",
        "European Commission (2021) SWD(2021) 352; 15 CFR 791.4",
        WORLD,
        "Share of world supply held by countries of concern (a chokepoint even if the importer buys elsewhere).",
        column("world_stats", "world_concern_share", lambda ctx: ctx.world_basis),
    ),
    Indicator(
        "like_minded_world_share",
        "security",
        "substitutability",
        "lower",
        "share 0-1",
        "Σ_{c ∈ like_minded} w_c",
        "US Department of State, Minerals Security Partnership (2022)",
        WORLD,
        "Share of world supply held by like-minded partners.",
        column("world_stats", "like_minded_world_share", lambda ctx: ctx.world_basis),
    ),
    Indicator(
        "section301_share",
        "security",
        "security",
        "higher",
        "share 0-1",
        "Σ value of HTS10 lines from CHN whose HTS8 is on a Section 301 list / Σ value",
        "USTR Section 301 China action, 83 FR 28710, 83 FR 40823, 83 FR 47974, 84 FR 43304",
        "HTS10 imports (tariff_line_flows); trade_measures kind '301'",
        "Share of import value subject to Section 301 duties.",
        _section301,
    ),
    Indicator(
        "duty_burden",
        "security",
        "security",
        "higher",
        "share of value",
        "Σ calculated duty / Σ customs value",
        "US Census Bureau, calculated duty (CAL_DUT)",
        "calculated duty in trade_flows",
        "Average duty paid on the product's imports.",
        _duty,
    ),
    Indicator(
        "import_penetration",
        "security",
        "security",
        "higher",
        "share 0-1",
        "M / (X_out − EX + M) for the matching BEA commodities, concordance-weighted",
        "BEA Input-Output Accounts; OECD (2021) import penetration ratio",
        "BEA Use table (industries.import_penetration)",
        "Imports' share of US domestic supply.",
        _penetration,
    ),
)
