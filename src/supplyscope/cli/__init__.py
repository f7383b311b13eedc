"""The ``supplyscope`` command: one sub-command (or group) per capability, imported only when run.

:data:`COMMANDS` lists every top-level command with the module that registers it and its one-line
help, so ``supplyscope --help`` lists them all without importing any of them (a test checks the help
lines against the real commands). A module provides ``register(app)``, which adds its commands.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup, TyperOption

if TYPE_CHECKING:  # Typer >= 0.29 vendors click; its base classes are only named for the type checker
    from typer._click.core import Command as ClickCommand
    from typer._click.core import Context as ClickContext

from supplyscope._version import __version__
from supplyscope.errors import ConfigError, DataError, NotFoundError, RuleError, SupplyscopeError

COMMANDS: dict[str, tuple[str, str]] = {
    "assess": (
        "supplyscope.cli.scoring",
        "Score and rank products (HS6) or industries; write a ranking and an HTML report.",
    ),
    "explain": (
        "supplyscope.cli.scoring",
        "Drill down into one product's (or industry's) score: every indicator, its threshold, weight and part.",
    ),
    "indicators": ("supplyscope.cli.indicators", "The indicator registry."),
    "exposure": (
        "supplyscope.cli.inputoutput",
        "Face-value vs look-through exposure of each industry of COUNTRY to SOURCE, plus an HTML report.",
    ),
    "dependence": (
        "supplyscope.cli.dependence",
        "Dependence of IMPORTER on each partner: import share and products led, face value and look-through.",
    ),
    "shock": (
        "supplyscope.cli.inputoutput",
        "Forward- and backward-linkage losses (gross output and value added) of the scenarios in SCENARIO_FILE.",
    ),
    "trace": (
        "supplyscope.cli.network",
        "Tier-by-tier country roll-up, chokepoints, screening flags and alternatives for a supply graph.",
    ),
    "network": ("supplyscope.cli.network", "Supply-map templates and exports (FollowTheMoney, GraphML, BOM)."),
    "duty": (
        "supplyscope.cli.origin",
        "The US duty stack for one line on an entry date: base rate, preference, 232, 301, IEEPA, 122, de minimis.",
    ),
    "origin": (
        "supplyscope.cli.origin",
        "Preferential and non-preferential origin of a BOM, its US duty stack, and what flips it.",
    ),
    "origin-coverage": (
        "supplyscope.cli.origin",
        "Rule coverage per agreement: US FTAs (share of HS6 with a compiled rule) and UK schemes.",
    ),
    "screen": (
        "supplyscope.cli.screening",
        "Screen a supplier CSV (`screen FILE`), record review decisions (`screen review`), verify the audit log.",
    ),
    "lists": ("supplyscope.cli.screening", "Screening lists: what is loaded, and loading new ones."),
    "minerals": (
        "supplyscope.cli.minerals",
        "Critical minerals: stage concentration, partner coverage, price floors, subsidies, stockpiles.",
    ),
    "shipments": ("supplyscope.cli.shipments", "Shipment-level screening at de minimis scale."),
    "serve": (
        "supplyscope.cli.service",
        "Run the web service and dashboard (FastAPI under uvicorn); OpenAPI spec at /openapi.json.",
    ),
    "alerts": ("supplyscope.cli.service", "Disruption alerts: users, migrations, releases and audit verification."),
    "data": ("supplyscope.cli.data", "Build the DuckDB warehouse and inspect it."),
}


def load_command(name: str) -> TyperCommand | TyperGroup:
    """Import the module behind ``name`` and return its real command (or group)."""
    module = importlib.import_module(COMMANDS[name][0])
    holder = typer.Typer()
    module.register(holder)
    group = typer.main.get_group(holder)
    command = group.get_command(typer.Context(group), name)
    if command is None:
        raise RuntimeError(f"{COMMANDS[name][0]}.register() does not add the command {name!r}")
    assert isinstance(command, TyperCommand | TyperGroup)
    return command


class _Deferred(TyperCommand):
    """Stands in for a command in the help listing; imports the real one only when it is invoked."""

    def __init__(self, name: str, short_help: str) -> None:
        super().__init__(name, help=short_help, short_help=short_help)

    def make_context(
        self, info_name: str | None, args: list[str], parent: ClickContext | None = None, **extra: Any
    ) -> ClickContext:
        assert self.name is not None
        return load_command(self.name).make_context(info_name, args, parent=parent, **extra)


_typer_display_type = TyperOption.display_type_rich


def _display_type(self: TyperOption, ctx: ClickContext) -> str | None:
    """Help shows no type for a flag (Typer 0.29 prints ``<bool>`` for every flag, even ``--help``)."""
    return None if self.is_flag else _typer_display_type(self, ctx)


TyperOption.display_type_rich = _display_type  # type: ignore[method-assign]


def _one_line(exc: _click.ClickException) -> str:
    """A click usage error as one line: the message and where to find help."""
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    return f"Error: {' '.join(exc.format_message().split())}{where}"


class _LazyGroup(TyperGroup):
    """A Typer group whose commands come from :data:`COMMANDS`, imported on first use.

    Run standalone, it prints every usage error as one line on stderr (exit 2), never a traceback;
    supplyscope errors propagate to :func:`main`, which prints them as one line with their exit code.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except _click.exceptions.NoArgsIsHelpError as exc:
            print(exc.format_message(), file=sys.stderr)
            sys.exit(exc.exit_code)
        except _click.ClickException as exc:
            print(_one_line(exc), file=sys.stderr)
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("Aborted.", file=sys.stderr)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: ClickContext, cmd_name: str) -> ClickCommand | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        return _Deferred(cmd_name, COMMANDS[cmd_name][1])


app = typer.Typer(
    name="supplyscope",
    cls=_LazyGroup,
    help="Open, offline supply-chain resilience analysis on real public data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"supplyscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display (also off when not a terminal)."),
) -> None:
    """Open, offline supply-chain resilience analysis on real public data."""
    if quiet:
        from supplyscope.clitools import QUIET_ENV  # imported here: Rich stays out of `supplyscope --help`

        os.environ[QUIET_ENV] = "1"


EXIT_CODES: dict[type[SupplyscopeError], int] = {
    NotFoundError: 3,
    ConfigError: 4,
    DataError: 5,
    RuleError: 6,
}


def _report(exc: SupplyscopeError) -> None:
    """Print a supplyscope error as one line on stderr and exit with its code."""
    from supplyscope.clitools import err_console

    kind = type(exc).__name__
    err_console.print(f"[bold red]{kind}:[/] {exc}", highlight=False, soft_wrap=True)
    sys.exit(next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 2))


def main() -> None:
    """Console entry point: runs the app and turns supplyscope errors into clean messages."""
    try:
        app()
    except SupplyscopeError as exc:
        _report(exc)


if __name__ == "__main__":
    main()
