"""``supplyscope exposure`` and ``supplyscope shock``: look-through exposure and shock ripple."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from supplyscope.clitools import OutputFormat, XlsxOpt, console, err_console, format_option, print_json, save_workbook
from supplyscope.inputoutput.exposure import exposure_table
from supplyscope.inputoutput.icio import load_icio, read_icio_csv
from supplyscope.inputoutput.model import IOTable
from supplyscope.inputoutput.scenarios import load_scenarios
from supplyscope.inputoutput.shocks import METHODS, run_scenarios
from supplyscope.report.inputoutput import exposure_report, shock_report
from supplyscope.report.inputs import file_version, versions_html, versions_lines
from supplyscope.report.numbers import number, share

OUT_DIR = Path("supplyscope-out")

TableOption = Annotated[
    Path | None,
    typer.Option(
        "--table", exists=True, help="An ICIO table in the OECD CSV layout (default: bundled OECD ICIO 2022)."
    ),
]


def _inputs(table: IOTable, table_path: Path | None, scenarios: Path | None = None) -> list[dict[str, Any]]:
    """The inputs' versions: the input-output table's file (and the scenario file), with checksums."""
    from supplyscope.data.sources.io_tables import icio_npz_path

    files = {f"input-output table: {table.name}": table_path or icio_npz_path()}
    if scenarios is not None:
        files["scenarios"] = scenarios
    return [file_version(name, path) for name, path in files.items()]


def _about_inputs(versions: list[dict[str, Any]]) -> dict[str, str]:
    """The same, as lines of a workbook's "about" sheet."""
    return {f"input {i}": line for i, line in enumerate(versions_lines(versions), start=1)}


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
    fmt: Annotated[OutputFormat, format_option()] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="HTML report path.")] = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Face-value vs look-through exposure of each industry of COUNTRY to SOURCE, plus an HTML report."""
    table = _table(table_path)
    country, source = country.upper(), source.upper()
    from supplyscope.inputoutput.exposure import exposure

    one = exposure(table, country, source)
    full = exposure_table(table, country)
    inputs = _inputs(table, table_path)
    path = exposure_report(
        full,
        country,
        source,
        table.unit,
        out or OUT_DIR / f"exposure_{country}_{source}.html",
        table.name,
        versions_html(inputs),
    )
    if xlsx is not None:
        about = {"country": country, "source": source, "table": table.name, "unit": table.unit}
        about.update(_about_inputs(inputs))
        save_workbook(xlsx, {f"exposure to {source}": one, "all sources": full}, about)
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
    view = Table(title=f"Exposure of {country} industries to {source}, share of inputs ({table.name})")
    view.add_column("industry", no_wrap=True)
    view.add_column("name", overflow="fold", ratio=1, min_width=20)
    for col in ("face value", "look-through", "ratio"):
        view.add_column(col, justify="right", no_wrap=True)
    for r in one.itertuples():
        view.add_row(
            str(r.industry), str(r.industry_name), share(r.face_value, 2), share(r.look_through, 2), number(r.ratio)
        )
    console.print(view)
    console.print("[dim]face value: direct inputs bought from the source; look-through: all tiers (Leontief)[/]")
    console.print(f"report: {path}")


def _money(v: float) -> str:
    """One decimal for sums of 10 and more, three significant digits below (small shocks stay visible)."""
    return f"{v:,.1f}" if abs(v) >= 10 else number(v)


def shock_cmd(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (TOML or JSON).", exists=True, dir_okay=False)],
    table_path: TableOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Most affected industries to list per scenario.")] = 20,
    country: Annotated[str | None, typer.Option("--country", help="Rank only this country's industries.")] = None,
    method: Annotated[
        list[str] | None,
        typer.Option(
            "--method",
            help="Extra method(s) beside Ghosh and Leontief: extraction_backward, extraction_forward, mixed "
            "(repeatable; default all).",
        ),
    ] = None,
    fmt: Annotated[OutputFormat, format_option()] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="HTML report path.")] = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Forward- and backward-linkage losses (gross output and value added) of the scenarios in SCENARIO_FILE."""
    scenarios = load_scenarios(scenario_file)
    table = _table(table_path)
    country = country.upper() if country else None
    if country is not None:
        table.region_index(country)
    methods = tuple(method) if method else METHODS
    results = run_scenarios(table, scenarios, methods=("ghosh", "leontief", *methods))
    report = out or OUT_DIR / f"shock_{scenario_file.stem}.html"
    inputs = _inputs(table, table_path, scenario_file)
    path = shock_report(results, top, table.unit, report, country, versions_html(inputs))
    if xlsx is not None:
        sheets = {}
        for k, res in enumerate(results, 1):
            sheets[f"{k} methods"] = res.summary(country).assign(scenario=res.scenario.name)
            sheets[f"{k} industries"] = res.top(top, country).assign(scenario=res.scenario.name)
        about = {"scenarios": str(scenario_file), "table": table.name, "unit": table.unit, **_about_inputs(inputs)}
        save_workbook(xlsx, sheets, about)
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
                        "headline": res.headline(table.unit, country),
                        "world_value_added_loss": res.total_va_loss,
                        "total_output_loss": res.total_output_loss,
                        "total_demand_loss": res.total_demand_loss,
                        "methods": res.summary(country).to_dict(orient="records"),
                        "shocks": [
                            {
                                "country": s.country,
                                "sector": s.sector,
                                "cut": s.cut,
                                "target": s.target,
                                "partners": list(s.partners),
                                "share": s.share,
                                "share_basis": s.share_basis,
                            }
                            for s in res.scenario.shocks
                        ],
                        "notes": list(res.notes),
                        "impacts": res.top(top, country).drop(columns=["output"]).to_dict(orient="records"),
                    }
                    for res in results
                ],
            }
        )
        return
    for res in results:
        console.print(res.headline(table.unit, country), highlight=False)
        for note in res.notes:
            console.print(f"[dim]note: {note}[/]", highlight=False)
        summary = Table(title=f"{res.scenario.name}: losses by method ({table.unit})")
        cols = ["method", "gross output", "value added"]
        if country is not None:
            cols += [f"{country} gross output", f"{country} value added"]
        for col in cols:
            summary.add_column(col, justify="left" if col == "method" else "right")
        for r in res.summary(country).itertuples():
            cells = [str(r.method), _money(r.output_loss), _money(r.value_added_loss)]
            if country is not None:
                cells += [_money(r.country_output_loss), _money(r.country_value_added_loss)]
            summary.add_row(*cells)
        console.print(summary)
        wide = console.width >= 110
        view = Table(title=f"{res.scenario.name}: most affected industries, Ghosh ({table.unit})", box=box.SIMPLE_HEAD)
        view.add_column("country", no_wrap=True)
        view.add_column("industry (ISIC Rev. 4)", overflow="fold", ratio=1, min_width=24)
        numeric = ("loss", "direct", "indirect", "VA loss", "% of output", "demand")
        for col in numeric if wide else ("loss", "indirect", "VA loss", "% of output"):
            view.add_column(col, justify="right", no_wrap=True)
        for r in res.top(top, country).itertuples():
            by_col = {
                "loss": _money(r.output_loss),
                "direct": _money(r.direct_loss),
                "indirect": _money(r.indirect_loss),
                "VA loss": _money(r.value_added_loss),
                "% of output": f"{number(100 * r.output_loss_share)}%",
                "demand": _money(r.demand_loss),
            }
            shown = [by_col[c] for c in numeric if wide or c not in ("direct", "demand")]
            view.add_row(str(r.country), f"{r.industry} {r.industry_name}", *shown)
        console.print(view)
        if not wide:
            console.print(
                "[dim]direct and demand-driven losses left out at this width: see --format json or the report[/]"
            )
    console.print(f"report: {path}")


def register(app: typer.Typer) -> None:
    """Add the top-level ``exposure`` and ``shock`` commands."""
    app.command("exposure")(exposure_cmd)
    app.command("shock")(shock_cmd)
