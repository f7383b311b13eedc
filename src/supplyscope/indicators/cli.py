"""``supplyscope indicators``: list the registry and regenerate its documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, print_json
from supplyscope.indicators.docs import render_markdown
from supplyscope.indicators.registry import REGISTRY

indicators_app = typer.Typer(help="The indicator registry.", no_args_is_help=True)


@indicators_app.command("list")
def list_indicators(fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table) -> None:
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
) -> None:
    """Render docs/indicators.md from the registry."""
    text = render_markdown()
    if write is None:
        print(text)
    else:
        write.write_text(text, encoding="utf-8")
        console.print(f"wrote {write}")


def register(app: typer.Typer) -> None:
    app.add_typer(indicators_app, name="indicators")
