"""Screen a file of shipments: validate, join coverage and screening results, flag, aggregate, write.

Validation, staging and everything per shipment (joins, de minimis rules, duty, flags, aggregates) are
queries of the chosen engine (:mod:`supplyscope.engine`). Two lookups run in Python, once per distinct
value: the tariff facts of every distinct HTS10 x origin x entry date (a few thousand rows, computed from
the dated tariff layer and handed to the engine as a small table, which Spark broadcasts) and the screening
of every distinct shipper, which the engine runs batch by batch on its workers (:meth:`Engine.map_table`:
Spark executors, or DuckDB worker processes) with the screening index shipped to each worker once.

Nothing is ordered except where the output needs it: the aggregates (a few hundred rows, sorted in pandas).
``flagged.parquet`` is a set of rows in no particular order (sorting millions of rows would cost Spark a
global shuffle); sort it when reading if you need an order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.data.warehouse import file_checksum
from supplyscope.engine import Engine
from supplyscope.engine.base import Location
from supplyscope.errors import DataError
from supplyscope.jsonio import to_json
from supplyscope.shipments import sql
from supplyscope.shipments.load import stage_shipments
from supplyscope.shipments.parties import IndexScreener, PartyScreener
from supplyscope.shipments.party_cache import screen_parties
from supplyscope.shipments.settings import ShipmentSettings, load_settings
from supplyscope.shipments.tariffs import CoverageSource, default_coverage, tariff_facts

STEPS = ("validate", "tariff facts", "screen shippers", "screen shipments", "aggregate", "write")

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``; ``total`` is 0 when unknown."""


@dataclass
class PipelineResult:
    """What one run produced: the aggregates frame, a JSON-ready summary and the files written."""

    rows: int
    flagged: int
    aggregates: pd.DataFrame
    summary: dict[str, Any]
    outputs: dict[str, str] = field(default_factory=dict)


def _level(row: pd.Series) -> str:
    dims = [d for d in sql.GROUPS if int(row[f"g_{d}"]) == 0]
    return " x ".join(dims) if dims else "total"


def tidy_aggregates(raw: pd.DataFrame) -> pd.DataFrame:
    """Aggregates with a ``level`` column ('origin x hts_chapter x mode', 'origin', ..., 'total')."""
    out = raw.copy()
    out.insert(0, "level", [_level(r) for _, r in out.iterrows()] if len(out) else [])
    out = out.drop(columns=[f"g_{d}" for d in sql.GROUPS])
    order = {"origin x hts_chapter x mode": 0, "origin": 1, "hts_chapter": 2, "mode": 3, "total": 4}
    out["_o"] = out["level"].map(order)
    out = out.sort_values(["_o", *sql.GROUPS], na_position="first", kind="mergesort").drop(columns="_o")
    return out.reset_index(drop=True)


def run(
    engine: Engine,
    shipments: Location,
    *,
    settings: ShipmentSettings | None = None,
    screener: PartyScreener | None = None,
    coverage: CoverageSource | None = None,
    progress: Progress | None = None,
    rows: int | None = None,
    cache: bool | None = None,
) -> tuple[int, pd.DataFrame, dict[str, Any]]:
    """Run the pipeline on *validated* shipments (Parquet); leaves table ``screened`` in the engine.

    ``rows`` is the input's row count when the caller knows it (the staging write reports it); otherwise
    the engine counts. ``cache``: look up and keep screened shippers in ``$SUPPLYSCOPE_HOME/cache``
    (:mod:`~supplyscope.shipments.party_cache`); by default on DuckDB only (on a cluster the cache
    would be read and written by the driver). Returns the row count, the tidy aggregates and facts for the summary.
    """
    s = settings or load_settings()
    cov = coverage or default_coverage()
    scr = screener or IndexScreener()
    tick = progress or (lambda step, done, total: None)

    engine.register("shipments", shipments)
    distinct = engine.sql(sql.DISTINCT_HTS_SQL)
    keys = [
        (str(h), str(o), d.date() if hasattr(d, "date") else d)
        for h, o, d in distinct[["hts10", "origin", "entry_date"]].itertuples(index=False)
    ]
    codes = sorted({k[0] for k in keys})
    tick("tariff facts", 0, len(keys))
    engine.register("hts_facts", tariff_facts(keys, s, cov))
    tick("tariff facts", len(keys), len(keys))

    tick("screen shippers", 0, 0)
    n_parties, n_screened = screen_parties(engine, scr, cache=engine.name == "duckdb" if cache is None else cache)
    tick("screen shippers", n_parties, n_parties)

    tick("screen shipments", 0, 0)
    n_in = rows if rows is not None else int(engine.sql("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM shipments")["n"][0])
    n_out = engine.materialize("screened", sql.screened_sql(s))
    if n_out != n_in:  # the joins are complete by construction; never drop a shipment silently
        raise DataError(f"{n_in - n_out} shipments lost in the joins", source=str(shipments))
    tick("screen shipments", n_out, n_out)

    tick("aggregate", 0, 0)
    aggregates = tidy_aggregates(engine.sql(sql.aggregates_sql()))
    tick("aggregate", 1, 1)
    facts = {
        "distinct_hts10": len(codes),
        "distinct_tariff_keys": len(keys),
        "distinct_shippers": n_parties,
        "shippers_screened": n_screened,
        "coverage_source": cov.name,
        "screening_source": scr.name,
        "screening_lists": dict(scr.versions),
    }
    return n_out, aggregates, facts


