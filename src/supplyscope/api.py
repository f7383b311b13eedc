"""Python entry points for the assessment, shared by the CLI, the web service and the reports.

* :func:`assessment` returns the typed :class:`~supplyscope.scoring.assessment.Assessment`
  (cached per warehouse, settings and filters under ``$SUPPLYSCOPE_HOME/cache``);
* :func:`assess` returns its JSON contract (one list key, ``entities``; ``top`` applied);
* :func:`explain` returns one entity's record, ranked in the same universe as :func:`assess`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.config import Settings, load_settings
from supplyscope.data.build import ensure_built
from supplyscope.data.warehouse import Warehouse
from supplyscope.indicators.context import Context
from supplyscope.indicators.registry import REGISTRY
from supplyscope.scoring import eu2021
from supplyscope.scoring.assessment import Assessment, Progress, suppliers
from supplyscope.scoring.assessment import assess as run_assessment
from supplyscope.scoring.method import method_of
from supplyscope.scoring.stored import (
    AssessmentRequest,
    below_floor_record,
    cache_root,
    cached_explain,
    entity_suppliers,
    entry_key,
    product_suppliers,
    write_alias,
    write_layout,
)

__all__ = [
    "assess",
    "assessment",
    "dependence",
    "eu2021_flags",
    "explain",
    "explain_record",
    "explain_records",
    "look_through",
    "mineral_flags",
    "mineral_links",
    "run",
    "settings",
]


def settings(config: Path | str | None = None) -> Settings:
    """Shipped defaults merged with the user's settings file, validated against the registry."""
    cfg = load_settings(config, known_indicators=set(REGISTRY))
    method_of(cfg, set(REGISTRY))  # a bad method section fails here, before any work
    return cfg


@lru_cache(maxsize=1)
def mineral_links() -> pd.DataFrame:
    """HS6 → mineral links of the minerals catalogue, with ``designated`` = on a US critical minerals list."""
    from supplyscope.minerals import list_status, load_hs_codes

    status = list_status().set_index("mineral")
    listed = status["on_2022_list"] | status["on_2025_list"]
    rows = [
        {"hs6": c.hs6, "mineral": m, "stage": c.stage, "designated": bool(listed.get(m, False))}
        for c in load_hs_codes()
        for m in c.minerals
    ]
    return pd.DataFrame(rows, columns=["hs6", "mineral", "stage", "designated"])


def _open(db: Path | str | None) -> Warehouse:
    """The warehouse (built if needed) with DuckDB's progress bar off: it would print on stdout."""
    wh = ensure_built(db)
    wh.con.execute("SET enable_progress_bar = false")
    return wh


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
    """Build the warehouse if needed, then run the assessment (never cached); returns it with its context.

    ``engine="spark"`` runs the table-level SQL (joins and aggregations over the trade tables) on
    Apache Spark instead of DuckDB: the canonical tables are registered as Spark views and the same
    SQL is transpiled by sqlglot. Scoring is the same numpy code either way.
    """
    cfg = settings(config)
    wh = _open(db)
    with _engine_sql(wh, engine) as run_sql:
        ctx = Context(wh, importer=importer.upper(), year=year, run_sql=run_sql, mineral_links=mineral_links())
        result = run_assessment(ctx, cfg, level=level, min_import=min_import, draws=draws, seed=seed, progress=progress)
    ctx.run_sql = None  # the engine is closed; later queries on the context go to the warehouse (same tables)
    if level == "product":
        result.flags = mineral_flags()
    return result, ctx


def _load_cached(path: Path, cfg: Settings) -> Assessment | None:
    """The stored assessment, or None when there is none or it is damaged (then it is recomputed)."""
    meta_file = path / "meta.json"
    if not meta_file.exists():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        frames = {p.stem: pd.read_parquet(p) for p in path.glob("*.parquet") if p.stem != "below"}
        return Assessment.from_tables(frames, meta, method_of(cfg, set(REGISTRY)))
    except (OSError, KeyError, ValueError):
        return None


