"""Run the assessment: indicator values → scores → ranking, for products (HS6) or industries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.config import DIMENSIONS, Settings
from supplyscope.errors import NotFoundError
from supplyscope.indicators.base import Unavailable
from supplyscope.indicators.context import Context
from supplyscope.indicators.registry import REGISTRY
from supplyscope.scoring import industries as industry_agg
from supplyscope.scoring.scores import Scores, score
from supplyscope.scoring.sensitivity import rank_intervals

Progress = Callable[[str], None]


@dataclass
class Assessment:
    """A scored ranking with everything needed to explain each number."""

    level: str
    importer: str
    year: int
    meta: pd.DataFrame
    scores: Scores
    rank: pd.Series
    rank_interval: np.ndarray
    reasons: dict[str, str]
    bases: dict[str, str]
    notes: list[str] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Extra per-entity flags shown beside the score (e.g. mineral-stage chokepoints), not scored."""

    @property
    def key(self) -> str:
        return "hs6" if self.level == "product" else "industry"

    def order(self) -> pd.Index:
        """Entities from highest to lowest score (ties by code)."""
        s = self.scores.overall.fillna(-1.0).round(9)
        frame = pd.DataFrame({"s": s, "code": s.index})
        return pd.Index(frame.sort_values(["s", "code"], ascending=[False, True]).index)

    def main_driver(self, code: str) -> str | None:
        c = self.scores.contributions.loc[code]
        return None if c.isna().all() else str(c.idxmax())

    def record(self, code: str) -> dict[str, Any]:
        """The contract record of one entity."""
        if code not in self.scores.index:
            raise NotFoundError(self.key, code, list(self.order()[:50]))
        s = self.scores
        pos = s.index.get_loc(code)
        indicators: dict[str, Any] = {}
        for name in s.indicators:
            value = s.values.at[code, name]
            item: dict[str, Any] = {
                "value": None if pd.isna(value) else float(value),
                "risk": None if pd.isna(s.risk.at[code, name]) else round(float(s.risk.at[code, name]), 2),
                "weight": float(s.weight.at[code, name]),
                "thresholds": [float(s.no_risk.at[code, name]), float(s.full_risk.at[code, name])],
                "contribution": None
                if pd.isna(s.contributions.at[code, name])
                else round(float(s.contributions.at[code, name]), 3),
                "dimension": REGISTRY[name].dimension,
            }
            if name in self.reasons:
                item["reason"] = self.reasons[name]
            elif pd.isna(value):
                item["reason"] = f"no value for this {self.key} (no data in {self.bases.get(name, 'the source')})"
            if name in self.bases:
                item["basis"] = self.bases[name]
            indicators[name] = item
        meta = self.meta.loc[code]
        lo, hi = self.rank_interval[pos]
        return {
            self.key: code,
            "description": str(meta["description"]),
            "score": None if pd.isna(s.overall[code]) else round(float(s.overall[code]), 2),
            "rank": int(self.rank[code]),
            "rank_interval": [int(lo), int(hi)],
            "import_value_usd": float(meta["import_value"]),
            "dimensions": {
                d: None if pd.isna(s.dimensions.at[code, d]) else round(float(s.dimensions.at[code, d]), 2)
                for d in DIMENSIONS
            },
            "main_driver": self.main_driver(code),
            "indicators": indicators,
            "flags": self.flags.get(code, []),
        }

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        codes = list(self.order())
        if top is not None:
            codes = codes[:top]
        plural = "products" if self.level == "product" else "industries"
        return {
            "importer": self.importer,
            "year": self.year,
            "level": self.level,
            "count": len(self.scores.index),
            "filters": self.filters,
            "notes": self.notes,
            plural: [self.record(c) for c in codes],
            **({"products": [self.record(c) for c in codes]} if plural != "products" else {}),
        }


