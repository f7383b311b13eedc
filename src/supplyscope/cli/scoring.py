"""``supplyscope assess`` and ``supplyscope explain``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope import api
from supplyscope.clitools import OutputFormat, console, err_console, print_json
from supplyscope.indicators.registry import REGISTRY
from supplyscope.report.assessment_html import write_report
from supplyscope.scoring.assessment import LIST_KEY, Assessment


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


class Method(StrEnum):
    """Which method ranks or flags the products."""

    score = "score"
    eu2021 = "eu2021"


def _progress_run(engine: str, **kwargs: Any) -> tuple[Assessment, Any]:
    """The assessment with a progress bar on stderr (cached unless another engine is asked for)."""
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

        if engine != "duckdb":
            top = kwargs.pop("top", None)
            result, ctx = api.run(progress=step, engine=engine, **kwargs)
            result.top = top
            return result, ctx
        return api.assessment(progress=step, **kwargs)


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
    method: Annotated[
        Method,
        typer.Option("--method", help="score (default ranking) or eu2021 (the SWD(2021) 352 three-criteria screen)."),
    ] = Method.score,
    db: Db = None,
    config: Config = None,
) -> None:
    """Score and rank products (HS6) or industries; write a ranking and an HTML report."""
    result, ctx = _progress_run(
        engine.value,
        importer=importer,
        year=year,
        level=level.value,
        top=top,
        db=db,
        config=config,
        min_import=min_import,
        draws=draws,
        seed=seed,
    )
    out.mkdir(parents=True, exist_ok=True)
    stem = f"assess_{result.importer}_{result.year}_{level.value}"
    if method is Method.eu2021:
        ctx.warehouse.close()
        _eu2021(result, out, stem, fmt)
        return
    try:
        doc = result.to_dict()
        detailed = dict(doc)
        detailed[LIST_KEY] = [api.explain_record(result, ctx, r[result.key]) for r in doc[LIST_KEY]]
    finally:
        ctx.warehouse.close()
    if look_through and level is Level.product:
        lt = api.look_through([r["hs6"] for r in doc[LIST_KEY]], importer=result.importer)
        for rec in (*doc[LIST_KEY], *detailed[LIST_KEY]):
            rec["look_through"] = lt[rec["hs6"]]
    frame = result.to_frame()
    frame.to_csv(out / f"{stem}.csv", index=False)
    frame.to_parquet(out / f"{stem}.parquet", index=False)
    report = write_report(
        detailed,
        [float(v) for v in result.scores.overall.dropna()],
        out / f"{stem}.html",
        f"supplyscope resilience assessment — {result.importer} {result.year} ({_PLURAL[level]})",
        correlation=result.correlation(),
        group_weights=result.effective_weights(),
    )
    if fmt is OutputFormat.json:
        print_json(doc)
        err_console.print(f"wrote {out / stem}.csv/.parquet and {report}")
        return
    console.print(
        _table(
            doc[LIST_KEY],
            result.key,
            f"Top {len(doc[LIST_KEY])} of {doc['count']:,} {_PLURAL[level]} by risk — {result.importer} {result.year}",
        )
    )
    for note in doc["notes"]:
        console.print(f"[dim]note: {note}[/]")
    for n, reason in result.reasons.items():
        console.print(f"[dim]unavailable: {n} — {reason}[/]")
    console.print(f"ranking: {out / stem}.csv (.parquet); report: {report}")


def _eu2021(result: Assessment, out: Path, stem: str, fmt: OutputFormat) -> None:
    """Apply the SWD(2021) 352 screen, print the count and write the flagged list."""
    from supplyscope.scoring import eu2021

    flags = api.eu2021_flags(result)
    flagged = flags[flags["flagged"]]
    path = out / f"{stem}_eu2021_flagged.csv"
    flagged.rename_axis(result.key).reset_index().to_csv(path, index=False)
    if fmt is OutputFormat.json:
        criteria = [
            {"name": c.name, "eu": c.eu, "us_analogue": c.us, "threshold": c.threshold} for c in eu2021.CRITERIA
        ]
        print_json(
            {
                "method": "eu2021",
                "reference": eu2021.REFERENCE,
                "criteria": criteria,
                "count": len(flagged),
                "of": result.count,
                "flagged": flagged.rename_axis(result.key).reset_index().to_dict(orient="records"),
            }
        )
        err_console.print(f"wrote {path}")
        return
    console.print(
        f"eu2021 (SWD(2021) 352): [bold]{len(flagged):,}[/] of {result.count:,} {_PLURAL[Level(result.level)]} "
        f"flagged by all three criteria — {result.importer} {result.year}"
    )
    for c in eu2021.CRITERIA:
        met = int(flags[f"{c.name}_met"].sum())
        console.print(f"  {c.name}: {c.us} > {c.threshold:g} (EU: {c.eu}) — met by {met:,}")
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in (result.key, "description", "HHI", "penetration", "M/X", "rank"):
        t.add_column(col, no_wrap=True, overflow="ellipsis", max_width=40 if col == "description" else None)
    for code, r in flagged.head(30).iterrows():
        t.add_row(
            str(code),
            str(r["description"])[:40],
            f"{r['import_hhi']:.2f}",
            f"{r['import_penetration']:.2f}",
            f"{r['import_export_ratio']:.1f}",
            f"{int(r['rank'])} of {result.count:,}",
        )
    console.print(t)
    console.print(f"flagged list: {path}")


def explain(
    code: Annotated[str, typer.Argument(help="HS6 code (e.g. 850760) or BEA industry code with --level industry.")],
    importer: Importer = "USA",
    year: Year = None,
    level: LevelOpt = Level.product,
    fmt: Fmt = OutputFormat.table,
    look_through: Annotated[
        bool, typer.Option("--look-through", help="Add look-through exposure to China from the ICIO table.")
    ] = False,
    min_import: Annotated[
        float, typer.Option("--min-import", help="The ranking's import floor (USD), as in assess.")
    ] = 1e6,
    db: Db = None,
    config: Config = None,
) -> None:
    """Drill down into one product's (or industry's) score: every indicator, its threshold, weight and part."""
    rec = api.explain(
        code,
        importer=importer,
        level=level.value,
        year=year,
        db=db,
        config=config,
        with_look_through=look_through,
        min_import=min_import,
    )
    if fmt is OutputFormat.json:
        print_json(rec)
        return
    key = "hs6" if level is Level.product else "industry"
    if rec["rank"] is None:
        console.print(f"[bold]{rec[key]}[/]: not ranked — {rec['reason']}")
        return
    crit = rec["criticality"]
    console.print(f"[bold]{rec[key]}[/] {rec['description']}")
    console.print(
        f"score [bold]{rec['score']}[/], rank {rec['rank']} of {rec['of']:,} (90% interval {rec['rank_interval'][0]}–"
        f"{rec['rank_interval'][1]}), imports ${rec['import_value_usd'] / 1e6:,.1f} M; "
        + ", ".join(f"{d} {v}" for d, v in rec["dimensions"].items())
    )
    comps = crit.get("components", {})
    console.print(
        f"risk score {rec['risk_score']} × criticality factor {crit.get('factor')} (criticality {crit['score']}: "
        + ", ".join(f"{k} {v}" for k, v in comps.items() if k not in ("linkage_basis", "end_use_class"))
        + ")"
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
