"""Shared helpers for every CLI sub-command: shared options, validation, progress, output formats, JSON printing."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from supplyscope.errors import ConfigError
from supplyscope.jsonio import to_json

console = Console()
err_console = Console(stderr=True)

QUIET_ENV = "SUPPLYSCOPE_QUIET"
"""Set (to anything but "" or "0") by ``supplyscope --quiet``: no progress display."""


class OutputFormat(StrEnum):
    """How a command prints its result: every command offers table and json, some also csv."""

    table = "table"
    json = "json"
    csv = "csv"


def table_or_json(value: OutputFormat) -> OutputFormat:
    """Typer callback of ``--format`` on commands without CSV output: ``csv`` is a one-line usage error."""
    if value is OutputFormat.csv:
        raise typer.BadParameter("this command writes table or json, not csv")
    return value


def format_option(help: str = "table (Rich) or json (one document on stdout).", *, csv: bool = False) -> Any:
    """The ``--format`` option; ``csv=False`` (most commands) rejects ``--format csv`` while parsing."""
    return typer.Option("--format", help=help, callback=None if csv else table_or_json)


def print_json(obj: Any) -> None:
    """Print exactly one JSON document on stdout (no Rich markup)."""
    print(to_json(obj))


def finite(value: Any) -> Any:
    """Typer callback: reject NaN and infinities (``--x nan`` passes a ``min=`` range check)."""
    values = value if isinstance(value, list | tuple) else [value]
    for v in values:
        if isinstance(v, float) and not math.isfinite(v):
            raise typer.BadParameter(f"{v} is not a finite number")
    return value


def non_negative_option(param: typer.CallbackParam, value: Any) -> Any:
    """Typer callback: a finite number ≥ 0 (or a list of them); else a one-line ``ConfigError`` naming the option.

    For options whose bad values the command has always reported as a settings error (exit code 4).
    """
    values = value if isinstance(value, list | tuple) else [value]
    for v in values:
        if isinstance(v, float) and not (math.isfinite(v) and v >= 0):
            raise ConfigError(f"must be a finite number ≥ 0, not {v}", key=param.opts[0] if param.opts else param.name)
    return value


FormatOpt = Annotated[OutputFormat, format_option()]
CsvFormatOpt = Annotated[OutputFormat, format_option("table, json or csv (on stdout).", csv=True)]
WarehouseOpt = Annotated[
    Path | None, typer.Option("--db", help="Warehouse file (default: $SUPPLYSCOPE_HOME/warehouse.duckdb).")
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", exists=True, dir_okay=False, help="TOML settings overriding the shipped defaults."),
]
TopOpt = Annotated[int, typer.Option("--top", min=1, help="How many rows to print.")]
XlsxOpt = Annotated[
    Path | None, typer.Option("--xlsx", dir_okay=False, help="Also write the table(s) to this Excel workbook.")
]
"""Shared option declarations: one definition each, used by every command that takes them."""


def save_workbook(path: Path, sheets: Mapping[str, Any], about: Mapping[str, Any] | None = None) -> None:
    """Write ``--xlsx PATH`` (one sheet per frame, an "about" sheet first) and say so on stderr."""
    from supplyscope.report.xlsx import write_workbook

    write_workbook(path, sheets, about)
    err_console.print(f"wrote {path}", highlight=False)


def quiet() -> bool:
    """True when progress must not be shown: ``--quiet``, or stderr is not a terminal."""
    return os.environ.get(QUIET_ENV, "") not in ("", "0") or not sys.stderr.isatty()


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Callable[[str], None]]:
    """A Rich progress bar (or spinner when ``total`` is None) on stderr; yields ``step(description)``.

    Nothing is drawn when :func:`quiet`; the yielded function is then a no-op, so callers need no branch.
    """
    if quiet():
        yield lambda _description: None
        return
    from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn

    middle: ProgressColumn = SpinnerColumn() if total is None else BarColumn()
    with Progress(
        TextColumn("{task.description}"), middle, TimeElapsedColumn(), console=err_console, transient=True
    ) as bar:
        task = bar.add_task(label, total=total)

        def step(description: str) -> None:
            bar.update(task, description=description, advance=1)

        yield step
