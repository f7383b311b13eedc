"""``supplyscope screen`` and ``supplyscope lists``: batch screening and the screening lists."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, err_console, print_json
from supplyscope.errors import ConfigError

lists_app = typer.Typer(help="Screening lists: what is loaded, and loading new ones.", no_args_is_help=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse with lists loaded by `supplyscope lists load` (added to the bundled lists)."),
]


class ListFormat(StrEnum):
    """Published list formats `lists load` reads."""

    csl = "csl"
    sdn_csv = "sdn-csv"
    sdn_xml = "sdn-xml"
    ftm = "ftm"
    uflpa = "uflpa"


def screen(
    file: Annotated[Path, typer.Argument(help="Supplier CSV with a header row.")],
    name_col: Annotated[str, typer.Option("--name-col", help="Column with the supplier name.")] = "name",
    country_col: Annotated[str | None, typer.Option("--country-col", help="Column with the country.")] = None,
    address_col: Annotated[str | None, typer.Option("--address-col", help="Column with the address.")] = None,
    region_col: Annotated[str | None, typer.Option("--region-col", help="Column with a region/province.")] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Hit threshold, 0..1 (default 0.7).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write every row and its hits to this CSV.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json (one JSON document).")] = (
        OutputFormat.table
    ),
    audit: Annotated[Path | None, typer.Option("--audit", help="Audit JSON-lines file to append to.")] = None,
    db: DbOption = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of FILE.")] = "utf-8",
) -> None:
    """Screen a supplier CSV against the screening lists and flag Xinjiang addresses."""
    from supplyscope.screening.batch import (
        append_audit,
        default_audit_path,
        read_suppliers,
        screen_rows,
        write_hits_csv,
    )
    from supplyscope.screening.bundle import load_index

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError("must be between 0 and 1", key="--threshold")
    rows = read_suppliers(file, name_col, country_col, address_col, region_col, encoding)
    index = load_index(db)
    with Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("screening", total=len(rows))
        results = screen_rows(index, rows, threshold, progress=lambda n: bar.update(task, advance=n))
    if out is not None:
        write_hits_csv(results, out)
    audit_path = audit or default_audit_path()
    record = append_audit(audit_path, input_path=file, index=index, threshold=threshold, results=results, output=out)
    if fmt is OutputFormat.json:
        print_json(
            {
                "rows": [r.to_json() for r in results],
                "summary": record["counts"],
                "threshold": record["threshold"],
                "lists": record["lists"],
                "audit": str(audit_path),
            }
        )
        return
    table = Table(title=f"screening {file.name} (threshold {record['threshold']})")
    for col in ("row", "input", "status", "xinjiang", "best hit", "list", "score"):
        table.add_column(col, overflow="fold", justify="right" if col in ("row", "score") else "left")
    for r in results:
        if r.status == "no match" and r.xinjiang_term is None:
            continue
        best = r.hits[0] if r.hits else None
        table.add_row(
            str(r.supplier.row),
            r.supplier.name or "[italic](empty)[/]",
            r.status,
            r.xinjiang_term or "",
            best.name if best else "",
            best.list if best else "",
            f"{best.score:.2f}" if best else "",
        )
    console.print(table)
    counts = record["counts"]
    console.print(
        f"{counts['rows']:,} rows: {counts['rows_with_hits']:,} with hits, {counts['no_match']:,} no "
        f"match, {counts['empty_names']:,} empty names, {counts['xinjiang_flags']:,} Xinjiang flags. "
        f"Audit: {audit_path}" + (f"; output: {out}" if out else "")
    )


@lists_app.command("info")
def lists_info(
    db: DbOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Each list's version, entry and alias counts, and caveats (the bundled UFLPA list is partial)."""
    from supplyscope.screening.bundle import bundled_meta, warehouse_entities

    lists: list[dict[str, Any]] = []
    for code, m in bundled_meta().items():
        lists.append(
            {
                "list": code,
                "origin": "bundled",
                "version": m["version"],
                "entries": m["entries"],
                "aliases": m["aliases"],
                "with_country": m["with_country"],
                "partial": bool(m.get("partial")),
                "expected_entries": m.get("expected_entries"),
                "source": m["source"],
                "caveat": m["caveat"],
            }
        )
    if db is not None:
        df, versions = warehouse_entities(db)
        for (code, source), g in df.groupby(["list", "source"], sort=True):
            lists.append(
                {
                    "list": str(code),
                    "origin": f"warehouse {db}",
                    "version": versions.get(str(source), ""),
                    "entries": len(g),
                    "aliases": int(g["aliases"].map(len).sum()),
                    "with_country": int(g["country"].notna().sum()),
                    "partial": False,
                    "expected_entries": None,
                    "source": str(source),
                    "caveat": "",
                }
            )
    if fmt is OutputFormat.json:
        print_json({"lists": lists})
        return
    table = Table(title="screening lists")
    for col in ("list", "origin", "version", "entries", "aliases", "with country"):
        table.add_column(
            col, overflow="fold", justify="right" if col in ("entries", "aliases", "with country") else "left"
        )
    for item in lists:
        entries = f"{item['entries']:,}"
        if item["partial"]:
            entries += f" of ~{item['expected_entries']} (PARTIAL)"
        table.add_row(
            item["list"],
            item["origin"],
            str(item["version"]),
            entries,
            f"{item['aliases']:,}",
            f"{item['with_country']:,}",
        )
    console.print(table)
    for item in lists:
        if item["caveat"]:
            style = "bold yellow" if item["partial"] else "dim"
            console.print(f"[{style}]{item['list']}: {item['caveat']}[/]", highlight=False)


