"""The ``supplyscope`` command: one sub-command group per capability.

Each capability package may provide ``supplyscope.<area>.cli`` with a ``register(app)`` function;
the areas are listed in :data:`AREAS` and registered when present.
"""

from __future__ import annotations

import importlib
import sys

import typer

from supplyscope.clitools import err_console
from supplyscope.errors import ConfigError, DataError, NotFoundError, RuleError, SupplyscopeError

app = typer.Typer(
    name="supplyscope",
    help="Open, offline supply-chain resilience analysis on real public data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

AREAS = (
    "supplyscope.data.cli",
    "supplyscope.scoring.cli",
    "supplyscope.indicators.cli",
    "supplyscope.inputoutput.cli",
    "supplyscope.screening.cli",
    "supplyscope.origin.cli",
    "supplyscope.network.cli",
    "supplyscope.minerals.cli",
    "supplyscope.service.cli",
    "supplyscope.shipments.cli",
)


def _register_areas() -> None:
    for name in AREAS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # capability not installed in this tree yet
            raise
        module.register(app)


_register_areas()

EXIT_CODES: dict[type[SupplyscopeError], int] = {
    NotFoundError: 3,
    ConfigError: 4,
    DataError: 5,
    RuleError: 6,
}


def main() -> None:
    """Console entry point: runs the app and turns supplyscope errors into clean messages."""
    try:
        app()
    except SupplyscopeError as exc:
        kind = type(exc).__name__
        err_console.print(f"[bold red]{kind}:[/] {exc}", highlight=False)
        code = next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 2)
        sys.exit(code)


if __name__ == "__main__":
    main()
