"""``supplyscope trace``: analyse a multi-tier supply map; ``supplyscope network``: templates and exports."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from supplyscope.clitools import (
    OutputFormat,
    XlsxOpt,
    console,
    err_console,
    format_option,
    print_json,
    progress,
    save_workbook,
)
from supplyscope.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

network_app = typer.Typer(help="Supply-map templates and exports (FollowTheMoney, GraphML, BOM).", no_args_is_help=True)

GraphArg = Annotated[
    Path, typer.Argument(help="graph.json, or a directory with nodes.csv, products.csv, edges.csv.", exists=True)
]
FinalOpt = Annotated[
    str | None,
    typer.Option("--final", help="Id of the final product's node (default: the only node that supplies nobody)."),
]


def trace_command(
    graph_path: GraphArg,
    final: FinalOpt = None,
    fmt: Annotated[OutputFormat, format_option(help="table or json (one JSON document).")] = (OutputFormat.table),
    html: Annotated[Path | None, typer.Option("--html", help="Also write a self-contained HTML report.")] = None,
    screen: Annotated[bool, typer.Option("--screen/--no-screen", help="Screen every node (lists + Xinjiang).")] = True,
    alternatives: Annotated[
        bool,
        typer.Option("--alternatives/--no-alternatives", help="Alternative exporters for single-sourced products."),
    ] = True,
    db: Annotated[Path | None, typer.Option("--db", help="Warehouse: trade flows, extra screening lists.")] = None,
    max_paths: Annotated[int, typer.Option("--max-paths", min=1, help="Paths listed per flagged node.")] = 20,
    xlsx: XlsxOpt = None,
) -> None:
    """Tier-by-tier country roll-up, chokepoints, screening flags and alternatives for a supply graph."""
    from supplyscope.data.build import ensure_built
    from supplyscope.network.flags import default_screener
    from supplyscope.network.templates import read_graph
    from supplyscope.network.trace import trace
    from supplyscope.network.tradebasis import trade_basis
    from supplyscope.report.inputs import input_versions

    with progress("reading the supply map", total=5) as step:
        graph = read_graph(graph_path, final=final)
        step("loading screening lists")
        screener, region = default_screener(db) if screen else (None, None)
        step("loading trade flows")
        trade = None
        versions: list[dict[str, Any]] = []
        if alternatives:
            with ensure_built(db) as wh:
                trade = trade_basis(wh)
                versions = input_versions(wh) if html is not None else []
        step("tracing tiers")
        result = trace(graph, screener=screener, region=region, trade=trade, max_paths=max_paths)
        doc = result.to_dict()
        step("writing the report")
        if html is not None:
            from supplyscope.report.network import write_report

            write_report(result, html, _trace_inputs(graph_path, db if screen else None, screen, versions))
            err_console.print(f"HTML report written to {html}")
    if xlsx is not None:
        save_workbook(xlsx, _trace_sheets(doc), _trace_about(doc))
    if fmt is OutputFormat.json:
        print_json(doc)
        return
    _print_tables(doc)


def _trace_inputs(graph_path: Path, db: Path | None, screen: bool, versions: list[dict[str, Any]]) -> str:
    """The report's "Inputs" section: the supply map's file(s), the screening lists' versions, the warehouse."""
    from supplyscope.report.inputs import file_version, versions_html

    extra = []
    if screen:
        from supplyscope.screening.batch import list_versions
        from supplyscope.screening.bundle import load_index

        extra.append(f"screening lists: {list_versions(load_index(db).list_meta)}")
    return versions_html([file_version("supply map", graph_path), *versions], extra)


def _trace_about(doc: dict[str, Any]) -> dict[str, Any]:
    g = doc["graph"]
    return {"supply map": g["name"] or g["source"], "nodes": g["nodes"], "edges": g["edges"], "final node": g["final"]}


