"""``supplyscope shipments screen``: screen a file of shipments on DuckDB or Spark."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, err_console, finite, print_json
from supplyscope.errors import ConfigError

app = typer.Typer(help="Shipment-level screening at de minimis scale.", no_args_is_help=True)


class EngineName(StrEnum):
    """Engines the pipeline runs on."""

    duckdb = "duckdb"
    spark = "spark"


@app.command("screen")
def screen(
    file: Annotated[Path, typer.Argument(help="Shipments as CSV (header row) or Parquet.", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Directory for flagged.parquet, aggregates.csv, summary.json.")],
    engine: Annotated[EngineName, typer.Option("--engine", help="duckdb (default) or spark.")] = EngineName.duckdb,
    config: Annotated[
        Path | None,
        typer.Option("--config", exists=True, dir_okay=False, help="TOML overriding shipments/defaults.toml."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold", min=0, max=1, callback=finite, help="Name-match threshold, 0..1 (screening default)."
        ),
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Warehouse with extra screening lists (added to the bundled ones).")
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, help="DuckDB threads (default: all cores).")
    ] = None,
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark master URL (default: [spark] master, else local[2]).")
    ] = None,
    staging: Annotated[
        str | None,
        typer.Option("--staging", help="Location every Spark executor can see (s3a://, hdfs://, a shared path)."),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json (one JSON document).")] = (
        OutputFormat.table
    ),
) -> None:
    """Screen every shipment: de minimis (current and proposed rules), Section 301/232 coverage, listed
    shippers and Xinjiang addresses; write the flagged shipments and aggregates by origin, chapter, mode."""
    from supplyscope.engine import Engine, get_engine
    from supplyscope.shipments.parties import IndexScreener
    from supplyscope.shipments.pipeline import STEPS, screen_file
    from supplyscope.shipments.settings import load_settings

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError("must be between 0 and 1", key="--threshold")
    settings = load_settings(config)
    eng: Engine = (
        get_engine("duckdb", threads=threads, workers=threads)
        if engine is EngineName.duckdb
        else get_engine("spark", master=spark_master, staging=staging)
    )
    try:
        with Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            tasks = {step: bar.add_task(step, total=None, visible=False) for step in STEPS}

            def tick(step: str, done: int, total: int) -> None:
                task = tasks[step]
                bar.update(task, visible=True, completed=done, total=total or None)

            result = screen_file(
                file,
                out,
                eng,
                settings=settings,
                screener=IndexScreener(threshold, str(db) if db else None),
                progress=tick,
            )
    finally:
        eng.close()
    if fmt is OutputFormat.json:
        print_json(result.summary)
        return
    s = result.summary
    dm = s["de_minimis"]
    table = Table(title=f"shipments screened: {file.name} on {s['engine']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("shipments", f"{s['rows']:,}"),
        ("flagged", f"{s['flagged']:,}"),
        *((f"  {k}", f"{v:,}") for k, v in s["reasons"].items()),
        ("de minimis claimed", f"{dm['claimed']:,}"),
        ("  eligible, current rules", f"{dm['claimed_eligible_current']:,}"),
        ("  eligible, proposed exclusions", f"{dm['claimed_eligible_proposed']:,}"),
        ("duty forgone, current (USD)", f"{dm['duty_forgone_current_usd']:,.2f}"),
        ("duty forgone, proposed (USD)", f"{dm['duty_forgone_proposed_usd']:,.2f}"),
        ("  duty not computable (specific rates)", f"{dm['duty_not_computable']:,}"),
        ("seconds", f"{s['seconds']:.1f}"),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)
    console.print(f"wrote {s['outputs']['flagged']}, {s['outputs']['aggregates']}, {s['outputs']['summary']}")


def register(app_: typer.Typer) -> None:
    """Add the ``shipments`` command group to the main app."""
    app_.add_typer(app, name="shipments")
