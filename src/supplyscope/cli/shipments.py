"""``supplyscope shipments screen``: screen a file of shipments on DuckDB or Spark."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope.clitools import (
    OutputFormat,
    XlsxOpt,
    console,
    err_console,
    finite,
    format_option,
    print_json,
    save_workbook,
)
from supplyscope.errors import ConfigError

app = typer.Typer(help="Shipment-level screening at de minimis scale.", no_args_is_help=True)


class EngineName(StrEnum):
    """Engines the pipeline runs on."""

    duckdb = "duckdb"
    spark = "spark"


def _existing_input(value: str) -> str:
    """A local input must exist; a URI (``s3a://``, ``hdfs://``) is checked by the engine that reads it."""
    if "://" not in value and not Path(value).exists():
        raise typer.BadParameter(f"Path '{value}' does not exist.")
    return value


@app.command("screen")
def screen(
    file: Annotated[
        str,
        typer.Argument(
            help="Shipments as CSV (header row) or Parquet: a path, or a URI Spark reads (s3a://, hdfs://).",
            callback=_existing_input,
        ),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help="Directory for flagged.parquet, aggregates.csv, summary.json; on Spark also a URI every "
            "executor can write (s3a://, hdfs://).",
        ),
    ],
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
    fmt: Annotated[OutputFormat, format_option(help="table or json (one JSON document).")] = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Screen every shipment: de minimis (current and proposed rules), Section 301/232 coverage, listed
    shippers and Xinjiang addresses; write the flagged shipments and aggregates by origin, chapter, mode."""
    from supplyscope.engine import Engine, get_engine
    from supplyscope.shipments.parties import IndexScreener
    from supplyscope.shipments.pipeline import STEPS, screen_file
    from supplyscope.shipments.settings import load_settings

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError("must be between 0 and 1", key="--threshold")
    if "://" in out and engine is EngineName.duckdb:
        raise ConfigError(f"DuckDB writes local paths only, not {out}; a URI needs --engine spark", key="--out")
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
                file if "://" in file else Path(file),
                out,
                eng,
                settings=settings,
                screener=IndexScreener(threshold, str(db) if db else None),
                progress=tick,
            )
    finally:
        eng.close()
    s = result.summary
    if xlsx is not None:
        import pandas as pd

        measures = pd.DataFrame(_measures(s), columns=["measure", "value"])
        about = {"input": str(file), "engine": s["engine"], "outputs": str(out)}
        save_workbook(xlsx, {"summary": measures, "aggregates": result.aggregates}, about)
    if fmt is OutputFormat.json:
        print_json(result.summary)
        return
    table = Table(title=f"shipments screened: {file.rstrip('/').rsplit('/', 1)[-1]} on {s['engine']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for k, v in _measures(s):
        if isinstance(v, float):
            table.add_row(k, f"{v:.1f}" if k == "seconds" else f"{v:,.2f}")
        else:
            table.add_row(k, f"{v:,}")
    console.print(table)
    console.print(f"wrote {s['outputs']['flagged']}, {s['outputs']['aggregates']}, {s['outputs']['summary']}")


def _measures(s: dict[str, Any]) -> list[tuple[str, int | float]]:
    """The summary's figures, one (measure, value) per line, as the table and the workbook show them."""
    dm = s["de_minimis"]
    return [
        ("shipments", s["rows"]),
        ("flagged", s["flagged"]),
        *((f"  {k}", v) for k, v in s["reasons"].items()),
        ("de minimis claimed", dm["claimed"]),
        ("  eligible, current rules", dm["claimed_eligible_current"]),
        ("  eligible, proposed exclusions", dm["claimed_eligible_proposed"]),
        ("duty forgone, current (USD)", float(dm["duty_forgone_current_usd"])),
        ("duty forgone, proposed (USD)", float(dm["duty_forgone_proposed_usd"])),
        ("  duty not computable (specific rates)", dm["duty_not_computable"]),
        ("seconds", float(s["seconds"])),
    ]


def register(app_: typer.Typer) -> None:
    """Add the ``shipments`` command group to the main app."""
    app_.add_typer(app, name="shipments")