@lists_app.command("load")
def lists_load(
    file: Annotated[Path, typer.Argument(help="List file as downloaded (CSV, JSON, XML or JSON lines; .gz ok).")],
    list_format: Annotated[ListFormat, typer.Option("--format", help="The file's format.")],
    db: Annotated[
        Path | None, typer.Option("--db", help="Warehouse (default: $SUPPLYSCOPE_HOME/warehouse.duckdb).")
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="List version/date to record.")] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of FILE.")] = "utf-8",
    out_format: Annotated[OutputFormat, typer.Option("--out-format", help="table or json.")] = OutputFormat.table,
) -> None:
    """Load a list into the warehouse's screening_entities table (all rows or none)."""
    from supplyscope.data.warehouse import Warehouse, file_checksum
    from supplyscope.screening.lists import canonical, load_list

    load = load_list(file, list_format.value, encoding=encoding, version=version)
    source = f"{list_format.value}:{file.name}"
    frame = load.frame.copy()
    frame["source"] = source  # one source per file name: loading a newer download of it replaces its rows
    with Warehouse.open(db) as wh:
        wh.load(
            {"screening_entities": canonical(frame)},
            source=source,
            checksum=file_checksum(file),
            detail=f"format {list_format.value}, version {load.version}",
        )
        path = wh.path
    result = {
        "file": str(file),
        "format": list_format.value,
        "version": load.version,
        "warehouse": path,
        "entries": len(frame),
        "lists": load.lists,
        "skipped": len(load.skipped),
        "skipped_examples": [{"row": r, "reason": why} for r, why in load.skipped[:5]],
        "unresolved_countries": dict(load.unresolved_countries.most_common(10)),
    }
    if out_format is OutputFormat.json:
        print_json(result)
        return
    console.print(
        f"loaded {len(frame):,} entries from {file} into {path} "
        f"({', '.join(f'{k}: {v:,}' for k, v in load.lists.items())})"
    )
    if load.skipped:
        console.print(
            f"skipped {len(load.skipped):,} records that are not parties, e.g. line "
            f"{load.skipped[0][0]}: {load.skipped[0][1]}"
        )
    if load.unresolved_countries:
        console.print(
            f"{sum(load.unresolved_countries.values()):,} country values not recognised (country left "
            f"empty): {', '.join(load.unresolved_countries)}"
        )


def register(app: typer.Typer) -> None:
    """Add ``screen`` and the ``lists`` group to the main app."""
    app.command("screen")(screen)
    app.add_typer(lists_app, name="lists")
