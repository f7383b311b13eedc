"""``supplyscope screen`` and ``supplyscope lists``: batch screening and the screening lists."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

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

if TYPE_CHECKING:  # Typer vendors click; its Context is only named for the type checker
    from typer._click.core import Context as ClickContext

lists_app = typer.Typer(help="Screening lists: what is loaded, and loading new ones.", no_args_is_help=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse with lists loaded by `supplyscope lists load` (added to the bundled lists)."),
]


class JsonRowsDocument:
    """The ``{"rows": [...], ...}`` document `screen --format json` streams to ``out``.

    Its opening is written with the first row, so bad input found before any row is screened (a
    malformed or undecodable row in the first batch) leaves ``out`` empty; a failure after rows were
    written closes the document with ``"complete": false`` and an ``"error"`` member, so ``out`` holds
    valid JSON or nothing. The one-line error still goes to stderr and sets the exit code.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.opened = False

    def write(self, s: str) -> int:
        if not self.opened:
            self.out.write('{"rows": [\n')
            self.opened = True
        return self.out.write(s)

    def fail(self, exc: BaseException) -> None:
        if self.opened:
            import json

            self.out.write(f'\n],\n"complete": false,\n"error": {json.dumps(str(exc), ensure_ascii=False)}\n}}\n')


class ListFormat(StrEnum):
    """Published list formats `lists load` reads."""

    csl = "csl"
    sdn_csv = "sdn-csv"
    sdn_xml = "sdn-xml"
    ftm = "ftm"
    uflpa = "uflpa"


