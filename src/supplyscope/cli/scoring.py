"""``supplyscope assess`` and ``supplyscope explain``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from supplyscope.clitools import (
    ConfigOpt,
    FormatOpt,
    OutputFormat,
    TopOpt,
    WarehouseOpt,
    XlsxOpt,
    console,
    err_console,
    finite,
    print_json,
    progress,
)
from supplyscope.scoring.stored import LIST_KEY, AssessmentRequest, cached_explain

if TYPE_CHECKING:  # the rest is imported where used: a warm `explain` reads the cache without pandas
    import pandas as pd

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
Year = Annotated[int | None, typer.Option("--year", min=1990, max=2100, help="Year (default: latest loaded).")]
MinImport = Annotated[
    float, typer.Option("--min-import", min=0, callback=finite, help="Skip entities with less import value (USD).")
]
LevelOpt = Annotated[Level, typer.Option("--level", help="Rank HS6 products or BEA detail industries.")]


class Method(StrEnum):
    """Which method ranks or flags the products."""

    score = "score"
    eu2021 = "eu2021"


def _progress_run(engine: str, **kwargs: Any) -> tuple[Assessment, Any]:
    """The assessment with a progress bar on stderr (cached unless another engine is asked for)."""
    from supplyscope import api
    from supplyscope.indicators.registry import REGISTRY

    with progress("indicators", total=len(REGISTRY) + 1) as bar:

        def step(name: str) -> None:
            bar(f"computing {name}")

        if engine != "duckdb":
            top = kwargs.pop("top", None)
            result, ctx = api.run(progress=step, engine=engine, **kwargs)
            result.top = top
            return result, ctx
        return api.assessment(progress=step, **kwargs)


DIMENSION_COLUMNS = (("div.", "diversity"), ("sec.", "security"), ("sus.", "sustainability"), ("tra.", "transparency"))
DESCRIPTION_MIN = 30
"""The description column never gets narrower than this; optional columns are dropped first."""


def _table(records: list[dict[str, Any]], key: str, title: str, width: int) -> tuple[Table, list[str]]:
    """The ranking table fitted to ``width`` columns, and the legend lines under it.

    Code, description, score and main driver are never cut: the description wraps, and the rank
    interval and then the four dimension scores are left out when the width cannot hold them.
    """

    def f(v: float | None) -> str:
        return "–" if v is None else f"{v:.1f}"

    def span(r: dict[str, Any]) -> str:
        return f"{r['rank_interval'][0]}–{r['rank_interval'][1]}"

    def widest(values: list[str], header: str) -> int:
        return max([len(header), *(len(v) for v in values)])

    gap = 3  # between two columns: one space of padding on each side and the (blank) divider
    code_w = widest([str(r[key]) for r in records], key)
    driver_w = widest([str(r["main_driver"]) for r in records], "main driver")
    rank_w = widest([span(r) for r in records], "rank 90%")
    used = code_w + 5 + driver_w + 3 * gap
    show_rank = width - used - (rank_w + gap) >= DESCRIPTION_MIN
    used += (rank_w + gap) if show_rank else 0
    show_dims = width - used - 4 * (5 + gap) >= DESCRIPTION_MIN
    used += 4 * (5 + gap) if show_dims else 0
    t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, width=width if width < 120 else None)
    t.add_column(key, no_wrap=True, min_width=code_w)
    t.add_column("description", overflow="fold", ratio=1, min_width=DESCRIPTION_MIN)
    t.add_column("score", justify="right", no_wrap=True, min_width=5)
    if show_rank:
        t.add_column("rank 90%", justify="right", no_wrap=True, min_width=rank_w)
    if show_dims:
        for col, _ in DIMENSION_COLUMNS:
            t.add_column(col, justify="right", no_wrap=True, min_width=5)
    t.add_column("main driver", no_wrap=True, min_width=driver_w)
    for r in records:
        d = r["dimensions"]
        cells = [str(r[key]), str(r["description"]), f(r["score"])]
        cells += [span(r)] if show_rank else []
        cells += [f(d[name]) for _, name in DIMENSION_COLUMNS] if show_dims else []
        t.add_row(*cells, str(r["main_driver"]))
    legend = ["score: overall risk 0–100 (higher = more fragile); main driver: the indicator adding most points"]
    if show_dims:
        legend.append("div./sec./sus./tra.: " + ", ".join(name for _, name in DIMENSION_COLUMNS) + " scores (0–100)")
    left = [label for label, shown in (("rank 90% intervals", show_rank), ("dimension scores", show_dims)) if not shown]
    if left:
        legend.append(
            f"{' and '.join(left)} left out at {width} columns: see the CSV and report, or widen the terminal"
        )
    if show_rank:
        legend.append("rank 90%: rank interval under random re-weighting of the indicators")
    return t, legend


def assess(
    importer: Importer = "USA",
    year: Year = None,
    level: LevelOpt = Level.product,
    top: TopOpt = 20,
    fmt: FormatOpt = OutputFormat.table,
    out: Annotated[Path, typer.Option("--out", help="Directory for the ranking and the HTML report.")] = Path(
        "supplyscope-out"
    ),
    min_import: MinImport = 1e6,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Weight perturbations for the rank intervals.")] = 200,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the weight perturbations.")] = 0,
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
    db: WarehouseOpt = None,
    config: ConfigOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Score and rank products (HS6) or industries; write a ranking and an HTML report."""
    request: dict[str, Any] = {
        "importer": importer,
        "year": year,
        "level": level.value,
        "db": db,
        "config": config,
        "min_import": min_import,
        "draws": draws,
        "seed": seed,
    }
    plain = engine is Engine.duckdb and method is Method.score and not look_through and xlsx is None
    if plain and _assess_stored(top, fmt, out, request):
        return
    _assess_full(top, fmt, out, request, engine, method, look_through, xlsx)


