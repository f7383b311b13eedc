"""Run the assessment: indicator values → scores → ranking, for products (HS6) or industries."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.config import DIMENSIONS, Settings
from supplyscope.errors import NotFoundError
from supplyscope.indicators.base import Unavailable
from supplyscope.indicators.context import Context
from supplyscope.indicators.diversity import WORLD
from supplyscope.indicators.registry import REGISTRY
from supplyscope.scoring import industries as industry_agg
from supplyscope.scoring.criticality import criticality_score
from supplyscope.scoring.method import Method, method_of
from supplyscope.scoring.scores import Scores, score
from supplyscope.scoring.sensitivity import rank_intervals
from supplyscope.scoring.stored import (
    CRITICALITY_COMPONENTS,
    CRITICALITY_TEXT,
    LIST_KEY,
    SCORED_TABLES,
    RecordLayout,
    basis_kind,
    build_record,
)
from supplyscope.scoring.stored import suppliers as supplier_list

Progress = Callable[[str], None]

WORLD_INDICATORS = tuple(n for n, i in REGISTRY.items() if WORLD in i.requires)
"""Indicators computed from world supply shares; each value carries its basis."""


@dataclass
class Assessment:
    """A scored ranking with everything needed to explain each number.

    ``top`` limits the entities listed by :meth:`to_dict` (the universe and every rank ``of`` N
    stay those of the whole assessment).
    """

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
    world_basis: pd.Series | None = None
    """Per entity: which data its world-supply values rest on (USGS stage, BACI or ICIO sector)."""
    criticality_inputs: pd.DataFrame | None = None
    method: Method | None = None
    dimension_of: dict[str, str] = field(default_factory=dict)
    top: int | None = None

    @property
    def key(self) -> str:
        return "hs6" if self.level == "product" else "industry"

    @property
    def count(self) -> int:
        """N, the size of the ranked universe."""
        return len(self.scores.index)

    def order(self) -> pd.Index:
        """Entities from highest to lowest score (ties by code)."""
        return pd.Index(self.rank.sort_values(kind="stable").index)

    def main_drivers(self) -> pd.Series:
        """The indicator with the largest contribution per entity (one vectorised argmax)."""
        c = self.scores.contributions.to_numpy(dtype=float)
        empty = np.isnan(c).all(axis=1)
        best = np.argmax(np.where(np.isnan(c), -np.inf, c), axis=1)
        names = np.array(self.scores.indicators, dtype=object)[best]
        return pd.Series(np.where(empty, None, names), index=self.scores.index, dtype=object)

    def main_driver(self, code: str) -> str | None:
        d = self.main_drivers().get(code)
        return None if d is None else str(d)

    def layout(self) -> RecordLayout:
        """What the records of this assessment share (see :func:`~supplyscope.scoring.stored.build_record`)."""
        names = list(self.scores.indicators)
        groups = [self.method.group_of(n) if self.method else None for n in names]
        return RecordLayout(
            key=self.key,
            count=self.count,
            indicators=names,
            dimension=[self.dimension_of.get(n, REGISTRY[n].dimension) for n in names],
            group=[None if g is None else g.name for g in groups],
            world=[n in WORLD_INDICATORS for n in names],
            reasons=dict(self.reasons),
            bases=dict(self.bases),
            criticality_mode=None if self.method is None else self.method.criticality.mode,
            flags=self.flags,
        )

    def _rows(self, codes: list[str], drivers: pd.Series) -> list[dict[str, Any]]:
        """The rows :func:`build_record` reads, for these entities (one pass over each frame)."""
        s = self.scores
        pos = s.index.get_indexer(codes)

        def matrix(frame: pd.DataFrame, columns: list[str]) -> list[list[float]]:
            m = frame.to_numpy(dtype=float) if list(frame.columns) == columns else frame[columns].to_numpy(dtype=float)
            out: list[list[float]] = m[frame.index.get_indexer(codes)].tolist()
            return out

        def column(series: pd.Series | None) -> list[Any]:
            return [None] * len(codes) if series is None else series.reindex(codes).tolist()

        columns: dict[str, list[Any]] = {t: matrix(getattr(s, t), list(s.indicators)) for t in SCORED_TABLES}
        columns["dimensions"] = matrix(s.dimensions, list(DIMENSIONS))
        columns |= {
            "code": codes,
            "description": column(self.meta["description"]),
            "import_value": column(self.meta["import_value"]),
            "overall": column(s.overall),
            "risk_score": column(s.risk_score),
            "criticality": column(s.criticality),
            "scale": [None] * len(codes) if s.scale is None else s.scale[pos].tolist(),
            "rank": column(self.rank),
            "rank_lo": self.rank_interval[pos, 0].tolist(),
            "rank_hi": self.rank_interval[pos, 1].tolist(),
            "main_driver": column(drivers),
            "world_basis": column(self.world_basis),
        }
        crit: dict[str, dict[str, Any]] = {}
        ci = self.criticality_inputs
        if ci is not None:
            cols = [c for c in (*CRITICALITY_COMPONENTS, *CRITICALITY_TEXT) if c in ci.columns]
            known = [c for c in codes if c in ci.index]
            sub = ci.loc[known, cols]
            crit = {
                c: {k: None if pd.isna(v) else v for k, v in zip(cols, vals, strict=True)}
                for c, vals in zip(known, sub.itertuples(index=False, name=None), strict=True)
            }
        columns["criticality_inputs"] = [crit.get(c) for c in codes]
        names = list(columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]

    def records(self, codes: list[str]) -> list[dict[str, Any]]:
        """The contract records of these entities (see :func:`~supplyscope.scoring.stored.build_record`)."""
        for code in codes:
            if code not in self.scores.index:
                raise NotFoundError(self.key, code, list(self.order()[:50]))
        layout = self.layout()
        return [build_record(layout, row) for row in self._rows(codes, self.main_drivers())]

    def record(self, code: str) -> dict[str, Any]:
        """The contract record of one entity."""
        return self.records([code])[0]

    def entities(self, top: int | None = None) -> list[dict[str, Any]]:
        """Records from highest to lowest score, the first ``top`` (default: the result's own ``top``)."""
        n = top if top is not None else self.top
        codes = list(self.order())
        return self.records(codes if n is None else codes[:n])

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """The JSON contract: one list of entities under :data:`LIST_KEY`, ``count`` = N."""
        return {
            "importer": self.importer,
            "year": self.year,
            "level": self.level,
            "count": self.count,
            "filters": self.filters,
            "notes": self.notes,
            LIST_KEY: self.entities(top),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per entity in rank order: scores, criticality, dimensions, every value and risk."""
        s = self.scores
        out = self.meta[["description", "import_value"]].copy()
        out.insert(0, self.key, s.index)
        out["score"] = s.overall
        out["risk_score"] = s.risk_score
        out["criticality"] = s.criticality
        out["rank"] = self.rank
        out["of"] = self.count
        out["rank_lo"] = self.rank_interval[:, 0]
        out["rank_hi"] = self.rank_interval[:, 1]
        for d in s.dimensions.columns:
            out[f"dim_{d}"] = s.dimensions[d]
        out["main_driver"] = self.main_drivers()
        if self.world_basis is not None:
            out["world_basis"] = self.world_basis.reindex(s.index)
        if self.criticality_inputs is not None:
            for c in CRITICALITY_COMPONENTS:
                out[f"crit_{c}"] = self.criticality_inputs[c].reindex(s.index)
        for n in s.indicators:
            out[f"value_{n}"] = s.values[n]
            out[f"risk_{n}"] = s.risk[n]
        return out.sort_values("rank")

    def correlation(self) -> pd.DataFrame:
        """Spearman rank correlation of every indicator pair across the ranked entities (pairwise complete)."""
        v = self.scores.values.dropna(axis=1, how="all")
        v = v.loc[:, v.nunique() > 1]
        return v.rank().corr(method="pearson", min_periods=30)

    def effective_weights(self) -> pd.DataFrame:
        """Mean share of the risk score each group (or ungrouped indicator) carries across entities."""
        s = self.scores
        w = s.weight.to_numpy(dtype=float)
        avail = ~np.isnan(s.risk.to_numpy(dtype=float))
        wa = np.where(avail, w, 0.0)
        dims = [self.dimension_of.get(n, REGISTRY[n].dimension) for n in s.indicators]
        dim_w = self.filters.get("dimension_weights", dict.fromkeys(DIMENSIONS, 1.0))
        per_dim = {d: wa[:, [i for i, x in enumerate(dims) if x == d]].sum(axis=1) for d in set(dims)}
        dw = np.stack([np.where(per_dim.get(d, np.zeros(len(wa))) > 0, dim_w[d], 0.0) for d in DIMENSIONS], axis=1)
        dtot = dw.sum(axis=1)
        share = np.zeros_like(wa)
        for j, d in enumerate(dims):
            with np.errstate(invalid="ignore", divide="ignore"):
                share[:, j] = np.where(per_dim[d] > 0, dw[:, DIMENSIONS.index(d)] / dtot * wa[:, j] / per_dim[d], 0.0)
        rows = []
        for j, name in enumerate(s.indicators):
            g = self.method.group_of(name) if self.method else None
            rows.append({"group": g.name if g else name, "indicator": name, "share": float(np.nanmean(share[:, j]))})
        df = pd.DataFrame(rows)
        out = df.groupby("group", sort=False).agg(share=("share", "sum"), members=("indicator", lambda x: ", ".join(x)))
        return out.sort_values("share", ascending=False)

    def rescored(self, settings: Settings, *, draws: int = 200, seed: int = 0) -> Assessment:
        """The same entities and indicator values scored under other settings (weights, thresholds, method).

        No indicator is recomputed: only the scoring step and the rank intervals run again.
        """
        method = method_of(settings, set(REGISTRY))
        dimension_of = {n: REGISTRY[n].dimension for n in self.scores.values.columns}
        for g in method.groups:
            for m in g.members:
                dimension_of[m] = g.dimension
        c = None if self.criticality_inputs is None else criticality_score(self.criticality_inputs, method.criticality)
        scores = score(self.scores.values, self.meta, settings, dimension_of, method, c)
        intervals = rank_intervals(scores, dimension_of, settings.dimensions, draws=draws, seed=seed)
        filters = {
            **self.filters,
            "dimension_weights": dict(settings.dimensions),
            "criticality_mode": method.criticality.mode,
        }
        return replace(
            self,
            scores=scores,
            rank=_rank(scores.overall),
            rank_interval=intervals,
            filters=filters,
            method=method,
            dimension_of=dimension_of,
        )

    def to_tables(self) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        """Frames and JSON metadata that :meth:`from_tables` turns back into the same assessment (for caching)."""
        s = self.scores
        frames = {
            "values": s.values,
            "risk": s.risk,
            "weight": s.weight,
            "no_risk": s.no_risk,
            "full_risk": s.full_risk,
            "dimensions": s.dimensions,
            "contributions": s.contributions,
            "meta": self.meta,
            "entity": pd.DataFrame(
                {
                    "overall": s.overall,
                    "risk_score": s.risk_score,
                    "criticality": s.criticality,
                    "scale": s.scale,
                    "offset": s.offset,
                    "rank": self.rank,
                    "rank_lo": self.rank_interval[:, 0],
                    "rank_hi": self.rank_interval[:, 1],
                    "world_basis": self.world_basis.reindex(s.index) if self.world_basis is not None else None,
                    "main_driver": self.main_drivers(),
                },
                index=s.index,
            ),
        }
        if self.criticality_inputs is not None:
            frames["criticality_inputs"] = self.criticality_inputs
        meta = {
            "level": self.level,
            "importer": self.importer,
            "year": self.year,
            "reasons": self.reasons,
            "bases": self.bases,
            "notes": self.notes,
            "filters": self.filters,
            "flags": self.flags,
            "dimension_of": self.dimension_of,
        }
        return {k: v.rename_axis("_index") for k, v in frames.items()}, json.loads(json.dumps(meta, default=str))

    @classmethod
    def from_tables(cls, frames: dict[str, pd.DataFrame], meta: dict[str, Any], method: Method | None) -> Assessment:
        f = {k: v.rename_axis(None) for k, v in frames.items()}
        e = f["entity"]
        idx = e.index
        scores = Scores(
            index=idx,
            indicators=list(f["values"].columns),
            values=f["values"],
            risk=f["risk"],
            weight=f["weight"],
            no_risk=f["no_risk"],
            full_risk=f["full_risk"],
            dimensions=f["dimensions"],
            overall=e["overall"],
            contributions=f["contributions"],
            risk_score=e["risk_score"],
            criticality=e["criticality"],
            scale=e["scale"].to_numpy(),
            offset=e["offset"].to_numpy(),
        )
        return cls(
            meta["level"],
            meta["importer"],
            int(meta["year"]),
            f["meta"],
            scores,
            e["rank"].astype(int),
            e[["rank_lo", "rank_hi"]].to_numpy(dtype=int),
            meta["reasons"],
            meta["bases"],
            meta["notes"],
            meta["filters"],
            meta["flags"],
            e["world_basis"] if e["world_basis"].notna().any() else None,
            f.get("criticality_inputs"),
            method,
            meta["dimension_of"],
        )


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


def _world_basis(ctx: Context, codes: pd.Index) -> pd.Series:
    raw = ctx.world_stats["world_basis"].reindex(codes)
    src = ctx.warehouse.query(
        "SELECT commodity, stage, year, STRING_AGG(DISTINCT source, '; ' ORDER BY source) AS s "
        "FROM production GROUP BY 1, 2, 3"
    )
    sources = {(str(c), str(st), int(y)): str(s) for c, st, y, s in src.itertuples(index=False)}
    detail: dict[str, list[str]] = {}
    for hs6, commodity, stage, year, _ in ctx.mineral_stages:
        detail.setdefault(hs6, []).append(
            f"{commodity} {stage} {year}, {sources.get((commodity, stage, year), 'production table')}"
        )
    labels = {
        "BACI": "BACI exporter x HS6 flows",
        "ICIO sector": "OECD ICIO 2022 sector gross output (proxy; no BACI loaded)",
    }
    out: list[str | None] = []
    for h, b in zip(codes, raw, strict=True):
        if not isinstance(b, str):
            out.append(None)
        elif b.startswith("USGS"):
            out.append(f"mineral stage production shares ({' | '.join(detail.get(str(h), []))})")
        else:
            out.append(labels.get(b, b))
    return pd.Series(out, index=codes, dtype=object)


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
    method = method_of(settings, set(REGISTRY))
    values, reasons, bases = indicator_values(ctx, progress)
    dimension_of = {n: REGISTRY[n].dimension for n in values.columns}
    for g in method.groups:
        for m in g.members:
            dimension_of[m] = g.dimension
    meta = _product_meta(ctx, values.index)
    crit_in = ctx.criticality_inputs.reindex(values.index)
    world_basis = _world_basis(ctx, values.index)
    notes = ["EU27 is one partner in the US Census table (net of Slovakia, which is listed on its own)"]
    filters: dict[str, Any]
    if level == "product":
        keep = meta["import_value"] >= min_import
        values, meta, crit_in, world_basis = values[keep], meta[keep], crit_in[keep], world_basis[keep]
        filters = {"min_import_usd": min_import}
        kinds = world_basis.map(basis_kind).value_counts()
        notes.insert(
            0,
            "world-supply basis of the ranked products: "
            + ", ".join(f"{k} {v:,}" for k, v in kinds.items())
            + " (ICIO sector values are proxies, marked in the report)",
        )
    elif level == "industry":
        links = ctx.warehouse.query(
            "SELECT hs6, industry, weight FROM product_industry WHERE classification = ?", [classification]
        )
        if links.empty:
            raise NotFoundError("industry classification", classification, ["BEA2012", "NAICS2012", "ICIO2025"])
        numeric = crit_in[["end_use", "productive_use", "breadth", "user_industries", "import_export_ratio"]].assign(
            designated=crit_in["designated"].astype(float)
        )
        both = pd.concat([values, numeric.add_prefix("crit__")], axis=1)
        agg, attributed = industry_agg.aggregate(both, meta["import_value"], links)
        values = agg[values.columns]
        crit_in = agg[[c for c in agg.columns if c.startswith("crit__")]].rename(columns=lambda c: c[6:])
        crit_in["designated"] = crit_in["designated"] > 0
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
        values, meta, crit_in = values[keep], meta[keep], crit_in[keep]
        world_basis = None
        filters = {"min_import_usd": min_import, "classification": classification}
        notes.append(
            f"industry values are import-weighted means of HS6 values via {classification} concordance weights"
        )
    else:
        raise NotFoundError("level", level, ["product", "industry"])
    filters["dimension_weights"] = dict(settings.dimensions)
    filters["criticality_mode"] = method.criticality.mode
    c = criticality_score(crit_in, method.criticality)
    scores = score(values, meta, settings, dimension_of, method, c)
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
        world_basis=world_basis,
        criticality_inputs=crit_in,
        method=method,
        dimension_of=dimension_of,
    )


def suppliers(ctx: Context, hs6_codes: list[str], weights: list[float] | None = None) -> list[dict[str, Any]]:
    """Suppliers of one product, or of an industry's products weighted by concordance weights."""
    return supplier_list(ctx.warehouse.con, ctx.importer, ctx.y, ctx.importer_sources, hs6_codes, weights)