class _DefaultRun(TyperGroup):
    """``supplyscope screen FILE`` runs ``screen run FILE``; ``review`` and ``verify`` are sub-commands."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


screen_app = typer.Typer(
    cls=_DefaultRun,
    help="Screen a supplier CSV (`screen FILE`), record review decisions (`screen review`), verify the audit log.",
    no_args_is_help=True,
)
AuditOption = Annotated[
    Path | None,
    typer.Option("--audit", help="Audit JSON-lines file (default: $SUPPLYSCOPE_HOME/audit/screening.jsonl)."),
]


@screen_app.command("run")
def screen(
    file: Annotated[Path, typer.Argument(help="Supplier CSV with a header row.", exists=True, dir_okay=False)],
    name_col: Annotated[str, typer.Option("--name-col", help="Column with the supplier name.")] = "name",
    country_col: Annotated[str | None, typer.Option("--country-col", help="Column with the country.")] = None,
    address_col: Annotated[str | None, typer.Option("--address-col", help="Column with the address.")] = None,
    region_col: Annotated[str | None, typer.Option("--region-col", help="Column with a region/province.")] = None,
    type_col: Annotated[
        str | None, typer.Option("--type-col", help="Column with the type: person, organisation, vessel, aircraft.")
    ] = None,
    id_col: Annotated[
        str | None, typer.Option("--id-col", help="Column with identifiers (IMO 9123456; MMSI ...; DOB 01 Jan 1960).")
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0, max=1, callback=finite, help="Hit threshold, 0..1 (default 0.7)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write every row and its hits to this CSV.")] = None,
    fmt: Annotated[OutputFormat, format_option(help="table or json (streamed JSON document).")] = (OutputFormat.table),
    audit: AuditOption = None,
    db: DbOption = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of FILE.")] = "utf-8",
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", dir_okay=False, help="Also write every row and its hits (as --out) to this workbook."),
    ] = None,
) -> None:
    """Screen a supplier CSV against the screening lists and flag Xinjiang addresses (streamed in batches)."""
    import json
    import sys

    from supplyscope._version import __version__
    from supplyscope.screening import audit as audit_log
    from supplyscope.screening.batch import caveat, current_user, iter_suppliers, list_versions, screen_stream
    from supplyscope.screening.bundle import load_index
    from supplyscope.screening.index import DEFAULT_THRESHOLD

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError("must be between 0 and 1", key="--threshold")
    rows = iter_suppliers(
        file, name_col, country_col, address_col, region_col, encoding, type_col=type_col, id_col=id_col
    )
    index = load_index(db)
    lists = index.list_meta
    th = DEFAULT_THRESHOLD if threshold is None else threshold
    audit_path = audit or default_audit_path()
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise ConfigError(f"{xlsx}: the workbook name must end in .xlsx", key="--xlsx")
    with _results_csv(out, xlsx) as rows_csv:
        if fmt is OutputFormat.json:
            doc = JsonRowsDocument(sys.stdout)
            try:
                run = screen_stream(index, rows, threshold=threshold, out=rows_csv, json_sink=doc, keep_shown=0)
            except Exception as exc:
                doc.fail(exc)
                raise
            doc.write("")  # opens the document when there were no rows
            sys.stdout.write("\n],\n")
        else:
            with Progress(
                TextColumn("screening"), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=True
            ) as bar:
                task = bar.add_task("screening", total=None)
                run = screen_stream(
                    index, rows, threshold=threshold, out=rows_csv, progress=lambda n: bar.update(task, advance=n)
                )
        if xlsx is not None and rows_csv is not None:
            _screen_workbook(xlsx, rows_csv, file, th, lists, run.counts)
        if out is None:
            run.output_sha256 = None  # the CSV was only the workbook's staging file
    record = audit_log.append(
        audit_path,
        {
            "command": "screen",
            "supplyscope_version": __version__,
            "user": current_user(),
            "input": str(file.resolve()),
            "input_sha256": audit_log.file_sha256(file),
            "output": str(out.resolve()) if out else None,
            "output_sha256": run.output_sha256,
            "json_sha256": run.json_sha256,
            "threshold": th,
            "lists": lists,
            "list_versions": list_versions(lists),
            "caveat": caveat(lists),
            "counts": run.counts,
        },
    )
    if fmt is OutputFormat.json:
        tail = {
            "summary": run.counts,
            "threshold": th,
            "lists": lists,
            "list_versions": list_versions(lists),
            "caveat": caveat(lists),
            "audit": str(audit_path),
            "audit_hash": record["hash"],
        }
        sys.stdout.write(json.dumps(tail, ensure_ascii=False, indent=2)[1:] + "\n")
        return
    table = Table(title=f"screening {file.name} (threshold {th})", caption=list_versions(lists))
    for col in ("row", "input", "status", "xinjiang", "best hit", "list", "type", "listed", "score"):
        table.add_column(col, overflow="fold", justify="right" if col in ("row", "score") else "left")
    for r in run.shown:
        best = r.hits[0] if r.hits else None
        table.add_row(
            str(r.supplier.row),
            r.supplier.name or "[italic](empty)[/]",
            r.status + (f" ({best.branch_of})" if best and best.branch_of else ""),
            r.xinjiang_term or "",
            best.name if best else "",
            best.list if best else "",
            best.entity_type if best else "",
            (best.listed_on or "none (note)") if best else "",
            f"{best.score:.2f}" if best else "",
        )
    console.print(table)
    for note in sorted({h.listed_on_note for r in run.shown for h in r.hits[:1] if h.listed_on_note}):
        console.print(f"listed 'none (note)': {note}", highlight=False)
    if run.shown_truncated:
        console.print(f"(first {len(run.shown):,} rows with hits or flags shown; all rows are in --out)")
    counts = run.counts
    console.print(
        f"{counts['rows']:,} rows: {counts['rows_with_hits']:,} with hits, {counts['no_match']:,} no "
        f"match, {counts['empty_names']:,} empty names, {counts['xinjiang_flags']:,} Xinjiang flags. "
        f"Audit: {audit_path}" + (f"; output: {out}" if out else "")
    )
    cav = caveat(lists)
    if cav:
        console.print(f"[bold yellow]'no match' is not clearance. {cav}[/]", highlight=False)


EXCEL_ROWS = 1_048_576
"""Rows in an Excel sheet, the header included."""


@contextmanager
def _results_csv(out: Path | None, xlsx: Path | None) -> Iterator[Path | None]:
    """Where the streamed results CSV goes: ``--out``, else (for ``--xlsx`` only) a temporary file."""
    if out is not None or xlsx is None:
        yield out
        return
    with tempfile.TemporaryDirectory(prefix="supplyscope-screen-") as tmp:
        yield Path(tmp) / "results.csv"


def _screen_workbook(
    xlsx: Path, rows_csv: Path, file: Path, threshold: float, lists: list[dict[str, Any]], counts: dict[str, int]
) -> None:
    """``--xlsx``: the results CSV as a sheet (text as written), with the lists' versions and caveat."""
    import pandas as pd

    from supplyscope.screening.batch import caveat, list_versions

    frame = pd.read_csv(rows_csv, dtype=str, keep_default_na=False)
    if len(frame) >= EXCEL_ROWS:
        raise ConfigError(
            f"{len(frame):,} result lines do not fit one Excel sheet ({EXCEL_ROWS - 1:,}); use --out FILE.csv",
            key="--xlsx",
        )
    for col in ("row", "rank"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    frame["xinjiang_flag"] = frame["xinjiang_flag"] == "True"
    about = {
        "input": str(file),
        "threshold": threshold,
        "list versions": list_versions(lists),
        "caveat": caveat(lists) or "none",
        "'no match'": "is not clearance",
        **{f"count: {k}": v for k, v in counts.items()},
    }
    save_workbook(xlsx, {"screening results": frame}, about)


def default_audit_path() -> Path:
    from supplyscope.screening.audit import default_audit_path as path

    return path()


@screen_app.command("review")
def review(
    results: Annotated[
        Path, typer.Argument(help="A results CSV written by `supplyscope screen --out`.", exists=True, dir_okay=False)
    ],
    decision: Annotated[
        str | None, typer.Option("--decision", help="cleared, escalated or confirmed (with --row and --entity).")
    ] = None,
    row: Annotated[int | None, typer.Option("--row", min=1, help="Input row number, as in the results CSV.")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="entity_id of the hit, as in the results CSV.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Analyst (default: the login name).")] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(
            "--decisions", exists=True, dir_okay=False, help="CSV of decisions: row, entity_id, decision, reason."
        ),
    ] = None,
    audit: AuditOption = None,
    fmt: Annotated[OutputFormat, format_option()] = OutputFormat.table,
) -> None:
    """Record analyst decisions on hits (cleared, escalated, confirmed) in the audit log."""
    from supplyscope.screening import review as rv
    from supplyscope.screening.audit import append, file_sha256
    from supplyscope.screening.batch import current_user

    hits = rv.read_results(results)
    if decisions is not None:
        items = rv.read_decisions(decisions)
    else:
        if decision is None or row is None or entity is None or not reason:
            raise ConfigError("give --decision, --row, --entity and --reason, or --decisions FILE", key="review")
        items = [rv.Decision(row, entity, decision, reason, 0)]
    who = user or current_user()
    checked = rv.check(items, hits, results, decisions)
    versions = sorted({h["list_versions"] for h in hits.values()})
    record = append(
        audit or default_audit_path(),
        {
            "command": "review",
            "user": who,
            "results": str(results.resolve()),
            "results_sha256": file_sha256(results),
            "list_versions": versions[0] if len(versions) == 1 else versions,
            "decisions": checked,
        },
    )
    if fmt is OutputFormat.json:
        print_json({"recorded": len(checked), "audit_hash": record["hash"], "decisions": checked})
        return
    for d in checked:
        console.print(f"row {d['row']} {d['entity_id']} ({d['listed_name']}): {d['decision']} by {who}: {d['reason']}")
    console.print(
        f"{len(checked)} decision(s) recorded in {audit or default_audit_path()} (hash {record['hash'][:12]})"
    )


