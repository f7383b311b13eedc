"""JSON for results: NaN and infinities become null, numpy scalars and arrays become plain values."""

from __future__ import annotations

import json
import math
from typing import Any


def _default(obj: Any) -> Any:
    tolist = getattr(obj, "tolist", None)  # numpy scalars and arrays, without importing numpy here
    if callable(tolist):
        return _clean(tolist())
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


def to_json(obj: Any, *, indent: int | None = None) -> str:
    """Serialise to JSON; NaN becomes null, numpy scalars become numbers."""
    return json.dumps(_clean(obj), default=_default, ensure_ascii=False, indent=indent)
