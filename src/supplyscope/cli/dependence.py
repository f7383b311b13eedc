"""``supplyscope dependence``: an importer's dependence on each partner, face value and look-through."""

from __future__ import annotations

from typing import Annotated

import typer

from supplyscope.clitools import (
    CsvFormatOpt,
    OutputFormat,
    WarehouseOpt,
    XlsxOpt,
    console,
    err_console,
    print_json,
    save_workbook,
)


def _pct(v: object) -> str:
    return "–" if v is None else f"{100 * float(str(v)):.1f}%"


def _count(v: object) -> str:
    return "–" if v is None else f"{int(str(v)):,}"


def dependence_cmd(
    importer: Annotated[str, typer.Option("--importer", help="ISO3 of the importing country.")] = "USA",
    year: Annotated[
        int | None, typer.Option("--year", min=1990, max=2100, help="Trade year (default: latest).")
    ] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Show only the first N partners.")] = None,
    fmt: CsvFormatOpt = OutputFormat.table,
    db: WarehouseOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Dependence of IMPORTER on each partner: import share and products led, face value and look-through."""
    from rich.table import Table

    from supplyscope import api

    with err_console.status("reading trade flows and factorising the input-output table"):
        result = api.dependence(importer.upper(), year=year, db=db)
    if xlsx is not None:
        about = {
            "importer": result.importer,
            "year": result.year,
            "face value": f"{result.trade_source}, {result.products:,} HS6 products",
            "look-through": f"{result.io_table}, {result.io_industries} industries",
            **{f"note {i}": n for i, n in enumerate(result.notes, start=1)},
        }
        save_workbook(xlsx, {"dependence": result.top(top)}, about)
    if fmt is OutputFormat.json:
        print_json(result.to_dict(top))
        return
    if fmt is OutputFormat.csv:
        typer.echo(result.top(top).to_csv(index=False), nl=False)
        return
    view = Table(
        title=f"Dependence of {result.importer} on its partners",
        caption=f"face value: {result.trade_source}, {result.products:,} HS6 products; "
        f"look-through: {result.io_table}, {result.io_industries} industries",
    )
    heads = ("partner", "import share", "HS6 led", "IO direct", "IO look-through", "ind. led (LT)")
    for col in heads:
        view.add_column(col, justify="left" if col == "partner" else "right")
    for rec in result.to_dict(top)["partners"]:
        view.add_row(
            str(rec["partner"]),
            _pct(rec["import_share"]),
            _count(rec["top_supplier_products"]),
            _pct(rec["io_direct_share"]),
            _pct(rec["io_look_through_share"]),
            _count(rec["io_top_look_through"]),
        )
    console.print(view)
    for note in result.notes:
        console.print(f"[dim]note: {note}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the top-level ``dependence`` command."""
    app.command("dependence")(dependence_cmd)
