"""Read shipment files (CSV or Parquet) with all-or-nothing validation, as queries of the chosen engine.

Validation is SQL run by the engine (:mod:`supplyscope.engine`): on DuckDB in process, on Spark by the
executors. :func:`stage_shipments` reads the input once: one query writes the normalised rows together
with each row's number and a bit mask of the checks it fails (``_bad``), and one aggregate over those two
small columns (plus a distinct count of the ids) finds every problem. Only when ids repeat does a second
query (a hash aggregate, no sort) locate the repeats. Columns already typed in a Parquet file (a date, a
boolean) are checked as they are, without a round trip through text. Every problem is
collected (see :func:`find_problems`); :func:`read_shipments` and :func:`stage_shipments` raise
:class:`~supplyscope.errors.DataError` naming the file, the row and the column of the first one, and
leave nothing behind when there is any problem.

Row numbers are the line numbers of the CSV file (the header is line 1, so the first shipment is row
2), or 1-based record numbers in a Parquet file (files of a directory in path order).
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from supplyscope.codes import countries
from supplyscope.engine import DuckDBEngine, Engine
from supplyscope.engine.base import Location, RowNumbers
from supplyscope.errors import DataError
from supplyscope.shipments.model import COLUMNS, FIELDS, MODES, SCHEMA, Field

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
ROW = "_row"
BAD = "_bad"
"""Staged column: bit ``i`` set when the row fails check ``i`` (dropped by the pipeline's queries)."""
MAX_DOUBLE = "1.7976931348623157e308"


@dataclass(frozen=True)
class Problem:
    """One cell (or row) that cannot be loaded."""

    row: int | None
    field: str
    message: str
    count: int = 1
    """How many rows have this problem (the row given is the first)."""


def _lit(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _txt(name: str) -> str:
    return f"NULLIF(trim(CAST(\"{name}\" AS VARCHAR)), '')"


NATIVE: dict[str, tuple[str, ...]] = {"date": ("date32[day]",), "bool": ("bool",)}
"""Arrow types (of a Parquet column) that already hold a field of that kind: checked without text.
Numbers are not among them: DuckDB 2.0 folds a range test on a Parquet double column using the file's
min/max statistics, which leave out NaN, so a NaN value would pass; its text form is always checked."""


def _native(f: Field, types: dict[str, str]) -> bool:
    return types.get(f.name, "string") in NATIVE.get(f.kind, ())


def _checks(f: Field, iso3: str, native: bool = False) -> list[tuple[str, str]]:
    """``(predicate that is true for a bad value, message)`` for one column, in SQL both engines run.

    ``iso3``: the valid codes as one string, each between two bars. ``native``: the column is already of
    the field's type (a Parquet date or boolean, see :data:`NATIVE`), so only nulls are checked; text
    input is trimmed, parsed and checked in full.
    """
    if native:  # a date or a boolean: only a missing value can be wrong
        return [(f'"{f.name}" IS NULL', "value is required")] if f.required else []
    t = _txt(f.name)
    out: list[tuple[str, str]] = []
    if f.required:
        out.append((f"{t} IS NULL", "value is required"))
    if f.kind == "date":
        out.append((f"{t} IS NOT NULL AND TRY_CAST({t} AS DATE) IS NULL", "not a date (YYYY-MM-DD)"))
    elif f.kind == "mode":
        out.append((f"{t} IS NOT NULL AND lower({t}) NOT IN ({_lit(MODES)})", f"mode must be one of {MODES}"))
    elif f.kind == "hts10":
        out.append(
            (
                f"{t} IS NOT NULL AND NOT regexp_matches(regexp_replace({t}, '[. ]', '', 'g'), '^[0-9]{{10}}$')",
                "not a 10-digit HTS number",
            )
        )
    elif f.kind == "money":
        v = f"TRY_CAST({t} AS DOUBLE)"
        # NaN sorts above every number on both engines, so the range test also refuses NaN and infinity
        out.append(
            (
                f"{t} IS NOT NULL AND ({v} IS NULL OR NOT ({v} >= 0 AND {v} <= {MAX_DOUBLE}))",
                "not a non-negative number",
            )
        )
    elif f.kind == "iso3":
        # a lookup in one '|'-separated string: a fraction of the cost of an IN list of ~250 literals
        out.append(
            (
                f"{t} IS NOT NULL AND (length({t}) <> 3 OR instr('{iso3}', '|' || upper({t}) || '|') = 0)",
                "not an ISO 3166 alpha-3 country code",
            )
        )
    elif f.kind == "bool":
        out.append(
            (
                f"{t} IS NOT NULL AND lower({t}) NOT IN ({_lit(TRUE_WORDS + FALSE_WORDS)})",
                "not a boolean (true/false, yes/no, 1/0)",
            )
        )
    return out


def _normalised_columns(types: dict[str, str], cast: str = "CAST") -> list[str]:
    """The typed, normalised value of every field; ``cast="TRY_CAST"`` for rows not yet validated."""
    cols = []
    for f in FIELDS:
        if _native(f, types):
            expr = f'"{f.name}"'
        else:
            t = _txt(f.name)
            expr = {
                "date": f"{cast}({t} AS DATE)",
                "mode": f"lower({t})",
                "hts10": f"regexp_replace({t}, '[. ]', '', 'g')",
                "money": f"{cast}({t} AS DOUBLE)",
                "iso3": f"upper({t})",
                "bool": f"lower({t}) IN ({_lit(TRUE_WORDS)})",
            }.get(f.kind, t)
        cols.append(f'{expr} AS "{f.name}"')
    return cols


def normalised_sql(raw: str, types: dict[str, str] | None = None) -> str:
    """The validated rows, typed and normalised (no ORDER BY: a scan keeps the file's order, and a global
    sort would cost Spark a shuffle). ``types``: Arrow type names of the input's columns (text if absent)."""
    return f"WITH raw AS ({raw}) SELECT " + ", ".join(_normalised_columns(types or {})) + " FROM raw"


class _Session:
    """The input as view ``_raw0`` of an engine; :attr:`raw` is the query adding any missing optional column."""

    def __init__(self, source: str, engine: Engine | None = None) -> None:
        self.source = source
        self._owns = engine is None
        self.engine: Engine = engine if engine is not None else DuckDBEngine()
        self.raw = ""
        self.types: dict[str, str] = {}
        self.numbers: RowNumbers = lambda key: key

    def open_file(self, location: Location) -> None:
        text = str(location)
        local = "://" not in text
        path = Path(text)
        if local and not path.exists():
            raise DataError("file not found", source=text)
        suffix = text.lower()
        if suffix.endswith(".parquet") or (local and path.is_dir()):
            self.numbers = self.engine.register_numbered("_raw0", location, ROW, None)
        elif suffix.endswith((".csv", ".csv.gz")):
            header = _csv_header(path) if local else None
            if header is None:
                raise DataError("CSV input must be a local file; stage it as Parquet for a cluster", source=text)
            self.numbers = self.engine.register_numbered("_raw0", location, ROW, header)
        else:
            raise DataError("unsupported file type; use .csv, .csv.gz or .parquet", source=text)
        self._columns()

    def open_table(self, table: pa.Table) -> None:
        with_rows = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
        self.engine.register("_raw0", with_rows)
        self._columns()

    def _columns(self) -> None:
        schema = self.engine.arrow("SELECT * FROM _raw0 LIMIT 0").schema
        present = schema.names
        self.types = {name: str(schema.field(name).type) for name in present}
        unknown = [c for c in present if c not in COLUMNS and c != ROW]
        if unknown:
            raise DataError(
                f"unknown column(s) {unknown}; expected {list(COLUMNS)}", source=self.source, field=unknown[0]
            )
        missing = [f for f in FIELDS if f.name not in present]
        for f in missing:
            if f.required:
                raise DataError("column is missing", source=self.source, row=1, field=f.name)
        fill = ", ".join(f'CAST(NULL AS VARCHAR) AS "{f.name}"' for f in missing)
        self.raw = f"SELECT *{', ' + fill if fill else ''} FROM _raw0"

    def _check_list(self) -> list[tuple[str, str, str]]:
        """``(field, predicate, message)`` of every check; check ``i`` is bit ``i`` of :data:`BAD`."""
        iso3 = "|" + "|".join(c for c in sorted(countries.iso3_codes()) if c.isalnum()) + "|"
        return [(f.name, pred, msg) for f in FIELDS for pred, msg in _checks(f, iso3, _native(f, self.types))]

    def _checked_columns(self) -> list[str]:
        """The row number and the bit mask of failed checks, over ``raw``."""
        bits = " + ".join(
            f"CASE WHEN {pred} THEN {1 << i} ELSE 0 END" for i, (_n, pred, _m) in enumerate(self._check_list())
        )
        return [f"{ROW}", f"CAST({bits or '0'} AS BIGINT) AS {BAD}"]

    def staged_sql(self) -> str:
        """Normalised rows (``TRY_CAST``: bad values become null) with :data:`ROW` and :data:`BAD`."""
        cols = _normalised_columns(self.types, "TRY_CAST") + self._checked_columns()
        return f"WITH raw AS ({self.raw}) SELECT " + ", ".join(cols) + " FROM raw"

    def problems(self, checked: str | None = None) -> list[Problem]:
        """Every problem; ``checked`` is a table with :data:`ROW`, :data:`BAD` and the normalised
        ``shipment_id`` (the staged rows), else the checks are evaluated over the input in the same query."""
        checks = self._check_list()
        if checked is None:
            tid = _txt("shipment_id")
            source = (
                f"WITH raw AS ({self.raw}), checked AS (SELECT {', '.join(self._checked_columns())}, "
                f"{tid} AS shipment_id FROM raw) "
            )
        else:
            source = f"WITH checked AS (SELECT {ROW}, {BAD}, shipment_id FROM {checked}) "
        parts = [
            f"CAST(count(*) FILTER (WHERE ({BAD} & {1 << i}) <> 0) AS BIGINT) AS n{i}, "
            f"min({ROW}) FILTER (WHERE ({BAD} & {1 << i}) <> 0) AS r{i}"
            for i in range(len(checks))
        ]
        parts.append("CAST(count(shipment_id) AS BIGINT) AS ids, CAST(count(DISTINCT shipment_id) AS BIGINT) AS uniq")
        row = self.engine.arrow(source + "SELECT " + ", ".join(parts) + " FROM checked").to_pylist()[0]
        found: list[Problem] = []
        for i, (name, _pred, msg) in enumerate(checks):
            n, first = int(row[f"n{i}"] or 0), row[f"r{i}"]
            if n:
                found.append(Problem(self.numbers(int(first)), name, f"{msg}, got {self._value(name, first)!r}", n))
        if int(row["ids"] or 0) != int(row["uniq"] or 0):
            found.append(self._duplicates())
        return sorted(found, key=lambda p: (p.row if p.row is not None else 0, COLUMNS.index(p.field)))

    def _duplicates(self) -> Problem:
        """Where ids repeat (only asked when they do), by hash aggregate: a repeat is any row after the
        first of its id."""
        tid = _txt("shipment_id")
        dup = self.engine.arrow(
            f"WITH raw AS ({self.raw}), ids AS (SELECT {tid} AS id, min({ROW}) AS r0 FROM raw "
            f"WHERE {tid} IS NOT NULL GROUP BY {tid} HAVING count(*) > 1) "
            f"SELECT CAST(count(*) AS BIGINT) AS n, min(raw.{ROW}) AS r FROM raw JOIN ids ON {tid} = ids.id "
            f"WHERE raw.{ROW} > ids.r0"
        ).to_pylist()[0]
        shown = self._value("shipment_id", dup["r"])
        return Problem(self.numbers(int(dup["r"])), "shipment_id", f"duplicate shipment_id {shown!r}", int(dup["n"]))

    def _value(self, name: str, key: int) -> object:
        values = self.engine.arrow(
            f"WITH raw AS ({self.raw}) SELECT {_txt(name)} AS v FROM raw WHERE {ROW} = {int(key)}"
        )
        return values.column("v")[0].as_py() if values.num_rows else None

    def check(self, checked: str | None = None) -> None:
        found = self.problems(checked)
        if found:
            first = found[0]
            total = sum(p.count for p in found)
            more = f" ({total} problems in all)" if total > 1 else ""
            raise DataError(first.message + more, source=self.source, row=first.row, field=first.field)

    def normalised(self) -> str:
        return normalised_sql(self.raw, self.types)

    def close(self) -> None:
        if self._owns:
            self.engine.close()


def _csv_header(path: Path) -> list[str]:
    """Column names from the first line of a CSV (plain or gzip), checked for blanks and repeats."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot be read: {exc}", source=str(path), row=1) from exc
    if not header:
        raise DataError("file is empty; expected a header row", source=str(path), row=1)
    names = [h.strip() for h in header]
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"header column {i + 1} has no name", source=str(path), row=1)
        if name in names[:i]:
            raise DataError("column appears twice in the header", source=str(path), row=1, field=name)
    return names


def find_problems(path: Path, engine: Engine | None = None) -> list[Problem]:
    """Every problem in a shipment file (empty when it loads cleanly)."""
    s = _Session(str(path), engine)
    try:
        try:
            s.open_file(path)
        except DataError as exc:
            return [Problem(exc.row, exc.field or "", exc.detail)]
        return s.problems()
    finally:
        s.close()


def read_shipments(path: Path) -> pa.Table:
    """A validated, normalised shipment table (schema :data:`~supplyscope.shipments.model.SCHEMA`)."""
    s = _Session(str(path))
    try:
        s.open_file(path)
        s.check()
        return s.engine.arrow(s.normalised()).cast(SCHEMA)
    finally:
        s.close()


def validate_table(table: pa.Table, source: str = "<table>") -> pa.Table:
    """Validate and normalise an in-memory shipment table (rows numbered from 1)."""
    s = _Session(source)
    try:
        s.open_table(table)
        s.check()
        return s.engine.arrow(s.normalised()).cast(SCHEMA)
    finally:
        s.close()


def stage_shipments(path: Location, out: Location, engine: Engine | None = None) -> int:
    """Validate ``path`` and write the normalised shipments as Parquet at ``out``; return the row count.

    Both steps are queries of ``engine`` (DuckDB in process by default; on Spark the executors check and
    write, and ``out`` must be a location they can see, local or ``s3a://``/``hdfs://``). ``out`` is
    written in the same pass as the checks (with :data:`ROW` and :data:`BAD` columns, which the
    pipeline's queries leave out), then the checks are read off it; it is removed (``Engine.remove``)
    when the file has any problem.
    """
    s = _Session(str(path), engine)
    try:
        s.open_file(path)
        n = s.engine.to_parquet(s.staged_sql(), out)
        try:
            s.engine.register("_staged", out)
            s.check("_staged")
        except Exception:  # a problem in the file, or a failed check: leave nothing staged
            s.engine.remove(out)
            raise
        return n
    finally:
        s.close()