def _trace_sheets(doc: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The trace's tables for ``--xlsx``: the country mix per tier (one row per tier and country), totals,
    chokepoints and screening flags (paths joined with " -> ", one per line)."""
    import pandas as pd

    tiers = pd.DataFrame(
        [
            {
                "tier": t["tier"],
                "country": c["country"],
                "share": c["share"],
                "tier HHI": t["hhi"],
                "tier unknown": t["unknown"],
                "tier undisclosed": t["undisclosed"],
            }
            for t in doc["tiers"]
            for c in t["countries"]
        ],
        columns=["tier", "country", "share", "tier HHI", "tier unknown", "tier undisclosed"],
    )
    total = pd.DataFrame(doc["total_by_country"], columns=["country", "share"])
    chokes = pd.DataFrame(doc["chokepoints"], columns=["node", "kind", "reason"])
    flags = pd.DataFrame(
        [
            {"node": f["node"], "list": f["list"], "paths": "\n".join(" -> ".join(p) for p in f["paths"])}
            for f in doc["flags"]
        ],
        columns=["node", "list", "paths"],
    )
    return {
        "tiers (share of inputs)": tiers,
        "total by country": total,
        "chokepoints": chokes,
        "screening flags": flags,
    }


def _print_tables(doc: dict[str, object]) -> None:
    g = doc["graph"]
    assert isinstance(g, dict)
    console.print(
        f"[bold]{g['name'] or g['source']}[/]: {g['nodes']} nodes, {g['edges']} edges, final node {g['final']!r}"
    )
    t = Table(title="Country mix by tier (share of the final product's inputs)")
    for col in ("tier", "countries", "HHI", "known", "unknown", "undisclosed"):
        t.add_column(col)
    tiers = doc["tiers"]
    assert isinstance(tiers, list)
    for tier in tiers:
        mix = ", ".join(f"{c['country']} {c['share']:.1%}" for c in tier["countries"][:6])
        hhi = "" if tier["hhi"] is None else f"{tier['hhi']:.3f}"
        t.add_row(
            str(tier["tier"]), mix, hhi, f"{tier['known']:.1%}", f"{tier['unknown']:.1%}", f"{tier['undisclosed']:.1%}"
        )
    console.print(t)
    total = doc["total_by_country"]
    assert isinstance(total, list)
    tot = doc["total"]
    assert isinstance(tot, dict)
    console.print(
        "Total (where traces end): "
        + ", ".join(f"{c['country']} {c['share']:.1%}" for c in total[:8])
        + f"; unknown {tot['unknown']:.1%}, undisclosed {tot['undisclosed']:.1%}"
    )
    c = Table(title="Chokepoints")
    for col in ("node", "kind", "reason"):
        c.add_column(col)
    chokes = doc["chokepoints"]
    assert isinstance(chokes, list)
    for ch in chokes[:40]:
        c.add_row(ch["node"], ch["kind"], ch["reason"])
    console.print(c)
    flags = doc["flags"]
    assert isinstance(flags, list)
    f = Table(title="Screening flags")
    for col in ("node", "list", "paths to the final product"):
        f.add_column(col)
    for fl in flags:
        f.add_row(fl["node"], fl["list"], "; ".join(" -> ".join(p) for p in fl["paths"][:3]))
    console.print(f)


def example_command(
    target: Annotated[Path, typer.Argument(help="Directory to copy the example templates into.")],
) -> None:
    """Copy the EV-battery example templates (JSON and CSV) into a directory."""
    src = resources.files("supplyscope.network") / "examples"
    target.mkdir(parents=True, exist_ok=True)
    with resources.as_file(src) as folder:
        for item in sorted(folder.iterdir()):
            if item.name.startswith(("_", ".")):
                continue
            dest = target / item.name
            if item.is_dir():
                shutil.copytree(item, dest, dirs_exist_ok=True)
            else:
                shutil.copyfile(item, dest)
            console.print(f"wrote {dest}")


def export_command(
    graph_path: GraphArg,
    final: FinalOpt = None,
    ftm: Annotated[Path | None, typer.Option("--ftm", help="FollowTheMoney entities as JSON lines.")] = None,
    graphml: Annotated[Path | None, typer.Option("--graphml", help="GraphML file.")] = None,
    bom: Annotated[Path | None, typer.Option("--bom", help="BOM JSON for `supplyscope.origin`.")] = None,
    bom_depth: Annotated[int, typer.Option("--bom-depth", min=1, help="Tiers of sub-BOMs in the BOM.")] = 2,
) -> None:
    """Export a supply graph to FollowTheMoney, GraphML and/or a rules-of-origin BOM."""
    from supplyscope.network.bom import bom_dict
    from supplyscope.network.export import write_ftm, write_graphml
    from supplyscope.network.templates import read_graph

    if ftm is None and graphml is None and bom is None:
        raise ConfigError("choose at least one of --ftm, --graphml, --bom", key="export")
    graph = read_graph(graph_path, final=final)
    if ftm is not None:
        n = write_ftm(graph, ftm)
        console.print(f"wrote {n} FollowTheMoney entities to {ftm}")
    if graphml is not None:
        write_graphml(graph, graphml)
        console.print(f"wrote GraphML to {graphml}")
    if bom is not None:
        bom.write_text(json.dumps(bom_dict(graph, depth=bom_depth), indent=2), encoding="utf-8")
        console.print(f"wrote BOM to {bom}")


def validate_command(graph_path: GraphArg, final: FinalOpt = None) -> None:
    """Check a supply graph and say what it holds (errors name the file, row and field)."""
    from supplyscope.network.templates import read_graph

    graph = read_graph(graph_path, final=final)
    console.print(
        f"OK: {graph.n_nodes} nodes, {len(graph.products)} products, {graph.n_edges} edges; final node {graph.final!r}"
    )


network_app.command("example")(example_command)
network_app.command("export")(export_command)
network_app.command("validate")(validate_command)


def register(app: typer.Typer) -> None:
    """Add ``trace`` and the ``network`` group to the main app."""
    app.command("trace")(trace_command)
    app.add_typer(network_app, name="network")
