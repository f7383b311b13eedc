"""Excel output (``--xlsx PATH``): one sheet per table, plus a sheet naming the inputs and settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.errors import ConfigError

_MAX_SHEET = 31  # Excel's limit on a sheet name


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame], about: Mapping[str, Any] | None = None) -> Path:
    """Write each frame to its own sheet (header frozen, columns sized) and ``about`` to a first "about" sheet.

    Missing values are left as empty cells, never the text ``<NA>``; lists and mappings are written as text.
    """
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"{path}: the workbook name must end in .xlsx", key="--xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        if about:
            info = pd.DataFrame({"item": list(about), "value": [str(v) for v in about.values()]})
            _sheet(writer, "about", info)
        for name, frame in sheets.items():
            _sheet(writer, name, frame)
    return path


def _cell(value: Any) -> Any:
    """A value Excel can hold: a list becomes "a; b", a mapping "k: v; ...", anything else stays."""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return value


def _sheet(writer: pd.ExcelWriter, name: str, frame: pd.DataFrame) -> None:
    clean = frame.astype(object).where(frame.notna(), None).map(_cell)
    title = name[:_MAX_SHEET]
    clean.to_excel(writer, sheet_name=title, index=False)
    ws = writer.sheets[title]
    ws.freeze_panes = "A2"
    for i, col in enumerate(clean.columns, start=1):
        values = [str(col), *(str(v) for v in clean[col].head(200) if v is not None)]
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = min(60, max(8, max(len(v) for v in values) + 2))
