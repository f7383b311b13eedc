"""Shared helpers for every CLI sub-command: output formats, JSON printing, error exit."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any

import numpy as np
from rich.console import Console

console = Console()
err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"


def _default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return None if math.isnan(float(obj)) else float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def to_json(obj: Any) -> str:
    """Serialise to JSON; NaN becomes null, numpy scalars become numbers."""
    return json.dumps(_clean(obj), default=_default, ensure_ascii=False)


def print_json(obj: Any) -> None:
    """Print exactly one JSON document on stdout (no Rich markup)."""
    print(to_json(obj))