def _stem(importer: str, year: int, level: str) -> str:
    return f"assess_{importer}_{year}_{level}"


def _assess_stored(top: int, fmt: OutputFormat, out: Path, request: dict[str, Any]) -> bool:
    """Print the stored ranking when the files in ``out`` were written for it (no pandas, no plotly); False
    when the ranking is not stored or a file is missing or stale (then the full path writes them)."""
    from supplyscope.scoring.stored import AssessmentRequest, cached_ranking, outputs_current, outputs_marker

    stored = cached_ranking(top, AssessmentRequest(**request))
    if stored is None:
        return False
    doc = stored.doc
    stem = _stem(doc["importer"], doc["year"], doc["level"])
    report = out / f"{stem}.html"
    if not outputs_current(out, stem, outputs_marker(stored.entry, top), report):
        return False
    _show(doc, stored.key, stored.reasons, fmt, out / stem, f"report unchanged: {report}")
    return True


def _assess_full(
    top: int,
    fmt: OutputFormat,
    out: Path,
    request: dict[str, Any],
    engine: Engine,
    method: Method,
    look_through: bool,
    xlsx: Path | None,
) -> None:
    """Compute (or load) the assessment and write the ranking, the report and the workbook."""
    from supplyscope import api
    from supplyscope.report.assessment_html import write_report
    from supplyscope.report.inputs import input_versions, versions_lines
    from supplyscope.report.labels import settings_text
    from supplyscope.report.xlsx import write_workbook
    from supplyscope.scoring.stored import (
        AssessmentRequest,
        find_entry,
        outputs_marker,
        record_outputs,
        written_file,
    )

    level = Level(request["level"])
    result, ctx = _progress_run(engine.value, top=top, **request)
    out.mkdir(parents=True, exist_ok=True)
    stem = _stem(result.importer, result.year, level.value)
    versions = input_versions(ctx.warehouse)
    if method is Method.eu2021:
        ctx.warehouse.close()
        _eu2021(result, out, stem, fmt, xlsx)
        return
    try:
        doc = result.to_dict()
        detailed = dict(doc)
        detailed[LIST_KEY] = api.explain_records(result, ctx, [r[result.key] for r in doc[LIST_KEY]])
    finally:
        ctx.warehouse.close()
    if look_through and level is Level.product:
        lt = api.look_through([r["hs6"] for r in doc[LIST_KEY]], importer=result.importer)
        for rec in (*doc[LIST_KEY], *detailed[LIST_KEY]):
            rec["look_through"] = lt[rec["hs6"]]
    # the files name the stored assessment they show, so that the next identical run leaves them alone
    entry = find_entry(AssessmentRequest(**request)) if engine is Engine.duckdb and not look_through else None
    marker = None if entry is None else outputs_marker(entry, top)
    frame = result.to_frame()
    csv, parquet = out / f"{stem}.csv", out / f"{stem}.parquet"
    frame.to_csv(csv, index=False)
    frame.to_parquet(parquet, index=False)
    report = write_report(
        detailed,
        [float(v) for v in result.scores.overall.dropna()],
        out / f"{stem}.html",
        f"supplyscope resilience assessment — {result.importer} {result.year} ({_PLURAL[level]})",
        correlation=result.correlation(),
        group_weights=result.effective_weights(),
        versions=versions,
        marker=marker,
    )
    if marker is None:
        written_file(out, stem).unlink(missing_ok=True)
    else:
        record_outputs(out, stem, marker, [csv, parquet, report])
    if xlsx is not None:
        about = {"importer": result.importer, "year": result.year, "level": level.value, "count": result.count}
        about |= {
            "settings": settings_text(result.filters),
            **{f"input {i}": v for i, v in enumerate(versions_lines(versions), 1)},
        }
        write_workbook(xlsx, {"ranking": frame, "effective weights": result.effective_weights().reset_index()}, about)
        err_console.print(f"wrote {xlsx}")
    _show(doc, result.key, result.reasons, fmt, out / stem, f"report: {report}")


