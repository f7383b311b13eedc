"""``supplyscope indicators``: list the registry and regenerate its documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, format_option, print_json
from supplyscope.indicators.docs import render_markdown
from supplyscope.indicators.registry import REGISTRY

indicators_app = typer.Typer(help="The indicator registry.", no_args_is_help=True)


@indicators_app.command("list")
def list_indicators(fmt: Annotated[OutputFormat, format_option()] = OutputFormat.table) -> None:
    """Every registered indicator with its dimension, direction and unit."""
    rows = [
        {
            "name": i.name,
            "dimension": i.dimension,
            "group": i.group,
            "direction": i.direction,
            "unit": i.unit,
            "formula": i.formula,
            "requires": i.requires,
            "reference": i.reference,
        }
        for i in REGISTRY.values()
    ]
    if fmt is OutputFormat.json:
        print_json({"indicators": rows})
        return
    t = Table(title=f"{len(rows)} indicators")
    for col in ("name", "dimension", "direction", "unit"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            r["name"],
            r["dimension"],
            "higher = riskier" if r["direction"] == "higher" else "lower = riskier",
            r["unit"],
        )
    console.print(t)


@indicators_app.command("docs")
def docs(
    write: Annotated[Path | None, typer.Option("--write", help="Write to this file instead of stdout.")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Warehouse holding the bundled data.")] = None,
) -> None:
    """Render docs/indicators.md from the registry, with correlations from the bundled-data assessment."""
    text = render_markdown(*method_tables(db))
    if write is None:
        print(text)
    else:
        write.write_text(text, encoding="utf-8")
        console.print(f"wrote {write}")


def method_tables(db: Path | str | None = None) -> tuple[Any, Any, str]:
    """Correlation matrix, effective group weights and their basis, from the default USA assessment."""
    from supplyscope import api

    result, ctx = api.assessment(db=db)
    ctx.warehouse.close()
    basis = (
        f"the default assessment of the bundled data ({result.importer} {result.year}, {result.count:,} products "
        f"with imports of at least ${result.filters['min_import_usd']:,.0f})"
    )
    return result.correlation().round(2), result.effective_weights(), basis


def register(app: typer.Typer) -> None:
    app.add_typer(indicators_app, name="indicators")
