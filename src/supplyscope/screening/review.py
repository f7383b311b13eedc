"""Analyst review of screening hits: read a results CSV and decisions, check them against each other."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyscope.errors import DataError
from supplyscope.screening.audit import DECISIONS


@dataclass(frozen=True)
class Decision:
    """One decision on one hit; ``line`` is its line in a decisions file (0 when given on the command line)."""

    row: int
    entity_id: str
    decision: str
    reason: str
    line: int


def read_results(path: Path) -> dict[tuple[int, str], dict[str, str]]:
    """The hits of a results CSV (``supplyscope screen --out``), by (row, entity_id)."""
    if not path.is_file():
        raise DataError("file not found", source=str(path))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        need = ("row", "entity_id", "listed_name", "score", "list_versions")
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(
                "not a results CSV from `supplyscope screen --out`", source=str(path), row=1, field=missing[0]
            )
        out: dict[tuple[int, str], dict[str, str]] = {}
        for r in reader:
            if r["entity_id"]:
                out[(int(r["row"]), r["entity_id"])] = r
    return out


def read_decisions(path: Path) -> list[Decision]:
    """A decisions CSV: columns row, entity_id, decision, reason."""
    if not path.is_file():
        raise DataError("file not found", source=str(path))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for col in ("row", "entity_id", "decision", "reason"):
            if col not in (reader.fieldnames or []):
                raise DataError("column is missing", source=str(path), row=1, field=col)
        out = []
        for r in reader:
            line = reader.line_num
            try:
                row = int(r["row"])
            except ValueError:
                raise DataError(f"not a row number: {r['row']!r}", source=str(path), row=line, field="row") from None
            out.append(Decision(row, r["entity_id"].strip(), r["decision"].strip().lower(), r["reason"].strip(), line))
    return out


def check(
    items: list[Decision], hits: dict[tuple[int, str], dict[str, str]], results: Path, source: Path | None
) -> list[dict[str, Any]]:
    """Validate each decision (a known decision, a reason, a hit that exists) -> audit entries."""
    where = str(source or results)
    out = []
    for d in items:
        if d.decision not in DECISIONS:
            raise DataError(
                f"decision {d.decision!r} is not one of {', '.join(DECISIONS)}",
                source=where,
                row=d.line or None,
                field="decision",
            )
        if not d.reason:
            raise DataError("a reason is required", source=where, row=d.line or None, field="reason")
        hit = hits.get((d.row, d.entity_id))
        if hit is None:
            raise DataError(
                f"row {d.row} has no hit on {d.entity_id} in {results.name}",
                source=where,
                row=d.line or None,
                field="entity_id",
            )
        out.append(
            {
                "row": d.row,
                "input": hit.get("input", ""),
                "entity_id": d.entity_id,
                "list": hit.get("list", ""),
                "listed_name": hit["listed_name"],
                "score": float(hit["score"]),
                "decision": d.decision,
                "reason": d.reason,
            }
        )
    return out