def _store(path: Path, result: Assessment, ctx: Context) -> None:
    """The assessment's tables, ``meta.json`` (for :func:`_load_cached`) and ``layout.json`` with, for a
    product ranking, ``below.parquet`` (the products under the floor), so that
    :func:`~supplyscope.scoring.stored.cached_explain` answers from the files alone."""
    frames, meta = result.to_tables()
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, df in frames.items():
        df.to_parquet(tmp / f"{name}.parquet")
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    if result.level == "product":
        stats = ctx.importer_stats
        below = stats.loc[~stats.index.isin(result.scores.index), ["import_value"]].astype(float)
        below.rename_axis("hs6").reset_index().to_parquet(tmp / "below.parquet", index=False)
    extra = {
        "importer": result.importer,
        "year": result.year,
        "sources": list(ctx.importer_sources),
        "min_import_usd": float(result.filters.get("min_import_usd", 0.0)),
        "classification": result.filters.get("classification", "BEA2012"),
    }
    write_layout(tmp, result.layout(), extra)
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)


def assessment(
    importer: str = "USA",
    year: int | None = None,
    level: str = "product",
    *,
    top: int | None = None,
    db: Path | str | None = None,
    config: Path | str | None = None,
    min_import: float = 1e6,
    draws: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> tuple[Assessment, Context]:
    """The scored assessment (from the cache when the warehouse, settings and filters are unchanged).

    The context is returned open (its warehouse is the caller's to close); ``top`` is stored on the
    result and limits what :meth:`Assessment.to_dict` lists.
    """
    cfg = settings(config)
    wh = _open(db)
    # the mineral catalogue is read only if the context needs it (not on a cache hit)
    ctx = Context(wh, importer=importer.upper(), year=year, mineral_links_of=mineral_links)
    filters = AssessmentRequest(ctx.importer, level, ctx.y, min_import=min_import, draws=draws, seed=seed).filters()
    path = cache_root() / entry_key(wh.path, repr(cfg), filters)
    result = _load_cached(path, cfg) if use_cache else None
    if result is None:
        result = run_assessment(ctx, cfg, level=level, min_import=min_import, draws=draws, seed=seed, progress=progress)
        if level == "product":
            result.flags = mineral_flags()
        if use_cache:
            _store(path, result, ctx)
    if use_cache and year is None and wh.path != ":memory:":  # the request's own key, for cached_explain
        write_alias(entry_key(wh.path, repr(cfg), {**filters, "year": None}), path)
    result.top = top
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
    "production",
)
"""The canonical tables the assessment's SQL reads."""


@contextmanager
def _engine_sql(wh: Warehouse, name: str) -> Iterator[Callable[[str], pd.DataFrame] | None]:
    """The ``sql`` function of engine ``name`` over the assessment's tables (``None`` for DuckDB: the
    warehouse answers itself); the engine is closed when the block ends, even on an error.

    The engine reads the Parquet export of the warehouse (``data export``; written once per warehouse
    version, in ``[spark] tables`` when set), never a copy of the tables through the driver.
    """
    if name == "duckdb":
        yield None
        return
    from supplyscope.data.export import exported_tables
    from supplyscope.engine import get_engine
    from supplyscope.engine.settings import spark_settings

    eng = get_engine(name)
    try:
        where = spark_settings().tables
        for table, path in exported_tables(wh, ENGINE_TABLES, Path(where) if where else None).items():
            eng.register(table, path)
        yield eng.sql
    finally:
        eng.close()


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
    """The assessment as the JSON contract: ``{"importer", "year", "count", "entities": [...]}``, ``top`` applied."""
    result, ctx = assessment(importer, year, level, top=top, db=db, config=config)
    try:
        return result.to_dict()
    finally:
        ctx.warehouse.close()


def explain_record(result: Assessment, ctx: Context, code: str) -> dict[str, Any]:
    """One entity's record plus its suppliers."""
    return explain_records(result, ctx, [code])[0]


def explain_records(result: Assessment, ctx: Context, codes: list[str]) -> list[dict[str, Any]]:
    """These entities' records plus their suppliers (one suppliers query for all the products)."""
    records = result.records(codes)
    args = (ctx.importer, ctx.y, ctx.importer_sources)
    if result.level == "product":
        supplied = product_suppliers(ctx.warehouse.con, *args, codes)
        for rec, c in zip(records, codes, strict=True):
            rec["suppliers"] = supplied[c]
        return records
    classification = result.filters.get("classification", "BEA2012")
    for rec, c in zip(records, codes, strict=True):
        rec["suppliers"] = entity_suppliers(ctx.warehouse.con, result.level, c, *args, classification)
    return records


