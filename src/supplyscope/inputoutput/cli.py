"""``supplyscope exposure`` and ``supplyscope shock``: look-through exposure and shock ripple."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, err_console, print_json

from .exposure import exposure_table
from .icio import load_icio, read_icio_csv
from .model import IOTable
from .report import exposure_report, shock_report
from .scenarios import load_scenarios
from .shocks import run_scenarios

OUT_DIR = Path("supplyscope-out")

TableOption = Annotated[
    Path | None,
    typer.Option("--table", help="An ICIO table in the OECD CSV layout (default: bundled OECD ICIO 2022)."),
]


def _table(path: Path | None) -> IOTable:
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console, transient=True
    ) as bar:
        bar.add_task("loading the input-output table and factorising I - A")
        table = read_icio_csv(path) if path is not None else load_icio()
        table.lu  # noqa: B018 - factorise once, inside the progress display
    return table


def exposure_cmd(
    country: Annotated[str, typer.Option("--country", help="ISO3 of the exposed country.")] = "USA",
    source: Annotated[str, typer.Option("--source", help="ISO3 of the foreign source country.")] = "CHN",
    table_path: TableOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="HTML report path.")] = None,
) -> None:
    """Face-value vs look-through exposure of each industry of COUNTRY to SOURCE, plus an HTML report."""
    table = _table(table_path)
    country, source = country.upper(), source.upper()
    from .exposure import exposure

    one = exposure(table, country, source)
    full = exposure_table(table, country)
    path = exposure_report(full, country, source, table.unit, out or OUT_DIR / f"exposure_{country}_{source}.html")
    if fmt is OutputFormat.json:
        print_json(
            {
                "country": country,
                "source": source,
                "table": table.name,
                "unit": table.unit,
                "report": str(path),
                "industries": [
                    {
                        "industry": r.industry,
                        "industry_name": r.industry_name,
                        "face_value": r.face_value,
                        "look_through": r.look_through,
                        "ratio": r.ratio,
                    }
                    for r in one.itertuples()
                ],
            }
        )
        return
    view = Table(title=f"Exposure of {country} industries to {source} ({table.name})")
    for col in ("industry", "face value", "look-through", "ratio"):
        view.add_column(col, justify="left" if col == "industry" else "right")
    for r in one.itertuples():
        view.add_row(str(r.industry), f"{r.face_value:.4f}", f"{r.look_through:.4f}", f"{r.ratio:.2f}")
    console.print(view)
    console.print(f"report: {path}")


def shock_cmd(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (TOML or JSON).")],
    table_path: TableOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Most affected industries to list per scenario.")] = 20,
    country: Annotated[str | None, typer.Option("--country", help="Rank only this country's industries.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="HTML report path.")] = None,
) -> None:
    """Supply-driven, demand-driven and inoperability impacts of the scenarios in SCENARIO_FILE."""
    scenarios = load_scenarios(scenario_file)
    table = _table(table_path)
    results = run_scenarios(table, scenarios)
    country = country.upper() if country else None
    if country is not None:
        table.region_index(country)
    path = shock_report(results, top, table.unit, out or OUT_DIR / f"shock_{scenario_file.stem}.html", country)
    if fmt is OutputFormat.json:
        print_json(
            {
                "table": table.name,
                "unit": table.unit,
                "report": str(path),
                "country": country,
                "scenarios": [
                    {
                        "name": res.scenario.name,
                        "description": res.scenario.description,
                        "total_output_loss": res.total_output_loss,
                        "total_demand_loss": res.total_demand_loss,
                        "impacts": res.top(top, country).drop(columns=["output"]).to_dict(orient="records"),
                    }
                    for res in results
                ],
            }
        )
        return
    for res in results:
        view = Table(
            title=f"{res.scenario.name}: total supply-driven loss {res.total_output_loss:,.0f} "
            f"({table.unit}), demand-driven {res.total_demand_loss:,.0f}"
        )
        for col in ("country", "industry", "loss", "direct", "indirect", "share", "inop.", "demand"):
            view.add_column(col, justify="left" if col in ("country", "industry") else "right")
        for r in res.top(top, country).itertuples():
            view.add_row(
                str(r.country),
                str(r.industry),
                f"{r.output_loss:,.0f}",
                f"{r.direct_loss:,.0f}",
                f"{r.indirect_loss:,.0f}",
                f"{r.output_loss_share:.4f}",
                f"{r.inoperability:.4f}",
                f"{r.demand_loss:,.0f}",
            )
        console.print(view)
    console.print(f"report: {path}")


def register(app: typer.Typer) -> None:
    """Add the top-level ``exposure`` and ``shock`` commands."""
    app.command("exposure")(exposure_cmd)
    app.command("shock")(shock_cmd)
