"""Fast, line-exact CSV reading for the full-size loaders (Arrow's multithreaded CSV reader).

The fast path reads typed columns with pyarrow. If Arrow refuses the file (a row with the wrong
number of columns, a value that is not a number), the file is read again slowly, only to find the
first offending line and column, and a :class:`DataError` names them. Empty lines are kept as empty
records, so the record at position ``i`` is always on line ``i + 2`` of the file (line 1 = header),
as long as no quoted value spans lines (Arrow refuses those: ``newlines_in_values`` is off).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from supplyscope.errors import DataError

Opener = Callable[[], IO[bytes]]
"""Returns a fresh binary stream of the CSV each time it is called (the slow path reads twice)."""

FIRST_DATA_LINE = 2
BLOCK_SIZE = 1 << 24


def file_opener(path: Path) -> Opener:
    """Opener for a plain or gzip-compressed file."""
    if path.suffix == ".gz":
        return lambda: cast(IO[bytes], gzip.open(path, "rb"))
    return lambda: path.open("rb")


def sha256_of(opener: Opener) -> str:
    """SHA-256 of a stream's bytes."""
    digest = hashlib.sha256()
    with opener() as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Layout:
    """Header of a delimited file: column names (whitespace stripped) and the delimiter."""

    columns: tuple[str, ...]
    delimiter: str

    def require(self, names: Sequence[str], source: str) -> None:
        """Raise naming the first required column the header lacks."""
        for name in names:
            if name not in self.columns:
                raise DataError(
                    f"column is missing (header has: {', '.join(self.columns)})",
                    source=source,
                    row=1,
                    field=name,
                )


def read_layout(opener: Opener, source: str) -> Layout:
    """Read the header line; a tab in it means tab-separated, otherwise comma-separated."""
    with opener() as fh:
        first = fh.readline(1 << 20)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"header is not UTF-8 text: {exc}", source=source, row=1) from exc
    text = text.rstrip("\r\n")
    if not text.strip():
        raise DataError("file is empty or has no header line", source=source, row=1)
    delimiter = "\t" if "\t" in text else ","
    names = next(csv.reader([text], delimiter=delimiter))
    return Layout(tuple(n.strip() for n in names), delimiter)


def read_table(
    opener: Opener,
    source: str,
    layout: Layout,
    types: Mapping[str, pa.DataType],
) -> pa.Table:
    """Read the columns named in ``types`` (other columns are skipped) with explicit types.

    Numbers with surrounding spaces are accepted; an empty numeric cell becomes null. Raises
    :class:`DataError` with the line and column of the first row Arrow cannot read.
    """
    names = list(layout.columns)
    read_opts = pacsv.ReadOptions(use_threads=True, block_size=BLOCK_SIZE, column_names=names, skip_rows=1)
    parse_opts = pacsv.ParseOptions(delimiter=layout.delimiter, ignore_empty_lines=False)
    convert_opts = pacsv.ConvertOptions(
        column_types=dict(types), include_columns=list(types), strings_can_be_null=False, null_values=[""]
    )
    try:
        with opener() as fh:
            return pacsv.read_csv(fh, read_options=read_opts, parse_options=parse_opts, convert_options=convert_opts)
    except pa.ArrowInvalid as exc:
        _diagnose(opener, source, layout, types, exc)
        raise AssertionError("unreachable") from exc  # _diagnose always raises


def _diagnose(opener: Opener, source: str, layout: Layout, types: Mapping[str, pa.DataType], exc: Exception) -> None:
    """Slow path after Arrow refused a file: find the first bad line and raise a DataError for it."""
    bad_rows: list[tuple[int | None, int, int]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        bad_rows.append((row.number, row.expected_columns, row.actual_columns))
        return "error"

    read_opts = pacsv.ReadOptions(
        use_threads=False, block_size=BLOCK_SIZE, column_names=list(layout.columns), skip_rows=1
    )
    parse_opts = pacsv.ParseOptions(delimiter=layout.delimiter, ignore_empty_lines=False, invalid_row_handler=handler)
    convert_opts = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in types}, include_columns=list(types), strings_can_be_null=False
    )
    try:
        with opener() as fh:
            strings = pacsv.read_csv(fh, read_options=read_opts, parse_options=parse_opts, convert_options=convert_opts)
    except pa.ArrowInvalid as second:
        if bad_rows:
            number, expected, actual = bad_rows[0]
            # Arrow numbers physical lines from 1, the skipped header included.
            raise DataError(f"expected {expected} columns, found {actual}", source=source, row=number) from second
        raise DataError(f"cannot read CSV: {second}", source=source) from second
    first: tuple[int, str, str] | None = None
    for name, typ in types.items():
        if pa.types.is_string(typ):
            continue
        values = strings.column(name).to_pandas()
        idx = first_bad_number(values)
        if idx is not None and (first is None or idx < first[0]):
            first = (idx, name, str(values.iloc[idx]))
    if first is not None:
        idx, name, value = first
        raise DataError(f"not a number: {value!r}", source=source, row=idx + FIRST_DATA_LINE, field=name)
    raise DataError(f"cannot read CSV: {exc}", source=source) from exc


def first_bad_number(values: pd.Series) -> int | None:
    """Position of the first non-empty string that is not a number, or ``None``."""
    stripped = values.astype(str).str.strip()
    parsed = pd.to_numeric(stripped.where(stripped != "", "0"), errors="coerce")
    return first_true(parsed.isna().to_numpy())


def first_true(mask: npt.NDArray[np.bool_]) -> int | None:
    """Position of the first True in ``mask``, or ``None``."""
    if mask.size == 0 or not mask.any():
        return None
    return int(mask.argmax())


def trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Strip surrounding white space from a string column."""
    return pc.utf8_trim_whitespace(column)


def to_numpy_str(column: pa.ChunkedArray) -> npt.NDArray[np.object_]:
    """A string column as a numpy object array (used only on small or filtered data)."""
    return np.asarray(column.to_pylist(), dtype=object)


def raise_first(problems: list[tuple[int, str, str]], source: str) -> None:
    """Raise a DataError for the earliest of ``(position, field, message)`` problems, if any."""
    if not problems:
        return
    idx, name, message = min(problems, key=lambda p: p[0])
    raise DataError(message, source=source, row=idx + FIRST_DATA_LINE, field=name)


def small_csv(raw: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """Header (stripped) and remaining rows of a small CSV file given as bytes: UTF-8 (with or without BOM)
    tried first, then Latin-1, the encoding of older CEPII releases."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    reader = csv.reader(io.StringIO(text))
    return [h.strip() for h in next(reader, [])], reader
