"""Python entry points for the assessment, shared by the CLI and the web service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.config import Settings, load_settings
from supplyscope.data.build import ensure_built
from supplyscope.data.warehouse import Warehouse
from supplyscope.indicators.context import Context
from supplyscope.indicators.registry import REGISTRY
from supplyscope.scoring.assessment import Assessment, Progress, suppliers
from supplyscope.scoring.assessment import assess as run_assessment

__all__ = ["assess", "explain", "look_through", "mineral_flags", "run", "settings"]


def settings(config: Path | str | None = None) -> Settings:
    """Shipped defaults merged with the user's settings file, validated against the registry."""
    return load_settings(config, known_indicators=set(REGISTRY))


def run(
    importer: str = "USA",
    year: int | None = None,
    level: str = "product",
    *,
    db: Path | str | None = None,
    config: Path | str | None = None,
    min_import: float = 1e6,
    draws: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
    engine: str = "duckdb",
) -> tuple[Assessment, Context]:
    """Build the warehouse if needed, then run the assessment; returns it with its context.

    ``engine="spark"`` runs the table-level SQL (joins and aggregations over the trade tables) on
    Apache Spark instead of DuckDB: the canonical tables are registered as Spark views and the same
    SQL is transpiled by sqlglot. Scoring is the same numpy code either way.
    """
    cfg = settings(config)
    wh = ensure_built(db)
    run_sql = None
    if engine != "duckdb":
        run_sql = _engine_sql(wh, engine)
    ctx = Context(wh, importer=importer.upper(), year=year, run_sql=run_sql)
    result = run_assessment(ctx, cfg, level=level, min_import=min_import, draws=draws, seed=seed, progress=progress)
    if level == "product":
        result.flags = mineral_flags()
    return result, ctx


def look_through(hs6s: list[str], importer: str = "USA", source: str = "CHN") -> dict[str, dict[str, Any]]:
    """Look-through versus face-value exposure to ``source`` of the importer's industries making each HS6.

    From the bundled OECD ICIO 2022 table via ``supplyscope.inputoutput`` (Baldwin, Freeman and
    Theodorakopoulos 2023); products outside the HS→ICIO concordance get a reason instead.
    """
    from supplyscope.codes.concordance import hs6_to_icio
    from supplyscope.inputoutput import product_exposure

    mapped = set(hs6_to_icio()["hs6"])
    known = [c for c in hs6s if c in mapped]
    out: dict[str, dict[str, Any]] = {
        c: {"source": source, "reason": "HS6 code has no OECD ICIO sector in the HS→ISIC concordance"}
        for c in hs6s
        if c not in mapped
    }
    if known:
        frame = product_exposure(known, country=importer, source=source)
        for rec in frame.to_dict(orient="records"):
            out[str(rec["hs6"])] = {
                "source": source,
                "sector": rec["sector"],
                "sector_weights": rec["sector_weights"],
                "face_value": float(rec["face_value"]),
                "look_through": float(rec["look_through"]),
                "ratio": None if pd.isna(rec["ratio"]) else float(rec["ratio"]),
                "basis": "OECD ICIO 2025 release, 2022: direct vs total (Leontief) foreign content",
            }
    return out


ENGINE_TABLES = (
    "trade_flows",
    "tariff_line_flows",
    "partner_totals",
    "country_groups",
    "countries",
    "world_supply",
    "product_industry",
    "industries",
    "trade_measures",
)
"""The canonical tables the assessment's SQL reads."""


def _engine_sql(wh: Warehouse, name: str) -> Callable[[str], pd.DataFrame]:
    """Register the assessment's tables on another engine and return its ``sql`` function."""
    from supplyscope.engine import get_engine

    eng = get_engine(name)
    for table in ENGINE_TABLES:
        eng.register(table, wh.con.sql(f'SELECT * FROM "{table}"').to_arrow_table())
    return eng.sql


def mineral_flags() -> dict[str, list[dict[str, Any]]]:
    """Mineral-stage chokepoint flags per HS6 (from ``supplyscope.minerals``), only those raised."""
    from supplyscope.minerals import chokepoint_flags

    flags = chokepoint_flags()
    flags = flags[flags["flag"]]
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in flags.to_dict(orient="records"):
        hs6 = str(rec.pop("hs6"))
        rec.pop("flag")
        out.setdefault(hs6, []).append({"kind": "mineral_chokepoint", **rec})
    return out


def assess(
    importer: str = "USA",
    year: int | None = None,
    level: str = "product",
    top: int | None = None,
    db: Path | str | None = None,
    config: Path | str | None = None,
) -> dict[str, Any]:
    """The assessment as the JSON contract: ``{"importer", "year", "products": [...]}``."""
    result, ctx = run(importer, year, level, db=db, config=config)
    try:
        return result.to_dict(top)
    finally:
        ctx.warehouse.close()


def explain_record(result: Assessment, ctx: Context, code: str) -> dict[str, Any]:
    """One entity's record plus its suppliers."""
    record = result.record(code)
    if result.level == "product":
        record["suppliers"] = suppliers(ctx, [code])
    else:
        links = ctx.warehouse.query(
            "SELECT hs6, weight FROM product_industry WHERE classification = ? AND industry = ?",
            [result.filters.get("classification", "BEA2012"), code],
        )
        record["suppliers"] = suppliers(ctx, links["hs6"].tolist(), links["weight"].tolist())
    return record


def explain(
    code: str,
    importer: str = "USA",
    level: str = "product",
    year: int | None = None,
    db: Path | str | None = None,
    config: Path | str | None = None,
    with_look_through: bool = False,
) -> dict[str, Any]:
    """The drill-down of one product (HS6) or industry, with its suppliers and their shares.

    ``with_look_through`` adds the product's look-through exposure to China from the ICIO table
    (factorising the 4,000-sector system takes several seconds).
    """
    if level == "product":
        from supplyscope.codes.hs import normalise_hs6

        code = normalise_hs6(code)
    result, ctx = run(importer, year, level, db=db, config=config, min_import=0.0)
    try:
        record = explain_record(result, ctx, code)
    finally:
        ctx.warehouse.close()
    if with_look_through and level == "product":
        record["look_through"] = look_through([code], importer=result.importer)[code]
    return record
