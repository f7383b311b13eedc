"""``supplyscope assess`` and ``supplyscope explain``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope import api
from supplyscope.clitools import OutputFormat, console, err_console, print_json
from supplyscope.indicators.registry import REGISTRY
from supplyscope.report.assessment_html import write_report
from supplyscope.scoring.assessment import Assessment


class Engine(StrEnum):
    """Where the table-level SQL runs."""

    duckdb = "duckdb"
    spark = "spark"


class Level(StrEnum):
    """What is ranked."""

    product = "product"
    industry = "industry"


_PLURAL = {Level.product: "products", Level.industry: "industries"}


Importer = Annotated[str, typer.Option("--importer", help="ISO3 code of the importing country.")]
Year = Annotated[int | None, typer.Option("--year", help="Year (default: latest loaded).")]
Db = Annotated[Path | None, typer.Option("--db", help="Warehouse file (default: $SUPPLYSCOPE_HOME/warehouse.duckdb).")]
Config = Annotated[Path | None, typer.Option("--config", help="TOML settings overriding the shipped defaults.")]
Fmt = Annotated[OutputFormat, typer.Option("--format", help="table (Rich) or json (one object on stdout).")]
LevelOpt = Annotated[Level, typer.Option("--level", help="Rank HS6 products or BEA detail industries.")]


def _progress_run(fmt: OutputFormat, **kwargs: Any) -> tuple[Assessment, Any]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("indicators", total=len(REGISTRY) + 1)

        def step(name: str) -> None:
            bar.update(task, description=f"computing {name}", advance=1)

        return api.run(progress=step, **kwargs)


def _ranking_frame(result: Assessment) -> pd.DataFrame:
    s = result.scores
    out = result.meta[["description", "import_value"]].copy()
    out.insert(0, result.key, s.index)
    out["score"] = s.overall
    out["rank"] = result.rank
    out["rank_lo"] = result.rank_interval[:, 0]
    out["rank_hi"] = result.rank_interval[:, 1]
    for d in s.dimensions.columns:
        out[f"dim_{d}"] = s.dimensions[d]
    out["main_driver"] = [result.main_driver(c) for c in s.index]
    for n in s.indicators:
        out[f"value_{n}"] = s.values[n]
        out[f"risk_{n}"] = s.risk[n]
    return out.sort_values("rank")


def _table(records: list[dict[str, Any]], key: str, title: str) -> Table:
    """The ranking table; the text columns share whatever width the terminal leaves the numbers."""
    numeric = (("score", 5), ("rank 90%", 9), ("div.", 5), ("sec.", 5), ("sus.", 5), ("tra.", 5))
    code_width = max((len(str(r[key])) for r in records), default=8)
    fixed = code_width + sum(w for _, w in numeric) + 3 * (len(numeric) + 3)
    room = max(16, console.width - fixed)
    t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column(key, no_wrap=True, min_width=code_width)
    t.add_column("description", no_wrap=True, overflow="ellipsis", max_width=max(8, room * 3 // 5))
    for col, width in numeric:
        t.add_column(col, justify="right", no_wrap=True, min_width=width)
    t.add_column("main driver", no_wrap=True, overflow="ellipsis", max_width=max(8, room * 2 // 5))

    def f(v: float | None) -> str:
        return "–" if v is None else f"{v:.1f}"

    for r in records:
        d = r["dimensions"]
        t.add_row(
            str(r[key]),
            r["description"][:48],
            f(r["score"]),
            f"{r['rank_interval'][0]}–{r['rank_interval'][1]}",
            f(d["diversity"]),
            f(d["security"]),
            f(d["sustainability"]),
            f(d["transparency"]),
            str(r["main_driver"]),
        )
    return t


def assess(
    importer: Importer = "USA",
    year: Year = None,
    level: LevelOpt = Level.product,
    top: Annotated[int, typer.Option("--top", help="How many entities to print and detail in the report.")] = 20,
    fmt: Fmt = OutputFormat.table,
    out: Annotated[Path, typer.Option("--out", help="Directory for the ranking and the HTML report.")] = Path(
        "supplyscope-out"
    ),
    min_import: Annotated[
        float, typer.Option("--min-import", help="Skip entities with less import value (USD).")
    ] = 1e6,
    draws: Annotated[int, typer.Option("--draws", help="Weight perturbations for the rank intervals.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the weight perturbations.")] = 0,
    look_through: Annotated[
        bool, typer.Option("--look-through", help="Add ICIO look-through exposure to China for listed products.")
    ] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Run the table-level SQL on DuckDB (default) or Spark.")
    ] = Engine.duckdb,
    db: Db = None,
    config: Config = None,
) -> None:
    """Score and rank products (HS6) or industries; write a ranking and an HTML report."""
    result, ctx = _progress_run(
        fmt,
        engine=engine.value,
        importer=importer,
        year=year,
        level=level.value,
        db=db,
        config=config,
        min_import=min_import,
        draws=draws,
        seed=seed,
    )
    try:
        doc = result.to_dict(top)
        if level is Level.industry:
            doc["products"] = doc["industries"]
        detailed = dict(doc)
        detailed["products"] = [api.explain_record(result, ctx, r[result.key]) for r in doc["products"]]
    finally:
        ctx.warehouse.close()
    if look_through and level is Level.product:
        lt = api.look_through([r["hs6"] for r in doc["products"]], importer=result.importer)
        for rec in (*doc["products"], *detailed["products"]):
            rec["look_through"] = lt[rec["hs6"]]
    out.mkdir(parents=True, exist_ok=True)
    stem = f"assess_{result.importer}_{result.year}_{level.value}"
    frame = _ranking_frame(result)
    frame.to_csv(out / f"{stem}.csv", index=False)
    frame.to_parquet(out / f"{stem}.parquet", index=False)
    scores = [float(v) for v in result.scores.overall.dropna()]
    report = write_report(
        detailed,
        scores,
        out / f"{stem}.html",
        f"supplyscope resilience assessment — {result.importer} {result.year} ({_PLURAL[level]})",
    )
    if fmt is OutputFormat.json:
        print_json(doc)
        err_console.print(f"wrote {out / stem}.csv/.parquet and {report}")
        return
    console.print(
        _table(
            doc["products"],
            result.key,
            f"Top {len(doc['products'])} of {doc['count']:,} {_PLURAL[level]} by risk — "
            f"{result.importer} {result.year}",
        )
    )
    for note in doc["notes"]:
        console.print(f"[dim]note: {note}[/]")
    unavailable = (
        {n: i.get("reason") for n, i in doc["products"][0]["indicators"].items() if "reason" in i}
        if (doc["products"])
        else {}
    )
    for n, reason in unavailable.items():
        console.print(f"[dim]unavailable: {n} — {reason}[/]")
    console.print(f"ranking: {out / stem}.csv (.parquet); report: {report}")


def explain(
    code: Annotated[str, typer.Argument(help="HS6 code (e.g. 850760) or BEA industry code with --level industry.")],
    importer: Importer = "USA",
    year: Year = None,
    level: LevelOpt = Level.product,
    fmt: Fmt = OutputFormat.table,
    look_through: Annotated[
        bool, typer.Option("--look-through", help="Add look-through exposure to China from the ICIO table.")
    ] = False,
    db: Db = None,
    config: Config = None,
) -> None:
    """Drill down into one product's (or industry's) score: every indicator, its threshold, weight and part."""
    rec = api.explain(
        code, importer=importer, level=level.value, year=year, db=db, config=config, with_look_through=look_through
    )
    if fmt is OutputFormat.json:
        print_json(rec)
        return
    key = "hs6" if level is Level.product else "industry"
    console.print(f"[bold]{rec[key]}[/] {rec['description']}")
    console.print(
        f"score [bold]{rec['score']}[/], rank {rec['rank']} (90% interval {rec['rank_interval'][0]}–"
        f"{rec['rank_interval'][1]}), imports ${rec['import_value_usd'] / 1e6:,.1f} M; "
        + ", ".join(f"{d} {v}" for d, v in rec["dimensions"].items())
    )
    t = Table(title="Indicators")
    for col in ("indicator", "dim.", "value", "thresholds", "weight", "risk", "part", "basis / reason"):
        text = col in ("indicator", "basis / reason")
        t.add_column(
            col,
            no_wrap=True,
            overflow="ellipsis",
            min_width=None if text else len(col),
            max_width=40 if col == "basis / reason" else None,
        )
    for name, item in rec["indicators"].items():
        val = "n/a" if item["value"] is None else f"{item['value']:.3g}"
        t.add_row(
            name,
            item["dimension"][:4],
            val,
            f"{item['thresholds'][0]:g} → {item['thresholds'][1]:g}",
            f"{item['weight']:g}",
            "–" if item["risk"] is None else f"{item['risk']:.1f}",
            "–" if item["contribution"] is None else f"{item['contribution']:.2f}",
            item.get("reason", item.get("basis", "")),
        )
    console.print(t)
    s = Table(title="Top suppliers")
    for col in ("country", "USD M", "share"):
        s.add_column(col, justify="right" if col != "country" else "left")
    for sup in rec["suppliers"][:10]:
        s.add_row(sup["country"], f"{sup['value_usd'] / 1e6:,.1f}", f"{(sup['share'] or 0):.1%}")
    console.print(s)
    for flag in rec.get("flags", []):
        console.print(f"[yellow]flag {flag['kind']}:[/] {flag['mineral']} {flag['stage']}: {flag['reason']}")
    lt = rec.get("look_through")
    if lt and "reason" not in lt:
        console.print(
            f"look-through exposure to {lt['source']} of {importer}'s {lt['sector']} industry: face value "
            f"{lt['face_value']:.1%}, look-through {lt['look_through']:.1%} (ratio {lt['ratio']:.2f}); {lt['basis']}"
        )
    elif lt:
        console.print(f"look-through: {lt['reason']}")


def register(app: typer.Typer) -> None:
    """Add ``assess`` and ``explain`` to the main app."""
    app.command("assess")(assess)
    app.command("explain")(explain)
