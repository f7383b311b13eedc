"""Python entry points for the assessment, shared by the CLI and the web service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supplyscope.config import Settings, load_settings
from supplyscope.data.build import ensure_built
from supplyscope.indicators.context import Context
from supplyscope.indicators.registry import REGISTRY
from supplyscope.scoring.assessment import Assessment, Progress, suppliers
from supplyscope.scoring.assessment import assess as run_assessment

__all__ = ["assess", "explain", "run", "settings"]


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
) -> tuple[Assessment, Context]:
    """Build the warehouse if needed, then run the assessment; returns it with its context."""
    cfg = settings(config)
    wh = ensure_built(db)
    ctx = Context(wh, importer=importer.upper(), year=year)
    result = run_assessment(ctx, cfg, level=level, min_import=min_import, draws=draws, seed=seed, progress=progress)
    return result, ctx


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
) -> dict[str, Any]:
    """The drill-down of one product (HS6) or industry, with its suppliers and their shares."""
    if level == "product":
        from supplyscope.codes.hs import normalise_hs6

        code = normalise_hs6(code)
    result, ctx = run(importer, year, level, db=db, config=config, min_import=0.0)
    try:
        return explain_record(result, ctx, code)
    finally:
        ctx.warehouse.close()