@screen_app.command("verify")
def verify(
    audit: AuditOption = None,
    check_files: Annotated[
        bool, typer.Option("--check-files", help="Also check the recorded input and output files' checksums.")
    ] = False,
) -> None:
    """Check the audit log's hash chain; exit 1 if a record was edited, removed or reordered."""
    from supplyscope.screening.audit import verify as run_verify

    path = audit or default_audit_path()
    result = run_verify(path, check_files=check_files)
    if result.ok:
        console.print(f"audit log {path}: {result.records} records, hash chain intact")
        return
    for p in result.problems:
        err_console.print(f"[bold red]{p}[/]", highlight=False)
    err_console.print(f"audit log {path}: {len(result.problems)} problem(s) in {result.records} records")
    raise typer.Exit(1)


@lists_app.command("info")
def lists_info(
    db: DbOption = None,
    fmt: Annotated[OutputFormat, format_option()] = OutputFormat.table,
    xlsx: XlsxOpt = None,
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
    if xlsx is not None:
        import pandas as pd

        save_workbook(xlsx, {"screening lists": pd.DataFrame(lists)})
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
    file: Annotated[
        Path, typer.Argument(help="List file as downloaded (CSV, JSON, XML or JSON lines; .gz ok).", exists=True)
    ],
    list_format: Annotated[ListFormat, typer.Option("--list-format", help="The file's format (the list's layout).")],
    db: Annotated[
        Path | None, typer.Option("--db", help="Warehouse (default: $SUPPLYSCOPE_HOME/warehouse.duckdb).")
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="List version/date to record.")] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of FILE.")] = "utf-8",
    out_format: Annotated[OutputFormat, format_option(help="table or json.")] = OutputFormat.table,
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
    """Add the ``screen`` group (default command ``run``) and the ``lists`` group to the main app."""
    app.add_typer(screen_app, name="screen")
    app.add_typer(lists_app, name="lists")
