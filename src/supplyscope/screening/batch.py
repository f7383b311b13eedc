"""Batch screening of a supplier CSV, streamed in batches: read, screen, write hits, audit.

Memory stays flat with input size: rows are read, screened and written one batch at a time; only
the counts (and, for the table, the rows with hits) are kept.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from supplyscope.errors import DataError
from supplyscope.screening.index import QUERY_TYPES, Hit, ScreeningIndex
from supplyscope.screening.xinjiang import xinjiang_match

BATCH_ROWS = 5000
"""Rows read, screened and written per batch."""


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
    entity_type: str | None = None
    identifiers: tuple[str, ...] = ()


@dataclass
class RowResult:
    """The screening result for one input row."""

    supplier: SupplierRow
    hits: list[Hit]
    xinjiang_term: str | None
    status: str  # "hit", "no match" or "empty name"
    notes: list[str] = field(default_factory=list)

    def to_json(self, lists: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "row": self.supplier.row,
            "input": self.supplier.name,
            "hits": [hit_json(h) for h in self.hits],
            "xinjiang_flag": self.xinjiang_term is not None,
            "xinjiang_term": self.xinjiang_term,
            "status": self.status,
            "notes": self.notes,
        }
        if lists is not None:
            out["list_versions"] = list_versions(lists)
            out["caveat"] = caveat(lists)
        return out


def hit_json(h: Hit) -> dict[str, Any]:
    """A hit with its context: list, programs, listing date, type, remarks, source URL, matched alias and parts."""
    return {
        "entity_id": h.entity_id,
        "list": h.list,
        "name": h.name,
        "score": h.score,
        "entity_type": h.entity_type,
        "programs": list(h.programs),
        "listed_on": h.listed_on or None,
        "listed_on_note": h.listed_on_note or None,
        "remarks": h.remarks,
        "source_url": h.source_url,
        "matched_alias": h.matched_alias or None,
        "matched_parts": list(h.matched_parts),
        "branch_of": h.branch_of or None,
        "countries": list(h.countries),
        "identifiers": list(h.identifiers),
        "explanation": h.explanation,
    }


def list_versions(lists: list[dict[str, Any]]) -> str:
    """``"SDN 2024-05-03 (14,965 entries); UFLPA ... (77 entries, PARTIAL)"``."""
    parts = []
    for m in lists:
        n = f"{m['entries']:,} entries" if m.get("entries") is not None else "warehouse"
        parts.append(f"{m['list']} {m['version']} ({n}{', PARTIAL' if m.get('partial') else ''})")
    return "; ".join(parts)


def caveat(lists: list[dict[str, Any]]) -> str:
    """The partial-coverage caveat of every list known to be partial ("" when none is)."""
    return " ".join(f"{m['list']}: {m['caveat']}" for m in lists if m.get("partial") and m.get("caveat"))


def _decode_lines(path: Path, encoding: str) -> Iterator[str]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"not valid {encoding} text (byte {raw[exc.start]:#04x}); pass the file's encoding, "
                    "e.g. --encoding latin-1",
                    source=str(path),
                    row=n,
                    field="encoding",
                ) from exc


def iter_suppliers(
    path: Path,
    name_col: str,
    country_col: str | None = None,
    address_col: str | None = None,
    region_col: str | None = None,
    encoding: str = "utf-8",
    *,
    type_col: str | None = None,
    id_col: str | None = None,
) -> Iterator[SupplierRow]:
    """Stream a supplier CSV row by row; missing columns, bad encoding and malformed rows raise DataError.

    The header is checked at once (before the first row is asked for); the rows are read lazily.
    """
    if not path.is_file():
        raise DataError("file not found", source=str(path))
    lines = _decode_lines(path, encoding)
    reader = csv.reader(lines, strict=True)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise DataError("file is empty (no header row)", source=str(path), row=1) from None
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc}", source=str(path), row=1) from exc
    index: dict[str, int] = {}
    for opt, col in (
        ("--name-col", name_col),
        ("--country-col", country_col),
        ("--address-col", address_col),
        ("--region-col", region_col),
        ("--type-col", type_col),
        ("--id-col", id_col),
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
    return _rows(path, reader, header, index, type_col)


def _rows(
    path: Path, reader: Any, header: list[str], index: dict[str, int], type_col: str | None
) -> Iterator[SupplierRow]:
    from supplyscope.data.sources.screening_countries import to_iso3

    try:
        n = 0
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            n += 1
            line = reader.line_num
            if len(fields) != len(header):
                raise DataError(
                    f"expected {len(header)} fields as in the header, found {len(fields)}", source=str(path), row=line
                )

            def get(opt: str, f: list[str] = fields) -> str:
                return f[index[opt]].strip() if opt in index else ""

            etype = get("--type-col").lower() or None
            if etype == "organization":
                etype = "organisation"
            if etype is not None and etype not in QUERY_TYPES:
                raise DataError(
                    f"entity type {etype!r} is not one of {', '.join(QUERY_TYPES)}",
                    source=str(path),
                    row=line,
                    field=type_col,
                )
            raw_id = get("--id-col")
            idents = (tuple(_identifiers(raw_id)) if raw_id else ()) + tuple(
                x.strip() for x in raw_id.split(";") if ":" in x and x.split(":", 1)[0].strip().isupper()
            )
            raw_country = get("--country-col")
            yield SupplierRow(
                n,
                line,
                get("--name-col"),
                raw_country,
                to_iso3(raw_country) if raw_country else None,
                get("--address-col"),
                get("--region-col"),
                etype,
                tuple(dict.fromkeys(idents)),
            )
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc}", source=str(path), row=reader.line_num + 1) from exc


def _identifiers(text: str) -> list[str]:
    from supplyscope.data.sources.screening_lists import remark_identifiers  # needs pandas: only for --id-col

    return remark_identifiers(text)


def read_suppliers(path: Path, name_col: str, *args: Any, **kw: Any) -> list[SupplierRow]:
    """Every row of a supplier CSV (see :func:`iter_suppliers`)."""
    return list(iter_suppliers(path, name_col, *args, **kw))


def batches(rows: Iterator[SupplierRow], size: int = BATCH_ROWS) -> Iterator[list[SupplierRow]]:
    block: list[SupplierRow] = []
    for r in rows:
        block.append(r)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def screen_rows(
    index: ScreeningIndex,
    rows: list[SupplierRow],
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[RowResult]:
    """Screen every row; every input row gets exactly one result, in input order."""
    hits = index.screen_many(
        [r.name for r in rows],
        [r.country for r in rows],
        [r.address or None for r in rows],
        threshold,
        entity_types=[r.entity_type for r in rows],
        identifiers=[r.identifiers for r in rows],
        progress=progress,
    )
    results = []
    for r, h in zip(rows, hits, strict=True):
        notes = []
        if r.country_raw and r.country is None:
            notes.append(f"country {r.country_raw!r} not recognised; country not used")
        notes += sorted({x.branch_of for x in h if x.branch_of})
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
    "entity_type",
    "programs",
    "listed_on",
    "listed_on_note",
    "source_url",
    "matched_alias",
    "matched_parts",
    "branch_of",
    "remarks",
    "explanation",
    "notes",
    "list_versions",
    "list_caveat",
)


def csv_lines(results: list[RowResult], lists: list[dict[str, Any]]) -> Iterator[list[object]]:
    """One line per hit; a row without hits gets one line whose status says why (and the caveat)."""
    versions, cav = list_versions(lists), caveat(lists)
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
            yield [*base, *[""] * 14, res.status, notes, versions, cav]
        for k, h in enumerate(res.hits, start=1):
            yield [
                *base,
                k,
                h.entity_id,
                h.list,
                h.name,
                f"{h.score:.4f}",
                h.entity_type,
                "; ".join(h.programs),
                h.listed_on,
                h.listed_on_note,
                h.source_url,
                h.matched_alias,
                "; ".join(h.matched_parts),
                h.branch_of,
                h.remarks,
                h.explanation,
                notes,
                versions,
                cav,
            ]


def write_hits_csv(results: list[RowResult], out: Path, lists: list[dict[str, Any]] | None = None) -> int:
    """Write results to ``out`` in one go (see :class:`Run` for streaming). Returns lines written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(OUT_COLUMNS)
        for line in csv_lines(results, lists or []):
            w.writerow(line)
            n += 1
    return n


