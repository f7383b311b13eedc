"""``supplyscope minerals``: stage concentration, coverage, price floor, subsidy, stockpile, links, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from supplyscope.clitools import (
    OutputFormat,
    XlsxOpt,
    console,
    finite,
    format_option,
    non_negative_option,
    print_json,
    save_workbook,
)
from supplyscope.codes.minerals import load_catalog, resolve_mineral
from supplyscope.data.sources.usgs_mcs import load_production
from supplyscope.errors import ConfigError, NotFoundError
from supplyscope.minerals.concentration import SUMMARY_COLUMNS, stage_concentration
from supplyscope.minerals.coverage import partner_coverage
from supplyscope.minerals.groups import concern_group, resolve_group
from supplyscope.minerals.links import chokepoint_flags, flag_frame, scenario_from_restriction
from supplyscope.minerals.policy import (
    PricePath,
    cfd_subsidy,
    load_price_paths,
    non_negative,
    price_floor,
    stockpile,
    totals,
)
from supplyscope.minerals.trade import import_volume, load_mineral_imports
from supplyscope.report.minerals import MineralsReport, Section, line_figure, render, table_html
from supplyscope.report.minerals import bar_figure as _bar_figure

minerals_app = typer.Typer(
    help="Critical minerals: stage concentration, partner coverage, price floors, subsidies, stockpiles.",
    no_args_is_help=True,
)

MineralOpt = Annotated[list[str] | None, typer.Option("--mineral", help="Mineral key or name; repeatable.")]
StageOpt = Annotated[str | None, typer.Option("--stage", help="mining, refining or processing.")]
StageTableOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--stage-table",
        exists=True,
        dir_okay=False,
        help="Extra stage production CSV (e.g. refinery output); repeatable.",
    ),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", exists=True, dir_okay=False, help="Settings TOML with country groups.")
]
FormatOpt = Annotated[OutputFormat, format_option(help="table or json.")]
PricesOpt = Annotated[
    Path | None, typer.Option("--prices", exists=True, help="Price-path TOML ([minerals.NAME] prices=...).")
]
PriceOpt = Annotated[
    list[float] | None, typer.Option("--price", callback=non_negative_option, help="A price per period; repeatable.")
]
UnitOpt = Annotated[str, typer.Option("--unit", help="Price unit when prices are given inline.")]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(df.to_json(orient="records", force_ascii=False))
    return out


def _show(df: pd.DataFrame, title: str, percent: tuple[str, ...] = ()) -> None:
    table = Table(title=title)
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for rec in df.itertuples(index=False):
        cells = []
        for col, v in zip(df.columns, rec, strict=True):
            if isinstance(v, float) and col in percent:
                cells.append("" if pd.isna(v) else f"{v:.1%}")
            elif isinstance(v, float) and str(col).endswith("_usd"):
                cells.append("" if pd.isna(v) else f"{v:,.0f}")
            elif isinstance(v, float):
                cells.append("" if pd.isna(v) else f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:,.6g}")
            elif v is None or (not isinstance(v, list | tuple) and pd.isna(v)):
                cells.append("")
            else:
                cells.append(escape(str(v)))
        table.add_row(*cells)
    console.print(table)


@minerals_app.command("concentration")
def concentration_cmd(
    mineral: MineralOpt = None,
    stage: StageOpt = None,
    year: Annotated[
        int | None, typer.Option("--year", min=1900, max=2100, help="Year (default: latest per mineral).")
    ] = None,
    stage_table: StageTableOpt = None,
    config: ConfigOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """HHI, top-country share, PRC share and countries-of-concern share per mineral and stage."""
    long = load_production(stage_table)
    concern = concern_group(config)
    df = stage_concentration(long, minerals=mineral, stage=stage, year=year, concern=concern.members)
    if xlsx is not None:
        about = {"shares": "fraction of world output at the stage (0-1)", "HHI": "sum of squared shares (0-1)"}
        save_workbook(xlsx, {"concentration": df}, {**about, "countries of concern": concern.source})
    if fmt is OutputFormat.json:
        print_json({"minerals": _records(df)})
        return
    view = df[[*SUMMARY_COLUMNS, "source"]].rename(
        columns={
            "hhi": "HHI (0-1)",
            "top_country": "top",
            "top_share": "top %",
            "chn_share": "CHN %",
            "concern_share": "concern %",
        }
    )
    view["HHI (0-1)"] = view["HHI (0-1)"].round(4)
    _show(
        view,
        "Stage concentration: shares in % of world output at the stage, HHI = sum of squared shares (0-1)",
        percent=("top %", "CHN %", "concern %"),
    )
    for rec in df.itertuples():
        if rec.note:
            console.print(f"[dim]{rec.mineral} {rec.stage}: {escape(rec.note)}[/]", highlight=False)


@minerals_app.command("coverage")
def coverage_cmd(
    mineral: MineralOpt = None,
    stage: StageOpt = None,
    coalition: Annotated[str, typer.Option("--coalition", help="Settings group name or ISO3 list.")] = "like_minded",
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates per mineral and stage.")] = 5,
    stage_table: StageTableOpt = None,
    config: ConfigOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Coalition share of world supply, gap to its (US-import) demand, and third countries to close it."""
    group = resolve_group(coalition, config)
    cov = partner_coverage(
        load_production(stage_table),
        load_mineral_imports(),
        group,
        concern_group(config),
        minerals=mineral,
        stage=stage,
        top=top,
    )
    if xlsx is not None:
        about = {"coalition": coalition, "members": ", ".join(sorted(group.members)), "group source": group.source}
        sheets = {"supply": cov.supply, "demand (US imports, USD)": cov.demand, "candidates": cov.candidates}
        save_workbook(xlsx, sheets, about)
    if fmt is OutputFormat.json:
        print_json(
            {
                "coalition": coalition,
                "members": sorted(group.members),
                "source": group.source,
                "supply": _records(cov.supply),
                "demand": _records(cov.demand),
                "candidates": _records(cov.candidates),
            }
        )
        return
    _show(
        cov.supply.drop(columns=["note"]),
        f"Supply shares, coalition {coalition}",
        percent=("coalition_share", "concern_share", "third_share", "other_share"),
    )
    _show(
        cov.demand.drop(columns=["hs6", "shared_hs6", "basis"]),
        "Gap to demand (US imports 2024, USD)",
        percent=("gap_share",),
    )
    for rec in cov.demand.itertuples():
        if rec.shared_hs6:
            console.print(
                f"[dim]{rec.mineral} {rec.stage}: HS {', '.join(rec.shared_hs6)} also cover other "
                "minerals; the import values are upper bounds[/]",
                highlight=False,
            )
    if not cov.candidates.empty:
        _show(
            cov.candidates.drop(columns=["unit"]),
            "Third countries ranked by capacity",
            percent=("world_share", "cumulative_share"),
        )