def _below_floor(result: Assessment, ctx: Context, code: str) -> dict[str, Any] | None:
    """The answer for a product outside the ranked universe, or None when it is not imported at all."""
    if result.level != "product":
        return None
    stats = ctx.importer_stats
    if code not in stats.index:
        return None
    value = float(stats.at[code, "import_value"])
    floor = float(result.filters.get("min_import_usd", 0.0))
    return below_floor_record(code, value, floor, result.count, suppliers(ctx, [code]))


def explain(
    code: str,
    importer: str = "USA",
    level: str = "product",
    year: int | None = None,
    db: Path | str | None = None,
    config: Path | str | None = None,
    with_look_through: bool = False,
    min_import: float = 1e6,
) -> dict[str, Any]:
    """The drill-down of one product (HS6) or industry, ranked in the same universe as :func:`assess`.

    A product imported below ``min_import`` gets ``rank`` None and a ``reason`` instead of a
    re-ranking. ``with_look_through`` adds the look-through exposure to China from the ICIO table.
    A stored assessment answers without recomputing (:func:`~supplyscope.scoring.stored.cached_explain`).
    """
    record = cached_explain(code, AssessmentRequest(importer, level, year, db, config, min_import))
    if record is None:
        if level == "product":
            from supplyscope.codes.hs import normalise_hs6

            code = normalise_hs6(code)
        result, ctx = assessment(importer, year, level, db=db, config=config, min_import=min_import)
        try:
            if code not in result.scores.index:
                outside = _below_floor(result, ctx, code)
                if outside is not None:
                    return outside
            record = explain_record(result, ctx, code)
        finally:
            ctx.warehouse.close()
    if with_look_through and level == "product":
        record["look_through"] = look_through([code], importer=importer.upper())[code]
    return record


def eu2021_flags(result: Assessment) -> pd.DataFrame:
    """The SWD(2021) 352 screen on an assessment's entities (see :mod:`supplyscope.scoring.eu2021`)."""
    ci = result.criticality_inputs
    ratio = ci["import_export_ratio"] if ci is not None and "import_export_ratio" in ci else None
    values = pd.DataFrame(
        {
            "import_hhi": result.scores.values["import_hhi"],
            "import_penetration": result.scores.values["import_penetration"],
            "import_export_ratio": ratio.reindex(result.scores.index) if ratio is not None else float("nan"),
        }
    )
    out = eu2021.flag(values)
    out.insert(0, "description", result.meta["description"])
    out.insert(1, "import_value_usd", result.meta["import_value"])
    out["rank"] = result.rank
    return out.sort_values(["flagged", "rank"], ascending=[False, True])


def dependence(importer: str = "USA", year: int | None = None, db: Path | str | None = None) -> Any:
    """The importer's dependence on each partner: trade shares (warehouse ``trade_flows``) beside look-through.

    Returns a :class:`supplyscope.inputoutput.dependence.Dependence`. The look-through side is the bundled
    OECD ICIO table; EU members that the trade table does not list on their own are summed into ``EU27``.
    """
    from supplyscope.errors import NotFoundError
    from supplyscope.inputoutput import load_icio
    from supplyscope.inputoutput.dependence import dependence as run_dependence

    wh = _open(db)
    try:
        years = wh.query("SELECT DISTINCT year FROM trade_flows WHERE importer = ? ORDER BY year", [importer])
        if years.empty:
            known = wh.query("SELECT DISTINCT importer FROM trade_flows ORDER BY 1")["importer"]
            raise NotFoundError("importer in trade_flows", importer, known)
        chosen = int(years["year"].iloc[-1]) if year is None else year
        if chosen not in set(years["year"]):
            raise NotFoundError(f"year for importer {importer} in trade_flows", chosen, years["year"])
        flows = wh.query(
            "SELECT exporter, hs6, value_usd, source FROM trade_flows WHERE importer = ? AND year = ?",
            [importer, chosen],
        )
        eu = wh.query("SELECT iso3 FROM country_groups WHERE group_name = 'eu27'")["iso3"]
    finally:
        wh.close()
    partners = set(flows["exporter"])
    aggregates = {"EU27": set(eu) - partners} if "EU27" in partners else {}
    sources = ", ".join(sorted(set(flows["source"])))
    return run_dependence(
        flows, load_icio(), importer, year=chosen, trade_source=f"{sources} ({chosen})", aggregates=aggregates
    )
