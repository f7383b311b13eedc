"""``supplyscope data``: build the warehouse and describe what it holds."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, err_console, format_option, print_json, progress
from supplyscope.data.build import build_bundled
from supplyscope.data.warehouse import Warehouse, remove_warehouse

data_app = typer.Typer(help="Build the DuckDB warehouse and inspect it.", no_args_is_help=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file (default: $SUPPLYSCOPE_HOME/warehouse.duckdb)."),
]


class Source(StrEnum):
    """Which data to load."""

    bundled = "bundled"


@data_app.command("build")
def build(
    source: Annotated[Source, typer.Option("--source", help="Load the bundled real data.")] = Source.bundled,
    baci: Annotated[Path | None, typer.Option("--baci", exists=True, help="CEPII BACI zip or folder to load.")] = None,
    comtrade: Annotated[
        Path | None, typer.Option("--comtrade", exists=True, help="UN Comtrade bulk CSV to load.")
    ] = None,
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Delete the warehouse file first (e.g. one from another DuckDB version).")
    ] = False,
) -> None:
    """Build the warehouse from the bundled data, or add a BACI/Comtrade download to it."""
    if force:
        remove_warehouse(db)
    with Warehouse.open(db) as wh:
        if baci is None and comtrade is None:
            with progress("loading", total=len(_steps())) as step:
                counts = build_bundled(wh, lambda name: step(f"loading {name}"))
        else:
            from supplyscope.data.external import load_external
            from supplyscope.data.sources.loadresult import LoadResult

            def loaded(res: LoadResult) -> None:
                err_console.print(f"loaded {res.source}: {len(res.flows):,} rows")
                if len(res.unknown_codes):
                    err_console.print(f"[yellow]{res.source}: country codes without ISO3 kept as UNK:<code>[/]")
                    err_console.print(res.unknown_codes)

            with err_console.status("loading (one transaction per source)…"):
                counts = load_external(wh, baci=baci, comtrade=comtrade, on_loaded=loaded)
        console.print(f"warehouse [bold]{wh.path}[/]")
        for name, n in counts.items():
            console.print(f"  {name:<20} {n:>10,} rows")


def _steps() -> list[object]:
    from supplyscope.data.build import bundled_steps

    return list(bundled_steps())


@data_app.command("info")
def info(
    db: DbOption = None,
    fmt: Annotated[OutputFormat, format_option()] = OutputFormat.table,
) -> None:
    """Print the tables, row counts, years and sources of the warehouse."""
    with Warehouse.open(db, read_only=True) as wh:
        df = wh.info()
        log = wh.query("SELECT source, table_name, rows, checksum, loaded_at, detail FROM load_log ORDER BY 1, 2")
    if fmt is OutputFormat.json:
        print_json({"tables": df.to_dict(orient="records"), "loads": log.astype(str).to_dict(orient="records")})
        return
    table = Table(title=f"supplyscope warehouse {wh.path}")
    for col in ("table", "rows", "years", "sources"):
        table.add_column(col, justify="right" if col == "rows" else "left", overflow="fold")
    for r in df.itertuples():
        table.add_row(str(r.table), f"{r.rows:,}", str(r.years), str(r.sources))
    console.print(table)
    notes = log.dropna(subset=["detail"])
    for r in notes.drop_duplicates("source").itertuples():
        console.print(f"[dim]{r.source}: {r.detail}[/]")


@data_app.command("export")
def export(
    parquet: Annotated[Path, typer.Option("--parquet", help="Directory for <table>.parquet and manifest.json.")],
    db: DbOption = None,
) -> None:
    """Write every canonical table as Parquet (for Spark: point [spark] tables at the directory)."""
    from supplyscope.data.export import export_parquet

    with Warehouse.open(db, read_only=True) as wh:
        counts = export_parquet(wh, parquet)
    console.print(f"exported {len(counts)} tables to [bold]{parquet}[/]")
    for name, n in counts.items():
        console.print(f"  {name:<20} {n:>10,} rows")


def register(app: typer.Typer) -> None:
    """Add the ``data`` group to the main app."""
    app.add_typer(data_app, name="data")
