"""Batch screening of a supplier CSV: read, screen, write hits, append an audit record."""

from __future__ import annotations

import csv
import getpass
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supplyscope import __version__ as _pkg_version
from supplyscope.data.paths import home
from supplyscope.data.warehouse import file_checksum
from supplyscope.errors import DataError
from supplyscope.screening.countries import to_iso3
from supplyscope.screening.index import DEFAULT_THRESHOLD, Hit, ScreeningIndex
from supplyscope.screening.lists import csv_records, read_text
from supplyscope.screening.xinjiang import xinjiang_match


@dataclass
class SupplierRow:
    """One input row: its data-row number (1 = first row after the header) and file line."""

    row: int
    line: int
    name: str
    country_raw: str = ""
    country: str | None = None
    address: str = ""
    region: str = ""


@dataclass
class RowResult:
    """The screening result for one input row."""

    supplier: SupplierRow
    hits: list[Hit]
    xinjiang_term: str | None
    status: str  # "hit", "no match" or "empty name"
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.supplier.row,
            "input": self.supplier.name,
            "hits": [
                {
                    "entity_id": h.entity_id,
                    "list": h.list,
                    "name": h.name,
                    "score": h.score,
                    "explanation": h.explanation,
                }
                for h in self.hits
            ],
            "xinjiang_flag": self.xinjiang_term is not None,
            "xinjiang_term": self.xinjiang_term,
            "status": self.status,
        }


def read_suppliers(
    path: Path,
    name_col: str,
    country_col: str | None = None,
    address_col: str | None = None,
    region_col: str | None = None,
    encoding: str = "utf-8",
) -> list[SupplierRow]:
    """Read a supplier CSV; missing columns, bad encoding and malformed rows raise DataError."""
    if not path.is_file():
        raise DataError("file not found", source=str(path))
    text = read_text(path, encoding).lstrip("\ufeff")
    records = csv_records(text, path, header=False)
    try:
        _, header = next(records)
    except StopIteration:
        raise DataError("file is empty (no header row)", source=str(path), row=1) from None
    header = [h.strip() for h in header]
    index: dict[str, int] = {}
    for opt, col in (
        ("--name-col", name_col),
        ("--country-col", country_col),
        ("--address-col", address_col),
        ("--region-col", region_col),
    ):
        if col is None:
            continue
        if col not in header:
            raise DataError(
                f"column {col!r} ({opt}) is missing; columns are: {', '.join(header)}",
                source=str(path),
                row=1,
                field=col,
            )
        index[opt] = header.index(col)
    out: list[SupplierRow] = []
    for n, (line, fields) in enumerate(records, start=1):
        if len(fields) != len(header):
            raise DataError(
                f"expected {len(header)} fields as in the header, found {len(fields)}", source=str(path), row=line
            )

        def get(opt: str, f: list[str] = fields) -> str:
            return f[index[opt]].strip() if opt in index else ""

        raw_country = get("--country-col")
        out.append(
            SupplierRow(
                n,
                line,
                get("--name-col"),
                raw_country,
                to_iso3(raw_country) if raw_country else None,
                get("--address-col"),
                get("--region-col"),
            )
        )
    return out


def screen_rows(
    index: ScreeningIndex,
    rows: list[SupplierRow],
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[RowResult]:
    """Screen every row; every input row gets exactly one result, in input order."""
    names = [r.name for r in rows]
    hits = index.screen_many(
        names, [r.country for r in rows], [r.address or None for r in rows], threshold, progress=progress
    )
    results = []
    for r, h in zip(rows, hits, strict=True):
        notes = []
        if r.country_raw and r.country is None:
            notes.append(f"country {r.country_raw!r} not recognised; country not used")
        term = None
        for text in (r.address, r.region, r.name):
            term = xinjiang_match(text, r.country)
            if term:
                break
        status = "empty name" if not r.name else ("hit" if h else "no match")
        results.append(RowResult(r, h if r.name else [], term, status, notes))
    return results


OUT_COLUMNS = (
    "row",
    "input",
    "country",
    "status",
    "xinjiang_flag",
    "xinjiang_term",
    "rank",
    "entity_id",
    "list",
    "listed_name",
    "score",
    "explanation",
    "notes",
)


def write_hits_csv(results: list[RowResult], out: Path) -> int:
    """One line per hit; rows without hits get one line whose status says why. Returns lines written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(OUT_COLUMNS)
        for res in results:
            s = res.supplier
            base = [
                s.row,
                s.name,
                s.country or s.country_raw,
                res.status,
                res.xinjiang_term is not None,
                res.xinjiang_term or "",
            ]
            notes = "; ".join(res.notes)
            if not res.hits:
                w.writerow([*base, "", "", "", "", "", "no match" if res.status == "no match" else res.status, notes])
                n += 1
            for k, h in enumerate(res.hits, start=1):
                w.writerow([*base, k, h.entity_id, h.list, h.name, f"{h.score:.4f}", h.explanation, notes])
                n += 1
    return n


def default_audit_path() -> Path:
    return home() / "audit" / "screening.jsonl"


def summary(results: list[RowResult]) -> dict[str, int]:
    return {
        "rows": len(results),
        "rows_with_hits": sum(1 for r in results if r.hits),
        "hits": sum(len(r.hits) for r in results),
        "no_match": sum(1 for r in results if r.status == "no match"),
        "empty_names": sum(1 for r in results if r.status == "empty name"),
        "xinjiang_flags": sum(1 for r in results if r.xinjiang_term is not None),
    }


def append_audit(
    audit: Path,
    *,
    input_path: Path,
    index: ScreeningIndex,
    threshold: float | None,
    results: list[RowResult],
    output: Path | None,
) -> dict[str, Any]:
    """Append one JSON line describing this run and return it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "screen",
        "supplyscope_version": _pkg_version,
        "user": user,
        "input": str(input_path.resolve()),
        "input_sha256": file_checksum(input_path),
        "threshold": DEFAULT_THRESHOLD if threshold is None else threshold,
        "lists": index.versions,
        "list_entries": index.lists,
        "counts": summary(results),
        "output": str(output.resolve()) if output else None,
    }
    audit.parent.mkdir(parents=True, exist_ok=True)
    with audit.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record