def summary(results: list[RowResult]) -> dict[str, int]:
    counts = {"rows": 0, "rows_with_hits": 0, "hits": 0, "no_match": 0, "empty_names": 0, "xinjiang_flags": 0}
    add_counts(counts, results)
    return counts


def add_counts(counts: dict[str, int], results: list[RowResult]) -> None:
    counts["rows"] += len(results)
    counts["rows_with_hits"] += sum(1 for r in results if r.hits)
    counts["hits"] += sum(len(r.hits) for r in results)
    counts["no_match"] += sum(1 for r in results if r.status == "no match")
    counts["empty_names"] += sum(1 for r in results if r.status == "empty name")
    counts["xinjiang_flags"] += sum(1 for r in results if r.xinjiang_term is not None)


class TextSink(Protocol):
    """Anything text can be written to (a file, ``sys.stdout``, a wrapper of either)."""

    def write(self, s: str, /) -> int: ...


class HashingWriter(io.TextIOBase):
    """A text sink that forwards to ``target`` and keeps the SHA-256 of the UTF-8 bytes written."""

    def __init__(self, target: TextSink) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def write(self, s: str) -> int:
        self.digest.update(s.encode("utf-8"))
        return self.target.write(s)


@dataclass
class Run:
    """One streamed screening run: counts, the rows to show, and the output checksums."""

    counts: dict[str, int] = field(
        default_factory=lambda: {
            "rows": 0,
            "rows_with_hits": 0,
            "hits": 0,
            "no_match": 0,
            "empty_names": 0,
            "xinjiang_flags": 0,
        }
    )
    shown: list[RowResult] = field(default_factory=list)
    shown_truncated: bool = False
    output_sha256: str | None = None
    json_sha256: str | None = None