def _show(doc: dict[str, Any], key: str, reasons: dict[str, str], fmt: OutputFormat, stem: Path, report: str) -> None:
    """The ranking on stdout (table or JSON) and the one status line naming the files."""
    if fmt is OutputFormat.json:
        print_json(doc)
        err_console.print(f"ranking: {stem}.csv (.parquet); {report}")
        return
    level = Level(doc["level"])
    entities = doc[LIST_KEY]
    table, legend = _table(
        entities,
        key,
        f"Top {len(entities)} of {doc['count']:,} {_PLURAL[level]} by risk — {doc['importer']} {doc['year']}",
        console.width,
    )
    console.print(table)
    for line in legend:
        console.print(f"[dim]{line}[/]")
    for note in doc["notes"]:
        console.print(f"[dim]note: {note}[/]")
    for n, reason in reasons.items():
        console.print(f"[dim]unavailable: {n} — {reason}[/]")
    console.print(f"ranking: {stem}.csv (.parquet); {report}")


def _eu2021(result: Assessment, out: Path, stem: str, fmt: OutputFormat, xlsx: Path | None) -> None:
    """Apply the SWD(2021) 352 screen, print the count and write the flagged list."""
    from supplyscope import api
    from supplyscope.report.xlsx import write_workbook
    from supplyscope.scoring import eu2021

    flags = api.eu2021_flags(result)
    flagged = flags[flags["flagged"]]
    path = out / f"{stem}_eu2021_flagged.csv"
    flagged.rename_axis(result.key).reset_index().to_csv(path, index=False)
    if xlsx is not None:
        write_workbook(xlsx, {"eu2021 flagged": flagged.rename_axis(result.key).reset_index()}, {"method": "eu2021"})
        err_console.print(f"wrote {xlsx}")
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
    fmt: FormatOpt = OutputFormat.table,
    look_through: Annotated[
        bool, typer.Option("--look-through", help="Add look-through exposure to China from the ICIO table.")
    ] = False,
    min_import: MinImport = 1e6,
    db: WarehouseOpt = None,
    config: ConfigOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Drill down into one product's (or industry's) score: every indicator, its threshold, weight and part."""
    with progress(f"explaining {code}"):
        rec = (
            None
            if look_through
            else cached_explain(code, AssessmentRequest(importer, level.value, year, db, config, min_import))
        )
        if rec is None:
            from supplyscope import api

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
    if xlsx is not None:
        from supplyscope.report.xlsx import write_workbook

        write_workbook(xlsx, _explain_sheets(rec), {"code": code, "importer": importer, "level": level.value})
        err_console.print(f"wrote {xlsx}")
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
    t, notes = _indicator_table(rec["indicators"], list(rec["dimensions"]), console.width)
    console.print(t)
    for line in notes:
        console.print(line, highlight=False, markup=False)
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


def _indicator_table(
    indicators: dict[str, dict[str, Any]], dimensions: list[str], width: int
) -> tuple[Table, list[str]]:
    """The drill-down's indicator table, grouped by dimension, fitted to ``width`` columns, and its legend.

    Names and figures are never cut; each row's basis or reason is a numbered note under the table
    (identical texts share one number), so the table needs about 77 columns whatever the texts.
    """
    order = {d: k for k, d in enumerate(dimensions)}
    rows = sorted(indicators.items(), key=lambda kv: order.get(kv[1]["dimension"], len(order)))
    texts: dict[str, int] = {}
    t = Table(title="Indicators", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    t.add_column("indicator", no_wrap=True)
    for col in ("value", "thresholds", "w", "risk", "part", "note"):
        t.add_column(col, no_wrap=True, justify="left" if col in ("thresholds", "note") else "right")
    current = None
    for name, item in rows:
        if item["dimension"] != current:
            current = item["dimension"]
            t.add_row(f"[bold]{escape(str(current))}:[/]")
        text = str(item.get("reason", item.get("basis", "")) or "")
        ref = f"[{texts.setdefault(text, len(texts) + 1)}]" if text else ""
        t.add_row(
            name,
            "n/a" if item["value"] is None else f"{item['value']:.3g}",
            f"{item['thresholds'][0]:g} → {item['thresholds'][1]:g}",
            f"{item['weight']:g}",
            "–" if item["risk"] is None else f"{item['risk']:.1f}",
            "–" if item["contribution"] is None else f"{item['contribution']:.2f}",
            ref,
        )
    legend = [
        "thresholds: value at risk 0 → value at risk 100; w: weight; risk: 0–100; "
        "part: points the indicator adds to the score; note: its basis or reason:"
    ]
    legend += [f"[{k}] {text}" for text, k in texts.items()]
    return t, legend


def _explain_sheets(rec: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The drill-down as tables: one row per indicator, one per supplier."""
    import pandas as pd

    rows = [
        {
            "indicator": n,
            **{k: v for k, v in item.items() if k != "thresholds"},
            "no_risk": item["thresholds"][0],
            "full_risk": item["thresholds"][1],
        }
        for n, item in rec.get("indicators", {}).items()
    ]
    return {"indicators": pd.DataFrame(rows), "suppliers": pd.DataFrame(rec.get("suppliers", []))}


def register(app: typer.Typer) -> None:
    """Add ``assess`` and ``explain`` to the main app."""
    app.command("assess")(assess)
    app.command("explain")(explain)
