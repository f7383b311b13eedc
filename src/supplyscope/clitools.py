"""Shared helpers for every CLI sub-command: output formats, JSON printing, error exit."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from rich.console import Console

from supplyscope.jsonio import to_json

console = Console()
err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"


def print_json(obj: Any) -> None:
    """Print exactly one JSON document on stdout (no Rich markup)."""
    print(to_json(obj))