def screen_stream(
    index: ScreeningIndex,
    rows: Iterator[SupplierRow],
    *,
    threshold: float | None = None,
    out: Path | None = None,
    json_sink: TextSink | None = None,
    keep_shown: int = 1000,
    batch_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Screen ``rows`` batch by batch, writing the CSV ``out`` and/or JSON rows to ``json_sink`` as it goes.

    The JSON sink receives the row objects, comma-separated, without the enclosing brackets.
    Rows with hits or Xinjiang flags (up to ``keep_shown``) are kept for a table.
    """
    import json

    run = Run()
    lists = index.list_meta
    fh = out.open("w", newline="", encoding="utf-8") if out is not None else None
    hashed = HashingWriter(fh) if fh is not None else None
    writer = csv.writer(hashed) if hashed is not None else None
    jhash = HashingWriter(json_sink) if json_sink is not None else None
    try:
        if writer is not None:
            writer.writerow(OUT_COLUMNS)
        first = True
        for block in batches(rows, BATCH_ROWS if batch_rows is None else batch_rows):
            results = screen_rows(index, block, threshold, progress)
            add_counts(run.counts, results)
            if writer is not None:
                writer.writerows(csv_lines(results, lists))
            if jhash is not None:
                for r in results:
                    jhash.write(("" if first else ",\n") + json.dumps(r.to_json(lists), ensure_ascii=False))
                    first = False
            for r in results:
                if r.status != "no match" or r.xinjiang_term is not None:
                    if len(run.shown) < keep_shown:
                        run.shown.append(r)
                    else:
                        run.shown_truncated = True
    finally:
        if fh is not None:
            fh.close()
    run.output_sha256 = hashed.digest.hexdigest() if hashed is not None else None
    run.json_sha256 = jhash.digest.hexdigest() if jhash is not None else None
    return run


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
