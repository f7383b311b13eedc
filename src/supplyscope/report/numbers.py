"""Numbers and missing values formatted for reading: thousands separators, no exponent notation, no ``<NA>``."""

from __future__ import annotations

import math
from typing import Any

NA = "n/a"
"""What every report and table prints for a missing value."""


def missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and empty strings."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value) or str(value) in ("<NA>", "NaT")
    except (TypeError, ValueError):  # pandas.NA refuses bool()
        return True


def number(value: Any, digits: int = 3) -> str:
    """A number for reading: ``903,300``, ``12.5``, ``0.0421``; never ``9.033e+05``; :data:`NA` when missing.

    ``digits`` significant digits for values below 1,000; larger values are rounded to whole units.
    """
    if missing(value):
        return NA
    if isinstance(value, bool):
        return str(value).lower()
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(v))))
    text = f"{v:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def share(value: Any, decimals: int = 1) -> str:
    """A 0–1 share as a percentage (``42.1%``); :data:`NA` when missing."""
    return NA if missing(value) else f"{100 * float(value):.{decimals}f}%"


def usd(value: Any) -> str:
    """US dollars for reading: ``$903.3 M``, ``$1.2 bn``, ``$4,500``."""
    if missing(value):
        return NA
    v = float(value)
    if abs(v) >= 1e9:
        return f"${v / 1e9:,.1f} bn"
    if abs(v) >= 1e6:
        return f"${v / 1e6:,.1f} M"
    return f"${v:,.0f}"


def text(value: Any) -> str:
    """Any cell as text: numbers via :func:`number`, missing values as :data:`NA`."""
    if missing(value):
        return NA
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return str(value)