def _summary(
    path: Location,
    engine: Engine,
    rows: int,
    agg: pd.DataFrame,
    facts: dict[str, Any],
    s: ShipmentSettings,
    coverage_name: str,
    seconds: float,
) -> dict[str, Any]:
    total = agg[agg["level"] == "total"].iloc[0] if (agg["level"] == "total").any() else None

    def num(col: str) -> Any:
        return None if total is None else total[col].item() if hasattr(total[col], "item") else total[col]

    notes = [
        "Duty is the general (MFN) ad valorem rate, or column 2, plus the Section 301, 232, IEEPA and 122 "
        "duties in force on each shipment's entry date (the dated tariff layer, docs/tariffs.md); FTA and GSP "
        "preferences are not applied, so duty forgone is an upper bound for preference-eligible goods.",
        "De minimis is unavailable where a suspension was in force on the entry date (PRC/Hong Kong from "
        "2025-05-02, all countries from 2025-08-29).",
        "Specific and compound rates (e.g. cents per kg) cannot be applied to a declared value: those "
        "shipments are counted in duty_not_computable and add nothing to duty forgone.",
        "Goods subject to antidumping/countervailing duties or quotas, ineligible for de minimis under "
        "current rules, are not identified (no such data bundled).",
    ]
    if not s.section201_prefixes and "201" in s.proposed_excluded:
        notes.append("Section 201: no safeguard list is bundled, so no shipment is treated as covered by 201.")
    notes.append(f"Tariff facts from {coverage_name}.")
    return {
        "input": str(path),
        "input_sha256": file_checksum(Path(path)) if "://" not in str(path) and Path(path).is_file() else None,
        "engine": engine.name,
        "rows": rows,
        "flagged": num("flagged"),
        "reasons": {r: num(r) for r in sql.REASON_PREDICATES},
        "de_minimis": {
            "threshold_usd": s.threshold_usd,
            "apply_proposed_exclusions": s.apply_proposed_exclusions,
            "proposed_excluded_measures": list(s.proposed_excluded),
            "claimed": num("de_minimis_claimed"),
            "claimed_eligible_current": num("claimed_eligible_current"),
            "claimed_eligible_proposed": num("claimed_eligible_proposed"),
            "duty_forgone_current_usd": num("duty_forgone_current_usd"),
            "duty_forgone_proposed_usd": num("duty_forgone_proposed_usd"),
            "duty_not_computable": num("duty_not_computable"),
        },
        "coverage": {
            "section301": num("section301_covered"),
            "section232": num("section232_covered"),
            "section201": num("section201_covered"),
            "hts_not_in_schedule": num("hts_not_in_schedule"),
        },
        **facts,
        "sources": s.sources,
        "notes": notes,
        "seconds": round(seconds, 3),
    }


def _output(out_dir: Location, name: str) -> str:
    """File ``name`` inside the output location: a local directory, or a URI on Spark (``s3a://…/out``)."""
    out = str(out_dir)
    return f"{out.rstrip('/')}/{name}" if "://" in out else str(Path(out) / name)


def screen_file(
    path: Location,
    out_dir: Location,
    engine: Engine,
    *,
    settings: ShipmentSettings | None = None,
    screener: PartyScreener | None = None,
    coverage: CoverageSource | None = None,
    progress: Progress | None = None,
    cache: bool | None = None,
) -> PipelineResult:
    """Validate ``path`` (CSV or Parquet; on Spark also a Parquet URI such as ``s3a://…``), screen every
    shipment and write into ``out_dir``:

    ``flagged.parquet`` (every flagged shipment with its reasons), ``aggregates.csv`` (by origin x HTS
    chapter x mode, each alone, and the total) and ``summary.json``. Nothing is written when the
    input has a problem. ``cache``: as for :func:`run`.

    ``out_dir`` is a local directory, or on Spark any location its writer takes (``s3a://``, ``hdfs://``):
    the engine writes all three files there (:meth:`~supplyscope.engine.base.Engine.write_text`), so on a
    cluster they land where the executors wrote the flagged rows, never on the driver's disk alone.
    """
    t0 = time.perf_counter()
    s = settings or load_settings()
    cov = coverage or default_coverage()
    tick = progress or (lambda step, done, total: None)
    # the staged shipments go to the engine's scratch location (removed when the engine closes)
    staged = engine.scratch("shipments")
    tick("validate", 0, 0)
    n_in = stage_shipments(path, staged, engine)
    tick("validate", 1, 1)
    rows, agg, facts = run(
        engine, staged, settings=s, screener=screener, coverage=cov, progress=progress, rows=n_in, cache=cache
    )
    tick("write", 0, 3)
    flagged_path = _output(out_dir, "flagged.parquet")
    flagged = engine.to_parquet(sql.FLAGGED_SQL, flagged_path)
    tick("write", 1, 3)
    agg_path = _output(out_dir, "aggregates.csv")
    engine.write_text(agg_path, agg.to_csv(index=False))
    tick("write", 2, 3)
    summary = _summary(path, engine, rows, agg, facts, s, cov.name, time.perf_counter() - t0)
    outputs = {"flagged": flagged_path, "aggregates": agg_path, "summary": _output(out_dir, "summary.json")}
    summary["outputs"] = outputs
    engine.write_text(outputs["summary"], json.dumps(json.loads(to_json(summary)), indent=2) + "\n")
    tick("write", 3, 3)
    return PipelineResult(rows, flagged, agg, summary, outputs)