def _path(mineral: str, prices_file: Path | None, price: list[float] | None, unit: str) -> PricePath:
    m = resolve_mineral(mineral)
    if prices_file is not None:
        paths = load_price_paths(prices_file)
        if m.key not in paths:
            raise NotFoundError(f"mineral in {prices_file}", m.key, sorted(paths))
        return paths[m.key]
    if not price:
        raise ConfigError("give --prices FILE or one or more --price values", key="prices")
    return PricePath(m.key, tuple(str(i + 1) for i in range(len(price))), tuple(price), unit)


def _volume(path: PricePath, volume: float | None) -> float:
    if volume is not None:
        return non_negative(volume, "volume")
    if path.volume is None:
        raise ConfigError("give --volume (import volume per period) or 'volume' in the price file", key="volume")
    return path.volume


@minerals_app.command("price-floor")
def price_floor_cmd(
    mineral: Annotated[str, typer.Argument(help="Mineral key or name.")],
    floor: Annotated[
        float, typer.Option("--floor", callback=non_negative_option, help="Floor price, in the price unit.")
    ],
    prices: PricesOpt = None,
    price: PriceOpt = None,
    unit: UnitOpt = "USD per unit",
    volume: Annotated[
        float | None, typer.Option("--volume", callback=non_negative_option, help="Imports per period (quantity).")
    ] = None,
    exempt_share: Annotated[
        float, typer.Option("--exempt-share", min=0, max=1, callback=finite, help="Share of imports exempt (0-1).")
    ] = 0.0,
    duty_cap: Annotated[
        float | None, typer.Option("--duty-cap", callback=non_negative_option, help="Maximum duty per unit.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Border-adjusted price floor: duty = max(0, floor - import price), over a price path."""
    path = _path(mineral, prices, price, unit)
    df = price_floor(path, floor, _volume(path, volume), exempt_share=exempt_share, duty_cap=duty_cap)
    tot = totals(df, ["duty_revenue", "cost_to_importers"])
    if xlsx is not None:
        _path_workbook(xlsx, "price floor", path, df, tot, {"floor": floor, "exempt share": exempt_share})
    if fmt is OutputFormat.json:
        _print_path_json(path, df, tot)
        return
    _show(df, f"Price floor {floor:g} {path.unit} on {path.mineral}")
    console.print(f"total duty revenue {tot['duty_revenue']:,.2f}; cost to importers {tot['cost_to_importers']:,.2f}")


def _path_workbook(
    xlsx: Path, sheet: str, path: PricePath, df: pd.DataFrame, tot: dict[str, float], settings: dict[str, Any]
) -> None:
    """``--xlsx`` of a simulation over a price path: the periods and totals, with the path's unit and source."""
    about = {"mineral": path.mineral, "unit": path.unit, "price source": path.source or "given on the command line"}
    totals_frame = pd.DataFrame({"total": list(tot), "value": list(tot.values())})
    save_workbook(xlsx, {sheet: df, "totals": totals_frame}, {**about, **settings})


def _print_path_json(path: PricePath, df: pd.DataFrame, tot: dict[str, float]) -> None:
    """JSON of a simulation over a price path: the path's mineral, unit and source, each period, the totals."""
    print_json(
        {
            "mineral": path.mineral,
            "unit": path.unit,
            "price_source": path.source,
            "periods": _records(df),
            "totals": tot,
        }
    )


@minerals_app.command("subsidy")
def subsidy_cmd(
    mineral: Annotated[str, typer.Argument(help="Mineral key or name.")],
    strike: Annotated[
        float,
        typer.Option("--strike", callback=non_negative_option, help="Strike price of the contract for difference."),
    ],
    prices: PricesOpt = None,
    price: PriceOpt = None,
    unit: UnitOpt = "USD per unit",
    volume: Annotated[
        float | None, typer.Option("--volume", callback=non_negative_option, help="Contracted volume per period.")
    ] = None,
    two_sided: Annotated[bool, typer.Option("--two-sided", help="Producer pays back above the strike.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Price-gap subsidy (contract for difference): cost to the budget over a price path."""
    path = _path(mineral, prices, price, unit)
    df = cfd_subsidy(path, strike, _volume(path, volume), two_sided=two_sided)
    tot = totals(df, ["budget_cost"])
    if xlsx is not None:
        _path_workbook(xlsx, "contract for difference", path, df, tot, {"strike": strike, "two-sided": two_sided})
    if fmt is OutputFormat.json:
        _print_path_json(path, df, tot)
        return
    _show(df, f"CfD strike {strike:g} {path.unit} on {path.mineral}")
    console.print(f"total budget cost {tot['budget_cost']:,.2f}")


@minerals_app.command("stockpile")
def stockpile_cmd(
    mineral: Annotated[str, typer.Argument(help="Mineral key or name.")],
    price: Annotated[
        float, typer.Option("--price", callback=non_negative_option, help="Purchase price per unit of quantity.")
    ],
    annual_volume: Annotated[
        float | None,
        typer.Option(
            "--annual-volume",
            callback=non_negative_option,
            help="Annual imports (quantity). Default: 2024 US import value / price.",
        ),
    ] = None,
    budget: Annotated[
        float | None, typer.Option("--budget", callback=non_negative_option, help="Budget in USD.")
    ] = None,
    days: Annotated[
        float | None, typer.Option("--days", callback=non_negative_option, help="Days of import cover wanted.")
    ] = None,
    stage: StageOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Days of import cover bought by a budget, and the budget for N days of cover."""
    m = resolve_mineral(mineral)
    non_negative(price, "price")
    basis = "given with --annual-volume"
    if annual_volume is None:
        annual_volume, basis = import_volume(m.key, price, stage, key="--annual-volume")
    res = stockpile(m.key, price, annual_volume, budget=budget, days=days)
    out = {**res.as_dict(), "volume_basis": basis}
    if xlsx is not None:
        save_workbook(xlsx, {"stockpile": pd.DataFrame([out])})
    if fmt is OutputFormat.json:
        print_json(out)
        return
    for k, v in out.items():
        console.print(f"{k:<22} {v:,.2f}" if isinstance(v, float) else f"{k:<22} {v}", highlight=False)


@minerals_app.command("reliance")
def reliance_cmd(mineral: MineralOpt = None, fmt: FormatOpt = OutputFormat.table, xlsx: XlsxOpt = None) -> None:
    """US net import reliance (2025e), import sources (2021-24) and critical-list status (USGS MCS 2026)."""
    from supplyscope.minerals.reliance import import_reliance, import_sources, list_status

    keys = [resolve_mineral(m).key for m in mineral] if mineral else None
    rel, src, lst = import_reliance(), import_sources(), list_status()
    if keys is not None:
        rel, src, lst = (f[f["mineral"].isin(keys)] for f in (rel, src, lst))
    if xlsx is not None:
        sheets = {"lists": lst, "net import reliance": rel, "import sources": src}
        save_workbook(xlsx, sheets, {"source": "USGS Mineral Commodity Summaries 2026"})
    if fmt is OutputFormat.json:
        print_json({"reliance": _records(rel), "sources": _records(src), "lists": _records(lst)})
        return
    _show(
        lst.merge(rel, on="mineral", how="left"),
        "Critical-mineral lists and US net import reliance (% of apparent consumption, 2025e; USGS MCS 2026)",
        percent=("net_import_reliance",),
    )
    _show(src, "US import sources, 2021-24 (% of US imports; USGS MCS 2026)", percent=("share",))


@minerals_app.command("flags")
def flags_cmd(
    stage_table: StageTableOpt = None,
    config: ConfigOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Mineral-stage chokepoint flag for every HS code of the catalogue."""
    df = chokepoint_flags(stage_tables=stage_table or [], config=config)
    if xlsx is not None:
        save_workbook(xlsx, {"chokepoint flags": df})
    if fmt is OutputFormat.json:
        print_json({"flags": _records(df)})
        return
    _show(df, "Chokepoint flags")


def _toml_scenario(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    for sc in doc["scenario"]:
        lines += [
            "[[scenario]]",
            f"name = {json.dumps(sc['name'])}",
            f"description = {json.dumps(sc['description'], ensure_ascii=False)}",
            "",
        ]
        for sh in sc["shock"]:
            lines += [
                "[[scenario.shock]]",
                f"country = {json.dumps(sh['country'])}",
                f"sector = {json.dumps(sh['sector'])}",
                f"cut = {float(sh['cut'])!r}",
            ]
            if "target" in sh:
                lines.append(f"target = {json.dumps(sh['target'])}")
            if sh.get("partners"):
                lines.append(f"partners = {json.dumps(list(sh['partners']))}")
            if "share" in sh:
                lines.append(f"share = {float(sh['share'])!r}")
                lines.append(f"share_basis = {json.dumps(sh['share_basis'], ensure_ascii=False)}")
            lines.append("")
    return "\n".join(lines)


@minerals_app.command("restriction-scenario")
def restriction_scenario_cmd(
    mineral: Annotated[str, typer.Argument(help="Mineral key or name.")],
    cut: Annotated[
        float,
        typer.Option(
            "--cut",
            min=0,
            max=1,
            callback=finite,
            help="Fraction of the mineral's exports cut, in (0, 1].",
        ),
    ] = 0.5,
    country: Annotated[str, typer.Option("--country", help="Restricting country (ICIO ISO3).")] = "CHN",
    partner: Annotated[
        list[str] | None, typer.Option("--partner", help="Restricted destination (ISO3); repeatable; default all.")
    ] = None,
    stage: Annotated[list[str] | None, typer.Option("--stage", help="Stage(s) to shock; default all.")] = None,
    basis: Annotated[
        str, typer.Option("--basis", help="Mineral's share of its sector: production (value) or trade (US imports).")
    ] = "production",
    price: Annotated[
        float | None,
        typer.Option(
            "--price",
            callback=non_negative_option,
            help="USD per USGS production unit, for --basis production without a USGS price.",
        ),
    ] = None,
    price_source: Annotated[str, typer.Option("--price-source", help="Where --price comes from (required).")] = "",
    out: Annotated[Path | None, typer.Option("--out", help="Write .toml or .json here.")] = None,
) -> None:
    """Export-restriction scenario for `supplyscope shock`, scaled to the mineral's share of its ICIO sector."""
    doc = scenario_from_restriction(
        mineral,
        cut,
        country,
        stages=stage,
        partners=partner or (),
        basis=basis,
        price=price,
        price_source=price_source,
    )
    if out is None:
        print_json(doc)
        return
    if out.suffix.lower() == ".toml":
        out.write_text(_toml_scenario(doc), encoding="utf-8")
    elif out.suffix.lower() == ".json":
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        raise ConfigError(f"--out must end in .toml or .json, got {out.name}", key="out")
    console.print(f"wrote {out}")


@minerals_app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    coalition: Annotated[str, typer.Option("--coalition", help="Settings group name or ISO3 list.")] = "like_minded",
    prices: PricesOpt = None,
    floor_ratio: Annotated[
        float,
        typer.Option(
            "--floor-ratio",
            callback=non_negative_option,
            help="Floor/strike as a multiple of the first price, where the file sets none.",
        ),
    ] = 1.0,
    stockpile_days: Annotated[
        float,
        typer.Option(
            "--stockpile-days",
            callback=non_negative_option,
            help="Days of import cover to price for the stockpile (a choice).",
        ),
    ] = 90.0,
    stockpile_budget: Annotated[
        float | None,
        typer.Option("--stockpile-budget", callback=non_negative_option, help="Stockpile budget in USD per mineral."),
    ] = None,
    stage_table: StageTableOpt = None,
    config: ConfigOpt = None,
) -> None:
    """HTML report: concentration, coverage, chokepoint flags, and simulators for minerals in --prices."""
    non_negative(floor_ratio, "floor_ratio")
    non_negative(stockpile_days, "stockpile_days")
    if stockpile_budget is not None:
        non_negative(stockpile_budget, "stockpile_budget")
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("building report", total=4)
        long = load_production(stage_table)
        concern = concern_group(config)
        conc = stage_concentration(long, concern=concern.members)
        bar.advance(task)
        group = resolve_group(coalition, config)
        cov = partner_coverage(long, load_mineral_imports(), group, concern)
        bar.advance(task)
        from supplyscope.codes.minerals import load_hs_codes, load_hs_lines
        from supplyscope.minerals.links import line_import_values

        hs_lines = load_hs_lines()
        flags = flag_frame(conc, load_hs_codes(), lines=hs_lines, line_values=line_import_values(hs_lines))
        bar.advance(task)
        sims: list[Section] = []
        stock_rows: list[dict[str, object]] = []
        if prices is not None:
            imports = load_mineral_imports()
            for key, path in load_price_paths(prices).items():
                resolve_mineral(key, load_catalog())
                if path.volume is None:
                    raise ConfigError(
                        "the report needs 'volume' per mineral in the price file",
                        key=f"minerals.{key}.volume",
                        source=str(prices),
                    )
                floor = path.floor if path.floor is not None else path.prices[0] * floor_ratio
                strike = path.strike if path.strike is not None else path.prices[0] * floor_ratio
                pf = price_floor(path, floor, path.volume)
                cfd = cfd_subsidy(path, strike, path.volume)
                text = (
                    f"Price path from {prices} ({path.source or 'no source given'}), unit {path.unit}; "
                    f"floor {floor:g}, CfD strike {strike:g}; volume {path.volume:g} per period."
                )
                sims.append(
                    Section(
                        f"Price floor and CfD: {key}",
                        text,
                        line_figure(
                            pf.merge(cfd[["period", "budget_cost"]], on="period"),
                            "period",
                            ["import_price", "landed_price", "duty_revenue", "budget_cost"],
                            f"{key}: price floor and CfD",
                        ),
                        table_html(pf) + table_html(cfd),
                    )
                )
                if path.annual_volume is not None:
                    annual, basis = path.annual_volume, "annual_volume in the price file"
                else:
                    annual, basis = import_volume(
                        key, path.prices[0], imports=imports, key=f"minerals.{key}.annual_volume"
                    )
                res = stockpile(key, path.prices[0], annual, budget=stockpile_budget, days=stockpile_days)
                stock_rows.append({**res.as_dict(), "price_unit": path.unit, "volume_basis": basis})
            if stock_rows:
                stock = pd.DataFrame(stock_rows)
                sims.append(
                    Section(
                        f"Stockpile: budget for {stockpile_days:g} days of import cover",
                        "Price = the first price of each path; "
                        "days of cover = (budget / price) / (annual volume / 365).",
                        _bar_figure(stock, "mineral", ["budget_needed"], "Budget needed (USD)"),
                        table_html(stock),
                    )
                )
        html_doc = render(
            MineralsReport(conc, cov, coalition, flags, sims, _report_inputs(stage_table, prices, config))
        )
        out.write_text(html_doc, encoding="utf-8")
        bar.advance(task)
    console.print(f"wrote {out} ({len(html_doc):,} bytes)")


def _report_inputs(stage_tables: list[Path] | None, prices: Path | None, config: Path | None) -> str:
    """The report's "Inputs" section: every file it read, with its checksum."""
    from supplyscope.data.sources.census_hts10 import hts10_path
    from supplyscope.data.sources.refining import refining_path
    from supplyscope.data.sources.usgs import mcs_world_path
    from supplyscope.data.sources.usgs_mcs import MCS_SOURCE
    from supplyscope.minerals.trade import TRADE_SOURCE
    from supplyscope.report.inputs import inputs_html

    files = {
        f"{MCS_SOURCE}: world production": mcs_world_path(),
        "refining and processing-stage shares": refining_path(),
        TRADE_SOURCE: hts10_path(),
        **{f"stage table {k}": p for k, p in enumerate(stage_tables or [], start=1)},
    }
    if prices is not None:
        files["price paths"] = prices
    if config is not None:
        files["settings (country groups)"] = config
    return inputs_html(files)


def register(app: typer.Typer) -> None:
    """Add the ``minerals`` sub-command group to the main app."""
    app.add_typer(minerals_app, name="minerals")