def indicator_values(
    ctx: Context, progress: Progress | None = None
) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Every registered indicator per HS6 (NaN where unavailable), with reasons and bases."""
    universe = ctx.importer_stats.index
    columns: dict[str, pd.Series] = {}
    reasons: dict[str, str] = {}
    bases: dict[str, str] = {}
    for name, ind in REGISTRY.items():
        if progress:
            progress(name)
        try:
            computed = ind.compute(ctx)
        except Unavailable as exc:
            reasons[name] = exc.reason
            columns[name] = pd.Series(np.nan, index=universe)
            continue
        columns[name] = computed.values.reindex(universe).astype(float)
        bases[name] = computed.basis
    return pd.DataFrame(columns, index=universe), reasons, bases


def _product_meta(ctx: Context, codes: pd.Index) -> pd.DataFrame:
    prod = ctx.warehouse.query("SELECT code, description, section, chapter, heading FROM products WHERE level = 6")
    prod = prod.set_index("code").reindex(codes)
    prod["description"] = prod["description"].fillna("(not in HS 2022 nomenclature)")
    prod["hs6"] = codes
    prod["import_value"] = ctx.importer_stats["import_value"].reindex(codes).astype(float)
    return prod


def _rank(overall: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"s": overall.fillna(-1.0).round(9), "code": overall.index})
    ordered = frame.sort_values(["s", "code"], ascending=[False, True])
    return pd.Series(np.arange(1, len(ordered) + 1), index=ordered.index).reindex(overall.index)


def assess(
    ctx: Context,
    settings: Settings,
    *,
    level: str = "product",
    min_import: float = 1e6,
    draws: int = 200,
    seed: int = 0,
    classification: str = "BEA2012",
    progress: Progress | None = None,
) -> Assessment:
    """Score every product (HS6) or industry of the importer-year."""
    values, reasons, bases = indicator_values(ctx, progress)
    dimension_of = {n: REGISTRY[n].dimension for n in values.columns}
    meta = _product_meta(ctx, values.index)
    notes = [
        f"world-supply indicators basis: {ctx.world_basis}",
        "EU27 is one partner in the US Census table (net of Slovakia, which is listed on its own)",
    ]
    if level == "product":
        keep = meta["import_value"] >= min_import
        values, meta = values[keep], meta[keep]
        filters: dict[str, Any] = {"min_import_usd": min_import}
    elif level == "industry":
        links = ctx.warehouse.query(
            "SELECT hs6, industry, weight FROM product_industry WHERE classification = ?", [classification]
        )
        if links.empty:
            raise NotFoundError("industry classification", classification, ["BEA2012", "NAICS2012", "ICIO2025"])
        values, attributed = industry_agg.aggregate(values, meta["import_value"], links)
        names = ctx.warehouse.query(
            "SELECT industry, name FROM industries WHERE classification = ?", [classification]
        ).set_index("industry")
        meta = pd.DataFrame(
            {
                "industry": values.index,
                "description": names["name"].reindex(values.index).fillna("(unnamed)"),
                "import_value": attributed,
            },
            index=values.index,
        )
        keep = meta["import_value"] >= min_import
        values, meta = values[keep], meta[keep]
        filters = {"min_import_usd": min_import, "classification": classification}
        notes.append(
            f"industry values are import-weighted means of HS6 values via {classification} concordance weights"
        )
    else:
        raise NotFoundError("level", level, ["product", "industry"])
    scores = score(values, meta, settings, dimension_of)
    if progress:
        progress("sensitivity")
    intervals = rank_intervals(scores, dimension_of, settings.dimensions, draws=draws, seed=seed)
    return Assessment(
        level,
        ctx.importer,
        ctx.y,
        meta,
        scores,
        _rank(scores.overall),
        intervals,
        reasons,
        bases,
        notes,
        filters,
    )


def suppliers(ctx: Context, hs6_codes: list[str], weights: list[float] | None = None) -> list[dict[str, Any]]:
    """Suppliers of one product, or of an industry's products weighted by concordance weights."""
    w = weights or [1.0] * len(hs6_codes)
    flows = ctx.warehouse.query(
        "SELECT hs6, exporter, SUM(value_usd) AS v FROM trade_flows WHERE importer = ? AND year = ? "
        "AND source IN (SELECT UNNEST(?)) GROUP BY 1, 2",
        [ctx.importer, ctx.y, ctx.importer_sources],
    )
    flows = flows[flows["hs6"].isin(hs6_codes)]
    flows["v"] = flows["v"] * flows["hs6"].map(dict(zip(hs6_codes, w, strict=True)))
    by = flows.groupby("exporter")["v"].sum().sort_values(ascending=False)
    total = float(by.sum())
    return [
        {"country": c, "value_usd": float(v), "share": float(v / total) if total else None}
        for c, v in by.items()
        if v > 0
    ]
